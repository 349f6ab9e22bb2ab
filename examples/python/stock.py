"""Keeping storefront stock in line with what the warehouse can sell.

The warehouse sends no stock webhooks, so its levels are polled. The storefront should
offer what the warehouse can sell minus the units of orders that are on their way there
(taken on the storefront, not yet a warehouse order): otherwise the last units could be
sold twice in that window. Orders held for a human give their units back.

Lowering storefront stock is always safe and done at once. Raising it is done only after
asking the storefront for its open orders, so an order whose webhook has not reached us
yet still counts. Changes are relative (`adjust`), so an order placed meanwhile is never
overwritten.
"""

import threading
import time

from orders import HELD, NEW, TRANSIENT
from transport import ProviderError, log

RECHECK_S = 2.0


class StockSync:
    def __init__(self, book, shopify, shipbob, poll_s: float):
        self.book = book
        self.shopify = shopify
        self.shipbob = shipbob
        self.poll_s = poll_s
        self._dirty = threading.Event()
        self._items = {}
        self._location = None
        self._last_sellable = None
        self._last_reconcile = 0.0

    def changed(self) -> None:
        self._dirty.set()

    def busy(self) -> bool:
        """A change is waiting to reach the storefront."""
        return self._dirty.is_set()

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

    def sync_once(self) -> None:
        dirty = self._dirty.is_set()
        self._dirty.clear()
        # read what is on its way before what the warehouse can sell: an order reaching the
        # warehouse in between is then subtracted twice (too cautious), never zero times
        on_the_way = self._on_the_way()
        sellable = self.shipbob.sellable()
        stale = time.monotonic() - self._last_reconcile > RECHECK_S
        if not (dirty or stale or sellable != self._last_sellable):
            return
        self._last_sellable = sellable
        self._last_reconcile = time.monotonic()
        if self._location is None:
            self._location = self.shopify.location_id()
        if any(sku not in self._items for sku in sellable):
            self._items = self.shopify.inventory_items_by_sku()
        available = self.shopify.available(self._location)
        if not available:
            # a storefront that was set up again (a new world behind the same URL) has new
            # locations and items: look them up afresh at the next check
            self._location, self._items = None, {}
            return
        raises = {}
        for sku, can_sell in sellable.items():
            item = self._items.get(sku)
            if item is None or item not in available:
                continue
            target = max(can_sell - on_the_way.get(sku, 0), 0)
            current = available[item]
            if target < current:
                self.shopify.adjust(self._location, item, target - current)
            elif target > current:
                raises[sku] = (item, current)
        if raises:
            self._raise(raises, sellable)

    def _raise(self, raises: dict, sellable: dict) -> None:
        known = {order.id for order in self.book.all() if order.lines}
        unseen = [o for o in self.shopify.open_orders() if o.get("id") not in known and not o.get("cancelled_at")]
        on_the_way = self._on_the_way(unseen)
        for sku, (item, current) in raises.items():
            target = max(sellable[sku] - on_the_way.get(sku, 0), 0)
            if target > current:
                self.shopify.adjust(self._location, item, target - current)
