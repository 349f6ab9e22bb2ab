//! The one place that knows how each listener says no: a persona in its provider's own
//! error shape (Shopify `{"errors": ...}`, EasyPost `{"error": {"code", "message"}}`,
//! ShipBob `{"statusCode", "message"}`, Slack a plain-text code), the control API as
//! `{"error": ...}`. Faults, oversized bodies, timeouts, a full listener and panics all
//! answer through it.

use serde_json::json;

use crate::personas::PersonaKind;
use crate::wire::WireResponse;

/// Who answers on a listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Persona(PersonaKind),
    Control,
}

/// An error answer with `status` and `message` in `dialect`'s shape.
pub fn refusal(dialect: Dialect, status: u16, message: &str) -> WireResponse {
    match dialect {
        Dialect::Persona(PersonaKind::Shopify) => {
            WireResponse::json(status, &json!({"errors": message}))
        }
        Dialect::Persona(PersonaKind::EasyPost) => WireResponse::json(
            status,
            &json!({"error": {"code": easypost_code(status), "message": message, "errors": []}}),
        ),
        Dialect::Persona(PersonaKind::ShipBob) => {
            WireResponse::json(status, &json!({"statusCode": status, "message": message}))
        }
        Dialect::Persona(PersonaKind::Slack) => WireResponse::text(status, slack_code(status)),
        Dialect::Control => {
            // The control API's own answers (axum's `Json`) carry no charset.
            let mut response = WireResponse::json(status, &json!({"error": message}));
            response.headers = vec![("content-type".into(), "application/json".into())];
            response
        }
    }
}

/// EasyPost's error codes for the statuses the shell itself answers.
fn easypost_code(status: u16) -> &'static str {
    match status {
        408 => "REQUEST.TIMEOUT",
        413 => "REQUEST.TOO_LARGE",
        500 => "INTERNAL_SERVER_ERROR",
        502 => "BAD_GATEWAY",
        504 => "GATEWAY_TIMEOUT",
        _ => "SERVICE.UNAVAILABLE",
    }
}

/// Slack's incoming webhooks answer errors as a bare code in plain text.
fn slack_code(status: u16) -> &'static str {
    match status {
        408 => "request_timeout",
        413 => "request_too_large",
        _ => "service_unavailable",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_listener_refuses_in_its_own_shape() {
        let too_big = |d| refusal(d, 413, "too big").body_json();
        assert_eq!(
            too_big(Dialect::Persona(PersonaKind::Shopify)),
            json!({"errors": "too big"})
        );
        assert_eq!(
            too_big(Dialect::Persona(PersonaKind::EasyPost))["error"]["code"],
            "REQUEST.TOO_LARGE"
        );
        assert_eq!(
            too_big(Dialect::Persona(PersonaKind::ShipBob)),
            json!({"statusCode": 413, "message": "too big"})
        );
        assert_eq!(too_big(Dialect::Control), json!({"error": "too big"}));
        let slack = refusal(Dialect::Persona(PersonaKind::Slack), 413, "too big");
        assert_eq!(slack.body_text(), "request_too_large");
    }
}
