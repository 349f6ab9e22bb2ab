//! The contract names nodes: each node's variables under its env prefix (the default
//! world keeping today's names exactly), and the manifest (`DRYDOCK_WORLD_JSON`,
//! `GET /worlds/{id}/world`) that lists every node with its role, provider, URL,
//! credentials and webhook secret. A two-warehouse world over real sockets: each node
//! answers on its own port with its own credentials and stock, and its webhooks go to
//! its own subscribers only.

use std::collections::BTreeMap;
use std::sync::Arc;

use drydock_core::address::Address;
use drydock_core::faults::FaultRule;
use drydock_core::spec::{CarrierNode, ChannelNode, ProductSpec, WarehouseNode};
use drydock_core::{Duration, NodeId, WorldSpec};
use drydock_simulator::handle::WorldSettings;
use drydock_simulator::journal::Direction;
use drydock_simulator::{PortPlan, Simulator, WorldHandle};
use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};

use super::control::control;
use super::webhooks::{Receiver, assert_standard_webhooks_signed};
use super::{MUG, client, send, warehouse_order, world};

/// Every variable of the default world's contract before nodes existed, and the manifest.
const DEFAULT_ENV: [&str; 23] = [
    "DRYDOCK_EASYPOST_API_KEY",
    "DRYDOCK_EASYPOST_URL",
    "DRYDOCK_EASYPOST_WEBHOOK_SECRET",
    "DRYDOCK_SHIPBOB_CHANNEL_ID",
    "DRYDOCK_SHIPBOB_TOKEN",
    "DRYDOCK_SHIPBOB_URL",
    "DRYDOCK_SHIPBOB_WEBHOOK_SECRET",
    "DRYDOCK_SHIP_FROM_CITY",
    "DRYDOCK_SHIP_FROM_COMPANY",
    "DRYDOCK_SHIP_FROM_COUNTRY",
    "DRYDOCK_SHIP_FROM_NAME",
    "DRYDOCK_SHIP_FROM_PHONE",
    "DRYDOCK_SHIP_FROM_STATE",
    "DRYDOCK_SHIP_FROM_STREET1",
    "DRYDOCK_SHIP_FROM_ZIP",
    "DRYDOCK_SHOPIFY_ACCESS_TOKEN",
    "DRYDOCK_SHOPIFY_SHOP_DOMAIN",
    "DRYDOCK_SHOPIFY_URL",
    "DRYDOCK_SHOPIFY_WEBHOOK_SECRET",
    "DRYDOCK_SLACK_WEBHOOK_URL",
    "DRYDOCK_SUT_URL",
    "DRYDOCK_WORLD_JSON",
    "PORT",
];

