//! Outgoing webhooks, checked from the receiving end: a small receiver records what each
//! persona posts, and every signature is recomputed here, independently of the simulator,
//! exactly as each provider documents it. Failed deliveries are journaled and retried on
//! the virtual clock with the provider's schedule and the same webhook id.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use drydock_core::Duration;
use drydock_simulator::WorldHandle;
use drydock_simulator::journal::{Direction, JournalEntry};
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::net::TcpListener;

use super::{
    MUG, buy_label, easypost, place_order, send, shipbob, shopify, warehouse_order, world,
};

#[derive(Debug, Clone)]
pub(crate) struct Hit {
    path: String,
    headers: HeaderMap,
    body: Bytes,
}

impl Hit {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("webhook lacks header {name}"))
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("webhook body is JSON")
    }
}

#[derive(Default)]
struct Inbox {
    hits: Mutex<Vec<Hit>>,
    /// Paths whose next request is answered 500, once per entry.
    fail_next: Mutex<Vec<String>>,
}

/// An integration stand-in on 127.0.0.1:0 that records every POST and answers 200.
pub(crate) struct Receiver {
    pub(crate) url: String,
    inbox: Arc<Inbox>,
}

impl Receiver {
    pub(crate) async fn start() -> Receiver {
        let inbox = Arc::new(Inbox::default());
        let app = Router::new()
            .fallback(record)
            .with_state(Arc::clone(&inbox));
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("receiver binds");
        let url = format!(
            "http://{}",
            listener.local_addr().expect("receiver address")
        );
        tokio::spawn(async move { axum::serve(listener, app).await.expect("receiver serves") });
        Receiver { url, inbox }
    }

    pub(crate) fn hits(&self, path: &str) -> Vec<Hit> {
        self.inbox
            .hits
            .lock()
            .expect("inbox")
            .iter()
            .filter(|h| h.path == path)
            .cloned()
            .collect()
    }

    fn fail_next(&self, path: &str) {
        self.inbox
            .fail_next
            .lock()
            .expect("inbox")
            .push(path.to_string());
    }
}

async fn record(
    State(inbox): State<Arc<Inbox>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let path = uri.path().to_string();
    inbox.hits.lock().expect("inbox").push(Hit {
        path: path.clone(),
        headers,
        body,
    });
    let mut fail = inbox.fail_next.lock().expect("inbox");
    match fail.iter().position(|p| *p == path) {
        Some(i) => {
            fail.remove(i);
            StatusCode::INTERNAL_SERVER_ERROR
        }
        None => StatusCode::OK,
    }
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("hmac takes any key");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// Shopify: base64 HMAC-SHA256 of the raw body, keyed by the app secret.
fn assert_shopify_signed(hit: &Hit, secret: &str) {
    let expected = STANDARD.encode(hmac_sha256(secret.as_bytes(), &hit.body));
    assert_eq!(
        hit.header("x-shopify-hmac-sha256"),
        expected,
        "X-Shopify-Hmac-Sha256 does not verify"
    );
}

/// EasyPost: `hmac-sha256-hex=` + hex HMAC-SHA256 of the raw body, keyed by NFKD(secret)
/// (our secrets are ASCII, for which NFKD is the identity).
fn assert_easypost_signed(hit: &Hit, secret: &str) {
    assert!(secret.is_ascii());
    let expected = format!(
        "hmac-sha256-hex={}",
        hex::encode(hmac_sha256(secret.as_bytes(), &hit.body))
    );
    assert_eq!(
        hit.header("x-hmac-signature"),
        expected,
        "X-Hmac-Signature does not verify"
    );
}

/// Standard Webhooks: `v1,` + base64 HMAC-SHA256 over `{id}.{timestamp}.{body}`, keyed by
/// the base64-decoded part of the `whsec_` secret. The header may list several signatures.
pub(crate) fn assert_standard_webhooks_signed(hit: &Hit, secret: &str) {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("whsec_ secret"))
        .expect("base64 secret");
    let mut signed = format!(
        "{}.{}.",
        hit.header("webhook-id"),
        hit.header("webhook-timestamp")
    )
    .into_bytes();
    signed.extend_from_slice(&hit.body);
    let expected = format!("v1,{}", STANDARD.encode(hmac_sha256(&key, &signed)));
    let sent = hit.header("webhook-signature");
    assert!(
        sent.split(' ').any(|s| s == expected),
        "webhook-signature {sent} does not verify"
    );
}

