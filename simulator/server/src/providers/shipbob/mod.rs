//! ShipBob, the warehouse (3PL): its dated-version dialect (`api.rs`, `wire.rs`),
//! shipment webhooks signed the Standard Webhooks way, its error and rate-limit shapes,
//! `410 Gone` for a retired version, retry schedule and contract variables.

mod api;
mod wire;

use std::sync::Arc;
use std::time::Duration as RealDuration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use drydock_core::{Duration, NodeId, Timestamp, World, WorldEvent, WorldEventKind};
use serde_json::json;

pub use api::{CURRENT_VERSION, SUPPORTED_VERSIONS, UNPREFIXED_QUANTITIES_SINCE};
pub use wire::SURFACE;

use super::hmac::hmac_sha256;
use super::surface::Surface;
use super::{Provider, ProviderId, Role, Subscriber, node_of};
use crate::credentials::{NodeCredentials, SecretDraw};
use crate::delivery::PendingDelivery;
use crate::fault_plan::whole_seconds;
use crate::handle::WorldHandle;
use crate::persona::Persona;
use crate::wire::{WireRequest, WireResponse};

pub struct ShipBob;

/// Standard Webhooks `webhook-signature`: `v1,` + base64 HMAC-SHA256 over
/// `{id}.{timestamp}.{body}`, keyed by the base64-decoded part of the `whsec_` secret.
/// A secret that is not valid base64 is used as raw bytes.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> String {
    let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
    let key = STANDARD
        .decode(encoded)
        .unwrap_or_else(|_| encoded.as_bytes().to_vec());
    let ts = timestamp.to_string();
    let mac = hmac_sha256(&key, &[id.as_bytes(), b".", ts.as_bytes(), b".", body]);
    format!("v1,{}", STANDARD.encode(mac))
}

/// ShipBob: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
const RETRIES: &[Duration] = &[
    Duration::from_secs(0),
    Duration::from_secs(5),
    Duration::from_secs(300),
    Duration::from_secs(1800),
    Duration::from_secs(7200),
    Duration::from_secs(18000),
    Duration::from_secs(36000),
    Duration::from_secs(36000),
];

impl Provider for ShipBob {
    fn id(&self) -> ProviderId {
        ProviderId::ShipBob
    }

