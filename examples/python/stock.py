"""Keeping every storefront's stock in line with what the warehouses can sell together.

The warehouses send no stock webhooks, so their levels are polled. Each storefront
channel should offer what all warehouses together can sell minus the units of orders
that are on their way to a warehouse (taken on any channel, not yet a warehouse order):
otherwise the last units could be sold twice in that window. Orders held for a human
give their units back. With several warehouses, one that does not answer counts with
what it said last.

Lowering storefront stock is always safe and done at once. Raising it is done only after
asking the storefronts for their open orders, so an order whose webhook has not reached
us yet still counts. Changes are relative (`adjust`), so an order placed meanwhile is
never overwritten.
"""

import threading
import time

from orders import HELD, NEW, TRANSIENT
from transport import ProviderError, log

RECHECK_S = 2.0


class _Storefront:
    """Where one channel keeps its stock: its location and SKU -> inventory item id."""

    def __init__(self, shopify):
        self.shopify = shopify
        self.location = None
        self.items = {}


class StockSync:
    def __init__(self, book, shops, warehouses, poll_s: float):
        self.book = book
        self.storefronts = [_Storefront(shop) for shop in shops]
        self.warehouses = warehouses
        self.poll_s = poll_s
        self._dirty = threading.Event()
        self._last_sellable = None
        self._last_reconcile = 0.0
        self._known = {}  # warehouse index -> SKU -> sellable, as last read
        self._known_lock = threading.Lock()

    def changed(self) -> None:
        self._dirty.set()

    def busy(self) -> bool:
        """A change is waiting to reach the storefronts."""
        return self._dirty.is_set()

    def read_warehouse(self, index: int, attempts: int = 3) -> dict:
        """SKU -> sellable at one warehouse, read now (and remembered)."""
        sellable = self.warehouses[index].sellable(attempts)
        with self._known_lock:
            self._known[index] = sellable
        return sellable

    def last_known(self, index: int) -> dict:
        with self._known_lock:
            return dict(self._known.get(index) or {})

    def run(self) -> None:
        while True:
            self._dirty.wait(self.poll_s)
            try:
                self.sync_once()
            except ProviderError as error:
                log(f"stock sync skipped a round: {error}")
                time.sleep(self.poll_s)
            except Exception as error:  # keep syncing whatever one round hit
                log(f"stock sync error: {error!r}")
                time.sleep(self.poll_s)

    def _on_the_way(self, extra_orders=()) -> dict:
        units = {}
        for order in self.book.all():
            if order.state == NEW or (order.state == HELD and order.hold_cause in TRANSIENT):
                for sku, quantity in order.units().items():
                    units[sku] = units.get(sku, 0) + quantity
        for payload in extra_orders:
            for item in payload.get("line_items") or []:
                sku = item.get("sku")
                if sku:
                    units[sku] = units.get(sku, 0) + int(item.get("fulfillable_quantity", item.get("quantity")) or 0)
        return units

    def _sellable(self) -> dict:
        """SKU -> what all warehouses together can sell."""
        if len(self.warehouses) == 1:
            return self.read_warehouse(0)
        total = {}
        for index, warehouse in enumerate(self.warehouses):
            try:
                if warehouse.api.gate.closed():
                    # backing off after a failure: do not hold every storefront up for it
                    raise ProviderError(f"{warehouse.node.id} is backing off", "shipbob")
                levels = self.read_warehouse(index, attempts=1)
            except ProviderError as error:
                log(f"stock of {warehouse.node.id} unreadable ({error}); using what it said last")
                levels = self.last_known(index)
            for sku, units in levels.items():
                total[sku] = total.get(sku, 0) + units
        return total

    def sync_once(self) -> None:
        dirty = self._dirty.is_set()
        self._dirty.clear()
        # read what is on its way before what the warehouses can sell: an order reaching a
        # warehouse in between is then subtracted twice (too cautious), never zero times
        on_the_way = self._on_the_way()
        sellable = self._sellable()
        stale = time.monotonic() - self._last_reconcile > RECHECK_S
        if not (dirty or stale or sellable != self._last_sellable):
            return
        self._last_sellable = sellable
        self._last_reconcile = time.monotonic()
        raises = []
        for store in self.storefronts:
            raises += self._lower(store, sellable, on_the_way)
        if raises:
            self._raise(raises, sellable)

    def _lower(self, store, sellable: dict, on_the_way: dict) -> list:
        """Lowers what must go down at once; returns [(store, sku, item, current)] to raise."""
        shopify = store.shopify
        if store.location is None:
            store.location = shopify.location_id()
        if any(sku not in store.items for sku in sellable):
            store.items = shopify.inventory_items_by_sku()
        available = shopify.available(store.location)
        if not available:
            # a storefront that was set up again (a new world behind the same URL) has new
            # locations and items: look them up afresh at the next check
            store.location, store.items = None, {}
            return []
        raises = []
        for sku, can_sell in sellable.items():
            item = store.items.get(sku)
            if item is None or item not in available:
                continue
            target = max(can_sell - on_the_way.get(sku, 0), 0)
            current = available[item]
            if target < current:
                shopify.adjust(store.location, item, target - current)
            elif target > current:
                raises.append((store, sku, item, current))
        return raises

    def _raise(self, raises: list, sellable: dict) -> None:
        known = {order.id for order in self.book.all() if order.lines}
        unseen = [
            o
            for store in self.storefronts
            for o in store.shopify.open_orders()
            if o.get("id") not in known and not o.get("cancelled_at")
        ]
        on_the_way = self._on_the_way(unseen)
        for store, sku, item, current in raises:
            target = max(sellable[sku] - on_the_way.get(sku, 0), 0)
            if target > current:
                store.shopify.adjust(store.location, item, target - current)
