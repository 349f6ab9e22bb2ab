//! Postal addresses as the world sees them, and how a carrier judges one: the checks a
//! carrier's address verification makes, with the carrier's error codes.

use serde::{Deserialize, Serialize};

pub mod formats;

/// A postal address in canonical form. Each dialect maps its own field names onto this
/// (`address1`/`street1`, `province_code`/`state`, `zip_code`/`zip`, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub company: String,
    #[serde(default)]
    pub street1: String,
    #[serde(default)]
    pub street2: String,
    #[serde(default)]
    pub city: String,
    /// State or province code (`CA`, `ON`).
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub zip: String,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
}

/// One reason a carrier refuses an address, with the carrier's code (`E.ADDRESS.NOT_FOUND`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerificationError {
    pub code: &'static str,
    pub field: &'static str,
    pub message: &'static str,
}

/// The outcome of delivery verification: either deliverable (with the normalized form)
/// or refused with reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub success: bool,
    pub errors: Vec<VerificationError>,
    /// The address as the carrier would print it on a label (only when `success`).
    pub normalized: Option<Address>,
}

/// The longest name, company, street or city line a carrier prints on a label
/// (characters, after collapsing whitespace).
pub const MAX_LINE_CHARS: usize = 50;

/// Countries without format data: street and city required, nothing else checked.
const DEFAULT_REQUIRE: &str = "AC";

fn error(code: &'static str, field: &'static str, message: &'static str) -> VerificationError {
    VerificationError {
        code,
        field,
        message,
    }
}

