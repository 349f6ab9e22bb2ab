//! EasyPost wire shapes: objects with `object`, `mode` and prefixed ids, and the request
//! bodies the persona accepts (`{"address": ...}`, `{"shipment": ...}`).

use crate::providers::surface::{Route, Surface, Webhook};
use drydock_core::address::Address;
use drydock_core::carrier::Carrier;
use drydock_core::carrier::{CarrierAddress, CarrierShipment, Rate, Tracker};
use drydock_core::catalog::money;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::wire::iso;

fn s_or_null(s: &str) -> Value {
    if s.is_empty() { Value::Null } else { json!(s) }
}

pub fn address(a: &CarrierAddress) -> Value {
    let f = &a.address;
    let mut v = json!({
        "id": a.id,
        "object": "Address",
        "mode": "test",
        "created_at": iso(a.created_at),
        "updated_at": iso(a.created_at),
        "name": s_or_null(&f.name),
        "company": s_or_null(&f.company),
        "street1": s_or_null(&f.street1),
        "street2": s_or_null(&f.street2),
        "city": s_or_null(&f.city),
        "state": s_or_null(&f.state),
        "zip": s_or_null(&f.zip),
        "country": s_or_null(&f.country),
        "phone": s_or_null(&f.phone),
        "email": s_or_null(&f.email),
        "residential": Value::Null,
        "carrier_facility": Value::Null,
        "federal_tax_id": Value::Null,
        "state_tax_id": Value::Null,
        "verifications": {},
    });
    if let Some(ver) = &a.verification {
        let errors: Vec<Value> = ver
            .errors
            .iter()
            .map(|e| json!({"code": e.code, "field": e.field, "message": e.message, "suggestion": Value::Null}))
            .collect();
        let details = if ver.success {
            json!({"latitude": 40.76, "longitude": -74.02, "time_zone": "America/New_York"})
        } else {
            Value::Null
        };
        v["verifications"] =
            json!({"delivery": {"success": ver.success, "errors": errors, "details": details}});
    }
    v
}

pub fn rate(shipment_id: &str, r: &Rate, created: drydock_core::Timestamp) -> Value {
    json!({
        "id": r.id,
        "object": "Rate",
        "mode": "test",
        "created_at": iso(created),
        "updated_at": iso(created),
        "shipment_id": shipment_id,
        "carrier": r.carrier,
        "carrier_account_id": "ca_drydockusps0000000000000000000",
        "service": r.service,
        "rate": money(r.rate_cents),
        "currency": "USD",
        "retail_rate": money(r.rate_cents + r.rate_cents / 5),
        "retail_currency": "USD",
        "list_rate": money(r.rate_cents + r.rate_cents / 10),
        "list_currency": "USD",
        "delivery_days": r.delivery_days,
        "est_delivery_days": r.delivery_days,
        "delivery_date": Value::Null,
        "delivery_date_guaranteed": false,
    })
}

pub fn tracker(t: &Tracker) -> Value {
    let details: Vec<Value> = t
        .details
        .iter()
        .map(|d| {
            json!({
                "object": "TrackingDetail",
                "message": d.message,
                "description": "",
                "status": d.status.as_str(),
                "status_detail": status_detail(d.status),
                "datetime": iso(d.datetime),
                "source": t.carrier,
                "carrier_code": "",
                "tracking_location": {
                    "object": "TrackingLocation",
                    "city": s_or_null(&d.city),
                    "state": s_or_null(&d.state),
                    "country": s_or_null(&d.country),
                    "zip": s_or_null(&d.zip),
                },
            })
        })
        .collect();
    json!({
        "id": t.id,
        "object": "Tracker",
        "mode": "test",
        "tracking_code": t.tracking_code,
        "status": t.status.as_str(),
        "status_detail": status_detail(t.status),
        "created_at": iso(t.created_at),
        "updated_at": iso(t.updated_at),
        "signed_by": Value::Null,
        "weight": Value::Null,
        "est_delivery_date": t.est_delivery_date.map(iso),
        "shipment_id": t.shipment_id,
        "carrier": t.carrier,
        "tracking_details": details,
        "carrier_detail": Value::Null,
        "fees": [],
        "public_url": format!("https://track.easypost.com/{}", t.id),
    })
}

fn status_detail(s: drydock_core::carrier::TrackingStatus) -> &'static str {
    use drydock_core::carrier::TrackingStatus::*;
    match s {
        PreTransit => "label_created",
        InTransit => "arrived_at_facility",
        OutForDelivery => "out_for_delivery",
        Delivered => "arrived_at_destination",
        ReturnToSender => "return",
        Failure => "address_not_found",
        AvailableForPickup => "available_for_pickup",
        Cancelled => "cancelled",
        Unknown | Error => "unknown",
    }
}

