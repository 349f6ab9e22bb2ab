//! CI-grade runner behaviour: `--jobs` gives the same verdicts and snapshots as one at a
//! time, shards partition the suite, filters select by name or tag, `drydock review`
//! accepts and rejects pending snapshots, CI never accepts silently, exit codes, the
//! schema comment on every bundled scenario, and diagnostics at exact positions.

use std::collections::BTreeMap;
use std::path::Path;

use drydock_runner::select::{Selection, Shard};
use drydock_runner::suite::{SuiteError, load};
use drydock_runner::{RunConfig, SuiteOutcome, SutMode, run_suite};

use crate::support::{bundled_count, drydock, repo, temp_dir, text};

/// Copies the scenario files (and, with `snapshots`, their .snap files) of `from` to `to`.
fn copy_suite(from: &Path, to: &Path, snapshots: bool) {
    std::fs::create_dir_all(to).expect("dir");
    for entry in std::fs::read_dir(from).expect("suite dir").flatten() {
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext == "yaml" || (snapshots && ext == "snap") {
            std::fs::copy(&path, to.join(entry.file_name())).expect("copy");
        }
    }
}

fn files_with(dir: &Path, suffix: &str) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            name.ends_with(suffix)
                .then(|| (name, std::fs::read_to_string(e.path()).unwrap_or_default()))
        })
        .collect()
}

/// (scenario, every check's kind, name and verdict), in reported order.
fn verdicts(suite: &SuiteOutcome) -> Vec<(String, Vec<String>)> {
    suite
        .scenarios
        .iter()
        .map(|s| {
            let checks = s
                .checks
                .iter()
                .map(|c| {
                    let file = Path::new(&c.name)
                        .file_name()
                        .map(|f| f.to_string_lossy().to_string())
                        .unwrap_or_default();
                    format!("{:?} {file} {}", c.kind, c.passed)
                })
                .collect();
            (s.name.clone(), checks)
        })
        .collect()
}

