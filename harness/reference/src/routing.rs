//! Which warehouse ships an order, pure: the closest reachable one that can ship it
//! complete (same country as the customer first, then the same region group — the EU
//! —, then declaration order). When none can: wait if a warehouse that is down could
//! (by the stock it last had); else split across warehouses if together they can; else
//! the closest reachable one gets it whole and reports what it lacks (an out-of-stock
//! hold). No I/O.

use std::collections::HashMap;

/// One warehouse as routing sees it.
#[derive(Clone, Debug)]
pub(crate) struct Candidate<'a> {
    /// Country of the warehouse's ship-from address (ISO 3166-1 alpha-2).
    pub(crate) country: &'a str,
    /// Sellable units per SKU: just read, or as last read when it is down.
    pub(crate) sellable: &'a HashMap<String, i64>,
    /// It answers; a warehouse that is down gets no orders.
    pub(crate) reachable: bool,
}

/// Order lines, `(sku, quantity)`.
pub(crate) type Lines = Vec<(String, u32)>;

/// Where an order goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// One warehouse ships it complete (its index).
    Whole(usize),
    /// No warehouse can ship it complete, but together they can: the lines each ships,
    /// closest first.
    Split(Vec<(usize, Lines)>),
    /// Not enough stock anywhere: the closest reachable warehouse gets it whole.
    Short(usize),
    /// No warehouse can take it now (none reachable, or only one that is down could
    /// ship it complete): hold it until one is back.
    Wait,
}

/// Member states of the European Union: a warehouse there is "near" a customer in any
/// of them.
const EU: [&str; 27] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

fn in_eu(country: &str) -> bool {
    EU.contains(&country)
}

/// 0 same country, 1 same region group, 2 elsewhere.
fn distance(customer: &str, warehouse: &str) -> u8 {
    let customer = customer.trim().to_ascii_uppercase();
    let warehouse = warehouse.trim().to_ascii_uppercase();
    if customer == warehouse {
        0
    } else if in_eu(&customer) && in_eu(&warehouse) {
        1
    } else {
        2
    }
}

fn stock_of(sellable: &HashMap<String, i64>, sku: &str) -> i64 {
    sellable.get(sku).copied().unwrap_or(0)
}

fn ships_complete(lines: &[(String, u32)], sellable: &HashMap<String, i64>) -> bool {
    lines
        .iter()
        .all(|(sku, qty)| stock_of(sellable, sku) >= i64::from(*qty))
}

