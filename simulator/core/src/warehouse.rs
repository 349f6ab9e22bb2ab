//! A warehouse node (3PL/WMS, ShipBob-style): stock per SKU (on hand, committed to open
//! orders), orders that are picked, packed and shipped on the virtual clock, and the
//! handover of each parcel to the carrier that holds its tracking code.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::address::Address;
use crate::clock::Scheduled;
use crate::faults::{EffectKind, WarehouseEffect};
use crate::limits;
use crate::nodes::{Node, NodeId, Nodes, Role};
use crate::{Timestamp, World, WorldError, WorldEventKind};

#[derive(Debug, Clone, Serialize)]
pub struct Warehouse {
    pub id: NodeId,
    /// The provider this warehouse is an instance of (the shell knows what it means).
    pub provider: String,
    /// A free label, shown in the manifest (`US-East`, `EU`).
    pub region: String,
    /// Where its parcels leave from.
    pub ship_from: Address,
    pub channel_id: u64,
    pub location_name: String,
    pub orders: BTreeMap<u64, WarehouseOrder>,
    pub stock: BTreeMap<String, StockLevel>,
    pub webhooks: Vec<WarehouseSubscription>,
}

/// Units of one SKU in the building.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StockLevel {
    pub inventory_id: u64,
    /// Physically on the shelves.
    pub on_hand: i64,
    /// Promised to open orders that have not shipped yet.
    pub committed: i64,
}

impl StockLevel {
    /// What can still be promised to new orders.
    pub fn fulfillable(&self) -> i64 {
        (self.on_hand - self.committed).max(0)
    }

    /// What a storefront may offer for sale.
    pub fn sellable(&self) -> i64 {
        self.fulfillable()
    }
}

/// Where an order is in the building.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Processing,
    Picked,
    Packed,
    Shipped,
    Cancelled,
    Exception,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WarehouseLine {
    pub line_id: u64,
    pub sku: String,
    pub name: String,
    pub quantity: u32,
    /// Units that left the building (below `quantity` after a short pick).
    pub shipped: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tag {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShipmentTracking {
    pub carrier: String,
    pub tracking_number: String,
    pub tracking_url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct WarehouseOrder {
    pub id: u64,
    pub shipment_id: u64,
    pub reference_id: String,
    pub order_number: String,
    pub order_type: String,
    pub shipping_method: String,
    pub recipient: Address,
    pub lines: Vec<WarehouseLine>,
    pub tags: Vec<Tag>,
    pub stage: Stage,
    pub exception_reason: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub picked_at: Option<Timestamp>,
    pub packed_at: Option<Timestamp>,
    pub shipped_at: Option<Timestamp>,
    pub tracking: Option<ShipmentTracking>,
}

impl WarehouseOrder {
    pub fn tag(&self, name: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.value.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WarehouseSubscription {
    pub id: String,
    pub topics: Vec<String>,
    pub url: String,
    pub description: String,
    pub created_at: Timestamp,
}

/// The warehouse topics a subscription may name.
pub const WEBHOOK_TOPICS: &[&str] = &[
    "order.shipped",
    "order.shipment.delivered",
    "order.shipment.exception",
    "order.shipment.on_hold",
    "order.shipment.cancelled",
];

/// The tag through which an integration hands its carrier label to the warehouse.
pub const TRACKING_TAG: &str = "carrier_tracking_code";
pub const LABEL_URL_TAG: &str = "carrier_label_url";
pub const CARRIER_TAG: &str = "carrier";

/// A new order as the integration sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarehouseOrderRequest {
    pub reference_id: String,
    pub order_number: String,
    pub order_type: String,
    pub shipping_method: String,
    pub recipient: Address,
    pub lines: Vec<(String, String, u32)>,
    pub tags: Vec<Tag>,
}

impl Warehouse {
    pub fn order(&self, id: u64) -> Result<&WarehouseOrder, WorldError> {
        self.orders
            .get(&id)
            .ok_or_else(|| WorldError::not_found("order", id))
    }

    pub fn by_reference(&self, reference_id: &str) -> Option<&WarehouseOrder> {
        self.orders
            .values()
            .find(|o| o.reference_id == reference_id)
    }
}

impl Node for Warehouse {
    fn id(&self) -> &NodeId {
        &self.id
    }
    fn provider(&self) -> &str {
        &self.provider
    }
}

/// The warehouse `id`, once the caller has checked that it exists (a borrow of the
/// warehouses alone, so the caller may change the rest of the world meanwhile).
fn warehouse_ref<'a>(
    warehouses: &'a Nodes<Warehouse>,
    id: &NodeId,
) -> Result<&'a Warehouse, WorldError> {
    warehouses
        .get(id)
        .ok_or_else(|| WorldError::not_found(Role::Warehouse.as_str(), id))
}

/// The warehouse `id` to change, once the caller has checked that it exists.
pub(crate) fn warehouse_mut<'a>(
    warehouses: &'a mut Nodes<Warehouse>,
    id: &NodeId,
) -> Result<&'a mut Warehouse, WorldError> {
    warehouses
        .get_mut(id)
        .ok_or_else(|| WorldError::not_found(Role::Warehouse.as_str(), id))
}

