//! The order pipeline: one worker takes jobs from the webhook handlers in arrival
//! order and drives each order through accept → verify address → buy label → hand to
//! the warehouse → fulfil → tracking events. A failed step holds the order and alerts;
//! no order is dropped silently.

use tokio::sync::mpsc::UnboundedReceiver;

use crate::client::{CallError, Service};
use crate::config::ShipFrom;
use crate::easypost::{EasyPostApi, Tracker};
use crate::shipbob::{self, ShipBobApi};
use crate::shopify::{self, ShopifyApi};
use crate::slack::SlackApi;
use crate::state::{OrderRecord, SharedBook};
use crate::stock::StockTrigger;

mod delivery;
mod intake;

/// Work handed from the webhook handlers to the pipeline worker.
#[derive(Debug)]
pub(crate) enum Job {
    OrderCreated(shopify::Order),
    OrderCancelled(shopify::Order),
    Shipped(shipbob::Shipment),
    ShipmentException(shipbob::Shipment),
    ShipmentCancelled(shipbob::Shipment),
    TrackerUpdated(Tracker),
}

/// Why an order stopped before reaching the warehouse.
struct Failure {
    /// Short phrase for the alert, e.g. "carrier unavailable".
    summary: String,
    /// Cause for the alert's parentheses and the hold notes.
    cause: String,
}

impl Failure {
    fn from_call(err: &CallError) -> Failure {
        let party = match err {
            CallError::Transport { service, .. }
            | CallError::Status { service, .. }
            | CallError::Decode { service, .. } => *service,
        };
        let party = match party {
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
        Failure { summary, cause }
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
    pub(crate) shopify: ShopifyApi,
    pub(crate) easypost: EasyPostApi,
    pub(crate) shipbob: ShipBobApi,
    pub(crate) slack: SlackApi,
    pub(crate) book: SharedBook,
    pub(crate) stock: StockTrigger,
    pub(crate) ship_from: ShipFrom,
    pub(crate) defects: crate::Defects,
}

impl Pipeline {
    /// Handles jobs one at a time until every sender is gone.
    pub(crate) async fn run(self, mut jobs: UnboundedReceiver<Job>) {
        while let Some(job) = jobs.recv().await {
            match job {
                Job::OrderCreated(order) => self.order_created(&order).await,
                Job::OrderCancelled(order) => self.order_cancelled(&order).await,
                Job::Shipped(shipment) => self.shipped(&shipment).await,
                Job::ShipmentException(shipment) => self.shipment_exception(&shipment).await,
                Job::ShipmentCancelled(shipment) => self.shipment_cancelled(&shipment).await,
                Job::TrackerUpdated(tracker) => self.tracker_updated(tracker).await,
            }
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
        let orders = self.shopify.fulfillment_orders(order_id).await?;
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
