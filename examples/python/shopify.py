"""The storefront (Shopify Admin REST): orders' fulfillment orders, fulfillments, stock.

What the customer sees comes from these calls: accepting the fulfillment request shows
"Processing", a hold shows "On Hold", a fulfillment with tracking shows "Shipped", and
fulfillment events show "Out for Delivery" / "Delivered" with the expected date.
"""

from transport import Provider


class Shopify:
    def __init__(self, node, alert):
        self.node = node
        token = node.credentials.get("access_token", "")
        self.api = Provider("shopify", node.url, {"X-Shopify-Access-Token": token})
        self.api.on_deprecated = self._deprecated
        self._alert = alert

    def _deprecated(self, reason: str, served: str | None) -> None:
        # Shopify keeps answering (a retired version falls forward), so this is a heads-up
        asked = self.api.base_url.rstrip("/").rsplit("/", 1)[-1]
        self._alert(
            f"storefront-api:{self.node.id}",
            f"Heads-up: Shopify flags Admin API {asked} as deprecated ({reason}); it is answering "
            f"as {served or 'a newer version'}. Move {self.node.id}'s URL to a supported version.",
        )

    def subscribe(self, topics, address: str) -> None:
        existing = self.api.call("GET", "/webhooks.json").body.get("webhooks", [])
        have = {(w.get("topic"), w.get("address")) for w in existing}
        for topic in topics:
            if (topic, address) not in have:
                body = {"webhook": {"topic": topic, "address": address, "format": "json"}}
                self.api.call("POST", "/webhooks.json", body)

    def order(self, order_id: int) -> dict:
        return self.api.call("GET", f"/orders/{order_id}.json").body["order"]

    def open_orders(self) -> list:
        answer = self.api.call("GET", "/orders.json", query={"status": "open", "limit": 250})
        return answer.body.get("orders", [])

    def fulfillment_orders(self, order_id: int) -> list:
        answer = self.api.call("GET", f"/orders/{order_id}/fulfillment_orders.json")
        return answer.body.get("fulfillment_orders", [])

    def accept(self, fo_id: int, message: str) -> None:
        body = {"fulfillment_request": {"message": message}}
        self.api.call("POST", f"/fulfillment_orders/{fo_id}/fulfillment_request/accept.json", body)

    def hold(self, fo_id: int, reason: str, notes: str) -> None:
        body = {"fulfillment_hold": {"reason": reason, "reason_notes": notes}}
        self.api.call("POST", f"/fulfillment_orders/{fo_id}/hold.json", body)

    def release_hold(self, fo_id: int) -> None:
        self.api.call("POST", f"/fulfillment_orders/{fo_id}/release_hold.json", {})

    def fulfill(self, fo_id: int, lines, tracking: dict) -> dict:
        """`lines`: [(fulfillment order line item id, quantity)] actually shipped."""
        body = {
            "fulfillment": {
                "line_items_by_fulfillment_order": [
                    {
                        "fulfillment_order_id": fo_id,
                        "fulfillment_order_line_items": [{"id": i, "quantity": q} for i, q in lines],
                    }
                ],
                "tracking_info": tracking,
                "notify_customer": True,
            }
        }
        return self.api.call("POST", "/fulfillments.json", body).body["fulfillment"]

    def fulfillment_event(self, order_id: int, fulfillment_id: int, event: dict) -> None:
        path = f"/orders/{order_id}/fulfillments/{fulfillment_id}/events.json"
        self.api.call("POST", path, {"event": event})

    def inventory_items_by_sku(self) -> dict:
        products = self.api.call("GET", "/products.json", query={"limit": 250}).body.get("products", [])
        return {
            v["sku"]: v["inventory_item_id"]
            for p in products
            for v in p.get("variants", [])
            if v.get("sku") and v.get("inventory_item_id")
        }

    def location_id(self) -> int:
        locations = self.api.call("GET", "/locations.json").body.get("locations", [])
        active = [loc for loc in locations if loc.get("active", True)]
        return (active or locations)[0]["id"]

    def available(self, location_id: int) -> dict:
        """inventory_item_id -> available at the location."""
        answer = self.api.call("GET", "/inventory_levels.json", query={"location_ids": location_id, "limit": 250})
        return {lvl["inventory_item_id"]: lvl.get("available") or 0 for lvl in answer.body.get("inventory_levels", [])}

    def adjust(self, location_id: int, item_id: int, delta: int) -> None:
        body = {"location_id": location_id, "inventory_item_id": item_id, "available_adjustment": delta}
        self.api.call("POST", "/inventory_levels/adjust.json", body)
