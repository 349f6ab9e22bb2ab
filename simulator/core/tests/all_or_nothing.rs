//! Every world operation a persona or the control API calls, fed an input it must refuse:
//! the refusal is a typed error, and the world (serialized, plus its id sequence) is
//! exactly what it was before. The reproductions of issue 10 are among the inputs.

use drydock_core::address::Address;
use drydock_core::carrier::{AddressRef, ShipmentRequest};
use drydock_core::faults::{
    Effect, FaultRule, Quota, RequestEffect, Target, Trigger, WebhookEffect, WorldChange,
};
use drydock_core::spec::{ProductSpec, WorldSpec};
use drydock_core::storefront::{Checkout, ShipmentProgress};
use drydock_core::warehouse::WarehouseOrderRequest;
use drydock_core::{Duration, RealDuration, VirtualDuration, World, WorldError};

fn world() -> World {
    let mut spec = WorldSpec {
        name: "refusals".into(),
        seed: 3,
        ..WorldSpec::default()
    };
    spec.catalog.push(ProductSpec {
        sku: "MUG".into(),
        title: "Mug".into(),
        price_cents: 1200,
        weight_oz: 10,
        stock: 50,
    });
    let mut w = World::new(&spec).expect("world");
    // Some state to leave untouched: an order in the storefront and in the warehouse.
    w.place_order(&w.default_channel(), checkout(vec![("MUG".into(), 2)]))
        .expect("order");
    w.create_warehouse_order(
        &w.default_warehouse(),
        warehouse_order("R1", vec![("MUG".into(), "Mug".into(), 2)]),
    )
    .expect("warehouse order");
    w.take_events();
    w
}

fn address() -> Address {
    drydock_core::spec::default_ship_from()
}

fn checkout(lines: Vec<(String, u32)>) -> Checkout {
    Checkout {
        email: "a@example.com".into(),
        ship_to: address(),
        lines,
    }
}

fn warehouse_order(reference: &str, lines: Vec<(String, String, u32)>) -> WarehouseOrderRequest {
    WarehouseOrderRequest {
        reference_id: reference.into(),
        order_number: reference.into(),
        order_type: "DTC".into(),
        shipping_method: "Standard".into(),
        recipient: address(),
        lines,
        tags: Vec::new(),
    }
}

/// The world as far as anyone can observe it, including the next id it would hand out.
fn observed(w: &World) -> (serde_json::Value, String) {
    let mut probe = w.clone();
    (
        serde_json::to_value(w).expect("world serializes"),
        probe.next_uuid(),
    )
}

/// Runs `op` on a fresh world: it must be refused and change nothing.
fn refused<T: std::fmt::Debug>(what: &str, op: impl FnOnce(&mut World) -> Result<T, WorldError>) {
    refused_after(what, |_| (), |w, ()| op(w));
}

/// Prepares a fresh world with `setup`, then runs `op`: it must be refused and change
/// nothing.
fn refused_after<S, T: std::fmt::Debug>(
    what: &str,
    setup: impl FnOnce(&mut World) -> S,
    op: impl FnOnce(&mut World, S) -> Result<T, WorldError>,
) {
    let mut w = world();
    let prepared = setup(&mut w);
    w.take_events();
    let before = observed(&w);
    let result = op(&mut w, prepared);
    assert!(result.is_err(), "{what}: accepted: {result:?}");
    assert!(
        observed(&w) == before,
        "{what}: refused ({result:?}) but the world changed"
    );
    assert!(
        w.take_events().is_empty(),
        "{what}: events of a refused operation"
    );
    assert_eq!(w.check_consistency(), Vec::<String>::new(), "{what}");
}

#[test]
fn two_lines_of_2_pow_31_units_do_not_wrap_to_nothing() {
    refused("place_order 2^31 + 2^31", |w| {
        w.place_order(
            &w.default_channel(),
            checkout(vec![("MUG".into(), 1 << 31), ("MUG".into(), 1 << 31)]),
        )
    });
    refused("place_order u32::MAX", |w| {
        w.place_order(
            &w.default_channel(),
            checkout(vec![("MUG".into(), u32::MAX)]),
        )
    });
    refused("place_order more than in stock", |w| {
        w.place_order(
            &w.default_channel(),
            checkout(vec![("MUG".into(), 40), ("MUG".into(), 40)]),
        )
    });
    refused("place_order zero", |w| {
        w.place_order(&w.default_channel(), checkout(vec![("MUG".into(), 0)]))
    });
    refused("place_order unknown sku, after a valid line", |w| {
        w.place_order(
            &w.default_channel(),
            checkout(vec![("MUG".into(), 1), ("NOPE".into(), 1)]),
        )
    });
}

