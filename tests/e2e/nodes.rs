//! The judges across nodes: a world of two channels, two warehouses and two carriers,
//! built from a scenario's `world:` section, with known flaws — an oversell spread over
//! two channels, a channel out of step, a second label bought at another carrier — each
//! caught, and conditions and snapshots that name nodes.

use std::collections::BTreeMap;

use crate::invariants::{ship_to, violations};
use drydock_core::carrier::{AddressRef, ShipmentRequest};
use drydock_core::storefront::Checkout;
use drydock_core::warehouse::WarehouseOrderRequest;
use drydock_core::{NodeId, World};
use drydock_runner::checks::condition::evaluate;
use drydock_scenario::{Step, parse_scenario};

const SCENARIO: &str = "version: 1
name: two-of-each
world:
  catalog:
    - { sku: MUG, title: Mug, price: \"14.00\", weight_oz: 12 }
  channels: [{ id: shop, provider: shopify }, { id: shop-eu, provider: shopify }]
  warehouses:
    - { id: wh-east, provider: shipbob, region: US-East, stock: { MUG: 10 } }
    - { id: wh-eu, provider: shipbob, region: EU, stock: { MUG: 4 } }
  carriers: [{ id: easypost, provider: easypost }, { id: easypost-eu, provider: easypost }]
steps:
  - place_order:
      as: a
      ship_to: { name: Ada, street1: 1 Main St, city: Reno, state: NV, zip: \"89501\", country: US }
      lines: [{ sku: MUG, quantity: 1 }]
  - expect: { stock: MUG, warehouse: wh-eu, on_hand: 4 }
  - expect: { stock: MUG, channel: shop-eu, storefront: 14 }
  - expect: { stock: MUG, on_hand: 10 }
  - expect: { order: a, shipped_from: wh-eu }
";

fn id(s: &str) -> NodeId {
    NodeId::parse(s).expect("node id")
}

fn world() -> World {
    let scenario = parse_scenario("two-of-each.yaml", SCENARIO).expect("scenario");
    World::new(&scenario.world_spec()).expect("world")
}

fn conditions() -> Vec<drydock_scenario::Condition> {
    let scenario = parse_scenario("two-of-each.yaml", SCENARIO).expect("scenario");
    scenario
        .steps
        .into_iter()
        .filter_map(|s| match s.value {
            Step::Expect(c) => Some(c),
            _ => None,
        })
        .collect()
}

fn place(w: &mut World, channel: &str, units: u32) -> u64 {
    w.place_order(
        &id(channel),
        Checkout {
            email: "a@example.com".into(),
            ship_to: ship_to(),
            lines: vec![("MUG".into(), units)],
        },
    )
    .expect("order")
}

#[test]
fn an_oversell_spread_over_two_channels_is_caught() {
    let mut w = world();
    // Each channel offers all 14 units the warehouses hold; neither alone oversells.
    place(&mut w, "shop", 10);
    place(&mut w, "shop-eu", 10);
    let v = violations("no_oversell", &w);
    assert!(
        v.iter().any(|m| m.contains(
            "MUG: the channels together took orders for 20 units but the warehouses hold 14"
        )),
        "{v:?}"
    );
}

#[test]
fn a_channel_out_of_step_is_named() {
    let mut w = world();
    assert_eq!(violations("stock_converges", &w), Vec::<String>::new());
    let eu = w.channel(&id("shop-eu")).expect("shop-eu");
    let (item, location) = (eu.listings["MUG"].inventory_item_id, eu.location_id);
    w.set_available(&id("shop-eu"), item, location, 4)
        .expect("set");
    let v = violations("stock_converges", &w);
    assert_eq!(
        v,
        ["MUG: channel shop-eu offers 4 but the warehouses can sell 14"],
        "the other channel still follows"
    );
}

#[test]
fn a_second_label_bought_at_another_carrier_is_caught() {
    let mut w = world();
    let order = place(&mut w, "shop", 1);
    for carrier in ["easypost", "easypost-eu"] {
        let carrier = id(carrier);
        let shipment = w
            .create_shipment(
                &carrier,
                ShipmentRequest {
                    to: AddressRef::Inline(Box::new(ship_to())),
                    from: AddressRef::Inline(Box::new(w.ship_from.clone())),
                    weight_oz: 12.0,
                    length_in: None,
                    width_in: None,
                    height_in: None,
                    reference: Some(order.to_string()),
                },
            )
            .expect("shipment");
        let rate = w.carrier(&carrier).expect("carrier").shipments[&shipment].rates[0]
            .id
            .clone();
        w.buy_label(&carrier, &shipment, &rate).expect("label");
    }
    let v = violations("one_label_per_order", &w);
    assert!(v.iter().any(|m| m.contains("has 2 paid labels")), "{v:?}");
}

fn send_to(w: &mut World, warehouse: &str, order: u64) -> u64 {
    let name = w.order(order).expect("order").name.clone();
    w.create_warehouse_order(
        &id(warehouse),
        WarehouseOrderRequest {
            reference_id: order.to_string(),
            order_number: name,
            order_type: "DTC".into(),
            shipping_method: "Standard".into(),
            recipient: ship_to(),
            lines: vec![("MUG".into(), "Mug".into(), 1)],
            tags: Vec::new(),
        },
    )
    .expect("warehouse order")
}

#[test]
fn an_order_re_routed_is_held_by_the_warehouse_it_went_to_last() {
    let mut w = world();
    let order = place(&mut w, "shop", 1);
    let first = send_to(&mut w, "wh-east", order);
    w.cancel_warehouse_order(&id("wh-east"), first)
        .expect("withdrawn");
    send_to(&mut w, "wh-eu", order);
    let placed = w.order(order).expect("order");
    let (warehouse, held) =
        drydock_runner::checks::facts::shipped_from(&w, placed).expect("held somewhere");
    assert_eq!(
        (warehouse.id.as_str(), held.stage),
        ("wh-eu", drydock_core::warehouse::Stage::Processing)
    );
}

#[test]
fn conditions_and_snapshots_name_nodes() {
    let mut w = world();
    let order = place(&mut w, "shop-eu", 1);
    assert_eq!(w.order(order).expect("order").name, "#SHOP-EU-1001");
    send_to(&mut w, "wh-eu", order);
    let orders = BTreeMap::from([("a".to_string(), order)]);
    let [at_eu, on_shop_eu, default_warehouse, shipped_from] =
        <[_; 4]>::try_from(conditions()).expect("four conditions");
    assert!(evaluate(&at_eu, &w, &orders).is_empty());
    assert!(evaluate(&default_warehouse, &w, &orders).is_empty());
    assert!(evaluate(&shipped_from, &w, &orders).is_empty());
    let stale = evaluate(&on_shop_eu, &w, &orders);
    assert_eq!(
        stale.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
        ["MUG available on channel shop-eu: expected 14, found 13"]
    );
    let snapshot = drydock_runner::snapshot::render("two-of-each", &w, &orders);
    for line in [
        "  MUG: warehouses on_hand 14, committed 1, sellable 13",
        "  MUG @shop: storefront 14 (out of step)",
        "  MUG @shop-eu: storefront follows the warehouses",
        "  MUG @wh-eu: on_hand 4, committed 1, sellable 3",
        "  a (#SHOP-EU-1001):",
        "    warehouse: processing @wh-eu",
    ] {
        assert!(snapshot.lines().any(|l| l == line), "{line}\n{snapshot}");
    }
}
