"""The carrier (EasyPost): address verification, shipments, labels, refunds.

A label is bought at most once per order: the shipment carries the order's reference,
and whenever a purchase's answer is lost the shipment is looked up before anything else.
"""

from transport import Provider, Rejected


class AddressRejected(Exception):
    def __init__(self, codes):
        super().__init__(", ".join(codes) or "address not deliverable")
        self.codes = codes


def _verification_errors(body) -> list:
    """Error codes of a failed delivery verification, in either shape EasyPost uses."""
    if not isinstance(body, dict):
        return []
    delivery = (body.get("verifications") or {}).get("delivery") or {}
    if delivery and not delivery.get("success", True):
        return [e.get("code", "E.ADDRESS.INVALID") for e in delivery.get("errors") or []] or ["E.ADDRESS.INVALID"]
    error = body.get("error")
    if isinstance(error, dict) and str(error.get("code", "")).startswith("ADDRESS"):
        codes = [e.get("code") for e in error.get("errors") or [] if isinstance(e, dict) and e.get("code")]
        return codes or [error["code"]]
    return []


class EasyPost:
    def __init__(self, node):
        self.node = node
        key = node.credentials.get("api_key", "")
        self.api = Provider("easypost", node.url, {"Authorization": f"Bearer {key}"})

    def subscribe(self, url: str) -> None:
        existing = self.api.call("GET", "/webhooks").body.get("webhooks", [])
        if not any(w.get("url") == url for w in existing):
            self.api.call("POST", "/webhooks", {"webhook": {"url": url}})

    def verify(self, address: dict) -> dict:
        """The carrier's corrected address, or AddressRejected with its codes."""
        try:
            answer = self.api.call("POST", "/addresses", {"address": address, "verify": True}, repeat_writes=True)
        except Rejected as refusal:
            codes = _verification_errors(refusal.body)
            if codes:
                raise AddressRejected(codes) from None
            raise
        codes = _verification_errors(answer.body)
        if codes:
            raise AddressRejected(codes)
        return answer.body

    def create_shipment(self, reference: str, to_address_id: str, weight_oz: float, ship_from: dict) -> dict:
        from_address = {k: v for k, v in ship_from.items() if v}
        body = {
            "shipment": {
                "reference": reference,
                "to_address": {"id": to_address_id},
                "from_address": from_address,
                "parcel": {"weight": max(weight_oz, 1.0)},
            }
        }
        return self.api.call("POST", "/shipments", body).body

    def find_shipment(self, reference: str) -> dict | None:
        """The newest shipment made for this reference (after a lost answer)."""
        answer = self.api.call("GET", "/shipments", query={"page_size": 100})
        mine = [s for s in answer.body.get("shipments", []) if s.get("reference") == reference]
        bought = [s for s in mine if s.get("postage_label")]
        return (bought or mine or [None])[0]

    def shipment(self, shipment_id: str) -> dict:
        return self.api.call("GET", f"/shipments/{shipment_id}").body

    def buy(self, shipment_id: str, rate_id: str) -> dict:
        return self.api.call("POST", f"/shipments/{shipment_id}/buy", {"rate": {"id": rate_id}}).body

    def refund(self, shipment_id: str) -> None:
        self.api.call("POST", f"/shipments/{shipment_id}/refund", {}, repeat_writes=True)


def cheapest_rate(shipment: dict) -> dict | None:
    rates = shipment.get("rates") or []
    try:
        return min(rates, key=lambda r: (float(r.get("rate") or "inf"), r.get("delivery_days") or 99))
    except ValueError:
        return rates[0] if rates else None
