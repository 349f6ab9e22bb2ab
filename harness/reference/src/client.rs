//! One retrying HTTP client shared by every persona call. Retries 429 and 5xx (and, for
//! calls that are safe to repeat, transport errors and unreadable bodies) with exponential
//! backoff plus jitter, honouring `Retry-After` (Shopify, EasyPost) and `x-retry-after`
//! (ShipBob). Every node has one [`Pacer`]: after a failure nobody calls that
//! node again before the wait is over, so retries never storm it. Other 4xx are
//! returned at once. Pacing rules are in [`crate::retry`]; this file is the shell.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;

use crate::config::Timings;
use crate::retry::{self, Pacer};

/// Which persona a call went to; used in logs, errors and alert text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Service {
    Shopify,
    EasyPost,
    ShipBob,
    Slack,
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Service::Shopify => "shopify",
            Service::EasyPost => "easypost",
            Service::ShipBob => "shipbob",
            Service::Slack => "slack",
        })
    }
}

/// Whether a call may simply be sent again when its outcome is unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Reads and idempotent writes: retry transport errors and unreadable bodies too.
    Safe,
    /// Writes whose effect may already have happened when the answer is lost (a label
    /// purchase, a fulfillment, a fulfillment event): only answers that say "not done"
    /// (429, 5xx, connection refused) are retried; a lost or unreadable answer is
    /// returned so the caller can look up what happened before trying again.
    LookUpFirst,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum CallError {
    #[error("{service} {what} could not be reached after {attempts} attempts: {source}")]
    Transport {
        service: Service,
        what: String,
        attempts: u32,
        /// True when the request never left (connection refused): nothing happened.
        not_sent: bool,
        #[source]
        source: reqwest::Error,
    },
    #[error("{service} {what} answered {status} after {attempts} attempts: {body}")]
    Status {
        service: Service,
        what: String,
        status: StatusCode,
        attempts: u32,
        body: String,
        /// The `Link` header, where a retired API version names its successor.
        link: Option<String>,
    },
    #[error("{service} {what} answered a body we could not read: {source}")]
    Decode {
        service: Service,
        what: String,
        #[source]
        source: serde_json::Error,
    },
}

impl CallError {
    pub(crate) fn status(&self) -> Option<StatusCode> {
        match self {
            CallError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub(crate) fn body(&self) -> &str {
        match self {
            CallError::Status { body, .. } => body,
            _ => "",
        }
    }

    pub(crate) fn link(&self) -> Option<&str> {
        match self {
            CallError::Status { link, .. } => link.as_deref(),
            _ => None,
        }
    }

    pub(crate) fn service(&self) -> Service {
        match self {
            CallError::Transport { service, .. }
            | CallError::Status { service, .. }
            | CallError::Decode { service, .. } => *service,
        }
    }

    /// True when the persona refused the request itself rather than being unavailable.
    pub(crate) fn is_rejection(&self) -> bool {
        self.status()
            .is_some_and(|s| s.is_client_error() && s != StatusCode::TOO_MANY_REQUESTS)
    }

    /// True when the request may have taken effect although we got no usable answer:
    /// the answer was lost (reset, timeout) or could not be read.
    pub(crate) fn outcome_unknown(&self) -> bool {
        match self {
            CallError::Transport { not_sent, .. } => !not_sent,
            CallError::Decode { .. } => true,
            CallError::Status { .. } => false,
        }
    }
}

/// A successful (2xx) answer, body decoded.
pub(crate) struct Answer<T> {
    pub(crate) value: T,
    pub(crate) headers: HeaderMap,
}

/// Decodes a 2xx body; an empty body (204) reads as JSON `null`.
fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::from_slice(b"null")
    } else {
        serde_json::from_slice(body)
    }
}

#[derive(Clone)]
pub(crate) struct HttpClient {
    inner: reqwest::Client,
    timings: Timings,
    pacers: Arc<Mutex<HashMap<Service, Pacer>>>,
    /// Defect `ignores-retry-after`: retry at once, no backoff, no hint, no pacing.
    ignores_retry_after: bool,
}

/// One failed attempt and what it says about the provider.
struct Failed {
    err: CallError,
    /// Worth another attempt.
    retry: bool,
    /// The provider is unavailable or misbehaving (not: it refused our request).
    trouble: bool,
    /// The provider's `Retry-After` / `x-retry-after`.
    hint: Option<Duration>,
}

impl HttpClient {
    pub(crate) fn new(
        timings: Timings,
        ignores_retry_after: bool,
    ) -> Result<HttpClient, reqwest::Error> {
        let inner = reqwest::Client::builder()
            .timeout(timings.request_timeout)
            .user_agent(concat!("drydock-reference/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(HttpClient {
            inner,
            timings,
            pacers: Arc::default(),
            ignores_retry_after,
        })
    }