impl World {
    /// Accepts an order into the warehouse. Stock is committed at once; if it is short the
    /// order goes to Exception (`order.shipment.exception`) and waits.
    pub fn create_warehouse_order(
        &mut self,
        warehouse: &NodeId,
        req: WarehouseOrderRequest,
    ) -> Result<u64, WorldError> {
        self.warehouse(warehouse)?;
        let wh = warehouse_ref(&self.warehouses, warehouse)?;
        if req.reference_id.trim().is_empty() {
            return Err(WorldError::invalid(
                "ReferenceId",
                "The ReferenceId field is required.",
            ));
        }
        if wh.by_reference(&req.reference_id).is_some() {
            return Err(WorldError::conflict(
                "duplicate_reference",
                format!(
                    "An order with reference id {} already exists",
                    req.reference_id
                ),
            ));
        }
        if req.lines.is_empty() {
            return Err(WorldError::invalid(
                "Products",
                "At least one product is required.",
            ));
        }
        if req.recipient.street1.trim().is_empty() || req.recipient.country.trim().is_empty() {
            return Err(WorldError::invalid(
                "Recipient.Address",
                "address1 and country are required.",
            ));
        }
        let mut wanted: BTreeMap<&str, i64> = BTreeMap::new();
        let mut units: u64 = 0;
        for (sku, _, qty) in &req.lines {
            if *qty == 0 {
                return Err(WorldError::invalid(
                    "Products.Quantity",
                    "Quantity must be at least 1.",
                ));
            }
            limits::line_quantity(u64::from(*qty))
                .map_err(|m| WorldError::invalid("Products.Quantity", format!("Quantity {m}.")))?;
            units += u64::from(*qty);
            limits::order_units(units)
                .map_err(|m| WorldError::invalid("Products", format!("The products {m}.")))?;
            if !wh.stock.contains_key(sku) {
                return Err(WorldError::invalid(
                    "Products.ReferenceId",
                    format!("No product with reference id {sku} exists."),
                ));
            }
            *wanted.entry(sku).or_default() += i64::from(*qty);
        }
        let now = self.now();
        let skus: Vec<&str> = wanted.keys().copied().collect();
        let backordered = self
            .faults
            .on_warehouse_order(
                EffectKind::Backorder,
                (wh.id.as_str(), wh.provider()),
                &req.reference_id,
                &skus,
                now,
            )
            .map(|_| skus.first().copied().unwrap_or_default().to_string());
        let short = backordered.as_deref().map(|sku| (sku, 0)).or_else(|| {
            wanted
                .iter()
                .find(|(sku, qty)| wh.stock.get(**sku).map_or(0, StockLevel::fulfillable) < **qty)
                .map(|(sku, qty)| (*sku, *qty))
        });
        let id = self.ids.warehouse_id();
        let shipment_id = self.ids.warehouse_id();
        let wh = warehouse_mut(&mut self.warehouses, warehouse)?;
        let (stage, exception_reason) = match short {
            Some((sku, _)) => (Stage::Exception, Some(format!("OutOfStock: {sku}"))),
            None => {
                for (sku, qty) in &wanted {
                    if let Some(level) = wh.stock.get_mut(*sku) {
                        level.committed += qty;
                    }
                }
                (Stage::Processing, None)
            }
        };
        let mut lines = Vec::new();
        for (sku, name, quantity) in req.lines {
            lines.push(WarehouseLine {
                line_id: self.ids.warehouse_id(),
                sku,
                name,
                quantity,
                shipped: 0,
            });
        }
        warehouse_mut(&mut self.warehouses, warehouse)?
            .orders
            .insert(
                id,
                WarehouseOrder {
                    id,
                    shipment_id,
                    reference_id: req.reference_id,
                    order_number: req.order_number,
                    order_type: req.order_type,
                    shipping_method: req.shipping_method,
                    recipient: req.recipient,
                    lines,
                    tags: req.tags,
                    stage,
                    exception_reason,
                    created_at: now,
                    updated_at: now,
                    picked_at: None,
                    packed_at: None,
                    shipped_at: None,
                    tracking: None,
                },
            );
        if stage == Stage::Exception {
            self.emit(
                warehouse,
                WorldEventKind::WarehouseOrderException { order_id: id },
            );
        } else {
            let at = limits::later(now, self.warehouse_handling.pick);
            self.agenda
                .schedule(at, Scheduled::WarehouseStep { order_id: id });
        }
        Ok(id)
    }

