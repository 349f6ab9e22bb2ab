//! Running a suite: discovering scenario files, parsing them (all problems reported),
//! choosing what this run plays (`select`), playing the scenarios `jobs` at a time (each in
//! its own world with its own ports, clock, journal and integration), and comparing
//! snapshots stored beside them (`name.snap`). Results are reported in file order.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use drydock_scenario::diagnostic::SourceMap;
use drydock_scenario::{Problem, Scenario, ScenarioErrors, parse_scenario_with};
use drydock_simulator::Simulator;
use drydock_simulator::settle::SettlePolicy;
use miette::NamedSource;
use tokio::task::JoinSet;

use crate::config::RunConfig;
use crate::outcome::{CheckKind, CheckResult, ScenarioOutcome, SuiteOutcome};
use crate::play::play;
use crate::{RunError, files, snapshot};

/// A suite could not even start: bad files, unreadable paths.
#[derive(Debug)]
pub enum SuiteError {
    Run(RunError),
    Invalid(Vec<ScenarioErrors>),
}

/// Scenario files named by `paths` (files, or directories searched one level deep).
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, RunError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|source| RunError::Read {
                path: path.display().to_string(),
                source,
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(RunError::NoScenarios(path.display().to_string()));
            }
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// Where a scenario's snapshot lives.
pub fn snapshot_path(file: &Path) -> PathBuf {
    file.with_extension("snap")
}

/// Parses every file first, so that all broken files are reported before anything runs.
/// Two files with the same scenario `name:` are refused too: the name keys snapshots,
/// logs and reports.
pub fn load(files: &[PathBuf]) -> Result<Vec<(PathBuf, drydock_scenario::Scenario)>, SuiteError> {
    let mut loaded: Vec<(PathBuf, drydock_scenario::Scenario)> = Vec::new();
    let mut broken = Vec::new();
    let providers = crate::providers::node_providers();
    for file in files {
        let text = std::fs::read_to_string(file).map_err(|source| {
            SuiteError::Run(RunError::Read {
                path: file.display().to_string(),
                source,
            })
        })?;
        let shown = file.display().to_string();
        match parse_scenario_with(&shown, &text, &providers) {
            Ok(s) => {
                if let Some((first, _)) = loaded.iter().find(|(_, o)| o.name == s.name) {
                    broken.push(duplicate_name(&shown, &text, &s.name, first));
                } else {
                    loaded.push((file.clone(), s));
                }
            }
            Err(e) => broken.push(e),
        }
    }
    if broken.is_empty() {
        Ok(loaded)
    } else {
        Err(SuiteError::Invalid(broken))
    }
}

fn duplicate_name(file: &str, text: &str, name: &str, first: &Path) -> ScenarioErrors {
    let map = SourceMap::new(text);
    let line = text
        .lines()
        .position(|l| l.starts_with("name:"))
        .map(|i| i + 1)
        .unwrap_or(1);
    let column = "name: ".len() + 1;
    ScenarioErrors {
        file: file.to_string(),
        source_code: NamedSource::new(file, text.to_string()),
        problems: vec![Problem {
            file: file.to_string(),
            line,
            column,
            message: format!(
                "the scenario name `{name}` is already used by {}",
                first.display()
            ),
            span: map.token_span(line, column),
            hint: Some("names key snapshots, logs and reports: give each scenario its own".into()),
        }],
    }
}

/// Hears how a suite run goes. Scenarios are reported done in file order, whatever order
/// they finish in.
pub trait SuiteObserver {
    /// The suite is loaded: `run` scenarios will play, `skipped` were filtered or
    /// sharded out.
    fn planned(&mut self, _run: usize, _skipped: usize) {}
    /// A scenario starts playing.
    fn started(&mut self, _name: &str) {}
    /// A scenario finished (called in file order).
    fn done(&mut self, outcome: &ScenarioOutcome);
}

/// An observer that only hears `done`.
struct OnDone<F>(F);

impl<F: FnMut(&ScenarioOutcome)> SuiteObserver for OnDone<F> {
    fn done(&mut self, outcome: &ScenarioOutcome) {
        (self.0)(outcome)
    }
}

/// Runs the selected scenarios and reports each through `on_done`, in file order.
pub async fn run_suite(
    cfg: &RunConfig,
    on_done: impl FnMut(&ScenarioOutcome),
) -> Result<SuiteOutcome, SuiteError> {
    run_suite_observed(cfg, OnDone(on_done)).await
}

