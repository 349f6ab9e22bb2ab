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
        // A hold that was released: the customer saw "On Hold", then "Processing" again.
        for (hold, released_at) in &fo.released_holds {
            entries.push(TimelineEntry {
                at: hold.held_at,
                stage: Stage::OnHold,
            });
            entries.push(TimelineEntry {
                at: *released_at,
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
    // Stable: entries of one instant keep the order they happened in.
    entries.sort_by_key(|e| e.at);
    let mut seen: Vec<Stage> = Vec::new();
    entries.retain(|e| {
        let previous = seen.last().copied();
        // Holding and releasing may repeat; every other stage shows once.
        let keep = match e.stage {
            Stage::Processing | Stage::OnHold => previous != Some(e.stage),
            _ => !seen.contains(&e.stage),
        };
        if keep {
            seen.push(e.stage);
        }
        keep
    });
    // An integration that retries a held order holds and releases it again and again
    // within one instant; the customer saw that once.
    let mut i = 2;
    while i + 1 < entries.len() {
        if entries[i] == entries[i - 2] && entries[i + 1] == entries[i - 1] {
            entries.drain(i..i + 2);
        } else {
            i += 1;
        }
    }
    entries
}

/// The stage the customer sees now: the last entry of the timeline.
pub fn current_stage(storefront: &Storefront, order_id: u64) -> Option<Stage> {
    customer_timeline(storefront, order_id)
        .last()
        .map(|e| e.stage)
}

#[cfg(test)]
mod hold_tests {
    use super::*;
    use crate::World;
    use crate::spec::{ProductSpec, WorldSpec};
    use crate::storefront::Checkout;

    #[test]
    fn a_released_hold_shows_once_however_often_it_was_retried() {
        let mut spec = WorldSpec::default();
        spec.catalog.push(ProductSpec {
            sku: "MUG".into(),
            title: String::new(),
            price_cents: 100,
            weight_oz: 1,
            stock: 5,
        });
        let mut w = World::new(&spec).expect("world");
        let order = w
            .place_order(
                &w.default_channel(),
                Checkout {
                    email: String::new(),
                    ship_to: crate::address::Address {
                        name: "A".into(),
                        street1: "1 Main St".into(),
                        city: "X".into(),
                        state: "CA".into(),
                        zip: "94104".into(),
                        country: "US".into(),
                        ..Default::default()
                    },
                    lines: vec![("MUG".into(), 1)],
                },
            )
            .expect("order");
        let fo = w.channels.first().orders[&order].fulfillment_order_ids[0];
        w.accept_fulfillment_request(&w.default_channel(), fo)
            .expect("accept");
        for _ in 0..3 {
            w.hold_fulfillment_order(&w.default_channel(), fo, "other", "carrier down")
                .expect("hold");
            w.release_fulfillment_hold(&w.default_channel(), fo)
                .expect("release");
        }
        let stages: Vec<Stage> = customer_timeline(w.channels.first(), order)
            .into_iter()
            .map(|e| e.stage)
            .collect();
        assert_eq!(
            stages,
            [
                Stage::Received,
                Stage::Processing,
                Stage::OnHold,
                Stage::Processing
            ]
        );
        assert_eq!(
            current_stage(w.channels.first(), order),
            Some(Stage::Processing)
        );
    }
}