    /// Cancels an order that has not left the building; committed stock is released.
    pub fn cancel_warehouse_order(
        &mut self,
        warehouse: &NodeId,
        id: u64,
    ) -> Result<(), WorldError> {
        let now = self.now();
        let order = self.warehouse(warehouse)?.order(id)?;
        match order.stage {
            Stage::Shipped => {
                return Err(WorldError::conflict(
                    "already_shipped",
                    format!("Order {id} cannot be cancelled: shipment is Completed"),
                ));
            }
            Stage::Cancelled => {
                return Err(WorldError::conflict(
                    "already_cancelled",
                    format!("Order {id} is already cancelled"),
                ));
            }
            _ => {}
        }
        let committed = order.stage != Stage::Exception;
        let lines = order.lines.clone();
        let wh = warehouse_mut(&mut self.warehouses, warehouse)?;
        if committed {
            for line in &lines {
                if let Some(level) = wh.stock.get_mut(&line.sku) {
                    level.committed = (level.committed - i64::from(line.quantity)).max(0);
                }
            }
        }
        if let Some(order) = wh.orders.get_mut(&id) {
            order.stage = Stage::Cancelled;
            order.updated_at = now;
        }
        self.agenda
            .retain(|item| *item != Scheduled::WarehouseStep { order_id: id });
        self.emit(
            warehouse,
            WorldEventKind::WarehouseOrderCancelled { order_id: id },
        );
        Ok(())
    }

    /// A cycle count or a receipt at `warehouse`: the shelves now hold `on_hand` units of
    /// `sku`.
    pub fn set_on_hand(
        &mut self,
        warehouse: &NodeId,
        sku: &str,
        on_hand: i64,
    ) -> Result<(), WorldError> {
        self.warehouse(warehouse)?;
        limits::on_hand(on_hand).map_err(|m| WorldError::invalid("on_hand", m))?;
        let level = warehouse_mut(&mut self.warehouses, warehouse)?
            .stock
            .get_mut(sku)
            .ok_or_else(|| WorldError::not_found("sku", sku))?;
        level.on_hand = on_hand;
        Ok(())
    }

