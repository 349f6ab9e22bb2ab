//! ShipBob requests (dated versions, `/2026-01/...`) routed and answered: Bearer auth,
//! `shipbob_channel_id` on writes, `{"Field": ["message"]}` validation bodies,
//! ProblemDetails 404s.

use std::sync::Arc;

use axum::http::Method;
use drydock_core::WorldError;
use drydock_core::address::Address;
use drydock_core::warehouse::{Tag, WarehouseOrderRequest};
use serde_json::{Value, json};

use super::wire;
use crate::handle::WorldHandle;
use crate::persona::Persona;
use crate::wire::{WireRequest, WireResponse};

/// The version the persona's base URL names.
pub const CURRENT_VERSION: &str = "2026-01";
pub const SUPPORTED_VERSIONS: &[&str] = &["2025-07", "2026-01", "2026-07"];

fn problem(status: u16, title: &str, detail: &str, instance: &str) -> WireResponse {
    WireResponse::json(
        status,
        &json!({
            "type": format!("https://tools.ietf.org/html/rfc9110#section-15.5.{}", if status == 404 { 5 } else { 1 }),
            "title": title,
            "status": status,
            "detail": detail,
            "instance": instance,
        }),
    )
    .header("content-type", "application/problem+json")
}

fn validation(status: u16, field: &str, message: &str) -> WireResponse {
    WireResponse::json(status, &json!({ field: [message] }))
}

fn world_error(e: WorldError, instance: &str) -> WireResponse {
    match e {
        WorldError::NotFound { entity, id } => problem(
            404,
            "Not Found",
            &format!("{entity} {id} was not found"),
            instance,
        ),
        WorldError::Invalid { field, message } => validation(400, &field, &message),
        WorldError::Conflict { code, message } => {
            let field = if code == "duplicate_reference" {
                "ReferenceId"
            } else {
                "Order"
            };
            validation(422, field, &message)
        }
    }
}

/// The first version that drops the `total_` prefix of inventory quantities
/// (`total_fulfillable_quantity` becomes `fulfillable_quantity`).
pub const UNPREFIXED_QUANTITIES_SINCE: &str = "2026-07";

pub fn handle(world: &Arc<WorldHandle>, persona: &Persona, req: &WireRequest) -> WireResponse {
    let response = serve(world, persona, req);
    let version = req
        .path
        .split('/')
        .find(|s| !s.is_empty())
        .unwrap_or_default();
    if version >= UNPREFIXED_QUANTITIES_SINCE
        && SUPPORTED_VERSIONS.contains(&version)
        && response
            .operation
            .as_deref()
            .is_some_and(|op| op.starts_with("inventory_level"))
    {
        return unprefix_quantities(response);
    }
    response
}

