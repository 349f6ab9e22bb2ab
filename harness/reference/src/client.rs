//! One retrying HTTP client shared by every persona call: retries connection errors,
//! 429 and 5xx with exponential backoff plus jitter, honouring `Retry-After`
//! (Shopify) and `x-retry-after` (ShipBob); other 4xx are returned at once.

use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;

use crate::config::Timings;

/// No single wait exceeds this, so drills with long `Retry-After` values stay fast.
const MAX_WAIT: Duration = Duration::from_secs(2);

/// Which persona a call went to; used in logs, errors and alert text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

#[derive(Debug, thiserror::Error)]
pub(crate) enum CallError {
    #[error("{service} {what} could not be reached after {attempts} attempts: {source}")]
    Transport {
        service: Service,
        what: String,
        attempts: u32,
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

    /// True when the persona refused the request itself rather than being unavailable.
    pub(crate) fn is_rejection(&self) -> bool {
        self.status()
            .is_some_and(|s| s.is_client_error() && s != StatusCode::TOO_MANY_REQUESTS)
    }
}

/// A successful (2xx) answer, body already read.
pub(crate) struct Reply {
    pub(crate) body: Vec<u8>,
    service: Service,
    what: String,
}

impl Reply {
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, CallError> {
        serde_json::from_slice(&self.body).map_err(|source| CallError::Decode {
            service: self.service,
            what: self.what.clone(),
            source,
        })
    }
}

#[derive(Clone)]
pub(crate) struct HttpClient {
    inner: reqwest::Client,
    timings: Timings,
    jitter: RandomState,
}

impl HttpClient {
    pub(crate) fn new(timings: Timings) -> Result<HttpClient, reqwest::Error> {
        let inner = reqwest::Client::builder()
            .timeout(timings.request_timeout)
            .user_agent(concat!("drydock-reference/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(HttpClient {
            inner,
            timings,
            jitter: RandomState::new(),
        })
    }

    /// Sends the request `build` makes, rebuilding it for every attempt.
    /// `what` names the call for logs and errors, e.g. "POST /shipments".
    pub(crate) async fn send(
        &self,
        service: Service,
        what: &str,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Reply, CallError> {
        let max = self.timings.max_attempts.max(1);
        let mut attempt = 1;
        loop {
            let outcome = build(&self.inner).send().await;
            let hinted_wait = match outcome {
                Ok(response) => {
                    let status = response.status();
                    let hint = retry_after(response.headers());
                    let body = match response.bytes().await {
                        Ok(bytes) => bytes.to_vec(),
                        Err(source) if attempt < max => {
                            tracing::warn!(%service, what, attempt, error = %source, "reading response failed; retrying");
                            self.pause(attempt, None).await;
                            attempt += 1;
                            continue;
                        }
                        Err(source) => {
                            return Err(CallError::Transport {
                                service,
                                what: what.to_owned(),
                                attempts: attempt,
                                source,
                            });
                        }
                    };
                    if status.is_success() {
                        return Ok(Reply {
                            body,
                            service,
                            what: what.to_owned(),
                        });
                    }
                    let retryable =
                        status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
                    if !retryable || attempt >= max {
                        return Err(CallError::Status {
                            service,
                            what: what.to_owned(),
                            status,
                            attempts: attempt,
                            body: String::from_utf8_lossy(&body).chars().take(500).collect(),
                        });
                    }
                    tracing::warn!(%service, what, attempt, %status, "retryable answer; retrying");
                    hint
                }
                Err(source) => {
                    if attempt >= max {
                        return Err(CallError::Transport {
                            service,
                            what: what.to_owned(),
                            attempts: attempt,
                            source,
                        });
                    }
                    tracing::warn!(%service, what, attempt, error = %source, "request failed; retrying");
                    None
                }
            };
            self.pause(attempt, hinted_wait).await;
            attempt += 1;
        }
    }

    async fn pause(&self, attempt: u32, hinted: Option<Duration>) {
        let jitter_seed = self.jitter.hash_one(attempt);
        tokio::time::sleep(backoff(
            self.timings.retry_base,
            attempt,
            hinted,
            jitter_seed,
        ))
        .await;
    }
}

/// The wait before attempt `attempt + 1`: the server's hint if it gave one, otherwise
/// `base * 2^(attempt-1)` plus up to `base` of jitter; never more than [`MAX_WAIT`].
fn backoff(base: Duration, attempt: u32, hinted: Option<Duration>, jitter_seed: u64) -> Duration {
    let wait = match hinted {
        Some(hint) => hint,
        None => {
            let exponential = base.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
            let base_ms = u64::try_from(base.as_millis()).unwrap_or(u64::MAX);
            let jitter = Duration::from_millis(jitter_seed % base_ms.saturating_add(1));
            exponential.saturating_add(jitter)
        }
    };
    wait.min(MAX_WAIT)
}

/// `Retry-After` (Shopify, float seconds) or `x-retry-after` (ShipBob, seconds).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    ["retry-after", "x-retry-after"].iter().find_map(|name| {
        let raw = headers.get(*name)?.to_str().ok()?;
        let seconds = raw.trim().parse::<f64>().ok()?;
        (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds.min(60.0)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let base = Duration::from_millis(50);
        assert_eq!(backoff(base, 1, None, 0), Duration::from_millis(50));
        assert_eq!(backoff(base, 3, None, 0), Duration::from_millis(200));
        assert_eq!(backoff(base, 3, None, 7), Duration::from_millis(207));
        assert_eq!(backoff(base, 12, None, 0), MAX_WAIT);
    }

    #[test]
    fn server_hint_wins_but_is_capped() {
        let base = Duration::from_millis(50);
        let hint = Some(Duration::from_millis(1500));
        assert_eq!(backoff(base, 1, hint, 9), Duration::from_millis(1500));
        assert_eq!(backoff(base, 1, Some(Duration::from_secs(25)), 9), MAX_WAIT);
    }

    #[test]
    fn reads_both_retry_after_dialects() {
        let mut shopify = HeaderMap::new();
        shopify.insert("retry-after", HeaderValue::from_static("2.0"));
        assert_eq!(retry_after(&shopify), Some(Duration::from_secs(2)));
        let mut shipbob = HeaderMap::new();
        shipbob.insert("x-retry-after", HeaderValue::from_static("1"));
        assert_eq!(retry_after(&shipbob), Some(Duration::from_secs(1)));
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }
}
