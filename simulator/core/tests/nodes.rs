//! A world of two channels, two warehouses and two carriers: each node keeps its own
//! state (listings, order numbers, stock, trackers), operations act on the node they name
//! and refuse another role's node, a parcel goes to the carrier holding its code, and the
//! world stays consistent throughout.

use std::collections::BTreeMap;

use drydock_core::address::Address;
use drydock_core::carrier::{AddressRef, ShipmentRequest, TrackingStatus};
use drydock_core::spec::{CarrierNode, ChannelNode, ProductSpec, WarehouseNode, WorldSpec};
use drydock_core::storefront::Checkout;
use drydock_core::warehouse::{CARRIER_TAG, Stage, TRACKING_TAG, Tag, WarehouseOrderRequest};
use drydock_core::{NodeId, World, WorldError, WorldEventKind};

fn id(s: &str) -> NodeId {
    NodeId::parse(s).expect("node id")
}

fn spec() -> WorldSpec {
    let mut spec = WorldSpec {
        name: "nodes".into(),
        seed: 11,
        ..WorldSpec::default()
    };
    for sku in ["MUG", "TEE"] {
        spec.catalog.push(ProductSpec {
            sku: sku.into(),
            title: String::new(),
            price_cents: 1400,
            weight_oz: 12,
            stock: 0,
        });
    }
    spec.channels = Some(vec![
        ChannelNode {
            id: id("shop"),
            provider: "shopify".into(),
        },
        ChannelNode {
            id: id("shop-eu"),
            provider: "shopify".into(),
        },
    ]);
    let rotterdam = Address {
        name: "Drydock EU".into(),
        street1: "Wilhelminakade 1".into(),
        city: "Rotterdam".into(),
        zip: "3072".into(),
        country: "NL".into(),
        ..Address::default()
    };
    spec.warehouses = Some(vec![
        WarehouseNode {
            id: id("wh-east"),
            provider: "shipbob".into(),
            region: "US-East".into(),
            stock: BTreeMap::from([("MUG".into(), 10), ("TEE".into(), 2)]),
            ship_from: None,
        },
        WarehouseNode {
            id: id("wh-eu"),
            provider: "shipbob".into(),
            region: "EU".into(),
            stock: BTreeMap::from([("MUG".into(), 4)]),
            ship_from: Some(rotterdam),
        },
    ]);
    spec.carriers = Some(vec![
        CarrierNode {
            id: id("easypost"),
            provider: "easypost".into(),
        },
        CarrierNode {
            id: id("easypost-eu"),
            provider: "easypost".into(),
        },
    ]);
    spec
}

fn customer() -> Address {
    drydock_core::spec::default_ship_from()
}

fn checkout(sku: &str, quantity: u32) -> Checkout {
    Checkout {
        email: "a@example.com".into(),
        ship_to: customer(),
        lines: vec![(sku.into(), quantity)],
    }
}

fn consistent(w: &World) {
    assert_eq!(w.check_consistency(), Vec::<String>::new());
}

#[test]
fn each_channel_offers_what_all_warehouses_hold_under_its_own_ids() {
    let w = World::new(&spec()).expect("world");
    consistent(&w);
    let (shop, eu) = (
        w.channel(&id("shop")).expect("shop"),
        w.channel(&id("shop-eu")).expect("eu"),
    );
    assert_eq!(shop.available("MUG"), Some(14));
    assert_eq!(eu.available("MUG"), Some(14));
    assert_eq!(shop.available("TEE"), Some(2));
    assert_ne!(shop.listing("MUG"), eu.listing("MUG"));
    assert_ne!(shop.location_id, eu.location_id);
    assert_ne!(shop.shop_domain, eu.shop_domain);
    let east = w.warehouse(&id("wh-east")).expect("east");
    let west = w.warehouse(&id("wh-eu")).expect("eu");
    assert_eq!(east.stock["MUG"].on_hand, 10);
    assert_eq!(west.stock["MUG"].on_hand, 4);
    assert_eq!(
        west.stock["TEE"].on_hand, 0,
        "a SKU a warehouse does not list"
    );
    assert_eq!(west.ship_from.city, "Rotterdam");
    assert_eq!(east.ship_from, w.ship_from);
    assert_ne!(east.channel_id, west.channel_id);
    assert_eq!(w.default_channel(), id("shop"));
    assert_eq!(w.default_warehouse(), id("wh-east"));
    assert_eq!(w.default_carrier(), id("easypost"));
}

