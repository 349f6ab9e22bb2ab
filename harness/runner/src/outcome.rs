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
}

impl ScenarioOutcome {
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
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
