//! The in-memory order book: per-order progress, pending stock reservations,
//! delivery ids already seen, and carrier updates waiting for their fulfillment.
//! Guarded by one `std::sync::Mutex` that is never held across an `.await`.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::address::PostalAddress;
use crate::easypost::{Label, Tracker};
use crate::held::{HeldRetry, RetryTask};
use crate::shopify;

/// One storefront order and how far the pipeline has taken it.
#[derive(Clone, Debug)]
pub(crate) struct OrderRecord {
    pub(crate) id: u64,
    /// The storefront channel that took it (index into the nodes).
    pub(crate) channel: usize,
    /// The warehouse it was routed to, once it was.
    pub(crate) warehouse: Option<usize>,
    /// The warehouse whose address the label (or a purchase in doubt) ships from.
    pub(crate) label_origin: Option<usize>,
    /// The carrier the label is bought from.
    pub(crate) carrier: usize,
    /// The carrier's id of the verified destination address.
    pub(crate) verified_address_id: Option<String>,
    /// Warehouse orders withdrawn to send the order elsewhere: their cancel is ours.
    pub(crate) withdrawn: Vec<u64>,
    /// Storefront name, e.g. "#1001".
    pub(crate) name: String,
    /// (sku, quantity) per line; lines without a SKU cannot be fulfilled and are skipped.
    pub(crate) lines: Vec<(String, u32)>,
    /// Storefront line item id → SKU, to fulfil only what shipped after a short pick.
    pub(crate) line_skus: Vec<(u64, String)>,
    pub(crate) address: PostalAddress,
    /// The address exactly as the storefront gave it (only the address defect uses it).
    pub(crate) address_as_given: PostalAddress,
    pub(crate) fulfillment_order_id: Option<u64>,
    pub(crate) label: Option<Label>,
    /// The carrier shipment a purchase was attempted on: looked up before buying again.
    pub(crate) purchase_shipment_id: Option<String>,
    pub(crate) warehouse_order_id: Option<u64>,
    pub(crate) fulfillment_id: Option<u64>,
    /// Rank of the last fulfillment event pushed to the storefront.
    pub(crate) last_event_rank: Option<u8>,
    /// Newest carrier scan time behind the last pushed event.
    pub(crate) last_event_at: Option<jiff::Timestamp>,
    /// Accepted but not yet in the warehouse: its units are held back from the storefront.
    pub(crate) reserved: bool,
    pub(crate) shipped: bool,
    pub(crate) cancelled: bool,
    /// Why the order is on hold, if it is.
    pub(crate) held: Option<String>,
    /// The background retry of a held order, while one is planned.
    pub(crate) retry: Option<HeldRetry>,
    /// The reconciler saw the warehouse ship it and queued the fulfilment.
    pub(crate) ship_seen: bool,
}

impl OrderRecord {
    pub(crate) fn from_shopify(order: &shopify::Order, channel: usize) -> OrderRecord {
        // A line without a SKU cannot go to the warehouse; it is left out.
        let sku = |line: &shopify::LineItem| {
            line.sku
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let lines = order
            .line_items
            .iter()
            .filter_map(|line| Some((sku(line)?, line.quantity)))
            .collect();
        let line_skus = order
            .line_items
            .iter()
            .filter_map(|line| Some((line.id?, sku(line)?)))
            .collect();
        let address = order
            .shipping_address
            .as_ref()
            .map(|a| PostalAddress::from_shopify(a, order.email.as_deref()))
            .unwrap_or_default();
        let address_as_given = order
            .shipping_address
            .as_ref()
            .map(|a| PostalAddress::as_given(a, order.email.as_deref()))
            .unwrap_or_default();
        let name = if order.name.is_empty() {
            format!("#{}", order.id)
        } else {
            order.name.clone()
        };
        OrderRecord {
            id: order.id,
            channel,
            warehouse: None,
            label_origin: None,
            carrier: 0,
            verified_address_id: None,
            withdrawn: Vec::new(),
            name,
            lines,
            line_skus,
            address,
            address_as_given,
            fulfillment_order_id: None,
            label: None,
            purchase_shipment_id: None,
            warehouse_order_id: None,
            fulfillment_id: None,
            last_event_rank: None,
            last_event_at: None,
            reserved: true,
            shipped: false,
            cancelled: false,
            held: None,
            retry: None,
            ship_seen: false,
        }
    }

    pub(crate) fn units(&self) -> u32 {
        self.lines.iter().map(|(_, qty)| *qty).sum()
    }
}

#[derive(Default)]
pub(crate) struct OrderBook {
    orders: HashMap<u64, OrderRecord>,
    /// Cancels seen, possibly before the order itself: the pipeline stops for these.
    cancel_requested: HashSet<u64>,
    seen_deliveries: HashSet<String>,
    tracking_to_order: HashMap<String, u64>,
    parked_trackers: HashMap<String, Vec<Tracker>>,
}

impl OrderBook {
    /// True the first time a delivery key ("source:id") is seen.
    pub(crate) fn first_delivery(&mut self, key: String) -> bool {
        self.seen_deliveries.insert(key)
    }

