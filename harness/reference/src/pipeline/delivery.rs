//! Steps 6, 7 and 9: after the warehouse acts, mark the storefront order fulfilled
//! (only what shipped, after a short pick), forward carrier tracking (never backwards,
//! never twice), and hold orders the warehouse cannot ship.

use super::{Failure, Pipeline};
use crate::client::CallError;
use crate::defects::Defect;
use crate::easypost::Tracker;
use crate::held::RetryTask;
use crate::shipbob;
use crate::shopify::{FulfillmentEvent, HoldReason, LineQuantity, TrackingInfo};
use crate::shortpick::{self, Shortfall};
use crate::tracking;

impl Pipeline {
    /// Step 6: the warehouse shipped; mark the storefront order fulfilled.
    pub(super) async fn shipped(&self, shipment: &shipbob::Shipment) {
        let Some(id) = self.order_id_of(shipment) else {
            tracing::warn!(?shipment.reference_id, "shipment for an order we cannot identify");
            return;
        };
        let name = self.name_of(id);
        if self
            .order(id, |o| o.fulfillment_id.is_some())
            .unwrap_or(false)
        {
            tracing::info!(order = %name, "already fulfilled; ignoring repeated shipment");
            return;
        }
        match self.mark_fulfilled(id, shipment).await {
            Ok(()) => {}
            Err(failure) if failure.retryable && !self.has(Defect::DropsOrderDuringOutage) => {
                let first = self.order(id, |o| o.retry.is_none()).unwrap_or(true);
                self.schedule_retry(id, RetryTask::MarkShipped(shipment.clone()));
                if first {
                    self.slack
                        .alert(&format!(
                            "Order {name} shipped but could not be marked fulfilled yet; retrying ({})",
                            failure.cause
                        ))
                        .await;
                }
            }
            Err(failure) => {
                self.slack
                    .alert(&format!(
                        "Order {name} shipped but could not be marked fulfilled ({})",
                        failure.cause
                    ))
                    .await;
            }
        }
    }

    /// A background retry of marking a shipped order fulfilled.
    pub(super) async fn retry_mark_shipped(&self, id: u64, shipment: &shipbob::Shipment) {
        if self
            .order(id, |o| o.fulfillment_id.is_some())
            .unwrap_or(true)
        {
            self.update(id, |o| o.retry = None);
            return;
        }
        match self.mark_fulfilled(id, shipment).await {
            Ok(()) => self.update(id, |o| o.retry = None),
            Err(failure) => self.retry_failed(id, &failure).await,
        }
    }

    /// Creates the storefront fulfillment for what the warehouse shipped, then pushes the
    /// carrier updates that arrived before it.
    async fn mark_fulfilled(&self, id: u64, shipment: &shipbob::Shipment) -> Result<(), Failure> {
        let known = self.order(id, |o| {
            (
                o.name.clone(),
                o.label.clone(),
                o.lines.clone(),
                o.line_skus.clone(),
            )
        });
        let (name, label, lines, line_skus) =
            known.unwrap_or((format!("#{id}"), None, Vec::new(), Vec::new()));
        let tracking = shipment.tracking.as_ref();
        let number = tracking
            .and_then(|t| t.tracking_number.clone())
            .or_else(|| label.as_ref().map(|l| l.tracking_code.clone()))
            .unwrap_or_default();
        let info = TrackingInfo {
            number: number.clone(),
            url: tracking.and_then(|t| t.tracking_url.clone()),
            company: tracking
                .and_then(|t| t.carrier.clone())
                .or_else(|| label.as_ref().map(|l| l.carrier.clone())),
        };
        let short = shortpick::shortfalls(&lines, shipment);

        let orders = self.storefront(id).fulfillment_orders(id).await?;
        let Some(fo) = orders
            .iter()
            .find(|fo| matches!(fo.status.as_str(), "open" | "in_progress" | "on_hold"))
        else {
            // Nothing open: a fulfillment made earlier whose answer was lost.
            return match self.find_fulfillment(id, &number).await? {
                Some(found) => {
                    self.after_fulfilled(id, found, &number, label).await;
                    Ok(())
                }
                None => Err(Failure {
                    summary: "storefront has no open fulfillment order".to_owned(),
                    cause: format!("shopify order {id}"),
                    retryable: false,
                    unanswered: false,
                }),
            };
        };
        if fo.status == "on_hold" {
            // Held earlier (an outage, a warehouse exception) but shipped now: release first.
            self.release_if_held(id, fo.id).await?;
        }
        let lines_to_fulfil: Option<Vec<LineQuantity>> = if short.is_empty() {
            None
        } else {
            shortpick::lines_to_fulfil(&fo.line_items, &line_skus, &short)
        };
        let created = self
            .storefront(id)
            .create_fulfillment(fo.id, lines_to_fulfil.as_deref(), &info)
            .await;
        let fulfillment_id = match created {
            Ok(fulfillment) => fulfillment.id,
            Err(err) if err.outcome_unknown() || err.is_rejection() => {
                // The answer was lost or the request refused: it may have been made already.
                match self.find_fulfillment(id, &number).await? {
                    Some(found) => found,
                    None => return Err(Failure::from(err)),
                }
            }
            Err(err) => return Err(err.into()),
        };
        tracing::info!(order = %name, fulfillment_id, tracking = %number, "order fulfilled");
        if !short.is_empty() {
            self.alert_short_pick(&name, &short).await;
        }
        self.after_fulfilled(id, fulfillment_id, &number, label)
            .await;
        Ok(())
    }

