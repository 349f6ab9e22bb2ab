//! The pipeline's background duties, on real-time timers: queue the retries of held
//! orders that are due, and poll the warehouses (orders whose `order.shipped` has not
//! come) and the carriers (trackers ahead of what was pushed), so that no order depends
//! on one webhook arriving.
//! Both only queue jobs; the pipeline worker does the work, one job at a time.

use std::time::{Duration, Instant};

use super::Job;
use crate::nodes::Nodes;
use crate::state::SharedBook;
use crate::tracking;
use crate::work::JobSender;

/// The carrier is polled on every this many warehouse polls.
const CARRIER_EVERY: u64 = 4;

pub(crate) struct Background {
    pub(crate) book: SharedBook,
    pub(crate) nodes: Nodes,
    pub(crate) jobs: JobSender,
    /// How often due retries are looked for.
    pub(crate) retry_tick: Duration,
    /// How often orders in the warehouse are polled.
    pub(crate) reconcile: Duration,
}

impl Background {
    /// Runs both duties until the pipeline stops taking jobs.
    pub(crate) async fn run(self) {
        tokio::join!(self.queue_due_retries(), self.poll());
    }

    async fn queue_due_retries(&self) {
        let mut ticker = tokio::time::interval(self.retry_tick.max(Duration::from_millis(10)));
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let due = self.book.lock().claim_due_retries(Instant::now());
            for (id, task) in due {
                if self.jobs.send(Job::Retry(id, task)).is_err() {
                    return;
                }
            }
        }
    }

    async fn poll(&self) {
        let mut ticker = tokio::time::interval(self.reconcile.max(Duration::from_millis(10)));
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut tick: u64 = 0;
        loop {
            ticker.tick().await;
            tick = tick.wrapping_add(1);
            if !self.poll_warehouse().await {
                return;
            }
            // Trackers move often and their webhooks usually come: look less often.
            if tick.is_multiple_of(CARRIER_EVERY) && !self.poll_carrier().await {
                return;
            }
        }
    }

    /// Queues a fulfilment for orders the warehouse shipped; false once the pipeline is gone.
    async fn poll_warehouse(&self) -> bool {
        let waiting = self.book.lock().awaiting_warehouse();
        // A warehouse that failed is not asked again this round; the others still are.
        let mut failing = Vec::new();
        {
            for (id, warehouse, warehouse_order_id) in waiting {
                if failing.contains(&warehouse) {
                    continue;
                }
                let api = &self.nodes.warehouse(warehouse).api;
                let shipment = match api.order_shipment(warehouse_order_id).await {
                    Ok(shipment) => shipment,
                    Err(err) => {
                        tracing::debug!(id, error = %err, "warehouse poll failed; will try again");
                        failing.push(warehouse);
                        continue;
                    }
                };
                if !shipment.has_shipped() {
                    continue;
                }
                tracing::info!(id, "the warehouse shipped an order without telling us yet");
                if let Some(order) = self.book.lock().get_mut(id) {
                    order.ship_seen = true;
                }
                if self.jobs.send(Job::Shipped(shipment)).is_err() {
                    return false;
                }
            }
        }
        true
    }

    /// Queues carrier updates newer than what was pushed; false once the pipeline is gone.
    async fn poll_carrier(&self) -> bool {
        let waiting = self.book.lock().awaiting_carrier();
        let mut failing = Vec::new();
        for (id, carrier, tracking_code) in waiting {
            if failing.contains(&carrier) {
                continue;
            }
            let api = &self.nodes.carrier(carrier).api;
            let trackers = match api.trackers(&tracking_code).await {
                Ok(trackers) => trackers,
                Err(err) => {
                    tracing::debug!(id, error = %err, "tracker poll failed; will try again");
                    failing.push(carrier);
                    continue;
                }
            };
            let (last_rank, last_at) = self
                .book
                .lock()
                .get(id)
                .map(|o| (o.last_event_rank, o.last_event_at))
                .unwrap_or_default();
            for tracker in trackers {
                let Some(status) = tracking::shopify_event_status(&tracker.status) else {
                    continue;
                };
                let at = tracking::newest_datetime(&tracker.tracking_details)
                    .and_then(tracking::instant_of);
                if !tracking::should_push(last_rank, last_at, status, at, false) {
                    continue;
                }
                tracing::info!(
                    id,
                    status,
                    "the carrier moved a parcel without telling us yet"
                );
                if self.jobs.send(Job::TrackerUpdated(tracker)).is_err() {
                    return false;
                }
            }
        }
        true
    }
}
