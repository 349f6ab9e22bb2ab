//! Faults as the integration sees them on the wire: each effect in the provider's own
//! dialect (status, headers, body shape), broken connections as transport errors, lost
//! answers whose side effect still happened, and the same seed giving the same firings.

use drydock_core::faults::FaultRule;
use reqwest::Method;
use serde_json::{Value, json};

use super::{easypost, send, shipbob, shopify, world};

/// A rule as a scenario or the control API writes it.
fn rule(flat: Value) -> FaultRule {
    serde_json::from_value(flat).expect("a valid rule")
}

#[tokio::test]
async fn outages_and_rate_limits_speak_each_providers_dialect() {
    let w = world().await;
    let shop = rule(
        json!({"name": "shop-429", "persona": "shopify", "effect": "rate_limited",
        "retry_after": "2s", "when": {"first": 1}}),
    );
    let carrier = rule(
        json!({"name": "ep-503", "persona": "easypost", "effect": "outage",
        "endpoint": "POST shipments", "retry_after": "3s", "when": {"first": 1}}),
    );
    let wms = rule(
        json!({"name": "sb-429", "persona": "shipbob", "effect": "rate_limited",
        "when": {"first": 1}}),
    );
    for r in [shop, carrier, wms] {
        w.act(|world| world.add_fault(r)).await.expect("valid rule");
    }

    let r = send(shopify(&w, Method::GET, "orders.json")).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("2.0"));
    assert_eq!(r.header("x-shopify-shop-api-call-limit"), Some("40/40"));
    assert!(
        r.body["errors"]
            .as_str()
            .is_some_and(|e| e.contains("Exceeded"))
    );
    let again = send(shopify(&w, Method::GET, "orders.json")).await;
    assert_eq!(again.status, 200, "first: 1 fires once");

    let r = send(easypost(&w, Method::POST, "/shipments").json(&json!({"shipment": {}}))).await;
    assert_eq!(r.status, 503);
    assert_eq!(r.header("retry-after"), Some("3"));
    assert_eq!(r.body["error"]["code"], "SERVICE.UNAVAILABLE");
    assert!(r.body["error"]["errors"].is_array());

    let r = send(shipbob(&w, Method::GET, "/inventory-level")).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("x-retry-after"), Some("1"));
    assert_eq!(r.header("x-remaining-calls"), Some("0"));
    assert_eq!(r.body["statusCode"], 429);

    let fired = w.read(|world| world.faults.log().len());
    assert_eq!(fired, 3);
    let journal = w.journal.entries();
    assert_eq!(
        journal
            .iter()
            .filter(|e| e.direction == drydock_simulator::journal::Direction::Fault)
            .count(),
        3,
        "every firing is on the journal"
    );
}

#[tokio::test]
async fn html_pages_resets_and_spoiled_answers() {
    let w = world().await;
    let html = rule(
        json!({"name": "lb", "persona": "shopify", "effect": "html_error",
        "endpoint": "GET orders", "when": {"first": 1}}),
    );
    let reset = rule(
        json!({"name": "reset", "node": "shipbob", "effect": "connection_reset",
        "when": {"first": 1}}),
    );
    let missing = rule(
        json!({"name": "no-code", "persona": "easypost", "effect": "missing_field",
        "field": "rates", "when": {"first": 1}}),
    );
    for r in [html, reset, missing] {
        w.act(|world| world.add_fault(r)).await.expect("valid rule");
    }
    let r = send(shopify(&w, Method::GET, "orders.json")).await;
    assert_eq!(r.status, 502);
    assert_eq!(r.header("content-type"), Some("text/html"));
    assert!(r.text.contains("<h1>502 Bad Gateway</h1>"));

    let broken = shipbob(&w, Method::GET, "/inventory-level").send().await;
    let transport_error = match broken {
        Err(_) => true,
        Ok(resp) => resp.bytes().await.is_err(),
    };
    assert!(
        transport_error,
        "a reset reaches the client as a transport error"
    );
    let r = send(shipbob(&w, Method::GET, "/inventory-level")).await;
    assert_eq!(r.status, 200, "the next connection works");

    let addr = send(easypost(&w, Method::POST, "/addresses").json(&json!({"address": {"street1": "179 N Harbor Dr", "city": "Redondo Beach", "state": "CA", "zip": "90277", "country": "US"}}))).await;
    assert_eq!(addr.status, 201);
}

