//! The settle oracle: decides when the integration is done reacting, so the virtual clock
//! may move on. The runner chooses the policy per run; every world asks this one place
//! (`WorldHandle::settle`) before each happening, after the steps, and before judging.
//!
//! Always: nothing in flight at the personas and no webhook delivery under way. Then,
//! - with the integration's idle endpoint (`GET {integration}/drydock/idle`, 200 when its
//!   queues and background work are empty, 503 while busy), found once after readiness:
//!   it answers 200, after a short quiet margin;
//! - otherwise a quiet window: fixed (`drydock serve`, `--settle fixed`) or adapted to the
//!   reaction times observed (`reactions.rs`; `--settle adaptive` skips the idle endpoint).
//!
//! Every wait is bounded by the settle limit; how often it was hit is reported.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::activity::Activity;
use crate::reactions::Reactions;

/// Where an integration answers whether it is idle, under its base URL.
pub const IDLE_PATH: &str = "/drydock/idle";
/// Quiet needed before the idle endpoint is asked: lets a request already on its way land.
const IDLE_MARGIN: Duration = Duration::from_millis(20);
/// Pause between two questions to a busy idle endpoint.
const IDLE_POLL: Duration = Duration::from_millis(10);
/// The longest one question to the idle endpoint may take.
const IDLE_TIMEOUT: Duration = Duration::from_secs(1);

/// How a run decides that the integration is done.
#[derive(Debug, Clone)]
pub enum SettlePolicy {
    /// Quiet for a fixed window.
    Fixed { quiet: Duration },
    /// The integration's idle endpoint when it has one, else a quiet window adapted to
    /// these reaction times (shared by the worlds of a run).
    Observe(Arc<Reactions>),
    /// A quiet window adapted to these reaction times, even if the integration has an
    /// idle endpoint.
    Adapt(Arc<Reactions>),
}

impl Default for SettlePolicy {
    fn default() -> Self {
        SettlePolicy::Fixed {
            quiet: Duration::from_millis(120),
        }
    }
}

impl SettlePolicy {
    /// Idle endpoint or adaptive window, between `floor` and `max`, learnt afresh.
    pub fn observe(floor: Duration, max: Duration) -> SettlePolicy {
        SettlePolicy::Observe(Arc::new(Reactions::new(floor, max)))
    }

    /// The settle limit that suits it: 5 s, or longer when a quiet window may be longer
    /// than 3 s, so a full window always fits.
    pub fn settle_limit(&self) -> Duration {
        let window = match self {
            SettlePolicy::Fixed { quiet } => *quiet,
            SettlePolicy::Observe(r) | SettlePolicy::Adapt(r) => r.max(),
        };
        (window + Duration::from_secs(2)).max(Duration::from_secs(5))
    }

    /// Adaptive window only, between `floor` and `max`, learnt afresh.
    pub fn adapt(floor: Duration, max: Duration) -> SettlePolicy {
        SettlePolicy::Adapt(Arc::new(Reactions::new(floor, max)))
    }
}

/// What settling did in one world, for reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettleSummary {
    /// `idle endpoint`, `adaptive quiet window N ms (max M ms)` or
    /// `fixed quiet window N ms`.
    pub mode: String,
    pub settles: usize,
    /// Settles that gave up at the limit: the integration kept busy.
    pub limit_hits: usize,
}

#[derive(Debug)]
pub struct Settling {
    policy: SettlePolicy,
    limit: Duration,
    idle_url: OnceLock<String>,
    http: reqwest::Client,
    settles: AtomicUsize,
    limit_hits: AtomicUsize,
}

enum Answer {
    Idle,
    Busy,
    Unreachable,
}

impl Settling {
    pub(crate) fn new(policy: SettlePolicy, limit: Duration) -> Settling {
        let http = reqwest::Client::builder()
            .timeout(IDLE_TIMEOUT)
            .no_proxy()
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        Settling {
            policy,
            limit,
            idle_url: OnceLock::new(),
            http,
            settles: AtomicUsize::new(0),
            limit_hits: AtomicUsize::new(0),
        }
    }

    pub fn limit(&self) -> Duration {
        self.limit
    }

    /// Where a world's activity records reaction times.
    pub(crate) fn reactions(&self) -> Arc<Reactions> {
        match &self.policy {
            SettlePolicy::Fixed { quiet } => Arc::new(Reactions::new(*quiet, *quiet)),
            SettlePolicy::Observe(reactions) | SettlePolicy::Adapt(reactions) => {
                Arc::clone(reactions)
            }
        }
    }

