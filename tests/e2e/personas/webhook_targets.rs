//! Webhooks go to loopback only unless drydock is told otherwise: each persona refuses a
//! subscription to another host (the cloud metadata address above all) with its own
//! validation error, and delivery refuses such a target too, journaling why.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::http::{StatusCode, header};
use axum::routing::post;
use drydock_simulator::handle::WorldSettings;
use drydock_simulator::journal::{Direction, JournalEntry};
use drydock_simulator::{PortPlan, Simulator, WebhookTargets};
use reqwest::Method;
use serde_json::json;
use tokio::net::TcpListener;

use super::{MUG, easypost, place_order, send, shipbob, shopify, spec, world};

const METADATA: &str = "http://169.254.169.254/latest/meta-data/";

#[tokio::test]
async fn each_persona_refuses_a_link_local_subscription_in_its_own_shape() {
    let world = world().await;

    let refused = send(shopify(&world, Method::POST, "webhooks.json").json(
        &json!({"webhook": {"topic": "orders/create", "address": METADATA, "format": "json"}}),
    ))
    .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let why = refused.body["errors"]["address"][0]
        .as_str()
        .unwrap_or_default();
    assert!(
        why.contains("169.254.169.254") && why.contains("--allow-webhook-host"),
        "{why}"
    );

    let refused = send(
        easypost(&world, Method::POST, "/webhooks").json(&json!({"webhook": {"url": METADATA}})),
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        refused.body["error"]["code"], "PARAMETER.INVALID",
        "{}",
        refused.text
    );
    assert_eq!(refused.body["error"]["errors"][0]["field"], "webhook.url");

    let refused = send(
        shipbob(&world, Method::POST, "/webhook")
            .json(&json!({"topics": ["order.shipped"], "url": METADATA, "description": "x"})),
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(
        refused.body["Url"][0]
            .as_str()
            .unwrap_or_default()
            .contains("loopback"),
        "{}",
        refused.text
    );

    let stored = world.read(|w| {
        w.channels.first().webhooks.len()
            + w.carriers.first().webhooks.len()
            + w.warehouses.first().webhooks.len()
    });
    assert_eq!(stored, 0, "no refused subscription is kept");

    let loopback = send(shopify(&world, Method::POST, "webhooks.json").json(
        &json!({"webhook": {"topic": "orders/create", "address": "http://127.0.0.1:9/hooks", "format": "json"}}),
    ))
    .await;
    assert_eq!(loopback.status, 201, "{}", loopback.text);
}

#[tokio::test]
async fn a_named_host_is_allowed_when_drydock_is_told_so() {
    let settings = WorldSettings {
        webhook_targets: WebhookTargets::Hosts(vec!["169.254.169.254".into()]),
        ..WorldSettings::default()
    };
    let world = Simulator::new()
        .create_world(&spec(), PortPlan::Ephemeral, settings)
        .await
        .expect("the world starts");
    let allowed = send(
        easypost(&world, Method::POST, "/webhooks").json(&json!({"webhook": {"url": METADATA}})),
    )
    .await;
    assert_eq!(allowed.status, 201, "{}", allowed.text);
}

/// The webhook deliveries journaled when one order is placed in a world whose personas
/// deliver to `base` (no subscriptions).
async fn deliveries_of_one_order_to(base: &str) -> Vec<JournalEntry> {
    let settings = WorldSettings {
        default_webhook_base: Some(base.into()),
        ..WorldSettings::default()
    };
    let world = Simulator::new()
        .create_world(&spec(), PortPlan::Ephemeral, settings)
        .await
        .expect("the world starts");
    place_order(&world, &[(MUG, 1)]).await;
    world
        .journal
        .entries()
        .into_iter()
        .filter(|e| e.direction == Direction::Webhook)
        .collect()
}

#[tokio::test]
async fn delivery_refuses_a_target_outside_loopback_and_journals_why() {
    // 0.0.0.0 is not loopback by the policy, yet a connection to it stays on this
    // machine: should the check ever regress, this test still sends nothing outside.
    let refused = deliveries_of_one_order_to("http://0.0.0.0:9").await;
    assert!(!refused.is_empty(), "the delivery is journaled");
    for entry in &refused {
        assert_eq!(entry.status, None);
        let error = entry.error.as_deref().unwrap_or_default();
        assert!(
            error.contains("not sent") && error.contains("loopback"),
            "{error}"
        );
    }
}

#[tokio::test]
async fn delivery_does_not_follow_redirects() {
    let followed = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&followed);
    let app = Router::new()
        .route(
            "/webhooks/shopify",
            post(|| async {
                (
                    StatusCode::TEMPORARY_REDIRECT,
                    [(header::LOCATION, "/elsewhere")],
                )
            }),
        )
        .route(
            "/elsewhere",
            post(move || async move {
                seen.fetch_add(1, Ordering::SeqCst);
                StatusCode::OK
            }),
        );
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("receiver binds");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("receiver serves") });
    let statuses: Vec<_> = deliveries_of_one_order_to(&base)
        .await
        .into_iter()
        .filter(|e| e.target.ends_with("/webhooks/shopify"))
        .map(|e| e.status)
        .collect();
    assert!(!statuses.is_empty());
    assert!(statuses.iter().all(|s| *s == Some(307)), "{statuses:?}");
    assert_eq!(
        followed.load(Ordering::SeqCst),
        0,
        "the redirect was not followed"
    );
}
