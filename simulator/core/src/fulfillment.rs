//! Fulfilling storefront orders: the fulfillments an integration creates (whole or in
//! part, with tracking), their tracking updates and the events that tell the customer
//! where the parcel is. Each request is checked whole before anything changes.

use std::collections::BTreeMap;

use crate::nodes::NodeId;
use crate::storefront::{
    FulfilledLine, Fulfillment, FulfillmentEvent, FulfillmentOrderStatus, FulfillmentScope,
    FulfillmentState, ShipmentStatus, TrackingInfo, channel_mut, status_word,
};
use crate::{Timestamp, World, WorldError, WorldEventKind};

/// Where a parcel is, as an integration reports it on a fulfillment (Shopify's
/// fulfillment event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShipmentProgress {
    pub status: ShipmentStatus,
    /// When it happened; the request's virtual time when absent.
    pub happened_at: Option<Timestamp>,
    pub estimated_delivery_at: Option<Timestamp>,
    pub message: String,
}

impl ShipmentProgress {
    /// `status`, now, with no estimate and no message.
    pub fn new(status: ShipmentStatus) -> Self {
        ShipmentProgress {
            status,
            happened_at: None,
            estimated_delivery_at: None,
            message: String::new(),
        }
    }
}

impl World {
    /// Fulfills whole fulfillment orders of one order (all that is left of each),
    /// optionally with tracking.
    pub fn create_fulfillment(
        &mut self,
        channel: &NodeId,
        fo_ids: &[u64],
        tracking: Option<TrackingInfo>,
    ) -> Result<u64, WorldError> {
        let scopes: Vec<FulfillmentScope> = fo_ids.iter().map(|id| (*id, None)).collect();
        self.fulfill(channel, &scopes, tracking)
    }

    /// Fulfills part or all of fulfillment orders of one order: per fulfillment order,
    /// either everything left (`None`) or `(fulfillment order line id, quantity)` pairs.
    /// A fulfillment order closes when nothing is left to fulfill.
    pub fn fulfill(
        &mut self,
        channel: &NodeId,
        scopes: &[FulfillmentScope],
        tracking: Option<TrackingInfo>,
    ) -> Result<u64, WorldError> {
        let now = self.now();
        let sf = self.channel(channel)?;
        let Some(&(first, _)) = scopes.first() else {
            return Err(WorldError::invalid(
                "line_items_by_fulfillment_order",
                "must not be empty",
            ));
        };
        let order_id = sf.fulfillment_order(first)?.order_id;
        let mut lines: Vec<FulfilledLine> = Vec::new();
        // Units asked of each fulfillment order line over the whole request, so that
        // naming a line (or a fulfillment order) twice cannot fulfill more than is left.
        let mut asked: BTreeMap<(u64, u64), u64> = BTreeMap::new();
        for (id, wanted) in scopes {
            let fo = sf.fulfillment_order(*id)?;
            if fo.order_id != order_id {
                return Err(WorldError::invalid(
                    "line_items_by_fulfillment_order",
                    "must all belong to the same order",
                ));
            }
            if !matches!(
                fo.status,
                FulfillmentOrderStatus::Open | FulfillmentOrderStatus::InProgress
            ) {
                return Err(WorldError::conflict(
                    "invalid_transition",
                    format!(
                        "fulfillment order {id} is {} and cannot be fulfilled",
                        status_word(fo.status)
                    ),
                ));
            }
            let picked: Vec<(u64, u32)> = match wanted {
                None => fo
                    .line_items
                    .iter()
                    .map(|l| (l.id, l.remaining()))
                    .collect(),
                Some(pairs) => pairs.clone(),
            };
            for (line_id, quantity) in picked {
                let Some(line) = fo.line_items.iter().find(|l| l.id == line_id) else {
                    return Err(WorldError::invalid(
                        "fulfillment_order_line_items",
                        format!("{line_id} is not a line of fulfillment order {id}"),
                    ));
                };
                let total = asked.entry((*id, line_id)).or_default();
                *total += u64::from(quantity);
                if *total > u64::from(line.remaining()) {
                    return Err(WorldError::invalid(
                        "fulfillment_order_line_items",
                        format!(
                            "quantity {total} of line {line_id} is more than the {} left to fulfill",
                            line.remaining()
                        ),
                    ));
                }
                if quantity > 0 {
                    lines.push(FulfilledLine {
                        fulfillment_order_id: *id,
                        fulfillment_order_line_id: line_id,
                        line_item_id: line.line_item_id,
                        quantity,
                    });
                }
            }
        }
        if lines.is_empty() {
            return Err(WorldError::invalid(
                "line_items_by_fulfillment_order",
                "nothing is left to fulfill",
            ));
        }
        let order = sf.order(order_id)?;
        let name = format!("{}.{}", order.name, order.fulfillment_ids.len() + 1);
        let id = self.ids.channel_id();
        let sf = channel_mut(&mut self.channels, channel)?;
        for line in &lines {
            if let Some(fo) = sf.fulfillment_orders.get_mut(&line.fulfillment_order_id) {
                if let Some(l) = fo
                    .line_items
                    .iter_mut()
                    .find(|l| l.id == line.fulfillment_order_line_id)
                {
                    // Checked above: never more than what was left.
                    l.fulfilled = l.fulfilled.saturating_add(line.quantity).min(l.quantity);
                }
                fo.status = if fo.line_items.iter().all(|l| l.remaining() == 0) {
                    FulfillmentOrderStatus::Closed
                } else {
                    FulfillmentOrderStatus::InProgress
                };
                fo.updated_at = now;
            }
        }
        let mut fo_ids: Vec<u64> = lines.iter().map(|l| l.fulfillment_order_id).collect();
        fo_ids.dedup();
        let shipment_status = tracking.as_ref().map(|_| ShipmentStatus::Confirmed);
        sf.fulfillments.insert(
            id,
            Fulfillment {
                id,
                order_id,
                name,
                fulfillment_order_ids: fo_ids,
                lines,
                status: FulfillmentState::Success,
                tracking,
                shipment_status,
                estimated_delivery_at: None,
                events: Vec::new(),
                created_at: now,
                updated_at: now,
            },
        );
        if let Some(order) = sf.orders.get_mut(&order_id) {
            order.fulfillment_ids.push(id);
            order.updated_at = now;
        }
        self.emit(channel, WorldEventKind::OrderUpdated { order_id });
        Ok(id)
    }