    /// Asks the integration at `sut_url` once, after it is ready, whether it has an idle
    /// endpoint (200 or 503; anything else, 404 above all, means it has none). Only an
    /// observing policy uses it. Returns whether it will be used.
    pub async fn discover(&self, sut_url: &str) -> bool {
        if !matches!(self.policy, SettlePolicy::Observe(_)) {
            return false;
        }
        let url = format!("{}{IDLE_PATH}", sut_url.trim_end_matches('/'));
        let found = match self.http.get(&url).send().await {
            Ok(r) => r.status().is_success() || r.status().as_u16() == 503,
            Err(_) => false,
        };
        if found {
            let _ = self.idle_url.set(url);
        }
        found
    }

    /// The mode in words, as reports show it.
    pub fn mode(&self) -> String {
        match (&self.policy, self.idle_url.get()) {
            (SettlePolicy::Fixed { quiet }, _) => {
                format!("fixed quiet window {} ms", quiet.as_millis())
            }
            (SettlePolicy::Observe(_), Some(_)) => "idle endpoint".into(),
            (SettlePolicy::Observe(r), None) | (SettlePolicy::Adapt(r), _) => format!(
                "adaptive quiet window {} ms (max {} ms)",
                r.window().as_millis(),
                r.max().as_millis()
            ),
        }
    }

    pub fn summary(&self) -> SettleSummary {
        SettleSummary {
            mode: self.mode(),
            settles: self.settles.load(Ordering::Relaxed),
            limit_hits: self.limit_hits.load(Ordering::Relaxed),
        }
    }

    /// Waits until the integration is done, or `limit` passed; false when the limit was
    /// hit (the integration kept busy).
    pub(crate) async fn settle(&self, activity: &Activity, limit: Duration) -> bool {
        self.settles.fetch_add(1, Ordering::Relaxed);
        let settled = match (&self.policy, self.idle_url.get()) {
            (SettlePolicy::Fixed { quiet }, _) => until_quiet(activity, limit, || *quiet).await,
            (SettlePolicy::Observe(r), Some(url)) => {
                self.until_idle(activity, url, r.floor(), limit).await
            }
            (SettlePolicy::Observe(r), None) | (SettlePolicy::Adapt(r), _) => {
                until_quiet(activity, limit, || r.window()).await
            }
        };
        if settled {
            activity.reaction_over();
        } else {
            self.limit_hits.fetch_add(1, Ordering::Relaxed);
        }
        settled
    }

    async fn until_idle(
        &self,
        activity: &Activity,
        url: &str,
        floor: Duration,
        limit: Duration,
    ) -> bool {
        let started = Instant::now();
        let margin = IDLE_MARGIN.min(floor);
        loop {
            let mut pause = Duration::from_millis(2);
            if activity.nothing_in_flight() && activity.quiet_for() >= margin {
                let before = activity.last_change();
                match self.ask(url, limit.saturating_sub(started.elapsed())).await {
                    Answer::Idle
                        if activity.nothing_in_flight() && activity.last_change() == before =>
                    {
                        return true;
                    }
                    // It cannot tell (it stopped answering): nothing left but quiet.
                    Answer::Unreachable if activity.quiet_for() >= floor => return true,
                    _ => pause = IDLE_POLL,
                }
            }
            if started.elapsed() >= limit {
                return false;
            }
            tokio::time::sleep(pause).await;
        }
    }

    async fn ask(&self, url: &str, remaining: Duration) -> Answer {
        let request = self
            .http
            .get(url)
            .timeout(IDLE_TIMEOUT.min(remaining).max(Duration::from_millis(1)));
        match request.send().await {
            Ok(r) if r.status().is_success() => Answer::Idle,
            Ok(_) => Answer::Busy,
            Err(_) => Answer::Unreachable,
        }
    }
}

/// Waits until nothing is in flight and nothing changed for `window()`, or `limit`.
async fn until_quiet(activity: &Activity, limit: Duration, window: impl Fn() -> Duration) -> bool {
    let started = Instant::now();
    loop {
        let window = window();
        if activity.nothing_in_flight() && activity.quiet_for() >= window {
            return true;
        }
        if started.elapsed() >= limit {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}