    pub(crate) fn request_cancel(&mut self, order_id: u64) {
        self.cancel_requested.insert(order_id);
        if let Some(order) = self.orders.get_mut(&order_id) {
            order.cancelled = true;
        }
    }

    pub(crate) fn is_cancel_requested(&self, order_id: u64) -> bool {
        self.cancel_requested.contains(&order_id)
    }

    /// Records a new order; false when it is already known.
    pub(crate) fn insert(&mut self, mut order: OrderRecord) -> bool {
        if self.orders.contains_key(&order.id) {
            return false;
        }
        if self.cancel_requested.contains(&order.id) {
            order.cancelled = true;
            order.reserved = false;
        }
        self.orders.insert(order.id, order);
        true
    }

    /// Replaces a known order with a fresh record (defect `processes-duplicate-webhooks`).
    pub(crate) fn replace(&mut self, order: OrderRecord) {
        self.orders.insert(order.id, order);
    }

    /// Plans a background retry of `task` for a held order.
    pub(crate) fn schedule_retry(
        &mut self,
        order_id: u64,
        task: RetryTask,
        now: Instant,
        base: Duration,
    ) {
        if let Some(order) = self.orders.get_mut(&order_id) {
            order.retry = Some(HeldRetry::first(task, now, base));
        }
    }

    /// Claims every retry that is due; each is returned once.
    pub(crate) fn claim_due_retries(&mut self, now: Instant) -> Vec<(u64, RetryTask)> {
        let mut due: Vec<(u64, RetryTask)> = self
            .orders
            .values_mut()
            .filter_map(|o| Some((o.id, o.retry.as_mut()?.claim(now)?)))
            .collect();
        due.sort_by_key(|(id, _)| *id);
        due
    }

    /// Whether some held order's retry is due and not yet queued (one scheduled for
    /// later is not).
    pub(crate) fn retry_due(&self, now: Instant) -> bool {
        self.orders.values().any(|o| {
            o.retry
                .as_ref()
                .and_then(|r| r.due)
                .is_some_and(|due| due <= now)
        })
    }

    /// A retry failed: plans the next try; false when the tries are spent.
    pub(crate) fn retry_failed(
        &mut self,
        order_id: u64,
        now: Instant,
        base: Duration,
        max: u32,
    ) -> bool {
        let Some(order) = self.orders.get_mut(&order_id) else {
            return false;
        };
        order.retry = order.retry.take().and_then(|r| r.failed(now, base, max));
        order.retry.is_some()
    }

    /// Orders in a warehouse whose shipping has not been seen yet, polled:
    /// `(order, warehouse, warehouse order)`.
    pub(crate) fn awaiting_warehouse(&self) -> Vec<(u64, usize, u64)> {
        let mut waiting: Vec<(u64, usize, u64)> = self
            .orders
            .values()
            .filter(|o| !o.shipped && !o.cancelled && !o.ship_seen)
            .filter_map(|o| Some((o.id, o.warehouse.unwrap_or(0), o.warehouse_order_id?)))
            .collect();
        waiting.sort_unstable();
        waiting
    }

    /// Shipped orders whose tracking is not final yet: `(order, carrier, tracking code)`.
    pub(crate) fn awaiting_carrier(&self) -> Vec<(u64, usize, String)> {
        let mut waiting: Vec<(u64, usize, String)> = self
            .orders
            .values()
            .filter(|o| o.fulfillment_id.is_some() && !o.cancelled)
            .filter(|o| {
                o.last_event_rank
                    .is_none_or(|r| r < crate::tracking::FINAL_RANK)
            })
            .filter_map(|o| Some((o.id, o.carrier, o.label.as_ref()?.tracking_code.clone())))
            .collect();
        waiting.sort_unstable();
        waiting
    }

    pub(crate) fn get(&self, order_id: u64) -> Option<&OrderRecord> {
        self.orders.get(&order_id)
    }

    pub(crate) fn get_mut(&mut self, order_id: u64) -> Option<&mut OrderRecord> {
        self.orders.get_mut(&order_id)
    }

    pub(crate) fn find_by_warehouse_order(&self, warehouse_order_id: u64) -> Option<u64> {
        self.orders
            .values()
            .find(|o| o.warehouse_order_id == Some(warehouse_order_id))
            .map(|o| o.id)
    }

