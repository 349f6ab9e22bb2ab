//! EasyPost, the carrier: its `/v2` dialect (`api.rs`, `wire.rs`), `tracker.updated`
//! events signed with `X-Hmac-Signature`, its error codes, retry schedule and contract
//! variables.

mod api;
mod wire;

use std::sync::Arc;
use std::time::Duration as RealDuration;

use drydock_core::{Duration, NodeId, World, WorldEvent, WorldEventKind};
use serde_json::json;
use unicode_normalization::UnicodeNormalization;

pub use wire::SURFACE;

use super::hmac::hmac_sha256;
use super::surface::Surface;
use super::{Provider, ProviderId, Role, Subscriber, node_of};
use crate::credentials::{NodeCredentials, SecretDraw};
use crate::delivery::PendingDelivery;
use crate::fault_plan::whole_seconds;
use crate::handle::WorldHandle;
use crate::persona::Persona;
use crate::wire::{WireRequest, WireResponse, iso};

pub struct EasyPost;

/// `X-Hmac-Signature`: `hmac-sha256-hex=` + hex HMAC-SHA256(raw body), keyed by the NFKD
/// normalization of the webhook secret.
pub fn signature(webhook_secret: &str, body: &[u8]) -> String {
    let key: String = webhook_secret.nfkd().collect();
    format!(
        "hmac-sha256-hex={}",
        hex::encode(hmac_sha256(key.as_bytes(), &[body]))
    )
}

/// EasyPost retries failed events with growing gaps (schedule unverified: a reasonable default).
const RETRIES: &[Duration] = &[
    Duration::from_secs(60),
    Duration::from_secs(300),
    Duration::from_secs(1800),
    Duration::from_secs(3600),
    Duration::from_secs(7200),
];

/// EasyPost's error codes for the statuses the shell itself answers.
fn code(status: u16) -> &'static str {
    match status {
        408 => "REQUEST.TIMEOUT",
        413 => "REQUEST.TOO_LARGE",
        500 => "INTERNAL_SERVER_ERROR",
        502 => "BAD_GATEWAY",
        504 => "GATEWAY_TIMEOUT",
        _ => "SERVICE.UNAVAILABLE",
    }
}

impl Provider for EasyPost {
    fn id(&self) -> ProviderId {
        ProviderId::EasyPost
    }

    fn name(&self) -> &'static str {
        "easypost"
    }

    fn role(&self) -> Role {
        Role::Carrier
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
        "/v2".into()
    }

    fn credential(&self, req: &WireRequest) -> Option<String> {
        api::api_key(req)
    }

    fn credential_headers(&self) -> &'static [&'static str] {
        &["authorization"]
    }

    fn credentials(&self, draw: &mut SecretDraw) -> NodeCredentials {
        NodeCredentials {
            key: format!("EZTK{}", draw.hex(40)),
            webhook_secret: format!("whk_{}", draw.hex(24)),
        }
    }

    fn env(&self, _: &World, persona: &Persona) -> Vec<(&'static str, String)> {
        vec![
            ("URL", persona.url.clone()),
            ("API_KEY", persona.credentials.key.clone()),
            ("WEBHOOK_SECRET", persona.credentials.webhook_secret.clone()),
        ]
    }

    fn refusal(&self, status: u16, message: &str) -> WireResponse {
        WireResponse::json(
            status,
            &json!({"error": {"code": code(status), "message": message, "errors": []}}),
        )
    }

    fn outage(&self, status: u16, phrase: &str) -> WireResponse {
        self.refusal(status, &format!("{phrase}. Please try again later."))
    }

    fn rate_limited(&self, _: RealDuration) -> WireResponse {
        WireResponse::json(
            429,
            &json!({"error": {"code": "RATE_LIMITED", "message": "You have sent too many requests. Please wait and try again.", "errors": []}}),
        )
    }

    fn retry_after(&self, response: WireResponse, wait: RealDuration) -> WireResponse {
        response.header("retry-after", whole_seconds(wait).to_string())
    }

    /// EasyPost has a single API version: a retirement changes nothing.
    fn retired_version(&self, _: &str, _: &str) -> Option<WireResponse> {
        None
    }

    /// `tracker.updated` with the Event body.
    fn webhook(
        &self,
        world: &World,
        node: &NodeId,
        event: &WorldEvent,
    ) -> Option<(&'static str, Vec<u8>)> {
        let WorldEventKind::TrackerUpdated {
            tracker_id,
            previous_status,
        } = &event.kind
        else {
            return None;
        };
        let tracker = node_of(&world.carriers, node).trackers.get(tracker_id)?;
        // The event id must differ per event but not per retry: derive it from the tracker
        // and the position of this update in its history.
        let event_id = format!(
            "evt_{}{:08x}",
            &tracker.id[4..28.min(tracker.id.len())],
            tracker.details.len()
        );
        let body = json!({
            "object": "Event",
            "id": event_id,
            "mode": "test",
            "description": "tracker.updated",
            "previous_attributes": {"status": previous_status.as_str()},
            "pending_urls": [],
            "completed_urls": [],
            "result": wire::tracker(tracker),
            "status": "pending",
            "user_id": "user_drydock",
            "created_at": iso(event.at),
            "updated_at": iso(event.at),
        });
        Some(("tracker.updated", serde_json::to_vec(&body).ok()?))
    }

    /// Every webhook, each with its own secret if it set one.
    fn subscribers(&self, world: &World, node: &NodeId, _topic: &str) -> Vec<Subscriber> {
        node_of(&world.carriers, node)
            .webhooks
            .iter()
            .map(|h| (h.url.clone(), h.secret.clone()))
            .collect()
    }

    fn has_subscriptions(&self, world: &World, node: &NodeId) -> bool {
        !node_of(&world.carriers, node).webhooks.is_empty()
    }

    fn webhook_headers(
        &self,
        _: &WorldHandle,
        persona: &Persona,
        d: &PendingDelivery,
    ) -> Vec<(String, String)> {
        let secret = d
            .secret
            .as_deref()
            .unwrap_or(&persona.credentials.webhook_secret);
        vec![
            ("content-type".into(), "application/json".into()),
            ("x-hmac-signature".into(), signature(secret, &d.body)),
            ("user-agent".into(), "EasyPost WebHook Agent 1.0".into()),
        ]
    }

    fn forged_signature(&self) -> Option<(&'static str, String)> {
        Some((
            "x-hmac-signature",
            format!("hmac-sha256-hex={}", "0".repeat(64)),
        ))
    }

    fn retry_schedule(&self) -> &'static [Duration] {
        RETRIES
    }

    fn surface(&self) -> &'static Surface {
        &SURFACE
    }

    fn sdk_note(&self) -> &'static str {
        "easypost (Python): `EasyPostClient(key, api_base=os.environ[\"DRYDOCK_EASYPOST_URL\"])` — tested in CI by `tests/sdk/easypost_compat.py`; webhooks: `easypost.util.validate_webhook(body, headers, secret)`"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hex_hmac_of_the_body() {
        // RFC 4231 test case 2 (key "Jefe").
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "hmac-sha256-hex=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn the_secret_is_nfkd_normalized() {
        // U+FB01 (ligature "fi") decomposes to "fi" under NFKD.
        assert_eq!(signature("\u{FB01}", b"x"), signature("fi", b"x"));
    }
}
