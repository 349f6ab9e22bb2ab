"""The world this integration serves: its storefront channels, warehouses and carriers.

drydock describes every node in one JSON manifest, `DRYDOCK_WORLD_JSON` (role, provider,
URL, credentials, webhook secret; a warehouse's region and address). Without it, the
world is the default one: one node of each role, from the variables named after the
provider (`DRYDOCK_SHOPIFY_URL`, ...). Webhooks of node `id` come to `/webhooks/{id}`.
"""

import json
import os
from dataclasses import dataclass, field

# the providers this integration speaks, per role
SPEAKS = {"channel": "shopify", "warehouse": "shipbob", "carrier": "easypost", "alerts": "slack"}


@dataclass(frozen=True)
class Node:
    id: str
    role: str
    provider: str
    url: str
    credentials: dict
    webhook_secret: str = ""
    region: str = ""
    ship_from: dict = field(default_factory=dict)


@dataclass(frozen=True)
class World:
    channels: list
    warehouses: list
    carriers: list
    slack_url: str

    def node(self, node_id: str) -> Node | None:
        return next((n for n in self.channels + self.warehouses + self.carriers if n.id == node_id), None)


def _need(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise SystemExit(f"missing environment variable {name}: start me with the drydock contract environment")
    return value


def _from_manifest(raw: str) -> World:
    try:
        manifest = json.loads(raw)
        nodes = manifest["nodes"]
    except (ValueError, KeyError, TypeError) as error:
        raise SystemExit(f"DRYDOCK_WORLD_JSON is not a world manifest ({error})") from None
    if manifest.get("version") != 1:
        raise SystemExit(f"DRYDOCK_WORLD_JSON version {manifest.get('version')} is not one I read (1)")
    roles = {"channel": [], "warehouse": [], "carrier": []}
    slack_url = ""
    for raw_node in nodes:
        role, provider = raw_node.get("role"), raw_node.get("provider")
        if SPEAKS.get(role) != provider:
            raise SystemExit(f"node {raw_node.get('id')!r} is a {provider} {role}; I speak {SPEAKS}")
        credentials = {k: str(v) for k, v in (raw_node.get("credentials") or {}).items()}
        node = Node(
            id=raw_node["id"],
            role=role,
            provider=provider,
            url=str(raw_node.get("url") or "").rstrip("/"),
            credentials=credentials,
            webhook_secret=raw_node.get("webhook_secret") or "",
            region=raw_node.get("region") or "",
            ship_from={k: v for k, v in (raw_node.get("ship_from") or {}).items() if v},
        )
        if role == "alerts":
            slack_url = node.url
        else:
            roles[role].append(node)
    for role, found in roles.items():
        if not found:
            raise SystemExit(f"DRYDOCK_WORLD_JSON lists no {role}")
    return World(roles["channel"], roles["warehouse"], roles["carrier"], slack_url)


def _default() -> World:
    ship_from = {
        field.lower(): os.environ.get(f"DRYDOCK_SHIP_FROM_{field}", "")
        for field in ("NAME", "COMPANY", "STREET1", "CITY", "STATE", "ZIP", "COUNTRY", "PHONE")
    }
    shop = Node(
        "shopify",
        "channel",
        "shopify",
        _need("DRYDOCK_SHOPIFY_URL").rstrip("/"),
        {"access_token": _need("DRYDOCK_SHOPIFY_ACCESS_TOKEN")},
        _need("DRYDOCK_SHOPIFY_WEBHOOK_SECRET"),
    )
    warehouse = Node(
        "shipbob",
        "warehouse",
        "shipbob",
        _need("DRYDOCK_SHIPBOB_URL").rstrip("/"),
        {"token": _need("DRYDOCK_SHIPBOB_TOKEN"), "channel_id": _need("DRYDOCK_SHIPBOB_CHANNEL_ID")},
        _need("DRYDOCK_SHIPBOB_WEBHOOK_SECRET"),
        "US-East",
        {k: v for k, v in ship_from.items() if v},
    )
    carrier = Node(
        "easypost",
        "carrier",
        "easypost",
        _need("DRYDOCK_EASYPOST_URL").rstrip("/"),
        {"api_key": _need("DRYDOCK_EASYPOST_API_KEY")},
        _need("DRYDOCK_EASYPOST_WEBHOOK_SECRET"),
    )
    return World([shop], [warehouse], [carrier], os.environ.get("DRYDOCK_SLACK_WEBHOOK_URL", ""))


def load() -> World:
    raw = os.environ.get("DRYDOCK_WORLD_JSON", "").strip()
    return _from_manifest(raw) if raw else _default()
