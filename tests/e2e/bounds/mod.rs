//! Nothing wraps, nothing panics, nothing half-applies (issue 10): the reproductions of
//! the issue, a property test that sends generated requests to every persona endpoint
//! in-process and checks the world after each, and a fuzz test of the scenario parser.
//! This module holds what they share: a world with some of everything in it, requests
//! sent through `personas::call` (no socket), and each provider's 4xx shape.

mod draw;
mod endpoints;
mod persona_fuzz;
mod reproductions;
mod scenario_fuzz;

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Method};
use drydock_core::warehouse::WarehouseOrderRequest;
use drydock_simulator::handle::WorldSettings;
use drydock_simulator::persona;
use drydock_simulator::providers::{self, ProviderId};
use drydock_simulator::wire::{WireRequest, WireResponse};
use drydock_simulator::{PortPlan, Simulator, WorldHandle};
use serde_json::Value;

use crate::personas::{MUG, TEE, ship_to, spec};

/// A world with an order on the storefront, its warehouse order and a bought label, so
/// that generated requests find real ids to act on.
pub(crate) async fn stocked_world() -> Arc<WorldHandle> {
    let world = Simulator::new()
        .create_world(&spec(), PortPlan::Ephemeral, WorldSettings::default())
        .await
        .expect("the world starts");
    crate::personas::place_order(&world, &[(MUG, 2), (TEE, 1)]).await;
    world
        .act(|w| {
            w.create_warehouse_order(
                &w.default_warehouse(),
                WarehouseOrderRequest {
                    reference_id: "1001".into(),
                    order_number: "#1001".into(),
                    order_type: "DTC".into(),
                    shipping_method: "Standard".into(),
                    recipient: ship_to(),
                    lines: vec![(MUG.into(), MUG.into(), 2)],
                    tags: Vec::new(),
                },
            )
        })
        .await
        .expect("warehouse order");
    world
}

/// One request to a persona, authenticated as its SDK would, answered in-process.
pub(crate) fn call(
    world: &Arc<WorldHandle>,
    kind: ProviderId,
    method: Method,
    path: &str,
    body: impl Into<Bytes>,
) -> WireResponse {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let c = &world.credentials;
    let mut headers = HeaderMap::new();
    let mut header = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    };
    header("content-type", "application/json".into());
    let path = match kind {
        ProviderId::Shopify => {
            header("x-shopify-access-token", c.shopify_access_token.clone());
            format!("/admin/api/{}/{path}", providers::shopify::CURRENT_VERSION)
        }
        ProviderId::EasyPost => {
            header("authorization", format!("Bearer {}", c.easypost_api_key));
            format!("/v2{path}")
        }
        ProviderId::ShipBob => {
            header("authorization", format!("Bearer {}", c.shipbob_token));
            let channel = world.read(|w| w.warehouses.first().channel_id);
            header("shipbob_channel_id", channel.to_string());
            format!("/{}{path}", providers::shipbob::CURRENT_VERSION)
        }
        ProviderId::Slack => {
            let slack = world.first(kind).expect("the alerts");
            format!("{}{path}", kind.get().base_path(&slack.credentials))
        }
    };
    let request = WireRequest {
        method,
        path,
        query: query.to_string(),
        headers,
        body: body.into(),
        fault: None,
    };
    let persona = world.first(kind).expect("a node of every provider");
    persona::call(world, &persona, &request)
}

/// Whether a 4xx answer is in the provider's own error shape: Shopify `{"errors": ...}`,
/// EasyPost `{"error": {"code", "message"}}`, ShipBob a validation map
/// (`{"Field": ["message"]}`), ProblemDetails or `{"message"}`, Slack plain text.
pub(crate) fn in_provider_shape(kind: ProviderId, response: &WireResponse) -> bool {
    let body: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    match kind {
        ProviderId::Shopify => body.get("errors").is_some(),
        ProviderId::EasyPost => {
            body["error"]["code"].is_string() && body["error"]["message"].is_string()
        }
        ProviderId::ShipBob => match &body {
            Value::Object(map) if !map.is_empty() => {
                let problem = map.get("title").is_some() && map.get("status").is_some();
                let message = map.get("message").is_some_and(Value::is_string);
                let validation = map.values().all(|v| {
                    v.as_array()
                        .is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_string))
                });
                problem || message || validation
            }
            _ => false,
        },
        ProviderId::Slack => {
            response
                .headers
                .iter()
                .any(|(n, v)| n == "content-type" && v.starts_with("text/plain"))
                && !response.body.is_empty()
        }
    }
}
