//! Each invariant catches the defect it is about: worlds built directly in the core with a
//! known flaw, judged by the runner's pure checks.

use drydock_core::address::Address;
use drydock_core::carrier::ShipmentRequest;
use drydock_core::spec::ProductSpec;
use drydock_core::storefront::{Checkout, ShipmentProgress, TrackingInfo};
use drydock_core::{World, WorldSpec};
use drydock_runner::checks::invariants::by_name;

fn world() -> World {
    let spec = WorldSpec {
        name: "invariants".into(),
        catalog: vec![ProductSpec {
            sku: "MUG".into(),
            title: "Mug".into(),
            price_cents: 1000,
            weight_oz: 12,
            stock: 5,
        }],
        ..WorldSpec::default()
    };
    World::new(&spec).expect("world")
}

pub(crate) fn ship_to() -> Address {
    Address {
        name: "Ada Lovelace".into(),
        street1: "417 Montgomery St".into(),
        city: "San Francisco".into(),
        state: "CA".into(),
        zip: "94104".into(),
        country: "US".into(),
        ..Address::default()
    }
}

fn order(w: &mut World) -> u64 {
    w.place_order(
        &w.default_channel(),
        Checkout {
            email: "a@example.com".into(),
            ship_to: ship_to(),
            lines: vec![("MUG".into(), 1)],
        },
    )
    .expect("order")
}

pub(crate) fn violations(name: &str, w: &World) -> Vec<String> {
    let evidence = drydock_runner::checks::invariants::Evidence {
        world: w,
        journal: &[],
        oversold_window: &[],
    };
    (by_name(name).expect("invariant").judge)(&evidence)
}

fn buy_label(w: &mut World, reference: &str) -> String {
    let to = w
        .create_carrier_address(&w.default_carrier(), ship_to(), false)
        .expect("address");
    let from = w
        .create_carrier_address(&w.default_carrier(), w.ship_from.clone(), false)
        .expect("address");
    let shp = w
        .create_shipment(
            &w.default_carrier(),
            ShipmentRequest {
                to: to.into(),
                from: from.into(),
                weight_oz: 12.0,
                length_in: None,
                width_in: None,
                height_in: None,
                reference: Some(reference.into()),
            },
        )
        .expect("shipment");
    let rate = w.carriers.first().shipments[&shp].rates[0].id.clone();
    w.buy_label(&w.default_carrier(), &shp, &rate)
        .expect("label");
    w.carriers.first().shipments[&shp]
        .tracking_code
        .clone()
        .expect("code")
}

#[test]
fn an_order_nobody_handled_is_lost() {
    let mut w = world();
    let id = order(&mut w);
    let v = violations("no_order_lost", &w);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].contains("never reached the warehouse"));
    w.cancel_order(&w.default_channel(), id, "customer", true)
        .expect("cancel");
    assert!(violations("no_order_lost", &w).is_empty());
}

#[test]
fn a_held_order_with_a_reason_is_not_lost() {
    let mut w = world();
    let id = order(&mut w);
    let fo = w.channels.first().orders[&id].fulfillment_order_ids[0];
    w.hold_fulfillment_order(
        &w.default_channel(),
        fo,
        "incorrect_address",
        "E.ZIP.INVALID",
    )
    .expect("hold");
    assert!(violations("no_order_lost", &w).is_empty());
}

#[test]
fn a_second_paid_label_is_caught_and_a_refund_clears_it() {
    let mut w = world();
    let id = order(&mut w);
    buy_label(&mut w, &id.to_string());
    assert!(violations("one_label_per_order", &w).is_empty());
    buy_label(&mut w, &id.to_string());
    let v = violations("one_label_per_order", &w);
    assert!(v.iter().any(|m| m.contains("2 paid labels")), "{v:?}");
    let second = w
        .carriers
        .first()
        .shipments
        .values()
        .filter(|s| s.is_paid_label())
        .map(|s| s.id.clone())
        .next_back()
        .expect("shp");
    w.refund_label(&w.default_carrier(), &second)
        .expect("refund");
    assert!(violations("one_label_per_order", &w).is_empty());
}

#[test]
fn a_label_for_no_order_is_caught() {
    let mut w = world();
    buy_label(&mut w, "nobody");
    let v = violations("one_label_per_order", &w);
    assert!(v.iter().any(|m| m.contains("belongs to no order")), "{v:?}");
}

