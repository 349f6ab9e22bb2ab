//! Whether a paid label keeps the customer's address: the carrier can deliver to it, it
//! names the customer, and the unit line the customer typed is on it. The one judge that
//! the `labels_to_deliverable_addresses` invariant and the address fuzzer's verdict both
//! call, so a label cannot pass one and fail the other. Pure: compares two addresses.

use drydock_core::address::{Address, VerificationError, is_unprintable, verify_delivery};
use unicode_normalization::UnicodeNormalization;

/// What is wrong with a label, in the order the fuzzer reports the first of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelFault {
    /// The carrier cannot deliver to the label's address (its verification errors).
    CarrierRejects(Vec<VerificationError>),
    /// The label names someone other than the customer (both as written).
    NameChanged { label: String, typed: String },
    /// The unit line the customer typed is on neither street line of the label.
    UnitLost { unit: String, lines: String },
}

/// The form two spellings of a line are compared in: NFC, unprintable characters
/// removed, whitespace trimmed and collapsed.
pub fn canonical(s: &str) -> String {
    let printable: String = s.nfc().filter(|c| !is_unprintable(*c)).collect();
    printable.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A line as a carrier prints it and a person reads it: canonical, upper case (labels
/// are printed in capitals; `ß` reads as `SS`).
fn printed(s: &str) -> String {
    canonical(s).to_uppercase()
}

/// Everything wrong with `label`, bought for an order the customer addressed as
/// `typed`; empty when the label is fine. The name may change case and spacing, the
/// unit line may move to `street1`, but the unit's words must all be there, in order,
/// as whole words (`APT 4` is not kept by `APT 45`).
pub fn label_faults(label: &Address, typed: &Address) -> Vec<LabelFault> {
    let mut faults = Vec::new();
    let carrier = verify_delivery(label);
    if !carrier.errors.is_empty() {
        faults.push(LabelFault::CarrierRejects(carrier.errors));
    }
    if printed(&label.name) != printed(&typed.name) {
        faults.push(LabelFault::NameChanged {
            label: label.name.clone(),
            typed: typed.name.clone(),
        });
    }
    let unit = printed(&typed.street2);
    let lines = printed(&format!("{} {}", label.street1, label.street2));
    if !unit.is_empty() && !has_words(&lines, &unit) {
        faults.push(LabelFault::UnitLost { unit, lines });
    }
    faults
}

/// Whether `words` occur in `line` as a run of whole words.
fn has_words(line: &str, words: &str) -> bool {
    let line: Vec<&str> = line.split(' ').collect();
    let words: Vec<&str> = words.split(' ').collect();
    line.windows(words.len()).any(|w| w == words.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label() -> Address {
        Address {
            name: "Ada Lovelace".into(),
            street1: "179 N HARBOR DR".into(),
            street2: "APT 4B".into(),
            city: "REDONDO BEACH".into(),
            state: "CA".into(),
            zip: "90277".into(),
            country: "US".into(),
            ..Address::default()
        }
    }

    fn kinds(faults: &[LabelFault]) -> Vec<&'static str> {
        faults
            .iter()
            .map(|f| match f {
                LabelFault::CarrierRejects(_) => "carrier-rejects",
                LabelFault::NameChanged { .. } => "name-changed",
                LabelFault::UnitLost { .. } => "unit-lost",
            })
            .collect()
    }

    /// The cases on which the invariant and the fuzzer used to disagree, and the verdict
    /// both now give.
    #[test]
    fn one_verdict_on_the_cases_the_two_judges_disagreed_on() {
        let typed = Address {
            name: "Ada Lovelace".into(),
            street2: "Apt 4B".into(),
            ..label()
        };
        let cases: [(&str, Address, Address, &[&str]); 8] = [
            // The fuzzer called an upper-cased name changed; the invariant did not.
            (
                "name printed in capitals",
                Address {
                    name: "ADA LOVELACE".into(),
                    ..label()
                },
                typed.clone(),
                &[],
            ),
            // The invariant compared without NFC: a decomposed name looked changed.
            (
                "name composed (NFC)",
                Address {
                    name: "Zoë Brontë".into(),
                    ..label()
                },
                Address {
                    name: "Zoe\u{308} Bronte\u{308}".into(),
                    ..typed.clone()
                },
                &[],
            ),
            (
                "ß printed as SS",
                Address {
                    name: "GRETE STRASSE".into(),
                    ..label()
                },
                Address {
                    name: "Grete Straße".into(),
                    ..typed.clone()
                },
                &[],
            ),
            // The invariant wanted the unit in street2; the fuzzer took either line.
            (
                "unit moved to street1",
                Address {
                    street1: "179 N HARBOR DR APT 4B".into(),
                    street2: String::new(),
                    ..label()
                },
                typed.clone(),
                &[],
            ),
            // The invariant only asked that street2 be non-empty.
            (
                "another unit in street2",
                Address {
                    street2: "APT 9".into(),
                    ..label()
                },
                typed.clone(),
                &["unit-lost"],
            ),
            // The fuzzer matched text, not words: `APT 4` was found in `APT 45`.
            (
                "a unit that is the start of another",
                Address {
                    street2: "APT 45".into(),
                    ..label()
                },
                Address {
                    street2: "Apt 4".into(),
                    ..typed.clone()
                },
                &["unit-lost"],
            ),
            // The invariant skipped the name when none was typed; the fuzzer did not.
            (
                "a name the customer never gave",
                label(),
                Address {
                    name: String::new(),
                    ..typed.clone()
                },
                &["name-changed"],
            ),
            (
                "junk the carrier refuses, a new name and no unit",
                Address {
                    name: "Ada".into(),
                    street1: "179 N HARBOR\u{7} DR".into(),
                    street2: String::new(),
                    ..label()
                },
                typed.clone(),
                &["carrier-rejects", "name-changed", "unit-lost"],
            ),
        ];
        for (case, label, typed, expected) in cases {
            assert_eq!(kinds(&label_faults(&label, &typed)), expected, "{case}");
        }
    }

    #[test]
    fn canonical_forms_compare_what_a_person_would() {
        assert_eq!(canonical(" Zoe\u{308}\t Brontë\u{7} "), "Zoë Brontë");
    }
}
