//! Steps 1–5 and 8: take a new order to the warehouse (or hold it), and undo that
//! work when the storefront cancels. A held order is retried from where it stopped:
//! a label bought (or maybe bought) before is reused, never bought twice.

use super::{Failure, Pipeline};
use crate::defects::Defect;
use crate::easypost::{self, Label};
use crate::held::RetryTask;
use crate::shipbob::NewOrder;
use crate::shopify::{self, HoldReason};
use crate::state::OrderRecord;

/// Parcel weight per unit: no catalog weights, so every unit counts as one pound.
const OUNCES_PER_UNIT: u32 = 16;

/// The parcel weight of an order of `units` units, in ounces.
pub(super) fn parcel_weight(units: u32) -> u32 {
    units.max(1).saturating_mul(OUNCES_PER_UNIT)
}

/// Where the pipeline left an order that did not fail.
pub(super) enum Progress {
    InWarehouse,
    Stopped,
}

impl Pipeline {
    /// Step 1, then steps 2–5 for a new order.
    pub(super) async fn order_created(&self, channel: usize, order: &shopify::Order) {
        let record = OrderRecord::from_shopify(order, channel);
        let name = record.name.clone();
        let reprocess = self.has(Defect::ProcessesDuplicateWebhooks);
        let fresh = {
            let mut book = self.book.lock();
            let cancelled = book.is_cancel_requested(order.id);
            if book.insert(record.clone()) {
                !cancelled
            } else if reprocess && !cancelled {
                // DEFECT processes-duplicate-webhooks: a redelivered orders/create is
                // taken as a new order, its progress forgotten, so it is bought again.
                book.replace(record);
                true
            } else {
                false
            }
        };
        if !fresh {
            tracing::info!(order = %name, "order already known or cancelled; nothing to do");
            return;
        }
        tracing::info!(order = %name, id = order.id, "order accepted");
        self.stock.push_soon();
        match self.fulfil(order.id).await {
            Ok(progress) => self.log_progress(&name, &progress),
            Err(failure) => self.hold_after_failure(order.id, &name, failure).await,
        }
    }

    fn log_progress(&self, name: &str, progress: &Progress) {
        match progress {
            Progress::InWarehouse => tracing::info!(order = %name, "order handed to the warehouse"),
            Progress::Stopped => tracing::info!(order = %name, "pipeline stopped for order"),
        }
    }

    /// A background retry of an order held because a provider was down: release the
    /// hold, then resume the pipeline where it stopped.
    pub(super) async fn retry_fulfil(&self, id: u64) {
        let Some((name, held_fo)) = self.order(id, |o| (o.name.clone(), o.fulfillment_order_id))
        else {
            return;
        };
        if self.cancelled(id) {
            self.update(id, |o| o.retry = None);
            return;
        }
        tracing::info!(order = %name, "retrying held order");
        if self.nodes.warehouses.len() > 1
            && let Err(failure) = self.choose_warehouse(id, &name, &[], false).await
        {
            // Still no warehouse that can take it: the hold stays as the customer sees
            // it, instead of being released only to be put back.
            self.retry_failed(id, &failure).await;
            return;
        }
        if let Some(fo_id) = held_fo
            && let Err(err) = self.release_if_held(id, fo_id).await
        {
            let failure = Failure::from(err);
            self.retry_failed(id, &failure).await;
            return;
        }
        match self.fulfil(id).await {
            Ok(progress) => {
                self.log_progress(&name, &progress);
                let was_held = self.order(id, |o| o.held.is_some()).unwrap_or(false);
                self.update(id, |o| {
                    o.retry = None;
                    o.held = None;
                });
                if was_held && matches!(progress, Progress::InWarehouse) {
                    self.slack
                        .alert(&format!(
                            "Order {name} released from hold and sent to the warehouse"
                        ))
                        .await;
                }
            }
            Err(failure) => {
                self.hold_quietly(id, &name, &failure).await;
                self.retry_failed(id, &failure).await;
            }
        }
    }

    /// Releases the fulfillment order's hold if it has one.
    pub(super) async fn release_if_held(
        &self,
        id: u64,
        fo_id: u64,
    ) -> Result<(), crate::client::CallError> {
        match self.storefront(id).release_hold(fo_id).await {
            Ok(()) => Ok(()),
            // Not on hold (any more): nothing to release.
            Err(err) if err.is_rejection() => Ok(()),
            Err(err) => Err(err),
        }
    }

