//! The JSON report: a stable, documented format for tools. `format_version` changes only
//! when a field is removed or changes meaning; new fields may appear within a version.
//! Its JSON Schema is committed as `harness/report/report.schema.json` (a test keeps it
//! fresh). Times on the virtual clock are RFC 3339 strings in UTC. The journal itself is
//! not included (see the HAR export); its figures are in `metrics`.

use std::collections::BTreeMap;

use drydock_runner::trace::Trace;
use drydock_runner::{CheckKind, ScenarioOutcome, SuiteOutcome};
use schemars::JsonSchema;
use serde::Serialize;

use crate::RenderError;
use crate::metrics::{self, Metrics};

/// Bumped when a field is removed or changes meaning.
pub const FORMAT_VERSION: u32 = 1;

/// A `drydock run` report.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(title = "drydock run report")]
pub struct JsonReport {
    /// Version of this format (currently 1).
    pub format_version: u32,
    pub tool: Tool,
    pub summary: Summary,
    /// Key figures of the whole suite (sums; accuracy and order-to-ship over all orders).
    pub metrics: Metrics,
    pub scenarios: Vec<ScenarioReport>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Tool {
    /// Always `drydock`.
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Summary {
    pub scenarios: usize,
    /// Scenarios whose every check passed (flaky ones included).
    pub passed: usize,
    pub failed: usize,
    /// Passed, but only after polling retries.
    pub flaky: usize,
    /// Real time spent playing, in milliseconds.
    pub duration_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Passed,
    /// Passed, but a `wait_until` step or the eventual invariants needed several polls.
    Flaky,
    Failed,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ScenarioReport {
    pub name: String,
    /// The scenario file as given to `drydock run`.
    pub file: String,
    pub seed: u64,
    pub verdict: Verdict,
    /// Real time spent, in milliseconds.
    pub duration_ms: u64,
    /// Virtual time covered, e.g. `6d 6h`.
    pub virtual_span: String,
    /// Virtual time when the steps began (RFC 3339); null when the play never started.
    pub started_at: Option<String>,
    /// Virtual time when the play ended (RFC 3339).
    pub ended_at: Option<String>,
    /// Requests the integration made to the personas.
    pub requests: usize,
    /// Webhook delivery attempts to the integration.
    pub webhooks: usize,
    pub checks: Vec<Check>,
    /// Polls that had to be repeated before a check held.
    pub retries: Vec<Retry>,
    /// How the clock decided the integration was done; null when the play never started.
    pub settle: Option<Settle>,
    /// Null when the play never started.
    pub metrics: Option<Metrics>,
    pub orders: Vec<OrderReport>,
    /// Stock per SKU at the start, after every step, and at the end.
    pub stock: Vec<StockSample>,
    pub alerts: Vec<AlertReport>,
    pub faults: Vec<FaultReport>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Invariant,
    Expectation,
    Snapshot,
    /// The scenario could not be played (the integration did not start, …).
    Setup,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Check {
    pub kind: Kind,
    /// The invariant's name, `file:line:column` of an expectation, or `snapshot`.
    pub name: String,
    pub passed: bool,
    /// Why it failed (may be a multi-line diff); a waiver's reason; else empty.
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Retry {
    /// `file:line:column` of the `wait_until` step, or `invariants`.
    pub name: String,
    pub polls: u32,
    pub waited_ms: u64,
    /// More than half the timeout used, or invariants that held only after re-judging:
    /// such a retry makes the scenario a flaky pass.
    pub close_call: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Settle {
    /// `idle endpoint` (the integration's `GET /drydock/idle`), `adaptive quiet window
    /// N ms (max M ms)` (the window in force at the end), or `fixed quiet window N ms`.
    pub mode: String,
    /// Times the clock waited for the integration.
    pub settles: usize,
    /// Waits that gave up at the settle limit because the integration kept busy.
    pub limit_hits: usize,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct OrderReport {
    /// The scenario's name for the order (`as:`), if it placed it.
    pub alias: Option<String>,
    /// Storefront order id.
    pub id: u64,
    /// Storefront order name, e.g. `#1001`.
    pub name: String,
    pub cancelled: bool,
    /// Every milestone seen by any persona, oldest first.
    pub events: Vec<OrderEvent>,
}

/// The runner's own milestone vocabulary is the report's: one definition serves both.
pub use drydock_runner::trace::{Milestone, Source};

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct OrderEvent {
    /// Virtual time (RFC 3339).
    pub at: String,
    pub source: Source,
    pub milestone: Milestone,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StockSample {
    /// Virtual time (RFC 3339).
    pub at: String,
    /// `start`, the step just played (`place_order (line 19)`), or `end`.
    pub after: String,
    /// SKU → levels.
    pub levels: BTreeMap<String, StockLevel>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StockLevel {
    /// Available on the storefront.
    pub storefront: i64,
    /// In the warehouse, on the shelves.
    pub on_hand: i64,
    /// Promised to open warehouse orders.
    pub committed: i64,
    /// What may still be sold (`on_hand - committed`, not below 0).
    pub sellable: i64,
    /// In a world of several warehouses: on hand at each warehouse node (the totals
    /// above are their sums). Absent with one warehouse.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub on_hand_at: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AlertReport {
    /// Virtual time (RFC 3339).
    pub at: String,
    pub channel: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FaultReport {
    /// Virtual time (RFC 3339).
    pub at: String,
    pub persona: String,
    /// The fault rule's name.
    pub rule: String,
    /// What it hit (a request path or webhook URL).
    pub target: String,
    /// What it did.
    pub effect: String,
}

/// The report as a value (tests and other renderers use it).
pub fn report(suite: &SuiteOutcome) -> JsonReport {
    JsonReport {
        format_version: FORMAT_VERSION,
        tool: Tool {
            name: "drydock".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        summary: Summary {
            scenarios: suite.scenarios.len(),
            passed: suite.passed(),
            failed: suite.failed(),
            flaky: suite.scenarios.iter().filter(|s| s.flaky()).count(),
            duration_ms: suite.scenarios.iter().map(|s| s.duration_ms).sum(),
        },
        metrics: metrics::suite(suite.scenarios.iter().filter_map(|s| s.trace.as_ref())),
        scenarios: suite.scenarios.iter().map(scenario).collect(),
    }
}

/// The report as pretty JSON with a trailing newline.
pub fn render(suite: &SuiteOutcome) -> Result<String, RenderError> {
    let mut text = serde_json::to_string_pretty(&report(suite))
        .map_err(|e| RenderError(format!("cannot write the JSON report: {e}")))?;
    text.push('\n');
    Ok(text)
}

/// The JSON Schema of the report, pretty, with a trailing newline.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(JsonReport);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

pub fn verdict(s: &ScenarioOutcome) -> Verdict {
    if !s.passed() {
        Verdict::Failed
    } else if s.flaky() {
        Verdict::Flaky
    } else {
        Verdict::Passed
    }
}

fn scenario(s: &ScenarioOutcome) -> ScenarioReport {
    let trace = s.trace.as_ref();
    ScenarioReport {
        name: s.name.clone(),
        file: s.file.clone(),
        seed: s.seed,
        verdict: verdict(s),
        duration_ms: s.duration_ms,
        virtual_span: s.virtual_span.clone(),
        started_at: trace.map(|t| t.started.to_string()),
        ended_at: trace.map(|t| t.ended.to_string()),
        requests: s.requests,
        webhooks: s.webhooks,
        checks: s
            .checks
            .iter()
            .map(|c| Check {
                kind: match c.kind {
                    CheckKind::Invariant => Kind::Invariant,
                    CheckKind::Expectation => Kind::Expectation,
                    CheckKind::Snapshot => Kind::Snapshot,
                    CheckKind::Setup => Kind::Setup,
                },
                name: c.name.clone(),
                passed: c.passed,
                detail: c.detail.clone(),
            })
            .collect(),
        retries: s
            .retries
            .iter()
            .map(|r| Retry {
                name: r.name.clone(),
                polls: r.polls,
                waited_ms: r.waited_ms,
                close_call: r.close_call,
            })
            .collect(),
        settle: s.settle.as_ref().map(|x| Settle {
            mode: x.mode.clone(),
            settles: x.settles,
            limit_hits: x.limit_hits,
        }),
        metrics: trace.map(metrics::scenario),
        orders: trace.map(orders).unwrap_or_default(),
        stock: trace.map(stock).unwrap_or_default(),
        alerts: trace
            .map(|t| {
                t.alerts
                    .iter()
                    .map(|a| AlertReport {
                        at: a.at.to_string(),
                        channel: a.channel.clone(),
                        text: a.text.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        faults: trace
            .map(|t| {
                t.faults
                    .iter()
                    .map(|f| FaultReport {
                        at: f.at.to_string(),
                        persona: f.persona.clone(),
                        rule: f.rule.clone(),
                        target: f.target.clone(),
                        effect: f.effect.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn orders(t: &Trace) -> Vec<OrderReport> {
    t.orders
        .iter()
        .map(|o| OrderReport {
            alias: o.alias.clone(),
            id: o.id,
            name: o.name.clone(),
            cancelled: o.cancelled,
            events: o
                .events
                .iter()
                .map(|e| OrderEvent {
                    at: e.at.to_string(),
                    source: e.source,
                    milestone: e.milestone,
                    detail: e.detail.clone(),
                })
                .collect(),
        })
        .collect()
}

fn stock(t: &Trace) -> Vec<StockSample> {
    t.stock
        .iter()
        .map(|s| StockSample {
            at: s.at.to_string(),
            after: s.after.clone(),
            levels: s
                .levels
                .iter()
                .map(|(sku, p)| {
                    let level = StockLevel {
                        storefront: p.storefront,
                        on_hand: p.on_hand,
                        committed: p.committed,
                        sellable: p.sellable,
                        on_hand_at: p.on_hand_at.iter().cloned().collect(),
                    };
                    (sku.clone(), level)
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::schema_json;

    /// Regenerate with `DRYDOCK_WRITE_SCHEMA=1 cargo test -p drydock-report`.
    #[test]
    fn the_committed_report_schema_is_fresh() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("report.schema.json");
        let fresh = schema_json();
        if std::env::var("DRYDOCK_WRITE_SCHEMA").is_ok_and(|v| v == "1") {
            std::fs::write(&path, &fresh).expect("write report.schema.json");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "harness/report/report.schema.json is stale: run `DRYDOCK_WRITE_SCHEMA=1 cargo test -p drydock-report`"
        );
    }
}
