//! The snapshot: the normalized final state a person would check — stock per SKU, each
//! order's customer-visible timeline with expected delivery, and alerts — with volatile
//! values (tracking numbers) replaced by stable placeholders. Rendering and comparing
//! are pure; the suite reads and writes the files.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use drydock_core::World;
use drydock_core::timeline::customer_timeline;
use similar::{ChangeTag, TextDiff};

use crate::checks::facts;

/// Renders the snapshot text of a finished scenario.
pub fn render(scenario: &str, world: &World, orders: &BTreeMap<String, u64>) -> String {
    let mut redactor = Redactor::default();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# drydock snapshot of scenario `{scenario}` (volatile values redacted)"
    );
    let _ = writeln!(out, "stock:");
    for (sku, level) in &world.warehouse.stock {
        let shown = world
            .storefront
            .available(sku)
            .map(|v| v.to_string())
            .unwrap_or_else(|| "-".into());
        let _ = writeln!(
            out,
            "  {sku}: storefront {shown}, warehouse on_hand {}, committed {}, sellable {}",
            level.on_hand,
            level.committed,
            level.sellable()
        );
    }
    let _ = writeln!(out, "orders:");
    let mut by_id: Vec<(&String, &u64)> = orders.iter().collect();
    by_id.sort_by_key(|(_, id)| **id);
    for (alias, id) in by_id {
        let Some(order) = world.storefront.orders.get(id) else {
            continue;
        };
        let _ = writeln!(out, "  {alias} ({}):", redactor.order_name(&order.name));
        let timeline = customer_timeline(&world.storefront, order.id);
        if let Some(last) = timeline.last() {
            let _ = writeln!(out, "    status: {}", last.stage.label());
        }
        let tracking = facts::storefront_tracking(world, order);
        let company = order
            .fulfillment_ids
            .iter()
            .filter_map(|f| world.storefront.fulfillments.get(f))
            .find_map(|f| f.tracking.as_ref().map(|t| t.company.clone()))
            .unwrap_or_default();
        match tracking.first() {
            Some(code) => {
                let _ = writeln!(out, "    tracking: {} {}", redactor.tracking(code), company);
            }
            None => {
                let _ = writeln!(out, "    tracking: none");
            }
        }
        let eta = order
            .fulfillment_ids
            .iter()
            .filter_map(|f| world.storefront.fulfillments.get(f))
            .find_map(|f| f.estimated_delivery_at);
        if let Some(eta) = eta {
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
        // After a partial fulfillment: what the storefront still shows as not shipped.
        if !order.fulfillment_ids.is_empty() && order.cancelled_at.is_none() {
            let left: Vec<String> = order
                .fulfillment_order_ids
                .iter()
                .filter_map(|id| world.storefront.fulfillment_orders.get(id))
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
    let _ = writeln!(out, "alerts:");
    for alert in &world.alerts {
        let text = redactor.redact_text(&alert.text);
        let _ = writeln!(
            out,
            "  - {}  {}: {}",
            alert.at,
            alert.channel,
            text.replace('\n', " / ")
        );
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

    fn redact_text(&mut self, text: &str) -> String {
        let mut out = text.to_string();
        let mut names: Vec<&(String, String)> = self.order_names.iter().collect();
        names.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
        for (name, stable) in names {
            if name != stable {
                out = out.replace(name.as_str(), stable);
            }
        }
        for (i, code) in self.seen.iter().enumerate() {
            out = out.replace(code.as_str(), &format!("[tracking-{}]", i + 1));
        }
        out
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
        assert_eq!(
            r.redact_text("Order #5002 held, like #5001"),
            "Order #1002 held, like #1001"
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
