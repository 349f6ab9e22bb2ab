//! Customers at a storefront channel: placing an order (stock is committed on that
//! channel, one fulfillment order is submitted) and cancelling one. Each is checked
//! whole before anything changes.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::address::Address;
use crate::limits;
use crate::nodes::NodeId;
use crate::storefront::{
    Customer, FulfillmentOrder, FulfillmentOrderLine, FulfillmentOrderStatus, FulfillmentState,
    LineItem, Order, RequestStatus, channel_mut,
};
use crate::{World, WorldError, WorldEventKind};

/// What a customer submits at checkout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checkout {
    pub email: String,
    pub ship_to: Address,
    pub lines: Vec<(String, u32)>,
}

impl World {
    /// A customer checks out at `channel`: the order is created, stock is committed
    /// (available drops), one fulfillment order is submitted to the fulfillment location,
    /// `orders/create` fires.
    pub fn place_order(&mut self, channel: &NodeId, checkout: Checkout) -> Result<u64, WorldError> {
        let sf = self.channel(channel)?;
        if checkout.lines.is_empty() {
            return Err(WorldError::invalid(
                "line_items",
                "must have at least one line",
            ));
        }
        let now = self.now();
        // Everything is checked before anything changes: units are summed in u64 (no
        // wrap-around), each line and the whole order stay within the domain's bounds.
        let mut wanted: BTreeMap<&str, u64> = BTreeMap::new();
        let mut units: u64 = 0;
        for (sku, qty) in &checkout.lines {
            limits::line_quantity(u64::from(*qty))
                .map_err(|m| WorldError::invalid("quantity", format!("of {sku} {m}")))?;
            if !self.catalog.contains_key(sku) || !sf.listings.contains_key(sku) {
                return Err(WorldError::not_found("sku", sku));
            }
            *wanted.entry(sku).or_default() += u64::from(*qty);
            units += u64::from(*qty);
            limits::order_units(units).map_err(|m| WorldError::invalid("line_items", m))?;
        }
        for (sku, qty) in &wanted {
            let available = sf.available(sku).unwrap_or(0);
            if available < 0 || (available as u64) < *qty {
                return Err(WorldError::conflict(
                    "insufficient_stock",
                    format!("only {available} of {sku} available, {qty} requested"),
                ));
            }
        }
        let order_id = self.ids.channel_id();
        let sf = channel_mut(&mut self.channels, channel)?;
        let number = sf.next_order_number;
        sf.next_order_number += 1;
        let name = format!("#{}{number}", sf.order_prefix);
        let mut line_items = Vec::new();
        for (sku, qty) in &checkout.lines {
            let p = &self.catalog[sku];
            let listing = sf.listings[sku];
            line_items.push(LineItem {
                id: self.ids.channel_id(),
                sku: sku.clone(),
                title: p.title.clone(),
                quantity: *qty,
                price_cents: p.price_cents,
                product_id: listing.product_id,
                variant_id: listing.variant_id,
                inventory_item_id: listing.inventory_item_id,
            });
        }
        for line in &line_items {
            if let Some(level) = sf.inventory.get_mut(&line.inventory_item_id) {
                level.available -= i64::from(line.quantity);
                level.updated_at = now;
            }
        }
        let fo_id = self.ids.channel_id();
        let fo_lines = line_items
            .iter()
            .map(|l| FulfillmentOrderLine {
                id: self.ids.channel_id(),
                line_item_id: l.id,
                inventory_item_id: l.inventory_item_id,
                variant_id: l.variant_id,
                quantity: l.quantity,
                fulfilled: 0,
            })
            .collect();
        sf.fulfillment_orders.insert(
            fo_id,
            FulfillmentOrder {
                id: fo_id,
                order_id,
                status: FulfillmentOrderStatus::Open,
                request_status: RequestStatus::Submitted,
                accepted_at: None,
                holds: Vec::new(),
                released_holds: Vec::new(),
                line_items: fo_lines,
                created_at: now,
                updated_at: now,
            },
        );
        let (first_name, last_name) = split_name(&checkout.ship_to.name);
        let customer = Customer {
            id: self.ids.channel_id(),
            first_name,
            last_name,
            email: checkout.email.clone(),
        };
        sf.orders.insert(
            order_id,
            Order {
                id: order_id,
                number,
                name,
                customer,
                created_at: now,
                updated_at: now,
                cancelled_at: None,
                cancel_reason: None,
                line_items,
                shipping_address: checkout.ship_to,
                fulfillment_order_ids: vec![fo_id],
                fulfillment_ids: Vec::new(),
            },
        );
        self.emit(channel, WorldEventKind::OrderCreated { order_id });
        Ok(order_id)
    }

    /// Cancels an order of `channel` that has not been fulfilled; restocking returns its
    /// units to `available`. Fires `orders/cancelled`.
    pub fn cancel_order(
        &mut self,
        channel: &NodeId,
        order_id: u64,
        reason: &str,
        restock: bool,
    ) -> Result<(), WorldError> {
        let now = self.now();
        let sf = self.channel(channel)?;
        let order = sf.order(order_id)?;
        if order.cancelled_at.is_some() {
            return Err(WorldError::conflict(
                "already_cancelled",
                "order has already been cancelled",
            ));
        }
        let active_fulfillment = order.fulfillment_ids.iter().any(|id| {
            sf.fulfillments
                .get(id)
                .is_some_and(|f| f.status == FulfillmentState::Success)
        });
        if active_fulfillment {
            return Err(WorldError::conflict(
                "fulfilled",
                "cannot cancel an order with active fulfillments",
            ));
        }
        let lines = order.line_items.clone();
        let fo_ids = order.fulfillment_order_ids.clone();
        let sf = channel_mut(&mut self.channels, channel)?;
        if restock {
            for line in &lines {
                if let Some(level) = sf.inventory.get_mut(&line.inventory_item_id) {
                    // Bounded: a line holds at most MAX_LINE_QUANTITY units.
                    level.available = level.available.saturating_add(i64::from(line.quantity));
                    level.updated_at = now;
                }
            }
        }
        for fo_id in fo_ids {
            if let Some(fo) = sf.fulfillment_orders.get_mut(&fo_id) {
                fo.status = FulfillmentOrderStatus::Cancelled;
                fo.updated_at = now;
            }
        }
        if let Some(order) = sf.orders.get_mut(&order_id) {
            order.cancelled_at = Some(now);
            order.cancel_reason = Some(reason.to_string());
            order.updated_at = now;
        }
        self.emit(channel, WorldEventKind::OrderUpdated { order_id });
        self.emit(channel, WorldEventKind::OrderCancelled { order_id });
        Ok(())
    }
}

/// Splits "Ada King Lovelace" into ("Ada King", "Lovelace"), as storefronts store names.
pub fn split_name(name: &str) -> (String, String) {
    let name = name.trim();
    match name.rsplit_once(' ') {
        Some((first, last)) => (first.trim().to_string(), last.to_string()),
        None => (name.to_string(), String::new()),
    }
}
