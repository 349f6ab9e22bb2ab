//! What the reports draw, collected from a played world: each order's milestones across
//! the personas (storefront, warehouse, carrier, alerts), the faults that fired, stock per
//! SKU sampled after every step, and the journal. Collecting only reads the world.

use std::collections::BTreeMap;

use drydock_core::alerts::Alert;
use drydock_core::carrier::TrackingStatus;
use drydock_core::storefront::Order;
use drydock_core::timeline::{Stage, customer_timeline};
use drydock_core::warehouse;
use drydock_core::{Timestamp, World};
use drydock_scenario::model::Step;
use drydock_simulator::WorldHandle;
use drydock_simulator::journal::{Direction, Journal};
use serde::Serialize;
use serde_saphyr::Spanned;

use crate::checks::facts;

/// Everything the reports need about one played scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Trace {
    /// Virtual time when the first step began.
    pub started: Timestamp,
    /// Virtual time when the play ended.
    pub ended: Timestamp,
    /// Persona name → origin it listened on (`http://127.0.0.1:port`), for HAR URLs.
    pub origins: BTreeMap<String, String>,
    pub orders: Vec<OrderTrace>,
    pub stock: Vec<StockSample>,
    /// Every alert raised, also those not naming an order.
    pub alerts: Vec<Alert>,
    /// Journal entries with direction `fault`: the faults that fired.
    pub faults: Vec<FaultFired>,
    /// The world's journal, read back from its file on demand (it outlives the world).
    pub journal: Journal,
}

/// Which persona saw a milestone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// What the customer sees (the storefront, as the integration updated it).
    Storefront,
    Warehouse,
    Carrier,
    /// An alert to humans that names the order.
    Alerts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    Received,
    Processing,
    Held,
    Picked,
    Packed,
    Labelled,
    Shipped,
    InTransit,
    OutForDelivery,
    Delivered,
    DeliveryFailed,
    Exception,
    Cancelled,
    Alert,
}

