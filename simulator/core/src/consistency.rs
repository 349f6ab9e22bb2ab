//! The world's own invariants: what must hold after every operation, whatever an
//! integration sent. Tests call [`World::check_consistency`] after each request to prove
//! that no operation wraps a number or leaves a half-made order behind.

use std::collections::BTreeMap;

use crate::World;
use crate::carrier::Carrier;
use crate::limits;
use crate::storefront::{FulfillmentState, Storefront};
use crate::warehouse::{Stage, Warehouse};

impl World {
    /// Every broken invariant, in words; empty when the world is consistent.
    ///
    /// - stock: warehouse on hand and committed never negative nor beyond the bounds;
    ///   committed equals the units of orders still in the building (no warehouse order
    ///   without its committed stock and no committed stock without its order); the
    ///   storefront's available within its bounds (Shopify allows negative stock);
    /// - storefront orders: lines within bounds; their fulfillment orders exist, belong to
    ///   them and split exactly the ordered units; fulfilled units never exceed ordered
    ///   ones and equal what the successful fulfillments cover; every fulfillment exists
    ///   and belongs to its order;
    /// - warehouse orders: lines name stocked SKUs, shipped never above ordered;
    /// - carrier: every shipment's addresses exist, every label has its tracker;
    /// - nodes: every channel lists every catalog SKU, every warehouse stocks it; ids of
    ///   orders, warehouse orders and trackers are unique across nodes.
    ///
    /// Each rule holds on every node; a problem on a node other than its role's first one
    /// names the node.
    pub fn check_consistency(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (i, wh) in self.warehouses.iter().enumerate() {
            let mut problems = Vec::new();
            check_stock(wh, &mut problems);
            out.extend(on_node(i, wh.id.as_str(), problems));
        }
        for (i, sf) in self.channels.iter().enumerate() {
            let mut problems = Vec::new();
            check_inventory(sf, &mut problems);
            check_storefront_orders(sf, &mut problems);
            out.extend(on_node(i, sf.id.as_str(), problems));
        }
        for (i, c) in self.carriers.iter().enumerate() {
            let mut problems = Vec::new();
            check_carrier(c, &mut problems);
            out.extend(on_node(i, c.id.as_str(), problems));
        }
        self.check_nodes(&mut out);
        out
    }

    fn check_nodes(&self, out: &mut Vec<String>) {
        for sku in self.catalog.keys() {
            for sf in self.channels.iter() {
                if sf.listing(sku).is_none() || sf.available(sku).is_none() {
                    out.push(format!("channel {} does not list {sku}", sf.id));
                }
            }
            for wh in self.warehouses.iter() {
                if !wh.stock.contains_key(sku) {
                    out.push(format!("warehouse {} has no stock level of {sku}", wh.id));
                }
            }
        }
        let mut orders: BTreeMap<u64, usize> = BTreeMap::new();
        for id in self.channels.iter().flat_map(|sf| sf.orders.keys()) {
            *orders.entry(*id).or_default() += 1;
        }
        let mut warehouse_orders: BTreeMap<u64, usize> = BTreeMap::new();
        for id in self.warehouses.iter().flat_map(|wh| wh.orders.keys()) {
            *warehouse_orders.entry(*id).or_default() += 1;
        }
        let mut trackers: BTreeMap<&str, usize> = BTreeMap::new();
        for id in self.carriers.iter().flat_map(|c| c.trackers.keys()) {
            *trackers.entry(id).or_default() += 1;
        }
        let twice = |what: &str, id: String| format!("{what} {id} is held by more than one node");
        out.extend(
            orders
                .iter()
                .filter(|(_, n)| **n > 1)
                .map(|(id, _)| twice("order", id.to_string())),
        );
        out.extend(
            warehouse_orders
                .iter()
                .filter(|(_, n)| **n > 1)
                .map(|(id, _)| twice("warehouse order", id.to_string())),
        );
        out.extend(
            trackers
                .iter()
                .filter(|(_, n)| **n > 1)
                .map(|(id, _)| twice("tracker", id.to_string())),
        );
    }
}

/// A node's problems as the world reports them: those of a role's first node read as
/// they always did, the others name their node.
fn on_node(position: usize, node: &str, problems: Vec<String>) -> Vec<String> {
    if position == 0 {
        problems
    } else {
        problems
            .into_iter()
            .map(|p| format!("{node}: {p}"))
            .collect()
    }
}

fn check_stock(warehouse: &Warehouse, out: &mut Vec<String>) {
    let mut held: BTreeMap<&str, i64> = BTreeMap::new();
    for order in warehouse.orders.values() {
        if order.lines.is_empty() {
            out.push(format!("warehouse order {} has no lines", order.id));
        }
        let in_building = matches!(
            order.stage,
            Stage::Processing | Stage::Picked | Stage::Packed
        );
        for line in &order.lines {
            if !warehouse.stock.contains_key(&line.sku) {
                out.push(format!(
                    "warehouse order {} names SKU {} that has no stock level",
                    order.id, line.sku
                ));
            }
            if line.quantity == 0 || line.shipped > line.quantity {
                out.push(format!(
                    "warehouse order {} line {}: quantity {}, shipped {}",
                    order.id, line.sku, line.quantity, line.shipped
                ));
            }
            if in_building {
                *held.entry(&line.sku).or_default() += i64::from(line.quantity);
            }
        }
    }
    for (sku, level) in &warehouse.stock {
        if limits::on_hand(level.on_hand).is_err() || level.committed < 0 {
            out.push(format!(
                "{sku}: on hand {} and committed {} must not be negative",
                level.on_hand, level.committed
            ));
        }
        let expected = held.get(sku.as_str()).copied().unwrap_or(0);
        if level.committed != expected {
            out.push(format!(
                "{sku}: {} units committed but open warehouse orders hold {expected}",
                level.committed
            ));
        }
    }
}

