//! The shipping address as this integration sees it, and its normalization
//! (trim, collapse whitespace, keep the unit line). Pure: no I/O.

use crate::shopify::ShippingAddress;

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

/// Trims and collapses runs of whitespace (including tabs and newlines) to one space.
pub(crate) fn clean(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn clean_opt(raw: Option<&str>) -> Option<String> {
    raw.map(clean).filter(|s| !s.is_empty())
}

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
            zip: clean_opt(address.zip.as_deref()).unwrap_or_default(),
            country: pick(&address.country_code, &address.country),
            phone: clean_opt(address.phone.as_deref()),
            email: clean_opt(email),
        }
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
}
