#!/usr/bin/env python3
"""Verify drydock's webhook deliveries with each provider's own verification code.

- ShipBob: the `standardwebhooks` package (Standard Webhooks' official library), which
  also refuses a `webhook-timestamp` more than five minutes from this machine's clock;
- EasyPost: the official SDK's `easypost.util.validate_webhook`;
- Shopify: an independent HMAC check written from Shopify's documentation (base64
  HMAC-SHA256 of the raw body keyed by the app secret, compared in constant time).

Each delivery must verify as sent and must be refused once its body is tampered with.

Usage: webhook_signatures.py DELIVERIES.json, where the file holds
  {"secrets": {"shopify": ..., "easypost": ..., "shipbob": ...},
   "deliveries": [{"provider": ..., "headers": [[name, value], ...], "body_b64": ...}]}

Prints "ok <name>" per passed check and "N passed, 0 failed" at the end.
Exits 1 with a FAIL line on the first failed check.
"""

import base64
import email.message
import hashlib
import hmac
import json
import sys

try:
    from easypost.errors import SignatureVerificationError
    from easypost.util import validate_webhook
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError
except ImportError as exc:  # pragma: no cover - environment problem
    print(f"FAIL import: install tests/sdk/requirements.txt ({exc})", flush=True)
    sys.exit(1)

PASSED = 0


def ok(name):
    global PASSED
    PASSED += 1
    print(f"ok {name}", flush=True)


def fail(name, why):
    print(f"FAIL {name}: {why}", flush=True)
    sys.exit(1)


def as_http_headers(pairs):
    """Headers as a Python web server hands them over: case-insensitive lookups."""
    headers = email.message.Message()
    for name, value in pairs:
        headers[name] = value
    return headers


def shopify_verifies(secret, body, headers):
    sent = headers.get("X-Shopify-Hmac-Sha256") or ""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode("ascii"), sent)


def easypost_verifies(secret, body, headers):
    try:
        validate_webhook(body, headers, secret)
        return True
    except SignatureVerificationError:
        return False


def shipbob_verifies(secret, body, headers):
    try:
        Webhook(secret).verify(body, dict(headers.items()))
        return True
    except WebhookVerificationError as err:
        print(f"  standardwebhooks refused: {err}", flush=True)
        return False


VERIFIERS = {
    "shopify": shopify_verifies,
    "easypost": easypost_verifies,
    "shipbob": shipbob_verifies,
}


def main():
    if len(sys.argv) != 2:
        fail("usage", "webhook_signatures.py DELIVERIES.json")
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f)
    secrets = data["secrets"]
    seen = set()
    for i, delivery in enumerate(data["deliveries"]):
        provider = delivery["provider"]
        verify = VERIFIERS[provider]
        body = base64.b64decode(delivery["body_b64"])
        headers = as_http_headers(delivery["headers"])
        name = f"{provider} delivery {i}"
        if not verify(secrets[provider], body, headers):
            fail(name, "the provider's own verification refused a genuine delivery")
        ok(f"{name} verifies")
        tampered = body.replace(b"}", b" }", 1) if b"}" in body else body + b" "
        if verify(secrets[provider], tampered, headers):
            fail(name, "a tampered body still verified")
        ok(f"{name} tampered is refused")
        seen.add(provider)
    missing = set(VERIFIERS) - seen
    if missing:
        fail("coverage", f"no delivery from {', '.join(sorted(missing))}")
    ok("every provider delivered")
    print(f"{PASSED} passed, 0 failed", flush=True)


if __name__ == "__main__":
    main()