#[test]
fn stock_levels_and_adjustments_stay_in_bounds() {
    refused("adjust by i64::MAX", |w| {
        let item = w.channels.first().listings["MUG"].inventory_item_id;
        let location = w.channels.first().location_id;
        w.adjust_available(&w.default_channel(), item, location, i64::MAX)
    });
    refused_after(
        "adjust past the maximum",
        |w| {
            let item = w.channels.first().listings["MUG"].inventory_item_id;
            let location = w.channels.first().location_id;
            w.set_available(
                &w.default_channel(),
                item,
                location,
                drydock_core::limits::MAX_STOCK,
            )
            .expect("the maximum is allowed");
            (item, location)
        },
        |w, (item, location)| w.adjust_available(&w.default_channel(), item, location, 1),
    );
    refused("set available to i64::MIN", |w| {
        let item = w.channels.first().listings["MUG"].inventory_item_id;
        let location = w.channels.first().location_id;
        w.set_available(&w.default_channel(), item, location, i64::MIN)
    });
    refused("set on hand to i64::MAX", |w| {
        w.set_on_hand(&w.default_warehouse(), "MUG", i64::MAX)
    });
    refused("set on hand negative", |w| {
        w.set_on_hand(&w.default_warehouse(), "MUG", -1)
    });
}

#[test]
fn warehouse_orders_are_all_or_nothing() {
    refused("huge quantity", |w| {
        w.create_warehouse_order(
            &w.default_warehouse(),
            warehouse_order("R2", vec![("MUG".into(), "Mug".into(), u32::MAX)]),
        )
    });
    refused("second line unknown", |w| {
        w.create_warehouse_order(
            &w.default_warehouse(),
            warehouse_order(
                "R2",
                vec![
                    ("MUG".into(), "Mug".into(), 1),
                    ("NOPE".into(), "?".into(), 1),
                ],
            ),
        )
    });
    refused("duplicate reference", |w| {
        w.create_warehouse_order(
            &w.default_warehouse(),
            warehouse_order("R1", vec![("MUG".into(), "Mug".into(), 1)]),
        )
    });
    refused("cancel unknown", |w| {
        w.cancel_warehouse_order(&w.default_warehouse(), 999)
    });
}

#[test]
fn a_huge_parcel_gets_no_rate_and_stores_no_address() {
    let shipment = |weight_oz: f64, from: AddressRef| ShipmentRequest {
        to: AddressRef::Inline(Box::new(address())),
        from,
        weight_oz,
        length_in: None,
        width_in: None,
        height_in: None,
        reference: None,
    };
    refused("1e18 oz", |w| {
        w.create_shipment(
            &w.default_carrier(),
            shipment(1e18, AddressRef::Inline(Box::new(address()))),
        )
    });
    refused("NaN oz", |w| {
        w.create_shipment(
            &w.default_carrier(),
            shipment(f64::NAN, AddressRef::Inline(Box::new(address()))),
        )
    });
    refused("from an unknown address id", |w| {
        w.create_shipment(
            &w.default_carrier(),
            shipment(16.0, AddressRef::Stored("adr_nope".into())),
        )
    });
    let mut w = world();
    let id = w
        .create_shipment(
            &w.default_carrier(),
            shipment(
                drydock_core::limits::MAX_PARCEL_WEIGHT_OZ,
                AddressRef::Inline(Box::new(address())),
            ),
        )
        .expect("the heaviest parcel is rated");
    assert!(
        w.carriers.first().shipments[&id]
            .rates
            .iter()
            .all(|r| r.rate_cents > 0)
    );
    refused_after(
        "buy with a foreign rate",
        |w| {
            w.create_shipment(
                &w.default_carrier(),
                shipment(16.0, AddressRef::Inline(Box::new(address()))),
            )
            .expect("shipment")
        },
        |w, id| w.buy_label(&w.default_carrier(), &id, "rate_nope"),
    );
}

