"""One polite HTTP client per provider: waits when told to, backs off when it fails.

Every call to a provider goes through `Provider.call`. A provider has one gate shared by
all threads: a `Retry-After` / `x-retry-after` answer, or a run of failures, closes the
gate for everyone until the wait is over, so an outage never turns into a storm of calls.
"""

import json
import random
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.client import HTTPException

TIMEOUT_S = 6.0
MAX_BACKOFF_S = 4.0


def log(message: str) -> None:
    print(f"[starter] {message}", file=sys.stderr, flush=True)


class ProviderError(Exception):
    """A call that did not give a usable answer; `provider` names who failed."""

    def __init__(self, message: str, provider: str = ""):
        super().__init__(message)
        self.provider = provider


class Unavailable(ProviderError):
    """The provider is down or keeps failing: try again later."""


class NoAnswer(ProviderError):
    """A write was sent but its answer was lost or unreadable: its outcome is unknown."""


class Rejected(ProviderError):
    """The provider refused the request (4xx): repeating it will not help."""

    def __init__(self, status: int, body, text: str, provider: str = ""):
        super().__init__(f"{status}: {text[:200]}", provider)
        self.status = status
        self.body = body


class Answer:
    def __init__(self, status: int, headers, body):
        self.status = status
        self.headers = headers
        self.body = body


class Gate:
    """When the next call to a provider may go out."""

    def __init__(self):
        self._lock = threading.Lock()
        self._not_before = 0.0
        self._failures = 0

    def wait(self) -> None:
        while True:
            with self._lock:
                delay = self._not_before - time.monotonic()
            if delay <= 0:
                return
            time.sleep(min(delay, 1.0))

    def told_to_wait(self, seconds: float) -> None:
        with self._lock:
            # a little margin: the provider counts from when it answered, we from now
            self._not_before = max(self._not_before, time.monotonic() + seconds + 0.06)

    def failed(self) -> float:
        with self._lock:
            self._failures += 1
            delay = min(0.2 * 2 ** (self._failures - 1), MAX_BACKOFF_S) * random.uniform(0.8, 1.2)
            self._not_before = max(self._not_before, time.monotonic() + delay)
            return delay

    def succeeded(self) -> None:
        with self._lock:
            self._failures = 0

    def closed(self) -> bool:
        """A call now would have to wait."""
        with self._lock:
            return time.monotonic() < self._not_before

    def failing(self) -> bool:
        """The provider's last answer was a failure."""
        with self._lock:
            return self._failures > 0


def _retry_after(headers) -> float | None:
    for name in ("Retry-After", "x-retry-after"):
        value = headers.get(name)
        if value:
            try:
                return max(float(value), 0.0)
            except ValueError:
                return 1.0
    return None


def _successor(headers) -> str | None:
    """The URL in `Link: <...>; rel="successor-version"`, if any."""
    for part in (headers.get("Link") or "").split(","):
        if 'rel="successor-version"' in part and "<" in part and ">" in part:
            return part[part.index("<") + 1 : part.index(">")]
    return None


class Provider:
    def __init__(self, name: str, base_url: str, headers: dict, answers_json: bool = True):
        self.name = name
        self.answers_json = answers_json
        self.base_url = base_url
        self.headers = headers
        self.gate = Gate()
        # called with the successor URL when the provider retires the version we use;
        # returns True when the base URL was moved and the call may be repeated
        self.on_retired = None
        # called with (reason, version served) when the provider flags our version deprecated
        self.on_deprecated = None

    def call(self, method: str, path: str, body=None, query=None, *, repeat_writes=False, attempts=3):
        """JSON in, JSON out. `repeat_writes`: a lost answer to this write may be retried."""
        payload = json.dumps(body).encode() if body is not None else None
        tries = 0
        rate_limited = 0
        while True:
            self.gate.wait()
            # `path` is relative to the base URL, or a whole URL (a pagination link)
            url = path if path.startswith("http") else self.base_url + path
            if query:
                url += "?" + urllib.parse.urlencode(query)
            headers = dict(self.headers)
            if payload is not None:
                headers["Content-Type"] = "application/json"
            request = urllib.request.Request(url, data=payload, method=method, headers=headers)
            tries += 1
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                    answer = self._read(response.status, response.headers, response.read())
                self.gate.succeeded()
                self._mind_the_bucket(answer.headers)
                deprecated = answer.headers.get("X-Shopify-Api-Deprecated-Reason")
                if deprecated and self.on_deprecated is not None:
                    self.on_deprecated(deprecated, answer.headers.get("X-Shopify-Api-Version"))
                return answer
            except urllib.error.HTTPError as error:
                text = error.read().decode("utf-8", "replace")
                status = error.code
                wait = _retry_after(error.headers)
                if status == 429:
                    rate_limited += 1
                    self.gate.told_to_wait(wait if wait is not None else 1.0)
                    log(f"{self.name} {method} {path}: rate limited, waiting {wait}s as told")
                    if rate_limited <= 6:
                        continue
                    raise Unavailable(f"{self.name} keeps rate limiting {method} {path}", self.name) from None
                if status == 410 and self.on_retired is not None:
                    successor = _successor(error.headers)
                    if successor and self.on_retired(successor):
                        continue
                if status >= 500:
                    if wait is not None:
                        self.gate.told_to_wait(wait)
                    delay = self.gate.failed()
                    log(f"{self.name} {method} {path}: {status}, backing off {delay:.2f}s")
                    if tries < attempts:
                        continue
                    raise Unavailable(f"{self.name} {method} {path}: {status}", self.name) from None
                try:
                    parsed = json.loads(text)
                except ValueError:
                    parsed = None
                raise Rejected(status, parsed, text, self.name) from None
            except NoAnswer:
                # 2xx with an unreadable body: the request took effect, its answer is lost
                self.gate.failed()
                if method == "GET" or repeat_writes:
                    if tries < attempts:
                        continue
                    raise Unavailable(f"{self.name} {method} {path}: unreadable answers", self.name) from None
                raise
            except (urllib.error.URLError, HTTPException, socket.timeout, ConnectionError, OSError) as error:
                delay = self.gate.failed()
                refused = isinstance(getattr(error, "reason", None), ConnectionRefusedError)
                log(f"{self.name} {method} {path}: no answer ({error}), backing off {delay:.2f}s")
                if method != "GET" and not repeat_writes and not refused:
                    raise NoAnswer(f"{self.name} {method} {path}: {error}", self.name) from None
                if tries < attempts:
                    continue
                raise Unavailable(f"{self.name} {method} {path}: {error}", self.name) from None

    def _mind_the_bucket(self, headers) -> None:
        """Shopify's leaky bucket (`X-Shopify-Shop-Api-Call-Limit: used/size`, leaking 2 a
        second): when it is nearly full, pause before it overflows into 429s."""
        used, _, size = (headers.get("X-Shopify-Shop-Api-Call-Limit") or "").partition("/")
        if used.isdigit() and size.isdigit() and int(size) - int(used) <= 2:
            self.gate.told_to_wait(1.0)

    def _read(self, status: int, headers, raw: bytes) -> Answer:
        if not raw.strip() or not self.answers_json:
            return Answer(status, headers, None)
        content_type = headers.get("Content-Type", "")
        if "json" not in content_type:
            raise NoAnswer(f"{self.name}: answer served as {content_type!r}, not JSON", self.name)
        try:
            return Answer(status, headers, json.loads(raw))
        except ValueError:
            raise NoAnswer(f"{self.name}: answer is not valid JSON", self.name) from None
