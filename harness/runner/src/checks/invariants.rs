//! The always-on invariants. Each reads the final world and says, in the user's terms,
//! what went wrong. A scenario may waive one with a reason.

use drydock_core::World;
use drydock_core::storefront::{FulfillmentState, ShipmentStatus};

use drydock_simulator::journal::JournalEntry;

use super::delivery::storefront_status_for;
use super::label_address::{LabelFault, label_faults};
use super::{delivery, facts, stock, wire};

/// What invariants judge: the final world, the journal of everything on the wire, and
/// oversells seen in the stock samples taken after each step.
pub struct Evidence<'a> {
    pub world: &'a World,
    pub journal: &'a [JournalEntry],
    pub oversold_window: &'a [String],
}

/// An invariant: its name (as scenarios waive it), what it promises, and its judge.
pub struct Invariant {
    pub name: &'static str,
    pub promise: &'static str,
    pub judge: fn(&Evidence<'_>) -> Vec<String>,
}

pub const ALL: &[Invariant] = &[
    Invariant {
        name: "no_order_lost",
        promise: "every order ends fulfilled with tracking, cancelled, or held with a visible reason",
        judge: |e| no_order_lost(e.world),
    },
    Invariant {
        name: "one_label_per_order",
        promise: "at most one paid label per order, and no paid label that belongs to no order",
        judge: |e| one_label_per_order(e.world),
    },
    Invariant {
        name: "tracking_matches_carrier",
        promise: "tracking shown to the customer matches the carrier and never goes backwards",
        judge: |e| tracking_matches_carrier(e.world),
    },
    Invariant {
        name: "stock_converges",
        promise: "storefront stock converges to what the warehouse can sell (less, if the integration keeps them reserved, the units of held orders)",
        judge: |e| stock::stock_converges(e.world),
    },
    Invariant {
        name: "no_oversell",
        promise: "stock is never oversold: open orders never need more units than the warehouse holds, also between a storefront order and its warehouse order",
        judge: |e| stock::no_oversell(e.world, e.oversold_window),
    },
    Invariant {
        name: "eta_matches_carrier",
        promise: "once the parcel moves, the customer's expected delivery is the carrier's estimate",
        judge: |e| delivery::eta_matches_carrier(e.world),
    },
    Invariant {
        name: "every_milestone_shown",
        promise: "the customer sees every milestone the carrier reported (in transit, out for delivery, delivered, ...), none skipped",
        judge: |e| delivery::every_milestone_shown(e.world),
    },
    Invariant {
        name: "labels_to_deliverable_addresses",
        promise: "every paid label goes to an address the carrier can deliver to, with the customer's name and unit line",
        judge: |e| labels_to_deliverable_addresses(e.world),
    },
    Invariant {
        name: "duplicates_change_nothing",
        promise: "a webhook delivered twice changes nothing the second time (no tracking event twice)",
        judge: |e| duplicates_change_nothing(e.world),
    },
    Invariant {
        name: "rejects_bad_signatures",
        promise: "webhooks with a bad signature, from every provider, are refused with a 4xx and change nothing",
        judge: |e| wire::rejects_bad_signatures(e.journal),
    },
    Invariant {
        name: "respects_retry_after",
        promise: "a call told to wait (Retry-After, x-retry-after) is not repeated sooner",
        judge: |e| wire::respects_retry_after(e.journal),
    },
    Invariant {
        name: "no_retry_storm",
        promise: "a failing provider is not stormed: at most 10 failed calls to it in any second",
        judge: |e| wire::no_retry_storm(e.journal),
    },
];

pub fn by_name(name: &str) -> Option<&'static Invariant> {
    ALL.iter().find(|i| i.name == name)
}

fn no_order_lost(world: &World) -> Vec<String> {
    let mut out = Vec::new();
    for (channel, order) in world.orders() {
        if order.cancelled_at.is_some() || !facts::storefront_tracking(world, order).is_empty() {
            continue;
        }
        let held = !facts::holds(world, order).is_empty();
        let alerted = facts::alerted(world, order);
        if held || alerted {
            continue;
        }
        let fulfilled_without_tracking = order
            .fulfillment_ids
            .iter()
            .filter_map(|id| channel.fulfillments.get(id))
            .any(|f| f.status == FulfillmentState::Success);
        let where_it_is = match facts::warehouse_order(world, order) {
            _ if fulfilled_without_tracking => {
                "fulfilled on the storefront without a tracking number".to_string()
            }
            Some(w) => format!(
                "its warehouse order is {} but the storefront shows no tracking",
                drydock_core::vocabulary::Vocabulary::word(w.stage)
            ),
            None => "it never reached the warehouse".to_string(),
        };
        out.push(format!(
            "order {} is not fulfilled with tracking, not cancelled and not held with a reason or alert: {where_it_is}",
            order.name
        ));
    }
    out
}

