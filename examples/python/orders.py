"""What we know about each storefront order, and where it stands.

One `Order` per Shopify order id, created by the first webhook that mentions it. Its
`lock` serializes everything done to it, whichever thread does it.
"""

import threading
import time
from dataclasses import dataclass, field

# where an order stands
NEW = "new"  # taken, not yet at the warehouse
HELD = "held"  # on hold on the storefront, with a reason
AT_WAREHOUSE = "at_warehouse"
SHIPPED = "shipped"
CANCELLED = "cancelled"

# why an order is held; only the transient ones are retried by themselves
CARRIER_DOWN = "carrier_unavailable"
WAREHOUSE_DOWN = "warehouse_unavailable"
BAD_ADDRESS = "address_rejected"
WAREHOUSE_EXCEPTION = "warehouse_exception"
WAREHOUSE_REFUSED = "warehouse_refused"
CARRIER_REFUSED = "carrier_refused"
TRANSIENT = (CARRIER_DOWN, WAREHOUSE_DOWN)


@dataclass
class Line:
    sku: str
    quantity: int
    line_item_id: int
    title: str
    grams: int


@dataclass
class Order:
    id: int
    channel: int = 0  # which storefront took it (index into the world's channels)
    warehouse: int | None = None  # where it was sent (index into the world's warehouses)
    origin: int | None = None  # the warehouse whose address the label ships from
    withdrawn: set = field(default_factory=set)  # warehouse orders we cancelled to send it elsewhere
    name: str = ""
    email: str = ""
    shipping: dict = field(default_factory=dict)
    lines: list = field(default_factory=list)
    state: str = NEW
    hold_cause: str | None = None
    held_on_storefront: bool = False
    fo_id: int | None = None
    fo_line_ids: dict = field(default_factory=dict)  # line_item_id -> fulfillment order line id
    accepted: bool = False
    verified_address: dict | None = None
    shipment_id: str | None = None
    tracking_code: str | None = None
    label_url: str | None = None
    carrier: str | None = None
    label_refunded: bool = False
    warehouse_order_id: str | None = None
    warehouse_cancelled: bool = False
    fulfillment_id: int | None = None
    unreported_shipment: dict | None = None  # shipped by the warehouse, not yet on the storefront
    tracker: dict | None = None
    shown: set = field(default_factory=set)  # carrier milestones the customer has seen
    retry_at: float | None = None
    retry_delay: float = 0.5
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @property
    def label_bought(self) -> bool:
        return self.tracking_code is not None

    def units(self) -> dict:
        counts = {}
        for line in self.lines:
            counts[line.sku] = counts.get(line.sku, 0) + line.quantity
        return counts

    def retry_later(self) -> None:
        self.retry_at = time.monotonic() + self.retry_delay
        self.retry_delay = min(self.retry_delay * 2, 8.0)

    def on_track(self) -> None:
        self.retry_at = None
        self.retry_delay = 0.5


class Book:
    """Every order we know, by storefront id and by tracking code."""

    def __init__(self):
        self._lock = threading.Lock()
        self._orders = {}

    def get_or_create(self, order_id: int) -> Order:
        with self._lock:
            order = self._orders.get(order_id)
            if order is None:
                order = self._orders[order_id] = Order(id=order_id)
            return order

    def get(self, order_id) -> Order | None:
        with self._lock:
            return self._orders.get(order_id)

    def all(self) -> list:
        with self._lock:
            return list(self._orders.values())

    def by_tracking_code(self, code: str) -> Order | None:
        return next((o for o in self.all() if o.tracking_code == code), None)

    def by_warehouse_order(self, warehouse_id=None, reference_id=None) -> Order | None:
        for order in self.all():
            if warehouse_id is not None and str(order.warehouse_order_id) == str(warehouse_id):
                return order
            if reference_id is not None and str(order.id) == str(reference_id):
                return order
        return None

    def due_for_retry(self) -> list:
        now = time.monotonic()
        return [o for o in self.all() if o.retry_at is not None and o.retry_at <= now]
