"""Where the providers are and how to authenticate: read once from the environment.

drydock (or any deployment) hands the integration its settings as environment variables;
nothing else is configured.
"""

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    port: int
    public_url: str
    shopify_url: str
    shopify_token: str
    shopify_secret: str
    easypost_url: str
    easypost_key: str
    easypost_secret: str
    shipbob_url: str
    shipbob_token: str
    shipbob_channel: str
    shipbob_secret: str
    slack_url: str
    ship_from: dict
    # How often warehouse stock is read (seconds, real time).
    stock_poll_s: float
    # How far a Standard Webhooks timestamp may be from our clock (seconds).
    webhook_tolerance_s: float


def _need(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise SystemExit(f"missing environment variable {name}: start me with the drydock contract environment")
    return value


def load() -> Config:
    ship_from = {
        field.lower(): os.environ.get(f"DRYDOCK_SHIP_FROM_{field}", "")
        for field in ("NAME", "COMPANY", "STREET1", "CITY", "STATE", "ZIP", "COUNTRY", "PHONE")
    }
    port = int(os.environ.get("PORT", "8080"))
    return Config(
        port=port,
        public_url=os.environ.get("DRYDOCK_SUT_URL", f"http://127.0.0.1:{port}").rstrip("/"),
        shopify_url=_need("DRYDOCK_SHOPIFY_URL").rstrip("/"),
        shopify_token=_need("DRYDOCK_SHOPIFY_ACCESS_TOKEN"),
        shopify_secret=_need("DRYDOCK_SHOPIFY_WEBHOOK_SECRET"),
        easypost_url=_need("DRYDOCK_EASYPOST_URL").rstrip("/"),
        easypost_key=_need("DRYDOCK_EASYPOST_API_KEY"),
        easypost_secret=_need("DRYDOCK_EASYPOST_WEBHOOK_SECRET"),
        shipbob_url=_need("DRYDOCK_SHIPBOB_URL").rstrip("/"),
        shipbob_token=_need("DRYDOCK_SHIPBOB_TOKEN"),
        shipbob_channel=_need("DRYDOCK_SHIPBOB_CHANNEL_ID"),
        shipbob_secret=_need("DRYDOCK_SHIPBOB_WEBHOOK_SECRET"),
        slack_url=os.environ.get("DRYDOCK_SLACK_WEBHOOK_URL", ""),
        ship_from=ship_from,
        stock_poll_s=float(os.environ.get("STARTER_STOCK_POLL_S", "0.4")),
        webhook_tolerance_s=float(os.environ.get("STARTER_WEBHOOK_TOLERANCE_S", "300")),
    )
