//! Short picks, pure: comparing what the warehouse shipped with what was ordered, and
//! choosing the fulfillment order lines (and quantities) that really left. No I/O.

use std::collections::HashMap;

use crate::shipbob::Shipment;
use crate::shopify::{FulfillmentOrderLine, LineQuantity};

/// One SKU that left the warehouse with fewer units than ordered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Shortfall {
    pub(crate) sku: String,
    pub(crate) ordered: u32,
    pub(crate) shipped: u32,
}

/// Units shipped per SKU as the shipment lists them; `None` when the shipment does not
/// say (no product lines, or lines without quantities): then it is taken as complete.
fn shipped_by_sku(shipment: &Shipment) -> Option<HashMap<String, u32>> {
    if shipment.products.is_empty() {
        return None;
    }
    let mut shipped: HashMap<String, u32> = HashMap::new();
    for product in &shipment.products {
        let sku = product
            .sku
            .clone()
            .or_else(|| product.reference_id.clone())?;
        let from_items: Vec<u32> = product
            .inventory_items
            .iter()
            .filter_map(|i| i.quantity)
            .collect();
        let units = if from_items.is_empty() {
            product.quantity?
        } else {
            from_items.iter().sum()
        };
        *shipped.entry(sku).or_default() += units;
    }
    Some(shipped)
}

/// The ordered SKUs the shipment carries fewer units of; empty for a complete shipment.
pub(crate) fn shortfalls(ordered: &[(String, u32)], shipment: &Shipment) -> Vec<Shortfall> {
    let Some(shipped) = shipped_by_sku(shipment) else {
        return Vec::new();
    };
    let mut wanted: Vec<(String, u32)> = Vec::new();
    for (sku, qty) in ordered {
        match wanted.iter_mut().find(|(s, _)| s == sku) {
            Some((_, total)) => *total += qty,
            None => wanted.push((sku.clone(), *qty)),
        }
    }
    wanted
        .into_iter()
        .filter_map(|(sku, ordered)| {
            let shipped = shipped.get(&sku).copied().unwrap_or(0);
            (shipped < ordered).then_some(Shortfall {
                sku,
                ordered,
                shipped,
            })
        })
        .collect()
}

/// The fulfillment order lines to fulfil after a short pick: every line in full except
/// the short SKUs, which get only the shipped units (lines with none are left out).
/// `None` when a short line cannot be matched to its SKU (`line_skus`: storefront line
/// item id → SKU), so the caller cannot fulfil precisely.
pub(crate) fn lines_to_fulfil(
    fo_lines: &[FulfillmentOrderLine],
    line_skus: &[(u64, String)],
    short: &[Shortfall],
) -> Option<Vec<LineQuantity>> {
    let mut left: HashMap<&str, u32> = short.iter().map(|s| (s.sku.as_str(), s.shipped)).collect();
    let mut matched = 0;
    let mut lines = Vec::new();
    for line in fo_lines {
        let sku = line
            .line_item_id
            .and_then(|id| line_skus.iter().find(|(l, _)| *l == id))
            .map(|(_, sku)| sku.as_str());
        let quantity = match sku.and_then(|sku| left.get_mut(sku)) {
            Some(remaining) => {
                matched += 1;
                let take = line.quantity.min(*remaining);
                *remaining -= take;
                take
            }
            None => line.quantity,
        };
        if quantity > 0 {
            lines.push(LineQuantity {
                id: line.id,
                quantity,
            });
        }
    }
    (matched > 0).then_some(lines)
}

/// "1 of 2 MUG-BLUE, 0 of 1 TEE" for alerts.
pub(crate) fn describe(short: &[Shortfall]) -> String {
    short
        .iter()
        .map(|s| format!("{} of {} {}", s.shipped, s.ordered, s.sku))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shipbob::{ShipmentProduct, ShippedItem};

    fn product(sku: &str, units: &[u32]) -> ShipmentProduct {
        ShipmentProduct {
            sku: Some(sku.into()),
            reference_id: Some(sku.into()),
            quantity: None,
            inventory_items: units
                .iter()
                .map(|q| ShippedItem { quantity: Some(*q) })
                .collect(),
        }
    }

    fn shipment(products: Vec<ShipmentProduct>) -> Shipment {
        Shipment {
            products,
            ..Shipment::default()
        }
    }

    fn fo_line(id: u64, line_item_id: u64, quantity: u32) -> FulfillmentOrderLine {
        FulfillmentOrderLine {
            id,
            line_item_id: Some(line_item_id),
            quantity,
        }
    }

    #[test]
    fn complete_or_silent_shipments_have_no_shortfall() {
        let ordered = vec![("MUG".to_owned(), 2)];
        assert!(shortfalls(&ordered, &shipment(vec![product("MUG", &[2])])).is_empty());
        assert!(shortfalls(&ordered, &shipment(vec![])).is_empty());
    }

    #[test]
    fn finds_short_and_missing_skus() {
        let ordered = vec![("MUG".to_owned(), 2), ("TEE".to_owned(), 1)];
        let short = shortfalls(&ordered, &shipment(vec![product("MUG", &[1])]));
        assert_eq!(
            short,
            vec![
                Shortfall {
                    sku: "MUG".into(),
                    ordered: 2,
                    shipped: 1
                },
                Shortfall {
                    sku: "TEE".into(),
                    ordered: 1,
                    shipped: 0
                },
            ]
        );
        assert_eq!(describe(&short), "1 of 2 MUG, 0 of 1 TEE");
    }

    #[test]
    fn fulfils_only_what_shipped() {
        let short = vec![
            Shortfall {
                sku: "MUG".into(),
                ordered: 2,
                shipped: 1,
            },
            Shortfall {
                sku: "TEE".into(),
                ordered: 1,
                shipped: 0,
            },
        ];
        let fo = vec![fo_line(1, 11, 2), fo_line(2, 12, 1), fo_line(3, 13, 4)];
        let skus = vec![
            (11, "MUG".to_owned()),
            (12, "TEE".to_owned()),
            (13, "CAP".to_owned()),
        ];
        assert_eq!(
            lines_to_fulfil(&fo, &skus, &short),
            Some(vec![
                LineQuantity { id: 1, quantity: 1 },
                LineQuantity { id: 3, quantity: 4 },
            ])
        );
        assert_eq!(lines_to_fulfil(&fo, &[], &short), None);
    }
}