fn webhook_attempts(world: &WorldHandle, persona: &str) -> Vec<JournalEntry> {
    let entries = world.journal.entries().into_iter();
    entries
        .filter(|e| e.direction == Direction::Webhook && e.persona == persona)
        .collect()
}

async fn subscribe_shopify(world: &WorldHandle, receiver: &Receiver) {
    let body = json!({"webhook": {"topic": "orders/create", "address": format!("{}/shopify", receiver.url), "format": "json"}});
    assert_eq!(
        send(shopify(world, Method::POST, "webhooks.json").json(&body))
            .await
            .status,
        201
    );
}

/// Subscribes to ShipBob and EasyPost, buys a label, hands it to the warehouse as tags
/// and lets a day pass: the order ships and the parcel starts moving. Returns the
/// tracking code.
async fn ship_a_labelled_order(world: &Arc<WorldHandle>, receiver: &Receiver) -> String {
    let sb = json!({"topics": ["order.shipped"], "url": format!("{}/shipbob", receiver.url)});
    assert_eq!(
        send(shipbob(world, Method::POST, "/webhook").json(&sb))
            .await
            .status,
        200
    );
    let ep = json!({"webhook": {"url": format!("{}/easypost", receiver.url)}});
    assert_eq!(
        send(easypost(world, Method::POST, "/webhooks").json(&ep))
            .await
            .status,
        201
    );
    let code = buy_label(world).await["tracking_code"]
        .as_str()
        .expect("tracking code")
        .to_string();
    let tags = json!([{"name": "carrier_tracking_code", "value": code}, {"name": "carrier", "value": "USPS"}]);
    let order = warehouse_order("5500000000001", MUG, 1, tags);
    assert_eq!(
        send(shipbob(world, Method::POST, "/order").json(&order))
            .await
            .status,
        201
    );
    world
        .advance_to(world.now() + Duration::from_hours(24))
        .await;
    code
}

#[tokio::test]
async fn shopify_orders_create_is_signed_with_the_app_secret_and_carries_required_headers() {
    let world = world().await;
    let receiver = Receiver::start().await;
    subscribe_shopify(&world, &receiver).await;
    let id = place_order(&world, &[(MUG, 1)]).await;
    let hits = receiver.hits("/shopify");
    assert_eq!(hits.len(), 1);
    let hit = &hits[0];
    assert_shopify_signed(hit, &world.credentials.shopify_webhook_secret);
    assert_eq!(hit.header("x-shopify-topic"), "orders/create");
    assert_eq!(
        hit.header("x-shopify-shop-domain"),
        world.read(|w| w.channels.first().shop_domain.clone())
    );
    assert_eq!(hit.header("x-shopify-api-version"), "2026-10");
    assert!(!hit.header("x-shopify-webhook-id").is_empty());
    assert!(hit.header("content-type").starts_with("application/json"));
    let order = hit.json();
    assert_eq!(order["id"].as_u64(), Some(id), "the body is the bare order");
    assert_eq!(order["name"], "#1001");
}

#[tokio::test]
async fn shipbob_order_shipped_is_signed_the_standard_webhooks_way() {
    let world = world().await;
    let receiver = Receiver::start().await;
    let started = world.now();
    let code = ship_a_labelled_order(&world, &receiver).await;
    let hits = receiver.hits("/shipbob");
    assert_eq!(hits.len(), 1, "one order.shipped");
    let hit = &hits[0];
    assert_standard_webhooks_signed(hit, &world.credentials.shipbob_webhook_secret);
    assert_eq!(hit.header("x-webhook-topic"), "order.shipped");
    let stamped: i64 = hit
        .header("webhook-timestamp")
        .parse()
        .expect("unix seconds");
    let real_now = jiff::Timestamp::now().as_second();
    assert!(
        (real_now - stamped).abs() < 300,
        "webhook-timestamp {stamped} is real time (now {real_now}), as receivers check it \
         against their own clock; the virtual time ({started}) stays in the payload"
    );
    let shipment = hit.json();
    assert_eq!(shipment["reference_id"], "5500000000001");
    assert!(shipment["order_id"].is_u64());
    assert_eq!(shipment["status"], "Completed");
    assert_eq!(shipment["tracking"]["tracking_number"], code.as_str());
}