#[test]
fn tracking_unknown_to_the_carrier_or_going_backwards_is_caught() {
    use drydock_core::storefront::ShipmentStatus;
    let mut w = world();
    let id = order(&mut w);
    let fo = w.channels.first().orders[&id].fulfillment_order_ids[0];
    let made_up = TrackingInfo {
        number: "1Z999".into(),
        url: String::new(),
        company: "UPS".into(),
    };
    w.create_fulfillment(&w.default_channel(), &[fo], Some(made_up))
        .expect("fulfillment");
    let v = violations("tracking_matches_carrier", &w);
    assert!(v.iter().any(|m| m.contains("does not know")), "{v:?}");

    let mut w = world();
    let id = order(&mut w);
    let code = buy_label(&mut w, &id.to_string());
    let fo = w.channels.first().orders[&id].fulfillment_order_ids[0];
    let fid = w
        .create_fulfillment(
            &w.default_channel(),
            &[fo],
            Some(TrackingInfo {
                number: code,
                url: String::new(),
                company: "USPS".into(),
            }),
        )
        .expect("fulfillment");
    report(
        &mut w,
        id,
        fid,
        ShipmentProgress::new(ShipmentStatus::OutForDelivery),
    );
    report(
        &mut w,
        id,
        fid,
        ShipmentProgress::new(ShipmentStatus::InTransit),
    );
    let v = violations("tracking_matches_carrier", &w);
    assert!(v.iter().any(|m| m.contains("went backwards")), "{v:?}");
}

#[test]
fn storefront_stock_that_drifts_from_the_warehouse_is_caught() {
    let mut w = world();
    assert!(violations("stock_converges", &w).is_empty());
    w.set_on_hand(&w.default_warehouse(), "MUG", 9)
        .expect("receive");
    let v = violations("stock_converges", &w);
    assert_eq!(
        v,
        vec!["MUG: the storefront offers 5 but the warehouse can sell 9".to_string()]
    );
}

#[test]
fn overselling_on_the_storefront_is_caught() {
    let mut w = world();
    let item = w.channels.first().listings["MUG"].inventory_item_id;
    let loc = w.channels.first().location_id;
    w.set_available(&w.default_channel(), item, loc, -2)
        .expect("set");
    assert!(!violations("no_oversell", &w).is_empty());
}

/// A labelled order fulfilled on the storefront with the label's tracking number; the
/// carrier's tracker then reports `scans` (the test moves it by hand).
fn shipped_order(w: &mut World) -> (u64, u64, String) {
    let id = order(w);
    let code = buy_label(w, &id.to_string());
    let fo = w.channels.first().orders[&id].fulfillment_order_ids[0];
    let fid = w
        .create_fulfillment(
            &w.default_channel(),
            &[fo],
            Some(TrackingInfo {
                number: code.clone(),
                url: String::new(),
                company: "USPS".into(),
            }),
        )
        .expect("fulfillment");
    (id, fid, code)
}

/// The integration reports where the parcel of fulfillment `fulfillment` is.
fn report(w: &mut World, order: u64, fulfillment: u64, progress: ShipmentProgress) {
    w.add_fulfillment_event(&w.default_channel(), order, fulfillment, progress)
        .expect("event");
}

fn scan(w: &mut World, code: &str, status: drydock_core::carrier::TrackingStatus) {
    let now = w.now();
    let tracker = w
        .carriers
        .first_mut()
        .trackers
        .values_mut()
        .find(|t| t.tracking_code == code)
        .expect("tracker");
    tracker.status = status;
    tracker.details.push(drydock_core::carrier::TrackingDetail {
        status,
        message: String::new(),
        datetime: now,
        city: String::new(),
        state: String::new(),
        zip: String::new(),
        country: "US".into(),
    });
}

#[test]
fn the_expected_delivery_must_be_the_carriers_once_the_parcel_moves() {
    use drydock_core::carrier::TrackingStatus;
    use drydock_core::storefront::ShipmentStatus;
    let mut w = world();
    let (id, fid, code) = shipped_order(&mut w);
    assert!(
        violations("eta_matches_carrier", &w).is_empty(),
        "before the parcel moves, no estimate is required"
    );
    scan(&mut w, &code, TrackingStatus::InTransit);
    let v = violations("eta_matches_carrier", &w);
    assert!(
        v.iter().any(|m| m.contains("no expected delivery")),
        "{v:?}"
    );
    let carrier = w
        .carriers
        .first()
        .tracker_by_code(&code)
        .and_then(|t| t.est_delivery_date);
    let wrong = carrier.map(|t| t + drydock_core::Duration::from_hours(24));
    report(
        &mut w,
        id,
        fid,
        ShipmentProgress {
            estimated_delivery_at: wrong,
            ..ShipmentProgress::new(ShipmentStatus::InTransit)
        },
    );
    let v = violations("eta_matches_carrier", &w);
    assert!(
        v.iter().any(|m| m.contains("the carrier estimates")),
        "{v:?}"
    );
    report(
        &mut w,
        id,
        fid,
        ShipmentProgress {
            estimated_delivery_at: carrier,
            ..ShipmentProgress::new(ShipmentStatus::InTransit)
        },
    );
    assert!(violations("eta_matches_carrier", &w).is_empty());
}

