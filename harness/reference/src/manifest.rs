//! The world manifest, `DRYDOCK_WORLD_JSON`: every node's role, provider, URL,
//! credentials and webhook secret (and a warehouse's region and address), read into the
//! per-node configurations. Only the providers this integration speaks are accepted;
//! any other node is an error that names it, so no channel's orders go unseen.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::config::{
    CHANNEL_ID_FIX, CarrierConfig, ChannelConfig, ConfigError, EasyPostConfig, ShipBobConfig,
    ShipFrom, ShopifyConfig, WHSEC_FIX, WarehouseConfig, WorldNodes, decode_whsec,
    parse_channel_id,
};

/// The variable holding the manifest.
pub(crate) const VAR: &str = "DRYDOCK_WORLD_JSON";

/// The manifest version this integration reads.
const VERSION: u64 = 1;

#[derive(Deserialize)]
struct Manifest {
    version: u64,
    nodes: Vec<Node>,
}

#[derive(Deserialize)]
struct Node {
    id: String,
    role: String,
    provider: String,
    url: String,
    #[serde(default)]
    credentials: BTreeMap<String, Value>,
    #[serde(default)]
    webhook_secret: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    ship_from: Option<WireAddress>,
}

#[derive(Deserialize)]
struct WireAddress {
    #[serde(default)]
    name: String,
    #[serde(default)]
    street1: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    zip: String,
    #[serde(default)]
    country: String,
}

fn problem(text: String) -> ConfigError {
    ConfigError::Manifest { problem: text }
}

/// Reads the manifest into the world's nodes, in declaration order per role.
pub(crate) fn read(raw: &str) -> Result<WorldNodes, ConfigError> {
    let manifest: Manifest = serde_json::from_str(raw)
        .map_err(|err| problem(format!("not a world manifest ({err})")))?;
    if manifest.version != VERSION {
        return Err(problem(format!(
            "version {} is not supported (this integration reads version {VERSION})",
            manifest.version
        )));
    }
    let mut nodes = WorldNodes {
        channels: Vec::new(),
        warehouses: Vec::new(),
        carriers: Vec::new(),
        slack_webhook_url: None,
    };
    for node in &manifest.nodes {
        let url = base_url(node)?;
        match (node.role.as_str(), node.provider.as_str()) {
            ("channel", "shopify") => nodes.channels.push(ChannelConfig {
                id: node.id.clone(),
                shopify: ShopifyConfig {
                    base_url: url,
                    shop_domain: credential(node, "shop_domain").unwrap_or_default(),
                    access_token: required(node, "access_token")?,
                    webhook_secret: secret(node)?,
                },
            }),
            ("warehouse", "shipbob") => nodes.warehouses.push(warehouse(node, url)?),
            ("carrier", "easypost") => nodes.carriers.push(CarrierConfig {
                id: node.id.clone(),
                easypost: EasyPostConfig {
                    base_url: url,
                    api_key: required(node, "api_key")?,
                    webhook_secret: secret(node)?,
                },
            }),
            ("alerts", "slack") => nodes.slack_webhook_url = Some(url),
            (role, provider) => {
                return Err(problem(format!(
                    "node {:?} is a {provider} {role}; this integration speaks shopify channels, \
                     shipbob warehouses, easypost carriers and slack alerts",
                    node.id
                )));
            }
        }
    }
    for (role, count) in [
        ("channel", nodes.channels.len()),
        ("warehouse", nodes.warehouses.len()),
        ("carrier", nodes.carriers.len()),
    ] {
        if count == 0 {
            return Err(problem(format!("it lists no {role} node")));
        }
    }
    Ok(nodes)
}

fn warehouse(node: &Node, url: String) -> Result<WarehouseConfig, ConfigError> {
    let channel_raw = required(node, "channel_id")?;
    let channel_id = parse_channel_id(&channel_raw).ok_or_else(|| {
        problem(format!(
            "node {:?} has channel_id {channel_raw:?}: {CHANNEL_ID_FIX}",
            node.id
        ))
    })?;
    let whsec = secret(node)?;
    let webhook_key = decode_whsec(&whsec).ok_or_else(|| {
        problem(format!(
            "node {:?} has webhook_secret {whsec:?}: {WHSEC_FIX}",
            node.id
        ))
    })?;
    let Some(from) = &node.ship_from else {
        return Err(problem(format!(
            "warehouse {:?} has no ship_from address",
            node.id
        )));
    };
    Ok(WarehouseConfig {
        id: node.id.clone(),
        region: node.region.clone().unwrap_or_else(|| "US-East".to_owned()),
        ship_from: ShipFrom {
            name: from.name.clone(),
            street1: from.street1.clone(),
            city: from.city.clone(),
            state: from.state.clone(),
            zip: from.zip.clone(),
            country: from.country.clone(),
        },
        shipbob: ShipBobConfig {
            base_url: url,
            token: required(node, "token")?,
            channel_id,
            webhook_key,
        },
    })
}

