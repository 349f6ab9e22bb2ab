//! The world: every node's state on one virtual clock. Operations live beside the
//! state they change (storefront.rs, warehouse.rs, carrier.rs) and name the node they act
//! on; this file holds the world itself, its nodes by role and the clock (construction
//! from a spec is in build.rs).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::alerts::Alert;
use crate::carrier::Carrier;
use crate::catalog::Product;
use crate::clock::{Agenda, Scheduled};
use crate::ids::IdGen;
use crate::limits;
use crate::nodes::{NodeId, Nodes, Role, not_a};
use crate::spec::{WarehouseSpec, WorldSpec};
use crate::storefront::Storefront;
use crate::warehouse::Warehouse;
use crate::{Timestamp, WorldError, WorldEvent, WorldEventKind};

#[derive(Debug, Clone, Serialize)]
pub struct World {
    pub name: String,
    pub seed: u64,
    pub catalog: BTreeMap<String, Product>,
    /// Storefront channels, in declaration order.
    pub channels: Nodes<Storefront>,
    /// Warehouses (3PL nodes), in declaration order.
    pub warehouses: Nodes<Warehouse>,
    /// Carriers, in declaration order.
    pub carriers: Nodes<Carrier>,
    pub alerts: Vec<Alert>,
    /// The world's ship-from address (a warehouse that names none ships from here).
    pub ship_from: crate::address::Address,
    /// The fault rules in force and every time one fired.
    pub faults: crate::faults::FaultBook,
    pub(crate) agenda: Agenda,
    pub(crate) warehouse_handling: WarehouseSpec,
    #[serde(skip)]
    pub(crate) ids: IdGen,
    #[serde(skip)]
    pub(crate) outbox: Vec<WorldEvent>,
}

impl World {
    /// Builds a world from its spec: catalog in every persona, warehouse stock on hand,
    /// storefront availability equal to what the warehouse can sell.
    pub fn new(spec: &WorldSpec) -> Result<World, WorldError> {
        World::build(spec, None)
    }

    /// A world in id space `space`, for a long-running integration that sees world after
    /// world: its ids and order numbers are its own (see [`IdGen::in_space`]), while the
    /// catalog's ids, the location and the shop's domain are the same in every space.
    pub fn in_id_space(spec: &WorldSpec, space: u64) -> Result<World, WorldError> {
        World::build(spec, Some(space))
    }

    /// The virtual now.
    pub fn now(&self) -> Timestamp {
        self.agenda.now()
    }

    /// When the next scheduled happening is due, if any.
    pub fn next_due(&self) -> Option<Timestamp> {
        self.agenda.next_due()
    }

    /// Fires the earliest happening due at or before `until`, moving the clock to its time.
    /// Returns false when nothing is due. Callers drain [`World::take_events`] after each
    /// step so that the outside hears about each happening at its own virtual time.
    pub fn fire_next(&mut self, until: Timestamp) -> bool {
        let Some(item) = self.agenda.pop_due(until) else {
            return false;
        };
        match item {
            Scheduled::WarehouseStep { order_id } => self.warehouse_step(order_id),
            Scheduled::CarrierScan {
                tracker_id,
                status,
                message,
            } => {
                self.carrier_scan(&tracker_id, status, &message);
            }
            Scheduled::Redelivery { node, delivery_id } => {
                self.emit(&node, WorldEventKind::RedeliveryDue { delivery_id })
            }
        }
        true
    }

    /// Moves the clock to `to` without firing anything (call after `fire_next` is done).
    /// Never past [`limits::LATEST_INSTANT`].
    pub fn settle_clock(&mut self, to: Timestamp) {
        self.agenda.move_to(to.min(limits::LATEST_INSTANT));
    }

