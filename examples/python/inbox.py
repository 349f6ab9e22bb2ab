"""The webhook receiver: refuse forgeries, drop redeliveries, hand the rest on.

Each node of the world delivers to `/webhooks/{node id}`, signed with its own secret in
its provider's scheme. Every delivery is verified before anything else (a forged copy
must not even mark its id as seen), then deduplicated by the node's delivery id, then
queued; the node gets its 2xx at once and the work happens on worker threads.
"""

import json
import threading
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler

import signatures
from transport import log

MAX_BODY = 1 << 20


class SeenIds:
    """Delivery ids already handled (bounded: the oldest are forgotten first)."""

    def __init__(self, capacity: int = 20000):
        self._ids = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def first_time(self, key: str) -> bool:
        with self._lock:
            if key in self._ids:
                return False
            self._ids[key] = True
            if len(self._ids) > self._capacity:
                self._ids.popitem(last=False)
            return True


def handler_class(config, dispatch, idle):
    """`dispatch(node, topic, payload)` queues the work; `idle()` says if queues are empty."""
    seen = SeenIds()

    def check(node, body: bytes, headers):
        if node.provider == "shopify":
            return signatures.shopify(node.webhook_secret, body, headers)
        if node.provider == "easypost":
            return signatures.easypost(node.webhook_secret, body, headers)
        if node.provider == "shipbob":
            return signatures.standard_webhooks(node.webhook_secret, body, headers, config.webhook_tolerance_s)
        return "unknown provider"

    def delivery_id(provider: str, headers, payload) -> str:
        if provider == "shopify":
            return headers.get("X-Shopify-Webhook-Id") or ""
        if provider == "easypost":
            return str(payload.get("id") or "")
        return headers.get("webhook-id") or ""

    def topic_of(provider: str, headers, payload) -> str:
        if provider == "shopify":
            return headers.get("X-Shopify-Topic") or ""
        if provider == "easypost":
            return payload.get("description") or ""
        for name in ("shipbob-topic", "x-shipbob-topic", "webhook-topic", "x-webhook-topic", "topic"):
            if headers.get(name):
                return headers[name]
        return payload.get("topic") or payload.get("type") or ""

    class Inbox(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _answer(self, status: int, text: str) -> None:
            data = json.dumps({"message": text}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/health":
                self._answer(200, "ok")
            elif self.path == "/drydock/idle":
                self._answer(200 if idle() else 503, "idle" if idle() else "busy")
            else:
                self._answer(404, "not found")

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._answer(413, "body too large")
                return
            body = self.rfile.read(length)
            parts = self.path.strip("/").split("/")
            node = config.world.node(parts[1]) if len(parts) == 2 and parts[0] == "webhooks" else None
            if node is None:
                self._answer(404, "not found")
                return
            provider = node.provider
            problem = check(node, body, self.headers)
            if problem:
                log(f"refused a webhook from {node.id}: {problem}")
                self._answer(401, problem)
                return
            try:
                payload = json.loads(body)
            except ValueError:
                self._answer(400, "body is not JSON")
                return
            topic = topic_of(provider, self.headers, payload)
            key = delivery_id(provider, self.headers, payload)
            if key and not seen.first_time(f"{node.id}:{key}"):
                self._answer(200, "already handled")
                return
            dispatch(node, topic, payload)
            self._answer(200, "queued")

    return Inbox
