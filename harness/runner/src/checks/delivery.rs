//! The delivery promises the customer reads on the order status page: the expected
//! delivery agrees with the carrier's estimate once the parcel moves, and every milestone
//! the carrier scanned is shown (none skipped). Either policy for *when* an estimate is
//! first pushed (at label purchase or at shipment) passes: before the parcel moves, an
//! estimate is not judged.

use drydock_core::World;
use drydock_core::carrier::{Tracker, TrackingStatus};
use drydock_core::storefront::{Fulfillment, FulfillmentState, ShipmentStatus};

/// The storefront shipment status that shows a carrier status truthfully.
pub fn storefront_status_for(status: TrackingStatus) -> Option<ShipmentStatus> {
    match status {
        TrackingStatus::InTransit => Some(ShipmentStatus::InTransit),
        TrackingStatus::OutForDelivery => Some(ShipmentStatus::OutForDelivery),
        TrackingStatus::Delivered => Some(ShipmentStatus::Delivered),
        TrackingStatus::AvailableForPickup => Some(ShipmentStatus::ReadyForPickup),
        TrackingStatus::Failure | TrackingStatus::ReturnToSender => Some(ShipmentStatus::Failure),
        _ => None,
    }
}

/// Whether the carrier has the parcel moving towards the customer (its estimate is then
/// the one the customer must see).
pub fn parcel_moving(status: TrackingStatus) -> bool {
    matches!(
        status,
        TrackingStatus::InTransit
            | TrackingStatus::OutForDelivery
            | TrackingStatus::AvailableForPickup
            | TrackingStatus::Delivered
    )
}

/// Each successful fulfillment with tracking, its order's name and the carrier's tracker.
fn tracked(world: &World) -> impl Iterator<Item = (&str, &Fulfillment, &Tracker)> {
    world
        .channels
        .iter()
        .flat_map(|c| c.fulfillments.values().map(move |f| (c, f)))
        .filter(|(_, f)| f.status == FulfillmentState::Success)
        .filter_map(move |(channel, f)| {
            let (_, tracker) = world.tracker_by_code(&f.tracking.as_ref()?.number)?;
            let name = channel
                .orders
                .get(&f.order_id)
                .map_or("?", |o| o.name.as_str());
            Some((name, f, tracker))
        })
}

pub fn eta_matches_carrier(world: &World) -> Vec<String> {
    let mut out = Vec::new();
    for (name, f, tracker) in tracked(world) {
        let Some(carrier_eta) = tracker.est_delivery_date else {
            continue;
        };
        if !parcel_moving(tracker.status) || f.estimated_delivery_at == Some(carrier_eta) {
            continue;
        }
        out.push(match f.estimated_delivery_at {
            Some(shown) => format!(
                "order {name}: the customer expects delivery {shown}, the carrier estimates {carrier_eta}"
            ),
            None => format!(
                "order {name}: the customer sees no expected delivery, the carrier estimates {carrier_eta}"
            ),
        });
    }
    out
}

pub fn every_milestone_shown(world: &World) -> Vec<String> {
    let mut out = Vec::new();
    for (name, f, tracker) in tracked(world) {
        let mut missing: Vec<&str> = Vec::new();
        for detail in &tracker.details {
            let Some(wanted) = storefront_status_for(detail.status) else {
                continue;
            };
            let shown = f.events.iter().any(|e| e.status == wanted);
            if !shown && !missing.contains(&wanted.as_str()) {
                missing.push(wanted.as_str());
            }
        }
        if !missing.is_empty() {
            out.push(format!(
                "order {name}: the carrier reported {} but the customer never saw it",
                missing.join(", ")
            ));
        }
    }
    out
}
