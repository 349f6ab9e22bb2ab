//! The verdict on one case, read from the world after the integration had its turn.
//! Pure: reads a world, does no I/O.
//!
//! PASS: a label was bought for a carrier-valid address that keeps the customer's name
//! and unit line, or the order was held / alerted on when the carrier would not take the
//! address exactly as the customer typed it. FAIL: a label for an address the carrier
//! rejects (nobody flagged it), a changed name, a lost unit, silence, or a false hold (a
//! hold or alert for an address the carrier accepts as is).

use drydock_core::World;
use drydock_core::address::{Address, verify_delivery};
use drydock_runner::checks::facts;
pub use drydock_runner::checks::label_address::canonical;
use drydock_runner::checks::label_address::{LabelFault, label_faults};

/// How a passing case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Shipped,
    Held,
}

/// Why a case failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// `carrier-rejects`, `name-changed`, `unit-lost`, `false-hold`, `silence`,
    /// `not-placed`.
    pub kind: &'static str,
    /// The address field at fault (`street1`, `name`, ...), empty when none is.
    pub field: String,
    /// What was seen, for people.
    pub detail: String,
    /// Kind plus the exact carrier errors: shrinking keeps a candidate only if its
    /// signature is the same, so the minimal case fails for the same reason.
    pub signature: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Pass { outcome: Outcome, detail: String },
    Fail(Failure),
}

impl Verdict {
    pub fn passed(&self) -> bool {
        matches!(self, Verdict::Pass { .. })
    }

    pub fn failure(&self) -> Option<&Failure> {
        match self {
            Verdict::Fail(f) => Some(f),
            Verdict::Pass { .. } => None,
        }
    }

    pub fn not_placed(detail: String) -> Verdict {
        Verdict::Fail(Failure {
            kind: "not-placed",
            field: String::new(),
            detail,
            signature: "not-placed".into(),
        })
    }
}

/// What a careful integration would send for this address: canonical lines, upper-case
/// postcode and country.
pub fn normalized(a: &Address) -> Address {
    Address {
        name: canonical(&a.name),
        company: canonical(&a.company),
        street1: canonical(&a.street1),
        street2: canonical(&a.street2),
        city: canonical(&a.city),
        state: canonical(&a.state),
        zip: canonical(&a.zip).to_uppercase(),
        country: canonical(&a.country).to_uppercase(),
        phone: canonical(&a.phone),
        email: canonical(&a.email),
    }
}

/// Whether a careful integration should ship this address (else hold it): the carrier
/// accepts its normalized form and there is a recipient name for the warehouse.
pub fn should_ship(a: &Address) -> bool {
    let normalized = normalized(a);
    !normalized.name.is_empty() && verify_delivery(&normalized).success
}

/// Whether the carrier delivers to the address exactly as the customer typed it (and it
/// names a recipient): holding such an order is a false hold.
pub fn carrier_accepts_as_is(a: &Address) -> bool {
    !a.name.trim().is_empty() && verify_delivery(a).success
}

/// A hold or alert for an address that needed no help: fails as `false-hold`.
fn false_hold(sent: &Address, how: String) -> Verdict {
    Verdict::Fail(Failure {
        kind: "false-hold",
        field: String::new(),
        detail: format!(
            "the order was {how}, but the carrier accepts the address as typed: {}",
            one_line(sent)
        ),
        signature: "false-hold".into(),
    })
}

/// Whether the integration has finished with the order: a label, a hold or an alert.
pub fn decided(world: &World, order_id: u64) -> bool {
    !matches!(judge(world, &Address::default(), order_id), Verdict::Fail(f) if f.kind == "silence")
}

/// Judges the order placed for `sent` (the address the customer gave the storefront).
pub fn judge(world: &World, sent: &Address, order_id: u64) -> Verdict {
    let Some(order) = world.order(order_id) else {
        return Verdict::not_placed(format!("order {order_id} is not in the storefront"));
    };
    // Address ids are unique across carriers: the label's is at the carrier that sold it.
    let label = facts::paid_labels(world, order).last().and_then(|s| {
        world
            .carriers
            .iter()
            .find_map(|c| c.addresses.get(&s.to_address_id))
    });
    if let Some(to) = label {
        return judge_label(&to.address, sent);
    }
    let hold = facts::holds(world, order).into_iter().next();
    let valid = carrier_accepts_as_is(sent);
    if let Some(hold) = hold {
        let detail = format!("held ({}): {}", hold.reason, hold.reason_notes);
        if valid {
            return false_hold(sent, detail);
        }
        return Verdict::Pass {
            outcome: Outcome::Held,
            detail,
        };
    }
    if let Some(alert) = facts::alerts_about(world, order).next() {
        if valid {
            return false_hold(sent, format!("alerted on ({})", alert.text));
        }
        return Verdict::Pass {
            outcome: Outcome::Held,
            detail: format!("alerted: {}", alert.text),
        };
    }
    Verdict::Fail(Failure {
        kind: "silence",
        field: String::new(),
        detail: format!(
            "order {} was neither labelled nor held: no label, no fulfillment hold, no alert",
            order.name
        ),
        signature: "silence".into(),
    })
}

