//! Settling on the integration's real state: the reference integration with a worker that
//! takes each job 500 ms after its webhook (a queue worker that polls) is judged correctly
//! by its idle endpoint and by the adaptive quiet window, and misjudged by a fixed 120 ms
//! window, which moves the clock on before the worker acts.

use std::time::Duration;

use drydock_runner::{RunConfig, ScenarioOutcome, Settle, SutMode, run_suite};

use crate::support::{reference_bin, repo};

async fn slow_worker(settle: Settle) -> ScenarioOutcome {
    let command = format!(
        "DRYDOCK_REF_WORKER_DELAY_MS=500 exec '{}'",
        reference_bin().display()
    );
    let mut cfg = RunConfig::new(
        vec![repo("scenarios/happy-path.yaml")],
        SutMode::Command(command),
    );
    cfg.settle = settle;
    cfg.quiet_max = Duration::from_millis(1_500);
    let mut suite = run_suite(&cfg, |_| {}).await.expect("the scenario loads");
    suite.scenarios.remove(0)
}

fn failures(s: &ScenarioOutcome) -> String {
    s.failures()
        .map(|c| format!("{}: {}", c.name, c.detail))
        .collect::<Vec<_>>()
        .join("\n")
}

fn mode(s: &ScenarioOutcome) -> String {
    s.settle
        .as_ref()
        .map(|x| x.mode.clone())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_reacting_500_ms_after_each_webhook_is_judged_correctly() {
    let idle = slow_worker(Settle::Auto).await;
    assert_eq!(mode(&idle), "idle endpoint");
    assert!(
        idle.passed(),
        "with the idle endpoint:\n{}",
        failures(&idle)
    );

    let adaptive = slow_worker(Settle::Adaptive).await;
    let window: u64 = mode(&adaptive)
        .strip_prefix("adaptive quiet window ")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|ms| ms.parse().ok())
        .unwrap_or_else(|| panic!("mode {:?}", mode(&adaptive)));
    assert!(
        window >= 500,
        "the window grew to cover the reactions: {window} ms"
    );
    assert!(
        adaptive.passed(),
        "with the adaptive window:\n{}",
        failures(&adaptive)
    );

    let fixed = slow_worker(Settle::Fixed).await;
    assert_eq!(mode(&fixed), "fixed quiet window 120 ms");
    assert!(
        !fixed.passed(),
        "a fixed 120 ms window moves the clock on before the worker acts, so the scenario must fail"
    );
}
