//! Evaluating a scenario condition against a world snapshot.

use std::collections::BTreeMap;

use drydock_core::World;
use drydock_core::timeline::current_stage;
use drydock_core::vocabulary::Vocabulary;
use drydock_scenario::Condition;

use super::facts;

/// One fact that did not hold: what was expected and what the world shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub fact: String,
    pub expected: String,
    pub actual: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: expected {}, found {}",
            self.fact, self.expected, self.actual
        )
    }
}

/// The facts of `c` that do not hold in `world` (empty when the condition holds).
/// `orders` maps scenario order names to storefront order ids.
pub fn evaluate(c: &Condition, world: &World, orders: &BTreeMap<String, u64>) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let mut check = |fact: &str, expected: String, actual: String| {
        if expected != actual {
            out.push(Mismatch {
                fact: fact.to_string(),
                expected,
                actual,
            });
        }
    };
    if let Some(alias) = &c.order {
        let order = orders.get(&alias.value).and_then(|id| world.order(*id));
        let Some(order) = order else {
            check(
                &format!("order {}", alias.value),
                "to exist".into(),
                "no such order".into(),
            );
            return out;
        };
        let who = format!("order {} ({})", alias.value, order.name);
        if let Some(stage) = &c.stage {
            let expected = stage.value.label().to_string();
            let actual = current_stage(facts::channel(world, order), order.id)
                .map(|s| s.label().to_string())
                .unwrap_or_default();
            check(&format!("{who} customer stage"), expected, actual);
        }
        if let Some(w) = c.warehouse_state() {
            let actual = facts::warehouse_order(world, order)
                .map(|w| w.stage.word())
                .unwrap_or("none");
            check(
                &format!("{who} warehouse state"),
                w.value.clone(),
                actual.to_string(),
            );
        }
        if let Some(from) = &c.shipped_from {
            let actual = facts::shipped_from(world, order)
                .map_or("none".to_string(), |(w, _)| w.id.to_string());
            check(
                &format!("{who} warehouse holding it"),
                from.value.clone(),
                actual,
            );
        }
        if let Some(t) = &c.tracking {
            let actual = facts::tracker(world, order)
                .map(|t| t.status.as_str())
                .unwrap_or("none");
            check(
                &format!("{who} carrier tracking"),
                t.value.word().to_string(),
                actual.to_string(),
            );
        }
        if let Some(h) = &c.held {
            let reasons = facts::hold_reasons(world, order);
            let actual = if reasons.is_empty() {
                "none".to_string()
            } else {
                reasons.join(", ")
            };
            let word = h.value.word().to_string();
            let expected = if reasons.contains(&word) {
                actual.clone()
            } else {
                word
            };
            check(&format!("{who} hold reason"), expected, actual);
        }
        if let Some(a) = c.alerted {
            let actual = facts::alerted(world, order);
            let word = |b: bool| {
                if b {
                    "an alert naming it"
                } else {
                    "no alert naming it"
                }
            };
            check(
                &format!("{who} alerts"),
                word(a).to_string(),
                word(actual).to_string(),
            );
        }
        if let Some(n) = c.labels {
            let actual = facts::paid_labels(world, order).len();
            check(
                &format!("{who} paid labels"),
                n.to_string(),
                actual.to_string(),
            );
        }
    }
    if let Some(sku) = &c.stock {
        let sku = &sku.value;
        // The node a stock condition names, else its role's first; a name the world
        // does not have (the parser refuses one) finds nothing.
        let channel = match &c.channel {
            Some(id) => world.channels.iter().find(|n| n.id == id.value.as_str()),
            None => Some(world.channels.first()),
        };
        let warehouse = match c.warehouse_node() {
            Some(id) => world.warehouses.iter().find(|n| n.id == id.value.as_str()),
            None => Some(world.warehouses.first()),
        };
        let storefront_words = match &c.channel {
            Some(id) => format!("on channel {}", id.value),
            None => "on the storefront".into(),
        };
        let warehouse_words = match c.warehouse_node() {
            Some(id) => format!("at warehouse {}", id.value),
            None => "in the warehouse".into(),
        };
        if let Some(n) = c.storefront {
            let actual = channel
                .and_then(|c| c.available(sku))
                .map(|v| v.to_string())
                .unwrap_or_else(|| "none".into());
            check(
                &format!("{sku} available {storefront_words}"),
                n.to_string(),
                actual,
            );
        }
        let level = warehouse.and_then(|w| w.stock.get(sku));
        if let Some(n) = c.sellable {
            let actual = level
                .map(|l| l.sellable().to_string())
                .unwrap_or_else(|| "none".into());
            check(
                &format!("{sku} sellable {warehouse_words}"),
                n.to_string(),
                actual,
            );
        }
        if let Some(n) = c.on_hand {
            let actual = level
                .map(|l| l.on_hand.to_string())
                .unwrap_or_else(|| "none".into());
            check(
                &format!("{sku} on hand {warehouse_words}"),
                n.to_string(),
                actual,
            );
        }
    }
    if let Some(n) = c.alerts {
        let actual = world.alerts.len();
        if actual < n as usize {
            out.push(Mismatch {
                fact: "alerts raised".into(),
                expected: format!("at least {n}"),
                actual: actual.to_string(),
            });
        }
    }
    if let Some(text) = &c.alert_contains
        && !world.alerts.iter().any(|a| facts::mentions(&a.text, text))
    {
        let seen: Vec<&str> = world.alerts.iter().map(|a| a.text.as_str()).collect();
        out.push(Mismatch {
            fact: "an alert".into(),
            expected: format!("containing {text:?}"),
            actual: if seen.is_empty() {
                "no alerts".into()
            } else {
                format!("{seen:?}")
            },
        });
    }
    out
}
