//! A carrier node (EasyPost-style aggregator over USPS-like services): addresses and their
//! verification, shipments with rates, label purchase, trackers whose status moves on the
//! virtual clock once a warehouse hands the parcel over.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::address::{Address, Verification, verify_delivery};
use crate::clock::Scheduled;
use crate::limits;
use crate::nodes::{Node, NodeId, Role, not_a};
pub use crate::tracking::{TEST_TRACKING_CODES, Tracker, TrackingDetail, TrackingStatus};
use crate::{Duration, Timestamp, World, WorldError};

#[derive(Debug, Clone, Serialize)]
pub struct Carrier {
    pub id: NodeId,
    /// The provider this carrier is an instance of (the shell knows what it means).
    pub provider: String,
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CarrierWebhook {
    pub id: String,
    pub url: String,
    /// Overrides the account's signing secret when set at creation.
    pub secret: Option<String>,
    pub created_at: Timestamp,
}

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

impl Node for Carrier {
    fn id(&self) -> &NodeId {
        &self.id
    }
    fn provider(&self) -> &str {
        &self.provider
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
    pub fn create_carrier_address(
        &mut self,
        carrier: &NodeId,
        address: Address,
        verify: bool,
    ) -> Result<String, WorldError> {
        self.carrier(carrier)?;
        let id = self.ids.carrier_id("adr");
        let verification = verify.then(|| verify_delivery(&address));
        let address = match verification.as_ref().and_then(|v| v.normalized.clone()) {
            Some(normalized) => normalized,
            None => address,
        };
        let created_at = self.now();
        self.carrier_mut(carrier)?.addresses.insert(
            id.clone(),
            CarrierAddress {
                id: id.clone(),
                address,
                verification,
                created_at,
            },
        );
        Ok(id)
    }

    /// The id of an address a shipment names, storing an inline one (unverified).
    fn stored_address(
        &mut self,
        carrier: &NodeId,
        address: AddressRef,
    ) -> Result<String, WorldError> {
        match address {
            AddressRef::Stored(id) => Ok(id),
            AddressRef::Inline(a) => self.create_carrier_address(carrier, *a, false),
        }
    }

    /// A fault overrides the carrier's judgement: the stored address fails verification
    /// with `code` (one of [`REJECTION_CODES`]; unknown codes read as not found).
    pub fn reject_carrier_address(
        &mut self,
        carrier: &NodeId,
        id: &str,
        code: &str,
    ) -> Result<Verification, WorldError> {
        let stored = self
            .carrier_mut(carrier)?
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
    pub fn verify_carrier_address(
        &mut self,
        carrier: &NodeId,
        id: &str,
    ) -> Result<Verification, WorldError> {
        let stored = self
            .carrier_mut(carrier)?
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
    pub fn create_shipment(
        &mut self,
        carrier: &NodeId,
        req: ShipmentRequest,
    ) -> Result<String, WorldError> {
        let node = self.carrier(carrier)?;
        let to = match &req.to {
            AddressRef::Stored(id) => node.address(id)?.address.clone(),
            AddressRef::Inline(a) => (**a).clone(),
        };
        if let AddressRef::Stored(id) = &req.from {
            node.address(id)?;
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
        let to_address_id = self.stored_address(carrier, req.to)?;
        let from_address_id = self.stored_address(carrier, req.from)?;
        let services = if to.country.eq_ignore_ascii_case("US") || to.country.is_empty() {
            DOMESTIC_SERVICES
        } else {
            INTERNATIONAL_SERVICES
        };
        let pounds = (req.weight_oz / 16.0).ceil() as i64;
        let id = self.ids.carrier_id("shp");
        let mut rates = Vec::new();
        for (service, base, per_lb, days) in services {
            rates.push(Rate {
                id: self.ids.carrier_id("rate"),
                carrier: "USPS".into(),
                service: (*service).into(),
                rate_cents: base + per_lb * pounds.max(1),
                delivery_days: *days,
            });
        }
        let parcel = Parcel {
            id: self.ids.carrier_id("prcl"),
            weight_oz: req.weight_oz,
            length_in: req.length_in,
            width_in: req.width_in,
            height_in: req.height_in,
        };
        let now = self.now();
        self.carrier_mut(carrier)?.shipments.insert(
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
    pub fn buy_label(
        &mut self,
        carrier: &NodeId,
        shipment_id: &str,
        rate_id: &str,
    ) -> Result<(), WorldError> {
        let now = self.now();
        let node = self.carrier(carrier)?;
        let shipment = node.shipment(shipment_id)?;
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
        let from = node.address(&shipment.from_address_id)?.address.clone();
        let label_id = self.ids.carrier_id("pl");
        let code = self.ids.tracking_number();
        let tracker_id = self.ids.carrier_id("trk");
        let day = now.strftime("%Y%m%d").to_string();
        let est = limits::later(
            now,
            Duration::from_hours(i64::from(rate.delivery_days) * 24 + 24),
        );
        let node = self.carrier_mut(carrier)?;
        node.trackers.insert(
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
        if let Some(s) = node.shipments.get_mut(shipment_id) {
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
    pub fn refund_label(&mut self, carrier: &NodeId, shipment_id: &str) -> Result<(), WorldError> {
        let now = self.now();
        let node = self.carrier(carrier)?;
        let shipment = node.shipment(shipment_id)?;
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
        let scanned = node
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
        let node = self.carrier_mut(carrier)?;
        if let Some(s) = node.shipments.get_mut(shipment_id) {
            s.refund_status = Some("submitted".into());
            s.updated_at = now;
        }
        if let Some(t) = node.trackers.get_mut(&tracker_id) {
            t.status = TrackingStatus::Cancelled;
            t.updated_at = now;
        }
        Ok(())
    }

    pub fn subscribe_carrier(
        &mut self,
        carrier: &NodeId,
        url: &str,
        secret: Option<String>,
    ) -> Result<String, WorldError> {
        self.carrier(carrier)?;
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(WorldError::invalid("webhook.url", "must be an http(s) URL"));
        }
        let id = self.ids.carrier_id("hook");
        let created_at = self.now();
        self.carrier_mut(carrier)?.webhooks.push(CarrierWebhook {
            id: id.clone(),
            url: url.to_string(),
            secret,
            created_at,
        });
        Ok(id)
    }

    pub fn unsubscribe_carrier(&mut self, carrier: &NodeId, id: &str) -> Result<(), WorldError> {
        let node = self.carrier_mut(carrier)?;
        let before = node.webhooks.len();
        node.webhooks.retain(|w| w.id != id);
        if before == node.webhooks.len() {
            return Err(WorldError::not_found("webhook", id));
        }
        Ok(())
    }

    /// The carrier `id` to change; naming another role's node or none is an error.
    pub(crate) fn carrier_mut(&mut self, id: &NodeId) -> Result<&mut Carrier, WorldError> {
        let role = self.role_of(id);
        self.carriers
            .get_mut(id)
            .ok_or_else(|| not_a(Role::Carrier, id, role))
    }
}
