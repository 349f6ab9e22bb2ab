//! The proof that the bundled drills can fail: the suite against the correct reference
//! integration (every scenario passes) and against each deliberate defect (each one is
//! caught by at least one scenario, by a named invariant or expectation, not merely by a
//! snapshot difference). Prints the defect × scenario matrix.

use std::path::PathBuf;

use drydock_reference::Defect;
use drydock_runner::matrix::{defect_matrix, render, sound};
use drydock_runner::{RunConfig, SutMode};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_defect_is_caught_by_a_drill_and_the_correct_integration_passes() {
    let scenarios = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let cfg = RunConfig::new(vec![scenarios], SutMode::Embedded(Default::default()));
    let scratch = std::env::temp_dir().join(format!("drydock-matrix-{}", std::process::id()));
    let columns = defect_matrix(&cfg, &Defect::ALL, &scratch, 4)
        .await
        .expect("the bundled suite loads");
    let text = render(&columns);
    println!("{text}");
    let _ = std::fs::remove_dir_all(&scratch);
    assert_eq!(columns.len(), Defect::ALL.len() + 1, "{text}");
    assert!(
        !columns[0].caught(),
        "the correct integration failed:\n{text}"
    );
    for column in &columns[1..] {
        assert!(column.caught(), "a defect went unnoticed:\n{text}");
    }
    assert!(sound(&columns), "some run could not be judged:\n{text}");
}

/// What the simulator decided (fault firings and webhook deliveries, in order) and what
/// the integration changed (its state-changing calls, sorted: within one virtual instant
/// its reactions interleave with deliveries in real time). No wall-clock times, no
/// read-only polling (its count follows the integration's real-time timers).
fn decisions(journal: &[drydock_simulator::journal::JournalEntry]) -> Vec<String> {
    use drydock_simulator::journal::Direction;
    let line = |e: &drydock_simulator::journal::JournalEntry| {
        without_ports(&format!(
            "{:?} {} {} {} {} {:?} {:?} {}",
            e.direction,
            e.persona,
            e.virtual_time,
            e.method,
            e.target,
            e.topic,
            e.status,
            e.response_body
        ))
    };
    let mut decided: Vec<String> = journal
        .iter()
        .filter(|e| matches!(e.direction, Direction::Fault | Direction::Webhook))
        .map(line)
        .collect();
    let mut changed: Vec<String> = journal
        .iter()
        .filter(|e| {
            e.direction == Direction::Inbound
                && e.method != "GET"
                && !e.target.contains("inventory_levels")
        })
        .map(line)
        .collect();
    changed.sort();
    decided.append(&mut changed);
    decided
}

/// Loopback ports differ from run to run (ephemeral); everything else must not.
fn without_ports(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("127.0.0.1:") {
        let (head, tail) = rest.split_at(at + "127.0.0.1:".len());
        out.push_str(head);
        out.push_str("PORT");
        rest = tail.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_seed_same_run_for_a_probabilistic_drill() {
    let scenario =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios/flaky-carrier.yaml");
    let mut runs = Vec::new();
    for round in 0..2 {
        let dir =
            std::env::temp_dir().join(format!("drydock-same-seed-{}-{round}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let copy = dir.join("flaky-carrier.yaml");
        std::fs::copy(&scenario, &copy).expect("copy the scenario");
        let cfg = RunConfig::new(vec![copy], SutMode::Embedded(Default::default()));
        let suite = drydock_runner::run_suite(&cfg, |_| {})
            .await
            .expect("the scenario loads");
        let outcome = &suite.scenarios[0];
        let failures: Vec<String> = outcome
            .failures()
            .filter(|c| c.kind != drydock_runner::CheckKind::Snapshot)
            .map(|c| format!("{}: {}", c.name, c.detail))
            .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        let journal = outcome.trace.as_ref().expect("a trace").journal.entries();
        runs.push(decisions(&journal));
        let _ = std::fs::remove_dir_all(&dir);
    }
    let fired = runs[0].iter().filter(|l| l.starts_with("Fault")).count();
    assert!(fired >= 2, "the probabilistic faults fired: {:#?}", runs[0]);
    let first_difference = runs[0]
        .iter()
        .zip(&runs[1])
        .position(|(a, b)| a != b)
        .map(|i| format!("entry {i}:\n  {}\n  {}", runs[0][i], runs[1][i]));
    assert!(
        first_difference.is_none() && runs[0].len() == runs[1].len(),
        "two runs with the same seed decided differently ({} vs {} entries) at {}",
        runs[0].len(),
        runs[1].len(),
        first_difference.unwrap_or_default()
    );
}

#[test]
fn the_readme_defect_table_names_every_defect() {
    let readme = std::fs::read_to_string(crate::support::repo("README.md")).expect("README");
    for defect in Defect::ALL {
        assert!(
            readme.contains(&format!("| `{}` |", defect.name())),
            "README's defect table lacks {defect}"
        );
    }
}

/// The bundled suite is portable: it never compares free text (alert wording), which
/// only the reference integration's own sentences would satisfy.
#[test]
fn the_bundled_suite_compares_no_free_text() {
    for entry in std::fs::read_dir(crate::support::repo("scenarios")).expect("scenarios/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|x| x == "yaml") {
            let text = std::fs::read_to_string(&path).expect("scenario");
            assert!(
                !text.contains("alert_contains"),
                "{} compares alert text; use `alerted: true` on the order",
                path.display()
            );
        }
    }
}