/// Characters a label printer cannot print: control characters other than whitespace,
/// and invisible formatting (zero-width space, direction marks and overrides, BOM).
pub fn is_unprintable(c: char) -> bool {
    (c.is_control() && !c.is_whitespace())
        || matches!(c, '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Fragments no deliverable address contains: markup, template and shell syntax, SQL,
/// path traversal and spreadsheet formulas. A carrier treats such a line as junk.
const INJECTION_MARKERS: &[&str] = &[
    "<",
    ">",
    "{",
    "}",
    "`",
    "\\",
    "|",
    "--",
    "/*",
    "*/",
    "${",
    "$(",
    "../",
    "1=1",
    "drop table",
    "select ",
    "javascript:",
];

/// Why a line is undeliverable junk, if it is.
fn junk(value: &str, is_line: bool) -> Option<&'static str> {
    if value.chars().any(is_unprintable) {
        return Some("Contains unprintable characters");
    }
    let lower = value.to_lowercase();
    if INJECTION_MARKERS.iter().any(|m| lower.contains(m))
        || lower.trim_start().starts_with(['=', '@'])
    {
        return Some("Contains characters no address has");
    }
    if is_line
        && value
            .split_whitespace()
            .map(|w| w.chars().count() + 1)
            .sum::<usize>()
            > MAX_LINE_CHARS + 1
    {
        return Some("Line is too long for a label");
    }
    None
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Judges an address the way a carrier's delivery verification does: undeliverable junk,
/// then the country's required fields, postcode pattern and region list (from
/// [`formats`]; countries without data need a street and a city).
pub fn verify_delivery(address: &Address) -> Verification {
    let mut errors = Vec::new();
    let lines: [(&'static str, &str, bool); 7] = [
        ("name", &address.name, true),
        ("company", &address.company, true),
        ("street1", &address.street1, true),
        ("street2", &address.street2, true),
        ("city", &address.city, true),
        ("state", &address.state, false),
        ("zip", &address.zip, false),
    ];
    for (field, value, is_line) in lines {
        if let Some(message) = junk(value, is_line) {
            errors.push(error("E.ADDRESS.INVALID", field, message));
        }
    }
    let street1 = address.street1.trim();
    let country = address.country.trim().to_ascii_uppercase();
    let format = formats::country(&country);
    let require = format.map_or(DEFAULT_REQUIRE, |f| f.require.as_str());
    if address.name.trim().is_empty() && address.company.trim().is_empty() {
        errors.push(error(
            "E.ADDRESS.INVALID",
            "name",
            "Recipient name or company is missing",
        ));
    }
    if street1.is_empty() {
        errors.push(error("E.ADDRESS.NOT_FOUND", "street1", "Address not found"));
    } else if !street1.chars().any(char::is_numeric) && !is_po_box(street1) {
        errors.push(error(
            "E.HOUSE_NUMBER.MISSING",
            "street1",
            "House number is missing",
        ));
    }
    if require.contains('C') && address.city.trim().is_empty() {
        errors.push(error("E.ADDRESS.NOT_FOUND", "city", "City is missing"));
    }
    if country.is_empty() {
        errors.push(error(
            "E.ADDRESS.NOT_FOUND",
            "country",
            "Country is missing",
        ));
    }
    let zip = collapse(&address.zip).to_uppercase();
    match formats::postcode_fits(&country, &zip) {
        Some(_) if zip.is_empty() && require.contains('Z') => {
            errors.push(error("E.ZIP.INVALID", "zip", "Zip code is missing"));
        }
        Some(false) if !zip.is_empty() => {
            errors.push(error("E.ZIP.INVALID", "zip", "Invalid zip code"));
        }
        _ => {}
    }
    if country == "US" && zip.starts_with("00000") {
        errors.push(error("E.ADDRESS.NOT_FOUND", "address", "Address not found"));
        errors.push(error("E.ZIP.NOT_FOUND", "zip", "Zip code not found"));
    }
    if let Some(f) = format.filter(|f| f.requires('S')) {
        let state = address.state.trim();
        if state.is_empty() || (!f.states.is_empty() && f.region(state).is_none()) {
            errors.push(error("E.STATE.INVALID", "state", "Invalid state"));
        }
    }
    if errors.is_empty() {
        Verification {
            success: true,
            errors,
            normalized: Some(normalize(address)),
        }
    } else {
        Verification {
            success: false,
            errors,
            normalized: None,
        }
    }
}

fn is_po_box(street: &str) -> bool {
    let s = street.to_uppercase().replace('.', "");
    [
        "PO BOX",
        "P O BOX",
        "POSTFACH",
        "APARTADO",
        "CAIXA POSTAL",
        "BOITE POSTALE",
    ]
    .iter()
    .any(|p| s.starts_with(p))
}

/// The carrier's printed form: composed Unicode (NFC), upper case, single spaces, ZIP+4
/// cut to five digits; the name keeps its case.
pub fn normalize(address: &Address) -> Address {
    use unicode_normalization::UnicodeNormalization;
    fn clean(s: &str) -> String {
        collapse(&s.nfc().collect::<String>()).to_uppercase()
    }
    let country = address.country.trim().to_ascii_uppercase();
    let zip = if country == "US" {
        address
            .zip
            .trim()
            .get(..5)
            .unwrap_or(address.zip.trim())
            .to_string()
    } else {
        collapse(&address.zip).to_uppercase()
    };
    Address {
        name: collapse(&address.name.nfc().collect::<String>()),
        company: collapse(&address.company.nfc().collect::<String>()),
        street1: clean(&address.street1),
        street2: clean(&address.street2),
        city: clean(&address.city),
        state: address.state.trim().to_ascii_uppercase(),
        zip,
        country,
        phone: address.phone.trim().to_string(),
        email: address.email.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> Address {
        Address {
            name: "Ada Lovelace".into(),
            street1: "417 Montgomery St".into(),
            street2: "Fl 5".into(),
            city: "San Francisco".into(),
            state: "CA".into(),
            zip: "94104-1129".into(),
            country: "US".into(),
            ..Address::default()
        }
    }

    #[test]
    fn a_complete_us_address_verifies_and_normalizes() {
        let v = verify_delivery(&good());
        assert!(v.success, "{v:?}");
        let n = v.normalized.expect("normalized");
        assert_eq!(n.street1, "417 MONTGOMERY ST");
        assert_eq!(n.zip, "94104");
        assert_eq!(n.street2, "FL 5", "unit must survive normalization");
    }

    #[test]
    fn missing_street_is_not_found() {
        let v = verify_delivery(&Address {
            street1: "  ".into(),
            ..good()
        });
        assert!(!v.success);
        assert_eq!(v.errors[0].code, "E.ADDRESS.NOT_FOUND");
    }

    #[test]
    fn bad_zip_shapes_are_invalid() {
        for zip in ["9410", "94104-", "ABCDE", "941041129", ""] {
            let v = verify_delivery(&Address {
                zip: zip.into(),
                ..good()
            });
            assert!(
                v.errors.iter().any(|e| e.code == "E.ZIP.INVALID"),
                "{zip}: {v:?}"
            );
        }
        let v = verify_delivery(&Address {
            zip: "00000".into(),
            ..good()
        });
        assert!(v.errors.iter().any(|e| e.code == "E.ZIP.NOT_FOUND"));
    }

    #[test]
    fn street_without_number_is_refused_unless_po_box() {
        let v = verify_delivery(&Address {
            street1: "Montgomery St".into(),
            ..good()
        });
        assert_eq!(v.errors[0].code, "E.HOUSE_NUMBER.MISSING");
        assert!(
            verify_delivery(&Address {
                street1: "PO Box 12".into(),
                ..good()
            })
            .success
        );
    }

    #[test]
    fn unknown_state_is_invalid() {
        let v = verify_delivery(&Address {
            state: "ZZ".into(),
            ..good()
        });
        assert_eq!(v.errors[0].code, "E.STATE.INVALID");
    }

    fn address(country: &str, street1: &str, city: &str, state: &str, zip: &str) -> Address {
        Address {
            name: "Ada Lovelace".into(),
            street1: street1.into(),
            city: city.into(),
            state: state.into(),
            zip: zip.into(),
            country: country.into(),
            ..Address::default()
        }
    }

    fn codes(a: &Address) -> Vec<&'static str> {
        verify_delivery(a).errors.iter().map(|e| e.code).collect()
    }

    #[test]
    fn countries_are_judged_by_their_own_format() {
        let gb = address("GB", "10 Downing St", "London", "", "sw1a 2aa");
        assert!(verify_delivery(&gb).success, "{:?}", codes(&gb));
        let gb_bad = Address {
            zip: "SW1A 2A".into(),
            ..gb.clone()
        };
        assert_eq!(codes(&gb_bad), ["E.ZIP.INVALID"]);
        let gb_missing = Address {
            zip: " ".into(),
            ..gb
        };
        assert_eq!(codes(&gb_missing), ["E.ZIP.INVALID"]);
        let hk = address("HK", "88 Queensway", "", "Hong Kong Island", "");
        assert!(
            verify_delivery(&hk).success,
            "HK has no postcodes and no required city"
        );
        let jp = address("JP", "1-2-3 Shibuya", "", "Tokyo", "150-0002");
        assert!(verify_delivery(&jp).success, "{:?}", codes(&jp));
        let jp_no_state = Address {
            state: "".into(),
            ..jp
        };
        assert_eq!(codes(&jp_no_state), ["E.STATE.INVALID"]);
        let ca = address("CA", "111 Wellington St", "Ottawa", "Atlantis", "K1A 0A9");
        assert_eq!(codes(&ca), ["E.STATE.INVALID"]);
    }

    #[test]
    fn junk_is_undeliverable() {
        for junk in [
            "12 Main St\u{7}",
            "12 Main\u{0} St",
            "12 Main St\u{202E}",
            "<script>alert(1)</script> 12",
            "12'; DROP TABLE orders;--",
            "=HYPERLINK(\"x\") 12",
        ] {
            let v = verify_delivery(&Address {
                street1: junk.into(),
                ..good()
            });
            assert_eq!(v.errors[0].code, "E.ADDRESS.INVALID", "{junk:?}");
            assert_eq!(v.errors[0].field, "street1");
        }
        let long = format!("12 {}", "Long ".repeat(10));
        let v = verify_delivery(&Address {
            street1: long,
            ..good()
        });
        assert_eq!(v.errors[0].message, "Line is too long for a label");
        let spaced = Address {
            street1: "  417 \t Montgomery   St ".into(),
            name: "Zoe\u{0308} 🌸".into(),
            ..good()
        };
        let v = verify_delivery(&spaced);
        assert!(v.success, "whitespace and emoji are printable: {v:?}");
        assert_eq!(v.normalized.map(|n| n.name), Some("Zoë 🌸".to_string()));
    }
}