fn check_inventory(sf: &Storefront, out: &mut Vec<String>) {
    for level in sf.inventory.values() {
        // Restocking a cancelled order may lift a level set to the maximum a little
        // beyond it; anything far beyond it is a wrap-around.
        if level.available.unsigned_abs() > 2 * limits::MAX_STOCK as u64 {
            out.push(format!(
                "{}: {} available on the storefront",
                level.sku, level.available
            ));
        }
    }
}

fn check_storefront_orders(sf: &Storefront, out: &mut Vec<String>) {
    for order in sf.orders.values() {
        let name = &order.name;
        if order.line_items.is_empty() || order.fulfillment_order_ids.is_empty() {
            out.push(format!(
                "order {name} is half made: no lines or no fulfillment order"
            ));
        }
        let units: u64 = order.line_items.iter().map(|l| u64::from(l.quantity)).sum();
        if limits::order_units(units).is_err()
            || order
                .line_items
                .iter()
                .any(|l| limits::line_quantity(u64::from(l.quantity)).is_err())
        {
            out.push(format!("order {name} has out-of-range quantities"));
        }
        // Units per line item: ordered, split into fulfillment orders, fulfilled.
        let mut split: BTreeMap<u64, u64> = BTreeMap::new();
        let mut fulfilled: BTreeMap<u64, u64> = BTreeMap::new();
        for fo_id in &order.fulfillment_order_ids {
            let Some(fo) = sf.fulfillment_orders.get(fo_id) else {
                out.push(format!(
                    "order {name} names missing fulfillment order {fo_id}"
                ));
                continue;
            };
            if fo.order_id != order.id {
                out.push(format!(
                    "fulfillment order {fo_id} belongs to another order than {name}"
                ));
            }
            for l in &fo.line_items {
                if l.fulfilled > l.quantity {
                    out.push(format!(
                        "fulfillment order {fo_id} line {}: {} fulfilled of {}",
                        l.id, l.fulfilled, l.quantity
                    ));
                }
                *split.entry(l.line_item_id).or_default() += u64::from(l.quantity);
                *fulfilled.entry(l.id).or_default() += u64::from(l.fulfilled);
            }
        }
        for line in &order.line_items {
            let in_fos = split.get(&line.id).copied().unwrap_or(0);
            if in_fos != u64::from(line.quantity) {
                out.push(format!(
                    "order {name} line {}: {} ordered but {in_fos} in fulfillment orders",
                    line.sku, line.quantity
                ));
            }
        }
        let mut covered: BTreeMap<u64, u64> = BTreeMap::new();
        for f_id in &order.fulfillment_ids {
            let Some(f) = sf.fulfillments.get(f_id) else {
                out.push(format!("order {name} names missing fulfillment {f_id}"));
                continue;
            };
            if f.order_id != order.id {
                out.push(format!(
                    "fulfillment {f_id} belongs to another order than {name}"
                ));
            }
            if f.status == FulfillmentState::Success {
                for l in &f.lines {
                    *covered.entry(l.fulfillment_order_line_id).or_default() +=
                        u64::from(l.quantity);
                }
            }
        }
        for (line_id, units) in &fulfilled {
            let by_fulfillments = covered.get(line_id).copied().unwrap_or(0);
            if *units != by_fulfillments {
                out.push(format!(
                        "order {name}: fulfillment order line {line_id} counts {units} fulfilled, its fulfillments {by_fulfillments}"
                    ));
            }
        }
    }
    for (id, fo) in &sf.fulfillment_orders {
        if !sf.orders.contains_key(&fo.order_id) {
            out.push(format!("fulfillment order {id} belongs to no order"));
        }
    }
}

fn check_carrier(c: &Carrier, out: &mut Vec<String>) {
    for s in c.shipments.values() {
        for address in [&s.to_address_id, &s.from_address_id] {
            if !c.addresses.contains_key(address) {
                out.push(format!("shipment {} names missing address {address}", s.id));
            }
        }
        if s.rates.iter().any(|r| r.rate_cents < 0) {
            out.push(format!("shipment {} has a negative rate", s.id));
        }
        if s.postage_label.is_some()
            && !s
                .tracker_id
                .as_ref()
                .is_some_and(|t| c.trackers.contains_key(t))
        {
            out.push(format!("shipment {} has a label without its tracker", s.id));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::World;
    use crate::storefront::Checkout;

    fn world() -> World {
        crate::spec::one_sku_world("MUG", 50)
    }

    #[test]
    fn a_fresh_world_and_a_placed_order_are_consistent() {
        let mut w = world();
        assert_eq!(w.check_consistency(), Vec::<String>::new());
        let checkout = Checkout {
            email: String::new(),
            ship_to: crate::spec::default_ship_from(),
            lines: vec![("MUG".into(), 2)],
        };
        let shop = w.default_channel();
        w.place_order(&shop, checkout).expect("order");
        assert_eq!(w.check_consistency(), Vec::<String>::new());
    }

    #[test]
    fn committed_stock_without_its_order_is_found() {
        let mut w = world();
        if let Some(level) = w.warehouses.first_mut().stock.get_mut("MUG") {
            level.committed = 3;
        }
        let problems = w.check_consistency();
        assert!(problems[0].contains("3 units committed"), "{problems:?}");
    }
}
