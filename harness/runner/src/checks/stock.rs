//! The stock promises: the storefront offers what the warehouse can sell (allowing either
//! reservation policy for held orders), and customers are never promised more units than
//! exist — also in the window between a storefront order and its warehouse order, which
//! the runner samples after every step.

use std::collections::BTreeMap;

use drydock_core::World;
use drydock_core::storefront::{FulfillmentOrderStatus, Order};
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
    for fo in order
        .fulfillment_order_ids
        .iter()
        .filter_map(|id| world.channels.first().fulfillment_orders.get(id))
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
    let held_for_a_person = order
        .fulfillment_order_ids
        .iter()
        .filter_map(|id| world.channels.first().fulfillment_orders.get(id))
        .filter(|fo| fo.status == FulfillmentOrderStatus::OnHold)
        .any(|fo| fo.holds.iter().any(|h| h.reason != "other"));
    let committed =
        facts::warehouse_order(world, order).is_some_and(|w| w.stage != WarehouseStage::Exception);
    held_for_a_person && !committed
}

/// Units per SKU of the held orders that may give their reservation back.
pub fn held_units(world: &World) -> BTreeMap<String, i64> {
    let mut held: BTreeMap<String, i64> = BTreeMap::new();
    for order in world
        .channels
        .first()
        .orders
        .values()
        .filter(|o| may_release(world, o))
    {
        for (sku, n) in open_units(world, order) {
            *held.entry(sku).or_default() += n;
        }
    }
    held
}

/// What the storefront may offer for `sku`: what the warehouse can sell, or that less the
/// units of held orders kept in reserve (never below zero).
pub fn acceptable_storefront(world: &World, sku: &str) -> Vec<i64> {
    let Some(level) = world.warehouses.first().stock.get(sku) else {
        return Vec::new();
    };
    let sellable = level.sellable();
    let reserved = held_units(world).get(sku).copied().unwrap_or(0);
    let mut ok = vec![sellable.max(0)];
    let kept = (sellable - reserved).max(0);
    if !ok.contains(&kept) {
        ok.push(kept);
    }
    ok
}

pub fn stock_converges(world: &World) -> Vec<String> {
    let mut out = Vec::new();
    for (sku, level) in &world.warehouses.first().stock {
        let shown = world.channels.first().available(sku);
        let ok = acceptable_storefront(world, sku);
        if !shown.is_some_and(|s| ok.contains(&s)) {
            let held = held_units(world).get(sku).copied().unwrap_or(0);
            let reserve = if held > 0 {
                format!(" ({held} more reserved for held orders would also do)")
            } else {
                String::new()
            };
            out.push(format!(
                "{sku}: the storefront offers {} but the warehouse can sell {}{reserve}",
                shown
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "nothing".into()),
                level.sellable()
            ));
        }
    }
    out
}

/// Customers promised more units than the warehouse holds: open storefront orders (at
/// the warehouse or not yet; held ones that may give their units back aside) need more of
/// a SKU than is on hand.
pub fn oversold(world: &World) -> Vec<String> {
    let mut promised: BTreeMap<String, i64> = BTreeMap::new();
    for order in world
        .channels
        .first()
        .orders
        .values()
        .filter(|o| !may_release(world, o))
    {
        for (sku, n) in open_units(world, order) {
            *promised.entry(sku).or_default() += n;
        }
    }
    let mut out = Vec::new();
    for (sku, units) in promised {
        let on_hand = world
            .warehouses
            .first()
            .stock
            .get(&sku)
            .map_or(0, |l| l.on_hand);
        if units > on_hand {
            out.push(format!(
                "{sku}: the storefront took orders for {units} units but the warehouse holds {on_hand} (at {})",
                world.now()
            ));
        }
    }
    out
}

pub fn no_oversell(world: &World, window: &[String]) -> Vec<String> {
    let mut out: Vec<String> = window.to_vec();
    for (sku, level) in &world.warehouses.first().stock {
        if level.on_hand < 0 {
            out.push(format!(
                "{sku}: the warehouse shipped more than it had ({} on hand)",
                level.on_hand
            ));
        }
        if level.committed > level.on_hand {
            out.push(format!(
                "{sku}: {} units promised to orders but only {} on hand",
                level.committed, level.on_hand
            ));
        }
    }
    for level in world.channels.first().inventory.values() {
        if level.available < 0 {
            out.push(format!(
                "{}: the storefront shows {} available (oversold)",
                level.sku, level.available
            ));
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
