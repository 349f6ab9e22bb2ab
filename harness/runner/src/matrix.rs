//! The defect matrix: the suite run against the correct reference integration and against
//! each of its deliberate defects, showing which scenario catches which defect and by
//! which check. It is how drydock proves its drills can fail.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use drydock_reference::{Defect, Defects};

use crate::outcome::{CheckKind, SuiteOutcome};
use crate::suite::SuiteError;
use crate::{RunConfig, SutMode, run_suite};
use std::future::Future;

/// One column of the matrix: a run of the suite with one defect (or none).
#[derive(Debug, Clone)]
pub struct Column {
    pub defect: Option<Defect>,
    /// Scenario name → the checks that failed (snapshots aside, but for the correct
    /// integration).
    pub caught_by: BTreeMap<String, Vec<String>>,
    /// What could not be judged, and why: a scenario that could not be played (its
    /// integration did not start, its task panicked), or [`WHOLE_RUN`] when the run
    /// itself failed. An error is no verdict on the defect, so it never counts as a catch.
    pub errors: BTreeMap<String, String>,
    pub scenarios: Vec<String>,
}

/// The key of [`Column::errors`] for a run that failed as a whole.
pub const WHOLE_RUN: &str = "(the run)";

impl Column {
    fn from_suite(defect: Option<Defect>, suite: &SuiteOutcome) -> Column {
        let mut caught_by = BTreeMap::new();
        let mut errors = BTreeMap::new();
        for s in &suite.scenarios {
            let setup: Vec<&str> = s
                .failures()
                .filter(|c| c.kind == CheckKind::Setup)
                .map(|c| c.detail.as_str())
                .collect();
            if !setup.is_empty() {
                errors.insert(s.name.clone(), setup.join("; "));
            }
            let failed: Vec<String> = s
                .failures()
                // A defect caught by a snapshot alone is not caught; the correct
                // integration must pass its snapshots too.
                .filter(|c| match c.kind {
                    CheckKind::Setup => false,
                    CheckKind::Snapshot => defect.is_none(),
                    CheckKind::Invariant | CheckKind::Expectation => true,
                })
                .map(|c| match c.kind {
                    CheckKind::Expectation => format!("expectation {}", short_location(&c.name)),
                    _ => c.name.clone(),
                })
                .collect();
            if !failed.is_empty() {
                caught_by.insert(s.name.clone(), failed);
            }
        }
        Column {
            defect,
            caught_by,
            errors,
            scenarios: suite.scenarios.iter().map(|s| s.name.clone()).collect(),
        }
    }

    /// The column of a run that produced no outcome at all.
    fn failed_run(defect: Option<Defect>, why: String) -> Column {
        Column {
            defect,
            caught_by: BTreeMap::new(),
            errors: BTreeMap::from([(WHOLE_RUN.to_string(), why)]),
            scenarios: Vec::new(),
        }
    }

    pub fn caught(&self) -> bool {
        !self.caught_by.is_empty()
    }

    /// Some scenario, or the whole run, could not be judged.
    pub fn errored(&self) -> bool {
        !self.errors.is_empty()
    }
}

/// Whether the matrix proves the suite: the correct integration passes everything, every
/// defect is caught, and no run or scenario errored.
pub fn sound(columns: &[Column]) -> bool {
    let Some((correct, defects)) = columns.split_first() else {
        return false;
    };
    correct.defect.is_none()
        && !correct.caught()
        && defects.iter().all(|c| c.defect.is_some() && c.caught())
        && columns.iter().all(|c| !c.errored())
}

fn short_location(name: &str) -> String {
    Path::new(name)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.to_string())
}

/// Runs the suite at `paths` once correct and once per defect, `parallel` runs at a
/// time. Each run plays copies of the scenario files in its own directory under
/// `scratch`, so snapshot files written on failure never touch the originals.
pub async fn defect_matrix(
    cfg: &RunConfig,
    defects: &[Defect],
    scratch: &Path,
    parallel: usize,
) -> Result<Vec<Column>, SuiteError> {
    matrix_played_by(cfg, defects, scratch, parallel, |run_cfg| async move {
        run_suite(&run_cfg, |_| {}).await
    })
    .await
}