fn base_url(node: &Node) -> Result<String, ConfigError> {
    let url = node.url.trim();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(problem(format!(
            "node {:?} has url {url:?}: use an absolute http:// or https:// URL",
            node.id
        )));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// A credential as text: a string, or a number (a ShipBob channel id).
fn credential(node: &Node, key: &str) -> Option<String> {
    match node.credentials.get(key)? {
        Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_owned()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn required(node: &Node, key: &str) -> Result<String, ConfigError> {
    credential(node, key).ok_or_else(|| {
        problem(format!(
            "node {:?} ({}) has no credentials.{key}",
            node.id, node.provider
        ))
    })
}

fn secret(node: &Node) -> Result<String, ConfigError> {
    node.webhook_secret
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| problem(format!("node {:?} has no webhook_secret", node.id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_WAREHOUSES: &str = r#"{"version":1,"sut_url":"http://127.0.0.1:9000","nodes":[
      {"id":"shop","role":"channel","provider":"shopify","url":"http://127.0.0.1:4781/admin/api/2026-10/",
       "env_prefix":"DRYDOCK_SHOP_","credentials":{"access_token":"shpat_1","shop_domain":"s.myshopify.com"},
       "webhook_secret":"shpss_1"},
      {"id":"wh-east","role":"warehouse","provider":"shipbob","url":"http://127.0.0.1:4783/2026-01",
       "env_prefix":"DRYDOCK_WH_EAST_","credentials":{"token":"t1","channel_id":"100101"},
       "webhook_secret":"whsec_aGVsbG8=","region":"US-East",
       "ship_from":{"name":"East","street1":"1 Dock St","city":"Newark","state":"NJ","zip":"07102","country":"US"}},
      {"id":"wh-eu","role":"warehouse","provider":"shipbob","url":"http://127.0.0.1:4785/2026-01",
       "env_prefix":"DRYDOCK_WH_EU_","credentials":{"token":"t2","channel_id":100102},
       "webhook_secret":"whsec_aGVsbG8=","region":"EU",
       "ship_from":{"name":"EU","street1":"Kade 1","city":"Rotterdam","zip":"3011","country":"NL"}},
      {"id":"easypost","role":"carrier","provider":"easypost","url":"http://127.0.0.1:4782/v2",
       "env_prefix":"DRYDOCK_EASYPOST_","credentials":{"api_key":"EZTK1"},"webhook_secret":"ep1"},
      {"id":"slack","role":"alerts","provider":"slack","url":"http://127.0.0.1:4784/services/T/B/x",
       "env_prefix":"DRYDOCK_SLACK_","credentials":{}}
    ]}"#;

    #[test]
    fn reads_every_node_in_declaration_order() {
        let nodes = read(TWO_WAREHOUSES).expect("valid manifest");
        assert_eq!(nodes.channels.len(), 1);
        assert_eq!(
            nodes.channels[0].shopify.base_url,
            "http://127.0.0.1:4781/admin/api/2026-10"
        );
        let ids: Vec<&str> = nodes.warehouses.iter().map(|w| w.id.as_str()).collect();
        assert_eq!(ids, ["wh-east", "wh-eu"]);
        assert_eq!(nodes.warehouses[1].shipbob.channel_id, 100_102);
        assert_eq!(nodes.warehouses[1].ship_from.country, "NL");
        assert_eq!(nodes.warehouses[1].region, "EU");
        assert_eq!(nodes.warehouses[0].shipbob.webhook_key, b"hello");
        assert_eq!(nodes.carriers[0].easypost.api_key, "EZTK1");
        assert_eq!(
            nodes.slack_webhook_url.as_deref(),
            Some("http://127.0.0.1:4784/services/T/B/x")
        );
    }

    #[test]
    fn a_provider_it_does_not_speak_is_named() {
        let raw = TWO_WAREHOUSES.replace(
            r#""role":"carrier","provider":"easypost""#,
            r#""role":"carrier","provider":"shippo""#,
        );
        let err = read(&raw).map(drop).expect_err("unknown provider");
        assert!(
            err.to_string().contains("\"easypost\" is a shippo carrier"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_credential_names_the_node_and_key() {
        let raw = TWO_WAREHOUSES.replace(r#""token":"t2","#, "");
        let err = read(&raw).map(drop).expect_err("no token");
        assert!(
            err.to_string()
                .contains("node \"wh-eu\" (shipbob) has no credentials.token"),
            "{err}"
        );
    }

    #[test]
    fn a_world_without_a_warehouse_is_refused() {
        let raw = r#"{"version":1,"nodes":[]}"#;
        let err = read(raw).map(drop).expect_err("empty");
        assert!(err.to_string().contains("no channel node"), "{err}");
        assert!(read("{").is_err());
        assert!(read(r#"{"version":2,"nodes":[]}"#).is_err());
    }
}
