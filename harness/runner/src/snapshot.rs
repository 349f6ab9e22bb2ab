//! The snapshot: the normalized final state a person would check — stock per SKU, each
//! order's customer-visible timeline with expected delivery, why it is held and whether
//! an alert named it — with volatile values (tracking numbers) replaced by stable
//! placeholders. Only what the contract defines is recorded, never free text (alert
//! wording, carrier names as typed) nor a choice the contract leaves open (whether a held
//! order keeps its units reserved, an estimate pushed before the parcel moves), so any
//! correct integration renders the same snapshot. Rendering and comparing are pure; the
//! suite reads and writes the files.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use drydock_core::World;
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
    for (sku, level) in &world.warehouses.first().stock {
        let shown = world.channels.first().available(sku);
        let storefront = match shown {
            Some(v) if stock::acceptable_storefront(world, sku).contains(&v) => {
                "follows the warehouse".to_string()
            }
            Some(v) => format!("{v} (out of step)"),
            None => "-".to_string(),
        };
        let _ = writeln!(
            out,
            "  {sku}: storefront {storefront}, warehouse on_hand {}, committed {}, sellable {}",
            level.on_hand,
            level.committed,
            level.sellable()
        );
    }
    let _ = writeln!(out, "orders:");
    let mut by_id: Vec<(&String, &u64)> = orders.iter().collect();
    by_id.sort_by_key(|(_, id)| **id);
    for (alias, id) in by_id {
        let Some(order) = world.channels.first().orders.get(id) else {
            continue;
        };
        let _ = writeln!(out, "  {alias} ({}):", redactor.order_name(&order.name));
        let timeline = customer_timeline(world.channels.first(), order.id);
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
            .filter_map(|f| world.channels.first().fulfillments.get(f))
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
        if let Some(w) = facts::warehouse_order(world, order) {
            let _ = writeln!(
                out,
                "    warehouse: {}",
                crate::checks::condition::warehouse_word(w.stage)
            );
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
                .filter_map(|id| world.channels.first().fulfillment_orders.get(id))
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
        let stable = format!("#{}", 1001 + self.order_names.len());
        self.order_names.push((name.to_string(), stable.clone()));
        stable
    }
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
        assert_eq!(r.order_name("#5002"), "#1002");
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
