//! What a run found: per scenario, each check with its verdict and detail.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    Invariant,
    Expectation,
    Snapshot,
    /// The scenario could not be played (integration did not start, file broken).
    Setup,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub kind: CheckKind,
    /// The invariant's name, or `file:line:column` of the step for expectations.
    pub name: String,
    pub passed: bool,
    /// Why it failed (empty when passed); may be a multi-line diff.
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScenarioOutcome {
    pub name: String,
    pub file: String,
    pub seed: u64,
    pub checks: Vec<CheckResult>,
    pub duration_ms: u64,
    /// Virtual time covered by the scenario.
    pub virtual_span: String,
    pub requests: usize,
    pub webhooks: usize,
    /// Checks that held only after polling more than once; reports show such a pass as
    /// flaky.
    pub retries: Vec<Retry>,
    /// How the clock decided the integration was done; None when the play never started.
    pub settle: Option<drydock_simulator::settle::SettleSummary>,
    /// What the reports draw (timelines, stock, journal); None when the play never started.
    #[serde(skip)]
    pub trace: Option<crate::trace::Trace>,
}

/// A `wait_until` step, or the eventual invariants, that held only after several polls.
#[derive(Debug, Clone, Serialize)]
pub struct Retry {
    /// `file:line:column` of the `wait_until` step, or `invariants`.
    pub name: String,
    pub polls: u32,
    /// Real time spent polling.
    pub waited_ms: u64,
    /// A close call: a `wait_until` that used more than half its timeout, or invariants
    /// that held only after re-judging. A slower machine might have failed it.
    pub close_call: bool,
}

impl ScenarioOutcome {
    /// An outcome with no checks yet, before the scenario is played.
    pub fn new(name: String, file: String, seed: u64) -> ScenarioOutcome {
        ScenarioOutcome {
            name,
            file,
            seed,
            checks: Vec::new(),
            duration_ms: 0,
            virtual_span: String::new(),
            requests: 0,
            webhooks: 0,
            retries: Vec::new(),
            settle: None,
            trace: None,
        }
    }

    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }

    /// Passed, but only after polling retries.
    /// Passed, but only just: some retry was a close call. Polling that a `wait_until`
    /// is written for does not make a scenario flaky.
    pub fn flaky(&self) -> bool {
        self.passed() && self.retries.iter().any(|r| r.close_call)
    }

    pub fn failures(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks.iter().filter(|c| !c.passed)
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SuiteOutcome {
    pub scenarios: Vec<ScenarioOutcome>,
    /// Scenarios of the suite this run did not play (`--filter`, `--shard`).
    pub skipped: usize,
}

impl SuiteOutcome {
    pub fn passed(&self) -> usize {
        self.scenarios.iter().filter(|s| s.passed()).count()
    }

    pub fn failed(&self) -> usize {
        self.scenarios.len() - self.passed()
    }
}
