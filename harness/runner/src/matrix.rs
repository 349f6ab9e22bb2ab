//! The defect matrix: the suite run against the correct reference integration and against
//! each of its deliberate defects, showing which scenario catches which defect and by
//! which check. It is how drydock proves its drills can fail.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use drydock_reference::{Defect, Defects};

use crate::outcome::{CheckKind, SuiteOutcome};
use crate::suite::SuiteError;
use crate::{RunConfig, SutMode, run_suite};

/// One column of the matrix: a run of the suite with one defect (or none).
#[derive(Debug, Clone)]
pub struct Column {
    pub defect: Option<Defect>,
    /// Scenario name → the checks that failed (snapshots aside).
    pub caught_by: BTreeMap<String, Vec<String>>,
    pub scenarios: Vec<String>,
}

impl Column {
    fn from_suite(defect: Option<Defect>, suite: &SuiteOutcome) -> Column {
        let mut caught_by = BTreeMap::new();
        for s in &suite.scenarios {
            let failed: Vec<String> = s
                .failures()
                .filter(|c| c.kind != CheckKind::Snapshot)
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
            scenarios: suite.scenarios.iter().map(|s| s.name.clone()).collect(),
        }
    }

    pub fn caught(&self) -> bool {
        !self.caught_by.is_empty()
    }
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
    let mut runs: Vec<Option<Defect>> = vec![None];
    runs.extend(defects.iter().copied().map(Some));
    let files = crate::suite::discover(&cfg.scenarios).map_err(SuiteError::Run)?;
    let mut columns = Vec::new();
    for chunk in runs.chunks(parallel.max(1)) {
        let mut tasks = tokio::task::JoinSet::new();
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
            tasks.spawn(async move {
                let suite = run_suite(&run_cfg, |_| {}).await;
                (i, defect, suite)
            });
        }
        let mut done = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            if let Ok(result) = joined {
                done.push(result);
            }
        }
        done.sort_by_key(|(i, _, _)| *i);
        for (_, defect, suite) in done {
            columns.push(Column::from_suite(defect, &suite?));
        }
    }
    Ok(columns)
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

/// The matrix as text: a row per scenario, a column per defect; `x` where a check other
/// than the snapshot failed, then which checks caught each defect.
pub fn render(columns: &[Column]) -> String {
    let Some(first) = columns.first() else {
        return String::new();
    };
    let width = first
        .scenarios
        .iter()
        .map(String::len)
        .max()
        .unwrap_or(8)
        .max(8);
    let mut out = String::new();
    out.push_str(&format!("{:width$}", "scenario \\ defect"));
    for (i, c) in columns.iter().enumerate() {
        let _ = c;
        out.push_str(&format!(" {:>3}", i));
    }
    out.push('\n');
    for s in &first.scenarios {
        out.push_str(&format!("{s:width$}"));
        for c in columns {
            let mark = if c.caught_by.contains_key(s) {
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
    }
    out
}