#[test]
fn orders_are_numbered_per_channel_and_names_never_collide() {
    let mut w = World::new(&spec()).expect("world");
    let a = w.place_order(&id("shop"), checkout("MUG", 1)).expect("a");
    let b = w
        .place_order(&id("shop-eu"), checkout("MUG", 2))
        .expect("b");
    let c = w
        .place_order(&id("shop-eu"), checkout("MUG", 1))
        .expect("c");
    let name = |w: &World, channel: &str, order: u64| {
        w.channel(&id(channel))
            .expect("channel")
            .order(order)
            .expect("order")
            .name
            .clone()
    };
    assert_eq!(name(&w, "shop", a), "#1001");
    assert_eq!(name(&w, "shop-eu", b), "#SHOP-EU-1001");
    assert_eq!(name(&w, "shop-eu", c), "#SHOP-EU-1002");
    // A channel sees only its own orders; each event names its channel.
    assert!(w.channel(&id("shop")).expect("shop").order(b).is_err());
    let events = w.take_events();
    let nodes: Vec<&str> = events.iter().map(|e| e.node.as_str()).collect();
    assert_eq!(nodes, ["shop", "shop-eu", "shop-eu"]);
    // Each channel commits its own available.
    assert_eq!(
        w.channel(&id("shop")).expect("shop").available("MUG"),
        Some(13)
    );
    assert_eq!(
        w.channel(&id("shop-eu")).expect("eu").available("MUG"),
        Some(11)
    );
    consistent(&w);
}

#[test]
fn a_node_of_another_role_or_none_is_refused_without_a_trace() {
    let mut w = World::new(&spec()).expect("world");
    let before = serde_json::to_value(&w).expect("world serializes");
    let e = w
        .place_order(&id("wh-east"), checkout("MUG", 1))
        .expect_err("a warehouse is no channel");
    assert!(
        e.to_string()
            .contains("wh-east is a warehouse, not a channel"),
        "{e}"
    );
    let e = w
        .set_on_hand(&id("nowhere"), "MUG", 3)
        .expect_err("no such node");
    assert_eq!(e, WorldError::not_found("warehouse", "nowhere"));
    assert!(
        w.subscribe_carrier(&id("shop"), "http://127.0.0.1/h", None)
            .is_err()
    );
    assert_eq!(serde_json::to_value(&w).expect("world serializes"), before);
    assert!(w.take_events().is_empty());
}

