"""Where the providers are and how to authenticate: read once from the environment.

drydock (or any deployment) hands the integration its settings as environment variables;
nothing else is configured. The world's nodes come from `world.py`.
"""

import os
from dataclasses import dataclass

import world as worlds


@dataclass(frozen=True)
class Config:
    port: int
    public_url: str
    world: worlds.World
    # How often warehouse stock is read (seconds, real time).
    stock_poll_s: float
    # How far a Standard Webhooks timestamp may be from our clock (seconds).
    webhook_tolerance_s: float


def load() -> Config:
    port = int(os.environ.get("PORT", "8080"))
    return Config(
        port=port,
        public_url=os.environ.get("DRYDOCK_SUT_URL", f"http://127.0.0.1:{port}").rstrip("/"),
        world=worlds.load(),
        stock_poll_s=float(os.environ.get("STARTER_STOCK_POLL_S", "0.4")),
        webhook_tolerance_s=float(os.environ.get("STARTER_WEBHOOK_TOLERANCE_S", "300")),
    )
