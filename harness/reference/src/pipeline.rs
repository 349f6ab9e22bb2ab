//! The order pipeline: one worker takes jobs from the webhook handlers in arrival
//! order and drives each order through accept → verify address → buy label → hand to
//! the warehouse → fulfil → tracking events. A failed step holds the order and alerts;
//! no order is dropped silently: held orders are retried in the background
//! (`background.rs`), which also polls the warehouse in case a webhook never comes.

use tokio::sync::mpsc::UnboundedReceiver;

use crate::client::{CallError, Service};
use crate::config::Timings;
use crate::defects::{Defect, Defects};
use crate::easypost::{EasyPostApi, Tracker};
use crate::held::RetryTask;
use crate::nodes::Nodes;
use crate::shipbob::{self, ShipBobApi};
use crate::shopify::{self, ShopifyApi};
use crate::slack::SlackApi;
use crate::state::{OrderRecord, SharedBook};
use crate::stock::{KnownStock, StockTrigger};
use crate::work::Work;

mod background;
mod delivery;
mod intake;
mod route;

pub(crate) use background::Background;

/// Work handed from the webhook handlers to the pipeline worker.
#[derive(Debug)]
pub(crate) enum Job {
    /// A new order on the channel at this index.
    OrderCreated(usize, shopify::Order),
    OrderCancelled(shopify::Order),
    Shipped(shipbob::Shipment),
    ShipmentException(shipbob::Shipment),
    ShipmentCancelled(shipbob::Shipment),
    TrackerUpdated(Tracker),
    /// A background retry of a held order is due.
    Retry(u64, RetryTask),
}

/// Why an order stopped before reaching the warehouse.
struct Failure {
    /// Short phrase for the alert, e.g. "carrier unavailable".
    summary: String,
    /// Cause for the alert's parentheses and the hold notes.
    cause: String,
    /// The provider was unavailable (not: it refused): worth retrying later.
    retryable: bool,
    /// The provider said it did not do it (5xx, 429, connection refused): the request
    /// surely took no effect, so the work may go to another node instead.
    unanswered: bool,
}

impl Failure {
    fn from_call(err: &CallError) -> Failure {
        let party = match err.service() {
            Service::Shopify => "storefront",
            Service::EasyPost => "carrier",
            Service::ShipBob => "warehouse",
            Service::Slack => "alert sink",
        };
        let (summary, cause) = match err {
            CallError::Transport { service, what, .. } => (
                format!("{party} unavailable"),
                format!("{service} {what}: no answer"),
            ),
            CallError::Status {
                service,
                what,
                status,
                ..
            } if err.is_rejection() => (
                format!("{party} rejected the request"),
                format!("{service} {what}: {status}"),
            ),
            CallError::Status {
                service,
                what,
                status,
                ..
            } => (
                format!("{party} unavailable"),
                format!("{service} {what}: {status}"),
            ),
            CallError::Decode { service, what, .. } => (
                format!("{party} sent an unreadable answer"),
                format!("{service} {what}"),
            ),
        };
        Failure {
            summary,
            cause,
            retryable: !err.is_rejection(),
            unanswered: !err.is_rejection() && !err.outcome_unknown(),
        }
    }
}

impl From<CallError> for Failure {
    fn from(err: CallError) -> Failure {
        tracing::error!(error = %err, "pipeline step failed");
        Failure::from_call(&err)
    }
}

#[derive(Clone)]
pub(crate) struct Pipeline {
    pub(crate) nodes: Nodes,
    pub(crate) slack: SlackApi,
    pub(crate) book: SharedBook,
    pub(crate) stock: StockTrigger,
    /// Each warehouse's sellable stock as last read, shared with the stock sync.
    pub(crate) known_stock: KnownStock,
    pub(crate) timings: Timings,
    pub(crate) defects: Defects,
    /// Jobs in hand, for the idle endpoint.
    pub(crate) work: Work,
}

impl Pipeline {
    /// Handles jobs one at a time until every sender is gone. Each job runs in its own
    /// task so that a panic in one (a bug) is logged and the worker carries on.
    pub(crate) async fn run(self, mut jobs: UnboundedReceiver<Job>) {
        while let Some(job) = jobs.recv().await {
            if !self.timings.worker_delay.is_zero() {
                tokio::time::sleep(self.timings.worker_delay).await;
            }
            let worker = self.clone();
            let handled = tokio::spawn(async move { worker.handle(job).await }).await;
            self.work.job_done();
            if let Err(err) = handled {
                tracing::error!(error = %err, "a pipeline job crashed; carrying on with the next");
            }
        }
    }

