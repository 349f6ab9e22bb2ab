//! Playing one scenario: a fresh world, the integration started against it, the steps in
//! order, then the checks. Expectations that fail do not stop the play; the run reports
//! every check.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use drydock_core::action::{Action, Outcome};
use drydock_scenario::model::Step;
use drydock_scenario::{Condition, Scenario};
use drydock_simulator::settle::SettlePolicy;
use drydock_simulator::{Simulator, WorldHandle};
use serde_saphyr::Spanned;

use crate::checks::condition::evaluate;
use crate::checks::{invariants, stock};
use crate::config::RunConfig;
use crate::outcome::{CheckKind, CheckResult, Retry, ScenarioOutcome};
use crate::trace::Recorder;
use crate::{snapshot, sut};

/// The name of the check a scenario stopped by an interruption fails.
pub const INTERRUPTED: &str = "interrupted";

/// How many of its last log lines are shown when the integration exits mid-scenario.
const LOG_TAIL_LINES: usize = 20;

/// What playing produced besides the checks: the final snapshot text.
pub struct Played {
    pub outcome: ScenarioOutcome,
    pub snapshot: Option<String>,
}

pub async fn play(
    scenario: &Scenario,
    file: &Path,
    simulator: &Arc<Simulator>,
    cfg: &RunConfig,
    settle: SettlePolicy,
) -> Played {
    let started = Instant::now();
    let spec = scenario.world_spec();
    let mut outcome =
        ScenarioOutcome::new(scenario.name.clone(), file.display().to_string(), spec.seed);
    let created = match sut::world_plan(&cfg.sut, settle, &cfg.webhook_targets).await {
        Ok((ports, settings)) => simulator
            .create_world(&spec, ports, settings)
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    let world = match created {
        Ok(w) => w,
        Err(e) => {
            outcome.checks.push(setup_failure(e));
            return Played {
                outcome,
                snapshot: None,
            };
        }
    };
    let mut running = match sut::start(&cfg.sut, &world, &scenario.name).await {
        Ok(s) => s,
        Err(e) => {
            outcome.checks.push(setup_failure(e.to_string()));
            simulator.remove_world(&world.id);
            return Played {
                outcome,
                snapshot: None,
            };
        }
    };
    let mut interrupt = cfg.interrupt.clone();
    let ready = tokio::select! {
        biased;
        _ = interrupt.raised() => Err(interrupted("before the first step")),
        ready = running.wait_ready(cfg.ready_timeout) => ready.map_err(|e| setup_failure(e.to_string())),
    };
    if let Err(check) = ready {
        outcome.checks.push(check);
        running.stop().await;
        simulator.remove_world(&world.id);
        return Played {
            outcome,
            snapshot: None,
        };
    }
    world.settling.discover(&running.url).await;
    let start_time = world.now();
    let mut orders: BTreeMap<String, u64> = BTreeMap::new();
    let mut recorder = Recorder::start(&world);
    let mut oversold_window: Vec<String> = Vec::new();
    let mut stopped = running
        .exit_now()
        .map(|how| exited(&running, &how, "before the first step"));
    for step in &scenario.steps {
        if stopped.is_some() {
            break;
        }
        let when = format!("during step {}", location(file, step));
        let played = tokio::select! {
            biased;
            _ = interrupt.raised() => Err(interrupted(&when)),
            how = running.exited() => Err(exited(&running, &how, &when)),
            check = play_step(step, file, &world, &mut orders, &mut outcome.retries) => Ok(check),
        };
        match played {
            Ok(check) => outcome.checks.extend(check),
            Err(check) => stopped = Some(check),
        }
        recorder.after_step(&world, step);
        for found in world.read(stock::oversold) {
            if !oversold_window.iter().any(|o| stock::same_sku(o, &found)) {
                oversold_window.push(found);
            }
        }
        if cfg.fail_fast && !outcome.passed() {
            break;
        }
    }
    if stopped.is_none() {
        let last = "after the last step";
        let judged = tokio::select! {
            biased;
            _ = interrupt.raised() => Err(interrupted(last)),
            how = running.exited() => Err(exited(&running, &how, last)),
            checks = settle_and_judge(scenario, &world, cfg, &oversold_window, &mut outcome) => Ok(checks),
        };
        match judged {
            Ok(checks) => outcome.checks.extend(checks),
            Err(check) => stopped = Some(check),
        }
    }
    let complete = stopped.is_none();
    outcome.checks.extend(stopped);
    let final_world = world.snapshot();
    let text = snapshot::render(&scenario.name, &final_world, &orders);
    running.stop().await;
    outcome.trace = Some(recorder.finish(&world, &orders));
    outcome.settle = Some(world.settling.summary());
    let entries = world.journal.entries();
    outcome.requests = entries
        .iter()
        .filter(|e| e.direction == drydock_simulator::journal::Direction::Inbound)
        .count();
    outcome.webhooks = entries
        .iter()
        .filter(|e| e.direction == drydock_simulator::journal::Direction::Webhook)
        .count();
    let span = final_world.now().duration_since(start_time);
    outcome.virtual_span = format!("{:#}", jiff::SignedDuration::from_secs(span.as_secs()));
    simulator.remove_world(&world.id);
    outcome.duration_ms = started.elapsed().as_millis() as u64;
    Played {
        outcome,
        snapshot: complete.then_some(text),
    }
}

/// The end of a scenario: the integration given time to go quiet, then the invariants
/// (unless fail-fast already saw a failure).
async fn settle_and_judge(
    scenario: &Scenario,
    world: &WorldHandle,
    cfg: &RunConfig,
    oversold_window: &[String],
    outcome: &mut ScenarioOutcome,
) -> Vec<CheckResult> {
    world.settle().await;
    if cfg.fail_fast && !outcome.passed() {
        return Vec::new();
    }
    judge_invariants(
        scenario,
        world,
        oversold_window,
        cfg.converge_timeout,
        &mut outcome.retries,
    )
    .await
}

/// The check of a scenario whose integration exited while it played: how, when, and
/// the last lines it wrote.
fn exited(running: &sut::RunningSut, how: &str, when: &str) -> CheckResult {
    let log = match (&running.log, running.log_tail(LOG_TAIL_LINES)) {
        (Some(path), Some(tail)) if !tail.is_empty() => {
            format!("; the last lines of its log ({}):\n{tail}", path.display())
        }
        (Some(path), _) => format!("; its log ({}) is empty", path.display()),
        _ => String::new(),
    };
    CheckResult {
        kind: CheckKind::Setup,
        name: "integration".into(),
        passed: false,
        detail: format!("integration exited with {how} {when}{log}"),
    }
}

/// The check of a scenario stopped by drydock's own SIGINT/SIGTERM.
fn interrupted(when: &str) -> CheckResult {
    CheckResult {
        kind: CheckKind::Setup,
        name: INTERRUPTED.into(),
        passed: false,
        detail: format!("interrupted {when}: drydock received SIGINT or SIGTERM"),
    }
}

fn setup_failure(detail: String) -> CheckResult {
    CheckResult {
        kind: CheckKind::Setup,
        name: "setup".into(),
        passed: false,
        detail,
    }
}

fn location<T>(file: &Path, spanned: &Spanned<T>) -> String {
    format!(
        "{}:{}:{}",
        file.display(),
        spanned.referenced.line(),
        spanned.referenced.column()
    )
}

async fn play_step(
    step: &Spanned<Step>,
    file: &Path,
    world: &Arc<WorldHandle>,
    orders: &mut BTreeMap<String, u64>,
    retries: &mut Vec<Retry>,
) -> Option<CheckResult> {
    let at = location(file, step);
    let failed = |detail: String| {
        Some(CheckResult {
            kind: CheckKind::Expectation,
            name: at.clone(),
            passed: false,
            detail,
        })
    };
    if let Some(action) = step.value.action(orders) {
        let performed = match action {
            Ok(action) => perform(action, world).await,
            Err(e) => Err(e),
        };
        return match performed {
            Ok(Performed::Placed(id)) => {
                if let Step::PlaceOrder(o) = &step.value {
                    orders.insert(o.alias.value.clone(), id);
                }
                None
            }
            Ok(Performed::Done) => None,
            Ok(Performed::Unsettled(n)) => {
                tracing::info!("{at}: the integration stayed busy after {n} happenings");
                None
            }
            Err(e) => failed(refusal(&step.value, e)),
        };
    }
    match &step.value {
        Step::WaitUntil(w) => {
            let limit = w
                .timeout
                .as_ref()
                .map(|t| t.value.as_std())
                .unwrap_or(Duration::from_secs(10));
            let until = in_world_terms(&w.until, world, orders);
            let (mismatches, polls, waited) = wait_for(&until, world, orders, limit).await;
            if mismatches.is_empty() {
                if polls > 1 {
                    retries.push(Retry {
                        name: at,
                        polls,
                        waited_ms: waited.as_millis() as u64,
                        close_call: waited * 2 > limit,
                    });
                }
                None
            } else {
                failed(format!(
                    "waited {}s for {}; still {}",
                    limit.as_secs_f32(),
                    w.until.describe(),
                    join(&mismatches)
                ))
            }
        }
        Step::PlaceOrder(_)
        | Step::CancelOrder(_)
        | Step::SetStock(_)
        | Step::AdvanceClock(_)
        | Step::Fault(_)
        | Step::ClearFault(_)
        | Step::Label(_) => None,
        Step::Expect(c) => {
            let c = in_world_terms(c, world, orders);
            let mismatches = world.read(|w| evaluate(&c, w, orders));
            if mismatches.is_empty() {
                Some(CheckResult {
                    kind: CheckKind::Expectation,
                    name: at,
                    passed: true,
                    detail: String::new(),
                })
            } else {
                failed(join(&mismatches))
            }
        }
    }
}

/// What came of a step's action, as the runner needs it.
enum Performed {
    /// An order was placed with this storefront id.
    Placed(u64),
    /// The clock moved, and the integration was still busy after this many happenings.
    Unsettled(usize),
    Done,
}

/// Performs one action on the world; moving the clock also settles the integration.
async fn perform(action: Action, world: &Arc<WorldHandle>) -> Result<Performed, String> {
    match world.act(|w| w.perform(action)).await {
        Ok(Outcome::Placed { order_id, .. }) => Ok(Performed::Placed(order_id)),
        Ok(Outcome::MoveClockTo { to }) => {
            let report = world.advance_to(to).await;
            Ok(if report.unsettled > 0 {
                Performed::Unsettled(report.unsettled)
            } else {
                Performed::Done
            })
        }
        Ok(
            Outcome::SoldOut
            | Outcome::Cancelled { .. }
            | Outcome::StockSet { .. }
            | Outcome::FaultAdded { .. }
            | Outcome::FaultCleared { .. }
            | Outcome::LabelPassed { .. },
        ) => Ok(Performed::Done),
        Err(e) => Err(e.to_string()),
    }
}

/// A refused step, in the scenario's words.
fn refusal(step: &Step, e: String) -> String {
    match step {
        Step::PlaceOrder(o) => format!(
            "place_order `{}`: the storefront refused the order: {e}",
            o.alias.value
        ),
        Step::CancelOrder(c) => format!(
            "cancel_order `{}`: the storefront refused: {e}",
            c.order.value
        ),
        Step::SetStock(s) => format!("set_stock {}: {e}", s.sku.value),
        Step::AdvanceClock(_) => format!("advance_clock: {e}"),
        Step::Fault(f) => format!("fault `{}`: {e}", f.name),
        Step::ClearFault(name) => format!("clear_fault `{name}`: {e}"),
        Step::Label(label) => format!("label `{label}`: {e}"),
        Step::WaitUntil(_) | Step::Expect(_) => e,
    }
}

/// A condition in the world's own terms: an alert text naming an order as scenarios and
/// snapshots do (`#1001` for the first placed, `#1002` for the next) names it by its real
/// number, which differs in an id space (`--endpoint`).
fn in_world_terms(c: &Condition, world: &WorldHandle, orders: &BTreeMap<String, u64>) -> Condition {
    let mut c = c.clone();
    if let Some(text) = c.alert_contains.as_mut().filter(|t| t.contains('#')) {
        let mut ids: Vec<u64> = orders.values().copied().collect();
        ids.sort_unstable();
        let names: Vec<String> = world.read(|w| {
            ids.iter()
                .filter_map(|id| w.order(*id).map(|o| o.name.clone()))
                .collect()
        });
        let stable = crate::snapshot::stable_order_names(&names);
        for (name, stable) in names.iter().zip(&stable).rev() {
            if name != stable {
                *text = text.replace(stable, name);
            }
        }
    }
    c
}

fn join(m: &[crate::checks::condition::Mismatch]) -> String {
    m.iter()
        .map(|m| m.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

async fn wait_for(
    c: &Condition,
    world: &WorldHandle,
    orders: &BTreeMap<String, u64>,
    limit: Duration,
) -> (Vec<crate::checks::condition::Mismatch>, u32, Duration) {
    let started = Instant::now();
    let mut polls = 0;
    loop {
        let mismatches = world.read(|w| evaluate(c, w, orders));
        polls += 1;
        if mismatches.is_empty() || started.elapsed() >= limit {
            return (mismatches, polls, started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Judges every invariant, giving the integration up to `converge` to settle eventual
/// ones (stock pushes, last tracking events) before a violation counts.
async fn judge_invariants(
    scenario: &Scenario,
    world: &WorldHandle,
    oversold_window: &[String],
    converge: Duration,
    retries: &mut Vec<Retry>,
) -> Vec<CheckResult> {
    let started = Instant::now();
    let mut polls = 0;
    let verdicts = loop {
        polls += 1;
        let journal = world.journal.entries();
        let verdicts: Vec<(&invariants::Invariant, Vec<String>)> = world.read(|w| {
            let evidence = invariants::Evidence {
                world: w,
                journal: &journal,
                oversold_window,
            };
            invariants::ALL
                .iter()
                .map(|i| (i, (i.judge)(&evidence)))
                .collect()
        });
        let all_hold = verdicts
            .iter()
            .all(|(i, v)| v.is_empty() || waiver(scenario, i.name).is_some());
        if all_hold && polls > 1 {
            retries.push(Retry {
                name: "invariants".into(),
                polls,
                waited_ms: started.elapsed().as_millis() as u64,
                close_call: true,
            });
        }
        if all_hold || started.elapsed() >= converge {
            break verdicts;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    verdicts
        .into_iter()
        .map(|(inv, violations)| match waiver(scenario, inv.name) {
            Some(reason) => CheckResult {
                kind: CheckKind::Invariant,
                name: inv.name.into(),
                passed: true,
                detail: format!("waived: {reason}"),
            },
            None => CheckResult {
                kind: CheckKind::Invariant,
                name: inv.name.into(),
                passed: violations.is_empty(),
                detail: if violations.is_empty() {
                    String::new()
                } else {
                    format!("{} — {}", inv.promise, violations.join("; "))
                },
            },
        })
        .collect()
}

fn waiver<'a>(scenario: &'a Scenario, name: &str) -> Option<&'a str> {
    scenario
        .waive
        .iter()
        .find(|w| w.invariant.value == name)
        .map(|w| w.reason.as_str())
}
