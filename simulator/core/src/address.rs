//! Postal addresses as the world sees them, and how a carrier judges one: the checks a
//! carrier's address verification makes, with the carrier's error codes.

use serde::{Deserialize, Serialize};

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

/// US states, DC and territories that carriers accept as `state`.
const US_STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
    "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY", "DC", "PR", "GU", "VI", "AS", "MP", "AA", "AE", "AP",
];

/// Judges an address the way a carrier's delivery verification does.
pub fn verify_delivery(address: &Address) -> Verification {
    let mut errors = Vec::new();
    let street1 = address.street1.trim();
    let country = address.country.trim().to_ascii_uppercase();
    if street1.is_empty() {
        errors.push(VerificationError {
            code: "E.ADDRESS.NOT_FOUND",
            field: "street1",
            message: "Address not found",
        });
    } else if !street1.chars().any(|c| c.is_ascii_digit()) && !is_po_box(street1) {
        errors.push(VerificationError {
            code: "E.HOUSE_NUMBER.MISSING",
            field: "street1",
            message: "House number is missing",
        });
    }
    if address.city.trim().is_empty() {
        errors.push(VerificationError {
            code: "E.ADDRESS.NOT_FOUND",
            field: "city",
            message: "City is missing",
        });
    }
    if country.is_empty() {
        errors.push(VerificationError {
            code: "E.ADDRESS.NOT_FOUND",
            field: "country",
            message: "Country is missing",
        });
    }
    if country == "US" {
        let zip = address.zip.trim();
        let zip5 = zip.get(..5).unwrap_or("");
        let shape_ok = match zip.len() {
            5 => zip.chars().all(|c| c.is_ascii_digit()),
            10 => {
                zip5.chars().all(|c| c.is_ascii_digit())
                    && zip.as_bytes()[5] == b'-'
                    && zip[6..].chars().all(|c| c.is_ascii_digit())
            }
            _ => false,
        };
        if !shape_ok {
            errors.push(VerificationError {
                code: "E.ZIP.INVALID",
                field: "zip",
                message: "Invalid zip code",
            });
        } else if zip5 == "00000" {
            errors.push(VerificationError {
                code: "E.ADDRESS.NOT_FOUND",
                field: "address",
                message: "Address not found",
            });
            errors.push(VerificationError {
                code: "E.ZIP.NOT_FOUND",
                field: "zip",
                message: "Zip code not found",
            });
        }
        if !US_STATES.contains(&address.state.trim().to_ascii_uppercase().as_str()) {
            errors.push(VerificationError {
                code: "E.STATE.INVALID",
                field: "state",
                message: "Invalid state",
            });
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
    let s = street.to_ascii_uppercase().replace('.', "");
    s.starts_with("PO BOX") || s.starts_with("P O BOX")
}

/// The carrier's printed form: upper case, single spaces, ZIP+4 cut to five digits.
pub fn normalize(address: &Address) -> Address {
    fn clean(s: &str) -> String {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_uppercase()
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
        address.zip.trim().to_uppercase()
    };
    Address {
        name: address
            .name
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        company: address.company.trim().to_string(),
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
}