    async fn fulfil(&self, id: u64) -> Result<Progress, Failure> {
        // Step 2: find and accept the fulfillment order.
        let fo_id = self.open_fulfillment_order(id).await?;
        self.update(id, |o| o.fulfillment_order_id = Some(fo_id));
        match self.storefront(id).accept_fulfillment_request(fo_id).await {
            Ok(()) => {}
            // Already accepted (a replay) is fine; the request is still ours.
            Err(err) if err.status().is_some_and(|s| s.as_u16() == 422) => {
                tracing::info!(fo_id, error = %err, "fulfillment request not accepted again");
            }
            Err(err) => return Err(err.into()),
        }
        if self.cancelled(id) {
            return Ok(Progress::Stopped);
        }

        // Step 3: verify the normalized address with the carrier.
        let raw = self.defects.has(Defect::SendsUnnormalizedAddresses);
        let Some((name, address, units)) = self.order(id, |o| {
            let address = if raw { &o.address_as_given } else { &o.address };
            (o.name.clone(), address.clone(), o.units())
        }) else {
            return Ok(Progress::Stopped);
        };
        let verified = if raw {
            // The defect: the storefront's address goes to the carrier as given, unchecked.
            self.carrier(id).create_address(&address).await?
        } else {
            if self.has(Defect::HoldsValidAddresses)
                && address.street2.as_deref().is_some_and(|u| !u.is_empty())
            {
                // DEFECT holds-valid-addresses: a unit line is taken for a bad address.
                self.reject_address(id, &name, fo_id, "cannot be shipped", "unit line")
                    .await;
                return Ok(Progress::Stopped);
            }
            if let Some(why) = address.unshippable() {
                self.reject_address(id, &name, fo_id, "cannot be shipped", &why)
                    .await;
                return Ok(Progress::Stopped);
            }
            self.carrier(id).verify_address(&address).await?
        };
        if let Some(delivery) = verified
            .verifications
            .as_ref()
            .and_then(|v| v.delivery.as_ref())
            && !delivery.success
        {
            let codes: Vec<&str> = delivery.errors.iter().map(|e| e.code.as_str()).collect();
            let codes = if codes.is_empty() {
                "no reason given".to_owned()
            } else {
                codes.join(", ")
            };
            self.reject_address(id, &name, fo_id, "rejected by carrier", &codes)
                .await;
            return Ok(Progress::Stopped);
        }
        if self.cancelled(id) {
            return Ok(Progress::Stopped);
        }

        // Steps 4 and 5, per warehouse: route, buy the label from its address, hand it
        // over; a warehouse that turns out to be down is left out and the order routed
        // again (each round leaves one more out, so this ends).
        self.update(id, |o| o.verified_address_id = Some(verified.id.clone()));
        let weight = parcel_weight(units);
        let mut down = Vec::new();
        loop {
            let warehouse = self.choose_warehouse(id, &name, &down, false).await?;
            let label = self
                .purchase_label(id, &name, &verified.id, weight, warehouse)
                .await?;
            match self.hand_to_warehouse(id, &name, label, warehouse).await {
                Err(failure) if failure.unanswered && self.may_reroute() => {
                    tracing::warn!(order = %name, warehouse = %self.nodes.warehouse(warehouse).id,
                        cause = %failure.cause, "warehouse down; routing the order again");
                    down.push(warehouse);
                }
                handed => return handed,
            }
        }
    }

    /// A label bought before, or one a purchase whose answer was lost did buy.
    async fn label_so_far(&self, id: u64, origin: usize) -> Result<Option<Label>, Failure> {
        if !self.label_ships_from(id, origin).await? {
            return Ok(None);
        }
        let (label, pending) = self
            .order(id, |o| (o.label.clone(), o.purchase_shipment_id.clone()))
            .unwrap_or_default();
        if label.is_some() {
            return Ok(label);
        }
        let Some(shipment_id) = pending else {
            return Ok(None);
        };
        // An earlier purchase on this shipment ended without an answer: look before buying.
        if let Some(label) = self.carrier(id).resume(&shipment_id).await? {
            return Ok(Some(label));
        }
        let rates = self.carrier(id).rates(&shipment_id).await?;
        match easypost::cheapest(&rates) {
            Some(rate) => Ok(Some(self.carrier(id).buy(&shipment_id, rate).await?)),
            None => Ok(None),
        }
    }

