//! Running a suite: discovering scenario files, parsing them (all problems reported),
//! playing each, and comparing snapshots stored beside them (`name.snap`).

use std::path::{Path, PathBuf};

use drydock_scenario::{ScenarioErrors, parse_scenario};
use drydock_simulator::Simulator;

use crate::config::RunConfig;
use crate::outcome::{CheckKind, CheckResult, ScenarioOutcome, SuiteOutcome};
use crate::play::play;
use crate::{RunError, snapshot};

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
pub fn load(files: &[PathBuf]) -> Result<Vec<(PathBuf, drydock_scenario::Scenario)>, SuiteError> {
    let mut loaded = Vec::new();
    let mut broken = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).map_err(|source| {
            SuiteError::Run(RunError::Read {
                path: file.display().to_string(),
                source,
            })
        })?;
        match parse_scenario(&file.display().to_string(), &text) {
            Ok(s) => loaded.push((file.clone(), s)),
            Err(e) => broken.push(e),
        }
    }
    if broken.is_empty() {
        Ok(loaded)
    } else {
        Err(SuiteError::Invalid(broken))
    }
}

/// Runs every scenario and reports each as it finishes through `on_done`.
pub async fn run_suite(
    cfg: &RunConfig,
    mut on_done: impl FnMut(&ScenarioOutcome),
) -> Result<SuiteOutcome, SuiteError> {
    let files = discover(&cfg.scenarios).map_err(SuiteError::Run)?;
    let scenarios = load(&files)?;
    let simulator = Simulator::new();
    let mut suite = SuiteOutcome::default();
    for (file, scenario) in scenarios {
        let played = play(&scenario, &file, &simulator, cfg).await;
        let mut outcome = played.outcome;
        if let Some(text) = played.snapshot {
            outcome
                .checks
                .push(compare_snapshot(&file, &text, cfg.accept_snapshots));
        }
        on_done(&outcome);
        suite.scenarios.push(outcome);
    }
    Ok(suite)
}

fn compare_snapshot(file: &Path, actual: &str, accept: bool) -> CheckResult {
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
        return match std::fs::write(&path, actual) {
            Ok(()) => {
                let _ = std::fs::remove_file(&pending);
                result(true, format!("written to {}", path.display()))
            }
            Err(e) => result(false, format!("cannot write {}: {e}", path.display())),
        };
    }
    match stored {
        None => {
            let _ = std::fs::write(&pending, actual);
            result(
                false,
                format!(
                    "no snapshot stored at {}; the new one is in {} — review it and run again with --accept to keep it",
                    path.display(),
                    pending.display()
                ),
            )
        }
        Some(stored) => match snapshot::diff(&stored, actual) {
            None => {
                let _ = std::fs::remove_file(&pending);
                result(true, String::new())
            }
            Some(diff) => {
                let _ = std::fs::write(&pending, actual);
                result(
                    false,
                    format!(
                        "the final state differs from {} (- stored, + this run); the new one is in {}, run with --accept if it is right:\n{diff}",
                        path.display(),
                        pending.display()
                    ),
                )
            }
        },
    }
}
