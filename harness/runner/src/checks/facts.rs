//! Facts about one storefront order gathered across nodes: its channel, its warehouse
//! order (at whichever warehouse), its paid labels and its tracker (at whichever carrier).
//! The attribution rules live here, once.

use drydock_core::World;
use drydock_core::alerts::Alert;
use drydock_core::carrier::{CarrierShipment, Tracker};
use drydock_core::storefront::{
    FulfillmentHold, FulfillmentOrderStatus, FulfillmentState, Order, Storefront,
};
use drydock_core::warehouse::{TRACKING_TAG, Warehouse, WarehouseOrder};

/// The channel the order was placed on (the first channel for an order of none, which a
/// world never holds).
pub fn channel<'a>(world: &'a World, order: &Order) -> &'a Storefront {
    world
        .channel_holding(order.id)
        .unwrap_or(world.channels.first())
}

/// The warehouse order the integration created for a storefront order (by reference id:
/// the storefront order id or name), with the warehouse that holds it. An order re-routed
/// from a warehouse that could not ship it is where it was sent last (a cancelled one
/// elsewhere counts only when there is no other).
pub fn shipped_from<'a>(
    world: &'a World,
    order: &Order,
) -> Option<(&'a Warehouse, &'a WarehouseOrder)> {
    let id = order.id.to_string();
    let mut found: Vec<(&Warehouse, &WarehouseOrder)> = world
        .warehouse_orders()
        .filter(|(_, w)| w.reference_id == id || w.reference_id == order.name)
        .collect();
    found.sort_by_key(|(_, w)| (w.stage != drydock_core::warehouse::Stage::Cancelled, w.id));
    found.pop()
}

/// The warehouse order the integration created for a storefront order.
pub fn warehouse_order<'a>(world: &'a World, order: &Order) -> Option<&'a WarehouseOrder> {
    shipped_from(world, order).map(|(_, w)| w)
}

/// Tracking numbers the storefront shows for the order (successful fulfillments).
pub fn storefront_tracking(world: &World, order: &Order) -> Vec<String> {
    let channel = channel(world, order);
    order
        .fulfillment_ids
        .iter()
        .filter_map(|id| channel.fulfillments.get(id))
        .filter(|f| f.status == FulfillmentState::Success)
        .filter_map(|f| f.tracking.as_ref().map(|t| t.number.clone()))
        .collect()
}

/// Whether a carrier shipment belongs to the order: its reference names the order, or its
/// tracking code was handed to the warehouse order or shown on the storefront.
pub fn label_belongs_to(world: &World, order: &Order, shipment: &CarrierShipment) -> bool {
    let id = order.id.to_string();
    if shipment
        .reference
        .as_deref()
        .is_some_and(|r| r == id || r == order.name)
    {
        return true;
    }
    let Some(code) = shipment.tracking_code.as_deref() else {
        return false;
    };
    warehouse_order(world, order)
        .and_then(|w| w.tag(TRACKING_TAG))
        .is_some_and(|t| t == code)
        || storefront_tracking(world, order).iter().any(|t| t == code)
}

/// Every label bought for the order (paid or refunded).
pub fn labels<'a>(world: &'a World, order: &Order) -> Vec<&'a CarrierShipment> {
    world
        .shipments()
        .map(|(_, s)| s)
        .filter(|s| s.postage_label.is_some() && label_belongs_to(world, order, s))
        .collect()
}

pub fn paid_labels<'a>(world: &'a World, order: &Order) -> Vec<&'a CarrierShipment> {
    labels(world, order)
        .into_iter()
        .filter(|s| s.is_paid_label())
        .collect()
}

/// The tracker of the order's label: the one shown on the storefront if any, else the one
/// handed to the warehouse, else the latest label's.
pub fn tracker<'a>(world: &'a World, order: &Order) -> Option<&'a Tracker> {
    let shown = storefront_tracking(world, order);
    if let Some((_, t)) = shown.iter().find_map(|code| world.tracker_by_code(code)) {
        return Some(t);
    }
    if let Some(code) = warehouse_order(world, order).and_then(|w| w.tag(TRACKING_TAG))
        && let Some((_, t)) = world.tracker_by_code(code)
    {
        return Some(t);
    }
    labels(world, order)
        .last()
        .and_then(|s| s.tracker_id.as_ref())
        .and_then(|id| world.tracker(id))
}

/// The holds the order is under now: those of its fulfillment orders on hold (at the
/// channel holding the order), with a reason. What "held" means for every judge (the
/// invariants, conditions, snapshots and the address fuzzer).
pub fn holds<'a>(world: &'a World, order: &Order) -> Vec<&'a FulfillmentHold> {
    let channel = channel(world, order);
    order
        .fulfillment_order_ids
        .iter()
        .filter_map(|id| channel.fulfillment_orders.get(id))
        .filter(|fo| fo.status == FulfillmentOrderStatus::OnHold)
        .flat_map(|fo| fo.holds.iter())
        .filter(|h| !h.reason.trim().is_empty())
        .collect()
}

/// Why the order is on hold now: the Shopify reasons of its holds (sorted, each once);
/// empty when it is not on hold.
pub fn hold_reasons(world: &World, order: &Order) -> Vec<String> {
    let mut reasons: Vec<String> = holds(world, order)
        .into_iter()
        .map(|h| h.reason.clone())
        .collect();
    reasons.sort();
    reasons.dedup();
    reasons
}

/// Whether `text` names `name` (`#1001`), whatever the case, and not as the start of a
/// longer number (`#10010`): how an alert says which order it is about, and how
/// `alert_contains` finds its text.
pub fn mentions(text: &str, name: &str) -> bool {
    let (text, name) = (text.to_lowercase(), name.to_lowercase());
    let ends_in_digit = name.ends_with(|c: char| c.is_ascii_digit());
    text.match_indices(&name).any(|(at, _)| {
        !ends_in_digit
            || !text[at + name.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
    })
}

/// The alerts that name the order.
pub fn alerts_about<'a>(world: &'a World, order: &Order) -> impl Iterator<Item = &'a Alert> {
    let name = order.name.clone();
    world
        .alerts
        .iter()
        .filter(move |a| mentions(&a.text, &name))
}

/// Whether some alert names the order.
pub fn alerted(world: &World, order: &Order) -> bool {
    alerts_about(world, order).next().is_some()
}

#[cfg(test)]
mod tests {
    use super::mentions;

    /// The alert rule every judge uses; the fuzzer and `alert_contains` used to match
    /// `#1001` inside `#10010`.
    #[test]
    fn an_alert_names_an_order_by_its_whole_number() {
        let cases = [
            ("Order #1001 held", "#1001", true),
            ("held #1001", "#1001", true),
            ("#1001, #1002 held", "#1002", true),
            ("Order #10010 held", "#1001", false),
            ("order #shop-eu-1001 held", "#SHOP-EU-1001", true),
            ("ORDER #1001 HELD", "order #1001", true),
            ("carrier down", "carrier", true),
            ("carriers down", "carrier", true),
            ("nothing here", "#1001", false),
        ];
        for (text, name, expected) in cases {
            assert_eq!(mentions(text, name), expected, "{text:?} names {name:?}");
        }
    }
}
