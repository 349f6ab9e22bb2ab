//! The reference integration routes across warehouses (issue 11), over real sockets: in
//! a world of two warehouses, `wh-east` (10 mugs, New Jersey) and `wh-eu` (4, Rotterdam;
//! the persona tests' two-warehouse world), an order to
//! the Netherlands ships from `wh-eu` and one to California from `wh-east`; while
//! `wh-east` is down, a US order that `wh-eu` can ship goes there. Each check is also
//! played against the defect it is about (`always-first-warehouse`,
//! `no-reroute-on-outage`), which must make it fail.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use drydock_core::address::Address;
use drydock_core::faults::FaultRule;
use drydock_core::storefront::Checkout;
use drydock_reference::{Config, Defect, Defects};
use drydock_simulator::handle::WorldSettings;
use drydock_simulator::{PortPlan, Simulator, WorldHandle};
use serde_json::json;
use tokio::sync::oneshot;

use crate::personas::MUG;
use crate::personas::nodes::two_warehouses;

fn customer(
    name: &str,
    street1: &str,
    city: &str,
    state: &str,
    zip: &str,
    country: &str,
) -> Checkout {
    Checkout {
        email: "customer@example.com".into(),
        ship_to: Address {
            name: name.into(),
            street1: street1.into(),
            city: city.into(),
            state: state.into(),
            zip: zip.into(),
            country: country.into(),
            ..Address::default()
        },
        lines: vec![(MUG.into(), 1)],
    }
}

fn in_amsterdam() -> Checkout {
    customer(
        "Anna de Vries",
        "Damrak 1",
        "Amsterdam",
        "",
        "1012 LG",
        "NL",
    )
}

fn in_san_francisco() -> Checkout {
    customer(
        "Ada Lovelace",
        "417 Montgomery St",
        "San Francisco",
        "CA",
        "94104",
        "US",
    )
}

/// The two-warehouse world with the embedded reference integration (with `defects`)
/// serving it; dropping the sender stops the integration.
async fn start(defects: Defects) -> (Arc<WorldHandle>, oneshot::Sender<()>) {
    let world = Simulator::new()
        .create_world(
            &two_warehouses(),
            PortPlan::Ephemeral,
            WorldSettings::default(),
        )
        .await
        .expect("the world starts");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let port = listener.local_addr().expect("its address").port();
    let url = format!("http://127.0.0.1:{port}");
    let mut config = Config::from_vars(&world.sut_env(&url, port)).expect("the manifest reads");
    config.defects = defects;
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let shutdown = async move {
            let _ = stopped.await;
        };
        drydock_reference::serve(config, listener, shutdown).await
    });
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("a client");
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        let ready = client.get(format!("{url}/health")).send().await;
        if ready.is_ok_and(|r| r.status().is_success()) {
            return (world, stop);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the reference integration did not get ready in 10 s");
}

/// The warehouse holding the storefront order's warehouse order, once one does.
fn holder(world: &WorldHandle, order_id: u64) -> Option<String> {
    world.read(|w| {
        w.warehouses
            .iter()
            .find(|wh| wh.by_reference(&order_id.to_string()).is_some())
            .map(|wh| wh.id.to_string())
    })
}

/// Where each order went, waiting (bounded) until every one is at a warehouse;
/// `None` for one that is still nowhere after `limit`.
async fn where_they_went(
    world: &WorldHandle,
    orders: &[u64],
    limit: Duration,
) -> Vec<Option<String>> {
    let started = Instant::now();
    loop {
        let found: Vec<Option<String>> = orders.iter().map(|id| holder(world, *id)).collect();
        if found.iter().all(Option::is_some) || started.elapsed() > limit {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn place(world: &Arc<WorldHandle>, checkout: Checkout) -> u64 {
    world
        .act(|w| w.place_order(&w.default_channel(), checkout))
        .await
        .expect("the storefront takes the order")
}

/// An EU and a US order: where each went.
async fn route_two_orders(defects: Defects) -> Vec<Option<String>> {
    let (world, _stop) = start(defects).await;
    let eu = place(&world, in_amsterdam()).await;
    let us = place(&world, in_san_francisco()).await;
    where_they_went(&world, &[eu, us], Duration::from_secs(10)).await
}

fn at(node: &str) -> Option<String> {
    Some(node.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_eu_order_ships_from_the_eu_warehouse_and_a_us_one_from_the_us_warehouse() {
    assert_eq!(
        route_two_orders(Defects::none()).await,
        [at("wh-eu"), at("wh-east")]
    );
    let first_only: Defects = [Defect::AlwaysFirstWarehouse].into_iter().collect();
    assert_eq!(
        route_two_orders(first_only).await,
        [at("wh-east"), at("wh-east")],
        "the defect sends everything to the first warehouse"
    );
}

/// `wh-east` answers 503 to everything; a US order: where it went within `limit`.
async fn route_during_an_outage(defects: Defects, limit: Duration) -> Option<String> {
    let (world, _stop) = start(defects).await;
    let env = world.sut_env("http://127.0.0.1:9", 9);
    let rule: FaultRule = serde_json::from_value(json!({
        "name": "east-down",
        "persona": "shipbob",
        "api_key": env["DRYDOCK_WH_EAST_TOKEN"],
        "effect": "outage",
        "status": 503,
    }))
    .expect("a fault rule");
    world
        .act(|w| w.add_fault(rule))
        .await
        .expect("the fault applies");
    let us = place(&world, in_san_francisco()).await;
    where_they_went(&world, &[us], limit).await.remove(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_the_us_warehouse_is_down_a_us_order_goes_to_the_eu_warehouse() {
    let orders: BTreeMap<&str, Option<String>> = BTreeMap::from([
        (
            "correct",
            route_during_an_outage(Defects::none(), Duration::from_secs(15)).await,
        ),
        (
            "no-reroute-on-outage",
            route_during_an_outage(
                [Defect::NoRerouteOnOutage].into_iter().collect(),
                Duration::from_secs(5),
            )
            .await,
        ),
    ]);
    assert_eq!(orders["correct"], at("wh-eu"));
    assert_eq!(
        orders["no-reroute-on-outage"], None,
        "the defect keeps the order waiting for wh-east"
    );
}
