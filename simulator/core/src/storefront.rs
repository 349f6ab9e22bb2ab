//! A storefront channel (Shopify-style): orders placed by customers, fulfillment orders,
//! the fulfillments an integration creates with tracking, fulfillment events that tell the
//! customer where the parcel is, stock levels per inventory item, webhook subscriptions.
//! Each channel lists the catalog under its own ids at its own location.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::address::Address;
use crate::catalog::Listing;
use crate::limits;
use crate::nodes::{Node, NodeId, Nodes, Role};
use crate::{Timestamp, World, WorldError};

pub use crate::checkout::{Checkout, split_name};
pub use crate::fulfillment::ShipmentProgress;

#[derive(Debug, Clone, Serialize)]
pub struct Storefront {
    pub id: NodeId,
    /// The provider this channel is an instance of (the shell knows what it means).
    pub provider: String,
    pub shop_domain: String,
    pub location_id: u64,
    /// Each catalog SKU under this channel's own product, variant and inventory item ids.
    pub listings: BTreeMap<String, Listing>,
    /// What order names carry before their number: empty on the first channel (`#1001`),
    /// the id upper-cased on the others (`#SHOP-EU-1001`).
    pub order_prefix: String,
    pub orders: BTreeMap<u64, Order>,
    pub fulfillment_orders: BTreeMap<u64, FulfillmentOrder>,
    pub fulfillments: BTreeMap<u64, Fulfillment>,
    /// Available quantity per inventory item at the one location.
    pub inventory: BTreeMap<u64, InventoryLevel>,
    pub webhooks: Vec<WebhookSubscription>,
    pub next_order_number: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct InventoryLevel {
    pub sku: String,
    pub available: i64,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Serialize)]
