//! Steps 6, 7 and 9: after the warehouse acts, mark the storefront order fulfilled,
//! forward carrier tracking, and hold orders the warehouse cannot ship.

use super::{Failure, Pipeline};
use crate::easypost::Tracker;
use crate::shipbob;
use crate::shopify::{FulfillmentEvent, HoldReason, TrackingInfo};
use crate::tracking;

impl Pipeline {
    /// Step 6: the warehouse shipped; mark the storefront order fulfilled.
    pub(super) async fn shipped(&self, shipment: &shipbob::Shipment) {
        let Some(id) = self.order_id_of(shipment) else {
            tracing::warn!(?shipment.reference_id, "shipment for an order we cannot identify");
            return;
        };
        let known = self.order(id, |o| {
            (
                o.name.clone(),
                o.fulfillment_order_id,
                o.fulfillment_id,
                o.label.clone(),
            )
        });
        let (name, fo_id, fulfillment_id, label) =
            known.unwrap_or((format!("#{id}"), None, None, None));
        if fulfillment_id.is_some() {
            tracing::info!(order = %name, "already fulfilled; ignoring repeated shipment");
            return;
        }
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
        let result = async {
            let fo_id = match fo_id {
                Some(fo_id) => fo_id,
                None => self.open_fulfillment_order(id).await?,
            };
            self.shopify
                .create_fulfillment(fo_id, &info)
                .await
                .map_err(Failure::from)
        }
        .await;
        let fulfillment = match result {
            Ok(fulfillment) => fulfillment,
            Err(Failure { cause, .. }) => {
                self.slack
                    .alert(&format!(
                        "Order {name} shipped but could not be marked fulfilled ({cause})"
                    ))
                    .await;
                return;
            }
        };
        tracing::info!(order = %name, fulfillment_id = fulfillment.id, tracking = %number, "order fulfilled");
        let parked = {
            let mut book = self.book.lock();
            book.link_tracking(&number, id);
            if let Some(order) = book.get_mut(id) {
                order.fulfillment_id = Some(fulfillment.id);
                order.shipped = true;
            }
            let mut parked = book.take_parked(&number);
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
            self.push_tracking_event(id, fulfillment.id, &tracker).await;
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
        let last = self.order(id, |o| o.last_event_rank).flatten();
        if !tracking::advances(last, status) {
            tracing::info!(
                id,
                status,
                "tracking update older than what was pushed; skipped"
            );
            return;
        }
        let newest = tracking::newest_datetime(&tracker.tracking_details);
        let event = FulfillmentEvent {
            status,
            happened_at: newest
                .and_then(|d| d.datetime.clone())
                .or_else(|| tracker.updated_at.clone()),
            estimated_delivery_at: tracker.est_delivery_date.clone(),
            message: newest.and_then(|d| d.message.clone()),
        };
        match self
            .shopify
            .create_fulfillment_event(id, fulfillment_id, &event)
            .await
        {
            Ok(()) => {
                tracing::info!(id, fulfillment_id, status, "fulfillment event pushed");
                self.update(id, |o| o.last_event_rank = Some(tracking::rank(status)));
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
            text.to_ascii_lowercase()
                .replace(' ', "")
                .contains("outofstock")
        });
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
                    .shopify
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
        if self.cancelled(id) {
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