fn unprefix_quantities(mut response: WireResponse) -> WireResponse {
    fn walk(value: &mut Value) {
        match value {
            Value::Object(map) => {
                let renamed: serde_json::Map<String, Value> = std::mem::take(map)
                    .into_iter()
                    .map(|(k, mut v)| {
                        walk(&mut v);
                        let key = match k.strip_prefix("total_") {
                            Some(rest) if rest.ends_with("_quantity") => rest.to_string(),
                            _ => k,
                        };
                        (key, v)
                    })
                    .collect();
                *map = renamed;
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    if let Ok(mut value) = serde_json::from_slice::<Value>(&response.body) {
        walk(&mut value);
        response.body = serde_json::to_vec(&value).unwrap_or_default();
    }
    response
}

fn serve(world: &Arc<WorldHandle>, persona: &Persona, req: &WireRequest) -> WireResponse {
    let Some(segs) = req.segments_after("/") else {
        return problem(404, "Not Found", "", &req.path);
    };
    let Some((version, rest)) = segs.split_first() else {
        return problem(404, "Not Found", "", &req.path);
    };
    if !SUPPORTED_VERSIONS.contains(version) {
        return problem(
            404,
            "Not Found",
            &format!("API version {version} is not available"),
            &req.path,
        );
    }
    let expected = format!("Bearer {}", persona.credentials.key);
    if req.header("authorization") != Some(expected.as_str()) {
        return WireResponse::json(
            401,
            &json!({"message": "Authorization has been denied for this request."}),
        );
    }
    let m = &req.method;
    let id = |s: &str| s.parse::<u64>().ok();
    match rest {
        ["order"] if m == Method::POST => {
            create_order(world, persona, req).operation("order.create")
        }
        ["order"] if m == Method::GET => list_orders(world, persona, req).operation("order.list"),
        [o] if m == Method::POST && o.starts_with("order") => {
            problem(404, "Not Found", "", &req.path)
        }
        ["order", o] if m == Method::GET => match id(o) {
            Some(o) => get_order(world, persona, o, &req.path).operation("order.get"),
            None => problem(404, "Not Found", "order id must be a number", &req.path),
        },
        ["order", action] if m == Method::POST && action.ends_with(":cancel") => {
            match id(action.trim_end_matches(":cancel")) {
                Some(o) => cancel_order(world, persona, req, o).operation("order.cancel"),
                None => problem(404, "Not Found", "order id must be a number", &req.path),
            }
        }
        ["inventory-level"] if m == Method::GET => {
            list_inventory(world, persona, req).operation("inventory_level.list")
        }
        ["inventory-level", i] if m == Method::GET => match id(i) {
            Some(i) => get_inventory(world, persona, i, &req.path).operation("inventory_level.get"),
            None => problem(404, "Not Found", "", &req.path),
        },
        ["webhook"] if m == Method::POST => {
            create_webhook(world, persona, req).operation("webhook.create")
        }
        ["webhook"] if m == Method::GET => list_webhooks(world, persona).operation("webhook.list"),
        ["webhook", w] if m == Method::DELETE => {
            match world.act_in_background(|wd| wd.unsubscribe_warehouse(&persona.node, w)) {
                Ok(()) => WireResponse::empty(204).operation("webhook.delete"),
                Err(e) => world_error(e, &req.path).operation("webhook.delete"),
            }
        }
        _ => problem(404, "Not Found", "", &req.path),
    }
}

fn channel_ok(
    world: &WorldHandle,
    persona: &Persona,
    req: &WireRequest,
) -> Result<(), WireResponse> {
    let expected = world.read(|w| persona.warehouse(w).channel_id);
    match req
        .header("shipbob_channel_id")
        .map(|c| c.trim().parse::<u64>())
    {
        None => Err(validation(
            400,
            "shipbob_channel_id",
            "The shipbob_channel_id header is required.",
        )),
        Some(Ok(c)) if c == expected => Ok(()),
        Some(_) => Err(WireResponse::json(
            403,
            &json!({"message": "Channel is not accessible with this token."}),
        )),
    }
}

fn create_order(world: &Arc<WorldHandle>, persona: &Persona, req: &WireRequest) -> WireResponse {
    if let Err(r) = channel_ok(world, persona, req) {
        return r;
    }
    let Ok(body) = req.json::<wire::OrderBody>() else {
        return validation(400, "body", "The request body is not valid JSON.");
    };
    let Some(reference_id) = body.reference_id.filter(|r| !r.trim().is_empty()) else {
        return validation(400, "ReferenceId", "The ReferenceId field is required.");
    };
    let Some(shipping_method) = body.shipping_method.filter(|s| !s.trim().is_empty()) else {
        return validation(
            400,
            "ShippingMethod",
            "The ShippingMethod field is required.",
        );
    };
    let Some(r) = body.recipient else {
        return validation(400, "Recipient", "The Recipient field is required.");
    };
    let Some(a) = r.address else {
        return validation(400, "Recipient.Address", "The Address field is required.");
    };
    let Some(name) = r.name.filter(|n| !n.trim().is_empty()) else {
        return validation(400, "Recipient.Name", "The Name field is required.");
    };
    let recipient = Address {
        name,
        company: a.company_name.unwrap_or_default(),
        street1: a.address1.unwrap_or_default(),
        street2: a.address2.unwrap_or_default(),
        city: a.city.unwrap_or_default(),
        state: a.state.unwrap_or_default(),
        zip: a.zip_code.unwrap_or_default(),
        country: a.country.unwrap_or_default(),
        phone: r.phone_number.unwrap_or_default(),
        email: r.email.unwrap_or_default(),
    };
    let mut lines = Vec::new();
    for (i, p) in body.products.unwrap_or_default().into_iter().enumerate() {
        let Some(sku) = p.reference_id.or(p.sku).filter(|s| !s.is_empty()) else {
            return validation(
                400,
                &format!("Products[{i}].ReferenceId"),
                "The ReferenceId field is required.",
            );
        };
        // Beyond u32 is beyond any bound too: the core refuses it with the bound.
        let quantity = match p.quantity {
            Some(q) if q > 0 => u32::try_from(q).unwrap_or(u32::MAX),
            _ => {
                return validation(
                    400,
                    &format!("Products[{i}].Quantity"),
                    "Quantity must be greater than 0.",
                );
            }
        };
        lines.push((sku.clone(), p.name.unwrap_or(sku), quantity));
    }
    let tags = body
        .tags
        .unwrap_or_default()
        .into_iter()
        .map(|t| Tag {
            name: t.name.unwrap_or_default(),
            value: t.value.unwrap_or_default(),
        })
        .collect();
    let request = WarehouseOrderRequest {
        order_number: body.order_number.unwrap_or_else(|| reference_id.clone()),
        reference_id,
        order_type: body.order_type.unwrap_or_else(|| "DTC".into()),
        shipping_method,
        recipient,
        lines,
        tags,
    };
    match world.act_in_background(|w| w.create_warehouse_order(&persona.node, request)) {
        Ok(id) => world.read(|w| match persona.warehouse(w).order(id) {
            Ok(o) => WireResponse::json(201, &wire::order(persona.warehouse(w), o)),
            Err(e) => world_error(e, &req.path),
        }),
        Err(e) => world_error(e, &req.path),
    }
}

fn get_order(world: &WorldHandle, persona: &Persona, id: u64, path: &str) -> WireResponse {
    world.read(|w| match persona.warehouse(w).order(id) {
        Ok(o) => WireResponse::json(200, &wire::order(persona.warehouse(w), o)),
        Err(e) => world_error(e, path),
    })
}

fn list_orders(world: &WorldHandle, persona: &Persona, req: &WireRequest) -> WireResponse {
    let q = req.query();
    let refs: Option<Vec<String>> = q
        .get("ReferenceIds")
        .map(|r| r.split(',').map(|s| s.trim().to_string()).collect());
    let ids: Option<Vec<u64>> = q
        .get("IDs")
        .map(|r| r.split(',').filter_map(|s| s.trim().parse().ok()).collect());
    let limit = q
        .get("Limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(50)
        .clamp(1, 250);
    world.read(|w| {
        let list: Vec<Value> = persona
            .warehouse(w)
            .orders
            .values()
            .filter(|o| refs.as_ref().is_none_or(|r| r.contains(&o.reference_id)))
            .filter(|o| ids.as_ref().is_none_or(|i| i.contains(&o.id)))
            .take(limit)
            .map(|o| wire::order(persona.warehouse(w), o))
            .collect();
        WireResponse::json(200, &Value::Array(list))
    })
}

fn cancel_order(
    world: &Arc<WorldHandle>,
    persona: &Persona,
    req: &WireRequest,
    id: u64,
) -> WireResponse {
    if let Err(r) = channel_ok(world, persona, req) {
        return r;
    }
    match world.act_in_background(|w| w.cancel_warehouse_order(&persona.node, id)) {
        Ok(()) => world.read(|w| match persona.warehouse(w).order(id) {
            Ok(o) => WireResponse::json(
                200,
                &json!({
                    "order_id": o.id,
                    "order": wire::order(persona.warehouse(w), o),
                    "status": "Success",
                    "canceled_shipment_results": [{"shipment_id": o.shipment_id, "is_success": true, "reason": Value::Null, "action": "Cancel"}],
                }),
            ),
            Err(e) => world_error(e, &req.path),
        }),
        Err(e) => world_error(e, &req.path),
    }
}

fn list_inventory(world: &WorldHandle, persona: &Persona, req: &WireRequest) -> WireResponse {
    let q = req.query();
    let search = q.get("SearchBy").map(|s| s.to_ascii_lowercase());
    let ids: Option<Vec<u64>> = q
        .get("InventoryIds")
        .map(|r| r.split(',').filter_map(|s| s.trim().parse().ok()).collect());
    world.read(|w| {
        let items: Vec<Value> = persona.warehouse(w)
            .stock
            .iter()
            .filter(|(sku, l)| {
                search.as_ref().is_none_or(|s| sku.to_ascii_lowercase().contains(s) || l.inventory_id.to_string() == *s)
            })
            .filter(|(_, l)| ids.as_ref().is_none_or(|i| i.contains(&l.inventory_id)))
            .map(|(sku, l)| {
                let name = w.catalog.get(sku).map(|p| p.title.as_str()).unwrap_or(sku);
                wire::inventory_item(sku, name, l)
            })
            .collect();
        WireResponse::json(200, &json!({"items": items, "first": Value::Null, "last": Value::Null, "next": Value::Null, "prev": Value::Null}))
    })
}

fn get_inventory(world: &WorldHandle, persona: &Persona, id: u64, path: &str) -> WireResponse {
    world.read(|w| {
        match persona
            .warehouse(w)
            .stock
            .iter()
            .find(|(_, l)| l.inventory_id == id)
        {
            Some((sku, l)) => {
                let name = w.catalog.get(sku).map(|p| p.title.as_str()).unwrap_or(sku);
                WireResponse::json(200, &wire::inventory_item(sku, name, l))
            }
            None => problem(
                404,
                "Not Found",
                &format!("inventory {id} was not found"),
                path,
            ),
        }
    })
}

fn create_webhook(world: &Arc<WorldHandle>, persona: &Persona, req: &WireRequest) -> WireResponse {
    let Ok(body) = req.json::<wire::WebhookBody>() else {
        return validation(400, "body", "The request body is not valid JSON.");
    };
    let topics = body.topics.unwrap_or_default();
    let Some(url) = body.url.filter(|u| !u.is_empty()) else {
        return validation(422, "Url", "The Url field is required.");
    };
    if let Err(message) = world.settings.webhook_targets.check(&url) {
        return validation(422, "Url", &format!("The Url {message}."));
    }
    let description = body.description.unwrap_or_default();
    match world
        .act_in_background(|w| w.subscribe_warehouse(&persona.node, &topics, &url, &description))
    {
        Ok(id) => world.read(
            |w| match persona.warehouse(w).webhooks.iter().find(|s| s.id == id) {
                Some(s) => WireResponse::json(
                    200,
                    &wire::subscription(s, Some(&world.credentials.shipbob_webhook_secret)),
                ),
                None => problem(404, "Not Found", "", &req.path),
            },
        ),
        Err(WorldError::Invalid { field, message }) => validation(422, &field, &message),
        Err(e) => world_error(e, &req.path),
    }
}

fn list_webhooks(world: &WorldHandle, persona: &Persona) -> WireResponse {
    world.read(|w| {
        let items: Vec<Value> = persona
            .warehouse(w)
            .webhooks
            .iter()
            .map(|s| wire::subscription(s, None))
            .collect();
        WireResponse::json(
            200,
            &json!({"items": items, "next": Value::Null, "prev": Value::Null}),
        )
    })
}