    fn name(&self) -> &'static str {
        "shipbob"
    }

    fn role(&self) -> Role {
        Role::Warehouse
    }

    fn handle(
        &self,
        world: &Arc<WorldHandle>,
        persona: &Persona,
        req: &WireRequest,
    ) -> WireResponse {
        api::handle(world, persona, req)
    }

    fn base_path(&self, _: &NodeCredentials) -> String {
        format!("/{CURRENT_VERSION}")
    }

    fn credential(&self, req: &WireRequest) -> Option<String> {
        req.header("authorization")
            .and_then(|a| a.strip_prefix("Bearer "))
            .map(|t| t.trim().to_string())
    }

    fn credential_headers(&self) -> &'static [&'static str] {
        &["authorization"]
    }

    fn credentials(&self, draw: &mut SecretDraw) -> NodeCredentials {
        let key = format!("sbpat_{}", draw.hex(40));
        let secret = draw.hex(48);
        NodeCredentials {
            key,
            webhook_secret: format!("whsec_{}", STANDARD.encode(secret.as_bytes())),
        }
    }

    fn env(&self, world: &World, persona: &Persona) -> Vec<(&'static str, String)> {
        vec![
            ("URL", persona.url.clone()),
            ("TOKEN", persona.credentials.key.clone()),
            (
                "CHANNEL_ID",
                persona.warehouse(world).channel_id.to_string(),
            ),
            ("WEBHOOK_SECRET", persona.credentials.webhook_secret.clone()),
        ]
    }

    fn refusal(&self, status: u16, message: &str) -> WireResponse {
        WireResponse::json(status, &json!({"statusCode": status, "message": message}))
    }

    fn outage(&self, status: u16, phrase: &str) -> WireResponse {
        self.refusal(status, phrase)
    }

    fn rate_limited(&self, wait: RealDuration) -> WireResponse {
        let whole = whole_seconds(wait);
        WireResponse::json(
            429,
            &json!({"statusCode": 429, "message": format!("Rate limit is exceeded. Try again in {whole} seconds.")}),
        )
    }

    /// Its own `x-retry-after`, with no calls left.
    fn retry_after(&self, response: WireResponse, wait: RealDuration) -> WireResponse {
        response
            .header("x-retry-after", whole_seconds(wait).to_string())
            .header("x-remaining-calls", "0")
    }

    /// `410 Gone` with a `Link` to the successor version.
    fn retired_version(&self, version: &str, successor: &str) -> Option<WireResponse> {
        Some(
            WireResponse::json(
                410,
                &json!({
                    "statusCode": 410,
                    "message": format!("API version {version} has been retired. Use {successor}."),
                }),
            )
            .header("link", format!("</{successor}>; rel=\"successor-version\"")),
        )
    }

    /// The bare Shipment, on the warehouse topics.
    fn webhook(
        &self,
        world: &World,
        node: &NodeId,
        event: &WorldEvent,
    ) -> Option<(&'static str, Vec<u8>)> {
        let (topic, order_id) = match event.kind {
            WorldEventKind::WarehouseOrderShipped { order_id } => ("order.shipped", order_id),
            WorldEventKind::WarehouseOrderCancelled { order_id } => {
                ("order.shipment.cancelled", order_id)
            }
            WorldEventKind::WarehouseOrderException { order_id } => {
                ("order.shipment.exception", order_id)
            }
            WorldEventKind::WarehouseOrderDelivered { order_id } => {
                ("order.shipment.delivered", order_id)
            }
            _ => return None,
        };
        let warehouse = node_of(&world.warehouses, node);
        let order = warehouse.orders.get(&order_id)?;
        Some((
            topic,
            serde_json::to_vec(&wire::shipment(warehouse, order)).ok()?,
        ))
    }

    /// Subscriptions that name the topic.
    fn subscribers(&self, world: &World, node: &NodeId, topic: &str) -> Vec<Subscriber> {
        node_of(&world.warehouses, node)
            .webhooks
            .iter()
            .filter(|s| s.topics.iter().any(|t| t == topic))
            .map(|s| (s.url.clone(), None))
            .collect()
    }

    fn has_subscriptions(&self, world: &World, node: &NodeId) -> bool {
        !node_of(&world.warehouses, node).webhooks.is_empty()
    }

    /// `webhook-timestamp` is real Unix time, not the world's virtual time: receivers
    /// (the official libraries, svix) compare it with their own clock and refuse a
    /// delivery more than five minutes off. The payload's times stay virtual.
    fn webhook_headers(
        &self,
        _: &WorldHandle,
        persona: &Persona,
        d: &PendingDelivery,
    ) -> Vec<(String, String)> {
        let id = format!("msg_{}", d.webhook_id.replace('-', ""));
        let timestamp = Timestamp::now().as_second();
        let signature = signature(&persona.credentials.webhook_secret, &id, timestamp, &d.body);
        vec![
            ("content-type".into(), "application/json".into()),
            ("x-webhook-topic".into(), d.topic.clone()),
            ("webhook-id".into(), id),
            ("webhook-timestamp".into(), timestamp.to_string()),
            ("webhook-signature".into(), signature),
        ]
    }

    fn forged_signature(&self) -> Option<(&'static str, String)> {
        Some((
            "webhook-signature",
            "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into(),
        ))
    }

    fn retry_schedule(&self) -> &'static [Duration] {
        RETRIES
    }

    fn surface(&self) -> &'static Surface {
        &SURFACE
    }

    fn sdk_note(&self) -> &'static str {
        "ShipBob has no official SDK to point: any HTTP client with `Authorization: Bearer` + `DRYDOCK_SHIPBOB_TOKEN` against `DRYDOCK_SHIPBOB_URL`; webhooks: `standardwebhooks` (`Webhook(secret).verify(body, headers)`) — tested in CI by `tests/sdk/webhook_signatures.py`"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_webhooks_signs_id_timestamp_and_body() {
        let secret = format!("whsec_{}", STANDARD.encode(b"Jefe"));
        let sig = signature(&secret, "msg_1", 1_700_000_000, b"{}");
        let expected = STANDARD.encode(hmac_sha256(b"Jefe", &[b"msg_1.1700000000.{}"]));
        assert_eq!(sig, format!("v1,{expected}"));
        assert_ne!(sig, signature(&secret, "msg_2", 1_700_000_000, b"{}"));
    }
}
