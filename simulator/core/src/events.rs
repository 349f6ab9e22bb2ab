//! What happened in the world that the outside may hear about. The core appends events;
//! the persona shell drains them and turns each into the webhooks of the node it names.

use serde::Serialize;

use crate::Timestamp;
use crate::carrier::TrackingStatus;
use crate::nodes::NodeId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorldEvent {
    pub at: Timestamp,
    /// The node whose subscribers hear about it.
    pub node: NodeId,
    pub kind: WorldEventKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum WorldEventKind {
    /// Storefront: a customer placed an order (`orders/create`).
    OrderCreated { order_id: u64 },
    /// Storefront: an order was cancelled (`orders/cancelled`).
    OrderCancelled { order_id: u64 },
    /// Warehouse: an order left the building (`order.shipped`).
    WarehouseOrderShipped { order_id: u64 },
    /// Storefront: an order changed (`orders/updated`).
    OrderUpdated { order_id: u64 },
    /// Warehouse: the carrier delivered a shipped order (`order.shipment.delivered`).
    WarehouseOrderDelivered { order_id: u64 },
    /// Warehouse: an order was cancelled (`order.cancelled`).
    WarehouseOrderCancelled { order_id: u64 },
    /// Warehouse: an order cannot proceed (`order.exception`).
    WarehouseOrderException { order_id: u64 },
    /// Carrier: a tracker changed status (`tracker.updated`).
    TrackerUpdated {
        tracker_id: String,
        previous_status: TrackingStatus,
    },
    /// A failed webhook delivery is due again (the shell owns the delivery).
    RedeliveryDue { delivery_id: u64 },
}