    async fn alert_short_pick(&self, name: &str, short: &[Shortfall]) {
        self.slack
            .alert(&format!(
                "Order {name} short pick: the warehouse shipped {}; fulfilled only what shipped",
                shortpick::describe(short)
            ))
            .await;
    }

    /// An existing successful fulfillment of the order (with this tracking number, when known).
    async fn find_fulfillment(&self, id: u64, number: &str) -> Result<Option<u64>, CallError> {
        let found = self.storefront(id).fulfillments(id).await?;
        Ok(found
            .iter()
            .filter(|f| f.status.as_deref().is_none_or(|s| s == "success"))
            .find(|f| number.is_empty() || f.tracking_number.as_deref().is_none_or(|n| n == number))
            .map(|f| f.id))
    }

    /// Records the fulfillment and replays carrier updates parked until it existed.
    async fn after_fulfilled(
        &self,
        id: u64,
        fulfillment_id: u64,
        number: &str,
        label: Option<crate::easypost::Label>,
    ) {
        let parked = {
            let mut book = self.book.lock();
            book.link_tracking(number, id);
            if let Some(order) = book.get_mut(id) {
                order.fulfillment_id = Some(fulfillment_id);
                order.shipped = true;
                order.held = None;
                order.retry = None;
            }
            let mut parked = book.take_parked(number);
            if let Some(label) = label.filter(|l| l.tracking_code != number) {
                parked.extend(book.take_parked(&label.tracking_code));
            }
            parked
        };
        let mut parked: Vec<(u8, Tracker)> = parked
            .into_iter()
            .filter_map(|t| {
                tracking::shopify_event_status(&t.status).map(|s| (tracking::rank(s), t))
            })
            .collect();
        // Replay in progress order so early statuses are not lost behind later ones.
        parked.sort_by_key(|(rank, _)| *rank);
        for (_, tracker) in parked {
            self.push_tracking_event(id, fulfillment_id, &tracker).await;
        }
    }

    /// Step 7: a carrier update; pushed now, or parked until the fulfillment exists.
    pub(super) async fn tracker_updated(&self, tracker: Tracker) {
        if tracking::shopify_event_status(&tracker.status).is_none() {
            tracing::debug!(tracking_code = %tracker.tracking_code, status = %tracker.status, "status not pushed");
            return;
        }
        let target = {
            let mut book = self.book.lock();
            let target = book
                .order_for_tracking(&tracker.tracking_code)
                .and_then(|id| book.get(id).and_then(|o| o.fulfillment_id.map(|f| (id, f))));
            if target.is_none() {
                book.park(tracker.clone());
            }
            target
        };
        match target {
            Some((id, fulfillment_id)) => {
                self.push_tracking_event(id, fulfillment_id, &tracker).await
            }
            None => {
                tracing::info!(tracking_code = %tracker.tracking_code, "no fulfillment yet; update kept")
            }
        }
    }