    pub(crate) fn link_tracking(&mut self, tracking_code: &str, order_id: u64) {
        if !tracking_code.is_empty() {
            self.tracking_to_order
                .insert(tracking_code.to_owned(), order_id);
        }
    }

    pub(crate) fn order_for_tracking(&self, tracking_code: &str) -> Option<u64> {
        self.tracking_to_order.get(tracking_code).copied()
    }

    /// Keeps a carrier update until its fulfillment exists.
    pub(crate) fn park(&mut self, tracker: Tracker) {
        self.parked_trackers
            .entry(tracker.tracking_code.clone())
            .or_default()
            .push(tracker);
    }

    pub(crate) fn take_parked(&mut self, tracking_code: &str) -> Vec<Tracker> {
        self.parked_trackers
            .remove(tracking_code)
            .unwrap_or_default()
    }

    /// Units per SKU accepted by the storefront but not yet ordered from the warehouse.
    pub(crate) fn pending_by_sku(&self) -> HashMap<String, u32> {
        let mut pending: HashMap<String, u32> = HashMap::new();
        for order in self.orders.values().filter(|o| o.reserved) {
            for (sku, qty) in &order.lines {
                *pending.entry(sku.clone()).or_default() += qty;
            }
        }
        pending
    }
}

/// The order book shared by the webhook handlers, the pipeline and the stock sync.
#[derive(Clone, Default)]
pub(crate) struct SharedBook(Arc<Mutex<OrderBook>>);

impl SharedBook {
    pub(crate) fn lock(&self) -> MutexGuard<'_, OrderBook> {
        // A panic elsewhere must not wedge every webhook: the book stays usable.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: u64, lines: &[(&str, u32)]) -> OrderRecord {
        let order = shopify::Order {
            id,
            name: format!("#{id}"),
            email: None,
            line_items: lines
                .iter()
                .map(|(sku, quantity)| shopify::LineItem {
                    id: None,
                    sku: Some((*sku).to_owned()),
                    quantity: *quantity,
                })
                .collect(),
            shipping_address: None,
        };
        OrderRecord::from_shopify(&order, 0)
    }

    #[test]
    fn pending_sums_reserved_orders_only() {
        let mut book = OrderBook::default();
        assert!(book.insert(record(1, &[("MUG", 2), ("TEE", 1)])));
        assert!(book.insert(record(2, &[("MUG", 3)])));
        assert!(!book.insert(record(2, &[("MUG", 3)])));
        if let Some(order) = book.get_mut(2) {
            order.reserved = false;
        }
        let pending = book.pending_by_sku();
        assert_eq!(pending.get("MUG"), Some(&2));
        assert_eq!(pending.get("TEE"), Some(&1));
    }

    #[test]
    fn cancel_before_create_leaves_nothing_reserved() {
        let mut book = OrderBook::default();
        book.request_cancel(7);
        assert!(book.insert(record(7, &[("MUG", 1)])));
        assert!(book.get(7).is_some_and(|o| o.cancelled && !o.reserved));
        assert!(book.pending_by_sku().is_empty());
    }

    #[test]
    fn a_retry_planned_for_later_is_not_due_work() {
        let now = Instant::now();
        let later = Duration::from_secs(3600);
        let mut book = OrderBook::default();
        assert!(book.insert(record(1, &[("MUG", 1)])));
        book.schedule_retry(1, RetryTask::Fulfil, now, later);
        assert!(!book.retry_due(now), "an hour away is not busy");
        assert!(book.retry_due(now + later));
        assert_eq!(book.claim_due_retries(now + later).len(), 1);
        assert!(!book.retry_due(now + later), "once queued it is a job");
    }

    #[test]
    fn due_retries_are_claimed_once_and_bounded() {
        let now = Instant::now();
        let base = Duration::from_millis(10);
        let mut book = OrderBook::default();
        assert!(book.insert(record(1, &[("MUG", 1)])));
        book.schedule_retry(1, RetryTask::Fulfil, now, base);
        assert!(book.claim_due_retries(now).is_empty());
        assert_eq!(book.claim_due_retries(now + base).len(), 1);
        assert!(book.claim_due_retries(now + base).is_empty());
        assert!(book.retry_failed(1, now, base, 2));
        assert!(!book.retry_failed(1, now, base, 2));
        assert!(book.get(1).is_some_and(|o| o.retry.is_none()));
    }

    #[test]
    fn deliveries_are_deduplicated() {
        let mut book = OrderBook::default();
        assert!(book.first_delivery("shopify:abc".into()));
        assert!(!book.first_delivery("shopify:abc".into()));
        assert!(book.first_delivery("shipbob:abc".into()));
    }
}
