//! The contract names nodes: each node's variables under its env prefix (the default
//! world keeping today's names exactly), and the manifest (`DRYDOCK_WORLD_JSON`,
//! `GET /worlds/{id}/world`) that lists every node with its role, provider, URL,
//! credentials and webhook secret, as served over real sockets.

use serde_json::{Value, json};

use super::control::control;
use super::{MUG, client, send, world};

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
