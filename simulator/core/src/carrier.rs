//! The carrier (EasyPost-style aggregator over USPS-like services): addresses and their
//! verification, shipments with rates, label purchase, trackers whose status moves on the
//! virtual clock once the warehouse hands the parcel over.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::address::{Address, Verification, verify_delivery};
use crate::clock::Scheduled;
use crate::limits;
use crate::{Duration, Timestamp, World, WorldError, WorldEventKind};

#[derive(Debug, Clone, Serialize)]
pub struct Carrier {
    pub addresses: BTreeMap<String, CarrierAddress>,
    pub shipments: BTreeMap<String, CarrierShipment>,
    pub trackers: BTreeMap<String, Tracker>,
    pub webhooks: Vec<CarrierWebhook>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CarrierAddress {
    pub id: String,
    /// As submitted, or as the carrier normalized it when verification succeeded.
    pub address: Address,
    pub verification: Option<Verification>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parcel {
    pub id: String,
    pub weight_oz: f64,
    pub length_in: Option<f64>,
    pub width_in: Option<f64>,
    pub height_in: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rate {
    pub id: String,
    pub carrier: String,
    pub service: String,
    pub rate_cents: i64,
    pub delivery_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PostageLabel {
    pub id: String,
    pub path: String,
    pub label_date: Timestamp,
}

#[derive(Debug, Clone, Serialize)]
pub struct CarrierShipment {
    pub id: String,
    pub reference: Option<String>,
    pub to_address_id: String,
    pub from_address_id: String,
    pub parcel: Parcel,
    pub rates: Vec<Rate>,
    pub selected_rate: Option<String>,
    pub postage_label: Option<PostageLabel>,
    pub tracking_code: Option<String>,
    pub tracker_id: Option<String>,
    pub refund_status: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl CarrierShipment {
    pub fn selected(&self) -> Option<&Rate> {
        let id = self.selected_rate.as_deref()?;
        self.rates.iter().find(|r| r.id == id)
    }

    /// A bought label that was not refunded costs money.
    pub fn is_paid_label(&self) -> bool {
        self.postage_label.is_some() && self.refund_status.is_none()
    }
}

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CarrierWebhook {
    pub id: String,
    pub url: String,
    /// Overrides the account's signing secret when set at creation.
    pub secret: Option<String>,
    pub created_at: Timestamp,
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

/// An address a shipment names: one stored before (`{"id": ...}`) or given inline, which
/// is stored with the shipment.
#[derive(Debug, Clone, PartialEq)]
pub enum AddressRef {
    Stored(String),
    Inline(Box<Address>),
}

impl From<String> for AddressRef {
    fn from(id: String) -> Self {
        AddressRef::Stored(id)
    }
}

/// What the integration asks for when it creates a shipment.
#[derive(Debug, Clone, PartialEq)]
pub struct ShipmentRequest {
    pub to: AddressRef,
    pub from: AddressRef,
    pub weight_oz: f64,
    pub length_in: Option<f64>,
    pub width_in: Option<f64>,
    pub height_in: Option<f64>,
    pub reference: Option<String>,
}

/// The services on offer: (service, base price in cents, cents per started pound, days).
const DOMESTIC_SERVICES: &[(&str, i64, i64, u32)] = &[
    ("GroundAdvantage", 550, 40, 5),
    ("Priority", 890, 80, 3),
    ("Express", 2875, 150, 1),
];
const INTERNATIONAL_SERVICES: &[(&str, i64, i64, u32)] = &[
    ("FirstClassPackageInternationalService", 1650, 210, 12),
    ("PriorityMailInternational", 4300, 320, 8),
];

impl Carrier {
    pub fn address(&self, id: &str) -> Result<&CarrierAddress, WorldError> {
        self.addresses
            .get(id)
            .ok_or_else(|| WorldError::not_found("address", id))
    }

    pub fn shipment(&self, id: &str) -> Result<&CarrierShipment, WorldError> {
        self.shipments
            .get(id)
            .ok_or_else(|| WorldError::not_found("shipment", id))
    }

    pub fn tracker(&self, id: &str) -> Result<&Tracker, WorldError> {
        self.trackers
            .get(id)
            .ok_or_else(|| WorldError::not_found("tracker", id))
    }

    pub fn tracker_by_code(&self, code: &str) -> Option<&Tracker> {
        self.trackers.values().find(|t| t.tracking_code == code)
    }

    /// Where a customer can follow a parcel.
    pub fn public_tracking_url(&self, code: &str) -> String {
        format!("https://tools.usps.com/go/TrackConfirmAction?tLabels={code}")
    }

    /// Paid labels, oldest first.
    pub fn paid_labels(&self) -> impl Iterator<Item = &CarrierShipment> {
        self.shipments.values().filter(|s| s.is_paid_label())
    }
}

/// Verification failures a fault can force: code, field, message.
pub const REJECTION_CODES: &[(&str, &str, &str)] = &[
    ("E.ADDRESS.NOT_FOUND", "address", "Address not found"),
    (
        "E.HOUSE_NUMBER.MISSING",
        "street1",
        "House number is missing",
    ),
    ("E.HOUSE_NUMBER.INVALID", "street1", "Invalid house number"),
    ("E.ZIP.NOT_FOUND", "zip", "Zip not found"),
    ("E.ZIP.INVALID", "zip", "Invalid zip"),
    ("E.STATE.INVALID", "state", "Invalid state"),
    (
        "E.SECONDARY_INFORMATION.MISSING",
        "street2",
        "Missing secondary information (apartment, suite, etc.)",
    ),
];

impl World {
    /// Stores an address; with `verify`, judges it for delivery as the carrier does and
    /// keeps the normalized form when it passes.
    pub fn create_carrier_address(&mut self, address: Address, verify: bool) -> String {
        let id = self.ids.easypost("adr");
        let verification = verify.then(|| verify_delivery(&address));
        let address = match verification.as_ref().and_then(|v| v.normalized.clone()) {
            Some(normalized) => normalized,
            None => address,
        };
        let created_at = self.now();
        self.carrier.addresses.insert(
            id.clone(),
            CarrierAddress {
                id: id.clone(),
                address,
                verification,
                created_at,
            },
        );
        id
    }

    /// The id of an address a shipment names, storing an inline one (unverified).
    fn stored_address(&mut self, address: AddressRef) -> String {
        match address {
            AddressRef::Stored(id) => id,
            AddressRef::Inline(a) => self.create_carrier_address(*a, false),
        }
    }

    /// A fault overrides the carrier's judgement: the stored address fails verification
    /// with `code` (one of [`REJECTION_CODES`]; unknown codes read as not found).
    pub fn reject_carrier_address(
        &mut self,
        id: &str,
        code: &str,
    ) -> Result<Verification, WorldError> {
        let stored = self
            .carrier
            .addresses
            .get_mut(id)
            .ok_or_else(|| WorldError::not_found("address", id))?;
        let (code, field, message) = REJECTION_CODES
            .iter()
            .find(|(c, _, _)| *c == code)
            .copied()
            .unwrap_or(REJECTION_CODES[0]);
        let verification = Verification {
            success: false,
            errors: vec![crate::address::VerificationError {
                code,
                field,
                message,
            }],
            normalized: None,
        };
        stored.verification = Some(verification.clone());
        Ok(verification)
    }

    /// Verifies a stored address (again) and keeps the result.
    pub fn verify_carrier_address(&mut self, id: &str) -> Result<Verification, WorldError> {
        let stored = self
            .carrier
            .addresses
            .get_mut(id)
            .ok_or_else(|| WorldError::not_found("address", id))?;
        let verification = verify_delivery(&stored.address);
        if let Some(normalized) = &verification.normalized {
            stored.address = normalized.clone();
        }
        stored.verification = Some(verification.clone());
        Ok(verification)
    }

    /// Creates a shipment and rates it for every service that reaches the destination.
    /// Everything is checked first: a refused shipment stores no address either.
    pub fn create_shipment(&mut self, req: ShipmentRequest) -> Result<String, WorldError> {
        let to = match &req.to {
            AddressRef::Stored(id) => self.carrier.address(id)?.address.clone(),
            AddressRef::Inline(a) => (**a).clone(),
        };
        if let AddressRef::Stored(id) = &req.from {
            self.carrier.address(id)?;
        }
        limits::parcel_weight_oz(req.weight_oz)
            .map_err(|m| WorldError::invalid("parcel.weight", m))?;
        for (name, inches) in [
            ("parcel.length", req.length_in),
            ("parcel.width", req.width_in),
            ("parcel.height", req.height_in),
        ] {
            if let Some(inches) = inches {
                limits::parcel_dimension_in(inches).map_err(|m| WorldError::invalid(name, m))?;
            }
        }
        let to_address_id = self.stored_address(req.to);
        let from_address_id = self.stored_address(req.from);
        let services = if to.country.eq_ignore_ascii_case("US") || to.country.is_empty() {
            DOMESTIC_SERVICES
        } else {
            INTERNATIONAL_SERVICES
        };
        let pounds = (req.weight_oz / 16.0).ceil() as i64;
        let id = self.ids.easypost("shp");
        let mut rates = Vec::new();
        for (service, base, per_lb, days) in services {
            rates.push(Rate {
                id: self.ids.easypost("rate"),
                carrier: "USPS".into(),
                service: (*service).into(),
                rate_cents: base + per_lb * pounds.max(1),
                delivery_days: *days,
            });
        }
        let parcel = Parcel {
            id: self.ids.easypost("prcl"),
            weight_oz: req.weight_oz,
            length_in: req.length_in,
            width_in: req.width_in,
            height_in: req.height_in,
        };
        let now = self.now();
        self.carrier.shipments.insert(
            id.clone(),
            CarrierShipment {
                id: id.clone(),
                reference: req.reference,
                to_address_id,
                from_address_id,
                parcel,
                rates,
                selected_rate: None,
                postage_label: None,
                tracking_code: None,
                tracker_id: None,
                refund_status: None,
                created_at: now,
                updated_at: now,
            },
        );
        Ok(id)
    }

    /// Buys the label for one of the shipment's rates. A shipment has one label at most.
    pub fn buy_label(&mut self, shipment_id: &str, rate_id: &str) -> Result<(), WorldError> {
        let now = self.now();
        let shipment = self.carrier.shipment(shipment_id)?;
        if shipment.postage_label.is_some() {
            return Err(WorldError::conflict(
                "SHIPMENT.POSTAGE.EXISTS",
                "Postage already exists for this shipment.",
            ));
        }
        let Some(rate) = shipment.rates.iter().find(|r| r.id == rate_id).cloned() else {
            return Err(WorldError::invalid(
                "rate.id",
                "The rate does not belong to this shipment.",
            ));
        };
        let from = self
            .carrier
            .address(&shipment.from_address_id)?
            .address
            .clone();
        let label_id = self.ids.easypost("pl");
        let code = self.ids.tracking_number();
        let tracker_id = self.ids.easypost("trk");
        let day = now.strftime("%Y%m%d").to_string();
        let est = limits::later(
            now,
            Duration::from_hours(i64::from(rate.delivery_days) * 24 + 24),
        );
        self.carrier.trackers.insert(
            tracker_id.clone(),
            Tracker {
                id: tracker_id.clone(),
                tracking_code: code.clone(),
                carrier: rate.carrier.clone(),
                status: TrackingStatus::PreTransit,
                shipment_id: Some(shipment_id.to_string()),
                est_delivery_date: Some(est),
                delivery_days: rate.delivery_days,
                details: vec![TrackingDetail {
                    status: TrackingStatus::PreTransit,
                    message: "Shipping Label Created, USPS Awaiting Item".into(),
                    datetime: now,
                    city: from.city,
                    state: from.state,
                    zip: from.zip,
                    country: from.country,
                }],
                created_at: now,
                updated_at: now,
            },
        );
        if let Some(s) = self.carrier.shipments.get_mut(shipment_id) {
            s.selected_rate = Some(rate.id);
            s.postage_label = Some(PostageLabel {
                id: label_id.clone(),
                path: format!("/files/postage_label/{day}/{label_id}.png"),
                label_date: now,
            });
            s.tracking_code = Some(code);
            s.tracker_id = Some(tracker_id);
            s.updated_at = now;
        }
        Ok(())
    }

    /// Asks for the label's money back; only possible before the parcel is scanned.
    pub fn refund_label(&mut self, shipment_id: &str) -> Result<(), WorldError> {
        let now = self.now();
        let shipment = self.carrier.shipment(shipment_id)?;
        let Some(tracker_id) = shipment.tracker_id.clone() else {
            return Err(WorldError::conflict(
                "SHIPMENT.REFUND.UNAVAILABLE",
                "Shipment has no postage to refund.",
            ));
        };
        if shipment.refund_status.is_some() {
            return Err(WorldError::conflict(
                "SHIPMENT.REFUND.UNAVAILABLE",
                "A refund was already requested.",
            ));
        }
        let scanned = self
            .carrier
            .trackers
            .get(&tracker_id)
            .is_some_and(|t| t.status != TrackingStatus::PreTransit);
        if scanned {
            return Err(WorldError::conflict(
                "SHIPMENT.REFUND.UNAVAILABLE",
                "The carrier has already scanned this parcel.",
            ));
        }
        self.agenda.retain(|item| !matches!(item, Scheduled::CarrierScan { tracker_id: t, .. } if *t == tracker_id));
        if let Some(s) = self.carrier.shipments.get_mut(shipment_id) {
            s.refund_status = Some("submitted".into());
            s.updated_at = now;
        }
        if let Some(t) = self.carrier.trackers.get_mut(&tracker_id) {
            t.status = TrackingStatus::Cancelled;
            t.updated_at = now;
        }
        Ok(())
    }

    /// Starts tracking a code: an existing label's tracker, one of the documented test
    /// codes, or an unknown parcel.
    pub fn create_tracker(
        &mut self,
        code: &str,
        carrier: Option<&str>,
    ) -> Result<String, WorldError> {
        let code = code.trim();
        if code.is_empty() {
            return Err(WorldError::invalid("tracker.tracking_code", "is required"));
        }
        if let Some(t) = self.carrier.tracker_by_code(code) {
            return Ok(t.id.clone());
        }
        let status = TEST_TRACKING_CODES
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, s)| *s)
            .unwrap_or(TrackingStatus::Unknown);
        let now = self.now();
        let id = self.ids.easypost("trk");
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
        self.carrier.trackers.insert(
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

    pub fn subscribe_carrier(
        &mut self,
        url: &str,
        secret: Option<String>,
    ) -> Result<String, WorldError> {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(WorldError::invalid("webhook.url", "must be an http(s) URL"));
        }
        let id = self.ids.easypost("hook");
        let created_at = self.now();
        self.carrier.webhooks.push(CarrierWebhook {
            id: id.clone(),
            url: url.to_string(),
            secret,
            created_at,
        });
        Ok(id)
    }

    pub fn unsubscribe_carrier(&mut self, id: &str) -> Result<(), WorldError> {
        let before = self.carrier.webhooks.len();
        self.carrier.webhooks.retain(|w| w.id != id);
        if before == self.carrier.webhooks.len() {
            return Err(WorldError::not_found("webhook", id));
        }
        Ok(())
    }

    /// The warehouse gives the parcel to the carrier: the scans are scheduled.
    pub(crate) fn hand_over_parcel(&mut self, code: &str) {
        let now = self.now();
        let Some(tracker) = self.carrier.tracker_by_code(code) else {
            return;
        };
        if tracker.status != TrackingStatus::PreTransit {
            return;
        }
        let tracker_id = tracker.id.clone();
        let days = i64::from(tracker.delivery_days.max(1));
        let delivered_at = limits::later(now, Duration::from_hours(days * 24 - 3));
        if let Some(t) = self.carrier.trackers.get_mut(&tracker_id) {
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
        let Some(tracker) = self.carrier.trackers.get(tracker_id) else {
            return;
        };
        let previous_status = tracker.status;
        // The parcel is at the origin until the first scan, at the destination for the last.
        let place = match tracker
            .shipment_id
            .as_deref()
            .and_then(|s| self.carrier.shipments.get(s))
        {
            Some(s) if status >= TrackingStatus::OutForDelivery => {
                self.carrier.addresses.get(&s.to_address_id)
            }
            Some(s) => self.carrier.addresses.get(&s.from_address_id),
            None => None,
        }
        .map(|a| a.address.clone())
        .unwrap_or_default();
        let Some(tracker) = self.carrier.trackers.get_mut(tracker_id) else {
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
        self.emit(WorldEventKind::TrackerUpdated {
            tracker_id: tracker_id.to_string(),
            previous_status,
        });
        if status == TrackingStatus::Delivered {
            let shipped = self.warehouse.orders.values().find(|o| {
                o.tracking
                    .as_ref()
                    .is_some_and(|t| t.tracking_number == code)
            });
            if let Some(order_id) = shipped.map(|o| o.id) {
                self.emit(WorldEventKind::WarehouseOrderDelivered { order_id });
            }
        }
    }
}
