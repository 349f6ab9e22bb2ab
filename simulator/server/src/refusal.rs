//! The one place that knows how each listener says no: a persona in its provider's own
//! error shape ([`crate::providers::Provider::refusal`]), the control API as
//! `{"error": ...}`. Faults, oversized bodies, timeouts, a full listener and panics all
//! answer through it.

use serde_json::json;

use crate::providers::ProviderId;
use crate::wire::WireResponse;

/// Who answers on a listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Persona(ProviderId),
    Control,
}

/// An error answer with `status` and `message` in `dialect`'s shape.
pub fn refusal(dialect: Dialect, status: u16, message: &str) -> WireResponse {
    match dialect {
        Dialect::Persona(provider) => provider.get().refusal(status, message),
        Dialect::Control => {
            // The control API's own answers (axum's `Json`) carry no charset.
            let mut response = WireResponse::json(status, &json!({"error": message}));
            response.headers = vec![("content-type".into(), "application/json".into())];
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_listener_refuses_in_its_own_shape() {
        let too_big = |d| refusal(d, 413, "too big").body_json();
        assert_eq!(
            too_big(Dialect::Persona(ProviderId::Shopify)),
            json!({"errors": "too big"})
        );
        assert_eq!(
            too_big(Dialect::Persona(ProviderId::EasyPost))["error"]["code"],
            "REQUEST.TOO_LARGE"
        );
        assert_eq!(
            too_big(Dialect::Persona(ProviderId::ShipBob)),
            json!({"statusCode": 413, "message": "too big"})
        );
        assert_eq!(too_big(Dialect::Control), json!({"error": "too big"}));
        let slack = refusal(Dialect::Persona(ProviderId::Slack), 413, "too big");
        assert_eq!(slack.body_text(), "request_too_large");
    }
}
