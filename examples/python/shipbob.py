"""The warehouse (ShipBob): orders carrying our label, cancellations, stock levels.

ShipBob retires dated API versions: a retired one answers 410 Gone and names its
successor in a `Link` header. We move to the successor, tell a human, and read stock in
either field spelling (`total_sellable_quantity` before 2026-07, `sellable_quantity` after).
"""

import re
import threading

from transport import Provider, log


SELLABLE_FIELDS = (
    "total_sellable_quantity",
    "sellable_quantity",
    "total_fulfillable_quantity",
    "fulfillable_quantity",
)


class ShipBob:
    def __init__(self, node, alert):
        self.node = node
        self.api = Provider(
            "shipbob",
            node.url,
            {
                "Authorization": f"Bearer {node.credentials.get('token', '')}",
                "shipbob_channel_id": node.credentials.get("channel_id", ""),
            },
        )
        self.api.on_retired = self._move_to
        self._alert = alert
        self._lock = threading.Lock()

    def _move_to(self, successor_url: str) -> bool:
        match = re.search(r"/(\d{4}-\d{2}|v?\d+\.\d+)(/|$)", successor_url)
        if not match:
            return False
        version = match.group(1)
        with self._lock:
            old = self.api.base_url
            new = re.sub(r"/(\d{4}-\d{2}|v?\d+\.\d+)$", f"/{version}", old)
            if new == old:
                return True  # another thread moved already
            self.api.base_url = new
        log(f"shipbob retired {old}; now using {new}")
        retired = old.rsplit("/", 1)[-1]
        self._alert(
            f"warehouse-api:{self.node.id}",
            f"Heads-up: ShipBob no longer serves API version {retired}, so this service moved itself "
            f"to {version}. Please change {retired} to {version} in {self.node.id}'s URL before the next deploy.",
        )
        return True

    def subscribe(self, topics, url: str) -> None:
        existing = self.api.call("GET", "/webhook").body or {}
        for hook in existing.get("items") or []:
            if hook.get("url") == url and set(topics) <= set(hook.get("topics") or []):
                return
        self.api.call("POST", "/webhook", {"topics": list(topics), "url": url, "description": "starter"})

    def create_order(self, body: dict) -> dict:
        return self.api.call("POST", "/order", body).body

    def find_order(self, reference_id: str) -> dict | None:
        answer = self.api.call("GET", "/order", query={"ReferenceIds": reference_id})
        for order in answer.body or []:
            if str(order.get("reference_id")) == reference_id:
                return order
        return None

    def cancel(self, order_id) -> None:
        self.api.call("POST", f"/order/{order_id}:cancel", {}, repeat_writes=True)

    def sellable(self, attempts: int = 3) -> dict:
        """SKU -> units the warehouse can sell."""
        levels = {}
        query = {"PageSize": 250}
        path = "/inventory-level"
        for _ in range(50):
            body = self.api.call("GET", path, query=query, attempts=attempts).body or {}
            for item in body.get("items") or []:
                # ShipBob's "sellable" also leaves out units of orders in Exception; the
                # fulfillable count is the next best thing where sellable is not served
                quantity = next(
                    (item[k] for k in SELLABLE_FIELDS if item.get(k) is not None),
                    None,
                )
                if item.get("sku") and quantity is not None:
                    levels[item["sku"]] = int(quantity)
            following = body.get("next")
            if not following:
                break
            if not following.startswith("http"):  # a path from the host's root
                host = self.api.base_url.split("/", 3)[:3]
                following = "/".join(host) + "/" + following.lstrip("/")
            path, query = following, None
        return levels