    /// The same client with pacers of its own: for another node, so that one node's
    /// outage does not hold back calls to the others.
    pub(crate) fn with_own_pacers(&self) -> HttpClient {
        HttpClient {
            pacers: Arc::default(),
            ..self.clone()
        }
    }

    /// The same client (same pacers) making one attempt per call: for reads that are
    /// repeated on a timer anyway.
    pub(crate) fn single_attempt(&self) -> HttpClient {
        let mut client = self.clone();
        client.timings.max_attempts = 1;
        client
    }

    /// The provider's last answer was a failure (every caller shares this view).
    pub(crate) fn failing(&self, service: Service) -> bool {
        self.with_pacer(service, |p| p.is_failing())
    }

    /// A call now would first wait for the provider's pacer.
    pub(crate) fn held_back(&self, service: Service) -> bool {
        self.with_pacer(service, |p| p.holds_back(Instant::now()))
    }

    fn with_pacer<T>(&self, service: Service, f: impl FnOnce(&mut Pacer) -> T) -> T {
        let mut pacers = self.pacers.lock().unwrap_or_else(PoisonError::into_inner);
        f(pacers.entry(service).or_default())
    }

    /// Waits until the provider's pacer lets this request go.
    async fn admitted(&self, service: Service) {
        if self.ignores_retry_after {
            return;
        }
        let start = self.with_pacer(service, |p| {
            p.admit(Instant::now(), self.timings.retry_base)
        });
        tokio::time::sleep_until(start.into()).await;
    }

    fn failed(&self, service: Service, what: &str, attempt: u32, hint: Option<Duration>) {
        if self.ignores_retry_after {
            // DEFECT ignores-retry-after: no wait at all, the next attempt goes at once.
            return;
        }
        let wait = retry::wait_before_retry(
            self.timings.retry_base,
            attempt,
            hint,
            self.timings.retry_after_cap,
            retry::jitter_seed(what, attempt),
        );
        self.with_pacer(service, |p| p.failed(Instant::now(), wait));
    }

    fn succeeded(&self, service: Service) {
        self.with_pacer(service, Pacer::succeeded);
    }