pub struct Customer {
    pub id: u64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Order {
    pub id: u64,
    pub number: u64,
    pub name: String,
    pub customer: Customer,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub cancelled_at: Option<Timestamp>,
    pub cancel_reason: Option<String>,
    pub line_items: Vec<LineItem>,
    pub shipping_address: Address,
    pub fulfillment_order_ids: Vec<u64>,
    pub fulfillment_ids: Vec<u64>,
}

impl Order {
    pub fn total_cents(&self) -> i64 {
        self.line_items
            .iter()
            .map(|l| l.price_cents * i64::from(l.quantity))
            .sum()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct LineItem {
    pub id: u64,
    pub sku: String,
    pub title: String,
    pub quantity: u32,
    pub price_cents: i64,
    pub product_id: u64,
    pub variant_id: u64,
    pub inventory_item_id: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FulfillmentOrderStatus {
    Open,
    InProgress,
    OnHold,
    Closed,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Submitted,
    Accepted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FulfillmentHold {
    pub reason: String,
    pub reason_notes: String,
    pub held_at: Timestamp,
}

#[derive(Debug, Clone, Serialize)]
pub struct FulfillmentOrder {
    pub id: u64,
    pub order_id: u64,
    pub status: FulfillmentOrderStatus,
    pub request_status: RequestStatus,
    pub accepted_at: Option<Timestamp>,
    pub holds: Vec<FulfillmentHold>,
    /// Holds that were released, with when: the customer saw them.
    pub released_holds: Vec<(FulfillmentHold, Timestamp)>,
    pub line_items: Vec<FulfillmentOrderLine>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Serialize)]
pub struct FulfillmentOrderLine {
    pub id: u64,
    pub line_item_id: u64,
    pub inventory_item_id: u64,
    pub variant_id: u64,
    pub quantity: u32,
    /// Units already fulfilled (a partial fulfillment leaves the rest open).
    pub fulfilled: u32,
}

impl FulfillmentOrderLine {
    /// Units that can still be fulfilled.
    pub fn remaining(&self) -> u32 {
        self.quantity.saturating_sub(self.fulfilled)
    }
}

/// What a fulfillment takes of one fulfillment order: everything left (`None`) or
/// `(fulfillment order line id, quantity)` pairs.
pub type FulfillmentScope = (u64, Option<Vec<(u64, u32)>>);

/// Units of one fulfillment order line that one fulfillment covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FulfilledLine {
    pub fulfillment_order_id: u64,
    pub fulfillment_order_line_id: u64,
    pub line_item_id: u64,
    pub quantity: u32,
}

/// Shipment status of a fulfillment, in the order a parcel normally moves through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShipmentStatus {
    LabelPrinted,
    LabelPurchased,
    Confirmed,
    InTransit,
    OutForDelivery,
    AttemptedDelivery,
    ReadyForPickup,
    Delivered,
    Failure,
}

impl ShipmentStatus {
    pub const ALL: [ShipmentStatus; 9] = [
        ShipmentStatus::LabelPrinted,
        ShipmentStatus::LabelPurchased,
        ShipmentStatus::Confirmed,
        ShipmentStatus::InTransit,
        ShipmentStatus::OutForDelivery,
        ShipmentStatus::AttemptedDelivery,
        ShipmentStatus::ReadyForPickup,
        ShipmentStatus::Delivered,
        ShipmentStatus::Failure,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ShipmentStatus::LabelPrinted => "label_printed",
            ShipmentStatus::LabelPurchased => "label_purchased",
            ShipmentStatus::Confirmed => "confirmed",
            ShipmentStatus::InTransit => "in_transit",
            ShipmentStatus::OutForDelivery => "out_for_delivery",
            ShipmentStatus::AttemptedDelivery => "attempted_delivery",
            ShipmentStatus::ReadyForPickup => "ready_for_pickup",
            ShipmentStatus::Delivered => "delivered",
            ShipmentStatus::Failure => "failure",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackingInfo {
    pub number: String,
    pub url: String,
    pub company: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FulfillmentEvent {
    pub id: u64,
    pub status: ShipmentStatus,
    pub happened_at: Timestamp,
    /// When the storefront recorded the event (virtual time of the request).
    pub created_at: Timestamp,
    pub estimated_delivery_at: Option<Timestamp>,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FulfillmentState {
    Success,
    Cancelled,
}

#[derive(Debug, Clone, Serialize)]
pub struct Fulfillment {
    pub id: u64,
    pub order_id: u64,
    pub name: String,
    pub fulfillment_order_ids: Vec<u64>,
    /// What this fulfillment covers, line by line.
    pub lines: Vec<FulfilledLine>,
    pub status: FulfillmentState,
    pub tracking: Option<TrackingInfo>,
    pub shipment_status: Option<ShipmentStatus>,
    pub estimated_delivery_at: Option<Timestamp>,
    pub events: Vec<FulfillmentEvent>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookSubscription {
    pub id: u64,
    pub topic: String,
    pub address: String,
    pub created_at: Timestamp,
}

/// The storefront topics a subscription may name.
pub const WEBHOOK_TOPICS: &[&str] = &[
    "orders/create",
    "orders/updated",
    "orders/cancelled",
    "fulfillments/create",
    "fulfillments/update",
    "inventory_levels/update",
];

impl Storefront {
    pub fn order(&self, id: u64) -> Result<&Order, WorldError> {
        self.orders
            .get(&id)
            .ok_or_else(|| WorldError::not_found("order", id))
    }

    pub fn fulfillment_order(&self, id: u64) -> Result<&FulfillmentOrder, WorldError> {
        self.fulfillment_orders
            .get(&id)
            .ok_or_else(|| WorldError::not_found("fulfillment order", id))
    }

    pub fn fulfillment(&self, id: u64) -> Result<&Fulfillment, WorldError> {
        self.fulfillments
            .get(&id)
            .ok_or_else(|| WorldError::not_found("fulfillment", id))
    }

    /// `fulfilled`, `partial` or none, as the storefront reports an order.
    pub fn fulfillment_status(&self, order: &Order) -> Option<&'static str> {
        let fos: Vec<_> = order
            .fulfillment_order_ids
            .iter()
            .filter_map(|id| self.fulfillment_orders.get(id))
            .collect();
        let lines = || fos.iter().flat_map(|fo| &fo.line_items);
        let ordered: u32 = lines().map(|l| l.quantity).sum();
        let fulfilled: u32 = lines().map(|l| l.fulfilled).sum();
        match fulfilled {
            0 => None,
            n if n >= ordered => Some("fulfilled"),
            _ => Some("partial"),
        }
    }

    pub fn available(&self, sku: &str) -> Option<i64> {
        self.inventory
            .values()
            .find(|l| l.sku == sku)
            .map(|l| l.available)
    }

    /// This channel's ids for `sku`.
    pub fn listing(&self, sku: &str) -> Option<&Listing> {
        self.listings.get(sku)
    }
}

impl Node for Storefront {
    fn id(&self) -> &NodeId {
        &self.id
    }
    fn provider(&self) -> &str {
        &self.provider
    }
}

/// The channel `id` to change, once the caller has checked that it exists.
pub(crate) fn channel_mut<'a>(
    channels: &'a mut Nodes<Storefront>,
    id: &NodeId,
) -> Result<&'a mut Storefront, WorldError> {
    channels
        .get_mut(id)
        .ok_or_else(|| WorldError::not_found(Role::Channel.as_str(), id))
}

impl World {
    /// The fulfillment service accepts a submitted fulfillment request: work begins.
    pub fn accept_fulfillment_request(
        &mut self,
        channel: &NodeId,
        fo_id: u64,
    ) -> Result<(), WorldError> {
        let now = self.now();
        let fo = self.fulfillment_order_mut(channel, fo_id)?;
        if fo.status != FulfillmentOrderStatus::Open
            || fo.request_status != RequestStatus::Submitted
        {
            return Err(WorldError::conflict(
                "invalid_transition",
                format!("fulfillment order {fo_id} has no submitted request to accept"),
            ));
        }
        fo.status = FulfillmentOrderStatus::InProgress;
        fo.request_status = RequestStatus::Accepted;
        fo.accepted_at = Some(now);
        fo.updated_at = now;
        Ok(())
    }

    /// Puts a fulfillment order on hold with a reason the merchant can see.
    pub fn hold_fulfillment_order(
        &mut self,
        channel: &NodeId,
        fo_id: u64,
        reason: &str,
        notes: &str,
    ) -> Result<(), WorldError> {
        let now = self.now();
        let fo = self.fulfillment_order_mut(channel, fo_id)?;
        if matches!(
            fo.status,
            FulfillmentOrderStatus::Closed | FulfillmentOrderStatus::Cancelled
        ) {
            return Err(WorldError::conflict(
                "invalid_transition",
                format!(
                    "fulfillment order {fo_id} is already {}",
                    status_word(fo.status)
                ),
            ));
        }
        fo.status = FulfillmentOrderStatus::OnHold;
        fo.holds.push(FulfillmentHold {
            reason: reason.to_string(),
            reason_notes: notes.to_string(),
            held_at: now,
        });
        fo.updated_at = now;
        Ok(())
    }

    pub fn release_fulfillment_hold(
        &mut self,
        channel: &NodeId,
        fo_id: u64,
    ) -> Result<(), WorldError> {
        let now = self.now();
        let fo = self.fulfillment_order_mut(channel, fo_id)?;
        if fo.status != FulfillmentOrderStatus::OnHold {
            return Err(WorldError::conflict(
                "invalid_transition",
                format!("fulfillment order {fo_id} is not on hold"),
            ));
        }
        fo.status = if fo.request_status == RequestStatus::Accepted {
            FulfillmentOrderStatus::InProgress
        } else {
            FulfillmentOrderStatus::Open
        };
        for hold in std::mem::take(&mut fo.holds) {
            fo.released_holds.push((hold, now));
        }
        fo.updated_at = now;
        Ok(())
    }

    pub fn set_available(
        &mut self,
        channel: &NodeId,
        inventory_item_id: u64,
        location_id: u64,
        available: i64,
    ) -> Result<(), WorldError> {
        let now = self.now();
        limits::available(available).map_err(|m| WorldError::invalid("available", m))?;
        let level = self.inventory_level_mut(channel, inventory_item_id, location_id)?;
        level.available = available;
        level.updated_at = now;
        Ok(())
    }

    pub fn adjust_available(
        &mut self,
        channel: &NodeId,
        inventory_item_id: u64,
        location_id: u64,
        delta: i64,
    ) -> Result<(), WorldError> {
        let now = self.now();
        limits::available(delta).map_err(|m| WorldError::invalid("available_adjustment", m))?;
        let level = self.inventory_level_mut(channel, inventory_item_id, location_id)?;
        let adjusted = level.available.saturating_add(delta);
        limits::available(adjusted).map_err(|m| {
            WorldError::invalid(
                "available_adjustment",
                format!("would leave {adjusted} available; the level {m}"),
            )
        })?;
        level.available = adjusted;
        level.updated_at = now;
        Ok(())
    }

    pub fn subscribe_storefront(
        &mut self,
        channel: &NodeId,
        topic: &str,
        address: &str,
    ) -> Result<u64, WorldError> {
        let sf = self.channel(channel)?;
        if !WEBHOOK_TOPICS.contains(&topic) {
            return Err(WorldError::invalid("topic", "Invalid topic specified."));
        }
        if !(address.starts_with("http://") || address.starts_with("https://")) {
            return Err(WorldError::invalid("address", "is invalid"));
        }
        if sf
            .webhooks
            .iter()
            .any(|w| w.topic == topic && w.address == address)
        {
            return Err(WorldError::invalid(
                "address",
                "for this topic has already been taken",
            ));
        }
        let id = self.ids.channel_id();
        let created_at = self.now();
        channel_mut(&mut self.channels, channel)?
            .webhooks
            .push(WebhookSubscription {
                id,
                topic: topic.to_string(),
                address: address.to_string(),
                created_at,
            });
        Ok(id)
    }

    pub fn unsubscribe_storefront(&mut self, channel: &NodeId, id: u64) -> Result<(), WorldError> {
        self.channel(channel)?;
        let sf = channel_mut(&mut self.channels, channel)?;
        let before = sf.webhooks.len();
        sf.webhooks.retain(|w| w.id != id);
        if sf.webhooks.len() == before {
            return Err(WorldError::not_found("webhook", id));
        }
        Ok(())
    }

    fn fulfillment_order_mut(
        &mut self,
        channel: &NodeId,
        id: u64,
    ) -> Result<&mut FulfillmentOrder, WorldError> {
        self.channel(channel)?;
        channel_mut(&mut self.channels, channel)?
            .fulfillment_orders
            .get_mut(&id)
            .ok_or_else(|| WorldError::not_found("fulfillment order", id))
    }

    fn inventory_level_mut(
        &mut self,
        channel: &NodeId,
        item: u64,
        location: u64,
    ) -> Result<&mut InventoryLevel, WorldError> {
        if location != self.channel(channel)?.location_id {
            return Err(WorldError::not_found("location", location));
        }
        channel_mut(&mut self.channels, channel)?
            .inventory
            .get_mut(&item)
            .ok_or_else(|| WorldError::not_found("inventory item", item))
    }
}

pub(crate) fn status_word(status: FulfillmentOrderStatus) -> &'static str {
    match status {
        FulfillmentOrderStatus::Open => "open",
        FulfillmentOrderStatus::InProgress => "in progress",
        FulfillmentOrderStatus::OnHold => "on hold",
        FulfillmentOrderStatus::Closed => "closed",
        FulfillmentOrderStatus::Cancelled => "cancelled",
    }
}
