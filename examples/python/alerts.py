"""Telling a human: Slack incoming-webhook messages, each said once.

An alert has a key (order and cause); the same key is never announced twice, so a
retried step or a redelivered webhook does not spam the channel.
"""

import threading

from transport import Provider, ProviderError, log


class Alerts:
    def __init__(self, slack_url: str):
        self._slack = Provider("slack", slack_url, {}) if slack_url else None
        self._said = set()
        self._lock = threading.Lock()

    def __call__(self, key: str, text: str) -> None:
        with self._lock:
            if key in self._said:
                return
            self._said.add(key)
        log(f"ALERT {text}")
        if self._slack is None:
            return
        try:
            self._slack.call("POST", "", {"text": text}, repeat_writes=True, attempts=4)
        except ProviderError as error:
            log(f"could not post the alert to Slack: {error}")
            with self._lock:
                self._said.discard(key)