/// [`defect_matrix`] with the suite played by `play` (tests stand in a run that fails).
async fn matrix_played_by<P, F>(
    cfg: &RunConfig,
    defects: &[Defect],
    scratch: &Path,
    parallel: usize,
    play: P,
) -> Result<Vec<Column>, SuiteError>
where
    P: Fn(RunConfig) -> F,
    F: Future<Output = Result<SuiteOutcome, SuiteError>> + Send + 'static,
{
    let mut runs: Vec<Option<Defect>> = vec![None];
    runs.extend(defects.iter().copied().map(Some));
    let files = crate::suite::discover(&cfg.scenarios).map_err(SuiteError::Run)?;
    // Broken files break every run alike: say so once, before anything runs.
    crate::suite::load(&files)?;
    let mut columns = Vec::new();
    for chunk in runs.chunks(parallel.max(1)) {
        let mut tasks = tokio::task::JoinSet::new();
        let mut spawned = std::collections::HashMap::new();
        for (i, defect) in chunk.iter().copied().enumerate() {
            let dir = scratch.join(defect.map_or("correct", |d| d.name()));
            let copies = copy_suite(&files, &dir).map_err(|e| {
                SuiteError::Run(crate::RunError::Read {
                    path: dir.display().to_string(),
                    source: e,
                })
            })?;
            let mut run_cfg = cfg.clone();
            run_cfg.scenarios = copies;
            run_cfg.accept_snapshots = false;
            // A defect only needs to be caught once per scenario; the correct
            // integration is judged in full.
            run_cfg.fail_fast = defect.is_some();
            run_cfg.sut = SutMode::Embedded(defect.into_iter().collect::<Defects>());
            let suite = play(run_cfg);
            let task = tasks.spawn(async move { (i, defect, suite.await) });
            spawned.insert(task.id(), (i, defect));
        }
        let mut done = BTreeMap::new();
        while let Some(joined) = tasks.join_next_with_id().await {
            match joined {
                Ok((_, (i, defect, Ok(suite)))) => {
                    done.insert(i, Column::from_suite(defect, &suite));
                }
                Ok((_, (i, defect, Err(e)))) => {
                    done.insert(i, Column::failed_run(defect, suite_error(&e)));
                }
                Err(e) => {
                    if let Some(&(i, defect)) = spawned.get(&e.id()) {
                        let why = format!("the run stopped unexpectedly: {e}");
                        done.insert(i, Column::failed_run(defect, why));
                    }
                }
            }
        }
        columns.extend(done.into_values());
    }
    Ok(columns)
}

/// Why a run produced no outcome, in one line.
fn suite_error(e: &SuiteError) -> String {
    match e {
        SuiteError::Run(e) => e.to_string(),
        SuiteError::Invalid(broken) => {
            let files: Vec<&str> = broken.iter().map(|b| b.file.as_str()).collect();
            format!("scenario files did not load: {}", files.join(", "))
        }
    }
}

fn copy_suite(files: &[PathBuf], dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir)?;
    let mut copies = Vec::new();
    for file in files {
        let Some(name) = file.file_name() else {
            continue;
        };
        let copy = dir.join(name);
        std::fs::copy(file, &copy)?;
        let snap = crate::suite::snapshot_path(file);
        if snap.is_file() {
            std::fs::copy(&snap, crate::suite::snapshot_path(&copy))?;
        }
        copies.push(copy);
    }
    Ok(copies)
}

