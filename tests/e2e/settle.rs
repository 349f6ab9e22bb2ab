//! Settling on the integration's real state: the reference integration with a worker that
//! takes each job 500 ms after its webhook (a queue worker that polls) is judged correctly
//! by its idle endpoint and by the adaptive quiet window, and misjudged by a fixed 120 ms
//! window, which moves the clock on before the worker acts. A request a fault slows down
//! holds the clock until it is answered.

use std::time::Duration;

use drydock_runner::{RunConfig, ScenarioOutcome, Settle, SutMode, run_suite};

use serde_json::{Value, json};

use crate::personas::control::control;
use crate::personas::{client, send};
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

/// A request slowed by a latency fault is in flight from the moment it arrives: a clock
/// advance asked for meanwhile waits for its answer, so the request is handled at the
/// virtual time it was sent, not an hour later.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clock_waits_for_a_request_slowed_by_a_latency_fault() {
    let base = control(None).await;
    let start = "2026-12-01T09:00:00Z";
    let spec = json!({"name": "slow", "seed": 3, "clock": start, "catalog": [{"sku": "MUG", "title": "Mug", "stock": 5}]});
    let created = send(client().post(format!("{base}/worlds")).json(&spec)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_str().expect("world id").to_string();
    let env = send(client().get(format!("{base}/worlds/{id}/env")))
        .await
        .body;
    let var = |name: &str| env[name].as_str().unwrap_or_default().to_string();
    let (shop, token) = (
        var("DRYDOCK_SHOPIFY_URL"),
        var("DRYDOCK_SHOPIFY_ACCESS_TOKEN"),
    );
    let slow =
        json!({"name": "slow-shop", "persona": "shopify", "effect": "latency", "delay": "600ms"});
    let added = send(
        client()
            .post(format!("{base}/worlds/{id}/faults"))
            .json(&slow),
    )
    .await;
    assert!(added.status < 300, "{}", added.text);

    let slowed = tokio::spawn(
        client()
            .get(format!("{shop}/orders.json"))
            .header("X-Shopify-Access-Token", token)
            .send(),
    );
    let journal = || async {
        send(client().get(format!("{base}/worlds/{id}/journal")))
            .await
            .body["entries"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    // The fault fires when the request arrives: from then on it is in flight.
    let mut arrived = false;
    for _ in 0..200 {
        if journal().await.iter().any(|e| e["direction"] == "fault") {
            arrived = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(arrived, "the slowed request reached the persona");
    let advanced = send(
        client()
            .post(format!("{base}/worlds/{id}/clock/advance"))
            .json(&json!({"by": "1h"})),
    )
    .await;
    assert_eq!(advanced.status, 200, "{}", advanced.text);
    let answered = slowed.await.expect("the request task").expect("an answer");
    assert_eq!(answered.status().as_u16(), 200);
    let handled: Vec<Value> = journal()
        .await
        .into_iter()
        .filter(|e| e["direction"] == "inbound")
        .map(|e| e["virtual_time"].clone())
        .collect();
    assert_eq!(
        handled,
        [json!(start)],
        "the slowed request was handled after the clock moved on under it"
    );
}