#[test]
fn a_parcel_goes_to_the_carrier_that_sold_its_label() {
    let mut w = World::new(&spec()).expect("world");
    let carrier = id("easypost-eu");
    let wh = id("wh-eu");
    let shipment = w
        .create_shipment(
            &carrier,
            ShipmentRequest {
                to: AddressRef::Inline(Box::new(customer())),
                from: AddressRef::Inline(Box::new(w.warehouse(&wh).expect("wh").ship_from.clone())),
                weight_oz: 12.0,
                length_in: None,
                width_in: None,
                height_in: None,
                reference: Some("R1".into()),
            },
        )
        .expect("shipment");
    let rate = w.carrier(&carrier).expect("carrier").shipments[&shipment].rates[0]
        .id
        .clone();
    w.buy_label(&carrier, &shipment, &rate).expect("label");
    assert!(
        w.carrier(&id("easypost"))
            .expect("other")
            .shipments
            .is_empty()
    );
    let code = w.carrier(&carrier).expect("carrier").shipments[&shipment]
        .tracking_code
        .clone()
        .expect("code");
    let order = w
        .create_warehouse_order(
            &wh,
            WarehouseOrderRequest {
                reference_id: "R1".into(),
                order_number: "R1".into(),
                order_type: "DTC".into(),
                shipping_method: "Standard".into(),
                recipient: customer(),
                lines: vec![("MUG".into(), "Mug".into(), 3)],
                tags: vec![
                    Tag {
                        name: TRACKING_TAG.into(),
                        value: code.clone(),
                    },
                    Tag {
                        name: CARRIER_TAG.into(),
                        value: "USPS".into(),
                    },
                ],
            },
        )
        .expect("warehouse order");
    assert_eq!(w.warehouse_holding(order), Some(&wh));
    assert_eq!(w.warehouse(&wh).expect("wh").stock["MUG"].committed, 3);
    assert_eq!(
        w.warehouse(&id("wh-east")).expect("east").stock["MUG"].committed,
        0
    );
    consistent(&w);
    w.take_events();
    let end = jiff::Timestamp::MAX;
    let mut events = Vec::new();
    while w.fire_next(end) {
        events.extend(w.take_events());
        consistent(&w);
    }
    let held = w.warehouse(&wh).expect("wh").order(order).expect("order");
    assert_eq!(held.stage, Stage::Shipped);
    assert_eq!(w.warehouse(&wh).expect("wh").stock["MUG"].on_hand, 1);
    let tracker = w
        .carrier(&carrier)
        .expect("carrier")
        .tracker_by_code(&code)
        .expect("tracker");
    assert_eq!(tracker.status, TrackingStatus::Delivered);
    assert_eq!(
        tracker.details.first().map(|d| d.city.as_str()),
        Some("Rotterdam")
    );
    let heard: Vec<(&str, &str)> = events
        .iter()
        .map(|e| {
            let kind = match e.kind {
                WorldEventKind::WarehouseOrderShipped { .. } => "shipped",
                WorldEventKind::TrackerUpdated { .. } => "tracker",
                WorldEventKind::WarehouseOrderDelivered { .. } => "delivered",
                _ => "other",
            };
            (e.node.as_str(), kind)
        })
        .collect();
    assert_eq!(heard.first(), Some(&("wh-eu", "shipped")));
    assert!(heard.contains(&("easypost-eu", "tracker")), "{heard:?}");
    assert_eq!(heard.last(), Some(&("wh-eu", "delivered")));
    assert!(
        !heard.iter().any(|(node, _)| *node == "easypost"),
        "{heard:?}"
    );
}

#[test]
fn broken_node_declarations_are_refused() {
    type Breakage<'a> = (&'a str, &'a dyn Fn(&mut WorldSpec));
    let cases: [Breakage; 5] = [
        ("appears twice", &|s| {
            if let Some(c) = s.carriers.as_mut() {
                c[1].id = id("wh-eu");
            }
        }),
        ("must be left out when warehouses are declared", &|s| {
            s.catalog[0].stock = 3
        }),
        ("not in the catalog", &|s| {
            if let Some(w) = s.warehouses.as_mut() {
                w[0].stock.insert("MUGG".into(), 1);
            }
        }),
        ("at least one node", &|s| s.channels = Some(Vec::new())),
        ("between 0 and", &|s| {
            if let Some(w) = s.warehouses.as_mut() {
                w[1].stock.insert("MUG".into(), -1);
            }
        }),
    ];
    for (expected, mutate) in cases {
        let mut spec = spec();
        mutate(&mut spec);
        let e = World::new(&spec).expect_err(expected);
        assert!(e.to_string().contains(expected), "{expected}: {e}");
    }
}

#[test]
fn a_world_that_declares_no_nodes_has_one_of_each_named_for_its_provider() {
    let mut spec = WorldSpec {
        channels: None,
        warehouses: None,
        carriers: None,
        ..spec()
    };
    spec.catalog[0].stock = 5;
    let w = World::new(&spec).expect("world");
    let ids = |it: Vec<&NodeId>| it.into_iter().map(|i| i.to_string()).collect::<Vec<_>>();
    assert_eq!(ids(w.channels.ids().collect()), ["shopify"]);
    assert_eq!(ids(w.warehouses.ids().collect()), ["shipbob"]);
    assert_eq!(ids(w.carriers.ids().collect()), ["easypost"]);
    assert_eq!(w.warehouses.first().stock["MUG"].on_hand, 5);
    assert_eq!(w.warehouses.first().region, "US-East");
    assert_eq!(w.channels.first().available("MUG"), Some(5));
}
