//! The nodes a scenario's `world:` declares: a broken declaration is reported where it is
//! written (file:line:column, with a hint), and a sound one becomes the world's nodes.

use drydock_scenario::{NodeProviders, parse_scenario, parse_scenario_with};

/// The registry's providers per role, as the runner hands them in.
fn providers() -> NodeProviders {
    NodeProviders {
        channel: vec!["shopify".into()],
        warehouse: vec!["shipbob".into()],
        carrier: vec!["easypost".into()],
        fixed_ids: vec!["slack".into()],
    }
}

#[test]
fn every_broken_node_declaration_is_reported_with_its_position_and_a_hint() {
    let text = include_str!("../../../fixtures/scenarios/broken/nodes.yaml");
    let errors = parse_scenario_with("nodes.yaml", text, &providers()).expect_err("broken");
    let found: Vec<(usize, usize, &str)> = errors
        .problems
        .iter()
        .map(|p| (p.line, p.column, p.message.as_str()))
        .collect();
    let expect = [
        (
            5,
            42,
            "the catalog gives MUG stock, but the world declares its warehouses",
        ),
        (8, 13, "node id must be a lowercase letter"),
        (
            11,
            13,
            "node id `shop` is used twice (a channel has it already)",
        ),
        (11, 29, "`easypost` is not a provider of a warehouse"),
        (
            11,
            46,
            "warehouse shop stocks SKU MUGG, which is not in the catalog",
        ),
        (13, 13, "`slack` is the id of a node every world has"),
        (15, 38, "the world has no warehouse `wh-west`"),
        (
            16,
            36,
            "`channel` names whose `storefront` count is meant, but there is none",
        ),
    ];
    for (line, column, words) in expect {
        assert!(
            found
                .iter()
                .any(|(l, c, m)| (*l, *c) == (line, column) && m.contains(words)),
            "{line}:{column} {words}\nfound: {found:#?}"
        );
    }
    assert_eq!(found.len(), expect.len(), "{found:#?}");
    assert!(errors.problems.iter().all(|p| p.hint.is_some()));
    // Without a registry, provider names and the fixed nodes' ids are not judged;
    // everything else still is.
    let errors = parse_scenario("nodes.yaml", text).expect_err("still broken");
    assert_eq!(errors.problems.len(), expect.len() - 2);
}

#[test]
fn a_sound_declaration_becomes_the_worlds_nodes() {
    let text = "version: 1
name: two-of-each
world:
  catalog:
    - { sku: MUG, price: \"14.00\" }
  channels: [{ id: shop, provider: shopify }, { id: shop-eu, provider: shopify }]
  warehouses:
    - { id: wh-east, provider: shipbob, stock: { MUG: 10 } }
    - { id: wh-eu, provider: shipbob, region: EU, stock: { MUG: 4 },
        ship_from: { name: EU, street1: Wilhelminakade 1, city: Rotterdam, zip: \"3072\", country: NL } }
  carriers: [{ id: easypost, provider: easypost }, { id: easypost-eu, provider: easypost }]
steps:
  - expect: { stock: MUG, warehouse: wh-eu, on_hand: 4, sellable: 4 }
  - expect: { stock: MUG, channel: shop-eu, storefront: 14 }
";
    let scenario = parse_scenario_with("ok.yaml", text, &providers()).expect("sound");
    let spec = scenario.world_spec();
    let world = drydock_core::World::new(&spec).expect("world");
    let ids = |it: Vec<String>| it.join(",");
    assert_eq!(
        ids(world.channels.ids().map(|i| i.to_string()).collect()),
        "shop,shop-eu"
    );
    assert_eq!(
        ids(world.warehouses.ids().map(|i| i.to_string()).collect()),
        "wh-east,wh-eu"
    );
    assert_eq!(
        ids(world.carriers.ids().map(|i| i.to_string()).collect()),
        "easypost,easypost-eu"
    );
    let eu = world.warehouses.iter().nth(1).expect("wh-eu");
    assert_eq!(
        (eu.region.as_str(), eu.ship_from.city.as_str()),
        ("EU", "Rotterdam")
    );
    assert_eq!(world.channels.first().available("MUG"), Some(14));
}