fn embedded() -> SutMode {
    SutMode::Embedded(Default::default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_2_gives_the_same_verdicts_and_snapshots_as_jobs_1() {
    let mut runs = Vec::new();
    for jobs in [1, 2] {
        let dir = temp_dir(&format!("jobs{jobs}"));
        copy_suite(&repo("scenarios"), &dir.join("bundled"), false);
        copy_suite(&repo("fixtures/scenarios/shard"), &dir.join("shard"), false);
        let mut cfg = RunConfig::new(vec![dir.join("bundled"), dir.join("shard")], embedded());
        cfg.jobs = jobs;
        cfg.accept_snapshots = true;
        let suite = run_suite(&cfg, |_| {}).await.expect("the suite loads");
        let mut snaps = files_with(&dir.join("bundled"), ".snap");
        snaps.extend(files_with(&dir.join("shard"), ".snap"));
        runs.push((verdicts(&suite), snaps, dir));
    }
    let (one, two) = (&runs[0], &runs[1]);
    assert_eq!(one.0.len(), bundled_count() + 6);
    assert!(
        one.0
            .iter()
            .all(|(_, checks)| checks.iter().all(|c| c.ends_with("true"))),
        "{:?}",
        one.0
    );
    assert_eq!(one.0, two.0, "verdicts in the same (file) order");
    assert_eq!(one.1.len(), bundled_count() + 6);
    assert_eq!(one.1, two.1, "snapshots are identical");
    for (name, text) in &one.1 {
        let committed = ["scenarios", "fixtures/scenarios/shard"]
            .iter()
            .find_map(|d| std::fs::read_to_string(repo(&format!("{d}/{name}"))).ok());
        assert_eq!(
            committed.as_ref(),
            Some(text),
            "{name} matches the committed one"
        );
    }
    for (_, _, dir) in &runs {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shards_together_run_each_scenario_exactly_once() {
    let dir = temp_dir("shards");
    copy_suite(&repo("fixtures/scenarios/shard"), &dir, true);
    let mut seen: Vec<String> = Vec::new();
    for index in 1..=3 {
        let mut cfg = RunConfig::new(vec![dir.clone()], embedded());
        cfg.jobs = 2;
        cfg.selection = Selection {
            filters: vec![],
            shard: Some(Shard { index, count: 3 }),
        };
        let suite = run_suite(&cfg, |_| {}).await.expect("loads");
        assert_eq!(suite.scenarios.len(), 2, "shard {index}/3");
        assert_eq!(suite.skipped, 4);
        assert_eq!(suite.failed(), 0, "{:?}", verdicts(&suite));
        seen.extend(suite.scenarios.iter().map(|s| s.name.clone()));
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            "badges-restock",
            "caps-count",
            "pins-restock",
            "pins-shrinkage",
            "scarf-order",
            "tote-order"
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_select_by_name_or_tag() {
    let dir = temp_dir("filter");
    copy_suite(&repo("fixtures/scenarios/shard"), &dir, true);
    let mut cfg = RunConfig::new(vec![dir.clone()], embedded());
    cfg.selection.filters = vec!["PINS-RESTOCK".into(), "no-change".into()];
    let suite = run_suite(&cfg, |_| {}).await.expect("loads");
    let names: Vec<&str> = suite.scenarios.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["caps-count", "pins-restock"],
        "name or tag, in file order"
    );
    assert_eq!(suite.skipped, 4);
    assert_eq!(suite.failed(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- the drydock binary ----

#[test]
fn bad_shards_and_jobs_with_an_endpoint_exit_2_with_a_hint() {
    let dir = temp_dir("bad-shard");
    for (shard, words) in [
        ("0/3", "numbered 1 to 3"),
        ("4/3", "numbered 1 to 3"),
        ("x", "write K/N"),
    ] {
        let out = drydock(&dir, &["run", "--shard", shard], true);
        let (_, err) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{shard}: {err}");
        assert!(err.contains(words), "{shard}: {err}");
    }
    let out = drydock(
        &dir,
        &["run", "--jobs", "2", "--endpoint", "http://127.0.0.1:9"],
        true,
    );
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--sut-cmd"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ci_never_accepts_a_snapshot_silently() {
    let dir = temp_dir("ci-accept");
    std::fs::copy(
        repo("fixtures/scenarios/shard/caps-count.yaml"),
        dir.join("caps-count.yaml"),
    )
    .expect("copy");
    let refused = drydock(&dir, &["run", "--accept", "."], true);
    let (_, err) = text(&refused);
    assert_eq!(refused.status.code(), Some(2), "{err}");
    assert!(err.contains("refused under CI"), "{err}");
    assert!(!dir.join("caps-count.snap").exists());

    let run = drydock(&dir, &["run", "."], true);
    let (out, err) = text(&run);
    assert_eq!(run.status.code(), Some(1), "{out}{err}");
    assert_eq!(out.lines().last(), Some("0 passed, 1 failed"), "{out}");
    assert!(out.contains("no snapshot stored"), "{out}");
    assert!(!dir.join("caps-count.snap").exists(), "nothing accepted");
    assert!(dir.join("caps-count.snap.new").exists(), "left for review");

    let forced = drydock(
        &dir,
        &["run", "--accept", "--force-accept-in-ci", "."],
        true,
    );
    assert_eq!(forced.status.code(), Some(0), "{:?}", text(&forced));
    assert!(dir.join("caps-count.snap").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_summary_counts_skipped_scenarios() {
    let dir = temp_dir("summary");
    copy_suite(&repo("fixtures/scenarios/shard"), &dir, true);
    let run = drydock(
        &dir,
        &["run", "--filter", "caps-count", "--jobs", "2", "."],
        true,
    );
    let (out, err) = text(&run);
    assert_eq!(run.status.code(), Some(0), "{out}{err}");
    assert_eq!(out.lines().last(), Some("1 passed, 0 failed, 5 skipped"));
    assert!(!out.contains('\x1b'), "no colour without a terminal: {out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn review_lists_accepts_and_rejects_pending_snapshots() {
    let dir = temp_dir("review");
    for name in ["a", "b"] {
        std::fs::write(dir.join(format!("{name}.snap")), "stock:\n  X: 1\n").expect("write");
        std::fs::write(dir.join(format!("{name}.snap.new")), "stock:\n  X: 2\n").expect("write");
    }
    std::fs::write(dir.join("c.snap.new"), "stock:\n  Y: 3\n").expect("write");
    let d = dir.display().to_string();

    let list = drydock(&dir, &["review", "--list", &d], true);
    let (out, _) = text(&list);
    assert_eq!(list.status.code(), Some(0));
    assert!(
        out.contains("changed snapshot") && out.contains("new snapshot"),
        "{out}"
    );
    assert!(
        out.contains("-   X: 1") && out.contains("+   X: 2"),
        "{out}"
    );
    assert!(
        out.contains("0 accepted, 0 rejected, 3 left pending"),
        "{out}"
    );

    let no_tty = drydock(&dir, &["review", &d], true);
    assert_eq!(no_tty.status.code(), Some(2), "no terminal, no flag");
    let ci = drydock(&dir, &["review", "--accept-all", &d], true);
    assert_eq!(ci.status.code(), Some(2), "refused under CI");
    assert!(dir.join("a.snap.new").exists());

    let one = dir.join("b.snap.new").display().to_string();
    let reject = drydock(&dir, &["review", "--reject-all", &one], true);
    assert_eq!(reject.status.code(), Some(0), "{:?}", text(&reject));
    assert!(!dir.join("b.snap.new").exists());
    assert_eq!(
        std::fs::read_to_string(dir.join("b.snap")).ok().as_deref(),
        Some("stock:\n  X: 1\n")
    );

    let accept = drydock(&dir, &["review", "--accept-all", &d], false);
    assert_eq!(accept.status.code(), Some(0), "{:?}", text(&accept));
    assert_eq!(
        std::fs::read_to_string(dir.join("a.snap")).ok().as_deref(),
        Some("stock:\n  X: 2\n")
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("c.snap")).ok().as_deref(),
        Some("stock:\n  Y: 3\n")
    );
    assert!(files_with(&dir, ".snap.new").is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_bundled_suite_runs_from_anywhere_with_its_schema_beside_it() {
    let dir = temp_dir("embedded");
    let run = drydock(&dir, &["run", "--jobs", "2"], true);
    let (out, err) = text(&run);
    assert_eq!(run.status.code(), Some(0), "{out}{err}");
    let expected = format!("{} passed, 0 failed", bundled_count());
    assert_eq!(out.lines().last(), Some(expected.as_str()));
    let suite = dir.join(".drydock/suite");
    for (name, _) in files_with(&suite, ".yaml") {
        assert_schema_comment(&suite.join(name));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn scenario_names_must_be_unique_in_a_suite() {
    let dir = temp_dir("dup-name");
    let text =
        std::fs::read_to_string(repo("fixtures/scenarios/shard/caps-count.yaml")).expect("fixture");
    std::fs::write(dir.join("one.yaml"), &text).expect("write");
    std::fs::write(dir.join("two.yaml"), &text).expect("write");
    let Err(SuiteError::Invalid(errors)) = load(&[dir.join("one.yaml"), dir.join("two.yaml")])
    else {
        panic!("the second file must be refused")
    };
    let p = &errors[0].problems[0];
    assert_eq!((p.line, p.column), (3, 7), "{p}");
    assert!(p.message.contains("already used by"), "{p}");
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- schema comment and diagnostics ----

/// The first line is the yaml-language-server comment and its path reaches the
/// committed schema.
fn assert_schema_comment(file: &Path) {
    let text = std::fs::read_to_string(file).expect("scenario");
    let first = text.lines().next().unwrap_or("");
    let rel = first
        .strip_prefix("# yaml-language-server: $schema=")
        .unwrap_or_else(|| panic!("{} must start with the schema comment", file.display()));
    let schema = file.parent().expect("dir").join(rel);
    let schema_text = std::fs::read_to_string(&schema)
        .unwrap_or_else(|_| panic!("{}: {} does not exist", file.display(), schema.display()));
    assert_eq!(
        schema_text,
        drydock_scenario::schema::scenario_schema_json(),
        "{} points at a stale or wrong schema",
        file.display()
    );
}

#[test]
fn every_bundled_scenario_carries_the_schema_comment() {
    let mut dirs = vec![repo("scenarios"), repo("fixtures/scenarios")];
    let mut checked = 0;
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                if entry.file_name() != "broken" {
                    dirs.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                assert_schema_comment(&path);
                checked += 1;
            }
        }
    }
    assert!(checked >= 10, "only {checked} scenario files found");
}

#[test]
fn three_mistakes_are_reported_at_their_exact_positions() {
    let dir = temp_dir("three");
    let file = repo("fixtures/scenarios/broken/three-mistakes.yaml");
    let run = drydock(&dir, &["run", &file.display().to_string()], true);
    let (_, err) = text(&run);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(err.contains("has 3 problems"), "{err}");
    for (at, words) in [
        (
            "three-mistakes.yaml:12:18",
            "SKU MUGG is not in the catalog",
        ),
        ("three-mistakes.yaml:13:28", "no order named `o2`"),
        (
            "three-mistakes.yaml:14:33",
            "`teleported` is not a customer-visible",
        ),
    ] {
        assert!(err.contains(&format!("{at}: {words}")), "{at}: {err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_kind_of_mistake_in_one_file_is_reported_at_once() {
    let Err(SuiteError::Invalid(errors)) =
        load(&[repo("fixtures/scenarios/broken/every-kind.yaml")])
    else {
        panic!("the file must be refused");
    };
    let found: Vec<(usize, usize, &str)> = errors[0]
        .problems
        .iter()
        .map(|p| (p.line, p.column, p.message.as_str()))
        .collect();
    let expected: [(usize, usize, &str); 11] = [
        (4, 9, "`forty-two` is not a whole number"),
        (6, 29, "unknown field `colour`"),
        (9, 3, "unknown field `weather`"),
        (11, 20, "`5 parsecs`"),
        (12, 5, "`teleport` is not one of the allowed words"),
        (15, 16, "`forever` is not a duration"),
        (16, 39, "`many` is not a whole number"),
        (22, 11, "order name `first` is used twice"),
        (25, 22, "no order named `second`"),
        (26, 36, "`teleported` is not a customer-visible stage"),
        (27, 31, "missing field `ship_to`"),
    ];
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for ((line, column, message), (el, ec, words)) in found.iter().zip(expected) {
        assert_eq!((*line, *column), (el, ec), "{message}");
        assert!(message.contains(words), "{line}:{column}: {message}");
    }
    assert!(errors[0].problems.iter().all(|p| p.hint.is_some()));
}