    async fn push_tracking_event(&self, id: u64, fulfillment_id: u64, tracker: &Tracker) {
        let Some(status) = tracking::shopify_event_status(&tracker.status) else {
            return;
        };
        if status == "out_for_delivery" && self.has(Defect::SkipsOutForDelivery) {
            // DEFECT skips-out-for-delivery: the customer never sees this milestone.
            return;
        }
        let newest = tracking::newest_datetime(&tracker.tracking_details);
        let at = newest.and_then(tracking::instant_of);
        let (last_rank, last_at) = self
            .order(id, |o| (o.last_event_rank, o.last_event_at))
            .unwrap_or_default();
        let repeat = self.has(Defect::ProcessesDuplicateWebhooks);
        if !tracking::should_push(last_rank, last_at, status, at, repeat) {
            tracing::info!(
                id,
                status,
                "tracking update not newer than what was pushed; skipped"
            );
            return;
        }
        let event = FulfillmentEvent {
            status,
            happened_at: newest
                .and_then(|d| d.datetime.clone())
                .or_else(|| tracker.updated_at.clone()),
            estimated_delivery_at: if self.has(Defect::PushesWrongEta) {
                // DEFECT pushes-wrong-eta: a day later than the carrier says.
                tracker
                    .est_delivery_date
                    .as_deref()
                    .and_then(tracking::a_day_later)
            } else {
                tracker.est_delivery_date.clone()
            },
            message: newest.and_then(|d| d.message.clone()),
        };
        let mut pushed = self
            .storefront(id)
            .create_fulfillment_event(id, fulfillment_id, &event)
            .await;
        if let Err(err) = &pushed
            && err.outcome_unknown()
        {
            // The answer was lost: look before posting the same event a second time.
            pushed = match self
                .storefront(id)
                .fulfillment_events(id, fulfillment_id)
                .await
            {
                Ok(events) if events.iter().any(|e| e.status == status) => Ok(()),
                Ok(_) => {
                    self.storefront(id)
                        .create_fulfillment_event(id, fulfillment_id, &event)
                        .await
                }
                Err(lookup) => Err(lookup),
            };
        }
        match pushed {
            Ok(()) => {
                tracing::info!(id, fulfillment_id, status, "fulfillment event pushed");
                self.update(id, |o| {
                    o.last_event_rank = Some(tracking::rank(status));
                    o.last_event_at = at.or(o.last_event_at);
                });
            }
            Err(err) => {
                tracing::error!(id, fulfillment_id, status, error = %err, "fulfillment event not pushed")
            }
        }
    }

    /// Step 9: the warehouse could not ship; hold the storefront order and alert.
    pub(super) async fn shipment_exception(&self, shipment: &shipbob::Shipment) {
        let Some(id) = self.order_id_of(shipment) else {
            tracing::warn!(?shipment.reference_id, "exception for an order we cannot identify");
            return;
        };
        if self.cancelled(id) {
            tracing::info!(id, "exception for a cancelled order; nothing to hold");
            return;
        }
        let details: Vec<String> = shipment
            .status_details
            .iter()
            .filter_map(|d| d.description.clone().or_else(|| d.name.clone()))
            .collect();
        let detail = if details.is_empty() {
            shipment
                .status
                .clone()
                .unwrap_or_else(|| "Exception".to_owned())
        } else {
            details.join("; ")
        };
        let out_of_stock = shipment.status_details.iter().any(|d| {
            let text = format!(
                "{} {}",
                d.name.as_deref().unwrap_or_default(),
                d.description.as_deref().unwrap_or_default()
            );
            let text = text.to_ascii_lowercase().replace(' ', "");
            text.contains("outofstock") || text.contains("backorder")
        }) || shipment
            .status
            .as_deref()
            .is_some_and(|s| s.to_ascii_lowercase().contains("backorder"));
        if out_of_stock && self.reroute_out_of_stock(id).await {
            return;
        }
        let reason = if out_of_stock {
            HoldReason::InventoryOutOfStock
        } else {
            HoldReason::Other
        };
        let name = self
            .order(id, |o| o.name.clone())
            .unwrap_or_else(|| format!("#{id}"));
        self.update(id, |o| o.held = Some(detail.clone()));
        self.slack
            .alert(&format!(
                "Order {name} held: warehouse exception ({detail})"
            ))
            .await;
        let fo_id = self.known_or_open_fulfillment_order(id).await;
        let notes = format!("Warehouse exception: {detail}");
        match fo_id {
            Some(fo_id) => {
                if let Err(err) = self
                    .storefront(id)
                    .hold_fulfillment_order(fo_id, reason, &notes)
                    .await
                {
                    tracing::error!(order = %name, error = %err, "could not hold fulfillment order");
                }
            }
            None => tracing::error!(order = %name, "no fulfillment order to hold"),
        }
    }

    /// A warehouse cancel we did not ask for leaves a paid order unshipped: tell a human.
    pub(super) async fn shipment_cancelled(&self, shipment: &shipbob::Shipment) {
        let Some(id) = self.order_id_of(shipment) else {
            tracing::warn!(?shipment.reference_id, "cancelled shipment for an order we cannot identify");
            return;
        };
        let ours = shipment.order_id.is_some_and(|w| {
            self.order(id, |o| o.withdrawn.contains(&w))
                .unwrap_or(false)
        });
        if self.cancelled(id) || ours {
            tracing::info!(id, "warehouse confirmed our cancel");
            return;
        }
        let name = self
            .order(id, |o| o.name.clone())
            .unwrap_or_else(|| format!("#{id}"));
        self.slack
            .alert(&format!(
                "Order {name}: the warehouse cancelled its shipment without a storefront cancel"
            ))
            .await;
    }
}