fn one_label_per_order(world: &World) -> Vec<String> {
    let mut out = Vec::new();
    for (_, order) in world.orders() {
        let paid = facts::paid_labels(world, order);
        if paid.len() > 1 {
            let codes: Vec<&str> = paid
                .iter()
                .filter_map(|s| s.tracking_code.as_deref())
                .collect();
            out.push(format!(
                "order {} has {} paid labels ({})",
                order.name,
                paid.len(),
                codes.join(", ")
            ));
        }
    }
    for shipment in world.carriers.iter().flat_map(|c| c.paid_labels()) {
        let owned = world
            .orders()
            .any(|(_, o)| facts::label_belongs_to(world, o, shipment));
        if !owned {
            out.push(format!(
                "label {} ({}) was paid for but belongs to no order",
                shipment.id,
                shipment
                    .tracking_code
                    .as_deref()
                    .unwrap_or("no tracking code")
            ));
        }
    }
    out
}

/// Progress rank of a customer-visible shipment status (failure ranks with delivery).
fn rank(status: ShipmentStatus) -> u8 {
    match status {
        ShipmentStatus::LabelPrinted
        | ShipmentStatus::LabelPurchased
        | ShipmentStatus::Confirmed => 0,
        ShipmentStatus::InTransit => 1,
        ShipmentStatus::OutForDelivery
        | ShipmentStatus::AttemptedDelivery
        | ShipmentStatus::ReadyForPickup => 2,
        ShipmentStatus::Delivered | ShipmentStatus::Failure => 3,
    }
}

fn tracking_matches_carrier(world: &World) -> Vec<String> {
    let mut out = Vec::new();
    for (channel, f) in world
        .channels
        .iter()
        .flat_map(|c| c.fulfillments.values().map(move |f| (c, f)))
        .filter(|(_, f)| f.status == FulfillmentState::Success)
    {
        let name = channel
            .orders
            .get(&f.order_id)
            .map(|o| o.name.as_str())
            .unwrap_or("?");
        let Some(tracking) = &f.tracking else {
            continue;
        };
        let Some((_, tracker)) = world.tracker_by_code(&tracking.number) else {
            out.push(format!(
                "order {name} shows tracking number {} which the carrier does not know",
                tracking.number
            ));
            continue;
        };
        let shown = f.shipment_status;
        if let Some(expected) = storefront_status_for(tracker.status)
            && shown != Some(expected)
        {
            out.push(format!(
                "order {name}: the carrier says {} but the customer sees {}",
                tracker.status.as_str(),
                shown.map(|s| s.as_str()).unwrap_or("no shipment status")
            ));
        }
        for pair in f.events.windows(2) {
            if rank(pair[1].status) < rank(pair[0].status) {
                out.push(format!(
                    "order {name}: tracking went backwards from {} to {} at {}",
                    pair[0].status.as_str(),
                    pair[1].status.as_str(),
                    pair[1].created_at
                ));
            }
        }
    }
    out
}

/// No tracking event recorded twice in a row. (Fulfilling a unit twice cannot happen:
/// the storefront refuses more than is left to fulfill, as Shopify does.)
fn duplicates_change_nothing(world: &World) -> Vec<String> {
    let mut out = Vec::new();
    for f in world.channels.iter().flat_map(|c| c.fulfillments.values()) {
        if f.status == FulfillmentState::Cancelled {
            continue;
        }
        for pair in f.events.windows(2) {
            if pair[0].status == pair[1].status && pair[0].happened_at == pair[1].happened_at {
                out.push(format!(
                    "fulfillment {} has the event {} twice (at {})",
                    f.name,
                    pair[1].status.as_str(),
                    pair[1].happened_at
                ));
            }
        }
    }
    out
}

/// No label to junk: the carrier would judge the label's address deliverable, and the
/// name and unit line the customer typed survived (the one judge of `label_address.rs`).
fn labels_to_deliverable_addresses(world: &World) -> Vec<String> {
    let mut out = Vec::new();
    for (carrier, shipment) in world
        .carriers
        .iter()
        .flat_map(|c| c.paid_labels().map(move |s| (c, s)))
    {
        let Ok(stored) = carrier.address(&shipment.to_address_id) else {
            continue;
        };
        let to = &stored.address;
        let owner = world
            .orders()
            .map(|(_, o)| o)
            .find(|o| facts::label_belongs_to(world, o, shipment));
        // A label that belongs to no order is still judged by the carrier.
        let typed = owner.map_or_else(|| to.clone(), |o| o.shipping_address.clone());
        let name = owner.map_or("?", |o| o.name.as_str());
        for fault in label_faults(to, &typed) {
            out.push(match fault {
                LabelFault::CarrierRejects(errors) => {
                    let codes: Vec<&str> = errors.iter().map(|e| e.code).collect();
                    format!(
                        "label {} was bought for an address the carrier cannot deliver to ({}): {:?}",
                        shipment.id,
                        codes.join(", "),
                        to.street1
                    )
                }
                LabelFault::NameChanged { label, typed } => format!(
                    "order {name}: the label is addressed to {label:?}, the customer is {typed:?}"
                ),
                LabelFault::UnitLost { unit, lines } => format!(
                    "order {name}: the unit line {unit:?} was lost on the label ({lines:?})"
                ),
            });
        }
    }
    out
}
