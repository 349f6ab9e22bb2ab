//! Writing the reports a run asked for (`--junit`, `--json`, `--html`, `--har`). The
//! rendering is pure (drydock-report); this only creates directories and writes files
//! (atomically, never through a symlink).

use std::path::{Path, PathBuf};

use drydock_runner::{SuiteOutcome, files};

use crate::args::RunArgs;

/// Where each requested report goes.
#[derive(Debug, Default, Clone)]
pub struct Targets {
    pub junit: Option<PathBuf>,
    pub json: Option<PathBuf>,
    pub html: Option<PathBuf>,
    pub har: Option<PathBuf>,
}

pub fn targets(a: &RunArgs) -> Targets {
    Targets {
        junit: a.junit.clone(),
        json: a.json.clone(),
        html: a.html.clone(),
        har: a.har.clone(),
    }
}

/// Writes every requested report; returns one message per report that could not be
/// written (the others are still written).
/// With `quiet`, files written are not announced.
pub fn write(targets: &Targets, suite: &SuiteOutcome, quiet: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let mut put = |path: &Path, rendered: Result<String, drydock_report::RenderError>| {
        let result = rendered
            .map_err(|e| e.to_string())
            .and_then(|text| write_file(path, &text));
        match result {
            Ok(()) if quiet => {}
            Ok(()) => eprintln!("wrote {}", path.display()),
            Err(e) => problems.push(e),
        }
    };
    if let Some(path) = &targets.junit {
        put(path, drydock_report::junit::render(suite));
    }
    if let Some(path) = &targets.json {
        put(path, drydock_report::json::render(suite));
    }
    if let Some(path) = &targets.html {
        put(path, Ok(drydock_report::html::render(suite)));
    }
    if let Some(dir) = &targets.har {
        match drydock_report::har::files(suite) {
            Ok(files) => {
                for (name, text) in files {
                    put(&dir.join(drydock_scenario::safe_file_name(&name)), Ok(text));
                }
            }
            Err(e) => problems.push(e.to_string()),
        }
    }
    problems
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            format!(
                "cannot create {} for {}: {e}",
                dir.display(),
                path.display()
            )
        })?;
    }
    files::write_atomically(path, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
