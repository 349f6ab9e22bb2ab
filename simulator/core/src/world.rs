//! The world: every persona's state on one virtual clock. Operations live beside the
//! state they change (storefront.rs, warehouse.rs, carrier.rs); this file holds the
//! world itself, its construction from a spec and the clock.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::alerts::Alert;
use crate::carrier::Carrier;
use crate::catalog::Product;
use crate::clock::{Agenda, Scheduled};
use crate::ids::{IdGen, STABLE_LOCATION_ID, stable_catalog_ids};
use crate::limits;
use crate::spec::{WarehouseSpec, WorldSpec};
use crate::storefront::{InventoryLevel, Storefront};
use crate::warehouse::{StockLevel, Warehouse};
use crate::{Timestamp, WorldError, WorldEvent, WorldEventKind};

#[derive(Debug, Clone, Serialize)]
pub struct World {
    pub name: String,
    pub seed: u64,
    pub catalog: BTreeMap<String, Product>,
    pub storefront: Storefront,
    pub warehouse: Warehouse,
    pub carrier: Carrier,
    pub alerts: Vec<Alert>,
    pub ship_from: crate::address::Address,
    /// The fault rules in force and every time one fired.
    pub faults: crate::faults::FaultBook,
    pub(crate) agenda: Agenda,
    pub(crate) warehouse_handling: WarehouseSpec,
    #[serde(skip)]
    pub(crate) ids: IdGen,
    #[serde(skip)]
    outbox: Vec<WorldEvent>,
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

    fn build(spec: &WorldSpec, space: Option<u64>) -> Result<World, WorldError> {
        limits::start(spec.clock).map_err(|m| WorldError::invalid("clock", m))?;
        for (stage, d) in [
            ("pick", spec.warehouse.pick),
            ("pack", spec.warehouse.pack),
            ("ship", spec.warehouse.ship),
        ] {
            limits::core_duration(d)
                .map_err(|m| WorldError::invalid(format!("warehouse.{stage}"), m))?;
        }
        let mut ids = match space {
            Some(space) => IdGen::in_space(spec.seed, space),
            None => IdGen::new(spec.seed),
        };
        let location_id = match space {
            Some(_) => STABLE_LOCATION_ID,
            None => ids.shopify(),
        };
        let mut catalog = BTreeMap::new();
        let mut inventory = BTreeMap::new();
        let mut stock = BTreeMap::new();
        for p in &spec.catalog {
            let sku = p.sku.trim();
            if sku.is_empty() {
                return Err(WorldError::invalid("catalog.sku", "must not be empty"));
            }
            if catalog.contains_key(sku) {
                return Err(WorldError::invalid(
                    "catalog.sku",
                    format!("{sku} appears twice"),
                ));
            }
            let field = |name: &str| format!("catalog.{name} of {sku}");
            limits::on_hand(p.stock).map_err(|m| WorldError::invalid(field("stock"), m))?;
            limits::price_cents(p.price_cents)
                .map_err(|m| WorldError::invalid(field("price_cents"), m))?;
            limits::unit_weight_oz(p.weight_oz)
                .map_err(|m| WorldError::invalid(field("weight_oz"), m))?;
            let (product_id, variant_id, inventory_item_id, shipbob_item) = match space {
                Some(_) => stable_catalog_ids(sku),
                None => (ids.shopify(), ids.shopify(), ids.shopify(), 0),
            };
            let product = Product {
                sku: sku.to_string(),
                title: if p.title.is_empty() {
                    sku.to_string()
                } else {
                    p.title.clone()
                },
                price_cents: p.price_cents,
                weight_oz: p.weight_oz,
                product_id,
                variant_id,
                inventory_item_id,
            };
            inventory.insert(
                product.inventory_item_id,
                InventoryLevel {
                    sku: sku.to_string(),
                    available: p.stock,
                    updated_at: spec.clock,
                },
            );
            stock.insert(
                sku.to_string(),
                StockLevel {
                    inventory_id: match space {
                        Some(_) => shipbob_item,
                        None => ids.shipbob(),
                    },
                    on_hand: p.stock,
                    committed: 0,
                },
            );
            catalog.insert(sku.to_string(), product);
        }
        let shop_domain = match space {
            Some(_) => "drydock-shop.myshopify.com".to_string(),
            None => format!("{}.myshopify.com", slug(&spec.name)),
        };
        Ok(World {
            name: spec.name.clone(),
            seed: spec.seed,
            catalog,
            storefront: Storefront {
                shop_domain,
                location_id,
                orders: BTreeMap::new(),
                fulfillment_orders: BTreeMap::new(),
                fulfillments: BTreeMap::new(),
                inventory,
                webhooks: Vec::new(),
                next_order_number: 1001 + space.map_or(0, |s| (s % 1_000_000) * 1_000),
            },
            warehouse: Warehouse {
                channel_id: 100_101,
                location_name: "Drydock East (NJ)".into(),
                orders: BTreeMap::new(),
                stock,
                webhooks: Vec::new(),
            },
            carrier: Carrier {
                addresses: BTreeMap::new(),
                shipments: BTreeMap::new(),
                trackers: BTreeMap::new(),
                webhooks: Vec::new(),
            },
            alerts: Vec::new(),
            ship_from: spec.ship_from.clone(),
            faults: crate::faults::FaultBook::new(spec.seed, spec.clock),
            agenda: Agenda::starting_at(spec.clock),
            warehouse_handling: spec.warehouse.clone(),
            ids,
            outbox: Vec::new(),
        })
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
            Scheduled::Redelivery { delivery_id } => {
                self.emit(WorldEventKind::RedeliveryDue { delivery_id })
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

    /// Schedules a retry of a webhook delivery owned by the shell.
    pub fn schedule_redelivery(&mut self, at: Timestamp, delivery_id: u64) {
        self.agenda
            .schedule(at, Scheduled::Redelivery { delivery_id });
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
    pub fn next_easypost_id(&mut self, prefix: &str) -> String {
        self.ids.easypost(prefix)
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

    pub(crate) fn emit(&mut self, kind: WorldEventKind) {
        let at = self.now();
        self.outbox.push(WorldEvent { at, kind });
    }

    /// What is still scheduled (for state dumps and tests).
    pub fn pending_happenings(&self) -> usize {
        self.agenda.pending_len()
    }
}

fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() {
        "drydock".into()
    } else {
        format!("drydock-{s}")
    }
}
