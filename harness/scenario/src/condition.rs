//! Conditions: what `expect` asserts and `wait_until` waits for. One subject per
//! condition (an order, a SKU's stock, or the alerts), with the facts to hold about it.

use drydock_core::carrier::TrackingStatus;
use drydock_core::timeline::Stage;
use drydock_core::vocabulary::{HoldReason, OrNone, Vocabulary};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

/// A fact about the world. Name one subject — `order`, `stock` or `alerts` — and the
/// facts about it; every fact named must hold.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// The order, by the name given in its `place_order` step (`as:`).
    #[schemars(with = "Option<String>")]
    pub order: Option<Spanned<String>>,
    /// What the customer sees for the order: received, processing, on_hold, shipped,
    /// out_for_delivery, delivered, failed, cancelled.
    #[schemars(with = "Option<Stage>")]
    pub stage: Option<Spanned<Stage>>,
    /// With `order`: where the order is in the warehouse (none, processing, picked,
    /// packed, shipped, cancelled, exception). With `stock`: the warehouse node whose
    /// `sellable` and `on_hand` are meant (default: the first warehouse).
    #[schemars(with = "Option<String>")]
    pub warehouse: Option<Spanned<String>>,
    /// The warehouse node that holds the order's warehouse order (`none` if none does).
    #[schemars(with = "Option<String>")]
    pub shipped_from: Option<Spanned<String>>,
    /// The carrier's tracker status for the order's label: pre_transit, in_transit,
    /// out_for_delivery, delivered, ...
    #[schemars(with = "Option<OrNone<TrackingStatus>>")]
    pub tracking: Option<Spanned<OrNone<TrackingStatus>>>,
    /// How many paid labels the order has.
    pub labels: Option<u32>,
    /// Why the order is on hold, as the Shopify fulfillment-hold reason the integration
    /// set (incorrect_address, inventory_out_of_stock, other, ...), or `none`.
    #[schemars(with = "Option<OrNone<HoldReason>>")]
    pub held: Option<Spanned<OrNone<HoldReason>>>,
    /// Whether some alert names the order (its name, `#1001`, in the text).
    pub alerted: Option<bool>,
    /// The SKU whose stock the facts below are about.
    #[schemars(with = "Option<String>")]
    pub stock: Option<Spanned<String>>,
    /// With `stock`: the channel whose `storefront` count is meant (default: the first
    /// channel).
    #[schemars(with = "Option<String>")]
    pub channel: Option<Spanned<String>>,
    /// Units the storefront offers for sale.
    pub storefront: Option<i64>,
    /// Units the warehouse can sell.
    pub sellable: Option<i64>,
    /// Units on the warehouse shelves.
    pub on_hand: Option<i64>,
    /// At least this many alerts were raised.
    pub alerts: Option<u32>,
    /// Some alert's text contains this (case-insensitive; text ending in a digit is not
    /// found at the start of a longer number: `#1001` is not in `#10010`).
    pub alert_contains: Option<String>,
}

impl Condition {
    /// The warehouse state an order condition asks for (`warehouse:` with `order:`).
    pub fn warehouse_state(&self) -> Option<&Spanned<String>> {
        self.warehouse.as_ref().filter(|_| self.stock.is_none())
    }

    /// The warehouse node a stock condition names (`warehouse:` with `stock:`).
    pub fn warehouse_node(&self) -> Option<&Spanned<String>> {
        self.warehouse.as_ref().filter(|_| self.stock.is_some())
    }

    /// A short human description, used in reports.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(o) = &self.order {
            parts.push(format!("order {}", o.value));
        }
        if let Some(s) = &self.stage {
            parts.push(format!("stage {}", s.value.word()));
        }
        if let Some(w) = &self.warehouse {
            parts.push(format!("warehouse {}", w.value));
        }
        if let Some(w) = &self.shipped_from {
            parts.push(format!("shipped from {}", w.value));
        }
        if let Some(t) = &self.tracking {
            parts.push(format!("tracking {}", t.value.word()));
        }
        if let Some(l) = self.labels {
            parts.push(format!("labels {l}"));
        }
        if let Some(h) = &self.held {
            parts.push(format!("held {}", h.value.word()));
        }
        if let Some(a) = self.alerted {
            parts.push(format!("alerted {a}"));
        }
        if let Some(s) = &self.stock {
            parts.push(format!("stock {}", s.value));
        }
        if let Some(c) = &self.channel {
            parts.push(format!("channel {}", c.value));
        }
        if let Some(v) = self.storefront {
            parts.push(format!("storefront {v}"));
        }
        if let Some(v) = self.sellable {
            parts.push(format!("sellable {v}"));
        }
        if let Some(v) = self.on_hand {
            parts.push(format!("on_hand {v}"));
        }
        if let Some(v) = self.alerts {
            parts.push(format!("alerts >= {v}"));
        }
        if let Some(v) = &self.alert_contains {
            parts.push(format!("alert contains {v:?}"));
        }
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use crate::parse_scenario;

    const SCENARIO: &str = "version: 1
name: held
world:
  catalog:
    - { sku: MUG, title: Mug, price: \"1.00\", stock: 3 }
steps:
  - place_order:
      as: ada
      ship_to: { name: Ada, street1: 1 Main St, city: Reno, state: NV, zip: \"89501\", country: US }
      lines: [{ sku: MUG, quantity: 1 }]
  - expect: { order: ada, held: HELD, alerted: true }
";

    #[test]
    fn a_hold_reason_must_be_one_of_shopifys() {
        for ok in [
            "incorrect_address",
            "inventory_out_of_stock",
            "other",
            "none",
        ] {
            let text = SCENARIO.replace("HELD", ok);
            assert!(parse_scenario("held.yaml", &text).is_ok(), "{ok}");
        }
        let text = SCENARIO.replace("HELD", "bad_address");
        let errors = parse_scenario("held.yaml", &text).expect_err("not a Shopify reason");
        let problem = &errors.problems[0];
        assert_eq!((problem.line, problem.column), (11, 33), "{problem}");
        assert!(problem.message.contains("hold reason"), "{problem}");
        assert!(
            problem
                .hint
                .as_deref()
                .is_some_and(|h| h.contains("incorrect_address")),
            "{problem}"
        );
    }
}