    pub fn subscribe_warehouse(
        &mut self,
        warehouse: &NodeId,
        topics: &[String],
        url: &str,
        description: &str,
    ) -> Result<String, WorldError> {
        self.warehouse(warehouse)?;
        if topics.is_empty() {
            return Err(WorldError::invalid(
                "Topics",
                "At least one topic is required.",
            ));
        }
        if let Some(bad) = topics
            .iter()
            .find(|t| !WEBHOOK_TOPICS.contains(&t.as_str()))
        {
            return Err(WorldError::invalid(
                "Topics",
                format!("'{bad}' is not a valid topic."),
            ));
        }
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(WorldError::invalid(
                "Url",
                "The Url field is not a valid URL.",
            ));
        }
        let id = self.ids.warehouse_id().to_string();
        let created_at = self.now();
        warehouse_mut(&mut self.warehouses, warehouse)?
            .webhooks
            .push(WarehouseSubscription {
                id: id.clone(),
                topics: topics.to_vec(),
                url: url.to_string(),
                description: description.to_string(),
                created_at,
            });
        Ok(id)
    }

    pub fn unsubscribe_warehouse(
        &mut self,
        warehouse: &NodeId,
        id: &str,
    ) -> Result<(), WorldError> {
        self.warehouse(warehouse)?;
        let wh = warehouse_mut(&mut self.warehouses, warehouse)?;
        let before = wh.webhooks.len();
        wh.webhooks.retain(|w| w.id != id);
        if before == wh.webhooks.len() {
            return Err(WorldError::not_found("webhook", id));
        }
        Ok(())
    }

    /// The warehouse that holds order `id` (ids are unique across warehouses).
    pub fn warehouse_holding(&self, id: u64) -> Option<&NodeId> {
        self.warehouses
            .iter()
            .find(|w| w.orders.contains_key(&id))
            .map(|w| &w.id)
    }

    /// The next stage of a warehouse order, fired by the clock.
    pub(crate) fn warehouse_step(&mut self, id: u64) {
        let now = self.now();
        let handling = self.warehouse_handling.clone();
        let Some(node) = self.warehouse_holding(id).cloned() else {
            return;
        };
        let Some(order) = self
            .warehouses
            .get_mut(&node)
            .and_then(|w| w.orders.get_mut(&id))
        else {
            return;
        };
        order.updated_at = now;
        match order.stage {
            Stage::Processing => {
                order.stage = Stage::Picked;
                order.picked_at = Some(now);
                self.agenda.schedule(
                    limits::later(now, handling.pack),
                    Scheduled::WarehouseStep { order_id: id },
                );
            }
            Stage::Picked => {
                order.stage = Stage::Packed;
                order.packed_at = Some(now);
                self.agenda.schedule(
                    limits::later(now, handling.ship),
                    Scheduled::WarehouseStep { order_id: id },
                );
            }
            Stage::Packed => self.ship_warehouse_order(&node, id),
            Stage::Shipped | Stage::Cancelled | Stage::Exception => {}
        }
    }

    fn ship_warehouse_order(&mut self, node: &NodeId, id: u64) {
        let now = self.now();
        let Ok(wh) = warehouse_mut(&mut self.warehouses, node) else {
            return;
        };
        let provider = wh.provider().to_string();
        let Some(order) = wh.orders.get_mut(&id) else {
            return;
        };
        order.stage = Stage::Shipped;
        order.shipped_at = Some(now);
        for line in &mut order.lines {
            line.shipped = line.quantity;
        }
        let reference = order.reference_id.clone();
        let skus: Vec<String> = order.lines.iter().map(|l| l.sku.clone()).collect();
        let sku_refs: Vec<&str> = skus.iter().map(String::as_str).collect();
        if let Some(fired) = self.faults.on_warehouse_order(
            EffectKind::ShortPick,
            (node.as_str(), &provider),
            &reference,
            &sku_refs,
            now,
        ) && let Some(order) = self
            .warehouses
            .get_mut(node)
            .and_then(|w| w.orders.get_mut(&id))
        {
            // The picker could not find the units: they ship short and are written off.
            let missing = match fired.effect {
                WarehouseEffect::ShortPick { missing } => missing.unwrap_or(1),
                WarehouseEffect::Backorder => 0,
            };
            let pick = order
                .lines
                .iter()
                .position(|l| fired.rule.matching.as_deref() == Some(l.sku.as_str()))
                .unwrap_or(0);
            if let Some(line) = order.lines.get_mut(pick) {
                line.shipped = line.quantity.saturating_sub(missing);
            }
        }
        let Ok(wh) = warehouse_mut(&mut self.warehouses, node) else {
            return;
        };
        let Some(order) = wh.orders.get(&id) else {
            return;
        };
        let code = order.tag(TRACKING_TAG).map(str::to_string);
        let carrier = order.tag(CARRIER_TAG).unwrap_or("USPS").to_string();
        let lines = order.lines.clone();
        for line in &lines {
            if let Some(level) = wh.stock.get_mut(&line.sku) {
                // A count below what was promised leaves nothing on the shelves, never
                // less than nothing.
                let quantity = i64::from(line.quantity);
                level.on_hand = (level.on_hand - quantity).max(0);
                level.committed = (level.committed - quantity).max(0);
            }
        }
        if let Some(code) = code {
            let url = self
                .carriers
                .iter()
                .find(|c| c.tracker_by_code(&code).is_some())
                .unwrap_or(self.carriers.first())
                .public_tracking_url(&code);
            if let Some(order) = wh.orders.get_mut(&id) {
                order.tracking = Some(ShipmentTracking {
                    carrier,
                    tracking_number: code.clone(),
                    tracking_url: url,
                });
            }
            self.hand_over_parcel(&code);
        }
        self.emit(node, WorldEventKind::WarehouseOrderShipped { order_id: id });
    }
}
