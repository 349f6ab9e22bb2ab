//! The snapshot: the normalized final state a person would check — stock per SKU (and,
//! in a world of several nodes of a role, per channel and per warehouse), each order's
//! customer-visible timeline with expected delivery, the warehouse holding it, why it is
//! held and whether an alert named it — with volatile values (tracking numbers) replaced by stable
//! placeholders. Only what the contract defines is recorded, never free text (alert
//! wording, carrier names as typed) nor a choice the contract leaves open (whether a held
//! order keeps its units reserved, an estimate pushed before the parcel moves), so any
//! correct integration renders the same snapshot. Rendering and comparing are pure; the
//! suite reads and writes the files.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use drydock_core::World;
use drydock_core::storefront::Storefront;
use drydock_core::timeline::customer_timeline;
use similar::{ChangeTag, TextDiff};

use crate::checks::{delivery, facts, stock};

/// Renders the snapshot text of a finished scenario.
pub fn render(scenario: &str, world: &World, orders: &BTreeMap<String, u64>) -> String {
    let mut redactor = Redactor::default();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# drydock snapshot of scenario `{scenario}` (volatile values redacted)"
    );
    let _ = writeln!(out, "stock:");
    if world.has_many_nodes() {
        stock_by_node(world, &mut out);
    } else {
        for (sku, level) in &world.warehouses.first().stock {
            let storefront = follows(world, world.channels.first(), sku, "the warehouse");
            let _ = writeln!(
                out,
                "  {sku}: storefront {storefront}, warehouse on_hand {}, committed {}, sellable {}",
                level.on_hand,
                level.committed,
                level.sellable()
            );
        }
    }
    let _ = writeln!(out, "orders:");
    let mut by_id: Vec<(&String, &u64)> = orders.iter().collect();
    by_id.sort_by_key(|(_, id)| **id);
    for (alias, id) in by_id {
        let Some(order) = world.order(*id) else {
            continue;
        };
        let channel = facts::channel(world, order);
        let _ = writeln!(out, "  {alias} ({}):", redactor.order_name(&order.name));
        let timeline = customer_timeline(channel, order.id);
        if let Some(last) = timeline.last() {
            let _ = writeln!(out, "    status: {}", last.stage.label());
        }
        let tracking = facts::storefront_tracking(world, order);
        match tracking.first() {
            Some(code) => {
                let _ = writeln!(out, "    tracking: {}", redactor.tracking(code));
            }
            None => {
                let _ = writeln!(out, "    tracking: none");
            }
        }
        // An estimate is part of the contract once the parcel moves; before that, when
        // to push one is the integration's choice.
        let eta = order
            .fulfillment_ids
            .iter()
            .filter_map(|f| channel.fulfillments.get(f))
            .find_map(|f| f.estimated_delivery_at);
        let moving =
            facts::tracker(world, order).is_some_and(|t| delivery::parcel_moving(t.status));
        if let (Some(eta), true) = (eta, moving) {
            let _ = writeln!(out, "    expected_delivery: {eta}");
        }
        let _ = writeln!(
            out,
            "    labels_paid: {}",
            facts::paid_labels(world, order).len()
        );
        if let Some((warehouse, w)) = facts::shipped_from(world, order) {
            let stage = drydock_core::vocabulary::Vocabulary::word(w.stage);
            if world.warehouses.len() > 1 {
                let _ = writeln!(out, "    warehouse: {stage} @{}", warehouse.id);
            } else {
                let _ = writeln!(out, "    warehouse: {stage}");
            }
        }
        let held = facts::hold_reasons(world, order);
        if !held.is_empty() {
            let _ = writeln!(out, "    held: {}", held.join(", "));
        }
        if facts::alerted(world, order) {
            let _ = writeln!(out, "    alerted: yes");
        }
        // After a partial fulfillment: what the storefront still shows as not shipped.
        if !order.fulfillment_ids.is_empty() && order.cancelled_at.is_none() {
            let left: Vec<String> = order
                .fulfillment_order_ids
                .iter()
                .filter_map(|id| channel.fulfillment_orders.get(id))
                .flat_map(|fo| &fo.line_items)
                .filter(|l| l.remaining() > 0)
                .map(|l| {
                    let sku = order
                        .line_items
                        .iter()
                        .find(|li| li.id == l.line_item_id)
                        .map_or("?", |li| li.sku.as_str());
                    format!("{sku} x{}", l.remaining())
                })
                .collect();
            if !left.is_empty() {
                let _ = writeln!(out, "    unfulfilled: {}", left.join(", "));
            }
        }
        let _ = writeln!(out, "    timeline:");
        for entry in timeline {
            let _ = writeln!(out, "      - {}  {}", entry.at, entry.stage.label());
        }
    }
    out
}

/// How a channel's count of `sku` stands: following what `warehouses` can sell (under
/// either reservation policy), out of step, or absent.
fn follows(world: &World, channel: &Storefront, sku: &str, warehouses: &str) -> String {
    match channel.available(sku) {
        Some(v) if stock::acceptable_storefront(world, sku).contains(&v) => {
            format!("follows {warehouses}")
        }
        Some(v) => format!("{v} (out of step)"),
        None => "-".to_string(),
    }
}