pub fn shipment(carrier: &Carrier, s: &CarrierShipment, base_url: &str) -> Value {
    let to = carrier
        .addresses
        .get(&s.to_address_id)
        .map(address)
        .unwrap_or(Value::Null);
    let from = carrier
        .addresses
        .get(&s.from_address_id)
        .map(address)
        .unwrap_or(Value::Null);
    let rates: Vec<Value> = s
        .rates
        .iter()
        .map(|r| rate(&s.id, r, s.created_at))
        .collect();
    let selected = s
        .selected()
        .map(|r| rate(&s.id, r, s.created_at))
        .unwrap_or(Value::Null);
    let label = s
        .postage_label
        .as_ref()
        .map(|l| {
            json!({
                "id": l.id,
                "object": "PostageLabel",
                "created_at": iso(l.label_date),
                "updated_at": iso(l.label_date),
                "date_advance": 0,
                "label_date": iso(l.label_date),
                "label_resolution": 300,
                "label_size": "4x6",
                "label_type": "default",
                "label_file_type": "image/png",
                "label_url": format!("{base_url}{}", l.path),
                "label_pdf_url": Value::Null,
                "label_zpl_url": Value::Null,
                "label_epl2_url": Value::Null,
            })
        })
        .unwrap_or(Value::Null);
    let tracker = s
        .tracker_id
        .as_ref()
        .and_then(|id| carrier.trackers.get(id))
        .map(tracker)
        .unwrap_or(Value::Null);
    json!({
        "id": s.id,
        "object": "Shipment",
        "mode": "test",
        "created_at": iso(s.created_at),
        "updated_at": iso(s.updated_at),
        "reference": s.reference,
        "status": s.tracker_id.as_ref().and_then(|id| carrier.trackers.get(id)).map(|t| t.status.as_str()).unwrap_or("unknown"),
        "to_address": to,
        "from_address": from,
        "return_address": from,
        "buyer_address": to,
        "parcel": {
            "id": s.parcel.id,
            "object": "Parcel",
            "mode": "test",
            "weight": s.parcel.weight_oz,
            "length": s.parcel.length_in,
            "width": s.parcel.width_in,
            "height": s.parcel.height_in,
            "predefined_package": Value::Null,
        },
        "rates": rates,
        "selected_rate": selected,
        "postage_label": label,
        "tracking_code": s.tracking_code,
        "tracker": tracker,
        "refund_status": s.refund_status,
        "messages": [],
        "fees": [],
        "forms": [],
        "options": {"currency": "USD", "label_format": "PNG"},
        "is_return": false,
        "insurance": Value::Null,
        "batch_id": Value::Null,
        "batch_status": Value::Null,
        "scan_form": Value::Null,
        "customs_info": Value::Null,
        "usps_zone": 4,
    })
}

// ---- request bodies ----

