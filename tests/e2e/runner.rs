//! The harness end to end: the bundled suite against the embedded reference integration,
//! and the ways a run must fail — a wrong expectation, a changed snapshot, broken files.

use drydock_runner::suite::{SuiteError, load};
use drydock_runner::{CheckKind, RunConfig, SutMode, run_suite};

use crate::support::{reference_bin, repo, temp_dir};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bundled_suite_passes_against_the_reference_integration() {
    let cfg = RunConfig::new(
        vec![repo("scenarios")],
        SutMode::Embedded(Default::default()),
    );
    let suite = run_suite(&cfg, |_| {}).await.expect("the suite loads");
    assert!(
        suite.scenarios.len() >= 13,
        "the bundled suite has its drills"
    );
    for s in &suite.scenarios {
        let failures: Vec<String> = s
            .failures()
            .map(|c| format!("{}: {}", c.name, c.detail))
            .collect();
        assert!(s.passed(), "{} failed:\n{}", s.name, failures.join("\n"));
        assert!(
            s.checks.iter().any(|c| c.kind == CheckKind::Invariant),
            "invariants were judged"
        );
        assert!(
            s.checks
                .iter()
                .any(|c| c.kind == CheckKind::Snapshot && c.passed)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_expectation_fails_and_names_its_line() {
    let cfg = RunConfig::new(
        vec![repo("fixtures/scenarios/wrong-expectation.yaml")],
        SutMode::Embedded(Default::default()),
    );
    let suite = run_suite(&cfg, |_| {}).await.expect("the suite loads");
    let outcome = &suite.scenarios[0];
    assert!(!outcome.passed());
    let failed: Vec<_> = outcome
        .failures()
        .filter(|c| c.kind == CheckKind::Expectation)
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0].name.ends_with("wrong-expectation.yaml:43:5"),
        "{}",
        failed[0].name
    );
    assert!(
        failed[0].detail.contains("expected 7, found 8"),
        "{}",
        failed[0].detail
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_snapshot_fails_with_a_diff_and_accept_rewrites_it() {
    let dir = temp_dir("snapshot");
    let file = dir.join("happy-path.yaml");
    std::fs::copy(repo("scenarios/happy-path.yaml"), &file).expect("copy scenario");
    let stored =
        std::fs::read_to_string(repo("scenarios/happy-path.snap")).expect("stored snapshot");
    std::fs::write(
        dir.join("happy-path.snap"),
        stored.replace("on_hand 8", "on_hand 9"),
    )
    .expect("write");

    let mut cfg = RunConfig::new(vec![file.clone()], SutMode::Embedded(Default::default()));
    let suite = run_suite(&cfg, |_| {}).await.expect("loads");
    let snap = suite.scenarios[0]
        .checks
        .iter()
        .find(|c| c.kind == CheckKind::Snapshot)
        .expect("snapshot check");
    assert!(!snap.passed);
    assert!(
        snap.detail.contains("- ") && snap.detail.contains("on_hand 9"),
        "{}",
        snap.detail
    );
    assert!(
        snap.detail.contains("+ ") && snap.detail.contains("on_hand 8"),
        "{}",
        snap.detail
    );
    assert!(dir.join("happy-path.snap.new").exists());

    cfg.accept_snapshots = true;
    run_suite(&cfg, |_| {}).await.expect("loads");
    assert_eq!(
        std::fs::read_to_string(dir.join("happy-path.snap")).expect("rewritten"),
        stored
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_snapshot_fails_instead_of_passing_silently() {
    let dir = temp_dir("missing");
    let file = dir.join("cancel-before-shipment.yaml");
    std::fs::copy(repo("scenarios/cancel-before-shipment.yaml"), &file).expect("copy");
    let cfg = RunConfig::new(vec![file], SutMode::Embedded(Default::default()));
    let suite = run_suite(&cfg, |_| {}).await.expect("loads");
    let snap = suite.scenarios[0]
        .checks
        .iter()
        .find(|c| c.kind == CheckKind::Snapshot)
        .expect("snapshot check");
    assert!(!snap.passed, "{}", snap.detail);
    assert!(snap.detail.contains("--accept"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_problem_of_a_broken_file_is_reported_with_its_position() {
    let Err(SuiteError::Invalid(errors)) =
        load(&[repo("fixtures/scenarios/broken/three-mistakes.yaml")])
    else {
        panic!("the file must be refused");
    };
    let positions: Vec<(usize, usize)> = errors[0]
        .problems
        .iter()
        .map(|p| (p.line, p.column))
        .collect();
    assert_eq!(positions, vec![(12, 18), (13, 28), (14, 33)]);
    assert!(errors[0].problems.iter().all(|p| p.hint.is_some()));
    let first = errors[0].problems[0].to_string();
    assert!(
        first.ends_with("three-mistakes.yaml:12:18: SKU MUGG is not in the catalog"),
        "{first}"
    );
}

#[test]
fn yaml_syntax_errors_and_unknown_keys_point_at_the_spot() {
    for (file, line, column, words) in [
        ("yaml-syntax.yaml", 10, 24, "unclosed quote"),
        ("unknown-key.yaml", 7, 7, "unknown field `colour`"),
    ] {
        let path = repo(&format!("fixtures/scenarios/broken/{file}"));
        let Err(SuiteError::Invalid(errors)) = load(&[path]) else {
            panic!("{file} must be refused")
        };
        let p = &errors[0].problems[0];
        assert_eq!((p.line, p.column), (line, column), "{file}: {p}");
        assert!(p.message.contains(words), "{file}: {}", p.message);
    }
}

#[test]
fn the_committed_schema_is_current() {
    let committed = std::fs::read_to_string(repo("scenario.schema.json"))
        .expect("scenario.schema.json is committed");
    assert!(
        committed == drydock_scenario::schema::scenario_schema_json(),
        "scenario.schema.json is stale: run `cargo run -- schema -o scenario.schema.json`"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_under_test_gets_the_contract_environment() {
    let bin = reference_bin();
    let cfg = RunConfig::new(
        vec![repo("scenarios/happy-path.yaml")],
        SutMode::Command(bin.display().to_string()),
    );
    let suite = run_suite(&cfg, |_| {}).await.expect("loads");
    let s = &suite.scenarios[0];
    let failures: Vec<String> = s
        .failures()
        .map(|c| format!("{}: {}", c.name, c.detail))
        .collect();
    assert!(s.passed(), "{}", failures.join("\n"));
}
