//! HTTP surface of the integration: `/health`, `/drydock/idle` (`idle.rs`) and one
//! webhook receiver per node, `/webhooks/{node id}`, speaking that node's provider.
//! Each receiver verifies the signature with its node's secret, drops repeated
//! deliveries (same webhook id / event id from the same node), enqueues a job and
//! answers at once; the pipeline does the slow work. Bad signature → 401 and nothing
//! changes; a node this world does not have → 404.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};

use crate::defects::{Defect, Defects};
use crate::easypost::{Event, Tracker};
use crate::pipeline::Job;
use crate::signatures::{self, SignatureError};
use crate::state::SharedBook;
use crate::stock::StockTrigger;
use crate::work::{JobSender, Work};
use crate::{idle, shipbob, shopify};

/// What a node's deliveries are and the key they are verified with.
pub(crate) enum Receiver {
    /// A Shopify storefront channel (its index) and its app secret.
    Storefront { channel: usize, secret: String },
    /// An EasyPost account's webhook secret.
    Carrier { secret: String },
    /// A ShipBob warehouse's Standard Webhooks key.
    Warehouse { key: Vec<u8> },
}

/// Every node's receiver, by node id.
pub(crate) type Receivers = HashMap<String, Receiver>;

#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) receivers: Arc<Receivers>,
    pub(crate) book: SharedBook,
    pub(crate) jobs: JobSender,
    /// Work in hand and stock pushes asked for, for the idle endpoint.
    pub(crate) work: Work,
    pub(crate) stock: StockTrigger,
    /// Set once webhooks are subscribed and the catalog is loaded.
    pub(crate) ready: Arc<AtomicBool>,
    pub(crate) defects: Defects,
}

/// Checks a signature unless the `skips-signature-check` defect is on (or, for ShipBob's
/// deliveries, `skips-shipbob-signature-check`).
fn checked(
    state: &AppState,
    warehouse: bool,
    verified: Result<(), SignatureError>,
) -> Result<(), SignatureError> {
    if state.defects.has(Defect::SkipsSignatureCheck)
        || (warehouse && state.defects.has(Defect::SkipsShipBobSignatureCheck))
    {
        // DEFECT skips-signature-check: any body is believed, forged or not.
        return Ok(());
    }
    verified
}

pub(crate) fn app(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/drydock/idle", get(idle::idle))
        .route("/webhooks/{node}", post(webhook))
        .with_state(state)
}

async fn webhook(
    State(state): State<AppState>,
    Path(node): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let _receiving = state.work.receiving();
    match state.receivers.get(&node) {
        Some(Receiver::Storefront { channel, secret }) => {
            shopify_webhook(&state, &node, *channel, secret, &headers, &body)
        }
        Some(Receiver::Carrier { secret }) => {
            easypost_webhook(&state, &node, secret, &headers, &body)
        }
        Some(Receiver::Warehouse { key }) => shipbob_webhook(&state, &node, key, &headers, &body),
        None => {
            tracing::warn!(node, "webhook for a node this world does not have");
            StatusCode::NOT_FOUND
        }
    }
}

async fn health(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if state.ready.load(Ordering::Acquire) {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "starting")
    }
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn refuse(source: &str, err: &SignatureError) -> StatusCode {
    tracing::warn!(source, error = %err, "webhook refused");
    StatusCode::UNAUTHORIZED
}

fn parse<T: serde::de::DeserializeOwned>(source: &str, body: &[u8]) -> Result<T, StatusCode> {
    serde_json::from_slice(body).map_err(|err| {
        tracing::warn!(source, error = %err, "signed webhook body could not be read");
        StatusCode::BAD_REQUEST
    })
}

