//! The alert sink, in the shape of a Slack incoming webhook: `POST /services/T/B/token`
//! with `{"text": ...}` answers `ok`; Slack's plain-text errors otherwise.

use std::sync::Arc;

use axum::http::Method;
use serde_json::Value;

use super::routes::{Route, Surface};
use crate::handle::WorldHandle;
use crate::wire::{WireRequest, WireResponse};

pub const TEAM: &str = "T0DRYDOCK";
pub const CHANNEL: &str = "B0ALERTS";

pub fn handle(world: &Arc<WorldHandle>, req: &WireRequest) -> WireResponse {
    let expected = format!(
        "/services/{TEAM}/{CHANNEL}/{}",
        world.credentials.slack_token
    );
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
