//! Retry pacing, pure: how long to wait before the next attempt (exponential backoff
//! with deterministic jitter, or the server's `Retry-After` / `x-retry-after` hint), and
//! a per-provider [`Pacer`] that keeps every caller of a failing provider behind one
//! shared "not before" instant, so concurrent callers cannot storm it. No I/O, no clock:
//! callers pass `Instant`s in.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::{Duration, Instant};

/// No computed backoff exceeds this.
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(2);
/// While a provider keeps failing, requests to it are spaced at least this much apart at most.
const MAX_SPACING: Duration = Duration::from_secs(1);

/// The wait before attempt `attempt + 1` when the server gave no hint:
/// `base * 2^(attempt-1)` plus up to `base` of jitter, never more than [`MAX_BACKOFF`].
pub(crate) fn backoff(base: Duration, attempt: u32, jitter_seed: u64) -> Duration {
    let exponential = base.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let base_ms = u64::try_from(base.as_millis()).unwrap_or(u64::MAX);
    let jitter = Duration::from_millis(jitter_seed % base_ms.saturating_add(1));
    exponential.saturating_add(jitter).min(MAX_BACKOFF)
}

/// The wait before the next attempt: the server's hint (honoured in full up to `cap`,
/// plus a few milliseconds of jitter so callers do not return in lockstep), else [`backoff`].
pub(crate) fn wait_before_retry(
    base: Duration,
    attempt: u32,
    hint: Option<Duration>,
    cap: Duration,
    jitter_seed: u64,
) -> Duration {
    match hint {
        Some(hint) => hint.min(cap) + Duration::from_millis(jitter_seed % 10),
        None => backoff(base, attempt, jitter_seed),
    }
}

/// Deterministic per-request jitter seed: the same call and attempt always jitter alike.
pub(crate) fn jitter_seed(what: &str, attempt: u32) -> u64 {
    let mut hasher = DefaultHasher::new();
    what.hash(&mut hasher);
    attempt.hash(&mut hasher);
    hasher.finish()
}

/// Parses a retry hint header value in seconds: Shopify sends floats ("1.0"), EasyPost
/// and ShipBob integers ("2"). Negative, non-finite or unreadable values are no hint.
pub(crate) fn parse_retry_after(raw: &str) -> Option<Duration> {
    let seconds = raw.trim().parse::<f64>().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds.min(3600.0)))
}

/// One provider's pacing state, shared by every caller of that provider.
#[derive(Debug, Default)]
pub(crate) struct Pacer {
    /// No request may start before this instant.
    not_before: Option<Instant>,
    /// Failed answers in a row; zero while the provider is healthy.
    failures: u32,
}

impl Pacer {
    /// Admits one request and returns when it may start. While the provider is failing,
    /// each admitted request pushes the next one back by a spacing that grows with the
    /// failures, so the request rate to a failing provider stays bounded.
    pub(crate) fn admit(&mut self, now: Instant, base: Duration) -> Instant {
        let start = self.not_before.map_or(now, |at| at.max(now));
        if self.failures > 0 {
            let spacing = backoff(base, self.failures, 0).min(MAX_SPACING);
            self.not_before = Some(start + spacing);
        }
        start
    }

    /// A failed attempt: nobody calls again before `now + wait`.
    pub(crate) fn failed(&mut self, now: Instant, wait: Duration) {
        self.failures = self.failures.saturating_add(1);
        let until = now + wait;
        self.not_before = Some(self.not_before.map_or(until, |at| at.max(until)));
    }

    /// A usable answer: the provider is healthy again.
    pub(crate) fn succeeded(&mut self) {
        self.failures = 0;
    }

    /// The last answer was a failure: the provider is down or refusing to serve.
    pub(crate) fn is_failing(&self) -> bool {
        self.failures > 0
    }

    /// A request admitted `now` would have to wait.
    pub(crate) fn holds_back(&self, now: Instant) -> bool {
        self.not_before.is_some_and(|at| at > now)
    }

    #[cfg(test)]
    pub(crate) fn failures(&self) -> u32 {
        self.failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Duration = Duration::from_millis(50);

    #[test]
    fn backoff_doubles_jitters_and_is_capped() {
        assert_eq!(backoff(BASE, 1, 0), Duration::from_millis(50));
        assert_eq!(backoff(BASE, 3, 0), Duration::from_millis(200));
        assert_eq!(backoff(BASE, 3, 7), Duration::from_millis(207));
        assert_eq!(backoff(BASE, 3, 51 + 7), Duration::from_millis(207));
        assert_eq!(backoff(BASE, 12, 0), MAX_BACKOFF);
    }

    #[test]
    fn server_hint_is_honoured_in_full_up_to_the_cap() {
        let cap = Duration::from_secs(5);
        let hint = Some(Duration::from_millis(1500));
        assert_eq!(
            wait_before_retry(BASE, 1, hint, cap, 0),
            Duration::from_millis(1500)
        );
        // A hint longer than the exponential backoff still wins: never earlier than asked.
        assert!(wait_before_retry(BASE, 9, hint, cap, 3) >= Duration::from_millis(1500));
        assert_eq!(
            wait_before_retry(BASE, 1, Some(Duration::from_secs(25)), cap, 0),
            cap
        );
        assert_eq!(
            wait_before_retry(BASE, 2, None, cap, 0),
            Duration::from_millis(100)
        );
    }

    #[test]
    fn reads_every_retry_after_dialect() {
        assert_eq!(parse_retry_after("1.0"), Some(Duration::from_secs(1)));
        assert_eq!(parse_retry_after(" 2 "), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after("0.25"), Some(Duration::from_millis(250)));
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("NaN"), None);
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }

    #[test]
    fn jitter_is_deterministic_per_request() {
        assert_eq!(jitter_seed("GET /x", 2), jitter_seed("GET /x", 2));
        assert_ne!(jitter_seed("GET /x", 2), jitter_seed("GET /x", 3));
    }

    #[test]
    fn healthy_pacer_admits_at_once() {
        let now = Instant::now();
        let mut pacer = Pacer::default();
        assert_eq!(pacer.admit(now, BASE), now);
        assert_eq!(pacer.admit(now, BASE), now);
    }

    #[test]
    fn failure_holds_every_caller_back_until_the_wait_is_over() {
        let now = Instant::now();
        let mut pacer = Pacer::default();
        pacer.failed(now, Duration::from_secs(1));
        let first = pacer.admit(now, BASE);
        assert_eq!(first, now + Duration::from_secs(1));
        // A second caller queued behind the first is spaced out, not let through with it.
        let second = pacer.admit(now, BASE);
        assert!(second > first);
        // A shorter wait never shortens a longer one already promised.
        pacer.failed(now, Duration::from_millis(10));
        assert!(pacer.admit(now, BASE) >= second);
    }

    #[test]
    fn success_ends_the_spacing() {
        let now = Instant::now();
        let mut pacer = Pacer::default();
        pacer.failed(now, Duration::ZERO);
        assert_eq!(pacer.failures(), 1);
        pacer.succeeded();
        let later = now + Duration::from_secs(5);
        assert_eq!(pacer.admit(later, BASE), later);
        assert_eq!(pacer.admit(later, BASE), later);
    }
}