#[tokio::test]
async fn the_default_world_keeps_its_env_names_and_its_manifest_matches_them() {
    let w = world().await;
    let env = w.sut_env("http://127.0.0.1:8080", 8080);
    let names: Vec<&str> = env.keys().map(String::as_str).collect();
    assert_eq!(names, DEFAULT_ENV);
    let manifest: Value =
        serde_json::from_str(&env["DRYDOCK_WORLD_JSON"]).expect("the manifest is JSON");
    assert!(
        !env["DRYDOCK_WORLD_JSON"].contains('\n'),
        "one line, for env files"
    );
    assert_eq!(manifest["version"], 1);
    assert_eq!(manifest["sut_url"], "http://127.0.0.1:8080");
    let nodes = manifest["nodes"].as_array().expect("nodes");
    let summary: Vec<(&str, &str, &str)> = nodes
        .iter()
        .map(|n| {
            (
                n["id"].as_str().unwrap_or_default(),
                n["role"].as_str().unwrap_or_default(),
                n["provider"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("shopify", "channel", "shopify"),
            ("shipbob", "warehouse", "shipbob"),
            ("easypost", "carrier", "easypost"),
            ("slack", "alerts", "slack"),
        ]
    );
    // Every node's URL, credentials and secret are exactly its env variables.
    for node in nodes {
        let prefix = node["env_prefix"].as_str().expect("env prefix");
        let url_var = if node["role"] == "alerts" {
            "WEBHOOK_URL"
        } else {
            "URL"
        };
        assert_eq!(node["url"], json!(env[&format!("{prefix}{url_var}")]));
        if let Some(secret) = node.get("webhook_secret") {
            assert_eq!(*secret, json!(env[&format!("{prefix}WEBHOOK_SECRET")]));
        }
        for (key, value) in node["credentials"].as_object().expect("credentials") {
            let var = format!("{prefix}{}", key.to_ascii_uppercase());
            assert_eq!(*value, json!(env[&var]), "{var}");
        }
    }
    let shipbob = &nodes[1];
    assert_eq!(shipbob["env_prefix"], "DRYDOCK_SHIPBOB_");
    assert_eq!(
        shipbob["credentials"],
        json!({"token": w.credentials.shipbob_token, "channel_id": env["DRYDOCK_SHIPBOB_CHANNEL_ID"]})
    );
    assert_eq!(shipbob["region"], "US-East");
    assert_eq!(
        shipbob["ship_from"]["city"],
        json!(env["DRYDOCK_SHIP_FROM_CITY"])
    );
    assert_eq!(
        nodes[0]["credentials"],
        json!({"access_token": w.credentials.shopify_access_token, "shop_domain": env["DRYDOCK_SHOPIFY_SHOP_DOMAIN"]})
    );
    assert_eq!(nodes[3]["credentials"], json!({}));
    assert!(nodes[3].get("webhook_secret").is_none());
    assert!(nodes[0].get("region").is_none());
}

#[tokio::test]
async fn the_control_api_serves_the_manifest_as_the_env_carries_it() {
    let base = control(None).await;
    let spec =
        json!({"name": "nodes", "seed": 3, "catalog": [{"sku": MUG, "title": "Mug", "stock": 5}]});
    let created = send(client().post(format!("{base}/worlds")).json(&spec)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_str().expect("world id");
    let sut = "sut_url=http://127.0.0.1:9000";
    let env = send(client().get(format!("{base}/worlds/{id}/env?{sut}"))).await;
    let manifest = send(client().get(format!("{base}/worlds/{id}/world?{sut}"))).await;
    assert_eq!(manifest.status, 200, "{}", manifest.text);
    let carried: Value =
        serde_json::from_str(env.body["DRYDOCK_WORLD_JSON"].as_str().expect("a string"))
            .expect("JSON");
    assert_eq!(manifest.body, carried);
    assert_eq!(manifest.body["sut_url"], "http://127.0.0.1:9000");
    assert_eq!(
        manifest.body["nodes"][0]["url"],
        created.body["endpoints"]["shopify"]
    );
    let missing = send(client().get(format!("{base}/worlds/w999/world"))).await;
    assert_eq!(missing.status, 404);
    assert!(missing.body["error"].is_string());
}

/// A world with two ShipBob warehouses: `wh-east` (10 mugs) and `wh-eu` (4, in
/// Rotterdam), the default channel and carrier.
pub(crate) fn two_warehouses() -> WorldSpec {
    let warehouse = |id: &str, region: &str, mugs: i64, ship_from: Option<Address>| WarehouseNode {
        id: NodeId::parse(id).expect("a node id"),
        provider: "shipbob".into(),
        region: region.into(),
        stock: [(MUG.to_string(), mugs)].into(),
        ship_from,
    };
    let rotterdam = Address {
        name: "Drydock EU".into(),
        street1: "Wilhelminakade 1".into(),
        city: "Rotterdam".into(),
        zip: "3072 AP".into(),
        country: "NL".into(),
        ..Address::default()
    };
    WorldSpec {
        name: "two-warehouses".into(),
        seed: 11,
        catalog: vec![ProductSpec {
            sku: MUG.into(),
            title: "Mug".into(),
            price_cents: 1200,
            weight_oz: 12,
            stock: 0,
        }],
        warehouses: Some(vec![
            warehouse("wh-east", "US-East", 10, None),
            warehouse("wh-eu", "EU", 4, Some(rotterdam)),
        ]),
        ..WorldSpec::default()
    }
}

async fn two_warehouse_world() -> Arc<WorldHandle> {
    Simulator::new()
        .create_world(
            &two_warehouses(),
            PortPlan::Ephemeral,
            WorldSettings::default(),
        )
        .await
        .expect("the world starts")
}

/// The journal lanes of entries going `direction`, in order.
fn lanes(w: &WorldHandle, direction: Direction) -> Vec<String> {
    w.journal
        .entries()
        .into_iter()
        .filter(|e| e.direction == direction)
        .map(|e| e.persona)
        .collect()
}

/// A ShipBob request to the node whose variables start with `prefix`.
fn to_warehouse(
    env: &BTreeMap<String, String>,
    prefix: &str,
    method: Method,
    path: &str,
) -> RequestBuilder {
    client()
        .request(method, format!("{}{path}", env[&format!("{prefix}URL")]))
        .bearer_auth(&env[&format!("{prefix}TOKEN")])
        .header("shipbob_channel_id", &env[&format!("{prefix}CHANNEL_ID")])
}

#[tokio::test]
async fn two_warehouses_each_answer_on_their_own_port_with_their_own_credentials_stock_and_webhooks()
 {
    let w = two_warehouse_world().await;
    let nodes: Vec<&str> = w.personas.iter().map(|p| p.node.as_str()).collect();
    assert_eq!(nodes, ["shopify", "wh-east", "wh-eu", "easypost", "slack"]);
    let env = w.sut_env("http://127.0.0.1:8080", 8080);
    assert!(
        !env.contains_key("DRYDOCK_SHIPBOB_URL"),
        "no node is named shipbob"
    );
    let (east, eu) = ("DRYDOCK_WH_EAST_", "DRYDOCK_WH_EU_");
    assert_ne!(
        env[&format!("{east}URL")],
        env[&format!("{eu}URL")],
        "a port each"
    );
    assert_ne!(env[&format!("{east}TOKEN")], env[&format!("{eu}TOKEN")]);
    assert_ne!(
        env[&format!("{east}WEBHOOK_SECRET")],
        env[&format!("{eu}WEBHOOK_SECRET")]
    );

    // Each node serves its own stock, and only to its own token.
    for (prefix, mugs) in [(east, 10), (eu, 4)] {
        let stock = send(to_warehouse(
            &env,
            prefix,
            Method::GET,
            &format!("/inventory-level?SearchBy={MUG}"),
        ))
        .await;
        assert_eq!(stock.status, 200, "{}", stock.text);
        assert_eq!(
            stock.body["items"][0]["total_on_hand_quantity"], mugs,
            "{prefix}"
        );
    }
    let stranger = client()
        .get(format!("{}/inventory-level", env[&format!("{eu}URL")]))
        .bearer_auth(&env[&format!("{east}TOKEN")]);
    assert_eq!(
        send(stranger).await.status,
        401,
        "wh-east's token opens wh-eu"
    );

    // A webhook of wh-eu goes to wh-eu's subscribers only, signed with wh-eu's secret.
    let receiver = Receiver::start().await;
    for (prefix, path) in [(east, "/east"), (eu, "/eu")] {
        let body = json!({"topics": ["order.shipped"], "url": format!("{}{path}", receiver.url)});
        let subscribed =
            send(to_warehouse(&env, prefix, Method::POST, "/webhook").json(&body)).await;
        assert_eq!(subscribed.status, 200, "{}", subscribed.text);
    }
    let order = warehouse_order("eu-1", MUG, 1, json!([]));
    let created = send(to_warehouse(&env, eu, Method::POST, "/order").json(&order)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    w.advance_to(w.now() + Duration::from_hours(24)).await;
    let shipped = receiver.hits("/eu");
    assert_eq!(shipped.len(), 1, "wh-eu's subscriber hears its shipment");
    assert!(
        receiver.hits("/east").is_empty(),
        "wh-east's subscriber hears nothing of wh-eu"
    );
    assert_standard_webhooks_signed(&shipped[0], &env[&format!("{eu}WEBHOOK_SECRET")]);
    assert_eq!(
        lanes(&w, Direction::Webhook),
        ["wh-eu"],
        "the delivery is in wh-eu's journal lane"
    );
    let stock = send(to_warehouse(
        &env,
        east,
        Method::GET,
        &format!("/inventory-level?SearchBy={MUG}"),
    ))
    .await;
    assert_eq!(
        stock.body["items"][0]["total_on_hand_quantity"], 10,
        "wh-east untouched"
    );

    // The manifest lists both with their regions and addresses.
    let manifest: Value = serde_json::from_str(&env["DRYDOCK_WORLD_JSON"]).expect("JSON");
    let eu_node = manifest["nodes"]
        .as_array()
        .and_then(|n| n.iter().find(|n| n["id"] == "wh-eu"))
        .expect("wh-eu in the manifest");
    assert_eq!(eu_node["role"], "warehouse");
    assert_eq!(eu_node["provider"], "shipbob");
    assert_eq!(eu_node["env_prefix"], eu);
    assert_eq!(eu_node["region"], "EU");
    assert_eq!(eu_node["ship_from"]["city"], "Rotterdam");
    assert_eq!(
        eu_node["credentials"]["token"],
        json!(env[&format!("{eu}TOKEN")])
    );
    assert_eq!(
        env["DRYDOCK_SHIP_FROM_CITY"], "Weehawken",
        "DRYDOCK_SHIP_FROM_* is the first warehouse's"
    );
}

#[tokio::test]
async fn a_node_of_an_unknown_provider_or_the_wrong_role_is_refused_naming_the_known_ones() {
    let mut spec = two_warehouses();
    if let Some(warehouses) = spec.warehouses.as_mut() {
        warehouses[1].provider = "easypost".into();
    }
    let refused = Simulator::new()
        .create_world(&spec, PortPlan::Ephemeral, WorldSettings::default())
        .await
        .err()
        .expect("a carrier cannot be a warehouse");
    let text = refused.to_string();
    assert!(
        text.contains("wh-eu") && text.contains("known: shipbob"),
        "{text}"
    );
}

#[tokio::test]
async fn a_fault_naming_a_node_fires_on_that_nodes_listener_only_and_one_naming_a_provider_on_all()
{
    let w = two_warehouse_world().await;
    let env = w.sut_env("http://127.0.0.1:8080", 8080);
    let (east, eu) = ("DRYDOCK_WH_EAST_", "DRYDOCK_WH_EU_");
    let status = |prefix: &'static str| {
        let request = to_warehouse(&env, prefix, Method::GET, "/inventory-level");
        async move { send(request).await.status }
    };
    let eu_down: FaultRule =
        serde_json::from_value(json!({"name": "eu-down", "node": "wh-eu", "effect": "outage"}))
            .expect("a valid rule");
    w.act(|world| world.add_fault(eu_down))
        .await
        .expect("the rule is added");
    assert_eq!(status(eu).await, 503, "wh-eu is down");
    assert_eq!(status(east).await, 200, "wh-east answers");
    assert_eq!(
        lanes(&w, Direction::Fault),
        ["wh-eu"],
        "the firing is in wh-eu's lane"
    );

    w.act(|world| world.clear_fault("eu-down"))
        .await
        .expect("the rule is cleared");
    let every_shipbob: FaultRule = serde_json::from_value(
        json!({"name": "all-down", "persona": "shipbob", "effect": "outage"}),
    )
    .expect("a valid rule");
    w.act(|world| world.add_fault(every_shipbob))
        .await
        .expect("the rule is added");
    assert_eq!(status(eu).await, 503);
    assert_eq!(
        status(east).await,
        503,
        "persona: shipbob is every ShipBob node"
    );
}

#[tokio::test]
async fn every_node_of_every_role_answers_its_own_key_and_refuses_a_siblings() {
    let mut spec = two_warehouses();
    spec.channels = Some(
        ["shop", "shop-eu"]
            .map(|id| ChannelNode {
                id: NodeId::parse(id).expect("a node id"),
                provider: "shopify".into(),
            })
            .into(),
    );
    spec.carriers = Some(
        ["easypost", "easypost-eu"]
            .map(|id| CarrierNode {
                id: NodeId::parse(id).expect("a node id"),
                provider: "easypost".into(),
            })
            .into(),
    );
    let w = Simulator::new()
        .create_world(&spec, PortPlan::Ephemeral, WorldSettings::default())
        .await
        .expect("the world starts");
    let env = w.sut_env("http://127.0.0.1:8080", 8080);
    // (node prefix, its sibling's prefix, how a call carries the key, the key's suffix, a route)
    let cases = [
        (
            "DRYDOCK_SHOP_",
            "DRYDOCK_SHOP_EU_",
            "x-shopify-access-token",
            "ACCESS_TOKEN",
            "/orders.json",
        ),
        (
            "DRYDOCK_SHOP_EU_",
            "DRYDOCK_SHOP_",
            "x-shopify-access-token",
            "ACCESS_TOKEN",
            "/orders.json",
        ),
        (
            "DRYDOCK_WH_EAST_",
            "DRYDOCK_WH_EU_",
            "bearer",
            "TOKEN",
            "/order",
        ),
        (
            "DRYDOCK_WH_EU_",
            "DRYDOCK_WH_EAST_",
            "bearer",
            "TOKEN",
            "/order",
        ),
        (
            "DRYDOCK_EASYPOST_",
            "DRYDOCK_EASYPOST_EU_",
            "bearer",
            "API_KEY",
            "/shipments",
        ),
        (
            "DRYDOCK_EASYPOST_EU_",
            "DRYDOCK_EASYPOST_",
            "bearer",
            "API_KEY",
            "/shipments",
        ),
    ];
    for (node, sibling, carried, suffix, route) in cases {
        let call = |key: &str| {
            let request = client().get(format!("{}{route}", env[&format!("{node}URL")]));
            match carried {
                "bearer" => request.bearer_auth(key),
                header => request.header(header, key),
            }
        };
        let own = send(call(&env[&format!("{node}{suffix}")])).await;
        assert_eq!(own.status, 200, "{node} with its own key: {}", own.text);
        let stranger = send(call(&env[&format!("{sibling}{suffix}")])).await;
        assert_eq!(stranger.status, 401, "{node} took {sibling}'s key");
    }
}
