"""Is this webhook really from the provider? One check per provider's signing scheme.

Each function takes the raw body and the request headers and returns a reason string
when the delivery must be refused, or None when the signature is good.
"""

import base64
import hashlib
import hmac
import time
import unicodedata


def shopify(secret: str, body: bytes, headers) -> str | None:
    """`X-Shopify-Hmac-Sha256`: base64 HMAC-SHA256 of the raw body, keyed by the app secret."""
    given = headers.get("X-Shopify-Hmac-Sha256")
    if not given:
        return "missing X-Shopify-Hmac-Sha256"
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    if not hmac.compare_digest(base64.b64encode(digest).decode(), given.strip()):
        return "X-Shopify-Hmac-Sha256 does not match"
    return None


def easypost(secret: str, body: bytes, headers) -> str | None:
    """`X-Hmac-Signature: hmac-sha256-hex=<hex>`, keyed by the NFKD-normalized secret."""
    given = headers.get("X-Hmac-Signature") or ""
    prefix = "hmac-sha256-hex="
    if not given.startswith(prefix):
        return "missing or malformed X-Hmac-Signature"
    key = unicodedata.normalize("NFKD", secret).encode()
    expected = hmac.new(key, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, given[len(prefix) :].strip().lower()):
        return "X-Hmac-Signature does not match"
    return None


def standard_webhooks(secret: str, body: bytes, headers, tolerance_s: float) -> str | None:
    """Standard Webhooks (ShipBob): `webhook-signature: v1,<base64>` over `id.timestamp.body`."""
    webhook_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not (webhook_id and timestamp and signatures):
        return "missing webhook-id, webhook-timestamp or webhook-signature"
    try:
        sent_at = int(timestamp)
    except ValueError:
        return "webhook-timestamp is not a number"
    if tolerance_s > 0 and abs(time.time() - sent_at) > tolerance_s:
        return f"webhook-timestamp {sent_at} is more than {tolerance_s:.0f}s from now"
    encoded = secret[len("whsec_") :] if secret.startswith("whsec_") else secret
    try:
        key = base64.b64decode(encoded)
    except ValueError:
        return "webhook secret is not base64"
    signed = webhook_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(expected, value):
            return None
    return "webhook-signature does not match"