    pub(super) async fn purchase_label(
        &self,
        id: u64,
        name: &str,
        to_address_id: &str,
        weight: u32,
        origin: usize,
    ) -> Result<Label, Failure> {
        let label = match self.label_so_far(id, origin).await? {
            Some(label) => label,
            None => {
                let reference = id.to_string();
                let from = &self.nodes.warehouse(origin).ship_from;
                let shipment = self
                    .carrier(id)
                    .create_shipment(to_address_id, from, weight, &reference)
                    .await?;
                let Some(rate) = easypost::cheapest(&shipment.rates) else {
                    return Err(Failure {
                        summary: "carrier offered no rates".to_owned(),
                        cause: format!("easypost shipment {}", shipment.id),
                        retryable: true,
                        unanswered: false,
                    });
                };
                self.update(id, |o| {
                    o.purchase_shipment_id = Some(shipment.id.clone());
                    o.label_origin = Some(origin);
                });
                if self.has(Defect::SecondLabelAfterTimeout) {
                    self.buy_blindly(id, to_address_id, weight, &shipment.id, rate, from)
                        .await?
                } else {
                    self.carrier(id).buy(&shipment.id, rate).await?
                }
            }
        };
        tracing::info!(order = %name, tracking_code = %label.tracking_code, "label bought");
        let mut book = self.book.lock();
        book.link_tracking(&label.tracking_code, id);
        if let Some(order) = book.get_mut(id) {
            order.label = Some(label.clone());
        }
        Ok(label)
    }

    /// DEFECT second-label-after-timeout: when the purchase answer is lost or unreadable,
    /// start over with a new shipment and buy again, without looking the first one up.
    /// EasyPost refuses a second purchase on one shipment, so this buys a second label.
    async fn buy_blindly(
        &self,
        id: u64,
        to_address_id: &str,
        weight: u32,
        shipment_id: &str,
        rate: &easypost::Rate,
        from: &crate::config::ShipFrom,
    ) -> Result<Label, Failure> {
        let answer = self.carrier(id).buy_once(shipment_id, rate).await;
        if let Ok(shipment) = &answer
            && let Some(label) = crate::labels::label_of(shipment, Some(rate))
        {
            return Ok(label);
        }
        if let Err(err) = &answer
            && !err.outcome_unknown()
        {
            return Err(Failure::from_call(err));
        }
        tracing::warn!(
            shipment_id,
            "purchase answer lost; buying on a new shipment"
        );
        let again = self
            .carrier(id)
            .create_shipment(to_address_id, from, weight, &id.to_string())
            .await?;
        let rate = easypost::cheapest(&again.rates).ok_or_else(|| Failure {
            summary: "carrier offered no rates".to_owned(),
            cause: format!("easypost shipment {}", again.id),
            retryable: true,
            unanswered: false,
        })?;
        self.update(id, |o| o.purchase_shipment_id = Some(again.id.clone()));
        Ok(self.carrier(id).buy(&again.id, rate).await?)
    }

    /// Step 5: hand the order and its label to the warehouse.
    pub(super) async fn hand_to_warehouse(
        &self,
        id: u64,
        name: &str,
        label: Label,
        warehouse: usize,
    ) -> Result<Progress, Failure> {
        if self.cancelled(id) {
            // The cancel job, queued behind this one, refunds the label.
            return Ok(Progress::Stopped);
        }
        let Some((lines, address)) = self.order(id, |o| (o.lines.clone(), o.address.clone()))
        else {
            return Ok(Progress::Stopped);
        };
        let mut tags = vec![
            ("carrier_tracking_code", label.tracking_code.clone()),
            ("carrier", label.carrier.clone()),
        ];
        if let Some(url) = &label.label_url {
            tags.insert(1, ("carrier_label_url", url.clone()));
        }
        let new_order = NewOrder {
            reference_id: id.to_string(),
            order_number: name,
            recipient: &address,
            products: lines,
            tags,
        };
        let warehouse_order = self
            .nodes
            .warehouse(warehouse)
            .api
            .create_order(&new_order)
            .await?;
        self.update(id, |o| {
            o.warehouse = Some(warehouse);
            o.warehouse_order_id = Some(warehouse_order.id);
            o.reserved = false;
        });
        self.stock.push_soon();
        Ok(Progress::InWarehouse)
    }