/// Runs the selected scenarios, `cfg.jobs` at a time, each in its own world, and tells
/// `observer` what happens (results in file order).
pub async fn run_suite_observed(
    cfg: &RunConfig,
    mut observer: impl SuiteObserver,
) -> Result<SuiteOutcome, SuiteError> {
    let files = discover(&cfg.scenarios).map_err(SuiteError::Run)?;
    let scenarios = load(&files)?;
    refuse_empty_filter(cfg, &scenarios).map_err(SuiteError::Run)?;
    let chosen = {
        let view: Vec<(&str, &[String])> = scenarios
            .iter()
            .map(|(_, s)| (s.name.as_str(), s.tags.as_slice()))
            .collect();
        cfg.selection.choose(&view)
    };
    let skipped = scenarios.len() - chosen.len();
    let plan: Vec<(PathBuf, Scenario)> = scenarios
        .into_iter()
        .enumerate()
        .filter(|(i, _)| chosen.contains(i))
        .map(|(_, s)| s)
        .collect();
    observer.planned(plan.len(), skipped);
    let labels: Vec<(String, String)> = plan
        .iter()
        .map(|(f, s)| (s.name.clone(), f.display().to_string()))
        .collect();
    let simulator = Simulator::new();
    // One policy for the run: every scenario judges the same integration.
    let settle = cfg.settle.policy(cfg.quiet, cfg.quiet_max);
    let cfg = Arc::new(cfg.clone());
    let jobs = cfg.jobs.max(1);
    let mut queue = plan.into_iter().enumerate();
    let mut running = JoinSet::new();
    let mut index_of: HashMap<tokio::task::Id, usize> = HashMap::new();
    let mut finished: BTreeMap<usize, ScenarioOutcome> = BTreeMap::new();
    let mut suite = SuiteOutcome {
        skipped,
        ..SuiteOutcome::default()
    };
    loop {
        while running.len() < jobs && !cfg.interrupt.is_raised() {
            let Some((i, (file, scenario))) = queue.next() else {
                break;
            };
            observer.started(&scenario.name);
            let simulator = Arc::clone(&simulator);
            let cfg = Arc::clone(&cfg);
            let settle = settle.clone();
            let task = running.spawn(async move {
                play_and_compare(&scenario, &file, &simulator, &cfg, settle).await
            });
            index_of.insert(task.id(), i);
        }
        let Some(joined) = running.join_next_with_id().await else {
            break;
        };
        let (i, outcome) = match joined {
            Ok((id, outcome)) => (index_of.get(&id).copied(), outcome),
            Err(e) => {
                let i = index_of.get(&e.id()).copied();
                let (name, file) = i.and_then(|i| labels.get(i)).cloned().unwrap_or_default();
                (i, crashed(name, file, &e))
            }
        };
        let Some(i) = i else { continue };
        finished.insert(i, outcome);
        while let Some(outcome) = finished.remove(&suite.scenarios.len()) {
            observer.done(&outcome);
            suite.scenarios.push(outcome);
        }
    }
    Ok(suite)
}

async fn play_and_compare(
    scenario: &Scenario,
    file: &Path,
    simulator: &Arc<Simulator>,
    cfg: &RunConfig,
    settle: SettlePolicy,
) -> ScenarioOutcome {
    let played = play(scenario, file, simulator, cfg, settle).await;
    let mut outcome = played.outcome;
    if let Some(text) = played.snapshot {
        outcome.checks.push(compare_snapshot(file, &text, cfg));
    }
    outcome
}

