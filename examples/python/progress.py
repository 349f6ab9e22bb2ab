"""Telling the customer how the parcel is doing: shipped, out for delivery, delivered.

The warehouse says when it shipped and what (`order.shipped`); we fulfil exactly that on
the storefront with the tracking number. The carrier's tracker then reports milestones
(`tracker.updated`, possibly twice and out of order); the customer sees each milestone
once, in the carrier's order, never going backwards, with the carrier's expected date.
"""

from orders import CANCELLED, SHIPPED
from transport import ProviderError, log

# carrier statuses the customer sees, in the order a parcel goes through them
MILESTONES = ("in_transit", "out_for_delivery", "delivered")
RANK = {"pre_transit": 0, "in_transit": 1, "out_for_delivery": 2, "delivered": 3}
# carrier statuses that mean the parcel will not arrive as planned
TROUBLE = ("failure", "return_to_sender", "error")


def _shipped_quantities(shipment: dict) -> dict:
    """SKU -> units the warehouse says it shipped."""
    counts = {}
    for product in shipment.get("products") or []:
        sku = product.get("sku") or product.get("reference_id")
        quantity = product.get("quantity")
        inventory = product.get("inventory_items") or product.get("inventory") or []
        if quantity is None and inventory:
            quantity = sum(int(i.get("quantity") or 0) for i in inventory)
        if sku and quantity is not None:
            counts[sku] = counts.get(sku, 0) + int(quantity)
    return counts


class Progress:
    def __init__(self, book, shops, alert, stock_changed):
        self.book = book
        self.shops = shops  # one Shopify client per channel
        self.alert = alert
        self.stock_changed = stock_changed

    def warehouse_shipped(self, order, shipment: dict) -> None:
        with order.lock:
            if order.fulfillment_id is not None or order.state == CANCELLED or order.fo_id is None:
                return
            shipped = _shipped_quantities(shipment)
            if not shipped:  # nothing itemized: the whole order went out
                shipped = order.units()
            lines, short = [], []
            for line in order.lines:
                sent = min(shipped.get(line.sku, 0), line.quantity)
                shipped[line.sku] = shipped.get(line.sku, 0) - sent
                if sent:
                    lines.append((order.fo_line_ids.get(line.line_item_id, line.line_item_id), sent))
                if sent < line.quantity:
                    short.append(f"{line.sku} {sent} of {line.quantity}")
            tracking = (shipment.get("tracking") or {}).get("tracking_number") or order.tracking_code
            if not lines:
                return
            try:
                fulfillment = self.shops[order.channel].fulfill(
                    order.fo_id,
                    lines,
                    {"number": tracking, "company": order.carrier or "USPS", "url": None},
                )
            except ProviderError as error:
                log(f"{order.name}: could not fulfil on the storefront ({error}); trying again later")
                order.unreported_shipment = shipment
                order.retry_later()
                return
            order.unreported_shipment = None
            order.fulfillment_id = fulfillment["id"]
            order.state = SHIPPED
            if short:
                self.alert(
                    f"{order.id}:short",
                    f":package: Short shipment for {order.name}: the warehouse sent only {', '.join(short)}. "
                    "The customer was told only about what left the building; the rest is still open.",
                )
            self._show_tracking(order)
        self.stock_changed()

    def carrier_update(self, tracker: dict) -> None:
        order = self.book.by_tracking_code(tracker.get("tracking_code"))
        if order is None:
            log(f"tracking update for unknown code {tracker.get('tracking_code')}; ignored")
            return
        with order.lock:
            known = order.tracker or {}
            # keep whichever report knows more: out-of-order deliveries bring older news late
            if len(tracker.get("tracking_details") or []) >= len(known.get("tracking_details") or []):
                order.tracker = tracker
            self._show_tracking(order)

    def _show_tracking(self, order) -> None:
        tracker = order.tracker or {}
        if order.fulfillment_id is None or not tracker:
            return
        reached = RANK.get(tracker.get("status"), 0)
        eta = tracker.get("est_delivery_date")
        times = {}
        for detail in tracker.get("tracking_details") or []:
            times.setdefault(detail.get("status"), detail.get("datetime"))
        for milestone in MILESTONES:
            if milestone in order.shown or (RANK[milestone] > reached and milestone not in times):
                continue
            event = {"status": milestone}
            if times.get(milestone):
                event["happened_at"] = times[milestone]
            if eta:
                event["estimated_delivery_at"] = eta
            try:
                self.shops[order.channel].fulfillment_event(order.id, order.fulfillment_id, event)
            except ProviderError as error:
                log(f"{order.name}: could not post {milestone} ({error}); trying again later")
                order.retry_later()
                return
            order.shown.add(milestone)
        if tracker.get("status") in TROUBLE and "failure" not in order.shown and "delivered" not in order.shown:
            try:
                self.shops[order.channel].fulfillment_event(order.id, order.fulfillment_id, {"status": "failure"})
            except ProviderError as error:
                log(f"{order.name}: could not report the failed delivery ({error}); trying again later")
                order.retry_later()
                return
            order.shown.add("failure")
            detail = tracker.get("status_detail") or tracker.get("status")
            self.alert(
                f"{order.id}:delivery",
                f":rotating_light: The carrier could not deliver {order.name} ({detail}, tracking "
                f"{order.tracking_code}). The customer sees a failed delivery; someone should reach out.",
            )
        order.on_track()

    def catch_up(self, order) -> None:
        """Show what an earlier attempt could not (called by the retry loop)."""
        if order.unreported_shipment is not None:
            self.warehouse_shipped(order, order.unreported_shipment)
        with order.lock:
            if order.state == SHIPPED:
                self._show_tracking(order)
