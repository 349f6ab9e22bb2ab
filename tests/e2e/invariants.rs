//! Each invariant catches the defect it is about: worlds built directly in the core with a
//! known flaw, judged by the runner's pure checks.

use drydock_core::address::Address;
use drydock_core::carrier::ShipmentRequest;
use drydock_core::spec::ProductSpec;
use drydock_core::storefront::{Checkout, TrackingInfo};
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

fn ship_to() -> Address {
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
    w.place_order(Checkout {
        email: "a@example.com".into(),
        ship_to: ship_to(),
        lines: vec![("MUG".into(), 1)],
    })
    .expect("order")
}

fn violations(name: &str, w: &World) -> Vec<String> {
    let evidence = drydock_runner::checks::invariants::Evidence {
        world: w,
        journal: &[],
    };
    (by_name(name).expect("invariant").judge)(&evidence)
}

fn buy_label(w: &mut World, reference: &str) -> String {
    let to = w.create_carrier_address(ship_to(), false);
    let from = w.create_carrier_address(w.ship_from.clone(), false);
    let shp = w
        .create_shipment(ShipmentRequest {
            to: to.into(),
            from: from.into(),
            weight_oz: 12.0,
            length_in: None,
            width_in: None,
            height_in: None,
            reference: Some(reference.into()),
        })
        .expect("shipment");
    let rate = w.carrier.shipments[&shp].rates[0].id.clone();
    w.buy_label(&shp, &rate).expect("label");
    w.carrier.shipments[&shp]
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
    w.cancel_order(id, "customer", true).expect("cancel");
    assert!(violations("no_order_lost", &w).is_empty());
}

#[test]
fn a_held_order_with_a_reason_is_not_lost() {
    let mut w = world();
    let id = order(&mut w);
    let fo = w.storefront.orders[&id].fulfillment_order_ids[0];
    w.hold_fulfillment_order(fo, "incorrect_address", "E.ZIP.INVALID")
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
        .carrier
        .shipments
        .values()
        .filter(|s| s.is_paid_label())
        .map(|s| s.id.clone())
        .next_back()
        .expect("shp");
    w.refund_label(&second).expect("refund");
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
    let fo = w.storefront.orders[&id].fulfillment_order_ids[0];
    let made_up = TrackingInfo {
        number: "1Z999".into(),
        url: String::new(),
        company: "UPS".into(),
    };
    w.create_fulfillment(&[fo], Some(made_up))
        .expect("fulfillment");
    let v = violations("tracking_matches_carrier", &w);
    assert!(v.iter().any(|m| m.contains("does not know")), "{v:?}");

    let mut w = world();
    let id = order(&mut w);
    let code = buy_label(&mut w, &id.to_string());
    let fo = w.storefront.orders[&id].fulfillment_order_ids[0];
    let fid = w
        .create_fulfillment(
            &[fo],
            Some(TrackingInfo {
                number: code,
                url: String::new(),
                company: "USPS".into(),
            }),
        )
        .expect("fulfillment");
    w.add_fulfillment_event(id, fid, ShipmentStatus::OutForDelivery, None, None, "")
        .expect("event");
    w.add_fulfillment_event(id, fid, ShipmentStatus::InTransit, None, None, "")
        .expect("event");
    let v = violations("tracking_matches_carrier", &w);
    assert!(v.iter().any(|m| m.contains("went backwards")), "{v:?}");
}

#[test]
fn storefront_stock_that_drifts_from_the_warehouse_is_caught() {
    let mut w = world();
    assert!(violations("stock_converges", &w).is_empty());
    w.set_on_hand("MUG", 9).expect("receive");
    let v = violations("stock_converges", &w);
    assert_eq!(
        v,
        vec!["MUG: the storefront offers 5 but the warehouse can sell 9".to_string()]
    );
}

#[test]
fn overselling_on_the_storefront_is_caught() {
    let mut w = world();
    let item = w.catalog["MUG"].inventory_item_id;
    let loc = w.storefront.location_id;
    w.set_available(item, loc, -2).expect("set");
    assert!(!violations("no_oversell", &w).is_empty());
}