#[tokio::test]
async fn a_lost_answer_still_buys_the_label() {
    let w = world().await;
    let order = super::place_order(&w, &[(super::MUG, 1)]).await;
    let _ = order;
    let from = send(easypost(&w, Method::POST, "/addresses").json(&json!({"address": {"name": "Dock", "street1": "1 Dock St", "city": "Oakland", "state": "CA", "zip": "94607", "country": "US"}}))).await;
    let to = send(easypost(&w, Method::POST, "/addresses").json(&json!({"address": {"name": "Ada", "street1": "179 N Harbor Dr", "city": "Redondo Beach", "state": "CA", "zip": "90277", "country": "US"}}))).await;
    let shipment = send(
        easypost(&w, Method::POST, "/shipments").json(&json!({"shipment": {
        "from_address": {"id": from.body["id"]}, "to_address": {"id": to.body["id"]},
        "parcel": {"weight": 12.0}}})),
    )
    .await;
    assert_eq!(shipment.status, 201, "{}", shipment.text);
    let id = shipment.body["id"]
        .as_str()
        .expect("shipment id")
        .to_string();
    let rate = shipment.body["rates"][0]["id"]
        .as_str()
        .expect("a rate")
        .to_string();
    let lost = rule(json!({"name": "lost", "persona": "easypost",
        "effect": "timeout_after_commit", "endpoint": "POST shipments/*/buy"}));
    w.act(|world| world.add_fault(lost))
        .await
        .expect("valid rule");
    let bought = easypost(&w, Method::POST, &format!("/shipments/{id}/buy"))
        .json(&json!({"rate": {"id": rate}}))
        .send()
        .await;
    let answered = match bought {
        Err(_) => false,
        Ok(resp) => resp.bytes().await.is_ok(),
    };
    assert!(!answered, "the answer is lost");
    let label = w.read(|world| {
        world
            .carriers
            .first()
            .shipment(&id)
            .map(|s| s.is_paid_label())
    });
    assert_eq!(label, Ok(true), "the carrier committed the purchase");
}

#[tokio::test]
async fn retired_versions_fail_the_providers_way() {
    let w = world().await;
    let sb = rule(json!({"name": "sb-retire", "persona": "shipbob",
        "effect": "api_version_retired", "version": "2026-01", "successor": "2026-07"}));
    let shop = rule(json!({"name": "shop-retire", "persona": "shopify",
        "effect": "api_version_retired", "version": "2026-10", "successor": "2026-07"}));
    for r in [sb, shop] {
        w.act(|world| world.add_fault(r)).await.expect("valid rule");
    }
    let gone = send(shipbob(&w, Method::GET, "/inventory-level")).await;
    assert_eq!(gone.status, 410);
    assert_eq!(
        gone.header("link"),
        Some("</2026-07>; rel=\"successor-version\"")
    );
    let base = w.endpoints.shipbob.replace("/2026-01", "/2026-07");
    let new = send(
        super::client()
            .get(format!("{base}/inventory-level"))
            .bearer_auth(&w.credentials.shipbob_token),
    )
    .await;
    assert_eq!(new.status, 200);
    assert!(
        new.text.contains("\"fulfillable_quantity\""),
        "{}",
        new.text
    );
    assert!(
        !new.text.contains("total_fulfillable_quantity"),
        "{}",
        new.text
    );

    let served = send(shopify(&w, Method::GET, "orders.json")).await;
    assert_eq!(served.status, 200);
    assert_eq!(served.header("x-shopify-api-version"), Some("2026-07"));
    assert!(served.header("x-shopify-api-deprecated-reason").is_some());
}

#[tokio::test]
async fn same_seed_same_probabilistic_firings() {
    async fn run() -> Vec<(u16, String)> {
        let w = world().await;
        let flaky = rule(
            json!({"name": "flaky", "persona": "shopify", "effect": "outage",
            "when": {"probability": 0.5}}),
        );
        w.act(|world| world.add_fault(flaky))
            .await
            .expect("valid rule");
        let mut seen = Vec::new();
        for _ in 0..24 {
            seen.push(send(shopify(&w, Method::GET, "orders.json")).await.status);
        }
        w.journal
            .entries()
            .into_iter()
            .map(|e| {
                (
                    e.status.unwrap_or(0),
                    format!("{:?} {} {}", e.direction, e.target, e.response_body),
                )
            })
            .zip(seen)
            .map(|(e, _)| e)
            .collect()
    }
    let (a, b) = (run().await, run().await);
    assert_eq!(a, b, "same seed, same journal (wall-clock times aside)");
    let outages = a.iter().filter(|(s, _)| *s == 503).count();
    assert!((4..20).contains(&outages), "{outages} of 24 failed");
}

#[tokio::test]
async fn a_real_rate_limit_counts_calls_per_access_token() {
    let w = world().await;
    let bucket = rule(
        json!({"name": "bucket", "persona": "shopify", "effect": "rate_limited",
        "limit": 3, "per": "1m"}),
    );
    w.act(|world| world.add_fault(bucket))
        .await
        .expect("valid rule");
    for _ in 0..3 {
        let r = send(shopify(&w, Method::GET, "orders.json")).await;
        assert_eq!(r.status, 200);
    }
    let limited = send(shopify(&w, Method::GET, "orders.json")).await;
    assert_eq!(limited.status, 429);
    let wait: f64 = limited
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("a float Retry-After");
    assert!(
        wait > 55.0 && wait <= 60.0,
        "wait until the window has room: {wait}"
    );
    let other = send(
        super::client()
            .get(format!("{}/orders.json", w.endpoints.shopify))
            .header("X-Shopify-Access-Token", "shpat_another_app"),
    )
    .await;
    assert_eq!(
        other.status, 401,
        "another token has its own window (and is refused as unknown)"
    );
    let fired = w.read(|world| world.faults.log().len());
    assert_eq!(fired, 1, "calls within the limit are not firings");
}