#[test]
fn a_milestone_the_customer_never_saw_is_caught() {
    use drydock_core::carrier::TrackingStatus;
    use drydock_core::storefront::ShipmentStatus;
    let mut w = world();
    let (id, fid, code) = shipped_order(&mut w);
    for status in [
        TrackingStatus::InTransit,
        TrackingStatus::OutForDelivery,
        TrackingStatus::Delivered,
    ] {
        scan(&mut w, &code, status);
    }
    for status in [ShipmentStatus::InTransit, ShipmentStatus::Delivered] {
        report(&mut w, id, fid, ShipmentProgress::new(status));
    }
    let v = violations("every_milestone_shown", &w);
    assert!(v.iter().any(|m| m.contains("out_for_delivery")), "{v:?}");
    report(
        &mut w,
        id,
        fid,
        ShipmentProgress::new(ShipmentStatus::OutForDelivery),
    );
    assert!(violations("every_milestone_shown", &w).is_empty());
}

#[test]
fn a_held_order_may_keep_its_units_reserved_or_give_them_back() {
    let mut w = world();
    let id = order(&mut w);
    let fo = w.channels.first().orders[&id].fulfillment_order_ids[0];
    w.hold_fulfillment_order(
        &w.default_channel(),
        fo,
        "incorrect_address",
        "no such street",
    )
    .expect("hold");
    let item = w.channels.first().listings["MUG"].inventory_item_id;
    let loc = w.channels.first().location_id;
    assert!(violations("stock_converges", &w).is_empty(), "kept: 4 of 5");
    w.set_available(&w.default_channel(), item, loc, 5)
        .expect("set");
    assert!(
        violations("stock_converges", &w).is_empty(),
        "given back: 5"
    );
    w.set_available(&w.default_channel(), item, loc, 3)
        .expect("set");
    assert!(
        !violations("stock_converges", &w).is_empty(),
        "3 is neither"
    );
}

#[test]
fn orders_for_more_units_than_the_warehouse_holds_are_an_oversell() {
    let mut w = world();
    let item = w.channels.first().listings["MUG"].inventory_item_id;
    let loc = w.channels.first().location_id;
    // The storefront offers the warehouse's count again, forgetting orders in flight.
    w.set_available(&w.default_channel(), item, loc, 10)
        .expect("set");
    for _ in 0..6 {
        order(&mut w);
    }
    let v = violations("no_oversell", &w);
    assert!(
        v.iter()
            .any(|m| m.contains("took orders for 6 units but the warehouse holds 5")),
        "{v:?}"
    );
}

/// The snapshot records only what the contract defines: two integrations that differ in
/// a choice it leaves open (an estimate pushed before the parcel moves, a held order's
/// units kept in reserve or given back, alert wording) render the same snapshot.
#[test]
fn policies_the_contract_leaves_open_render_the_same_snapshot() {
    use drydock_core::storefront::ShipmentStatus;
    use drydock_runner::snapshot::render;
    use std::collections::BTreeMap;

    let mut early = world();
    let (id, fid, code) = shipped_order(&mut early);
    let held = order(&mut early);
    let fo = early.channels.first().orders[&held].fulfillment_order_ids[0];
    early
        .hold_fulfillment_order(
            &early.default_channel(),
            fo,
            "incorrect_address",
            "no such street",
        )
        .expect("hold");
    let mut late = early.clone();

    // One pushes the label's estimate at once, keeps the held unit and words its alert
    // one way; the other pushes nothing yet, gives the unit back and words it another.
    let eta = early
        .carriers
        .first()
        .tracker_by_code(&code)
        .and_then(|t| t.est_delivery_date);
    report(
        &mut early,
        id,
        fid,
        ShipmentProgress {
            estimated_delivery_at: eta,
            ..ShipmentProgress::new(ShipmentStatus::LabelPurchased)
        },
    );
    let name = early.channels.first().orders[&held].name.clone();
    early.record_alert("#ops", &format!("Order {name} held: bad address"));
    // The warehouse can sell all 5 (it never saw the held order).
    let item = late.channels.first().listings["MUG"].inventory_item_id;
    let loc = late.channels.first().location_id;
    early
        .set_available(&early.default_channel(), item, loc, 4)
        .expect("kept in reserve");
    late.set_available(&late.default_channel(), item, loc, 5)
        .expect("given back");
    late.record_alert("#ops", &format!("{name}: please check the address"));

    let orders = BTreeMap::from([("shipped".to_string(), id), ("held".to_string(), held)]);
    assert_eq!(
        render("policies", &early, &orders),
        render("policies", &late, &orders)
    );
    // A storefront number neither policy allows shows.
    let mut wrong = late.clone();
    wrong
        .set_available(&wrong.default_channel(), item, loc, 0)
        .expect("set");
    assert_ne!(
        render("policies", &late, &orders),
        render("policies", &wrong, &orders)
    );
}
