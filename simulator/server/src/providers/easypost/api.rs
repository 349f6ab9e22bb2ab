//! EasyPost requests (`/v2`) routed and answered: Bearer or Basic auth, bodies wrapped by
//! object name, prefixed ids, `{"error": {...}}` bodies.

use std::sync::Arc;

use axum::http::Method;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use drydock_core::WorldError;
use drydock_core::carrier::{AddressRef, ShipmentRequest};
use drydock_core::faults::RequestEffect;
use serde_json::{Value, json};

use super::wire;
use crate::handle::WorldHandle;
use crate::persona::Persona;
use crate::wire::{WireRequest, WireResponse, iso};

fn error(status: u16, code: &str, message: &str, errors: Value) -> WireResponse {
    WireResponse::json(
        status,
        &json!({"error": {"code": code, "message": message, "errors": errors}}),
    )
}

fn not_found() -> WireResponse {
    error(
        404,
        "NOT_FOUND",
        "The requested resource could not be found.",
        json!([]),
    )
}

fn world_error(e: WorldError) -> WireResponse {
    match e {
        WorldError::NotFound { .. } => not_found(),
        WorldError::Invalid { field, message } => error(
            422,
            "PARAMETER.INVALID",
            &format!("{field} {message}"),
            json!([{"field": field, "message": message}]),
        ),
        WorldError::Conflict { code, message } => error(422, code, &message, json!([])),
    }
}

fn missing(field: &str) -> WireResponse {
    error(
        422,
        "PARAMETER.REQUIRED",
        "Missing required parameter.",
        json!([{"field": field, "message": "cannot be blank"}]),
    )
}

fn bad_json() -> WireResponse {
    error(
        400,
        "PARAMETER.INVALID_JSON",
        "The request body is not valid JSON.",
        json!([]),
    )
}

/// The API key sent as `Bearer <key>` (Python SDK) or Basic `key:` (Node SDK).
pub(crate) fn api_key(req: &WireRequest) -> Option<String> {
    let auth = req.header("authorization")?;
    if let Some(key) = auth.strip_prefix("Bearer ") {
        return Some(key.trim().to_string());
    }
    let decoded = STANDARD.decode(auth.strip_prefix("Basic ")?.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    Some(text.split(':').next().unwrap_or("").to_string())
}

pub fn handle(world: &Arc<WorldHandle>, persona: &Persona, req: &WireRequest) -> WireResponse {
    if req.method == Method::GET
        && req.path.starts_with("/files/postage_label/")
        && req.path.ends_with(".png")
    {
        return label_png().operation("postage_label.download");
    }
    let Some(segs) = req.segments_after("/v2") else {
        return not_found();
    };
    match api_key(req) {
        None => return error(401, "APIKEY.REQUIRED", "No API key provided.", json!([])),
        Some(key) if key != persona.credentials.key => {
            return error(
                401,
                "APIKEY.INACTIVE",
                "The API key provided is invalid or inactive.",
                json!([]),
            );
        }
        Some(_) => {}
    }
    let m = &req.method;
    match segs.as_slice() {
        ["addresses"] if m == Method::POST => {
            create_address(world, persona, req).operation("addresses.create")
        }
        ["addresses", "create_and_verify"] if m == Method::POST => {
            create_and_verify(world, persona, req).operation("addresses.create_and_verify")
        }
        ["addresses", id] if m == Method::GET => {
            get_address(world, persona, id).operation("addresses.get")
        }
        ["addresses", id, "verify"] if m == Method::GET => {
            verify_address(world, persona, req, id).operation("addresses.verify")
        }
        ["shipments"] if m == Method::POST => {
            create_shipment(world, persona, req).operation("shipments.create")
        }
        ["shipments"] if m == Method::GET => {
            list_shipments(world, persona).operation("shipments.list")
        }
        ["shipments", id] if m == Method::GET => {
            get_shipment(world, persona, id, 200).operation("shipments.get")
        }
        ["shipments", id, "buy"] if m == Method::POST => {
            buy(world, persona, req, id).operation("shipments.buy")
        }
        ["shipments", id, "refund"] if m == Method::POST => {
            refund(world, persona, id).operation("shipments.refund")
        }
        ["trackers"] if m == Method::POST => {
            create_tracker(world, persona, req).operation("trackers.create")
        }
        ["trackers"] if m == Method::GET => {
            list_trackers(world, persona, req).operation("trackers.list")
        }
        ["trackers", id] if m == Method::GET => {
            get_tracker(world, persona, id).operation("trackers.get")
        }
        ["webhooks"] if m == Method::POST => {
            create_webhook(world, persona, req).operation("webhooks.create")
        }
        ["webhooks"] if m == Method::GET => {
            list_webhooks(world, persona).operation("webhooks.list")
        }
        ["webhooks", id] if m == Method::DELETE => {
            match world.act_in_background(|w| w.unsubscribe_carrier(&persona.node, id)) {
                Ok(()) => WireResponse::json(200, &json!({})).operation("webhooks.delete"),
                Err(e) => world_error(e).operation("webhooks.delete"),
            }
        }
        _ => not_found(),
    }
}

/// The smallest valid PNG, so a label URL can be downloaded.
fn label_png() -> WireResponse {
    const PNG_1X1: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0,
        0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89, 0, 0, 0, 0x0D, 0x49, 0x44,
        0x41, 0x54, 0x78, 0x9C, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0D, 0x0A, 0x2D, 0xB4, 0, 0, 0, 0,
        0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];
    let mut r = WireResponse::empty(200).header("content-type", "image/png");
    r.body = PNG_1X1.to_vec();
    r
}

