//! A failing case as a scenario file (`drydock run` format) that replays it: the order
//! with the shrunk address, and what a careful integration does with it. Pure.

use drydock_core::address::{Address, is_unprintable};

use crate::batch::SKU;
use crate::judge::{Failure, should_ship};

/// A YAML double-quoted scalar; everything YAML cannot show printed as an escape.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c.is_control() || is_unprintable(c) => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// What the saved scenario is about.
pub struct Saved<'a> {
    pub name: &'a str,
    pub seed: u64,
    pub country: &'a str,
    pub family: &'a str,
    pub address: &'a Address,
    pub failure: &'a Failure,
    pub reproduce: &'a str,
}

/// The scenario text. It expects what a careful integration does: ship when the carrier
/// accepts the address's normalized form, else hold the order.
pub fn render(s: &Saved<'_>) -> String {
    let a = s.address;
    let ship = should_ship(a);
    let mut y = String::new();
    y.push_str("# yaml-language-server: $schema=../scenario.schema.json\n");
    y.push_str(&format!(
        "# Found by drydock fuzz addresses (seed {}, country {}, family {}).\n",
        s.seed, s.country, s.family
    ));
    y.push_str(&format!(
        "# It failed: {}\n",
        s.failure.detail.replace('\n', " ")
    ));
    y.push_str(&format!("# Reproduce the fuzz run: {}\n", s.reproduce));
    y.push_str(if ship {
        "# Expected: the carrier accepts this address once normalized, so it ships.\n"
    } else {
        "# Expected: no carrier can deliver this address, so the order is held.\n"
    });
    y.push_str(
        "# The scenario checks the outcome; `drydock fuzz` also checks the label's name and unit.\n# The first run writes the snapshot as .snap.new: accept it with --accept once it passes.\n",
    );
    y.push_str("version: 1\n");
    y.push_str(&format!("name: {}\n", s.name));
    y.push_str("tags: [fuzz, address]\n");
    y.push_str(&format!(
        "world:\n  seed: {}\n  catalog:\n    - {{ sku: {SKU}, title: Fuzz parcel, price: \"10.00\", stock: 10 }}\n",
        s.seed
    ));
    y.push_str("steps:\n  - place_order:\n      as: fuzzed\n      email: fuzz@example.com\n      ship_to:\n");
    for (key, value) in [
        ("name", &a.name),
        ("company", &a.company),
        ("street1", &a.street1),
        ("street2", &a.street2),
        ("city", &a.city),
        ("state", &a.state),
        ("zip", &a.zip),
        ("country", &a.country),
    ] {
        if !value.is_empty() {
            y.push_str(&format!("        {key}: {}\n", quote(value)));
        }
    }
    y.push_str(&format!(
        "      lines:\n        - {{ sku: {SKU}, quantity: 1 }}\n"
    ));
    if ship {
        y.push_str("  - wait_until:\n      until: { order: fuzzed, labels: 1 }\n");
    } else {
        y.push_str("  - wait_until:\n      until: { order: fuzzed, stage: on_hold }\n");
        y.push_str("  - expect: { order: fuzzed, labels: 0 }\n");
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure() -> Failure {
        Failure {
            kind: "carrier-rejects",
            field: "street1".into(),
            detail: "a label was bought for an address the carrier rejects".into(),
            signature: "carrier-rejects".into(),
        }
    }

    #[test]
    fn saved_scenarios_parse_and_keep_the_address_exactly() {
        for (street1, street2) in [
            ("12\u{7} Main \"St\"\\", "Apt\u{202E} 4"),
            ("'; DROP TABLE orders;-- 1", "\u{0}\u{7f}\u{9b}"),
            ("  ١٢ شارع الملك فهد\t", "302号室 🌸\u{feff}"),
        ] {
            let address = Address {
                name: "Zoe\u{308} Brontë".into(),
                street1: street1.into(),
                street2: street2.into(),
                city: "Springfield".into(),
                state: "IL".into(),
                zip: "62701".into(),
                country: "US".into(),
                ..Address::default()
            };
            let text = render(&Saved {
                name: "fuzz-address-7-1",
                seed: 7,
                country: "US",
                family: "control",
                address: &address,
                failure: &failure(),
                reproduce: "drydock fuzz addresses --seed 7 --cases 500 --case 1",
            });
            let scenario = drydock_scenario::parse_scenario("fuzz.yaml", &text)
                .unwrap_or_else(|e| panic!("{e:?}\n{text}"));
            let step = &scenario.steps[0].value;
            let drydock_scenario::model::Step::PlaceOrder(order) = step else {
                panic!("first step places the order");
            };
            assert_eq!(order.ship_to, address, "{text}");
        }
    }
}
