//! A request as a persona sees it and the response it gives, independent of axum, so
//! persona code is plain functions from request to response that tests call directly.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

#[derive(Debug, Clone)]
pub struct WireRequest {
    pub method: Method,
    pub path: String,
    pub query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// A fault that fired on this call and that the persona itself carries out
    /// (an address rejection, a retired version falling forward).
    pub fault: Option<drydock_core::faults::Fired<drydock_core::faults::RequestEffect>>,
}

impl WireRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Query parameters; repeated keys keep the last value.
    pub fn query(&self) -> BTreeMap<String, String> {
        serde_urlencoded::from_str::<Vec<(String, String)>>(&self.query)
            .map(|pairs| pairs.into_iter().collect())
            .unwrap_or_default()
    }

    pub fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        let body: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &self.body
        };
        serde_json::from_slice(body)
    }

    /// Path segments after `prefix`, with a trailing `.json` cut from the last one.
    pub fn segments_after<'a>(&'a self, prefix: &str) -> Option<Vec<&'a str>> {
        let rest = self.path.strip_prefix(prefix)?;
        let mut segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
        if let Some(last) = segs.last_mut() {
            *last = last.strip_suffix(".json").unwrap_or(last);
        }
        Some(segs)
    }

    pub fn changes_state(&self) -> bool {
        self.method != Method::GET && self.method != Method::HEAD
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct WireResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The operation the request was routed to, for the journal.
    pub operation: Option<String>,
}

impl WireResponse {
    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        WireResponse {
            status,
            headers: vec![(
                "content-type".into(),
                "application/json; charset=utf-8".into(),
            )],
            body: serde_json::to_vec(value).unwrap_or_default(),
            operation: None,
        }
    }

    pub fn text(status: u16, text: &str) -> Self {
        WireResponse {
            status,
            headers: vec![("content-type".into(), "text/plain; charset=utf-8".into())],
            body: text.as_bytes().to_vec(),
            operation: None,
        }
    }

    pub fn empty(status: u16) -> Self {
        WireResponse {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            operation: None,
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_ascii_lowercase(), value.into()));
        self
    }

    pub fn operation(mut self, op: &str) -> Self {
        self.operation = Some(op.to_string());
        self
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn body_json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

impl IntoResponse for WireResponse {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, self.body).into_response();
        let headers = response.headers_mut();
        for (name, value) in self.headers {
            if let (Ok(name), Ok(value)) = (
                axum::http::HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(&value),
            ) {
                headers.insert(name, value);
            }
        }
        response
    }
}

/// Formats a virtual instant the way most providers do: `2026-12-01T09:00:00Z`.
pub fn iso(ts: drydock_core::Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}
