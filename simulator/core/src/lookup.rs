//! Queries across the nodes of a role: an order, a warehouse order, a tracker or a
//! shipment wherever it is. Ids are unique across nodes (one id sequence per world), so
//! each finds at most one; judges and reports that follow an order from node to node use
//! these instead of assuming one node per role.

use crate::World;
use crate::carrier::{Carrier, CarrierShipment, Tracker};
use crate::storefront::{Order, Storefront};
use crate::warehouse::{Warehouse, WarehouseOrder};

impl World {
    /// The channel that holds storefront order `order_id`.
    pub fn channel_holding(&self, order_id: u64) -> Option<&Storefront> {
        self.channels
            .iter()
            .find(|c| c.orders.contains_key(&order_id))
    }

    /// Storefront order `order_id`, at whichever channel holds it.
    pub fn order(&self, order_id: u64) -> Option<&Order> {
        self.channel_holding(order_id)
            .and_then(|c| c.orders.get(&order_id))
    }

    /// Every storefront order with its channel, channel by channel in declaration order.
    pub fn orders(&self) -> impl Iterator<Item = (&Storefront, &Order)> {
        self.channels
            .iter()
            .flat_map(|c| c.orders.values().map(move |o| (c, o)))
    }

    /// Every warehouse order with its warehouse.
    pub fn warehouse_orders(&self) -> impl Iterator<Item = (&Warehouse, &WarehouseOrder)> {
        self.warehouses
            .iter()
            .flat_map(|w| w.orders.values().map(move |o| (w, o)))
    }

    /// The tracker of tracking code `code`, with the carrier that holds it.
    pub fn tracker_by_code(&self, code: &str) -> Option<(&Carrier, &Tracker)> {
        self.carriers
            .iter()
            .find_map(|c| c.tracker_by_code(code).map(|t| (c, t)))
    }

    /// Tracker `id`, at whichever carrier holds it.
    pub fn tracker(&self, id: &str) -> Option<&Tracker> {
        self.carriers.iter().find_map(|c| c.trackers.get(id))
    }

    /// Every carrier shipment with its carrier.
    pub fn shipments(&self) -> impl Iterator<Item = (&Carrier, &CarrierShipment)> {
        self.carriers
            .iter()
            .flat_map(|c| c.shipments.values().map(move |s| (c, s)))
    }

    /// Whether the world has more than one node of some role: then reports name nodes.
    pub fn has_many_nodes(&self) -> bool {
        self.channels.len() > 1 || self.warehouses.len() > 1 || self.carriers.len() > 1
    }
}
