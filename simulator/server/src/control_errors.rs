//! Every control-API error as `{"error": "<what to fix>"}`: the routes answer that shape
//! themselves, and this turns what axum answers on its own (a body that is not JSON or
//! does not fit, a bad path or query parameter, a body over the size limit, a method a
//! route does not take) into the same shape with wording that says what to send instead.

use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The most of axum's own error text kept as the detail of a rewritten error.
const DETAIL_LIMIT: usize = 4096;

/// Rewrites any error response that is not already JSON.
pub(crate) async fn as_json(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let detail = axum::body::to_bytes(response.into_body(), DETAIL_LIMIT)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let error = explain(status, &method, &path, &detail);
    (status, axum::Json(json!({ "error": error }))).into_response()
}

/// What went wrong and what to send instead, from the status and axum's own text.
pub(crate) fn explain(status: StatusCode, method: &Method, path: &str, detail: &str) -> String {
    let detail = detail.trim();
    match status {
        StatusCode::NOT_FOUND => format!(
            "there is no control route {method} {path}: the routes are /health, /worlds, /worlds/{{id}}[/state|/journal|/env|/clock/advance|/orders|/stock|/faults|/labels/{{label}}] (see the README's control API)"
        ),
        StatusCode::METHOD_NOT_ALLOWED => {
            format!("{path} does not take {method}: see the README's control API for its methods")
        }
        StatusCode::PAYLOAD_TOO_LARGE => {
            "the request body is too large (the control API takes up to 2 MB): send a smaller body"
                .into()
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            "send the body as JSON with the header Content-Type: application/json".into()
        }
        _ if detail.starts_with("Failed to deserialize the JSON body") => format!(
            "the JSON body does not fit {method} {path}: {}; fix the body (its fields are in the README's control API)",
            after_colon(detail)
        ),
        _ if detail.starts_with("Failed to parse the request body as JSON") => format!(
            "the body is not valid JSON: {}; send a JSON object",
            after_colon(detail)
        ),
        _ if detail.starts_with("Failed to deserialize query string") => format!(
            "the query string of {path} does not fit: {}",
            after_colon(detail)
        ),
        _ if detail.starts_with("Invalid URL") || detail.contains("path") => format!(
            "the path {path} is not valid: {}; world ids look like w1, order ids are numbers",
            after_colon(detail)
        ),
        _ if detail.is_empty() => format!("{method} {path} failed ({status})"),
        _ => format!("{method} {path} failed: {detail}"),
    }
}

/// axum's text after its "Failed to ...:" lead, which names the library step.
fn after_colon(detail: &str) -> &str {
    detail.split_once(": ").map_or(detail, |(_, rest)| rest)
}