#[tokio::test]
async fn easypost_tracker_updated_is_signed_hex_with_the_webhook_secret() {
    let world = world().await;
    let receiver = Receiver::start().await;
    let own = json!({"webhook": {"url": format!("{}/easypost-own", receiver.url), "webhook_secret": "my-own-secret"}});
    assert_eq!(
        send(easypost(&world, Method::POST, "/webhooks").json(&own))
            .await
            .status,
        201
    );
    let code = ship_a_labelled_order(&world, &receiver).await;
    let hits = receiver.hits("/easypost");
    assert!(
        hits.len() >= 2,
        "the parcel is scanned at least twice in its first day: {}",
        hits.len()
    );
    for hit in &hits {
        assert_easypost_signed(hit, &world.credentials.easypost_webhook_secret);
        let event = hit.json();
        assert_eq!(
            (event["object"].as_str(), event["description"].as_str()),
            (Some("Event"), Some("tracker.updated"))
        );
        assert!(
            event["id"]
                .as_str()
                .is_some_and(|id| id.starts_with("evt_")),
            "{event}"
        );
        assert_eq!(event["result"]["object"], "Tracker");
        assert_eq!(event["result"]["tracking_code"], code.as_str());
    }
    let first = hits[0].json();
    assert_eq!(first["previous_attributes"]["status"], "pre_transit");
    assert_eq!(first["result"]["status"], "in_transit");
    let own_hits = receiver.hits("/easypost-own");
    assert_eq!(own_hits.len(), hits.len());
    for hit in &own_hits {
        assert_easypost_signed(hit, "my-own-secret");
    }
}

#[tokio::test]
async fn failed_shopify_delivery_is_journaled_and_retried_after_a_minute_with_the_same_id() {
    let world = world().await;
    let receiver = Receiver::start().await;
    subscribe_shopify(&world, &receiver).await;
    receiver.fail_next("/shopify");
    let placed_at = world.now();
    place_order(&world, &[(MUG, 1)]).await;
    let attempts = webhook_attempts(&world, "shopify");
    assert_eq!(attempts.len(), 1);
    assert_eq!(
        (attempts[0].status, attempts[0].attempt),
        (Some(500), Some(1))
    );
    assert_eq!(attempts[0].topic.as_deref(), Some("orders/create"));

    world.advance_to(placed_at + Duration::from_secs(59)).await;
    assert_eq!(
        receiver.hits("/shopify").len(),
        1,
        "no retry before Shopify's first interval"
    );
    world.advance_to(placed_at + Duration::from_secs(60)).await;
    let hits = receiver.hits("/shopify");
    assert_eq!(hits.len(), 2, "retried once the first interval passed");
    assert_eq!(
        hits[0].header("x-shopify-webhook-id"),
        hits[1].header("x-shopify-webhook-id")
    );
    assert_eq!(hits[0].body, hits[1].body);
    assert_shopify_signed(&hits[1], &world.credentials.shopify_webhook_secret);

    let attempts = webhook_attempts(&world, "shopify");
    assert_eq!(attempts.len(), 2);
    assert_eq!(
        (attempts[1].status, attempts[1].attempt),
        (Some(200), Some(2))
    );
    assert_eq!(attempts[0].delivery_id, attempts[1].delivery_id);
    assert_eq!(
        attempts[1].virtual_time,
        placed_at + Duration::from_secs(60)
    );
}