    /// Sends the request `build` makes, rebuilding it for every attempt, and decodes the
    /// 2xx body as `T`. `what` names the call for logs and errors, e.g. "POST /shipments".
    pub(crate) async fn send<T: DeserializeOwned>(
        &self,
        service: Service,
        what: &str,
        replay: Replay,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Answer<T>, CallError> {
        self.send_with(service, what, replay, build, decode::<T>)
            .await
    }

    /// As [`HttpClient::send`] for answers whose body is not JSON (Slack answers `ok`).
    pub(crate) async fn send_ignoring_body(
        &self,
        service: Service,
        what: &str,
        replay: Replay,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<(), CallError> {
        self.send_with(service, what, replay, build, |_| Ok(()))
            .await
            .map(drop)
    }

    async fn send_with<T>(
        &self,
        service: Service,
        what: &str,
        replay: Replay,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
        decode: impl Fn(&[u8]) -> Result<T, serde_json::Error>,
    ) -> Result<Answer<T>, CallError> {
        let max = self.timings.max_attempts.max(1);
        let mut attempt = 1;
        loop {
            self.admitted(service).await;
            let failed = match self.attempt(service, what, replay, &build, &decode).await {
                Ok(answer) => {
                    self.succeeded(service);
                    return Ok(answer);
                }
                Err(failed) => failed,
            };
            if failed.trouble {
                // Every caller of this provider waits now, not only this one.
                self.failed(service, what, attempt, failed.hint);
            } else {
                self.succeeded(service);
            }
            if !failed.retry || attempt >= max {
                return Err(with_attempts(failed.err, attempt));
            }
            tracing::warn!(%service, what, attempt, error = %failed.err, "retrying");
            attempt += 1;
        }
    }

    /// One attempt.
    async fn attempt<T>(
        &self,
        service: Service,
        what: &str,
        replay: Replay,
        build: &impl Fn(&reqwest::Client) -> RequestBuilder,
        decode: &impl Fn(&[u8]) -> Result<T, serde_json::Error>,
    ) -> Result<Answer<T>, Failed> {
        let safe = replay == Replay::Safe;
        let transport = |source: reqwest::Error, not_sent: bool| CallError::Transport {
            service,
            what: what.to_owned(),
            attempts: 1,
            not_sent,
            source,
        };
        let response = match build(&self.inner).send().await {
            Ok(response) => response,
            Err(source) => {
                let not_sent = source.is_connect();
                return Err(Failed {
                    err: transport(source, not_sent),
                    retry: not_sent || safe,
                    trouble: true,
                    hint: None,
                });
            }
        };
        let status = response.status();
        let headers = response.headers().clone();
        let body = match response.bytes().await {
            Ok(bytes) => bytes,
            Err(source) => {
                return Err(Failed {
                    err: transport(source, false),
                    retry: safe,
                    trouble: true,
                    hint: None,
                });
            }
        };
        if status.is_success() {
            return decode(&body)
                .map(|value| Answer { value, headers })
                .map_err(|source| Failed {
                    err: CallError::Decode {
                        service,
                        what: what.to_owned(),
                        source,
                    },
                    retry: safe,
                    trouble: true,
                    hint: None,
                });
        }
        let unavailable = status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
        Err(Failed {
            err: CallError::Status {
                service,
                what: what.to_owned(),
                status,
                attempts: 1,
                body: String::from_utf8_lossy(&body).chars().take(500).collect(),
                link: headers
                    .get(reqwest::header::LINK)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned),
            },
            retry: unavailable,
            trouble: unavailable,
            hint: retry_hint(&headers),
        })
    }
}

fn with_attempts(err: CallError, n: u32) -> CallError {
    match err {
        CallError::Transport {
            service,
            what,
            not_sent,
            source,
            ..
        } => CallError::Transport {
            service,
            what,
            attempts: n,
            not_sent,
            source,
        },
        CallError::Status {
            service,
            what,
            status,
            body,
            link,
            ..
        } => CallError::Status {
            service,
            what,
            status,
            attempts: n,
            body,
            link,
        },
        decode @ CallError::Decode { .. } => decode,
    }
}

/// `Retry-After` (Shopify float seconds, EasyPost integer) or `x-retry-after` (ShipBob).
fn retry_hint(headers: &HeaderMap) -> Option<Duration> {
    ["retry-after", "x-retry-after"]
        .iter()
        .find_map(|name| retry::parse_retry_after(headers.get(*name)?.to_str().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn reads_both_retry_after_headers() {
        let mut shopify = HeaderMap::new();
        shopify.insert("retry-after", HeaderValue::from_static("2.0"));
        assert_eq!(retry_hint(&shopify), Some(Duration::from_secs(2)));
        let mut shipbob = HeaderMap::new();
        shipbob.insert("x-retry-after", HeaderValue::from_static("1"));
        assert_eq!(retry_hint(&shipbob), Some(Duration::from_secs(1)));
        assert_eq!(retry_hint(&HeaderMap::new()), None);
    }

    /// A persona that answers 429 with `Retry-After: 0.3` once, then 200; returns its
    /// URL and the instants requests arrived at.
    async fn rate_limited_once() -> (String, Arc<Mutex<Vec<Instant>>>) {
        use axum::http::StatusCode as Code;
        let seen: Arc<Mutex<Vec<Instant>>> = Arc::default();
        let log = seen.clone();
        let app = axum::Router::new().route(
            "/x",
            axum::routing::get(move || {
                let log = log.clone();
                async move {
                    let mut log = log.lock().unwrap_or_else(PoisonError::into_inner);
                    log.push(Instant::now());
                    if log.len() == 1 {
                        (Code::TOO_MANY_REQUESTS, [("retry-after", "0.3")], "{}")
                    } else {
                        (Code::OK, [("x-ok", "1")], "{}")
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/x", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        (url, seen)
    }

    async fn gaps_after_429(ignores_retry_after: bool) -> Duration {
        let (url, seen) = rate_limited_once().await;
        let client = HttpClient::new(Timings::default(), ignores_retry_after).expect("client");
        let answer = client
            .send::<serde_json::Value>(Service::Shopify, "GET /x", Replay::Safe, |c| c.get(&url))
            .await;
        assert!(answer.is_ok());
        let seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
        assert_eq!(seen.len(), 2);
        seen[1] - seen[0]
    }

    #[tokio::test]
    async fn waits_as_long_as_retry_after_says() {
        assert!(gaps_after_429(false).await >= Duration::from_millis(300));
    }

    #[tokio::test]
    async fn the_defect_retries_at_once() {
        assert!(gaps_after_429(true).await < Duration::from_millis(300));
    }

    #[test]
    fn empty_success_body_reads_as_null_and_truncated_json_fails() {
        assert!(decode::<serde_json::Value>(b"").is_ok_and(|v| v.is_null()));
        assert!(decode::<serde_json::Value>(br#"{"id":"shp_1","trac"#).is_err());
    }
}