    pub fn update_tracking(
        &mut self,
        channel: &NodeId,
        fulfillment_id: u64,
        tracking: TrackingInfo,
    ) -> Result<(), WorldError> {
        let now = self.now();
        self.channel(channel)?;
        let f = channel_mut(&mut self.channels, channel)?
            .fulfillments
            .get_mut(&fulfillment_id)
            .ok_or_else(|| WorldError::not_found("fulfillment", fulfillment_id))?;
        f.tracking = Some(tracking);
        f.updated_at = now;
        Ok(())
    }

    /// Records where the parcel is, as the customer will see it.
    pub fn add_fulfillment_event(
        &mut self,
        channel: &NodeId,
        order_id: u64,
        fulfillment_id: u64,
        progress: ShipmentProgress,
    ) -> Result<u64, WorldError> {
        let ShipmentProgress {
            status,
            happened_at,
            estimated_delivery_at,
            message,
        } = progress;
        let now = self.now();
        if self
            .channel(channel)?
            .fulfillments
            .get(&fulfillment_id)
            .is_none_or(|f| f.order_id != order_id)
        {
            return Err(WorldError::not_found("fulfillment", fulfillment_id));
        }
        let id = self.ids.channel_id();
        let f = channel_mut(&mut self.channels, channel)?
            .fulfillments
            .get_mut(&fulfillment_id)
            .ok_or_else(|| WorldError::not_found("fulfillment", fulfillment_id))?;
        f.events.push(FulfillmentEvent {
            id,
            status,
            happened_at: happened_at.unwrap_or(now),
            created_at: now,
            estimated_delivery_at,
            message,
        });
        f.shipment_status = Some(status);
        if estimated_delivery_at.is_some() {
            f.estimated_delivery_at = estimated_delivery_at;
        }
        f.updated_at = now;
        Ok(id)
    }
}