/// The stock of a world with more than one node of a role: per SKU the warehouses'
/// totals, then each channel's count and each warehouse's levels (`MUG @wh-eu: ...`).
fn stock_by_node(world: &World, out: &mut String) {
    for sku in world.catalog.keys() {
        let levels: Vec<_> = world
            .warehouses
            .iter()
            .filter_map(|w| w.stock.get(sku).map(|l| (w, l)))
            .collect();
        let total = |f: fn(&drydock_core::warehouse::StockLevel) -> i64| -> i64 {
            levels.iter().map(|(_, l)| f(l)).sum()
        };
        let _ = writeln!(
            out,
            "  {sku}: warehouses on_hand {}, committed {}, sellable {}",
            total(|l| l.on_hand),
            total(|l| l.committed),
            total(|l| l.sellable())
        );
        for channel in world.channels.iter() {
            let storefront = follows(world, channel, sku, "the warehouses");
            let _ = writeln!(out, "  {sku} @{}: storefront {storefront}", channel.id);
        }
        for (warehouse, level) in levels {
            let _ = writeln!(
                out,
                "  {sku} @{}: on_hand {}, committed {}, sellable {}",
                warehouse.id,
                level.on_hand,
                level.committed,
                level.sellable()
            );
        }
    }
}

/// Replaces each distinct tracking number with `[tracking-N]`, in order of appearance,
/// and order names with `#1001`, `#1002`, ... in order of placement (the names a world
/// outside an id space gives), so a run against a long-running integration, whose
/// worlds number orders on from earlier runs, snapshots the same.
#[derive(Default)]
struct Redactor {
    seen: Vec<String>,
    order_names: Vec<(String, String)>,
}

impl Redactor {
    fn tracking(&mut self, code: &str) -> String {
        let n = match self.seen.iter().position(|c| c == code) {
            Some(i) => i + 1,
            None => {
                self.seen.push(code.to_string());
                self.seen.len()
            }
        };
        format!("[tracking-{n}]")
    }

    fn order_name(&mut self, name: &str) -> String {
        let earlier: Vec<&str> = self.order_names.iter().map(|(n, _)| n.as_str()).collect();
        let stable = stable_order_name(name, &earlier);
        self.order_names.push((name.to_string(), stable.clone()));
        stable
    }
}

/// The channel's prefix of an order name: `SHOP-EU-` of `#SHOP-EU-1001`, empty for
/// `#1001`.
fn order_prefix(name: &str) -> &str {
    name.trim_start_matches('#')
        .trim_end_matches(|c: char| c.is_ascii_digit())
}

/// The name a world outside an id space gives the order named `name`, placed after the
/// orders named `earlier`: its channel's prefix and `1001`, `1002`, ... counting that
/// channel's orders only.
fn stable_order_name(name: &str, earlier: &[&str]) -> String {
    let prefix = order_prefix(name);
    let before = earlier.iter().filter(|n| order_prefix(n) == prefix).count();
    format!("#{prefix}{}", 1001 + before)
}

/// [`stable_order_name`] of each of `names`, given in order of placement.
pub fn stable_order_names(names: &[String]) -> Vec<String> {
    let mut earlier: Vec<&str> = Vec::new();
    names
        .iter()
        .map(|name| {
            let stable = stable_order_name(name, &earlier);
            earlier.push(name);
            stable
        })
        .collect()
}

/// A minimal line diff (`-` stored, `+` actual), or None when equal.
pub fn diff(stored: &str, actual: &str) -> Option<String> {
    if stored == actual {
        return None;
    }
    let mut out = String::new();
    let diff = TextDiff::from_lines(stored, actual);
    for group in diff.grouped_ops(2) {
        for op in group {
            for change in diff.iter_changes(&op) {
                let sign = match change.tag() {
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                    ChangeTag::Equal => ' ',
                };
                let _ = write!(out, "{sign} {change}");
                if change.missing_newline() {
                    out.push('\n');
                }
            }
        }
        out.push_str("  ...\n");
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_names_of_an_id_space_snapshot_as_the_first_ones() {
        let mut r = Redactor::default();
        assert_eq!(r.order_name("#5001"), "#1001");
        assert_eq!(r.order_name("#SHOP-EU-5001"), "#SHOP-EU-1001");
        assert_eq!(r.order_name("#5002"), "#1002");
        assert_eq!(
            stable_order_names(&["#7001".into(), "#EU-7001".into(), "#EU-7002".into()]),
            ["#1001", "#EU-1001", "#EU-1002"]
        );
    }

    #[test]
    fn diff_shows_only_changed_lines_with_context() {
        let a = "a\nb\nc\nd\ne\nf\n";
        let b = "a\nb\nc\nD\ne\nf\n";
        let d = diff(a, b).unwrap_or_default();
        assert!(d.contains("- d") && d.contains("+ D"), "{d}");
        assert!(diff(a, a).is_none());
    }
}