/// The label's verdict from the one label judge (`label_address.rs`, shared with the
/// `labels_to_deliverable_addresses` invariant): its first fault, if any.
fn judge_label(label: &Address, sent: &Address) -> Verdict {
    let Some(fault) = label_faults(label, sent).into_iter().next() else {
        return Verdict::Pass {
            outcome: Outcome::Shipped,
            detail: format!("labelled to {}", one_line(label)),
        };
    };
    Verdict::Fail(match fault {
        LabelFault::CarrierRejects(errors) => {
            let codes: Vec<String> = errors
                .iter()
                .map(|e| format!("{} ({})", e.code, e.field))
                .collect();
            Failure {
                kind: "carrier-rejects",
                field: errors
                    .first()
                    .map(|e| e.field)
                    .unwrap_or_default()
                    .to_owned(),
                detail: format!(
                    "a label was bought for an address the carrier rejects, and nobody flagged it: {}",
                    codes.join(", ")
                ),
                signature: format!(
                    "carrier-rejects: {}",
                    errors
                        .iter()
                        .map(|e| format!("{} ({}: {})", e.code, e.field, e.message))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        }
        LabelFault::NameChanged { label, typed } => Failure {
            kind: "name-changed",
            field: "name".into(),
            detail: format!(
                "the label says {:?}, the customer wrote {:?}",
                canonical(&label),
                canonical(&typed)
            ),
            signature: "name-changed".into(),
        },
        LabelFault::UnitLost { unit, lines } => Failure {
            kind: "unit-lost",
            field: "street2".into(),
            detail: format!("the unit {unit:?} is not on the label ({lines:?})"),
            signature: "unit-lost".into(),
        },
    })
}

/// An address on one line, with invisible characters made visible.
pub fn one_line(a: &Address) -> String {
    [
        &a.name, &a.company, &a.street1, &a.street2, &a.city, &a.state, &a.zip, &a.country,
    ]
    .iter()
    .filter(|s| !s.is_empty())
    .map(|s| format!("{s:?}"))
    .collect::<Vec<_>>()
    .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label() -> Address {
        Address {
            name: "Ada Lovelace".into(),
            street1: "12 MAIN ST".into(),
            street2: "APT 4B".into(),
            city: "SPRINGFIELD".into(),
            state: "IL".into(),
            zip: "62701".into(),
            country: "US".into(),
            ..Address::default()
        }
    }

    #[test]
    fn a_label_must_be_valid_and_keep_name_and_unit() {
        let sent = Address {
            name: " Ada  Lovelace ".into(),
            street2: "Apt 4B".into(),
            ..label()
        };
        assert!(judge_label(&label(), &sent).passed());
        let renamed = Address {
            name: "Ada".into(),
            ..label()
        };
        assert_eq!(
            judge_label(&renamed, &sent).failure().map(|f| f.kind),
            Some("name-changed")
        );
        let no_unit = Address {
            street2: String::new(),
            ..label()
        };
        assert_eq!(
            judge_label(&no_unit, &sent).failure().map(|f| f.kind),
            Some("unit-lost")
        );
        let junk = Address {
            street1: "12 MAIN\u{7} ST".into(),
            ..label()
        };
        let failure = judge_label(&junk, &sent);
        let failure = failure.failure().expect("fails");
        assert_eq!(
            (failure.kind, failure.field.as_str()),
            ("carrier-rejects", "street1")
        );
    }

    #[test]
    fn should_ship_follows_the_carrier_on_the_normalized_form() {
        let messy = Address {
            street1: "  12\u{7}  Main St ".into(),
            zip: " 62701 ".into(),
            ..label()
        };
        assert!(should_ship(&messy));
        let sql = Address {
            street2: "'; DROP TABLE orders;--".into(),
            ..label()
        };
        assert!(!should_ship(&sql));
    }
}
