//! The shipping address as this integration sees it, and its normalization: composed
//! Unicode (NFC), unprintable characters removed, whitespace trimmed and collapsed,
//! postcodes in upper case, the unit line kept. Also the local check that holds an
//! address no carrier could take instead of sending junk. Pure: no I/O.

use unicode_normalization::UnicodeNormalization;

use crate::shopify::ShippingAddress;

/// The longest line carriers print on a label (characters).
const MAX_LABEL_LINE: usize = 50;

/// A destination address, normalized once and then sent to the carrier and warehouse.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct PostalAddress {
    pub(crate) name: String,
    pub(crate) company: Option<String>,
    pub(crate) street1: String,
    /// Apartment, suite or unit: must survive normalization, parcels get lost without it.
    pub(crate) street2: Option<String>,
    pub(crate) city: String,
    pub(crate) state: String,
    pub(crate) zip: String,
    pub(crate) country: String,
    pub(crate) phone: Option<String>,
    pub(crate) email: Option<String>,
}

/// Control characters (other than whitespace) and invisible formatting marks: they print
/// as garbage on a label and make carriers refuse the address.
fn is_unprintable(c: char) -> bool {
    (c.is_control() && !c.is_whitespace())
        || matches!(
            c,
            '\u{200B}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// NFC, unprintable characters removed, trimmed, runs of whitespace (tabs, newlines,
/// no-break spaces) collapsed to one space.
pub(crate) fn clean(raw: &str) -> String {
    let printable: String = raw.nfc().filter(|c| !is_unprintable(*c)).collect();
    printable.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn clean_opt(raw: Option<&str>) -> Option<String> {
    raw.map(clean).filter(|s| !s.is_empty())
}

/// Text that is code rather than an address: markup, templates, shell, SQL, formulas.
const CODE_MARKERS: &[&str] = &[
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

impl PostalAddress {
    /// Builds the normalized destination from a Shopify shipping address.
    pub(crate) fn from_shopify(address: &ShippingAddress, email: Option<&str>) -> PostalAddress {
        let name = clean_opt(address.name.as_deref()).unwrap_or_else(|| {
            let first = address.first_name.as_deref().unwrap_or_default();
            let last = address.last_name.as_deref().unwrap_or_default();
            clean(&format!("{first} {last}"))
        });
        let pick = |code: &Option<String>, full: &Option<String>| {
            clean_opt(code.as_deref())
                .or_else(|| clean_opt(full.as_deref()))
                .unwrap_or_default()
        };
        PostalAddress {
            name,
            company: clean_opt(address.company.as_deref()),
            street1: clean_opt(address.address1.as_deref()).unwrap_or_default(),
            street2: clean_opt(address.address2.as_deref()),
            city: clean_opt(address.city.as_deref()).unwrap_or_default(),
            state: pick(&address.province_code, &address.province),
            zip: clean(address.zip.as_deref().unwrap_or_default()).to_uppercase(),
            country: pick(&address.country_code, &address.country).to_uppercase(),
            phone: clean_opt(address.phone.as_deref()),
            email: clean_opt(email),
        }
    }

    /// The storefront's address exactly as given (only absent and empty lines dropped):
    /// what an integration without normalization would send on.
    pub(crate) fn as_given(address: &ShippingAddress, email: Option<&str>) -> PostalAddress {
        let given = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        let name = given(&address.name).unwrap_or_else(|| {
            let first = address.first_name.as_deref().unwrap_or_default();
            let last = address.last_name.as_deref().unwrap_or_default();
            format!("{first} {last}")
        });
        PostalAddress {
            name,
            company: given(&address.company),
            street1: given(&address.address1).unwrap_or_default(),
            street2: given(&address.address2),
            city: given(&address.city).unwrap_or_default(),
            state: given(&address.province_code)
                .or_else(|| given(&address.province))
                .unwrap_or_default(),
            zip: given(&address.zip).unwrap_or_default(),
            country: given(&address.country_code)
                .or_else(|| given(&address.country))
                .unwrap_or_default(),
            phone: given(&address.phone),
            email: email.map(str::to_owned),
        }
    }

    /// Why this (normalized) address cannot be shipped, found before asking the carrier:
    /// no street or recipient name, code instead of an address, or a line longer than a
    /// label prints.
    pub(crate) fn unshippable(&self) -> Option<String> {
        if self.street1.is_empty() {
            return Some("street address is missing".to_owned());
        }
        if self.name.is_empty() {
            // The warehouse cannot take an order without a recipient name.
            return Some("recipient name is missing".to_owned());
        }
        let lines = [
            ("name", self.name.as_str()),
            ("company", self.company.as_deref().unwrap_or_default()),
            ("street", self.street1.as_str()),
            ("unit", self.street2.as_deref().unwrap_or_default()),
            ("city", self.city.as_str()),
        ];
        for (field, line) in lines {
            let lower = line.to_lowercase();
            if CODE_MARKERS.iter().any(|m| lower.contains(m)) || lower.starts_with(['=', '@']) {
                return Some(format!("{field} line looks like code, not an address"));
            }
            if line.chars().count() > MAX_LABEL_LINE {
                return Some(format!(
                    "{field} line is longer than a label prints ({MAX_LABEL_LINE} characters)"
                ));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_whitespace_and_trims() {
        assert_eq!(clean("  123   Main \t St\n"), "123 Main St");
        assert_eq!(clean("   "), "");
    }

    #[test]
    fn keeps_the_unit_line_and_prefers_codes() {
        let shopify = ShippingAddress {
            first_name: Some(" Ada ".into()),
            last_name: Some("Lovelace".into()),
            address1: Some(" 12  Analytical  Way ".into()),
            address2: Some("  Apt   4B ".into()),
            city: Some("San  Francisco".into()),
            province: Some("California".into()),
            province_code: Some("CA".into()),
            zip: Some(" 94107 ".into()),
            country: Some("United States".into()),
            country_code: Some("US".into()),
            ..ShippingAddress::default()
        };
        let address = PostalAddress::from_shopify(&shopify, Some("ada@example.com"));
        assert_eq!(address.name, "Ada Lovelace");
        assert_eq!(address.street1, "12 Analytical Way");
        assert_eq!(address.street2.as_deref(), Some("Apt 4B"));
        assert_eq!(address.city, "San Francisco");
        assert_eq!(address.state, "CA");
        assert_eq!(address.zip, "94107");
        assert_eq!(address.country, "US");
        assert_eq!(address.email.as_deref(), Some("ada@example.com"));
    }

    #[test]
    fn blank_optional_lines_become_none() {
        let shopify = ShippingAddress {
            name: Some("Grace Hopper".into()),
            address2: Some("   ".into()),
            province: Some("New York".into()),
            ..ShippingAddress::default()
        };
        let address = PostalAddress::from_shopify(&shopify, None);
        assert_eq!(address.name, "Grace Hopper");
        assert_eq!(address.street2, None);
        assert_eq!(address.state, "New York");
    }

    #[test]
    fn strips_unprintable_characters_and_composes_unicode() {
        assert_eq!(clean("12\u{7} Main\u{202E} St\u{0}"), "12 Main St");
        assert_eq!(clean("Zoe\u{0308}"), "Zoë");
        assert_eq!(clean("\u{FEFF} Apt\u{00A0}4 "), "Apt 4");
        assert_eq!(clean("302号室 🌸"), "302号室 🌸");
    }

    #[test]
    fn postcodes_are_upper_case_and_the_raw_form_is_kept_apart() {
        let shopify = ShippingAddress {
            name: Some(" Ada\u{7} ".into()),
            address1: Some("10 Downing St".into()),
            zip: Some(" sw1a  2aa ".into()),
            country_code: Some("gb".into()),
            ..ShippingAddress::default()
        };
        let address = PostalAddress::from_shopify(&shopify, None);
        assert_eq!(address.zip, "SW1A 2AA");
        assert_eq!(address.country, "GB");
        assert_eq!(address.name, "Ada");
        let raw = PostalAddress::as_given(&shopify, None);
        assert_eq!(raw.zip, " sw1a  2aa ");
        assert_eq!(raw.name, " Ada\u{7} ");
    }

    #[test]
    fn code_and_overlong_lines_are_unshippable() {
        let ok = PostalAddress {
            name: "Ada".into(),
            street1: "12-14 High St".into(),
            city: "London".into(),
            ..PostalAddress::default()
        };
        assert_eq!(ok.unshippable(), None);
        let sql = PostalAddress {
            street2: Some("'; DROP TABLE orders;--".into()),
            ..ok.clone()
        };
        assert!(sql.unshippable().is_some_and(|w| w.starts_with("unit")));
        let long = PostalAddress {
            street1: format!("1 {}", "Long".repeat(20)),
            ..ok.clone()
        };
        assert!(long.unshippable().is_some());
        let empty = PostalAddress {
            street1: String::new(),
            ..ok
        };
        assert!(empty.unshippable().is_some());
        let nameless = PostalAddress {
            name: String::new(),
            street1: "1 Main St".into(),
            ..PostalAddress::default()
        };
        assert!(nameless.unshippable().is_some());
    }
}