#[test]
fn storefront_operations_on_missing_things_leave_no_trace() {
    refused("fulfillment event of a missing fulfillment", |w| {
        let order = *w.channels.first().orders.keys().next().expect("order");
        w.add_fulfillment_event(
            &w.default_channel(),
            order,
            42,
            ShipmentProgress::new(drydock_core::storefront::ShipmentStatus::InTransit),
        )
    });
    refused("fulfill one line twice in one request", |w| {
        let fo = w
            .channels
            .first()
            .fulfillment_orders
            .values()
            .next()
            .expect("fo");
        let (fo_id, line) = (fo.id, fo.line_items[0].id);
        w.fulfill(
            &w.default_channel(),
            &[(fo_id, Some(vec![(line, 2), (line, 2)]))],
            None,
        )
    });
    refused("fulfill the same fulfillment order twice", |w| {
        let fo_id = *w
            .channels
            .first()
            .fulfillment_orders
            .keys()
            .next()
            .expect("fo");
        w.fulfill(&w.default_channel(), &[(fo_id, None), (fo_id, None)], None)
    });
    refused("cancel a missing order", |w| {
        w.cancel_order(&w.default_channel(), 7, "other", true)
    });
}

#[test]
fn the_clock_refuses_moves_beyond_its_range_instead_of_panicking() {
    let w = world();
    assert!(w.advance_target(Duration::from_hours(100_000_000)).is_err());
    assert!(w.advance_target(Duration::from_hours(-1)).is_err());
    assert!(w.advance_target(Duration::from_hours(24)).is_ok());
    assert!(w.check_target(jiff::Timestamp::MAX).is_err());
    assert!(VirtualDuration::parse("500000w").is_err());
    assert!(VirtualDuration::parse("1000000w").is_err());
    // Even a clock at the very end schedules without panicking.
    let mut w = world();
    w.settle_clock(jiff::Timestamp::MAX);
    assert_eq!(w.now(), drydock_core::limits::LATEST_INSTANT);
    w.create_warehouse_order(
        &w.default_warehouse(),
        warehouse_order("R9", vec![("MUG".into(), "Mug".into(), 1)]),
    )
    .expect("scheduled at the latest instant");
    while w.fire_next(jiff::Timestamp::MAX) {}
    assert_eq!(w.check_consistency(), Vec::<String>::new());
}

#[test]
fn fault_parameters_are_capped() {
    let easypost = || Target::Persona("easypost".into());
    let real = |ms: i64| RealDuration { millis: ms };
    let request = |effect: RequestEffect| FaultRule::new("f", easypost(), Effect::Request(effect));
    let outage = RequestEffect::Outage {
        status: None,
        retry_after: None,
    };
    let with_when = |when: Trigger| FaultRule {
        when,
        ..request(outage.clone())
    };
    let cases = [
        request(RequestEffect::Latency {
            delay: real(31_000),
            jitter: None,
        }),
        request(RequestEffect::Latency {
            delay: real(20_000),
            jitter: Some(real(20_000)),
        }),
        request(RequestEffect::Outage {
            status: None,
            retry_after: Some(real(7_200_000)),
        }),
        with_when(Trigger::First(u64::MAX)),
        with_when(Trigger::Probability(1.5)),
        FaultRule::new(
            "f",
            easypost(),
            Effect::Webhook(WebhookEffect::Delayed {
                delay: VirtualDuration { millis: i64::MAX },
            }),
        ),
        request(RequestEffect::RateLimited {
            retry_after: None,
            quota: Some(Quota {
                limit: u32::MAX,
                per: real(1_000),
            }),
        }),
    ];
    for case in cases {
        refused(&format!("{case:?}"), |w| w.add_fault(case.clone()));
    }
    refused("stock drift by i64::MAX", |w| {
        let drift = WorldChange::StockDrift {
            sku: "MUG".into(),
            delta: i64::MAX,
        };
        w.add_fault(FaultRule::new(
            "drift",
            Target::Persona("shipbob".into()),
            Effect::WorldChange(drift),
        ))
    });
}

#[test]
fn world_specs_out_of_range_are_refused() {
    let base = || {
        let mut spec = WorldSpec::default();
        spec.catalog.push(ProductSpec {
            sku: "MUG".into(),
            title: String::new(),
            price_cents: 1,
            weight_oz: 1,
            stock: 1,
        });
        spec
    };
    let mutations: [&dyn Fn(&mut WorldSpec); 5] = [
        &|s| s.catalog[0].stock = i64::MAX,
        &|s| s.catalog[0].price_cents = -1,
        &|s| s.catalog[0].weight_oz = u32::MAX,
        &|s| s.clock = jiff::Timestamp::MAX,
        &|s| s.warehouse.pick = Duration::from_hours(1_000_000),
    ];
    for mutate in mutations {
        let mut spec = base();
        mutate(&mut spec);
        assert!(World::new(&spec).is_err(), "{spec:?}");
    }
    assert!(World::new(&base()).is_ok());
}
