"""A starter logistics integration: Shopify orders, EasyPost labels, ShipBob fulfilment,
across every storefront channel, warehouse and carrier the world declares.

Run: `python3 app.py` with the drydock contract environment (see README.md). Python 3.11,
standard library only.

Threads: the HTTP server (one thread per delivery) only verifies and queues; a few
workers do the work; one thread retries orders that wait for a provider; one keeps
storefront stock in line with the warehouse; one looks for orders whose webhook never came.
"""

import queue
import sys
import threading
import time
from http.server import ThreadingHTTPServer

sys.dont_write_bytecode = True  # keep the source tree clean when run from a checkout

import config as settings
import inbox
from alerts import Alerts
from easypost import EasyPost
from orders import Book
from pipeline import Pipeline
from progress import Progress
from shipbob import ShipBob
from shopify import Shopify
from stock import StockSync
from transport import ProviderError, log

WORKERS = 4
MISSED_ORDERS_EVERY_S = 15.0
SHOPIFY_TOPICS = ("orders/create", "orders/cancelled", "orders/updated")
SHIPBOB_TOPICS = ("order.shipped", "order.shipment.cancelled", "order.shipment.exception", "order.shipment.delivered")


class Service:
    def __init__(self, config):
        self.config = config
        world = config.world
        self.alert = Alerts(world.slack_url)
        self.shops = [Shopify(node, self.alert) for node in world.channels]
        self.carriers = [EasyPost(node) for node in world.carriers]
        self.warehouses = [ShipBob(node, self.alert) for node in world.warehouses]
        self.book = Book()
        self.stock = StockSync(self.book, self.shops, self.warehouses, config.stock_poll_s)
        self.pipeline = Pipeline(self.book, self.shops, self.carriers[0], self.warehouses, self.alert, self.stock)
        self.progress = Progress(self.book, self.shops, self.alert, self.stock.changed)
        self.jobs = queue.Queue()
        self._busy = 0
        self._busy_lock = threading.Lock()

    # -- work queue -----------------------------------------------------------------

    def submit(self, job, *args) -> None:
        with self._busy_lock:
            self._busy += 1
        self.jobs.put((job, args))

    def idle(self) -> bool:
        """Nothing queued or running, no retry due, nothing waiting for Slack or the
        storefront (a retry planned for later does not count: the clock may move on)."""
        with self._busy_lock:
            if self._busy:
                return False
        return not (self.alert.pending() or self.stock.busy() or self.book.due_for_retry())

    def _work(self) -> None:
        while True:
            job, args = self.jobs.get()
            try:
                job(*args)
            except ProviderError as error:
                log(f"{job.__name__}: {error}")
            except Exception as error:  # one bad delivery must not kill a worker
                log(f"{job.__name__} failed: {error!r}")
            finally:
                with self._busy_lock:
                    self._busy -= 1

    # -- webhooks -------------------------------------------------------------------

    def dispatch(self, node, topic: str, payload: dict) -> None:
        if node.provider == "shopify" and "id" in payload:
            channel = self.config.world.channels.index(node)
            if topic == "orders/create":
                self.submit(self._new_order, payload, channel)
            elif topic == "orders/cancelled" or (topic == "orders/updated" and payload.get("cancelled_at")):
                self.submit(self._cancelled, payload, channel)
        elif node.provider == "easypost" and topic.startswith("tracker."):
            self.submit(self.progress.carrier_update, payload.get("result") or {})
        elif node.provider == "shipbob":
            self.submit(self._warehouse_event, topic, payload)
        else:
            log(f"ignored {node.id} {topic}")

    def _new_order(self, payload: dict, channel: int) -> None:
        order = self.pipeline.take(payload, channel)
        if order is not None:
            self.pipeline.advance(order)

    def _cancelled(self, payload: dict, channel: int) -> None:
        self.pipeline.take(payload, channel)
        self.pipeline.cancel(self.book.get_or_create(payload["id"]))

    def _warehouse_event(self, topic: str, payload: dict) -> None:
        order = self.book.by_warehouse_order(
            warehouse_id=payload.get("order_id") or payload.get("id"),
            reference_id=payload.get("reference_id") or (payload.get("order") or {}).get("reference_id"),
        )
        if order is None:
            log(f"shipbob {topic} for an order we do not know: {str(payload)[:200]}")
            return
        if str(payload.get("order_id") or payload.get("id")) in order.withdrawn:
            log(f"{order.name}: {topic} for the warehouse order we withdrew; nothing to do")
            return
        if topic == "order.shipped":
            self.progress.warehouse_shipped(order, payload)
        elif topic == "order.shipment.exception":
            self.pipeline.hold_for_warehouse_exception(order, self._exception_reason(payload))
        elif topic == "order.shipment.cancelled":
            log(f"{order.name}: the warehouse confirms the cancellation")

    @staticmethod
    def _exception_reason(payload: dict) -> str:
        reasons = []
        for status in payload.get("status_details") or []:
            reasons.append(status.get("description") or status.get("name") or "")
        return "; ".join(r for r in reasons if r) or str(payload.get("status") or "exception")

    # -- background loops -------------------------------------------------------------

    def _retry_loop(self) -> None:
        while True:
            time.sleep(0.2)
            for order in self.book.due_for_retry():
                order.retry_at = None
                self.submit(self._retry, order)

    def _retry(self, order) -> None:
        self.pipeline.retry(order)
        self.progress.catch_up(order)

    def _missed_orders_loop(self) -> None:
        while True:
            for channel, shop in enumerate(self.shops):
                try:
                    self._missed_orders(channel, shop)
                except ProviderError as error:
                    log(f"could not look for missed orders at {shop.node.id}: {error}")
            time.sleep(MISSED_ORDERS_EVERY_S)

    def _missed_orders(self, channel: int, shop) -> None:
        known = {order.id for order in self.book.all() if order.lines}
        for payload in shop.open_orders():
            if payload.get("id") in known or payload.get("cancelled_at") or payload.get("fulfillments"):
                continue
            # only orders nobody has accepted yet: one accepted before a restart of
            # this service may already have its label and its warehouse order
            fulfillment_orders = shop.fulfillment_orders(payload["id"])
            if any(fo.get("request_status") == "submitted" for fo in fulfillment_orders):
                log(f"{payload.get('name')}: found without its webhook; taking it")
                self.submit(self._new_order, payload, channel)

    def subscribe(self) -> None:
        base = self.config.public_url
        for attempt in range(20):
            try:
                for shop in self.shops:
                    shop.subscribe(SHOPIFY_TOPICS, f"{base}/webhooks/{shop.node.id}")
                for carrier in self.carriers:
                    carrier.subscribe(f"{base}/webhooks/{carrier.node.id}")
                for warehouse in self.warehouses:
                    warehouse.subscribe(SHIPBOB_TOPICS, f"{base}/webhooks/{warehouse.node.id}")
                return
            except ProviderError as error:
                log(f"subscribing to webhooks failed ({error}); retrying")
                time.sleep(min(0.5 * (attempt + 1), 3))
        raise SystemExit("could not subscribe to the providers' webhooks")

    def start(self) -> None:
        for _ in range(WORKERS):
            threading.Thread(target=self._work, daemon=True).start()
        threading.Thread(target=self._retry_loop, daemon=True).start()
        threading.Thread(target=self.stock.run, daemon=True).start()
        # the storefront is read on a different cadence; start it after the first orders
        later = threading.Timer(MISSED_ORDERS_EVERY_S, self._missed_orders_loop)
        later.daemon = True
        later.start()


def main() -> int:
    config = settings.load()
    service = Service(config)
    service.subscribe()
    service.start()
    handler = inbox.handler_class(config, service.dispatch, service.idle)
    server = ThreadingHTTPServer(("127.0.0.1", config.port), handler)
    server.daemon_threads = True
    log(f"listening on 127.0.0.1:{config.port}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