    /// Where the clock lands when someone asks to move it on `by`: refused when `by` is
    /// negative, longer than [`limits::MAX_DURATION`] or would pass the latest instant.
    pub fn advance_target(&self, by: crate::Duration) -> Result<Timestamp, WorldError> {
        limits::advance(self.now(), by).map_err(|m| WorldError::invalid("by", m))
    }

    /// Checks an instant someone asks the clock to move to.
    pub fn check_target(&self, to: Timestamp) -> Result<Timestamp, WorldError> {
        limits::instant(to).map_err(|m| WorldError::invalid("to", m))?;
        Ok(to)
    }

    /// Schedules a retry of a webhook delivery owned by the shell, of `node`'s webhooks.
    pub fn schedule_redelivery(&mut self, node: &NodeId, at: Timestamp, delivery_id: u64) {
        self.agenda.schedule(
            at,
            Scheduled::Redelivery {
                node: node.clone(),
                delivery_id,
            },
        );
    }

    /// Events since the last call, in the order they happened.
    pub fn take_events(&mut self) -> Vec<WorldEvent> {
        std::mem::take(&mut self.outbox)
    }

    /// A fresh id in the world's deterministic sequence (for webhook deliveries).
    pub fn next_uuid(&mut self) -> String {
        self.ids.uuid()
    }

    /// A fresh EasyPost-style id (`evt_...`) for carrier events.
    pub fn next_carrier_id(&mut self, prefix: &str) -> String {
        self.ids.carrier_id(prefix)
    }

    /// A seeded draw in `0..bound`.
    pub fn draw(&mut self, bound: u64) -> u64 {
        self.ids.rng().below(bound)
    }

    /// An integration reported a problem to humans.
    pub fn record_alert(&mut self, channel: &str, text: &str) {
        let at = self.now();
        self.alerts.push(Alert {
            at,
            channel: channel.to_string(),
            text: text.to_string(),
        });
    }

    pub(crate) fn emit(&mut self, node: &NodeId, kind: WorldEventKind) {
        let at = self.now();
        self.outbox.push(WorldEvent {
            at,
            node: node.clone(),
            kind,
        });
    }

    /// What is still scheduled (for state dumps and tests).
    pub fn pending_happenings(&self) -> usize {
        self.agenda.pending_len()
    }

    /// The role of the node `id`, if the world has one by that id.
    pub fn role_of(&self, id: &NodeId) -> Option<Role> {
        if self.channels.get(id).is_some() {
            Some(Role::Channel)
        } else if self.warehouses.get(id).is_some() {
            Some(Role::Warehouse)
        } else if self.carriers.get(id).is_some() {
            Some(Role::Carrier)
        } else {
            None
        }
    }

    /// The channel `id`; naming another role's node or none is an error that says so.
    pub fn channel(&self, id: &NodeId) -> Result<&Storefront, WorldError> {
        self.channels
            .get(id)
            .ok_or_else(|| not_a(Role::Channel, id, self.role_of(id)))
    }

    /// The warehouse `id`; naming another role's node or none is an error that says so.
    pub fn warehouse(&self, id: &NodeId) -> Result<&Warehouse, WorldError> {
        self.warehouses
            .get(id)
            .ok_or_else(|| not_a(Role::Warehouse, id, self.role_of(id)))
    }

    /// The carrier `id`; naming another role's node or none is an error that says so.
    pub fn carrier(&self, id: &NodeId) -> Result<&Carrier, WorldError> {
        self.carriers
            .get(id)
            .ok_or_else(|| not_a(Role::Carrier, id, self.role_of(id)))
    }

    /// The first channel: where a step that names no channel acts.
    pub fn default_channel(&self) -> NodeId {
        self.channels.first().id.clone()
    }

    /// The first warehouse: where a step that names no warehouse acts.
    pub fn default_warehouse(&self) -> NodeId {
        self.warehouses.first().id.clone()
    }

    /// The first carrier: where a step that names no carrier acts.
    pub fn default_carrier(&self) -> NodeId {
        self.carriers.first().id.clone()
    }
}
