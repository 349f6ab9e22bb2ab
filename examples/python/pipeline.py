"""Getting an order from the storefront to a warehouse, with exactly one label.

accept the fulfillment request -> verify the address at the carrier -> choose the
warehouse (`routing.py`) -> create the shipment from its address -> buy its label (once)
-> create the warehouse order carrying the label; a warehouse that turns out to be down
is left out and the order routed again (a label from its address is refunded). Any step that
fails for a passing reason puts the order on hold with that reason, tells a human, and is
tried again later; a step that needs a human (the carrier refuses the address) holds it
until someone fixes it.
"""

import address
import routing
from easypost import AddressRejected, cheapest_rate
from orders import (
    AT_WAREHOUSE,
    BAD_ADDRESS,
    CANCELLED,
    CARRIER_DOWN,
    CARRIER_REFUSED,
    HELD,
    NEW,
    TRANSIENT,
    WAREHOUSE_DOWN,
    WAREHOUSE_EXCEPTION,
    WAREHOUSE_REFUSED,
    Line,
)
from transport import NoAnswer, ProviderError, Rejected, Unavailable, log

STOREFRONT_REFUSED = "storefront_refused"

HOLD_REASONS = {
    CARRIER_DOWN: ("other", "the carrier could not be reached; retrying by itself"),
    WAREHOUSE_DOWN: ("other", "the warehouse could not be reached; retrying by itself"),
    BAD_ADDRESS: ("incorrect_address", "the carrier cannot deliver to this address"),
    WAREHOUSE_REFUSED: ("other", "the warehouse refused the order"),
    CARRIER_REFUSED: ("other", "the carrier refused the shipment"),
    WAREHOUSE_EXCEPTION: ("inventory_out_of_stock", "the warehouse has no stock to ship it"),
}