/// Enqueues `job` unless `delivery` (already prefixed by source) was seen before.
fn enqueue(state: &AppState, delivery: Option<String>, job: Job) -> StatusCode {
    // DEFECT processes-duplicate-webhooks: with it on, redeliveries are not looked for.
    let dedupe = !state.defects.has(Defect::ProcessesDuplicateWebhooks);
    if let Some(key) = delivery.filter(|_| dedupe)
        && !state.book.lock().first_delivery(key.clone())
    {
        tracing::info!(delivery = %key, "repeated delivery ignored");
        return StatusCode::OK;
    }
    match state.jobs.send(job) {
        Ok(()) => StatusCode::OK,
        Err(_) => {
            tracing::error!("pipeline is not running; asking the sender to retry");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}

fn shopify_webhook(
    state: &AppState,
    node: &str,
    channel: usize,
    secret: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> StatusCode {
    let signature = header(headers, "x-shopify-hmac-sha256");
    let verified = signatures::verify_shopify(secret, body, signature);
    if let Err(err) = checked(state, false, verified) {
        return refuse(node, &err);
    }
    let topic = header(headers, "x-shopify-topic").unwrap_or_default();
    let delivery = header(headers, "x-shopify-webhook-id").map(|id| format!("{node}:{id}"));
    let job = match topic {
        "orders/create" => match parse::<shopify::Order>(node, body) {
            Ok(order) => Job::OrderCreated(channel, order),
            Err(status) => return status,
        },
        "orders/cancelled" => match parse::<shopify::Order>(node, body) {
            Ok(order) => {
                // Flag at once so a pipeline already working on the order stops early.
                state.book.lock().request_cancel(order.id);
                Job::OrderCancelled(order)
            }
            Err(status) => return status,
        },
        other => {
            tracing::debug!(topic = other, "shopify topic not handled");
            return StatusCode::OK;
        }
    };
    enqueue(state, delivery, job)
}

fn easypost_webhook(
    state: &AppState,
    node: &str,
    secret: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> StatusCode {
    let signature = header(headers, "x-hmac-signature");
    let verified = signatures::verify_easypost(secret, body, signature);
    if let Err(err) = checked(state, false, verified) {
        return refuse(node, &err);
    }
    let event = match parse::<Event>(node, body) {
        Ok(event) => event,
        Err(status) => return status,
    };
    if event.description != "tracker.updated" {
        tracing::debug!(description = %event.description, "easypost event not handled");
        return StatusCode::OK;
    }
    let tracker = match serde_json::from_value::<Tracker>(event.result) {
        Ok(tracker) => tracker,
        Err(err) => {
            tracing::warn!(event = %event.id, error = %err, "tracker in event could not be read");
            return StatusCode::BAD_REQUEST;
        }
    };
    enqueue(
        state,
        Some(format!("{node}:{}", event.id)),
        Job::TrackerUpdated(tracker),
    )
}

fn shipbob_webhook(
    state: &AppState,
    node: &str,
    key: &[u8],
    headers: &HeaderMap,
    body: &[u8],
) -> StatusCode {
    let id = header(headers, "webhook-id");
    let verified = signatures::verify_standard_webhook(
        key,
        body,
        id,
        header(headers, "webhook-timestamp"),
        header(headers, "webhook-signature"),
    );
    if let Err(err) = checked(state, true, verified) {
        return refuse(node, &err);
    }
    let topic = header(headers, "x-webhook-topic").unwrap_or_default();
    let wrap: fn(shipbob::Shipment) -> Job = match topic {
        "order.shipped" => Job::Shipped,
        // Backorders and warehouse holds: the order cannot ship as it is.
        "order.shipment.exception"
        | "order.shipment.on_hold"
        | "order.exception"
        | "order.on_hold" => Job::ShipmentException,
        "order.shipment.cancelled" | "order.cancelled" => Job::ShipmentCancelled,
        other => {
            tracing::debug!(topic = other, "shipbob topic not handled");
            return StatusCode::OK;
        }
    };
    let shipment = match parse::<serde_json::Value>(node, body)
        .and_then(|v| shipbob::Shipment::from_body(v).map_err(|_| StatusCode::BAD_REQUEST))
    {
        Ok(shipment) => shipment,
        Err(status) => return status,
    };
    enqueue(state, id.map(|id| format!("{node}:{id}")), wrap(shipment))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use hmac::{Hmac, Mac};
    use sha2::Sha256;
    use tokio::sync::mpsc;

    const ORDER: &str = r##"{"id":5500000000001,"name":"#1001","line_items":[{"sku":"MUG","quantity":2}],"shipping_address":{"name":"Ada","address1":"1 Main St","city":"Oakland","province_code":"CA","zip":"94607","country_code":"US"}}"##;

    fn shopify_signature(secret: &str, body: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
        mac.update(body.as_bytes());
        STANDARD.encode(mac.finalize().into_bytes())
    }

    async fn start() -> (String, mpsc::UnboundedReceiver<Job>, Arc<AtomicBool>) {
        start_with(Defects::none()).await
    }

    async fn start_with(
        defects: Defects,
    ) -> (String, mpsc::UnboundedReceiver<Job>, Arc<AtomicBool>) {
        let (jobs, rx) = mpsc::unbounded_channel();
        let work = Work::default();
        let jobs = JobSender::new(jobs, work.clone());
        let ready = Arc::new(AtomicBool::new(false));
        let state = AppState {
            receivers: Arc::new(Receivers::from([
                (
                    "shopify".to_owned(),
                    Receiver::Storefront {
                        channel: 0,
                        secret: "shpss_test".into(),
                    },
                ),
                (
                    "easypost".to_owned(),
                    Receiver::Carrier {
                        secret: "ep".into(),
                    },
                ),
                (
                    "shipbob".to_owned(),
                    Receiver::Warehouse {
                        key: b"key".to_vec(),
                    },
                ),
            ])),
            book: SharedBook::default(),
            jobs,
            work,
            stock: StockTrigger::default(),
            ready: ready.clone(),
            defects,
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app(state)).await });
        (url, rx, ready)
    }

    async fn post_order(url: &str, signature: &str, webhook_id: &str) -> u16 {
        reqwest::Client::new()
            .post(format!("{url}/webhooks/shopify"))
            .header("X-Shopify-Topic", "orders/create")
            .header("X-Shopify-Hmac-Sha256", signature)
            .header("X-Shopify-Webhook-Id", webhook_id)
            .body(ORDER)
            .send()
            .await
            .expect("request")
            .status()
            .as_u16()
    }

    #[tokio::test]
    async fn health_turns_ready() {
        let (url, _rx, ready) = start().await;
        let status = |url: String| async move {
            reqwest::get(format!("{url}/health"))
                .await
                .expect("get")
                .status()
                .as_u16()
        };
        assert_eq!(status(url.clone()).await, 503);
        ready.store(true, Ordering::Release);
        assert_eq!(status(url).await, 200);
    }

    #[tokio::test]
    async fn idle_until_a_job_is_queued() {
        let (url, rx, _) = start().await;
        let idle = |url: String| async move {
            let r = reqwest::get(format!("{url}/drydock/idle"))
                .await
                .expect("get");
            (r.status().as_u16(), r.text().await.unwrap_or_default())
        };
        assert_eq!(idle(url.clone()).await.0, 200);
        let signature = shopify_signature("shpss_test", ORDER);
        assert_eq!(post_order(&url, &signature, "w-1").await, 200);
        let (status, body) = idle(url).await;
        assert_eq!(status, 503, "the order waits for the worker");
        assert!(body.contains(r#""jobs":1"#), "{body}");
        drop(rx);
    }

    #[tokio::test]
    async fn bad_signature_is_refused_and_nothing_happens() {
        let (url, mut rx, _) = start().await;
        let wrong = shopify_signature("not-the-secret", ORDER);
        assert_eq!(post_order(&url, &wrong, "w-1").await, 401);
        assert!(rx.try_recv().is_err());
    }

    #[tokio::test]
    async fn defects_change_behaviour_only_when_switched_on() {
        let forged = shopify_signature("not-the-secret", ORDER);
        let (url, mut rx, _) =
            start_with([Defect::SkipsSignatureCheck].into_iter().collect()).await;
        assert_eq!(post_order(&url, &forged, "w-1").await, 200);
        assert!(rx.try_recv().is_ok(), "the defect believes a forged order");

        let signed = shopify_signature("shpss_test", ORDER);
        let (url, mut rx, _) =
            start_with([Defect::ProcessesDuplicateWebhooks].into_iter().collect()).await;
        assert_eq!(post_order(&url, &signed, "w-1").await, 200);
        assert_eq!(post_order(&url, &signed, "w-1").await, 200);
        assert!(rx.try_recv().is_ok());
        assert!(rx.try_recv().is_ok(), "the defect enqueues the redelivery");
    }

    #[tokio::test]
    async fn signed_order_is_enqueued_once() {
        let (url, mut rx, _) = start().await;
        let signature = shopify_signature("shpss_test", ORDER);
        assert_eq!(post_order(&url, &signature, "w-1").await, 200);
        assert_eq!(post_order(&url, &signature, "w-1").await, 200);
        assert!(
            matches!(rx.try_recv(), Ok(Job::OrderCreated(0, order)) if order.id == 5_500_000_000_001)
        );
        assert!(rx.try_recv().is_err());
    }
}
