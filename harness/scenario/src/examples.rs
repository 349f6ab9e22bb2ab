//! One example for every step, condition subject and fault effect of the scenario
//! language: the single list the reference docs (`docs/reference.md`) render, and tests
//! parse each one inside [`SKELETON`], so an example can never drift from the language.
//! What each one means comes from the types' own descriptions (the JSON Schema).

/// A named example: a few steps of a scenario (YAML list items, two-space indent).
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// The step keyword, condition subject or effect name it shows.
    pub name: &'static str,
    pub yaml: &'static str,
}

/// A scenario the examples are played in: one SKU (`MUG-BLUE`, 10 in stock) and one
/// order (`first`) placed by the first step. Examples follow it.
pub const SKELETON: &str = "version: 1
name: example
world:
  seed: 42
  clock: 2026-12-01T09:00:00Z
  catalog:
    - { sku: MUG-BLUE, title: Blue enamel mug, price: \"14.00\", stock: 10 }
steps:
  - place_order:
      as: first
      ship_to: { name: Ada Lovelace, street1: 417 Montgomery St, city: San Francisco, state: CA, zip: \"94104\", country: US }
      lines: [{ sku: MUG-BLUE, quantity: 2 }]
";

/// `SKELETON` followed by `steps`.
pub fn in_skeleton(steps: &str) -> String {
    format!("{SKELETON}{steps}")
}

/// Every step keyword.
pub const STEPS: &[Example] = &[
    Example {
        name: "place_order",
        yaml: "  - place_order:
      as: second
      email: grace@example.com
      ship_to: { name: Grace Hopper, street1: 1600 Amphitheatre Pkwy, city: Mountain View, state: CA, zip: \"94043\", country: US }
      lines: [{ sku: MUG-BLUE, quantity: 1 }]
",
    },
    Example {
        name: "cancel_order",
        yaml: "  - cancel_order: { order: first, reason: customer }\n",
    },
    Example {
        name: "set_stock",
        yaml: "  - set_stock: { sku: MUG-BLUE, on_hand: 25 }\n",
    },
    Example {
        name: "advance_clock",
        yaml: "  - advance_clock: 1d 6h\n",
    },
    Example {
        name: "wait_until",
        yaml: "  - wait_until:\n      until: { order: first, warehouse: processing }\n      timeout: 10s\n",
    },
    Example {
        name: "expect",
        yaml: "  - expect: { order: first, stage: processing, labels: 1 }\n",
    },
    Example {
        name: "fault",
        yaml: "  - fault:
      name: carrier-down
      persona: easypost
      endpoint: POST shipments/*/buy
      effect: outage
      retry_after: 2s
      when: { first: 3 }
",
    },
    Example {
        name: "clear_fault",
        yaml: "  - fault: { name: slow-shop, persona: shopify, effect: latency, delay: 200ms }\n  - clear_fault: slow-shop\n",
    },
    Example {
        name: "label",
        yaml: "  - fault: { name: down, persona: shipbob, effect: outage, when: { until_label: back } }\n  - advance_clock: 1h\n  - label: back\n",
    },
];

/// Every condition subject (`expect:` and `wait_until: {until:}` take them).
pub const CONDITIONS: &[Example] = &[
    Example {
        name: "order",
        yaml: "  - wait_until: { until: { order: first, warehouse: processing }, timeout: 10s }\n  - expect: { order: first, stage: processing, tracking: pre_transit, labels: 1 }\n",
    },
    Example {
        name: "stock",
        yaml: "  - expect: { stock: MUG-BLUE, storefront: 10, sellable: 10, on_hand: 10 }\n",
    },
    Example {
        name: "alerts",
        yaml: "  - expect: { alerts: 0 }\n  - wait_until: { until: { alert_contains: \"#1001\" }, timeout: 1s }\n",
    },
];

/// Every fault effect, as a `fault` step.
pub const EFFECTS: &[Example] = &[
    Example {
        name: "outage",
        yaml: "  - fault: { name: f, persona: easypost, endpoint: POST shipments/*/buy, effect: outage, status: 503, retry_after: 2s, when: { first: 2 } }\n",
    },
    Example {
        name: "html_error",
        yaml: "  - fault: { name: f, persona: shopify, effect: html_error, status: 502, when: { every: 3 } }\n",
    },
    Example {
        name: "connection_reset",
        yaml: "  - fault: { name: f, persona: shipbob, endpoint: POST order, effect: connection_reset, when: { first: 1 } }\n",
    },
    Example {
        name: "hang",
        yaml: "  - fault: { name: f, persona: easypost, endpoint: POST addresses, effect: hang, delay: 2s, when: { first: 1 } }\n",
    },
    Example {
        name: "latency",
        yaml: "  - fault: { name: f, persona: shopify, effect: latency, delay: 300ms, jitter: 100ms }\n",
    },
    Example {
        name: "rate_limited",
        yaml: "  - fault: { name: f, persona: shopify, effect: rate_limited, limit: 2, per: 1s }\n",
    },
    Example {
        name: "timeout_after_commit",
        yaml: "  - fault: { name: f, persona: easypost, endpoint: POST shipments/*/buy, effect: timeout_after_commit, when: { first: 1 } }\n",
    },
    Example {
        name: "truncated_json",
        yaml: "  - fault: { name: f, persona: easypost, endpoint: POST shipments, effect: truncated_json, when: { first: 1 } }\n",
    },
    Example {
        name: "wrong_content_type",
        yaml: "  - fault: { name: f, persona: shipbob, endpoint: GET inventory-level, effect: wrong_content_type, when: { first: 1 } }\n",
    },
    Example {
        name: "missing_field",
        yaml: "  - fault: { name: f, persona: easypost, endpoint: POST shipments/*/buy, effect: missing_field, field: tracking_code, when: { first: 1 } }\n",
    },
    Example {
        name: "api_version_retired",
        yaml: "  - fault: { name: f, persona: shipbob, effect: api_version_retired, version: \"2026-01\", successor: \"2026-07\" }\n",
    },
    Example {
        name: "address_rejected",
        yaml: "  - fault: { name: f, persona: easypost, effect: address_rejected, code: E.ADDRESS.NOT_FOUND, matching: Montgomery }\n",
    },
    Example {
        name: "duplicate",
        yaml: "  - fault: { name: f, persona: easypost, topic: tracker.updated, effect: duplicate }\n",
    },
    Example {
        name: "out_of_order",
        yaml: "  - fault: { name: f, persona: easypost, topic: tracker.updated, effect: out_of_order }\n",
    },
    Example {
        name: "delayed",
        yaml: "  - fault: { name: f, persona: shipbob, topic: order.shipped, effect: delayed, delay: 2h }\n",
    },
    Example {
        name: "dropped",
        yaml: "  - fault: { name: f, persona: shopify, topic: orders/create, effect: dropped, when: { first: 1 } }\n",
    },
    Example {
        name: "bad_signature",
        yaml: "  - fault: { name: f, persona: shipbob, topic: order.shipped, effect: bad_signature }\n",
    },
    Example {
        name: "stock_drift",
        yaml: "  - fault: { name: f, persona: shipbob, effect: stock_drift, sku: MUG-BLUE, delta: -3 }\n",
    },
    Example {
        name: "short_pick",
        yaml: "  - fault: { name: f, persona: shipbob, effect: short_pick, missing: 1 }\n",
    },
    Example {
        name: "backorder",
        yaml: "  - fault: { name: f, persona: shipbob, effect: backorder, matching: MUG-BLUE }\n",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(schema: &serde_json::Value, def: &str) -> Vec<String> {
        let d = &schema["$defs"][def];
        match d["oneOf"].as_array() {
            Some(variants) => variants
                .iter()
                .filter_map(|v| {
                    v["const"].as_str().map(str::to_string).or_else(|| {
                        v["properties"]
                            .as_object()
                            .and_then(|p| p.keys().next().cloned())
                    })
                })
                .collect(),
            None => Vec::new(),
        }
    }

    #[test]
    fn every_step_and_effect_has_exactly_one_example() {
        let schema: serde_json::Value =
            serde_json::from_str(&crate::schema::scenario_schema_json()).expect("schema");
        for (def, list) in [("Step", STEPS), ("EffectKind", EFFECTS)] {
            let mut wanted = keys(&schema, def);
            wanted.sort();
            let mut have: Vec<String> = list.iter().map(|e| e.name.to_string()).collect();
            have.sort();
            assert_eq!(have, wanted, "one example per {def}");
        }
    }

    #[test]
    fn every_example_parses_in_the_skeleton() {
        for e in STEPS.iter().chain(CONDITIONS).chain(EFFECTS) {
            let text = in_skeleton(e.yaml);
            if let Err(errors) = crate::parse_scenario("example.yaml", &text) {
                panic!("{}: {:?}\n{text}", e.name, miette::Report::new(errors));
            }
        }
    }
}
