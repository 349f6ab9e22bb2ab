//! Step 4a: which warehouse ships the order (the rules are in `crate::routing`), read
//! from each warehouse's stock; and keeping the label in step with the route — a label
//! bought from another warehouse's address is refunded before a new one is bought.

use std::collections::HashMap;

use super::intake::parcel_weight;
use super::{Failure, Pipeline};
use crate::defects::Defect;
use crate::routing::{self, Candidate, Route};

impl Pipeline {
    /// Whether a warehouse that is down may be replaced by another for an order.
    pub(super) fn may_reroute(&self) -> bool {
        self.nodes.warehouses.len() > 1 && !self.has(Defect::NoRerouteOnOutage)
    }

    /// The warehouse for the order, leaving out those found `down` for it; with
    /// `whole_only`, only one that can ship it complete.
    pub(super) async fn choose_warehouse(
        &self,
        id: u64,
        name: &str,
        down: &[usize],
        whole_only: bool,
    ) -> Result<usize, Failure> {
        let count = self.nodes.warehouses.len();
        let nowhere = || Failure {
            summary: "no warehouse that can ship it is reachable".to_owned(),
            cause: "waiting for a warehouse to come back".to_owned(),
            retryable: true,
            unanswered: false,
        };
        if count == 1 || self.has(Defect::AlwaysFirstWarehouse) {
            // DEFECT always-first-warehouse: stock and distance are never looked at.
            return if down.contains(&0) {
                Err(nowhere())
            } else {
                Ok(0)
            };
        }
        let Some((lines, country)) =
            self.order(id, |o| (o.lines.clone(), o.address.country.clone()))
        else {
            return Err(nowhere());
        };
        // Each warehouse's stock (as last read when it is down) and whether it answers.
        let mut stock: Vec<(HashMap<String, i64>, bool)> = Vec::with_capacity(count);
        // What the order needs, as the stock of a warehouse never read: it might have it.
        let unknown: HashMap<String, i64> = lines
            .iter()
            .map(|(sku, qty)| (sku.clone(), i64::from(*qty)))
            .collect();
        for (index, warehouse) in self.nodes.warehouses.iter().enumerate() {
            // A warehouse that is down counts with the stock it last had, so the order
            // waits for it only if it could ship it complete.
            let last = || {
                self.known_stock
                    .get(index)
                    .unwrap_or_else(|| unknown.clone())
            };
            if down.contains(&index)
                || (warehouse.api.failing() && !self.has(Defect::NoRerouteOnOutage))
            {
                // Down for this order, or its last answer (often the stock sync's) was a
                // failure: not a candidate until a call to it succeeds again.
                stock.push((last(), false));
                continue;
            }
            match warehouse.api.inventory_levels().await {
                Ok(levels) => stock.push((self.known_stock.record(index, &levels), true)),
                Err(err) if self.has(Defect::NoRerouteOnOutage) => {
                    // DEFECT no-reroute-on-outage: a warehouse that cannot be reached
                    // keeps its place, as if it had what the order needs.
                    tracing::warn!(warehouse = %warehouse.id, error = %err, "stock unreadable");
                    stock.push((unknown.clone(), true));
                }
                Err(err) => {
                    tracing::warn!(warehouse = %warehouse.id, error = %err, "warehouse down; not routing there");
                    stock.push((last(), false));
                }
            }
        }
        let candidates: Vec<Candidate<'_>> = self
            .nodes
            .warehouses
            .iter()
            .zip(&stock)
            .map(|(w, (sellable, reachable))| Candidate {
                country: &w.ship_from.country,
                sellable,
                reachable: *reachable,
            })
            .collect();
        let chosen = match routing::route(&lines, &country, &candidates) {
            Route::Whole(index) => index,
            _ if whole_only => return Err(nowhere()),
            Route::Short(index) => index,
            // The pipeline keeps one warehouse order per storefront order: the closest
            // warehouse with a part gets it whole and reports what it lacks.
            Route::Split(parts) => match parts.first() {
                Some((index, _)) => *index,
                None => return Err(nowhere()),
            },
            Route::Wait => return Err(nowhere()),
        };
        let warehouse = self.nodes.warehouse(chosen);
        tracing::info!(order = name, warehouse = %warehouse.id, region = %warehouse.region, "order routed");
        Ok(chosen)
    }

    /// The warehouse reported the order out of stock: when another warehouse can ship it
    /// complete, withdraw it from the first and send it there (a new label from there).
    /// False when there is no such warehouse, or the first would not let it go.
    pub(super) async fn reroute_out_of_stock(&self, id: u64) -> bool {
        if self.nodes.warehouses.len() < 2 || self.has(Defect::AlwaysFirstWarehouse) {
            return false;
        }
        let Some((name, Some(from), Some(withdrawn), Some(address), units)) = self.order(id, |o| {
            (
                o.name.clone(),
                o.warehouse,
                o.warehouse_order_id,
                o.verified_address_id.clone(),
                o.units(),
            )
        }) else {
            return false;
        };
        let Ok(to) = self.choose_warehouse(id, &name, &[from], true).await else {
            return false;
        };
        // Its units are on their way again until the next warehouse has them.
        self.update(id, |o| {
            o.reserved = true;
            o.withdrawn.push(withdrawn);
        });
        self.stock.push_soon();
        if let Err(err) = self.nodes.warehouse(from).api.cancel_order(withdrawn).await {
            tracing::warn!(order = %name, error = %err, "the warehouse kept the order; holding it there");
            self.update(id, |o| {
                o.reserved = false;
                o.withdrawn.retain(|w| *w != withdrawn);
            });
            return false;
        }
        self.update(id, |o| {
            o.warehouse = None;
            o.warehouse_order_id = None;
        });
        tracing::info!(order = %name, from = %self.nodes.warehouse(from).id,
            to = %self.nodes.warehouse(to).id, "out of stock; routing the order to another warehouse");
        let handed = match self
            .purchase_label(id, &name, &address, parcel_weight(units), to)
            .await
        {
            Ok(label) => self.hand_to_warehouse(id, &name, label, to).await,
            Err(failure) => Err(failure),
        };
        if let Err(failure) = handed {
            self.hold_after_failure(id, &name, failure).await;
        }
        true
    }

    /// True when the order's label (or a purchase whose outcome is unknown) ships from
    /// `origin`, or there is none; a label from another warehouse is refunded first.
    pub(super) async fn label_ships_from(&self, id: u64, origin: usize) -> Result<bool, Failure> {
        let Some((from, label, pending)) = self.order(id, |o| {
            (
                o.label_origin,
                o.label.clone(),
                o.purchase_shipment_id.clone(),
            )
        }) else {
            return Ok(false);
        };
        if from.is_none_or(|from| from == origin) {
            return Ok(true);
        }
        let carrier = self.carrier(id);
        let bought = match (label, pending) {
            (Some(label), _) => Some(label),
            (None, Some(shipment_id)) => carrier.resume(&shipment_id).await?,
            (None, None) => None,
        };
        if let Some(label) = bought {
            carrier.refund(&label.shipment_id).await?;
            tracing::info!(id, shipment = %label.shipment_id, "label from the old route refunded");
        }
        self.update(id, |o| {
            o.label = None;
            o.purchase_shipment_id = None;
            o.label_origin = None;
        });
        Ok(true)
    }
}