fn render_address(
    world: &WorldHandle,
    persona: &Persona,
    id: &str,
    status: u16,
    wrapped: bool,
) -> WireResponse {
    world.read(|w| match persona.carrier(w).address(id) {
        Ok(a) => {
            let v = wire::address(a);
            WireResponse::json(status, &if wrapped { json!({"address": v}) } else { v })
        }
        Err(e) => world_error(e),
    })
}

fn create_address(world: &Arc<WorldHandle>, persona: &Persona, req: &WireRequest) -> WireResponse {
    let Ok(body) = req.json::<wire::AddressBody>() else {
        return bad_json();
    };
    let Some(fields) = body.address else {
        return missing("address");
    };
    let strict = wire::flag(&body.verify_strict);
    let verify = strict || wire::flag(&body.verify);
    let rejected = rejection(req);
    let created = world.act_in_background(|w| {
        let id = w.create_carrier_address(&persona.node, fields.into_address(), verify)?;
        if let (true, Some(code)) = (verify, rejected) {
            let _ = w.reject_carrier_address(&persona.node, &id, code);
        }
        Ok(id)
    });
    let id = match created {
        Ok(id) => id,
        Err(e) => return world_error(e),
    };
    if strict {
        let failed = world.read(|w| {
            persona
                .carrier(w)
                .address(&id)
                .ok()
                .and_then(|a| a.verification.clone())
        });
        if let Some(v) = failed.filter(|v| !v.success) {
            return verification_failure(&v);
        }
    }
    render_address(world, persona, &id, 201, false)
}

fn verification_failure(v: &drydock_core::address::Verification) -> WireResponse {
    let errors: Vec<Value> = v
        .errors
        .iter()
        .map(|e| json!({"code": e.code, "field": e.field, "message": e.message, "suggestion": Value::Null}))
        .collect();
    error(
        422,
        "ADDRESS.VERIFY.FAILURE",
        "Unable to verify address.",
        json!(errors),
    )
}

