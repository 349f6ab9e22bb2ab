//! Steps 1–5 and 8: take a new order to the warehouse (or hold it), and undo that
//! work when the storefront cancels.

use super::{Failure, Pipeline};
use crate::Defect;
use crate::easypost;
use crate::shipbob::NewOrder;
use crate::shopify::{self, HoldReason};
use crate::state::OrderRecord;

/// Parcel weight per unit: no catalog weights, so every unit counts as one pound.
const OUNCES_PER_UNIT: u32 = 16;

/// Where the pipeline left an order that did not fail.
enum Progress {
    InWarehouse,
    Stopped,
}

impl Pipeline {
    /// Step 1, then steps 2–5 for a new order.
    pub(super) async fn order_created(&self, order: &shopify::Order) {
        let record = OrderRecord::from_shopify(order);
        let name = record.name.clone();
        let fresh = {
            let mut book = self.book.lock();
            book.insert(record) && !book.is_cancel_requested(order.id)
        };
        if !fresh {
            tracing::info!(order = %name, "order already known or cancelled; nothing to do");
            return;
        }
        tracing::info!(order = %name, id = order.id, "order accepted");
        self.stock.push_soon();
        match self.fulfil(order.id).await {
            Ok(Progress::InWarehouse) => {
                tracing::info!(order = %name, "order handed to the warehouse")
            }
            Ok(Progress::Stopped) => tracing::info!(order = %name, "pipeline stopped for order"),
            Err(failure) => self.hold_after_failure(order.id, &name, failure).await,
        }
    }

    async fn fulfil(&self, id: u64) -> Result<Progress, Failure> {
        // Step 2: find and accept the fulfillment order.
        let fo_id = self.open_fulfillment_order(id).await?;
        self.update(id, |o| o.fulfillment_order_id = Some(fo_id));
        match self.shopify.accept_fulfillment_request(fo_id).await {
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
            self.easypost.create_address(&address).await?
        } else {
            if let Some(why) = address.unshippable() {
                self.reject_address(id, &name, fo_id, "cannot be shipped", &why)
                    .await;
                return Ok(Progress::Stopped);
            }
            self.easypost.verify_address(&address).await?
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

        // Step 4: buy the cheapest label.
        let weight = units.max(1).saturating_mul(OUNCES_PER_UNIT);
        let reference = id.to_string();
        let shipment = self
            .easypost
            .create_shipment(&verified.id, &self.ship_from, weight, &reference)
            .await?;
        let Some(rate) = easypost::cheapest(&shipment.rates) else {
            return Err(Failure {
                summary: "carrier offered no rates".to_owned(),
                cause: format!("easypost shipment {}", shipment.id),
            });
        };
        let label = self.easypost.buy(&shipment.id, rate).await?;
        tracing::info!(order = %name, tracking_code = %label.tracking_code, "label bought");
        {
            let mut book = self.book.lock();
            book.link_tracking(&label.tracking_code, id);
            if let Some(order) = book.get_mut(id) {
                order.label = Some(label.clone());
            }
        }
        if self.cancelled(id) {
            // The cancel job, queued behind this one, refunds the label.
            return Ok(Progress::Stopped);
        }

        // Step 5: hand the order and its label to the warehouse.
        let Some(lines) = self.order(id, |o| o.lines.clone()) else {
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
            reference_id: reference,
            order_number: &name,
            recipient: &address,
            products: lines,
            tags,
        };
        let warehouse_order = self.shipbob.create_order(&new_order).await?;
        self.update(id, |o| {
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
            .shopify
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

    async fn hold_after_failure(&self, id: u64, name: &str, failure: Failure) {
        let Failure { summary, cause } = failure;
        self.update(id, |o| o.held = Some(format!("{summary}: {cause}")));
        self.slack
            .alert(&format!("Order {name} held: {summary} ({cause})"))
            .await;
        let Some(fo_id) = self.known_or_open_fulfillment_order(id).await else {
            tracing::error!(
                order = name,
                "order kept but not held: no fulfillment order reachable"
            );
            return;
        };
        let notes = format!("{summary} ({cause})");
        if let Err(err) = self
            .shopify
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
            if let Err(err) = self.shipbob.cancel_order(warehouse_id).await {
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
            match self.easypost.refund(&label.shipment_id).await {
                Ok(()) => {
                    tracing::info!(order = %name, shipment = %label.shipment_id, "label refunded")
                }
                Err(err) => tracing::error!(order = %name, error = %err, "label refund failed"),
            }
        }
        self.stock.push_soon();
    }
}
