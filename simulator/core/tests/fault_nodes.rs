//! Fault rules in a world of two warehouses of one provider: `node:` acts on that node
//! alone, `persona:` on every node of the provider, and a rule naming a node the world
//! does not have, or one whose role the effect does not fit, is refused.

use std::collections::BTreeMap;

use drydock_core::faults::{Effect, FaultRule, Target, WarehouseEffect, WorldChange};
use drydock_core::spec::{ProductSpec, WarehouseNode, WorldSpec};
use drydock_core::{NodeId, World};

fn id(s: &str) -> NodeId {
    NodeId::parse(s).expect("node id")
}

fn world() -> World {
    let mut spec = WorldSpec::default();
    spec.catalog.push(ProductSpec {
        sku: "MUG".into(),
        title: String::new(),
        price_cents: 1400,
        weight_oz: 12,
        stock: 0,
    });
    let warehouse = |name: &str, units: i64| WarehouseNode {
        id: id(name),
        provider: "shipbob".into(),
        region: "US-East".into(),
        stock: BTreeMap::from([("MUG".into(), units)]),
        ship_from: None,
    };
    spec.warehouses = Some(vec![warehouse("wh-east", 10), warehouse("wh-eu", 4)]);
    World::new(&spec).expect("a valid world")
}

fn on_hand(w: &World, node: &str) -> i64 {
    w.warehouse(&id(node)).expect("warehouse").stock["MUG"].on_hand
}

fn drift(name: &str, target: Target) -> FaultRule {
    let change = WorldChange::StockDrift {
        sku: "MUG".into(),
        delta: -1,
    };
    FaultRule::new(name, target, Effect::WorldChange(change))
}

#[test]
fn a_node_target_acts_on_that_node_and_a_persona_on_every_node_of_the_provider() {
    let mut w = world();
    w.add_fault(drift("eu-count", Target::Node(id("wh-eu"))))
        .expect("wh-eu is a warehouse");
    assert_eq!((on_hand(&w, "wh-east"), on_hand(&w, "wh-eu")), (10, 3));
    w.add_fault(drift("all-count", Target::Persona("shipbob".into())))
        .expect("shipbob has two warehouses");
    assert_eq!((on_hand(&w, "wh-east"), on_hand(&w, "wh-eu")), (9, 2));
}

#[test]
fn a_target_outside_the_world_or_of_the_wrong_role_is_refused() {
    let mut w = world();
    let gone = w
        .add_fault(drift("x", Target::Node(id("shipbob"))))
        .expect_err("this world's warehouses are wh-east and wh-eu");
    assert!(gone.to_string().contains("wh-east, wh-eu"), "{gone}");
    let backorder = Effect::Warehouse(WarehouseEffect::Backorder);
    let wrong = w
        .add_fault(FaultRule::new("y", Target::Node(id("easypost")), backorder))
        .expect_err("a carrier has no warehouse orders");
    assert!(wrong.to_string().contains("node: wh-east"), "{wrong}");
}