fn create_and_verify(
    world: &Arc<WorldHandle>,
    persona: &Persona,
    req: &WireRequest,
) -> WireResponse {
    let Ok(body) = req.json::<wire::AddressBody>() else {
        return bad_json();
    };
    let Some(fields) = body.address else {
        return missing("address");
    };
    let rejected = rejection(req);
    let created = world.act_in_background(|w| {
        let id = w.create_carrier_address(&persona.node, fields.into_address(), true)?;
        if let Some(code) = rejected {
            let _ = w.reject_carrier_address(&persona.node, &id, code);
        }
        Ok(id)
    });
    let id = match created {
        Ok(id) => id,
        Err(e) => return world_error(e),
    };
    let verification = world.read(|w| {
        persona
            .carrier(w)
            .address(&id)
            .ok()
            .and_then(|a| a.verification.clone())
    });
    match verification {
        Some(v) if !v.success => verification_failure(&v),
        _ => render_address(world, persona, &id, 200, true),
    }
}

fn get_address(world: &WorldHandle, persona: &Persona, id: &str) -> WireResponse {
    render_address(world, persona, id, 200, false)
}

/// The verification error code an `address_rejected` fault forces on this call.
fn rejection(req: &WireRequest) -> Option<&str> {
    let RequestEffect::AddressRejected { code } = &req.fault.as_ref()?.effect else {
        return None;
    };
    Some(code.as_deref().unwrap_or("E.ADDRESS.NOT_FOUND"))
}

fn verify_address(
    world: &Arc<WorldHandle>,
    persona: &Persona,
    req: &WireRequest,
    id: &str,
) -> WireResponse {
    let rejected = rejection(req);
    let verified = world.act_in_background(|w| match rejected {
        Some(code) => w.reject_carrier_address(&persona.node, id, code),
        None => w.verify_carrier_address(&persona.node, id),
    });
    match verified {
        Ok(v) if !v.success => verification_failure(&v),
        Ok(_) => render_address(world, persona, id, 200, true),
        Err(e) => world_error(e),
    }
}

/// An address given as `{"id": ...}` or inline; the core stores an inline one only when
/// the shipment is made.
fn address_ref(fields: wire::AddressFields) -> AddressRef {
    match fields.id.clone() {
        Some(id) => AddressRef::Stored(id),
        None => AddressRef::Inline(Box::new(fields.into_address())),
    }
}

