//! The stock promises: every channel offers what all warehouses together can sell
//! (allowing either reservation policy for held orders), and customers — on all channels
//! together — are never promised more units than all warehouses hold, also in the window
//! between a storefront order and its warehouse order, which the runner samples after
//! every step. A world of one channel and one warehouse words them as it always did.

use std::collections::BTreeMap;

use drydock_core::World;
use drydock_core::storefront::{FulfillmentOrderStatus, Order, Storefront};
use drydock_core::warehouse::Stage as WarehouseStage;

use super::facts;

/// Units per SKU of an order that the storefront still has to fulfil (its open
/// fulfillment order lines). Nothing once the warehouse has shipped it.
fn open_units(world: &World, order: &Order) -> BTreeMap<String, i64> {
    let mut units = BTreeMap::new();
    if order.cancelled_at.is_some()
        || facts::warehouse_order(world, order).is_some_and(|w| w.stage == WarehouseStage::Shipped)
    {
        return units;
    }
    let channel = facts::channel(world, order);
    for fo in order
        .fulfillment_order_ids
        .iter()
        .filter_map(|id| channel.fulfillment_orders.get(id))
        .filter(|fo| {
            !matches!(
                fo.status,
                FulfillmentOrderStatus::Closed | FulfillmentOrderStatus::Cancelled
            )
        })
    {
        for line in &fo.line_items {
            let sku = order
                .line_items
                .iter()
                .find(|li| li.id == line.line_item_id)
                .map(|li| li.sku.clone())
                .unwrap_or_default();
            *units.entry(sku).or_default() += i64::from(line.remaining());
        }
    }
    units
}

/// Whether an order is held for something a person must fix (any hold reason but
/// `other`, which means "a provider is down, still on its way") and the warehouse has not
/// committed its stock: it may keep its units reserved on the storefront or give them
/// back (the contract allows both).
fn may_release(world: &World, order: &Order) -> bool {
    let channel = facts::channel(world, order);
    let held_for_a_person = order
        .fulfillment_order_ids
        .iter()
        .filter_map(|id| channel.fulfillment_orders.get(id))
        .filter(|fo| fo.status == FulfillmentOrderStatus::OnHold)
        .any(|fo| fo.holds.iter().any(|h| h.reason != "other"));
    let committed =
        facts::warehouse_order(world, order).is_some_and(|w| w.stage != WarehouseStage::Exception);
    held_for_a_person && !committed
}

/// Units per SKU of the held orders (of every channel) that may give their reservation
/// back.
pub fn held_units(world: &World) -> BTreeMap<String, i64> {
    let mut held: BTreeMap<String, i64> = BTreeMap::new();
    for (_, order) in world.orders().filter(|(_, o)| may_release(world, o)) {
        for (sku, n) in open_units(world, order) {
            *held.entry(sku).or_default() += n;
        }
    }
    held
}

/// What all warehouses can sell of `sku` together; None when no warehouse stocks it.
pub fn sellable(world: &World, sku: &str) -> Option<i64> {
    let levels: Vec<i64> = world
        .warehouses
        .iter()
        .filter_map(|w| w.stock.get(sku))
        .map(|l| l.sellable())
        .collect();
    (!levels.is_empty()).then(|| levels.iter().sum())
}

/// What all warehouses hold of `sku` on their shelves.
fn on_hand(world: &World, sku: &str) -> i64 {
    world
        .warehouses
        .iter()
        .filter_map(|w| w.stock.get(sku))
        .map(|l| l.on_hand)
        .sum()
}

/// What a channel may offer for `sku`: what the warehouses can sell, or that less the
/// units of held orders kept in reserve (never below zero).
pub fn acceptable_storefront(world: &World, sku: &str) -> Vec<i64> {
    let Some(sellable) = sellable(world, sku) else {
        return Vec::new();
    };
    let reserved = held_units(world).get(sku).copied().unwrap_or(0);
    let mut ok = vec![sellable.max(0)];
    let kept = (sellable - reserved).max(0);
    if !ok.contains(&kept) {
        ok.push(kept);
    }
    ok
}