/// Filters that keep nothing are a mistake (a typo would otherwise pass having run
/// nothing); a shard left empty by a small suite is not.
fn refuse_empty_filter(cfg: &RunConfig, scenarios: &[(PathBuf, Scenario)]) -> Result<(), RunError> {
    let filters = &cfg.selection.filters;
    if filters.is_empty()
        || scenarios
            .iter()
            .any(|(_, s)| cfg.selection.matches(&s.name, &s.tags))
    {
        return Ok(());
    }
    let quoted = |items: Vec<&str>| {
        items
            .iter()
            .map(|i| format!("`{i}`"))
            .collect::<Vec<_>>()
            .join(" or ")
    };
    Err(RunError::NothingMatches {
        filters: quoted(filters.iter().map(String::as_str).collect()),
        names: scenarios
            .iter()
            .map(|(_, s)| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// The outcome of a scenario whose task panicked: a failed setup check, never a pass.
fn crashed(name: String, file: String, e: &tokio::task::JoinError) -> ScenarioOutcome {
    let mut outcome = ScenarioOutcome::new(name, file, 0);
    outcome.checks.push(CheckResult {
        kind: CheckKind::Setup,
        name: "setup".into(),
        passed: false,
        detail: format!("the scenario stopped unexpectedly: {e}"),
    });
    outcome
}

fn compare_snapshot(file: &Path, actual: &str, cfg: &RunConfig) -> CheckResult {
    let accept = cfg.accept_snapshots;
    let path = snapshot_path(file);
    let name = "snapshot".to_string();
    let pending = path.with_extension("snap.new");
    let stored = std::fs::read_to_string(&path).ok();
    let result = |passed: bool, detail: String| CheckResult {
        kind: CheckKind::Snapshot,
        name: name.clone(),
        passed,
        detail,
    };
    if accept {
        return match files::write_atomically(&path, actual.as_bytes()) {
            Ok(()) => {
                let _ = std::fs::remove_file(&pending);
                result(true, format!("written to {}", path.display()))
            }
            Err(e) => result(false, format!("cannot write {}: {e}", path.display())),
        };
    }
    // A new snapshot is kept for review only if it could be written: never claim it was.
    let keep_pending = || {
        files::write_atomically(&pending, actual.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", pending.display()))
    };
    let kept_for_review = || match keep_pending() {
        Ok(()) => format!(
            "the new one is in {}: keep or drop it with `drydock review` (or run again with --accept)",
            pending.display()
        ),
        Err(e) => format!("the new one could not be kept: {e}"),
    };
    match stored {
        None if cfg.record_new_snapshots => match keep_pending() {
            Ok(()) => result(
                true,
                format!(
                    "new snapshot {}: review it with `drydock review` (it fails under CI until accepted)",
                    pending.display()
                ),
            ),
            Err(e) => result(false, e),
        },
        None => {
            let kept = kept_for_review();
            result(
                false,
                format!("no snapshot stored at {}; {kept}", path.display()),
            )
        }
        Some(stored) => match snapshot::diff(&stored, actual) {
            None => {
                let _ = std::fs::remove_file(&pending);
                result(true, String::new())
            }
            Some(diff) => {
                let kept = kept_for_review();
                result(
                    false,
                    format!(
                        "the final state differs from {} (- stored, + this run); {kept}:\n{diff}",
                        path.display(),
                    ),
                )
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SutMode;

    /// A scenario file in a scratch folder whose `x.snap.new` cannot be written (a
    /// folder is in its way), with `stored` as its snapshot.
    fn blocked(name: &str, stored: Option<&str>) -> (PathBuf, PathBuf) {
        let dir = std::env::temp_dir().join(format!("drydock-suite-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let file = dir.join("x.yaml");
        let pending = dir.join("x.snap.new");
        std::fs::create_dir_all(pending.join("in-the-way")).expect("scratch folder");
        if let Some(stored) = stored {
            std::fs::write(dir.join("x.snap"), stored).expect("stored snapshot");
        }
        (file, pending)
    }

    /// Every way a new snapshot is kept for review says so only when it was written, and
    /// otherwise names the file and the cause.
    #[test]
    fn a_snapshot_that_cannot_be_written_is_an_error_naming_the_file() {
        let cases = [
            ("changed", Some("stock: 1\n"), false),
            ("missing-in-ci", None, false),
            ("missing", None, true),
        ];
        for (name, stored, record_new) in cases {
            let (file, pending) = blocked(name, stored);
            let mut cfg = RunConfig::new(vec![file.clone()], SutMode::Command(String::new()));
            cfg.record_new_snapshots = record_new;
            let check = compare_snapshot(&file, "stock: 2\n", &cfg);
            let _ = file.parent().map(std::fs::remove_dir_all);
            assert!(!check.passed, "{name}: {check:?}");
            let shown = pending.display().to_string();
            assert!(
                check.detail.contains(&format!("cannot write {shown}"))
                    && !check.detail.contains(&format!("is in {shown}")),
                "{name}: {}",
                check.detail
            );
        }
    }
}