fn create_shipment(world: &Arc<WorldHandle>, persona: &Persona, req: &WireRequest) -> WireResponse {
    let Ok(body) = req.json::<wire::ShipmentBody>() else {
        return bad_json();
    };
    let Some(s) = body.shipment else {
        return missing("shipment");
    };
    let Some(to) = s.to_address else {
        return missing("shipment.to_address");
    };
    let Some(from) = s.from_address else {
        return missing("shipment.from_address");
    };
    let Some(parcel) = s.parcel else {
        return missing("shipment.parcel");
    };
    let Some(weight) = parcel.weight else {
        return missing("shipment.parcel.weight");
    };
    let reference = match s.reference {
        Some(Value::String(r)) => Some(r),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let request = ShipmentRequest {
        to: address_ref(to),
        from: address_ref(from),
        weight_oz: weight,
        length_in: parcel.length,
        width_in: parcel.width,
        height_in: parcel.height,
        reference,
    };
    match world.act_in_background(|w| w.create_shipment(&persona.node, request)) {
        Ok(id) => get_shipment(world, persona, &id, 201),
        Err(WorldError::NotFound { entity, id }) => error(
            422,
            "ADDRESS.NOT_FOUND",
            &format!("{entity} id {id} was not found."),
            json!([]),
        ),
        Err(e) => world_error(e),
    }
}

fn base_url(persona: &Persona) -> String {
    persona.url.trim_end_matches("/v2").to_string()
}

fn get_shipment(world: &WorldHandle, persona: &Persona, id: &str, status: u16) -> WireResponse {
    let base = base_url(persona);
    world.read(|w| match persona.carrier(w).shipment(id) {
        Ok(s) => WireResponse::json(status, &wire::shipment(persona.carrier(w), s, &base)),
        Err(e) => world_error(e),
    })
}

fn list_shipments(world: &WorldHandle, persona: &Persona) -> WireResponse {
    let base = base_url(persona);
    world.read(|w| {
        let list: Vec<Value> = persona
            .carrier(w)
            .shipments
            .values()
            .rev()
            .take(100)
            .map(|s| wire::shipment(persona.carrier(w), s, &base))
            .collect();
        WireResponse::json(200, &json!({"shipments": list, "has_more": false}))
    })
}

fn buy(world: &Arc<WorldHandle>, persona: &Persona, req: &WireRequest, id: &str) -> WireResponse {
    let Ok(body) = req.json::<wire::BuyBody>() else {
        return bad_json();
    };
    let Some(rate_id) = body.rate.and_then(|r| r.id) else {
        return missing("rate.id");
    };
    match world.act_in_background(|w| w.buy_label(&persona.node, id, &rate_id)) {
        Ok(()) => get_shipment(world, persona, id, 200),
        Err(e) => world_error(e),
    }
}

fn refund(world: &Arc<WorldHandle>, persona: &Persona, id: &str) -> WireResponse {
    match world.act_in_background(|w| w.refund_label(&persona.node, id)) {
        Ok(()) => get_shipment(world, persona, id, 200),
        Err(e) => world_error(e),
    }
}

fn get_tracker(world: &WorldHandle, persona: &Persona, id: &str) -> WireResponse {
    world.read(|w| match persona.carrier(w).tracker(id) {
        Ok(t) => WireResponse::json(200, &wire::tracker(t)),
        Err(e) => world_error(e),
    })
}

fn create_tracker(world: &Arc<WorldHandle>, persona: &Persona, req: &WireRequest) -> WireResponse {
    let Ok(body) = req.json::<wire::TrackerBody>() else {
        return bad_json();
    };
    let Some(t) = body.tracker else {
        return missing("tracker");
    };
    let Some(code) = t.tracking_code else {
        return missing("tracker.tracking_code");
    };
    match world.act_in_background(|w| w.create_tracker(&persona.node, &code, t.carrier.as_deref()))
    {
        Ok(id) => get_tracker(world, persona, &id),
        Err(e) => world_error(e),
    }
}

fn list_trackers(world: &WorldHandle, persona: &Persona, req: &WireRequest) -> WireResponse {
    let code = req.query().get("tracking_code").cloned();
    world.read(|w| {
        let list: Vec<Value> = persona
            .carrier(w)
            .trackers
            .values()
            .filter(|t| code.as_ref().is_none_or(|c| &t.tracking_code == c))
            .map(wire::tracker)
            .collect();
        WireResponse::json(200, &json!({"trackers": list, "has_more": false}))
    })
}

fn webhook_json(h: &drydock_core::carrier::CarrierWebhook) -> Value {
    json!({"id": h.id, "object": "Webhook", "mode": "test", "url": h.url, "disabled_at": Value::Null, "created_at": iso(h.created_at)})
}

fn create_webhook(world: &Arc<WorldHandle>, persona: &Persona, req: &WireRequest) -> WireResponse {
    let Ok(body) = req.json::<wire::WebhookBody>() else {
        return bad_json();
    };
    let Some(h) = body.webhook else {
        return missing("webhook");
    };
    let Some(url) = h.url else {
        return missing("webhook.url");
    };
    if let Err(message) = world.settings.webhook_targets.check(&url) {
        return world_error(WorldError::invalid("webhook.url", message));
    }
    match world.act_in_background(|w| w.subscribe_carrier(&persona.node, &url, h.webhook_secret)) {
        Ok(id) => world.read(
            |w| match persona.carrier(w).webhooks.iter().find(|h| h.id == id) {
                Some(h) => WireResponse::json(201, &webhook_json(h)),
                None => not_found(),
            },
        ),
        Err(e) => world_error(e),
    }
}

fn list_webhooks(world: &WorldHandle, persona: &Persona) -> WireResponse {
    world.read(|w| {
        let list: Vec<Value> = persona
            .carrier(w)
            .webhooks
            .iter()
            .map(webhook_json)
            .collect();
        WireResponse::json(200, &json!({"webhooks": list}))
    })
}
