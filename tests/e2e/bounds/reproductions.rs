//! The reproductions of issue 10, item 3, each through the entry point the issue names:
//! a clear 4xx in the provider's (or the control API's) shape, or exit 2 with
//! file:line:column for a scenario file, and a world that is unchanged and consistent.

use axum::http::Method;
use drydock_core::limits::LATEST_INSTANT;
use drydock_runner::suite::{SuiteError, load};
use drydock_simulator::ProviderId;
use serde_json::{Value, json};

use super::{call, in_provider_shape, stocked_world};
use crate::personas::control::control;
use crate::personas::{MUG, client, send};
use crate::support::repo;

#[tokio::test]
async fn the_control_api_refuses_wrapping_orders_endless_advances_and_huge_faults() {
    let base = control(None).await;
    let spec = json!({"name": "wrap", "catalog": [{"sku": MUG, "stock": 50}]});
    let created = send(client().post(format!("{base}/worlds")).json(&spec)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_str().expect("world id").to_string();
    let state = || async {
        send(client().get(format!("{base}/worlds/{id}/state")))
            .await
            .body
    };
    let before = state().await;

    let wrap = json!({
        "ship_to": {"name": "Ada", "street1": "1 Main St", "city": "Reno", "state": "NV", "zip": "89501", "country": "US"},
        "lines": [{"sku": MUG, "quantity": 1u64 << 31}, {"sku": MUG, "quantity": 1u64 << 31}],
    });
    let placed = send(
        client()
            .post(format!("{base}/worlds/{id}/orders"))
            .json(&wrap),
    )
    .await;
    assert_eq!(placed.status, 422, "{}", placed.text);
    assert!(
        placed.body["error"]
            .as_str()
            .is_some_and(|e| e.contains("quantity")),
        "{}",
        placed.text
    );

    let endless = send(
        client()
            .post(format!("{base}/worlds/{id}/clock/advance"))
            .json(&json!({"by": "100000000h"})),
    )
    .await;
    // Refused while the body is read (400) or by the world (422), in the control API's shape.
    assert!(matches!(endless.status, 400 | 422), "{}", endless.text);
    assert!(
        endless.body["error"]
            .as_str()
            .is_some_and(|e| e.contains("520w")),
        "{}",
        endless.text
    );
    let past_the_end = send(
        client()
            .post(format!("{base}/worlds/{id}/clock/advance"))
            .json(&json!({"to": "9999-01-01T00:00:00Z"})),
    )
    .await;
    assert_eq!(past_the_end.status, 422, "{}", past_the_end.text);

    let delayed =
        json!({"name": "late", "persona": "shopify", "effect": "delayed", "delay": "1000000w"});
    let fault = send(
        client()
            .post(format!("{base}/worlds/{id}/faults"))
            .json(&delayed),
    )
    .await;
    assert!(matches!(fault.status, 400 | 422), "{}", fault.text);
    assert!(
        fault.body["error"]
            .as_str()
            .is_some_and(|e| e.contains("520w")),
        "{}",
        fault.text
    );
    let slow = json!({"name": "slow", "persona": "easypost", "effect": "latency", "delay": "1h"});
    let fault = send(
        client()
            .post(format!("{base}/worlds/{id}/faults"))
            .json(&slow),
    )
    .await;
    assert_eq!(fault.status, 422, "{}", fault.text);
    assert!(
        fault.body["error"]
            .as_str()
            .is_some_and(|e| e.contains("30s")),
        "{}",
        fault.text
    );

    assert_eq!(
        state().await,
        before,
        "a refused call leaves the world as it was"
    );
    let huge = json!({"name": "huge", "catalog": [{"sku": MUG, "stock": i64::MAX}]});
    let refused = send(client().post(format!("{base}/worlds")).json(&huge)).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
}

fn level(world: &drydock_simulator::WorldHandle) -> Value {
    world.read(|w| serde_json::to_value(&w.channels.first().inventory).unwrap_or(Value::Null))
}

#[tokio::test]
async fn shopify_refuses_an_adjustment_that_would_wrap() {
    let world = stocked_world().await;
    let (item, location) = world.read(|w| {
        (
            w.channels.first().listings[MUG].inventory_item_id,
            w.channels.first().location_id,
        )
    });
    let before = level(&world);
    let adjust = json!({"location_id": location, "inventory_item_id": item, "available_adjustment": i64::MAX});
    let r = call(
        &world,
        ProviderId::Shopify,
        Method::POST,
        "inventory_levels/adjust.json",
        adjust.to_string(),
    );
    assert_eq!(r.status, 422, "{}", r.body_text());
    assert!(in_provider_shape(ProviderId::Shopify, &r));
    assert!(
        r.body_json()["errors"]["available_adjustment"][0].is_string(),
        "{}",
        r.body_text()
    );
    assert_eq!(level(&world), before);
    assert_eq!(world.read(|w| w.check_consistency()), Vec::<String>::new());
}

#[tokio::test]
async fn easypost_refuses_a_parcel_of_1e18_ounces_and_stores_nothing() {
    let world = stocked_world().await;
    let address = json!({"name": "Ada", "street1": "179 N Harbor Dr", "city": "Redondo Beach", "state": "CA", "zip": "90277", "country": "US"});
    let body = json!({"shipment": {"to_address": address, "from_address": address, "parcel": {"weight": 1e18}}});
    let r = call(
        &world,
        ProviderId::EasyPost,
        Method::POST,
        "/shipments",
        body.to_string(),
    );
    assert_eq!(r.status, 422, "{}", r.body_text());
    assert_eq!(
        r.body_json()["error"]["code"],
        "PARAMETER.INVALID",
        "{}",
        r.body_text()
    );
    assert!(world.read(
        |w| w.carriers.first().shipments.is_empty() && w.carriers.first().addresses.is_empty()
    ));
}

#[tokio::test]
async fn shipbob_orders_are_whole_or_absent_even_at_the_end_of_time() {
    let world = stocked_world().await;
    let huge = crate::personas::warehouse_order("2002", MUG, 1, json!([]));
    let mut huge = huge;
    huge["products"][0]["quantity"] = json!(i64::MAX);
    let r = call(
        &world,
        ProviderId::ShipBob,
        Method::POST,
        "/order",
        huge.to_string(),
    );
    assert_eq!(r.status, 400, "{}", r.body_text());
    assert!(
        in_provider_shape(ProviderId::ShipBob, &r),
        "{}",
        r.body_text()
    );
    assert!(world.read(|w| w.warehouses.first().by_reference("2002").is_none()));

    // Asked to move to the last instant jiff knows, the clock stops at the latest one a
    // world knows, and scheduling the pick there does not panic.
    world.advance_to(jiff::Timestamp::MAX).await;
    assert_eq!(world.now(), LATEST_INSTANT);
    let fine = crate::personas::warehouse_order("2002", MUG, 1, json!([]));
    let r = call(
        &world,
        ProviderId::ShipBob,
        Method::POST,
        "/order",
        fine.to_string(),
    );
    assert_eq!(
        r.status,
        201,
        "a retry is not refused as a duplicate: {}",
        r.body_text()
    );
    world.advance_to(LATEST_INSTANT).await;
    assert_eq!(world.read(|w| w.check_consistency()), Vec::<String>::new());
}

#[test]
fn a_scenario_with_out_of_range_values_is_refused_with_every_location() {
    let file = repo("fixtures/scenarios/broken/out-of-range.yaml");
    let Err(SuiteError::Invalid(errors)) = load(&[file]) else {
        panic!("the file must be refused as bad input (exit 2)");
    };
    let found: Vec<(usize, usize, &str)> = errors[0]
        .problems
        .iter()
        .map(|p| (p.line, p.column, p.message.as_str()))
        .collect();
    let expected: [(usize, usize, &str); 12] = [
        (4, 10, "the clock's start must be between"),
        (
            6,
            26,
            "the price of MUG must be between 0.00 and 10000000.00",
        ),
        (
            6,
            55,
            "the weight of MUG in ounces must be between 0 and 2400",
        ),
        (8, 14, "stock of TEE must be between 0 and 1000000000"),
        (11, 11, "add up to 4294967296 units"),
        (14, 33, "quantity of MUG must be between 1 and 100000"),
        (15, 33, "quantity of MUG must be between 1 and 100000"),
        (
            16,
            37,
            "on_hand of MUG must be between 0 and 1000000000 (got -1)",
        ),
        (17, 20, "`500000w` is longer than 520w"),
        (
            20,
            16,
            "`52w` is days or weeks, which only the virtual clock moves by",
        ),
        (21, 5, "`delay: 1h` must be at most 30s"),
        (30, 14, "`1000000w` is longer than 520w"),
    ];
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for ((line, column, message), (el, ec, words)) in found.iter().zip(expected) {
        assert_eq!((*line, *column), (el, ec), "{message}");
        assert!(message.contains(words), "{line}:{column}: {message}");
    }
    assert!(errors[0].problems.iter().all(|p| p.hint.is_some()));
}