/// How a finding names a channel and the warehouses: as it always did in a world of one
/// of each, by node otherwise.
struct Words {
    many_channels: bool,
    warehouses: &'static str,
}

impl Words {
    fn of(world: &World) -> Words {
        Words {
            many_channels: world.channels.len() > 1,
            warehouses: if world.warehouses.len() > 1 {
                "the warehouses"
            } else {
                "the warehouse"
            },
        }
    }

    fn storefront(&self, channel: &Storefront) -> String {
        if self.many_channels {
            format!("channel {}", channel.id)
        } else {
            "the storefront".into()
        }
    }
}

pub fn stock_converges(world: &World) -> Vec<String> {
    let mut out = Vec::new();
    let words = Words::of(world);
    for sku in world.catalog.keys() {
        let Some(can_sell) = sellable(world, sku) else {
            continue;
        };
        let ok = acceptable_storefront(world, sku);
        for channel in world.channels.iter() {
            let shown = channel.available(sku);
            if shown.is_some_and(|s| ok.contains(&s)) {
                continue;
            }
            let held = held_units(world).get(sku).copied().unwrap_or(0);
            let reserve = if held > 0 {
                format!(" ({held} more reserved for held orders would also do)")
            } else {
                String::new()
            };
            out.push(format!(
                "{sku}: {} offers {} but {} can sell {can_sell}{reserve}",
                words.storefront(channel),
                shown
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "nothing".into()),
                words.warehouses,
            ));
        }
    }
    out
}

/// Customers promised more units than the warehouses hold: open storefront orders of
/// every channel (at a warehouse or not yet; held ones that may give their units back
/// aside) need more of a SKU than all warehouses have on hand.
pub fn oversold(world: &World) -> Vec<String> {
    let mut promised: BTreeMap<String, i64> = BTreeMap::new();
    for (_, order) in world.orders().filter(|(_, o)| !may_release(world, o)) {
        for (sku, n) in open_units(world, order) {
            *promised.entry(sku).or_default() += n;
        }
    }
    let takers = if world.channels.len() > 1 {
        "the channels together took"
    } else {
        "the storefront took"
    };
    let holders = if world.warehouses.len() > 1 {
        "the warehouses hold"
    } else {
        "the warehouse holds"
    };
    let mut out = Vec::new();
    for (sku, units) in promised {
        let on_hand = on_hand(world, &sku);
        if units > on_hand {
            out.push(format!(
                "{sku}: {takers} orders for {units} units but {holders} {on_hand} (at {})",
                world.now()
            ));
        }
    }
    out
}

pub fn no_oversell(world: &World, window: &[String]) -> Vec<String> {
    let mut out: Vec<String> = window.to_vec();
    let words = Words::of(world);
    for warehouse in world.warehouses.iter() {
        let (name, at) = if world.warehouses.len() > 1 {
            (
                format!("warehouse {}", warehouse.id),
                format!(" at {}", warehouse.id),
            )
        } else {
            ("the warehouse".to_string(), String::new())
        };
        for (sku, level) in &warehouse.stock {
            if level.on_hand < 0 {
                out.push(format!(
                    "{sku}: {name} shipped more than it had ({} on hand)",
                    level.on_hand
                ));
            }
            if level.committed > level.on_hand {
                out.push(format!(
                    "{sku}: {} units promised to orders but only {} on hand{at}",
                    level.committed, level.on_hand
                ));
            }
        }
    }
    for channel in world.channels.iter() {
        for level in channel.inventory.values() {
            if level.available < 0 {
                out.push(format!(
                    "{}: {} shows {} available (oversold)",
                    level.sku,
                    words.storefront(channel),
                    level.available
                ));
            }
        }
    }
    for found in oversold(world) {
        if !out.iter().any(|o| same_sku(o, &found)) {
            out.push(found);
        }
    }
    out
}

/// Whether two findings are about the same SKU (each starts `SKU: `).
pub fn same_sku(a: &str, b: &str) -> bool {
    a.split(':').next() == b.split(':').next()
}
