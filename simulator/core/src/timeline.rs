//! The customer's view of an order: the stages a shopper sees on the order status page,
//! derived from storefront state only (what the integration pushed), never from the
//! warehouse or carrier directly.

use serde::Serialize;

use crate::Timestamp;
use crate::storefront::{FulfillmentOrderStatus, FulfillmentState, ShipmentStatus, Storefront};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Stage {
    #[serde(rename = "Order Received")]
    Received,
    #[serde(rename = "Processing")]
    Processing,
    #[serde(rename = "On Hold")]
    OnHold,
    #[serde(rename = "Shipped")]
    Shipped,
    #[serde(rename = "Out for Delivery")]
    OutForDelivery,
    #[serde(rename = "Delivered")]
    Delivered,
    #[serde(rename = "Delivery Failed")]
    Failed,
    #[serde(rename = "Cancelled")]
    Cancelled,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Received => "Order Received",
            Stage::Processing => "Processing",
            Stage::OnHold => "On Hold",
            Stage::Shipped => "Shipped",
            Stage::OutForDelivery => "Out for Delivery",
            Stage::Delivered => "Delivered",
            Stage::Failed => "Delivery Failed",
            Stage::Cancelled => "Cancelled",
        }
    }

    /// Parses the label or a snake_case name (`out_for_delivery`).
    pub fn parse(s: &str) -> Option<Stage> {
        let norm: String = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Some(match norm.as_str() {
            "order_received" | "received" => Stage::Received,
            "processing" => Stage::Processing,
            "on_hold" | "held" => Stage::OnHold,
            "shipped" => Stage::Shipped,
            "out_for_delivery" => Stage::OutForDelivery,
            "delivered" => Stage::Delivered,
            "delivery_failed" | "failed" => Stage::Failed,
            "cancelled" | "canceled" => Stage::Cancelled,
            _ => return None,
        })
    }

    pub const NAMES: &[&str] = &[
        "received",
        "processing",
        "on_hold",
        "shipped",
        "out_for_delivery",
        "delivered",
        "failed",
        "cancelled",
    ];
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    pub at: Timestamp,
    pub stage: Stage,
}

/// The customer-visible timeline of one order, oldest first. Each stage appears once, at
/// the first time the storefront showed it.
pub fn customer_timeline(storefront: &Storefront, order_id: u64) -> Vec<TimelineEntry> {
    let Some(order) = storefront.orders.get(&order_id) else {
        return Vec::new();
    };
    let mut entries = vec![TimelineEntry {
        at: order.created_at,
        stage: Stage::Received,
    }];
    for fo in order
        .fulfillment_order_ids
        .iter()
        .filter_map(|id| storefront.fulfillment_orders.get(id))
    {
        if let Some(at) = fo.accepted_at {
            entries.push(TimelineEntry {
                at,
                stage: Stage::Processing,
            });
        }
        if let Some(hold) = fo.holds.first()
            && fo.status == FulfillmentOrderStatus::OnHold
        {
            entries.push(TimelineEntry {
                at: hold.held_at,
                stage: Stage::OnHold,
            });
        }
    }
    for f in order
        .fulfillment_ids
        .iter()
        .filter_map(|id| storefront.fulfillments.get(id))
    {
        if f.status != FulfillmentState::Success {
            continue;
        }
        entries.push(TimelineEntry {
            at: f.created_at,
            stage: Stage::Shipped,
        });
        for e in &f.events {
            let stage = match e.status {
                ShipmentStatus::OutForDelivery => Stage::OutForDelivery,
                ShipmentStatus::Delivered => Stage::Delivered,
                ShipmentStatus::Failure => Stage::Failed,
                _ => continue,
            };
            entries.push(TimelineEntry {
                at: e.created_at,
                stage,
            });
        }
    }
    if let Some(at) = order.cancelled_at {
        entries.push(TimelineEntry {
            at,
            stage: Stage::Cancelled,
        });
    }
    entries.sort_by_key(|e| (e.at, e.stage));
    let mut seen = Vec::new();
    entries.retain(|e| {
        let first = !seen.contains(&e.stage);
        seen.push(e.stage);
        first
    });
    entries
}

/// The stage the customer sees now: the last entry of the timeline.
pub fn current_stage(storefront: &Storefront, order_id: u64) -> Option<Stage> {
    customer_timeline(storefront, order_id)
        .last()
        .map(|e| e.stage)
}
