//! Slack, the alert sink, in the shape of an incoming webhook: `POST /services/T/B/token`
//! with `{"text": ...}` answers `ok`; Slack's plain-text errors otherwise. It sends no
//! webhooks of its own.

use std::sync::Arc;
use std::time::Duration as RealDuration;

use axum::http::Method;
use drydock_core::{Duration, NodeId, World, WorldEvent};
use serde_json::Value;

use super::surface::{Route, Surface};
use super::{Provider, ProviderId, Role, Subscriber};
use crate::credentials::{NodeCredentials, SecretDraw};
use crate::delivery::PendingDelivery;
use crate::fault_plan::whole_seconds;
use crate::handle::WorldHandle;
use crate::persona::Persona;
use crate::wire::{WireRequest, WireResponse};

pub struct Slack;

pub const TEAM: &str = "T0DRYDOCK";
pub const CHANNEL: &str = "B0ALERTS";

fn handle(world: &Arc<WorldHandle>, persona: &Persona, req: &WireRequest) -> WireResponse {
    let expected = format!("/services/{TEAM}/{CHANNEL}/{}", persona.credentials.key);
    if req.path.trim_end_matches('/') != expected {
        return WireResponse::text(404, "no_service").operation("post_message");
    }
    if req.method != Method::POST {
        return WireResponse::text(405, "invalid_method").operation("post_message");
    }
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        return WireResponse::text(400, "invalid_payload").operation("post_message");
    };
    let text = body
        .get("text")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| blocks_text(&body));
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return WireResponse::text(400, "no_text").operation("post_message");
    };
    world.act_in_background(|w| w.record_alert("#alerts", &text));
    WireResponse::text(200, "ok").operation("post_message")
}

/// The text of a message sent only as blocks (`blocks[].text.text`).
fn blocks_text(body: &Value) -> Option<String> {
    let parts: Vec<&str> = body
        .get("blocks")?
        .as_array()?
        .iter()
        .filter_map(|b| b.get("text")?.get("text")?.as_str())
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n"))
}

/// What the alert channel serves, for the reference docs.
pub const SURFACE: Surface = Surface {
    persona: "slack",
    base: "`DRYDOCK_SLACK_WEBHOOK_URL` = `http://127.0.0.1:{port}/services/T0DRYDOCK/B0ALERTS/{token}`",
    auth: "the secret token in the path (another path is 404 `no_service`)",
    routes: &[Route {
        method: "POST",
        path: "(the webhook URL itself)",
        request: "`text`, or `blocks[].text.text`",
        answer: "200 `ok`; 400 `invalid_payload` / `no_text`; the text becomes an alert",
    }],
    webhooks: &[],
};

/// Slack's incoming webhooks answer errors as a bare code in plain text.
fn code(status: u16) -> &'static str {
    match status {
        408 => "request_timeout",
        413 => "request_too_large",
        _ => "service_unavailable",
    }
}

impl Provider for Slack {
    fn id(&self) -> ProviderId {
        ProviderId::Slack
    }

    fn name(&self) -> &'static str {
        "slack"
    }

    fn role(&self) -> Role {
        Role::Alerts
    }

    fn handle(
        &self,
        world: &Arc<WorldHandle>,
        persona: &Persona,
        req: &WireRequest,
    ) -> WireResponse {
        handle(world, persona, req)
    }

    /// The whole incoming-webhook URL, its secret token last.
    fn base_path(&self, credentials: &NodeCredentials) -> String {
        format!("/services/{TEAM}/{CHANNEL}/{}", credentials.key)
    }

    fn credential(&self, req: &WireRequest) -> Option<String> {
        req.path.rsplit('/').next().map(str::to_string)
    }

    fn credential_headers(&self) -> &'static [&'static str] {
        &[]
    }

    fn credentials(&self, draw: &mut SecretDraw) -> NodeCredentials {
        NodeCredentials {
            key: draw.hex(24),
            webhook_secret: String::new(),
        }
    }

    fn env(&self, _: &World, persona: &Persona) -> Vec<(&'static str, String)> {
        vec![("WEBHOOK_URL", persona.url.clone())]
    }

    fn refusal(&self, status: u16, _: &str) -> WireResponse {
        WireResponse::text(status, code(status))
    }

    fn outage(&self, status: u16, phrase: &str) -> WireResponse {
        self.refusal(status, phrase)
    }

    fn rate_limited(&self, _: RealDuration) -> WireResponse {
        WireResponse::text(429, "rate_limited")
    }

    fn retry_after(&self, response: WireResponse, wait: RealDuration) -> WireResponse {
        response.header("retry-after", whole_seconds(wait).to_string())
    }

    /// An incoming webhook has no versions.
    fn retired_version(&self, _: &str, _: &str) -> Option<WireResponse> {
        None
    }

    fn webhook(&self, _: &World, _: &NodeId, _: &WorldEvent) -> Option<(&'static str, Vec<u8>)> {
        None
    }

    fn subscribers(&self, _: &World, _: &NodeId, _: &str) -> Vec<Subscriber> {
        Vec::new()
    }

    fn has_subscriptions(&self, _: &World, _: &NodeId) -> bool {
        false
    }

    fn webhook_headers(
        &self,
        _: &WorldHandle,
        _: &Persona,
        _: &PendingDelivery,
    ) -> Vec<(String, String)> {
        Vec::new()
    }

    fn forged_signature(&self) -> Option<(&'static str, String)> {
        None
    }

    fn retry_schedule(&self) -> &'static [Duration] {
        &[]
    }

    fn surface(&self) -> &'static Surface {
        &SURFACE
    }

    fn sdk_note(&self) -> &'static str {
        "slack_sdk (Python): `WebhookClient(os.environ[\"DRYDOCK_SLACK_WEBHOOK_URL\"]).send(text=...)`, or any HTTP client posting `{\"text\": ...}`"
    }
}
