//! A validated run configuration. The CLI builds it from its arguments; the runner never
//! sees CLI types.

use std::path::PathBuf;
use std::time::Duration;

use drydock_simulator::settle::SettlePolicy;

/// How the integration under test is run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SutMode {
    /// The bundled reference integration, in process, with these deliberate defects
    /// switched on (none for the correct integration).
    Embedded(drydock_reference::Defects),
    /// A command drydock starts for each scenario, with the contract's environment.
    Command(String),
    /// An integration already running at this URL; personas listen on fixed ports from
    /// `port_base` so it can be configured once.
    Endpoint { url: String, port_base: u16 },
}

/// How the clock decides that the integration is done reacting to a happening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settle {
    /// Its idle endpoint (`GET /drydock/idle`) when it has one, else a quiet window
    /// adapted to its reaction times, between `quiet` and `quiet_max`.
    Auto,
    /// The adaptive quiet window, even if the integration has an idle endpoint.
    Adaptive,
    /// Always the fixed `quiet` window.
    Fixed,
}

impl Settle {
    /// A fresh policy for one run (adaptive windows learn per run).
    pub fn policy(self, quiet: Duration, quiet_max: Duration) -> SettlePolicy {
        match self {
            Settle::Auto => SettlePolicy::observe(quiet, quiet_max),
            Settle::Adaptive => SettlePolicy::adapt(quiet, quiet_max),
            Settle::Fixed => SettlePolicy::Fixed { quiet },
        }
    }
}

/// The longest adaptive quiet window by default.
pub const DEFAULT_QUIET_MAX: Duration = Duration::from_secs(3);

#[derive(Debug, Clone)]
pub struct RunConfig {
    pub scenarios: Vec<PathBuf>,
    pub sut: SutMode,
    /// Write snapshots instead of comparing (new and changed ones).
    pub accept_snapshots: bool,
    /// A scenario without a stored snapshot (a team's first run) records it as
    /// `name.snap.new` for review and passes, reported as a new snapshot. Off (the
    /// scenario fails) under CI, where new snapshots never pass silently.
    pub record_new_snapshots: bool,
    /// How long the integration has to answer `GET /health` with 2xx.
    pub ready_timeout: Duration,
    /// How the clock decides that the integration is done reacting.
    pub settle: Settle,
    /// How long the integration must be quiet before the clock moves on, at least.
    pub quiet: Duration,
    /// The longest adaptive quiet window.
    pub quiet_max: Duration,
    /// How long eventual invariants (stock convergence) may take at the end.
    pub converge_timeout: Duration,
    /// Stop a scenario at its first failed expectation (skipping the rest and the
    /// invariants): enough to know it caught something, as the defect matrix needs.
    pub fail_fast: bool,
    /// How many scenarios play at once (at least 1); results keep file order.
    pub jobs: usize,
    /// Which scenarios run: name/tag filters, then this process's shard.
    pub selection: crate::select::Selection,
    /// Raised by drydock's SIGINT/SIGTERM handler: scenarios stop and count as failed.
    pub interrupt: crate::interrupt::Interrupt,
    /// Where webhooks may go (loopback only unless widened).
    pub webhook_targets: drydock_simulator::WebhookTargets,
}

impl RunConfig {
    pub fn new(scenarios: Vec<PathBuf>, sut: SutMode) -> Self {
        RunConfig {
            scenarios,
            sut,
            accept_snapshots: false,
            record_new_snapshots: false,
            ready_timeout: Duration::from_secs(20),
            settle: Settle::Auto,
            quiet: Duration::from_millis(120),
            quiet_max: DEFAULT_QUIET_MAX,
            converge_timeout: Duration::from_secs(5),
            fail_fast: false,
            jobs: 1,
            selection: crate::select::Selection::default(),
            interrupt: crate::interrupt::Interrupt::never(),
            webhook_targets: drydock_simulator::WebhookTargets::default(),
        }
    }
}
