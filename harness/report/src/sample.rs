//! A made-up run for the renderers' tests: a flaky pass whose name is hostile markup, with
//! a held order, a warehouse exception, a wrongly picked order with two labels, an
//! alert, a fault that fired, failed requests and webhooks; and a scenario that never
//! started.

use std::collections::BTreeMap;

use drydock_core::Timestamp;
use drydock_core::alerts::Alert;
use drydock_runner::trace::{
    FaultFired, Milestone, OrderEvent, OrderTrace, Source, StockPoint, StockSample, Trace,
};
use drydock_runner::{CheckKind, CheckResult, Retry, ScenarioOutcome, SuiteOutcome};
use drydock_simulator::journal::{Direction, Journal, JournalEntry};
use drydock_simulator::settle::SettleSummary;

pub const HOSTILE: &str = "<script>alert('x')</script> & co";

pub fn at(hour: i64) -> Timestamp {
    let start: Timestamp = "2026-12-01T09:00:00Z".parse().unwrap_or_default();
    start + drydock_core::Duration::from_hours(hour)
}

fn entry(
    seq: u64,
    direction: Direction,
    persona: &str,
    target: &str,
    status: Option<u16>,
    error: Option<&str>,
) -> JournalEntry {
    JournalEntry {
        seq,
        real_ms: seq * 10,
        method: "POST".into(),
        target: target.into(),
        topic: Some("orders/create".into()),
        request_headers: vec![("content-type".into(), "application/json".into())],
        request_body: "{\"order\":1}".into(),
        status,
        error: error.map(str::to_string),
        duration_ms: 3,
        delivery_id: (direction == Direction::Webhook).then_some(seq),
        attempt: (direction == Direction::Webhook).then_some(1),
        ..JournalEntry::new(direction, persona, at(0))
    }
}

/// A journal holding `entries` (numbered as written).
fn journal(entries: Vec<JournalEntry>) -> Journal {
    let journal = Journal::anonymous().expect("a temp file for the sample journal");
    for e in entries {
        journal.record(e);
    }
    journal
}

fn event(hour: i64, source: Source, milestone: Milestone) -> OrderEvent {
    OrderEvent {
        at: at(hour),
        source,
        milestone,
        detail: format!("{} <b>", milestone.label()),
    }
}

fn lines(qty: u32) -> BTreeMap<String, u32> {
    BTreeMap::from([("MUG".to_string(), qty)])
}

pub fn trace() -> Trace {
    let level = |n: i64| {
        BTreeMap::from([(
            "MUG".to_string(),
            StockPoint {
                storefront: n,
                on_hand: 10,
                committed: 10 - n,
                sellable: n,
                on_hand_at: Vec::new(),
            },
        )])
    };
    Trace {
        started: at(0),
        ended: at(30),
        origins: BTreeMap::from([("shopify".into(), "http://127.0.0.1:4781".into())]),
        orders: vec![
            OrderTrace {
                alias: Some("a<b>".into()),
                id: 1,
                name: "#1001".into(),
                received_at: at(0),
                cancelled: false,
                ordered: lines(1),
                warehouse_lines: None,
                shipped_at: None,
                paid_labels: 0,
                events: vec![
                    event(0, Source::Storefront, Milestone::Received),
                    event(1, Source::Storefront, Milestone::Held),
                    event(1, Source::Alerts, Milestone::Alert),
                ],
            },
            OrderTrace {
                alias: Some("b".into()),
                id: 2,
                name: "#1002".into(),
                received_at: at(0),
                cancelled: false,
                ordered: lines(2),
                warehouse_lines: Some(lines(3)),
                shipped_at: Some(at(6)),
                paid_labels: 2,
                events: vec![
                    event(0, Source::Storefront, Milestone::Received),
                    event(2, Source::Warehouse, Milestone::Picked),
                    event(3, Source::Warehouse, Milestone::Exception),
                    event(6, Source::Warehouse, Milestone::Shipped),
                    event(30, Source::Carrier, Milestone::Delivered),
                ],
            },
        ],
        stock: vec![
            StockSample {
                at: at(0),
                after: "start".into(),
                levels: level(10),
            },
            StockSample {
                at: at(0),
                after: "place_order (line 9)".into(),
                levels: level(7),
            },
            StockSample {
                at: at(30),
                after: "end".into(),
                levels: level(7),
            },
        ],
        alerts: vec![Alert {
            at: at(1),
            channel: "#ops".into(),
            text: "order #1001 held: <address>".into(),
        }],
        faults: vec![FaultFired {
            at: at(2),
            persona: "shopify".into(),
            rule: "storefront-503".into(),
            target: "/admin/api/2026-10/orders.json".into(),
            effect: "503 <Service Unavailable>".into(),
        }],
        journal: journal(vec![
            entry(
                1,
                Direction::Inbound,
                "shopify",
                "/admin/api/2026-10/orders.json?status=any",
                Some(200),
                None,
            ),
            entry(
                2,
                Direction::Inbound,
                "shopify",
                "/admin/api/2026-10/orders.json",
                Some(503),
                None,
            ),
            entry(
                3,
                Direction::Webhook,
                "shopify",
                "http://127.0.0.1:9/webhooks/shopify",
                None,
                Some("connection refused"),
            ),
            entry(
                4,
                Direction::Webhook,
                "shopify",
                "http://127.0.0.1:9/webhooks/shopify",
                Some(500),
                None,
            ),
            entry(
                5,
                Direction::Webhook,
                "shopify",
                "http://127.0.0.1:9/webhooks/shopify",
                Some(200),
                None,
            ),
            entry(
                6,
                Direction::Fault,
                "shopify",
                "/admin/api/2026-10/orders.json",
                None,
                Some("503"),
            ),
        ]),
    }
}

pub fn suite() -> SuiteOutcome {
    let flaky = ScenarioOutcome {
        name: HOSTILE.into(),
        file: "scenarios/evil.yaml".into(),
        seed: 7,
        checks: vec![CheckResult {
            kind: CheckKind::Invariant,
            name: "no_order_lost".into(),
            passed: true,
            detail: String::new(),
        }],
        duration_ms: 12,
        virtual_span: "30h".into(),
        requests: 2,
        webhooks: 3,
        retries: vec![Retry {
            name: "scenarios/evil.yaml:12:5".into(),
            polls: 3,
            waited_ms: 20,
            close_call: true,
        }],
        settle: Some(SettleSummary {
            mode: "adaptive quiet window 180 ms (max 3000 ms)".into(),
            settles: 9,
            limit_hits: 1,
        }),
        trace: Some(trace()),
    };
    let broken = ScenarioOutcome {
        name: "never-started".into(),
        file: "scenarios/evil.yaml".into(),
        seed: 1,
        checks: vec![CheckResult {
            kind: CheckKind::Setup,
            name: "setup".into(),
            passed: false,
            detail: "the integration did not answer GET /health".into(),
        }],
        duration_ms: 5,
        virtual_span: String::new(),
        requests: 0,
        webhooks: 0,
        retries: vec![],
        settle: None,
        trace: None,
    };
    SuiteOutcome {
        scenarios: vec![flaky, broken],
        skipped: 0,
    }
}