#[tokio::test]
async fn failed_shipbob_and_easypost_deliveries_are_retried_on_their_own_schedules() {
    let world = world().await;
    let receiver = Receiver::start().await;
    receiver.fail_next("/shipbob");
    receiver.fail_next("/easypost");
    ship_a_labelled_order(&world, &receiver).await;

    let shipbob_hits = receiver.hits("/shipbob");
    assert_eq!(
        shipbob_hits.len(),
        2,
        "ShipBob retries a failed delivery at once"
    );
    assert_eq!(
        shipbob_hits[0].header("webhook-id"),
        shipbob_hits[1].header("webhook-id")
    );
    for hit in &shipbob_hits {
        assert_standard_webhooks_signed(hit, &world.credentials.shipbob_webhook_secret);
    }
    let attempts = webhook_attempts(&world, "shipbob");
    assert_eq!(
        attempts
            .iter()
            .map(|a| (a.status, a.attempt))
            .collect::<Vec<_>>(),
        [(Some(500), Some(1)), (Some(200), Some(2))]
    );
    assert_eq!(attempts[0].virtual_time, attempts[1].virtual_time);

    let easypost_hits = receiver.hits("/easypost");
    assert_eq!(
        easypost_hits[0].body, easypost_hits[1].body,
        "the failed event is sent again unchanged"
    );
    let attempts = webhook_attempts(&world, "easypost");
    assert_eq!(
        (attempts[0].status, attempts[0].attempt),
        (Some(500), Some(1))
    );
    let retry = attempts
        .iter()
        .find(|a| a.attempt == Some(2))
        .expect("a second attempt");
    assert_eq!(retry.delivery_id, attempts[0].delivery_id);
    assert_eq!(retry.status, Some(200));
    assert_eq!(
        retry.virtual_time,
        attempts[0].virtual_time + Duration::from_secs(60),
        "EasyPost retries after a minute"
    );
}

#[tokio::test]
async fn shipbob_sends_order_shipment_delivered_when_the_parcel_arrives() {
    let world = world().await;
    let receiver = Receiver::start().await;
    let sb = json!({"topics": ["order.shipment.delivered"], "url": format!("{}/delivered", receiver.url)});
    assert_eq!(
        send(shipbob(&world, Method::POST, "/webhook").json(&sb))
            .await
            .status,
        200
    );
    ship_a_labelled_order(&world, &receiver).await;
    world
        .advance_to(world.now() + Duration::from_hours(24 * 8))
        .await;
    let tracker_delivered = world.read(|w| {
        w.carriers
            .first()
            .trackers
            .values()
            .any(|t| t.status.as_str() == "delivered")
    });
    assert!(tracker_delivered, "the parcel arrived within eight days");
    let hits = receiver.hits("/delivered");
    assert_eq!(hits.len(), 1, "one order.shipment.delivered");
    assert_eq!(
        hits[0].header("x-webhook-topic"),
        "order.shipment.delivered"
    );
}

#[tokio::test]
async fn shopify_sends_orders_updated_when_an_order_changes() {
    let world = world().await;
    let receiver = Receiver::start().await;
    let body = json!({"webhook": {"topic": "orders/updated", "address": format!("{}/updated", receiver.url)}});
    assert_eq!(
        send(shopify(&world, Method::POST, "webhooks.json").json(&body))
            .await
            .status,
        201
    );
    let id = place_order(&world, &[(MUG, 1)]).await;
    world
        .act(|w| w.cancel_order(&w.default_channel(), id, "customer", true))
        .await
        .expect("order cancels");
    let hits = receiver.hits("/updated");
    assert!(
        !hits.is_empty(),
        "no orders/updated after the order was cancelled"
    );
    assert_eq!(hits[0].header("x-shopify-topic"), "orders/updated");
    assert_shopify_signed(&hits[0], &world.credentials.shopify_webhook_secret);
}

/// One signed delivery as the receiver got it, for verification by the providers' own
/// libraries (`tests/e2e/sdk.rs`).
pub(crate) struct SignedDelivery {
    pub(crate) provider: &'static str,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

/// A world that delivered one webhook of each provider (Shopify orders/create, ShipBob
/// order.shipped, EasyPost tracker.updated) to a recording receiver.
pub(crate) async fn signed_deliveries() -> (Arc<WorldHandle>, Vec<SignedDelivery>) {
    let world = world().await;
    let receiver = Receiver::start().await;
    subscribe_shopify(&world, &receiver).await;
    place_order(&world, &[(MUG, 1)]).await;
    ship_a_labelled_order(&world, &receiver).await;
    let mut out = Vec::new();
    for provider in ["shopify", "shipbob", "easypost"] {
        for hit in receiver.hits(&format!("/{provider}")) {
            let headers = hit
                .headers
                .iter()
                .filter_map(|(n, v)| Some((n.as_str().to_string(), v.to_str().ok()?.to_string())))
                .collect();
            out.push(SignedDelivery {
                provider,
                headers,
                body: hit.body.to_vec(),
            });
        }
    }
    (world, out)
}
