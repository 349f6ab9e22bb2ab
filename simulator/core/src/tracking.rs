//! Trackers of a carrier node: the statuses a parcel moves through, tracking codes an
//! integration asks about, the hand-over of a parcel by a warehouse to the carrier that
//! holds its code, and the scans the virtual clock fires from then on.

use serde::Serialize;

use crate::clock::Scheduled;
use crate::limits;
use crate::nodes::NodeId;
use crate::{Duration, Timestamp, World, WorldError, WorldEventKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackingStatus {
    Unknown,
    PreTransit,
    InTransit,
    OutForDelivery,
    AvailableForPickup,
    Delivered,
    ReturnToSender,
    Failure,
    Cancelled,
    Error,
}

impl TrackingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TrackingStatus::Unknown => "unknown",
            TrackingStatus::PreTransit => "pre_transit",
            TrackingStatus::InTransit => "in_transit",
            TrackingStatus::OutForDelivery => "out_for_delivery",
            TrackingStatus::AvailableForPickup => "available_for_pickup",
            TrackingStatus::Delivered => "delivered",
            TrackingStatus::ReturnToSender => "return_to_sender",
            TrackingStatus::Failure => "failure",
            TrackingStatus::Cancelled => "cancelled",
            TrackingStatus::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackingDetail {
    pub status: TrackingStatus,
    pub message: String,
    pub datetime: Timestamp,
    pub city: String,
    pub state: String,
    pub zip: String,
    pub country: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tracker {
    pub id: String,
    pub tracking_code: String,
    pub carrier: String,
    pub status: TrackingStatus,
    pub shipment_id: Option<String>,
    pub est_delivery_date: Option<Timestamp>,
    pub delivery_days: u32,
    pub details: Vec<TrackingDetail>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// EasyPost's documented test tracking codes and the status each one reports.
pub const TEST_TRACKING_CODES: &[(&str, TrackingStatus)] = &[
    ("EZ1000000001", TrackingStatus::PreTransit),
    ("EZ2000000002", TrackingStatus::InTransit),
    ("EZ3000000003", TrackingStatus::OutForDelivery),
    ("EZ4000000004", TrackingStatus::Delivered),
    ("EZ5000000005", TrackingStatus::ReturnToSender),
    ("EZ6000000006", TrackingStatus::Failure),
    ("EZ7000000007", TrackingStatus::Unknown),
];

impl World {
    /// Starts tracking a code: an existing label's tracker, one of the documented test
    /// codes, or an unknown parcel.
    pub fn create_tracker(
        &mut self,
        node: &NodeId,
        code: &str,
        carrier: Option<&str>,
    ) -> Result<String, WorldError> {
        let known = self.carrier(node)?.tracker_by_code(code.trim());
        let code = code.trim();
        if code.is_empty() {
            return Err(WorldError::invalid("tracker.tracking_code", "is required"));
        }
        if let Some(t) = known {
            return Ok(t.id.clone());
        }
        let status = TEST_TRACKING_CODES
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, s)| *s)
            .unwrap_or(TrackingStatus::Unknown);
        let now = self.now();
        let id = self.ids.carrier_id("trk");
        let details = if status == TrackingStatus::Unknown {
            Vec::new()
        } else {
            vec![TrackingDetail {
                status,
                message: format!("Test tracker: {}", status.as_str()),
                datetime: now,
                city: "SAN FRANCISCO".into(),
                state: "CA".into(),
                zip: "94104".into(),
                country: "US".into(),
            }]
        };
        self.carrier_mut(node)?.trackers.insert(
            id.clone(),
            Tracker {
                id: id.clone(),
                tracking_code: code.to_string(),
                carrier: carrier.unwrap_or("USPS").to_string(),
                status,
                shipment_id: None,
                est_delivery_date: None,
                delivery_days: 0,
                details,
                created_at: now,
                updated_at: now,
            },
        );
        Ok(id)
    }

    /// The carrier that holds the tracker `tracker_id` (ids are unique across carriers).
    pub fn carrier_holding_tracker(&self, tracker_id: &str) -> Option<&NodeId> {
        self.carriers
            .iter()
            .find(|c| c.trackers.contains_key(tracker_id))
            .map(|c| &c.id)
    }

    /// A warehouse gives the parcel to the carrier that holds its tracking code: the
    /// scans are scheduled.
    pub(crate) fn hand_over_parcel(&mut self, code: &str) {
        let now = self.now();
        let Some(tracker) = self.carriers.iter().find_map(|c| c.tracker_by_code(code)) else {
            return;
        };
        if tracker.status != TrackingStatus::PreTransit {
            return;
        }
        let tracker_id = tracker.id.clone();
        let days = i64::from(tracker.delivery_days.max(1));
        let delivered_at = limits::later(now, Duration::from_hours(days * 24 - 3));
        if let Some(t) = self
            .carriers
            .iter_mut()
            .find_map(|c| c.trackers.get_mut(&tracker_id))
        {
            t.est_delivery_date = Some(delivered_at);
        }
        let scans = [
            (
                Duration::from_hours(2),
                TrackingStatus::InTransit,
                "Accepted at USPS Origin Facility",
            ),
            (
                Duration::from_hours(14),
                TrackingStatus::InTransit,
                "Departed USPS Regional Facility",
            ),
            (
                Duration::from_hours(days * 24 - 8),
                TrackingStatus::OutForDelivery,
                "Out for Delivery",
            ),
            (
                Duration::from_hours(days * 24 - 3),
                TrackingStatus::Delivered,
                "Delivered, In/At Mailbox",
            ),
        ];
        for (after, status, message) in scans {
            self.agenda.schedule(
                limits::later(now, after),
                Scheduled::CarrierScan {
                    tracker_id: tracker_id.clone(),
                    status,
                    message: message.into(),
                },
            );
        }
    }

    /// A scan fired by the clock: the tracker moves and `tracker.updated` is sent.
    pub(crate) fn carrier_scan(&mut self, tracker_id: &str, status: TrackingStatus, message: &str) {
        let now = self.now();
        let Some(node) = self.carrier_holding_tracker(tracker_id).cloned() else {
            return;
        };
        let Ok(carrier) = self.carrier(&node) else {
            return;
        };
        let Some(tracker) = carrier.trackers.get(tracker_id) else {
            return;
        };
        let previous_status = tracker.status;
        // The parcel is at the origin until the first scan, at the destination for the last.
        let place = match tracker
            .shipment_id
            .as_deref()
            .and_then(|s| carrier.shipments.get(s))
        {
            Some(s) if status >= TrackingStatus::OutForDelivery => {
                carrier.addresses.get(&s.to_address_id)
            }
            Some(s) => carrier.addresses.get(&s.from_address_id),
            None => None,
        }
        .map(|a| a.address.clone())
        .unwrap_or_default();
        let Some(tracker) = self
            .carriers
            .get_mut(&node)
            .and_then(|c| c.trackers.get_mut(tracker_id))
        else {
            return;
        };
        tracker.status = status;
        tracker.updated_at = now;
        tracker.details.push(TrackingDetail {
            status,
            message: message.to_string(),
            datetime: now,
            city: place.city,
            state: place.state,
            zip: place.zip,
            country: place.country,
        });
        let code = tracker.tracking_code.clone();
        self.emit(
            &node,
            WorldEventKind::TrackerUpdated {
                tracker_id: tracker_id.to_string(),
                previous_status,
            },
        );
        if status == TrackingStatus::Delivered {
            // The warehouse that shipped the parcel hears that it arrived.
            let shipped = self.warehouses.iter().find_map(|w| {
                w.orders
                    .values()
                    .find(|o| {
                        o.tracking
                            .as_ref()
                            .is_some_and(|t| t.tracking_number == code)
                    })
                    .map(|o| (w.id.clone(), o.id))
            });
            if let Some((warehouse, order_id)) = shipped {
                self.emit(
                    &warehouse,
                    WorldEventKind::WarehouseOrderDelivered { order_id },
                );
            }
        }
    }
}
