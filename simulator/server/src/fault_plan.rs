//! How a persona carries out a request fault that fired: the typed effect's parameters,
//! rendered by the provider in its own dialect (status, headers, error body, see
//! [`Provider`]), or as a broken connection.

use std::time::Duration;

use drydock_core::RealDuration;
use drydock_core::faults::{Fired, RequestEffect};
use serde_json::Value;

use crate::providers::Provider;
use crate::wire::WireResponse;

/// A hang or a latency never outlasts this, so a forgotten client cannot pin a task
/// forever (rules are refused beyond it too: `drydock_core::limits::MAX_REAL_DELAY`).
pub const HANG_LIMIT: Duration = Duration::from_secs(30);

/// What the shell does with a call a fault fired on.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// Answer this instead of handling the call (nothing happens in the world).
    Answer(WireResponse),
    /// Close the connection without an answer (nothing happens in the world).
    Cut,
    /// Keep the client waiting, then close without an answer.
    Hang(Duration),
    /// Wait, then handle normally.
    Delay(Duration),
    /// Handle normally (the world changes), then spoil the answer.
    Spoil(Spoil),
    /// Handle normally; the persona reads the fault from the request (address
    /// rejection, a version falling forward).
    Persona,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Spoil {
    /// The answer is lost: the connection closes.
    Lose,
    TruncateJson,
    WrongContentType,
    RemoveField(String),
}

/// Decides what `fired` means for a call to `provider`: every request effect, each with
/// its own parameters.
pub fn plan(provider: &dyn Provider, fired: &Fired<RequestEffect>) -> Plan {
    match &fired.effect {
        RequestEffect::Outage {
            status,
            retry_after,
        } => Plan::Answer(outage(
            provider,
            status.unwrap_or(503),
            retry_after.map(RealDuration::as_std),
        )),
        RequestEffect::HtmlError { status } => Plan::Answer(html_error(status.unwrap_or(502))),
        RequestEffect::ConnectionReset => Plan::Cut,
        RequestEffect::Hang { delay } => Plan::Hang(
            delay
                .map(RealDuration::as_std)
                .unwrap_or(HANG_LIMIT)
                .min(HANG_LIMIT),
        ),
        RequestEffect::Latency { delay, .. } => Plan::Delay(
            delay
                .as_std()
                .saturating_add(Duration::from_millis(fired.jitter_ms))
                .min(HANG_LIMIT),
        ),
        RequestEffect::RateLimited { retry_after, .. } => Plan::Answer(rate_limited(
            provider,
            fired
                .wait_ms
                .map(Duration::from_millis)
                .or(retry_after.map(RealDuration::as_std))
                .unwrap_or(Duration::from_secs(1)),
        )),
        RequestEffect::TimeoutAfterCommit => Plan::Spoil(Spoil::Lose),
        RequestEffect::TruncatedJson => Plan::Spoil(Spoil::TruncateJson),
        RequestEffect::WrongContentType => Plan::Spoil(Spoil::WrongContentType),
        RequestEffect::MissingField { field } => Plan::Spoil(Spoil::RemoveField(field.clone())),
        RequestEffect::ApiVersionRetired { version, successor } => {
            match provider.retired_version(version, successor) {
                Some(answer) => Plan::Answer(answer),
                // The version falls forward: the persona serves the successor itself.
                None => Plan::Persona,
            }
        }
        // The carrier's own verification fails: the persona reads the rule's code.
        RequestEffect::AddressRejected { .. } => Plan::Persona,
    }
}

/// The reason phrase of a 5xx status.
pub fn reason(status: u16) -> &'static str {
    match status {
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        504 => "Gateway Timeout",
        _ => "Service Unavailable",
    }
}

/// A 5xx in the provider's own error shape.
pub fn outage(provider: &dyn Provider, status: u16, retry_after: Option<Duration>) -> WireResponse {
    let response = provider.outage(status, reason(status));
    match retry_after {
        Some(wait) => provider.retry_after(response, wait),
        None => response,
    }
}

/// 429 with the provider's rate-limit headers.
pub fn rate_limited(provider: &dyn Provider, wait: Duration) -> WireResponse {
    provider.retry_after(provider.rate_limited(wait), wait)
}

/// Whole seconds to wait, at least one: what most providers' headers say.
pub fn whole_seconds(wait: Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

/// What a load balancer in front of any provider answers when the backend is gone.
pub fn html_error(status: u16) -> WireResponse {
    let phrase = reason(status);
    let page = format!(
        "<html>\r\n<head><title>{status} {phrase}</title></head>\r\n<body>\r\n<center><h1>{status} {phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    );
    WireResponse {
        status,
        headers: vec![("content-type".into(), "text/html".into())],
        body: page.into_bytes(),
        operation: None,
    }
}

/// Spoils a normal answer after the world has changed.
pub fn spoil(spoil: &Spoil, mut response: WireResponse) -> WireResponse {
    match spoil {
        Spoil::Lose => response,
        Spoil::TruncateJson => {
            let keep = response.body.len() / 2;
            response.body.truncate(keep);
            response
        }
        Spoil::WrongContentType => {
            response.headers.retain(|(n, _)| n != "content-type");
            response
                .headers
                .push(("content-type".into(), "text/html; charset=utf-8".into()));
            response
        }
        Spoil::RemoveField(field) => {
            if let Ok(mut value) = serde_json::from_slice::<Value>(&response.body) {
                remove_field(&mut value, field);
                response.body = serde_json::to_vec(&value).unwrap_or_default();
            }
            response
        }
    }
}

fn remove_field(value: &mut Value, field: &str) {
    match value {
        Value::Object(map) => {
            map.remove(field);
            for v in map.values_mut() {
                remove_field(v, field);
            }
        }
        Value::Array(items) => {
            for v in items {
                remove_field(v, field);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    use crate::providers::ProviderId;

    #[test]
    fn outage_bodies_speak_each_dialect() {
        let shopify = outage(
            ProviderId::Shopify.get(),
            503,
            Some(Duration::from_millis(1500)),
        );
        assert_eq!(
            shopify.body_json(),
            json!({"errors": "Service Unavailable"})
        );
        assert!(
            shopify
                .headers
                .contains(&("retry-after".into(), "1.5".into()))
        );
        let easypost = outage(ProviderId::EasyPost.get(), 502, None);
        assert_eq!(easypost.body_json()["error"]["code"], "BAD_GATEWAY");
        let shipbob = rate_limited(ProviderId::ShipBob.get(), Duration::from_secs(2));
        assert_eq!(shipbob.status, 429);
        assert!(
            shipbob
                .headers
                .contains(&("x-retry-after".into(), "2".into()))
        );
        assert_eq!(
            shipbob.body_json()["message"],
            "Rate limit is exceeded. Try again in 2 seconds."
        );
    }

    #[test]
    fn spoiled_answers() {
        let ok = WireResponse::json(200, &json!({"a": {"tracking_code": "X", "b": 1}}));
        let cut = spoil(&Spoil::TruncateJson, ok.clone());
        assert!(serde_json::from_slice::<Value>(&cut.body).is_err());
        let gone = spoil(&Spoil::RemoveField("tracking_code".into()), ok);
        assert_eq!(gone.body_json(), json!({"a": {"b": 1}}));
        assert!(!html_error(502).body_text().starts_with('{'));
    }
}
