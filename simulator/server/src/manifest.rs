//! The world's manifest (`DRYDOCK_WORLD_JSON`, `GET /worlds/{id}/world`,
//! `.drydock/world.json`): every node's role, provider, URL, env prefix, credentials and
//! webhook secret in one JSON object, so an integration in any language can discover
//! however many channels, warehouses and carriers a world has.

use std::sync::Arc;

use drydock_core::World;
use serde_json::{Map, Value, json};

use crate::persona::Persona;
use crate::providers::Role;

/// The variable that carries the manifest, on one line.
pub const ENV_NAME: &str = "DRYDOCK_WORLD_JSON";

/// Bumped only when a field is removed or changes meaning.
pub const VERSION: u32 = 1;

/// The contract suffixes that are a node's `url` and `webhook_secret` fields rather
/// than one of its `credentials`.
const NOT_CREDENTIALS: [&str; 3] = ["URL", "WEBHOOK_URL", "WEBHOOK_SECRET"];

/// The manifest of `personas` in `world`, given where the integration listens.
pub fn manifest(world: &World, personas: &[Arc<Persona>], sut_url: &str) -> Value {
    let nodes: Vec<Value> = personas.iter().map(|p| node(world, p)).collect();
    json!({"version": VERSION, "sut_url": sut_url, "nodes": nodes})
}

fn node(world: &World, persona: &Persona) -> Value {
    let provider = persona.provider();
    let credentials: Map<String, Value> = provider
        .env(world, persona)
        .into_iter()
        .filter(|(suffix, _)| !NOT_CREDENTIALS.contains(suffix))
        .map(|(suffix, value)| (suffix.to_ascii_lowercase(), Value::String(value)))
        .collect();
    let mut node = json!({
        "id": persona.node,
        "role": provider.role().as_str(),
        "provider": provider.name(),
        "url": persona.url,
        "env_prefix": persona.env_prefix(),
        "credentials": credentials,
    });
    if !persona.credentials.webhook_secret.is_empty() {
        node["webhook_secret"] = json!(persona.credentials.webhook_secret);
    }
    if provider.role() == Role::Warehouse {
        let warehouse = persona.warehouse(world);
        node["region"] = json!(warehouse.region);
        node["ship_from"] = json!(warehouse.ship_from);
    }
    node
}