    /// Holds the order for its address (`verdict`: "rejected by carrier", "cannot be
    /// shipped") and tells a human why.
    async fn reject_address(&self, id: u64, name: &str, fo_id: u64, verdict: &str, why: &str) {
        let notes = format!("Address {verdict}: {why}");
        if let Err(err) = self
            .storefront(id)
            .hold_fulfillment_order(fo_id, HoldReason::IncorrectAddress, &notes)
            .await
        {
            tracing::error!(order = name, error = %err, "could not hold fulfillment order");
        }
        self.slack
            .alert(&format!("Order {name} held: address {verdict} ({why})"))
            .await;
        self.update(id, |o| {
            o.reserved = false;
            o.held = Some(notes.clone());
        });
        self.stock.push_soon();
    }

    pub(super) async fn hold_after_failure(&self, id: u64, name: &str, failure: Failure) {
        if self.has(Defect::DropsOrderDuringOutage) {
            // DEFECT drops-order-during-outage: the order is forgotten: no hold on the
            // storefront, no alert, no retry; only a log line nobody reads.
            tracing::error!(order = name, summary = %failure.summary, "giving up on order");
            self.update(id, |o| o.reserved = false);
            self.stock.push_soon();
            return;
        }
        self.slack
            .alert(&format!(
                "Order {name} held: {} ({})",
                failure.summary, failure.cause
            ))
            .await;
        self.hold_quietly(id, name, &failure).await;
        if failure.retryable {
            self.schedule_retry(id, RetryTask::Fulfil);
        }
    }

    /// Holds the storefront fulfillment order with the failure as its reason, no alert.
    async fn hold_quietly(&self, id: u64, name: &str, failure: &Failure) {
        let notes = format!("{} ({})", failure.summary, failure.cause);
        self.update(id, |o| o.held = Some(notes.clone()));
        let Some(fo_id) = self.known_or_open_fulfillment_order(id).await else {
            tracing::error!(
                order = name,
                "order kept but not held: no fulfillment order reachable"
            );
            return;
        };
        self.update(id, |o| o.fulfillment_order_id = Some(fo_id));
        if let Err(err) = self
            .storefront(id)
            .hold_fulfillment_order(fo_id, HoldReason::Other, &notes)
            .await
        {
            tracing::error!(order = name, error = %err, "order kept but its fulfillment order could not be held");
        }
    }

    /// Step 8.
    pub(super) async fn order_cancelled(&self, order: &shopify::Order) {
        let snapshot = {
            let mut book = self.book.lock();
            book.request_cancel(order.id);
            book.get_mut(order.id).map(|o| {
                o.reserved = false;
                (
                    o.name.clone(),
                    o.warehouse_order_id,
                    o.label.clone(),
                    o.shipped,
                )
            })
        };
        let Some((name, warehouse_order_id, label, shipped)) = snapshot else {
            tracing::info!(
                id = order.id,
                "cancel for an order not seen yet; it will be skipped"
            );
            self.stock.push_soon();
            return;
        };
        let mut parcel_stays_home = !shipped;
        if let (Some(warehouse_id), false) = (warehouse_order_id, shipped) {
            if let Err(err) = self.warehouse_of(order.id).cancel_order(warehouse_id).await {
                parcel_stays_home = false;
                self.slack
                    .alert(&format!(
                        "Order {name} cancelled in the storefront but the warehouse did not cancel it ({})",
                        Failure::from_call(&err).cause
                    ))
                    .await;
            } else {
                tracing::info!(order = %name, warehouse_id, "warehouse order cancelled");
            }
        }
        if let Some(label) = label.filter(|_| parcel_stays_home) {
            match self.carrier(order.id).refund(&label.shipment_id).await {
                Ok(()) => {
                    tracing::info!(order = %name, shipment = %label.shipment_id, "label refunded")
                }
                Err(err) => tracing::error!(order = %name, error = %err, "label refund failed"),
            }
        }
        self.stock.push_soon();
    }
}
