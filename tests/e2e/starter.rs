//! The starter integration of `examples/python/` (written from the docs only, Python
//! standard library) played against the bundled suite through `--sut-cmd`: the living
//! proof that the documented contract is enough to write an integration that passes.

use std::path::Path;
use std::process::{Command, Output};

use crate::support::{bundled_count, drydock, repo, temp_dir, text};

/// Runs the bundled suite (written by `drydock run` into the empty `dir`) against the
/// starter, and a JSON report in `dir/report.json`.
fn run_suite_against_starter(dir: &Path) -> Output {
    let app = repo("examples/python/app.py");
    let app = app.canonicalize().expect("examples/python/app.py exists");
    let sut = format!("python3 '{}'", app.display());
    drydock(
        dir,
        &[
            "run",
            "--jobs",
            "2",
            "--json",
            "report.json",
            "--sut-cmd",
            &sut,
        ],
        true,
    )
}

fn python3_available() {
    let version = Command::new("python3").arg("--version").output();
    assert!(
        version.is_ok_and(|o| o.status.success()),
        "python3 must be on PATH to play the starter integration"
    );
}

/// Every failed check of the run: `(scenario, kind, name, detail)`.
fn failed_checks(report: &serde_json::Value) -> Vec<(String, String, String, String)> {
    let field = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
    report["scenarios"]
        .as_array()
        .expect("scenarios[] in the report")
        .iter()
        .flat_map(|scenario| {
            let name = field(scenario, "name");
            scenario["checks"]
                .as_array()
                .expect("checks[]")
                .iter()
                .filter(|c| c["passed"] == serde_json::Value::Bool(false))
                .map(move |c| {
                    (
                        name.clone(),
                        field(c, "kind"),
                        field(c, "name"),
                        field(c, "detail"),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The whole promise: the starter, as shipped — its own wording, its own policy choices —
/// passes the bundled suite, snapshots included (they hold only what the contract
/// defines). Failed checks other than snapshots are listed first, as they say most.
#[test]
fn the_python_starter_passes_the_bundled_suite() {
    python3_available();
    let dir = temp_dir("starter-suite");
    let run = run_suite_against_starter(&dir);
    let (out, err) = text(&run);
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("report.json"))
            .unwrap_or_else(|e| panic!("no report ({e}): {out}{err}")),
    )
    .expect("the JSON report parses");
    assert_eq!(
        report["scenarios"].as_array().map(Vec::len),
        Some(bundled_count()),
        "every bundled scenario ran: {out}{err}"
    );
    let broken: Vec<_> = failed_checks(&report)
        .into_iter()
        .filter(|(_, kind, _, _)| kind != "snapshot")
        .collect();
    assert!(
        broken.is_empty(),
        "the starter failed checks other than snapshots (logs in {}/.drydock/logs):\n{}",
        dir.display(),
        broken
            .iter()
            .map(|(s, k, n, d)| format!("  {s}: [{k}] {n}: {d}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(run.status.code(), Some(0), "{out}{err}");
    let expected = format!("{} passed, 0 failed", bundled_count());
    assert_eq!(out.lines().last(), Some(expected.as_str()), "{out}{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The starter's routing rules hold to their own table (`python3 routing.py`), so a
/// change to them cannot hide behind a suite that happens to pass.
#[test]
fn the_starter_routes_by_its_table() {
    python3_available();
    let out = Command::new("python3")
        .arg("-B")
        .arg(repo("examples/python/routing.py"))
        .output()
        .expect("python3 runs");
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("routing cases pass"), "{stdout}{stderr}");
}