/// Address fields as EasyPost accepts them (everything optional on the wire).
#[derive(Debug, Default, Deserialize)]
pub struct AddressFields {
    pub id: Option<String>,
    pub name: Option<String>,
    pub company: Option<String>,
    pub street1: Option<String>,
    pub street2: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub country: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl AddressFields {
    pub fn into_address(self) -> Address {
        Address {
            name: self.name.unwrap_or_default(),
            company: self.company.unwrap_or_default(),
            street1: self.street1.unwrap_or_default(),
            street2: self.street2.unwrap_or_default(),
            city: self.city.unwrap_or_default(),
            state: self.state.unwrap_or_default(),
            zip: self.zip.unwrap_or_default(),
            country: self.country.unwrap_or_else(|| "US".into()),
            phone: self.phone.unwrap_or_default(),
            email: self.email.unwrap_or_default(),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct AddressBody {
    pub address: Option<AddressFields>,
    #[serde(default)]
    pub verify: Option<Value>,
    #[serde(default)]
    pub verify_strict: Option<Value>,
}

/// `verify` arrives as `true`, `"true"`, or a list such as `["delivery"]`.
pub fn flag(v: &Option<Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true" || s == "delivery",
        Some(Value::Array(a)) => !a.is_empty(),
        Some(_) => true,
    }
}

#[derive(Debug, Deserialize)]
pub struct ParcelFields {
    pub weight: Option<f64>,
    pub length: Option<f64>,
    pub width: Option<f64>,
    pub height: Option<f64>,
}

#[derive(Debug, Deserialize)]
pub struct ShipmentFields {
    pub to_address: Option<AddressFields>,
    pub from_address: Option<AddressFields>,
    pub parcel: Option<ParcelFields>,
    pub reference: Option<Value>,
}

#[derive(Debug, Deserialize)]
pub struct ShipmentBody {
    pub shipment: Option<ShipmentFields>,
}

#[derive(Debug, Deserialize)]
pub struct RateRef {
    pub id: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct BuyBody {
    pub rate: Option<RateRef>,
}

#[derive(Debug, Deserialize)]
pub struct TrackerFields {
    pub tracking_code: Option<String>,
    pub carrier: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct TrackerBody {
    pub tracker: Option<TrackerFields>,
}

#[derive(Debug, Deserialize)]
pub struct WebhookFields {
    pub url: Option<String>,
    pub webhook_secret: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct WebhookBody {
    pub webhook: Option<WebhookFields>,
}

/// What the carrier serves, for the reference docs (paths under `/v2`).
pub const SURFACE: Surface = Surface {
    persona: "easypost",
    base: "`DRYDOCK_EASYPOST_URL` = `http://127.0.0.1:{port}/v2` (the SDK's `api_base`)",
    auth: "`Authorization: Bearer $DRYDOCK_EASYPOST_API_KEY` (or Basic with the key as user); otherwise 401 `{\"error\": {\"code\": \"APIKEY.INACTIVE\", ...}}`",
    routes: &[
        Route {
            method: "POST",
            path: "addresses",
            request: "`address`: `name`, `company`, `street1`, `street2`, `city`, `state`, `zip`, `country`, `phone`, `email`; `verify` / `verify_strict`",
            answer: "`Address` with `id` (`adr_...`) and `verifications.delivery` (`success`, `errors[]` with `code` such as `E.ADDRESS.NOT_FOUND`); `verify_strict` failures are 422",
        },
        Route {
            method: "POST",
            path: "addresses/create_and_verify",
            request: "`address`",
            answer: "`address` (verified) or 422 with the verification error",
        },
        Route {
            method: "GET",
            path: "addresses/{id}",
            request: "",
            answer: "`Address`",
        },
        Route {
            method: "GET",
            path: "addresses/{id}/verify",
            request: "",
            answer: "`address`",
        },
        Route {
            method: "POST",
            path: "shipments",
            request: "`shipment`: `to_address`, `from_address` (objects or `{id}`), `parcel` (`weight` oz, `length`, `width`, `height`), `reference`",
            answer: "`Shipment` with `id` (`shp_...`) and `rates[]` (`id`, `carrier`, `service`, `rate`, `delivery_days`)",
        },
        Route {
            method: "GET",
            path: "shipments",
            request: "",
            answer: "`shipments[]`",
        },
        Route {
            method: "GET",
            path: "shipments/{id}",
            request: "",
            answer: "`Shipment`",
        },
        Route {
            method: "POST",
            path: "shipments/{id}/buy",
            request: "`rate`: `{id}`",
            answer: "`Shipment` with `tracking_code`, `postage_label.label_url`, `selected_rate`, `tracker` (`est_delivery_date`); buying twice is 422 `SHIPMENT.POSTAGE.EXISTS`",
        },
        Route {
            method: "POST",
            path: "shipments/{id}/refund",
            request: "",
            answer: "`Shipment` with `refund_status`",
        },
        Route {
            method: "POST",
            path: "trackers",
            request: "`tracker`: `tracking_code`, `carrier`",
            answer: "`Tracker`",
        },
        Route {
            method: "GET",
            path: "trackers",
            request: "query `tracking_code`",
            answer: "`trackers[]`",
        },
        Route {
            method: "GET",
            path: "trackers/{id}",
            request: "",
            answer: "`Tracker`: `status` (`pre_transit`, `in_transit`, `out_for_delivery`, `delivered`, ...), `est_delivery_date`, `tracking_details[]`",
        },
        Route {
            method: "POST",
            path: "webhooks",
            request: "`webhook`: `url`, `webhook_secret`",
            answer: "`Webhook`",
        },
        Route {
            method: "GET",
            path: "webhooks",
            request: "",
            answer: "`webhooks[]`",
        },
        Route {
            method: "DELETE",
            path: "webhooks/{id}",
            request: "",
            answer: "`{}`",
        },
    ],
    webhooks: &[Webhook {
        topics: "`tracker.updated`",
        headers: "`X-Hmac-Signature: hmac-sha256-hex=...` (HMAC-SHA256 of the raw body with `DRYDOCK_EASYPOST_WEBHOOK_SECRET`)",
        body: "an `Event`: `id` (`evt_...`, same on retries), `description` (`tracker.updated`), `previous_attributes.status`, `result` = the `Tracker` (`tracking_code`, `status`, `est_delivery_date`, `tracking_details[]`)",
    }],
};
