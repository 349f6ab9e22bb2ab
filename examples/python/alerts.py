"""Telling a human: Slack incoming-webhook messages, each said once, sent in the background.

An alert has a key (order and cause); the same key is never announced twice, so a
retried step or a redelivered webhook does not spam the channel. An alert is posted at
once (a human hears of a hold before the storefront shows it); if Slack does not take it,
a thread of its own keeps trying, so a slow Slack never holds up an order for long.
"""

import queue
import threading

from transport import Provider, ProviderError, log


class Alerts:
    def __init__(self, slack_url: str):
        # Slack answers a plain-text "ok"
        self._slack = Provider("slack", slack_url, {}, answers_json=False) if slack_url else None
        self._said = set()
        self._lock = threading.Lock()
        self._outbox = queue.Queue()
        if self._slack is not None:
            threading.Thread(target=self._send_loop, daemon=True).start()

    def __call__(self, key: str, text: str) -> None:
        with self._lock:
            if key in self._said:
                return
            self._said.add(key)
        log(f"ALERT {text}")
        if self._slack is None:
            return
        try:
            self._slack.call("POST", "", {"text": text}, attempts=1)
        except ProviderError:
            self._outbox.put(text)

    def pending(self) -> bool:
        return not self._outbox.empty()

    def _send_loop(self) -> None:
        while True:
            text = self._outbox.get()
            try:
                self._slack.call("POST", "", {"text": text}, attempts=5)
            except ProviderError as error:
                log(f"could not post an alert to Slack, dropped it: {error}")