impl Milestone {
    pub fn label(self) -> &'static str {
        match self {
            Milestone::Received => "received",
            Milestone::Processing => "processing",
            Milestone::Held => "held",
            Milestone::Picked => "picked",
            Milestone::Packed => "packed",
            Milestone::Labelled => "labelled",
            Milestone::Shipped => "shipped",
            Milestone::InTransit => "in transit",
            Milestone::OutForDelivery => "out for delivery",
            Milestone::Delivered => "delivered",
            Milestone::DeliveryFailed => "delivery failed",
            Milestone::Exception => "exception",
            Milestone::Cancelled => "cancelled",
            Milestone::Alert => "alert",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct OrderEvent {
    pub at: Timestamp,
    pub source: Source,
    pub milestone: Milestone,
    pub detail: String,
}

/// One storefront order and what happened to it, oldest event first.
#[derive(Debug, Clone, Serialize)]
pub struct OrderTrace {
    /// The name the scenario gave it (`as:`), when the scenario placed it.
    pub alias: Option<String>,
    pub id: u64,
    /// The storefront's name, e.g. `#1001`.
    pub name: String,
    pub received_at: Timestamp,
    pub cancelled: bool,
    /// SKU → quantity the customer ordered.
    pub ordered: BTreeMap<String, u32>,
    /// SKU → quantity on the warehouse order the integration created, if any.
    pub warehouse_lines: Option<BTreeMap<String, u32>>,
    /// When the warehouse shipped it.
    pub shipped_at: Option<Timestamp>,
    pub paid_labels: usize,
    pub events: Vec<OrderEvent>,
}

/// Stock of every SKU at one moment.
#[derive(Debug, Clone, Serialize)]
pub struct StockSample {
    pub at: Timestamp,
    /// What had just happened: `start`, a step (`place_order (line 19)`) or `end`.
    pub after: String,
    pub levels: BTreeMap<String, StockPoint>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StockPoint {
    /// Available on the (first) storefront channel: what the integration pushed.
    pub storefront: i64,
    /// On hand, committed and sellable at all warehouses together.
    pub on_hand: i64,
    pub committed: i64,
    pub sellable: i64,
    /// On hand at each warehouse node, in declaration order, when the world has more
    /// than one (empty otherwise).
    pub on_hand_at: Vec<(String, i64)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FaultFired {
    pub at: Timestamp,
    pub persona: String,
    /// The fault rule's name.
    pub rule: String,
    /// What it hit.
    pub target: String,
    /// Its effect.
    pub effect: String,
}

/// Collects stock samples while a scenario plays; `finish` gathers the rest.
#[derive(Debug)]
pub struct Recorder {
    started: Timestamp,
    stock: Vec<StockSample>,
}

impl Recorder {
    pub fn start(world: &WorldHandle) -> Recorder {
        let started = world.now();
        let mut recorder = Recorder {
            started,
            stock: Vec::new(),
        };
        recorder.push(world, "start".into());
        recorder
    }

    /// Samples stock after a step.
    pub fn after_step(&mut self, world: &WorldHandle, step: &Spanned<Step>) {
        let label = format!("{} (line {})", step.value.keyword(), step.referenced.line());
        self.push(world, label);
    }

    fn push(&mut self, world: &WorldHandle, after: String) {
        let sample = world.read(|w| StockSample {
            at: w.now(),
            after,
            levels: stock_levels(w),
        });
        self.stock.push(sample);
    }

    /// The whole trace: a last stock sample, the orders' milestones, alerts, faults and
    /// the journal. `aliases` maps the scenario's order names to storefront ids.
    pub fn finish(mut self, world: &WorldHandle, aliases: &BTreeMap<String, u64>) -> Trace {
        self.push(world, "end".into());
        // Journal lanes are node ids: every node's origin, however many the world has.
        let origins = world
            .personas
            .iter()
            .map(|p| (p.node.to_string(), origin(&p.url)))
            .collect();
        let (orders, alerts, ended) = world.read(|w| {
            let orders = w
                .orders()
                .map(|(_, o)| order_trace(w, o, aliases))
                .collect::<Vec<_>>();
            (orders, w.alerts.clone(), w.now())
        });
        let faults = world
            .journal
            .entries()
            .into_iter()
            .filter(|e| e.direction == Direction::Fault)
            .map(|e| FaultFired {
                at: e.virtual_time,
                persona: e.persona,
                rule: e.topic.unwrap_or_default(),
                target: e.target,
                effect: e.error.unwrap_or_default(),
            })
            .collect();
        Trace {
            started: self.started,
            ended,
            origins,
            orders,
            stock: self.stock,
            alerts,
            faults,
            journal: world.journal.clone(),
        }
    }
}

/// `http://127.0.0.1:4781/admin/api/2026-10` → `http://127.0.0.1:4781`.
fn origin(url: &str) -> String {
    let after_scheme = url.find("://").map(|i| i + 3).unwrap_or(0);
    match url[after_scheme..].find('/') {
        Some(i) => url[..after_scheme + i].to_string(),
        None => url.to_string(),
    }
}

fn stock_levels(w: &World) -> BTreeMap<String, StockPoint> {
    w.catalog
        .values()
        .map(|p| {
            let storefront = w.channels.first().available(&p.sku).unwrap_or(0);
            let levels: Vec<_> = w
                .warehouses
                .iter()
                .filter_map(|wh| wh.stock.get(&p.sku).map(|l| (wh, l)))
                .collect();
            let on_hand_at = if w.warehouses.len() > 1 {
                levels
                    .iter()
                    .map(|(wh, l)| (wh.id.to_string(), l.on_hand))
                    .collect()
            } else {
                Vec::new()
            };
            let point = StockPoint {
                storefront,
                on_hand: levels.iter().map(|(_, l)| l.on_hand).sum(),
                committed: levels.iter().map(|(_, l)| l.committed).sum(),
                sellable: levels.iter().map(|(_, l)| l.sellable()).sum(),
                on_hand_at,
            };
            (p.sku.clone(), point)
        })
        .collect()
}

fn order_trace(w: &World, order: &Order, aliases: &BTreeMap<String, u64>) -> OrderTrace {
    let mut events = Vec::new();
    let mut push = |at: Timestamp, source: Source, milestone: Milestone, detail: String| {
        events.push(OrderEvent {
            at,
            source,
            milestone,
            detail,
        })
    };
    for entry in customer_timeline(crate::checks::facts::channel(w, order), order.id) {
        let milestone = match entry.stage {
            Stage::Received => Milestone::Received,
            Stage::Processing => Milestone::Processing,
            Stage::OnHold => Milestone::Held,
            Stage::Shipped => Milestone::Shipped,
            Stage::OutForDelivery => Milestone::OutForDelivery,
            Stage::Delivered => Milestone::Delivered,
            Stage::Failed => Milestone::DeliveryFailed,
            Stage::Cancelled => Milestone::Cancelled,
        };
        push(
            entry.at,
            Source::Storefront,
            milestone,
            format!("customer sees {}", entry.stage.label()),
        );
    }
    let wo = facts::warehouse_order(w, order);
    if let Some(wo) = wo {
        push(
            wo.created_at,
            Source::Warehouse,
            Milestone::Processing,
            format!("warehouse order {} created", wo.id),
        );
        for (at, milestone) in [
            (wo.picked_at, Milestone::Picked),
            (wo.packed_at, Milestone::Packed),
            (wo.shipped_at, Milestone::Shipped),
        ] {
            if let Some(at) = at {
                push(
                    at,
                    Source::Warehouse,
                    milestone,
                    format!("warehouse order {} {}", wo.id, milestone.label()),
                );
            }
        }
        match wo.stage {
            warehouse::Stage::Cancelled => push(
                wo.updated_at,
                Source::Warehouse,
                Milestone::Cancelled,
                format!("warehouse order {} cancelled", wo.id),
            ),
            warehouse::Stage::Exception => push(
                wo.updated_at,
                Source::Warehouse,
                Milestone::Exception,
                wo.exception_reason
                    .clone()
                    .unwrap_or_else(|| "exception".into()),
            ),
            _ => {}
        }
    }
    for label in facts::labels(w, order) {
        let Some(postage) = &label.postage_label else {
            continue;
        };
        let code = label.tracking_code.as_deref().unwrap_or("no tracking code");
        let refunded = if label.is_paid_label() {
            ""
        } else {
            " (refunded)"
        };
        push(
            postage.label_date,
            Source::Carrier,
            Milestone::Labelled,
            format!("label {code}{refunded}"),
        );
    }
    if let Some(tracker) = facts::tracker(w, order) {
        let mut seen = Vec::new();
        for d in &tracker.details {
            let milestone = match d.status {
                TrackingStatus::InTransit => Milestone::InTransit,
                TrackingStatus::OutForDelivery => Milestone::OutForDelivery,
                TrackingStatus::Delivered => Milestone::Delivered,
                TrackingStatus::Failure | TrackingStatus::ReturnToSender => {
                    Milestone::DeliveryFailed
                }
                _ => continue,
            };
            if seen.contains(&milestone) {
                continue;
            }
            seen.push(milestone);
            push(d.datetime, Source::Carrier, milestone, d.message.clone());
        }
    }
    let id = order.id.to_string();
    for alert in w
        .alerts
        .iter()
        .filter(|a| a.text.contains(&order.name) || a.text.contains(&id))
    {
        push(
            alert.at,
            Source::Alerts,
            Milestone::Alert,
            alert.text.clone(),
        );
    }
    // Stable: within one instant and source, events keep the order they happened in.
    events.sort_by_key(|e| (e.at, e.source));
    let ordered = quantities(
        order
            .line_items
            .iter()
            .map(|l| (l.sku.as_str(), l.quantity)),
    );
    OrderTrace {
        alias: aliases
            .iter()
            .find(|(_, oid)| **oid == order.id)
            .map(|(alias, _)| alias.clone()),
        id: order.id,
        name: order.name.clone(),
        received_at: order.created_at,
        cancelled: order.cancelled_at.is_some(),
        ordered,
        warehouse_lines: wo
            .map(|wo| quantities(wo.lines.iter().map(|l| (l.sku.as_str(), l.quantity)))),
        shipped_at: wo.and_then(|wo| wo.shipped_at),
        paid_labels: facts::paid_labels(w, order).len(),
        events,
    }
}

fn quantities<'a>(lines: impl Iterator<Item = (&'a str, u32)>) -> BTreeMap<String, u32> {
    let mut by_sku = BTreeMap::new();
    for (sku, quantity) in lines {
        *by_sku.entry(sku.to_string()).or_insert(0) += quantity;
    }
    by_sku
}

#[cfg(test)]
mod tests {
    use super::origin;

    #[test]
    fn origin_drops_the_path() {
        assert_eq!(
            origin("http://127.0.0.1:4781/admin/api/2026-10"),
            "http://127.0.0.1:4781"
        );
        assert_eq!(origin("http://127.0.0.1:4784"), "http://127.0.0.1:4784");
    }
}
