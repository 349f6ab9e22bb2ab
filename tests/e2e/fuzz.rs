//! `drydock fuzz addresses` end to end against the embedded reference integration: the
//! correct integration passes a modest run, and the "sends unnormalized addresses"
//! defect is found and shrunk to a small address.

use std::time::Duration;

use drydock_fuzz::judge::Outcome;
use drydock_fuzz::{FuzzConfig, Target, Verdict, countries, run};
use drydock_reference::{Defect, Defects};
use drydock_runner::SutMode;
use drydock_simulator::settle::SettlePolicy;

fn config(defects: Defects, cases: usize) -> FuzzConfig {
    let target = Target {
        sut: SutMode::Embedded(defects),
        ready_timeout: Duration::from_secs(20),
        settle: SettlePolicy::observe(Duration::from_millis(120), Duration::from_secs(3)),
    };
    FuzzConfig::new(7, cases, countries(&[]).expect("all countries"), target)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_integration_passes_a_fuzz_run() {
    let report = run(&config(Defects::none(), 90), |_| {})
        .await
        .expect("the integration runs");
    let failures: Vec<String> = report
        .results
        .iter()
        .filter_map(|r| {
            r.verdict
                .failure()
                .map(|f| format!("case {} {:?}: {}", r.case.index, r.case.address, f.detail))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(report.results.len(), 90);
    let outcome = |o: Outcome| {
        report
            .results
            .iter()
            .filter(|r| matches!(r.verdict, Verdict::Pass { outcome, .. } if outcome == o))
            .count()
    };
    assert!(outcome(Outcome::Shipped) > 0, "some addresses ship");
    assert!(
        outcome(Outcome::Held) > 0,
        "junk addresses are held, not sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fuzzer_finds_unnormalized_addresses_and_shrinks_them() {
    let defect: Defects = [Defect::SendsUnnormalizedAddresses].into_iter().collect();
    let mut cfg = config(defect, 60);
    cfg.shrink_failures = 1;
    let report = run(&cfg, |_| {}).await.expect("the integration runs");
    assert!(report.failed() > 0, "the defect is found");
    let shrunk = report.shrunk.first().expect("a failure was shrunk");
    assert!(
        shrunk.confirmed,
        "the minimal address fails on its own: {shrunk:?}"
    );
    assert_eq!(shrunk.failure.kind, "carrier-rejects", "{shrunk:?}");
    assert!(!shrunk.failure.field.is_empty());
    assert!(
        shrunk.offending_len() < 60,
        "offending field {} is {} chars: {:?}",
        shrunk.failure.field,
        shrunk.offending_len(),
        shrunk.address
    );
    assert!(
        drydock_fuzz::case::size(&shrunk.address)
            < drydock_fuzz::case::size(&shrunk.original.address),
        "shrinking made the address smaller: {shrunk:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holding_addresses_the_carrier_accepts_is_a_false_hold() {
    let defect: Defects = [Defect::HoldsValidAddresses].into_iter().collect();
    let mut cfg = config(defect, 60);
    cfg.shrink_failures = 0;
    let report = run(&cfg, |_| {}).await.expect("the integration runs");
    let kinds: Vec<&str> = report
        .results
        .iter()
        .filter_map(|r| r.verdict.failure().map(|f| f.kind))
        .collect();
    assert!(
        kinds.contains(&"false-hold"),
        "holding a valid address with a unit line is caught: {kinds:?}"
    );
    let (_, families) = drydock_fuzz::summary::tables(&report.results);
    let false_holds: usize = families.values().map(|r| r.false_holds).sum();
    assert_eq!(
        false_holds,
        kinds.iter().filter(|k| **k == "false-hold").count(),
        "false holds are counted apart from bad labels"
    );
}