/// Routes `lines` for a customer in `country` over `warehouses` (declaration order).
pub(crate) fn route(lines: &[(String, u32)], country: &str, warehouses: &[Candidate<'_>]) -> Route {
    // Closest first; ties keep declaration order.
    let mut by_distance: Vec<(usize, &Candidate<'_>)> = warehouses.iter().enumerate().collect();
    by_distance.sort_by_key(|(i, w)| (distance(country, w.country), *i));
    let reachable: Vec<(usize, &HashMap<String, i64>)> = by_distance
        .iter()
        .filter(|(_, w)| w.reachable)
        .map(|(i, w)| (*i, w.sellable))
        .collect();
    if let Some(&(whole, _)) = reachable
        .iter()
        .find(|(_, sellable)| ships_complete(lines, sellable))
    {
        return Route::Whole(whole);
    }
    let Some(&(closest, _)) = reachable.first() else {
        return Route::Wait;
    };
    if by_distance
        .iter()
        .any(|(_, w)| !w.reachable && ships_complete(lines, w.sellable))
    {
        return Route::Wait;
    }
    split(lines, &reachable).map_or(Route::Short(closest), Route::Split)
}

/// Closest first, each warehouse ships what it can of what is left; `None` when the
/// lines are not covered in the end.
fn split(
    lines: &[(String, u32)],
    reachable: &[(usize, &HashMap<String, i64>)],
) -> Option<Vec<(usize, Lines)>> {
    let mut left: Lines = lines.to_vec();
    let mut parts = Vec::new();
    for &(index, sellable) in reachable {
        let mut part = Vec::new();
        for (sku, qty) in left.iter_mut().filter(|(_, q)| *q > 0) {
            let here = u32::try_from(stock_of(sellable, sku).max(0)).unwrap_or(u32::MAX);
            let take = here.min(*qty);
            if take > 0 {
                part.push((sku.clone(), take));
                *qty -= take;
            }
        }
        if !part.is_empty() {
            parts.push((index, part));
        }
    }
    left.iter().all(|(_, q)| *q == 0).then_some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `"MUG:2 TEE:1"` as SKU → units.
    fn stock(spec: &str) -> HashMap<String, i64> {
        spec.split_whitespace()
            .filter_map(|pair| pair.split_once(':'))
            .map(|(sku, n)| (sku.to_owned(), n.parse().unwrap_or(0)))
            .collect()
    }

    fn lines(spec: &str) -> Lines {
        let mut lines: Lines = stock(spec)
            .into_iter()
            .map(|(sku, n)| (sku, u32::try_from(n).unwrap_or(0)))
            .collect();
        lines.sort();
        lines
    }

    /// Two warehouses, wh-east (US) then wh-eu (NL): `(case, customer country, order,
    /// wh-east stock, wh-eu stock — "down" first when unreachable, expected route)`.
    #[rustfmt::skip]
    const TABLE: [(&str, &str, &str, &str, &str, &str); 15] = [
        ("US customer", "US", "MUG:1", "MUG:9", "MUG:9", "whole 0"),
        ("NL customer", "NL", "MUG:1", "MUG:9", "MUG:9", "whole 1"),
        ("DE: same region group", "DE", "MUG:1", "MUG:9", "MUG:9", "whole 1"),
        ("JP: first declared", "JP", "MUG:1", "MUG:9", "MUG:9", "whole 0"),
        ("country in lower case", "nl", "MUG:1", "MUG:9", "MUG:9", "whole 1"),
        ("EU short: US ships whole", "NL", "MUG:3", "MUG:9", "MUG:2", "whole 0"),
        ("a line missing in EU", "NL", "MUG:1 TEE:1", "MUG:9 TEE:9", "MUG:2", "whole 0"),
        ("closest down: the next", "NL", "MUG:1", "MUG:9", "down MUG:9", "whole 0"),
        ("all down", "US", "MUG:1", "down MUG:9", "down MUG:9", "wait"),
        ("only a down one has it", "US", "TEE:1", "down TEE:9", "MUG:9", "wait"),
        ("a down one never had it", "US", "TEE:1", "down MUG:9", "MUG:9", "short 1"),
        ("too little: closest", "NL", "MUG:30", "MUG:9", "MUG:2", "short 1"),
        ("too little, closest down", "NL", "MUG:30", "MUG:9", "down MUG:2", "short 0"),
        ("nothing anywhere", "US", "MUG:1", "", "", "short 0"),
        ("split: none ships whole", "NL", "MUG:4 TEE:1", "MUG:2 TEE:1", "MUG:2", "split"),
    ];

    #[test]
    fn routes_by_stock_then_closeness() {
        for (case, country, order, east, eu, expected) in TABLE {
            let east_stock = stock(east);
            let eu_stock = stock(eu);
            let warehouses = [
                Candidate {
                    country: "US",
                    sellable: &east_stock,
                    reachable: !east.starts_with("down"),
                },
                Candidate {
                    country: "NL",
                    sellable: &eu_stock,
                    reachable: !eu.starts_with("down"),
                },
            ];
            let expected = match expected {
                "whole 0" => Route::Whole(0),
                "whole 1" => Route::Whole(1),
                "short 0" => Route::Short(0),
                "short 1" => Route::Short(1),
                "wait" => Route::Wait,
                // Closest first: the EU ships its two mugs, the US the rest.
                _ => Route::Split(vec![(1, lines("MUG:2")), (0, lines("MUG:2 TEE:1"))]),
            };
            let mut order = lines(order);
            order.sort();
            assert_eq!(route(&order, country, &warehouses), expected, "{case}");
        }
    }

    #[test]
    fn one_warehouse_gets_everything_it_can_reach() {
        let plenty = stock("MUG:10");
        let only = [Candidate {
            country: "US",
            sellable: &plenty,
            reachable: true,
        }];
        assert_eq!(route(&lines("MUG:1"), "FR", &only), Route::Whole(0));
        assert_eq!(route(&lines("MUG:11"), "US", &only), Route::Short(0));
        assert_eq!(route(&[], "US", &only), Route::Whole(0));
        assert_eq!(route(&lines("MUG:1"), "US", &[]), Route::Wait);
    }
}
