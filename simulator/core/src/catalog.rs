//! The catalog: what can be sold, known by SKU everywhere, and each channel's listing of
//! a SKU: the product, variant and inventory item ids that channel knows it by.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Product {
    pub sku: String,
    pub title: String,
    /// Unit price in cents.
    pub price_cents: i64,
    /// Shipping weight of one unit, in ounces.
    pub weight_oz: u32,
}

/// A SKU as one storefront channel lists it: its own ids, so two channels never share one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Listing {
    pub product_id: u64,
    pub variant_id: u64,
    pub inventory_item_id: u64,
}

/// Formats cents as a decimal string with two places (`"12.50"`), as storefronts do.
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}{}.{:02}", cents / 100, cents % 100)
}

/// Parses a decimal money string (`"12.5"`, `"12.50"`, `"12"`) into cents.
pub fn parse_money(s: &str) -> Option<i64> {
    let s = s.trim();
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() || frac.len() > 2 || !whole.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_round_trips() {
        for (s, c) in [("12.50", 1250), ("0.05", 5), ("7.00", 700)] {
            assert_eq!(parse_money(s), Some(c));
            assert_eq!(money(c), s);
        }
        assert_eq!(parse_money("12.5"), Some(1250));
        assert_eq!(parse_money("12"), Some(1200));
        for bad in ["", "1.234", "a.00", "-1", "1.x"] {
            assert_eq!(parse_money(bad), None, "{bad}");
        }
    }
}