/// The matrix as text: a row per scenario, a column per defect; `x` where a check failed
/// (for a defect, a check other than the snapshot), `!` where the scenario could not be
/// judged, then which checks caught each defect and every error.
pub fn render(columns: &[Column]) -> String {
    if columns.is_empty() {
        return String::new();
    }
    let scenarios: &[String] = columns
        .iter()
        .map(|c| c.scenarios.as_slice())
        .find(|s| !s.is_empty())
        .unwrap_or_default();
    let width = scenarios.iter().map(String::len).max().unwrap_or(8).max(8);
    let mut out = format!("{:width$}", "scenario \\ defect");
    for i in 0..columns.len() {
        out.push_str(&format!(" {i:>3}"));
    }
    out.push('\n');
    for s in scenarios {
        out.push_str(&format!("{s:width$}"));
        for c in columns {
            let mark = if c.errors.contains_key(s) || c.errors.contains_key(WHOLE_RUN) {
                "!"
            } else if c.caught_by.contains_key(s) {
                "x"
            } else {
                "."
            };
            out.push_str(&format!(" {mark:>3}"));
        }
        out.push('\n');
    }
    out.push_str("\ncolumns:\n");
    for (i, c) in columns.iter().enumerate() {
        let name = c.defect.map_or("(correct integration)", |d| d.name());
        let verdict = match (c.defect, c.caught()) {
            _ if c.errors.contains_key(WHOLE_RUN) => "no verdict".to_string(),
            (None, false) => "all pass".to_string(),
            (None, true) => "FAILS — the correct integration must pass every scenario".to_string(),
            (Some(_), false) => "NOT CAUGHT by any scenario".to_string(),
            (Some(_), true) => c
                .caught_by
                .iter()
                .map(|(s, checks)| format!("{s} ({})", checks.join(", ")))
                .collect::<Vec<_>>()
                .join("; "),
        };
        out.push_str(&format!("{i:>3} {name}: {verdict}\n"));
        for (what, why) in &c.errors {
            out.push_str(&format!("    ERROR {what}: {why}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{CheckResult, ScenarioOutcome};

    fn suite_with(check: Option<(CheckKind, &str)>) -> SuiteOutcome {
        let mut scenario = ScenarioOutcome::new("happy-path".into(), "happy-path.yaml".into(), 1);
        scenario.checks.push(CheckResult {
            kind: check.map_or(CheckKind::Invariant, |(k, _)| k),
            name: check.map_or("no_order_lost", |(_, n)| n).into(),
            passed: check.is_none(),
            detail: String::new(),
        });
        SuiteOutcome {
            scenarios: vec![scenario],
            skipped: 0,
        }
    }

    /// The correct run passes, the first defect is caught, the second one's run panics.
    #[tokio::test]
    async fn a_run_that_panics_is_an_error_that_fails_the_matrix() {
        let scenarios =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/happy-path.yaml");
        let cfg = RunConfig::new(vec![scenarios], SutMode::Embedded(Defects::none()));
        let scratch =
            std::env::temp_dir().join(format!("drydock-matrix-unit-{}", std::process::id()));
        let (caught, crashing) = (Defect::ALL[0], Defect::ALL[1]);
        let columns = matrix_played_by(
            &cfg,
            &[caught, crashing],
            &scratch,
            3,
            |run_cfg| async move {
                let SutMode::Embedded(defects) = &run_cfg.sut else {
                    return Err(SuiteError::Invalid(Vec::new()));
                };
                if defects.has(crashing) {
                    panic!("the run crashed");
                }
                Ok(suite_with(
                    defects
                        .has(caught)
                        .then_some((CheckKind::Invariant, "no_order_lost")),
                ))
            },
        )
        .await;
        let _ = std::fs::remove_dir_all(&scratch);
        let columns = columns.unwrap_or_else(|_| panic!("the suite loads"));
        let text = render(&columns);
        assert_eq!(
            columns.len(),
            3,
            "one column per run, the crashed one too:\n{text}"
        );
        assert!(!sound(&columns), "a crashed run is no proof:\n{text}");
        assert!(text.contains("ERROR"), "{text}");
    }

    #[test]
    fn a_snapshot_fails_the_correct_integration_but_catches_no_defect() {
        let suite = suite_with(Some((CheckKind::Snapshot, "snapshot")));
        assert!(Column::from_suite(None, &suite).caught());
        assert!(!Column::from_suite(Some(Defect::ALL[0]), &suite).caught());
    }

    #[test]
    fn a_scenario_that_could_not_be_played_catches_nothing() {
        let suite = suite_with(Some((CheckKind::Setup, "setup")));
        let column = Column::from_suite(Some(Defect::ALL[0]), &suite);
        assert!(!column.caught(), "{column:?}");
        assert!(column.errored(), "{column:?}");
        let correct = Column::from_suite(None, &suite_with(None));
        assert!(!sound(&[correct, column]));
    }
}