    async fn handle(&self, job: Job) {
        match job {
            Job::OrderCreated(channel, order) => self.order_created(channel, &order).await,
            Job::OrderCancelled(order) => self.order_cancelled(&order).await,
            Job::Shipped(shipment) => self.shipped(&shipment).await,
            Job::ShipmentException(shipment) => self.shipment_exception(&shipment).await,
            Job::ShipmentCancelled(shipment) => self.shipment_cancelled(&shipment).await,
            Job::TrackerUpdated(tracker) => self.tracker_updated(tracker).await,
            Job::Retry(id, RetryTask::Fulfil) => self.retry_fulfil(id).await,
            Job::Retry(id, RetryTask::MarkShipped(shipment)) => {
                self.retry_mark_shipped(id, &shipment).await
            }
        }
    }

    /// The storefront the order was placed on.
    fn storefront(&self, id: u64) -> &ShopifyApi {
        let channel = self.order(id, |o| o.channel).unwrap_or(0);
        &self.nodes.channel(channel).api
    }

    /// The carrier the order's label comes from.
    fn carrier(&self, id: u64) -> &EasyPostApi {
        let carrier = self.order(id, |o| o.carrier).unwrap_or(0);
        &self.nodes.carrier(carrier).api
    }

    /// The warehouse the order was routed to (the first, before it is routed).
    fn warehouse_of(&self, id: u64) -> &ShipBobApi {
        let warehouse = self.order(id, |o| o.warehouse).flatten().unwrap_or(0);
        &self.nodes.warehouse(warehouse).api
    }

    fn has(&self, defect: Defect) -> bool {
        self.defects.has(defect)
    }

    fn name_of(&self, id: u64) -> String {
        self.order(id, |o| o.name.clone())
            .unwrap_or_else(|| format!("#{id}"))
    }

    /// Plans a background retry of `task` for a held order.
    fn schedule_retry(&self, id: u64, task: RetryTask) {
        self.book.lock().schedule_retry(
            id,
            task,
            std::time::Instant::now(),
            self.timings.held_retry,
        );
    }

    /// A retry failed again: plans the next try, or tells a human the tries are spent.
    async fn retry_failed(&self, id: u64, failure: &Failure) {
        let again = self.book.lock().retry_failed(
            id,
            std::time::Instant::now(),
            self.timings.held_retry,
            self.timings.held_retry_max,
        );
        if !again {
            let name = self.name_of(id);
            self.slack
                .alert(&format!(
                    "Order {name} stays held: still failing after {} retries, needs a human ({}: {})",
                    self.timings.held_retry_max, failure.summary, failure.cause
                ))
                .await;
        }
    }

    fn order<T>(&self, id: u64, read: impl FnOnce(&OrderRecord) -> T) -> Option<T> {
        self.book.lock().get(id).map(read)
    }

    fn update(&self, id: u64, change: impl FnOnce(&mut OrderRecord)) {
        if let Some(order) = self.book.lock().get_mut(id) {
            change(order);
        }
    }

    /// The storefront order id: the ShipBob `reference_id`, else found by warehouse order id.
    fn order_id_of(&self, shipment: &shipbob::Shipment) -> Option<u64> {
        shipment
            .reference_id
            .as_deref()
            .and_then(|r| r.trim().parse().ok())
            .or_else(|| self.book.lock().find_by_warehouse_order(shipment.order_id?))
    }

    fn cancelled(&self, id: u64) -> bool {
        self.book.lock().is_cancel_requested(id)
    }

    /// The first fulfillment order still open for work.
    async fn open_fulfillment_order(&self, order_id: u64) -> Result<u64, Failure> {
        let orders = self
            .storefront(order_id)
            .fulfillment_orders(order_id)
            .await?;
        orders
            .iter()
            .find(|fo| {
                matches!(
                    fo.status.as_str(),
                    "open" | "in_progress" | "scheduled" | "on_hold"
                )
            })
            .or_else(|| orders.first())
            .map(|fo| fo.id)
            .ok_or_else(|| Failure {
                summary: "storefront has no fulfillment order".to_owned(),
                cause: format!("shopify order {order_id}"),
                retryable: false,
                unanswered: false,
            })
    }

    /// The order's fulfillment order: remembered, else looked up; `None` if unreachable.
    async fn known_or_open_fulfillment_order(&self, id: u64) -> Option<u64> {
        match self.order(id, |o| o.fulfillment_order_id).flatten() {
            Some(fo_id) => Some(fo_id),
            None => self.open_fulfillment_order(id).await.ok(),
        }
    }
}