class Pipeline:
    def __init__(self, book, shops, easypost, warehouses, alert, stock):
        self.book = book
        self.shops = shops  # one Shopify client per channel
        self.easypost = easypost  # labels come from the first carrier
        self.warehouses = warehouses  # one ShipBob client per warehouse
        self.alert = alert
        self.stock = stock
        self.stock_changed = stock.changed

    def shop(self, order):
        return self.shops[order.channel]

    # -- intake ---------------------------------------------------------------------

    def take(self, payload: dict, channel: int | None = None):
        """An `orders/create` payload: remember the order. Returns it, or None if known."""
        order = self.book.get_or_create(payload["id"])
        with order.lock:
            if channel is not None:
                order.channel = channel
            if order.lines:
                return None
            order.name = payload.get("name") or f"#{payload.get('order_number', order.id)}"
            order.email = payload.get("email") or payload.get("contact_email") or ""
            order.shipping = payload.get("shipping_address") or {}
            order.lines = [
                Line(
                    sku=item.get("sku") or "",
                    quantity=int(item.get("quantity") or 0),
                    line_item_id=item["id"],
                    title=item.get("title") or item.get("name") or item.get("sku") or "item",
                    grams=int(item.get("grams") or 0),
                )
                for item in payload.get("line_items") or []
                if item.get("requires_shipping", True)
            ]
            if payload.get("cancelled_at"):
                order.state = CANCELLED
        self.stock_changed()
        return order

    # -- the way to the warehouse --------------------------------------------------------

    def advance(self, order) -> None:
        with order.lock:
            if order.state not in (NEW, HELD) or not order.lines:
                return
            if order.state == HELD and order.hold_cause not in TRANSIENT:
                return
            order.retry_at = None
            try:
                self._accept(order)
                self._verify(order)
                self._route_and_send(order)
            except AddressRejected as refusal:
                self._hold(order, BAD_ADDRESS, f"the carrier refused the address ({refusal})")
                return
            except ProviderError as error:
                refused = isinstance(error, Rejected)
                if error.provider in ("shopify", ""):
                    # nowhere to show a hold: try again, and tell a human if it is a refusal
                    log(f"{order.name}: storefront trouble ({error}); trying again later")
                    if refused:
                        self.alert(f"{order.id}:storefront", self._hold_message(order, STOREFRONT_REFUSED, str(error)))
                    order.retry_later()
                    return
                cause = {
                    ("easypost", False): CARRIER_DOWN,
                    ("easypost", True): CARRIER_REFUSED,
                    ("shipbob", False): WAREHOUSE_DOWN,
                    ("shipbob", True): WAREHOUSE_REFUSED,
                }.get((error.provider, refused), CARRIER_DOWN)
                self._hold(order, cause, str(error))
                if cause in TRANSIENT:
                    order.retry_later()
                return
            was_held = order.state == HELD
            order.state = AT_WAREHOUSE
            order.on_track()
            if was_held:
                self._release(order)
        self.stock_changed()

    def _accept(self, order) -> None:
        if order.accepted:
            return
        for fo in self.shop(order).fulfillment_orders(order.id):
            if fo.get("status") in ("closed", "cancelled"):
                continue
            order.fo_id = fo["id"]
            order.fo_line_ids = {li["line_item_id"]: li["id"] for li in fo.get("line_items") or []}
            if fo.get("request_status") == "submitted":
                self.shop(order).accept(fo["id"], "Taken by the fulfilment service")
            order.accepted = True
            return
        raise Unavailable(f"shopify: no open fulfillment order for {order.name} yet", "shopify")

    def _verify(self, order) -> None:
        if order.verified_address is None:
            wanted = address.for_carrier(order.shipping, order.email)
            verified = self.easypost.verify(wanted)
            # the carrier corrects spelling and case; we keep the customer's name and unit
            verified["name"] = wanted.get("name") or verified.get("name")
            order.verified_address = verified

    def _route_and_send(self, order) -> None:
        """Choose a warehouse, label from its address, send; a warehouse that is down is
        left out and the order routed again (each round leaves one more out)."""
        down = set()
        while True:
            chosen = self._route(order, down)
            self._buy_label(order, chosen)
            try:
                self._send_to_warehouse(order, chosen)
                return
            except Unavailable as error:
                if len(self.warehouses) == 1:
                    raise
                log(f"{order.name}: warehouse {self.warehouses[chosen].node.id} is down ({error}); routing again")
                down.add(chosen)

    def _route(self, order, down: set) -> int:
        if order.warehouse_order_id is not None:
            return order.warehouse
        if len(self.warehouses) == 1:
            return 0
        chosen = routing.choose(order.units(), self._country(order), self._candidates(order, down, True))
        if chosen is routing.WAIT:
            raise Unavailable("no warehouse that can ship it is reachable", "shipbob")
        log(f"{order.name}: routed to {self.warehouses[chosen].node.id}")
        return chosen

    @staticmethod
    def _country(order) -> str:
        return (order.verified_address or {}).get("country") or order.shipping.get("country_code") or ""

    def _candidates(self, order, skip: set, skipped_might_have_it: bool) -> list:
        """[(ship-from country, sellable, reachable)] per warehouse, read now. One in
        `skip`, or whose last answer was a failure (it waits for the stock poll to find it
        back), is unreachable and counts with what it said last; never read, it might have
        the order (`skipped_might_have_it`) or nothing."""
        candidates = []
        for index, warehouse in enumerate(self.warehouses):
            unknown = order.units() if skipped_might_have_it else {}
            sellable, reachable = self.stock.last_known(index) or unknown, False
            if index not in skip and not warehouse.api.gate.failing():
                try:
                    sellable, reachable = self.stock.read_warehouse(index), True
                except ProviderError as error:
                    log(f"{order.name}: warehouse {warehouse.node.id} unreadable ({error})")
            candidates.append((warehouse.node.ship_from.get("country", ""), sellable, reachable))
        return candidates

    def _drop_label_from(self, order, chosen: int) -> None:
        """A label (or a shipment) made from another warehouse's address: refund it."""
        if order.shipment_id is None or order.origin in (None, chosen):
            return
        if order.label_bought:
            self.easypost.refund(order.shipment_id)
            log(f"{order.name}: label from the old route refunded")
        order.shipment_id = order.tracking_code = order.label_url = order.carrier = order.tracker = None
        order.origin = None

    def _buy_label(self, order, chosen: int) -> None:
        self._drop_label_from(order, chosen)
        if order.label_bought:
            return
        reference = str(order.id)
        shipment = None
        if order.shipment_id is None:
            ship_from = self.warehouses[chosen].node.ship_from
            try:
                shipment = self.easypost.create_shipment(
                    reference, order.verified_address["id"], self._weight_oz(order), ship_from
                )
            except NoAnswer:
                shipment = self.easypost.find_shipment(reference)
                if shipment is None:
                    raise
            order.shipment_id = shipment["id"]
            order.origin = chosen
        if shipment is None or not shipment.get("rates"):
            shipment = self.easypost.shipment(order.shipment_id)
        if not shipment.get("postage_label"):
            rate = cheapest_rate(shipment)
            if rate is None:
                raise Rejected(422, None, f"easypost offered no rate for {order.name}", "easypost")
            try:
                shipment = self.easypost.buy(order.shipment_id, rate["id"])
            except NoAnswer as lost:
                # the purchase may have gone through: look before buying again
                log(f"{order.name}: label purchase answer lost ({lost}); looking the shipment up")
                shipment = self.easypost.shipment(order.shipment_id)
                if not shipment.get("postage_label"):
                    raise
        self._remember_label(order, shipment)

    def _remember_label(self, order, shipment: dict) -> None:
        tracker = shipment.get("tracker") or {}
        order.tracking_code = shipment.get("tracking_code") or tracker.get("tracking_code")
        order.label_url = (shipment.get("postage_label") or {}).get("label_url")
        order.carrier = (shipment.get("selected_rate") or {}).get("carrier") or tracker.get("carrier") or "USPS"
        if tracker and order.tracker is None:
            order.tracker = tracker

    def _weight_oz(self, order) -> float:
        grams = sum(line.grams * line.quantity for line in order.lines)
        return round(grams / 28.3495, 1) if grams else 16.0

    def _send_to_warehouse(self, order, chosen: int) -> None:
        if order.warehouse_order_id is not None:
            return
        warehouse = self.warehouses[chosen]
        reference = str(order.id)
        verified = order.verified_address or {}
        body = {
            "reference_id": reference,
            "order_number": order.name,
            "type": "DTC",
            "shipping_method": "Standard",
            "recipient": {
                "name": verified.get("name") or address.clean(order.shipping.get("name")),
                "email": order.email or None,
                "address": {
                    "address1": verified.get("street1"),
                    "address2": verified.get("street2"),
                    "city": verified.get("city"),
                    "state": verified.get("state"),
                    "zip_code": verified.get("zip"),
                    "country": verified.get("country"),
                },
            },
            "products": [
                {"reference_id": line.sku, "name": line.title, "quantity": line.quantity} for line in order.lines
            ],
            "tags": [
                {"name": "carrier_tracking_code", "value": order.tracking_code},
                {"name": "carrier_label_url", "value": order.label_url or ""},
                {"name": "carrier", "value": order.carrier or ""},
            ],
        }
        try:
            created = warehouse.create_order(body)
        except (NoAnswer, Rejected) as error:
            # a lost answer, or "reference_id already exists": it may be there already
            created = warehouse.find_order(reference)
            if created is None:
                raise error from None
        order.warehouse_order_id = created.get("id")
        order.warehouse = chosen

    # -- holds ----------------------------------------------------------------------

    def _hold(self, order, cause: str, detail: str) -> None:
        reason, notes = HOLD_REASONS.get(cause, ("other", cause))
        first_time = order.hold_cause != cause
        order.state = HELD
        order.hold_cause = cause
        if not order.held_on_storefront and order.fo_id is not None:
            try:
                self.shop(order).hold(order.fo_id, reason, f"{notes}: {detail}"[:250])
                order.held_on_storefront = True
            except ProviderError as error:
                log(f"{order.name}: could not hold on the storefront ({error}); will try again")
                order.retry_later()
        if first_time:
            self.alert(f"{order.id}:{cause}", self._hold_message(order, cause, detail))
        self.stock_changed()

    def hold_for_warehouse_exception(self, order, detail: str) -> None:
        """The warehouse put the order in Exception (e.g. out of stock): another warehouse
        that can ship it complete takes it over; else it needs a human."""
        with order.lock:
            if order.state == CANCELLED:
                return
            if self._send_elsewhere(order, detail):
                return
            self._accept_quietly(order)
            self._hold(order, WAREHOUSE_EXCEPTION, detail)

    def _send_elsewhere(self, order, detail: str) -> bool:
        """Out of stock at its warehouse: withdraw it there and send it to another that can
        ship it complete, with a label from there. False when none can or the first keeps it."""
        text = detail.lower().replace(" ", "")
        if len(self.warehouses) == 1 or order.warehouse is None or not ("outofstock" in text or "backorder" in text):
            return False
        first = order.warehouse
        candidates = self._candidates(order, {first}, False)
        # it said it has not got it, whatever its stock said
        candidates[first] = (candidates[first][0], {}, False)
        chosen = routing.choose(order.units(), self._country(order), candidates)
        if chosen is routing.WAIT or not routing.ships_complete(order.units(), candidates[chosen][1]):
            return False
        try:
            self.warehouses[first].cancel(order.warehouse_order_id)
        except ProviderError as error:
            log(f"{order.name}: {self.warehouses[first].node.id} keeps the order ({error})")
            return False
        log(f"{order.name}: out of stock at {self.warehouses[first].node.id}; sending it to {self.warehouses[chosen].node.id}")
        order.withdrawn.add(str(order.warehouse_order_id))
        order.warehouse_order_id = order.warehouse = None
        order.state = NEW
        self.stock_changed()
        try:
            self._buy_label(order, chosen)
            self._send_to_warehouse(order, chosen)
        except ProviderError as error:
            self._hold(order, WAREHOUSE_DOWN, str(error))
            order.retry_later()
            return True
        order.state = AT_WAREHOUSE
        self.stock_changed()
        return True

    def _accept_quietly(self, order) -> None:
        try:
            self._accept(order)
        except ProviderError as error:
            log(f"{order.name}: could not accept the fulfillment request ({error})")

    @staticmethod
    def _hold_message(order, cause: str, detail: str) -> str:
        what = {
            CARRIER_DOWN: "is waiting because the carrier (EasyPost) is not answering",
            WAREHOUSE_DOWN: "is waiting because the warehouse (ShipBob) is not answering",
            BAD_ADDRESS: "cannot ship: the carrier says the address is undeliverable",
            WAREHOUSE_REFUSED: "cannot ship: the warehouse (ShipBob) refused it",
            CARRIER_REFUSED: "cannot ship: the carrier (EasyPost) refused the shipment",
            STOREFRONT_REFUSED: "is stuck: the storefront (Shopify) refused an update",
        }.get(cause, "is stuck at the warehouse")
        advice = (
            "I keep retrying on my own."
            if cause in TRANSIENT
            else "Please look at it; it stays on hold until someone does."
        )
        return f":warning: {order.name} {what} [{detail}]. {advice}"

    def _release(self, order) -> None:
        if order.held_on_storefront and order.fo_id is not None:
            try:
                self.shop(order).release_hold(order.fo_id)
                order.held_on_storefront = False
            except ProviderError as error:
                log(f"{order.name}: could not release the storefront hold ({error})")
        order.hold_cause = None
        self.alert(f"{order.id}:resumed", f":white_check_mark: {order.name} is moving again: label bought, warehouse has it.")

    # -- cancellation -----------------------------------------------------------------

    def cancel(self, order) -> None:
        """Stop the order, withdraw it from the warehouse and get the label refunded."""
        with order.lock:
            order.state = CANCELLED
            order.retry_at = None
            try:
                if order.warehouse_order_id is not None and not order.warehouse_cancelled:
                    self.warehouses[order.warehouse or 0].cancel(order.warehouse_order_id)
                    order.warehouse_cancelled = True
                if order.shipment_id is not None and not order.label_refunded:
                    self.easypost.refund(order.shipment_id)
                    order.label_refunded = True
            except Rejected as refusal:
                self.alert(
                    f"{order.id}:cancel",
                    f":x: {order.name} was cancelled on the storefront but a provider would not undo it ({refusal}). Please check.",
                )
            except ProviderError as error:
                log(f"{order.name}: cancellation not finished ({error}); trying again later")
                order.retry_later()
        self.stock_changed()

    def retry(self, order) -> None:
        if order.state == CANCELLED:
            self.cancel(order)
        else:
            self.advance(order)
