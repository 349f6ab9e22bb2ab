//! Shopify, the sales channel: the Admin REST dialect (`api.rs`, `wire.rs`), `orders/*`
//! webhooks signed with `X-Shopify-Hmac-Sha256`, its errors, rate-limit headers, version
//! fall-forward, retry schedule and contract variables.

mod api;
mod fulfillments;
mod wire;

use std::sync::Arc;
use std::time::Duration as RealDuration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use drydock_core::{Duration, NodeId, World, WorldEvent, WorldEventKind};
use serde_json::json;

pub use api::{CURRENT_VERSION, SUPPORTED_VERSIONS, served_version};
pub use wire::SURFACE;

use super::hmac::hmac_sha256;
use super::surface::Surface;
use super::{Provider, ProviderId, Role, Subscriber, node_of};
use crate::credentials::{NodeCredentials, SecretDraw};
use crate::delivery::PendingDelivery;
use crate::handle::WorldHandle;
use crate::persona::Persona;
use crate::wire::{WireRequest, WireResponse};

pub struct Shopify;

/// `X-Shopify-Hmac-Sha256`: base64 of HMAC-SHA256(raw body) keyed by the app secret.
pub fn signature(app_secret: &str, body: &[u8]) -> String {
    STANDARD.encode(hmac_sha256(app_secret.as_bytes(), &[body]))
}

/// Shopify: 8 retries over about 4 hours, doubling.
const RETRIES: &[Duration] = &[
    Duration::from_secs(60),
    Duration::from_secs(120),
    Duration::from_secs(240),
    Duration::from_secs(480),
    Duration::from_secs(960),
    Duration::from_secs(1920),
    Duration::from_secs(3840),
    Duration::from_secs(4800),
];

fn topic_of(event: &WorldEvent) -> Option<(&'static str, u64)> {
    match event.kind {
        WorldEventKind::OrderCreated { order_id } => Some(("orders/create", order_id)),
        WorldEventKind::OrderCancelled { order_id } => Some(("orders/cancelled", order_id)),
        WorldEventKind::OrderUpdated { order_id } => Some(("orders/updated", order_id)),
        _ => None,
    }
}

impl Provider for Shopify {
    fn id(&self) -> ProviderId {
        ProviderId::Shopify
    }

    fn name(&self) -> &'static str {
        "shopify"
    }

    fn role(&self) -> Role {
        Role::Channel
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
        format!("/admin/api/{CURRENT_VERSION}")
    }

    fn credential(&self, req: &WireRequest) -> Option<String> {
        req.header("x-shopify-access-token").map(str::to_string)
    }

    fn credential_headers(&self) -> &'static [&'static str] {
        &["x-shopify-access-token"]
    }

    fn credentials(&self, draw: &mut SecretDraw) -> NodeCredentials {
        NodeCredentials {
            key: format!("shpat_{}", draw.hex(32)),
            webhook_secret: format!("shpss_{}", draw.hex(32)),
        }
    }

    fn env(&self, world: &World, persona: &Persona) -> Vec<(&'static str, String)> {
        vec![
            ("URL", persona.url.clone()),
            ("ACCESS_TOKEN", persona.credentials.key.clone()),
            ("WEBHOOK_SECRET", persona.credentials.webhook_secret.clone()),
            ("SHOP_DOMAIN", persona.channel(world).shop_domain.clone()),
        ]
    }

    fn refusal(&self, status: u16, message: &str) -> WireResponse {
        WireResponse::json(status, &json!({"errors": message}))
    }

    fn outage(&self, status: u16, phrase: &str) -> WireResponse {
        self.refusal(status, phrase)
    }

    fn rate_limited(&self, _: RealDuration) -> WireResponse {
        WireResponse::json(
            429,
            &json!({"errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}),
        )
        .header("x-shopify-shop-api-call-limit", "40/40")
    }

    /// `Retry-After` as float seconds.
    fn retry_after(&self, response: WireResponse, wait: RealDuration) -> WireResponse {
        response.header("retry-after", format!("{:.1}", wait.as_secs_f64()))
    }

    /// A retired version falls forward to its successor: the handler serves it.
    fn retired_version(&self, _: &str, _: &str) -> Option<WireResponse> {
        None
    }

    fn webhook(
        &self,
        world: &World,
        node: &NodeId,
        event: &WorldEvent,
    ) -> Option<(&'static str, Vec<u8>)> {
        let (topic, order_id) = topic_of(event)?;
        let channel = node_of(&world.channels, node);
        let order = channel.orders.get(&order_id)?;
        Some((
            topic,
            serde_json::to_vec(&wire::order(channel, order)).ok()?,
        ))
    }

    fn subscribers(&self, world: &World, node: &NodeId, topic: &str) -> Vec<Subscriber> {
        node_of(&world.channels, node)
            .webhooks
            .iter()
            .filter(|h| h.topic == topic)
            .map(|h| (h.address.clone(), None))
            .collect()
    }

    fn has_subscriptions(&self, world: &World, node: &NodeId) -> bool {
        !node_of(&world.channels, node).webhooks.is_empty()
    }

    fn webhook_headers(
        &self,
        world: &WorldHandle,
        persona: &Persona,
        d: &PendingDelivery,
    ) -> Vec<(String, String)> {
        let hmac = signature(&persona.credentials.webhook_secret, &d.body);
        let domain = world.read(|w| persona.channel(w).shop_domain.clone());
        vec![
            ("content-type".into(), "application/json".into()),
            ("x-shopify-topic".into(), d.topic.clone()),
            ("x-shopify-hmac-sha256".into(), hmac),
            ("x-shopify-shop-domain".into(), domain),
            ("x-shopify-api-version".into(), CURRENT_VERSION.into()),
            ("x-shopify-webhook-id".into(), d.webhook_id.clone()),
            ("x-shopify-event-id".into(), format!("{}", d.id)),
            ("x-shopify-triggered-at".into(), wire::ts(d.event_at)),
        ]
    }

    fn forged_signature(&self) -> Option<(&'static str, String)> {
        Some((
            "x-shopify-hmac-sha256",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into(),
        ))
    }

    fn retry_schedule(&self) -> &'static [Duration] {
        RETRIES
    }

    fn surface(&self) -> &'static Surface {
        &SURFACE
    }

    fn sdk_note(&self) -> &'static str {
        "ShopifyAPI (Python): `shopify.ShopifyResource.set_site(os.environ[\"DRYDOCK_SHOPIFY_URL\"])` after activating a session"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_base64_of_the_hmac_of_the_body() {
        // RFC 4231 test case 2 (key "Jefe").
        let raw = hex::decode("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
            .expect("hex");
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            STANDARD.encode(raw)
        );
    }
}
