//! Shopify Admin REST requests: `/admin/api/{version}/...json` routed and answered,
//! `X-Shopify-Access-Token` auth, `{"errors": ...}` bodies, versions that fall forward.

use std::sync::Arc;

use axum::http::Method;
use drydock_core::faults::RequestEffect;
use drydock_core::{World, WorldError};
use serde_json::{Value, json};

use super::fulfillments::{
    create_event, create_fulfillment, fo_action, get_fulfillment_order, hold, list_events,
    list_fulfillment_orders, list_fulfillments, update_tracking,
};
use super::wire;
use crate::handle::WorldHandle;
use crate::persona::Persona;
use crate::wire::{WireRequest, WireResponse};

/// The version the persona's base URL names.
pub const CURRENT_VERSION: &str = "2026-10";
/// Versions still served as asked; older dated versions fall forward to the oldest.
pub const SUPPORTED_VERSIONS: &[&str] = &["2025-10", "2026-01", "2026-04", "2026-07", "2026-10"];

/// The version that serves a request for `asked`, or None when the path names no version.
pub fn served_version(asked: &str) -> Option<&'static str> {
    if asked == "unstable" {
        return Some("unstable");
    }
    if let Some(v) = SUPPORTED_VERSIONS.iter().find(|v| **v == asked) {
        return Some(v);
    }
    let b = asked.as_bytes();
    let dated = b.len() == 7
        && b[4] == b'-'
        && asked[..4].parse::<u16>().is_ok()
        && asked[5..].parse::<u8>().is_ok();
    if dated && asked < SUPPORTED_VERSIONS[0] {
        Some(SUPPORTED_VERSIONS[0])
    } else {
        None
    }
}

pub(super) fn not_found() -> WireResponse {
    WireResponse::json(404, &json!({"errors": "Not Found"}))
}

pub(super) fn world_error(e: WorldError) -> WireResponse {
    match e {
        WorldError::NotFound { .. } => not_found(),
        WorldError::Invalid { field, message } => {
            WireResponse::json(422, &json!({"errors": {field: [message]}}))
        }
        WorldError::Conflict { message, .. } => {
            WireResponse::json(422, &json!({"errors": {"base": [message]}}))
        }
    }
}

pub(super) fn bad_body(root: &str) -> WireResponse {
    WireResponse::json(
        400,
        &json!({"errors": {root: "Required parameter missing or invalid"}}),
    )
}

pub fn handle(world: &Arc<WorldHandle>, persona: &Persona, req: &WireRequest) -> WireResponse {
    let Some(segs) = req.segments_after("/admin/api/") else {
        return not_found();
    };
    let Some((asked, rest)) = segs.split_first() else {
        return not_found();
    };
    let Some(mut served) = served_version(asked) else {
        return not_found();
    };
    // A retired version falls forward to its successor, as Shopify does.
    if let Some(fired) = &req.fault
        && let RequestEffect::ApiVersionRetired { version, successor } = &fired.effect
        && version == asked
    {
        served = SUPPORTED_VERSIONS
            .iter()
            .find(|v| **v == successor.as_str())
            .copied()
            .unwrap_or(CURRENT_VERSION);
    }
    let token = req.header("x-shopify-access-token");
    let mut response = if token != Some(persona.credentials.key.as_str()) {
        WireResponse::json(
            401,
            &json!({"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}),
        )
    } else {
        route(world, persona, req, rest, served)
    };
    response = response
        .header("x-shopify-api-version", served)
        .header("x-shopify-shop-api-call-limit", "1/40");
    if served != *asked {
        response = response.header(
            "x-shopify-api-deprecated-reason",
            format!("API version {asked} is no longer supported; served by {served}"),
        );
    }
    response
}

fn route(
    world: &Arc<WorldHandle>,
    persona: &Persona,
    req: &WireRequest,
    rest: &[&str],
    version: &str,
) -> WireResponse {
    let id = |s: &str| s.parse::<u64>().ok();
    let m = &req.method;
    match rest {
        ["locations"] if m == Method::GET => {
            list_locations(world, persona).operation("locations.list")
        }
        ["products"] if m == Method::GET => {
            list_products(world, persona).operation("products.list")
        }
        ["orders"] if m == Method::GET => list_orders(world, persona, req).operation("orders.list"),
        ["orders", "count"] if m == Method::GET => {
            count_orders(world, persona, req).operation("orders.count")
        }
        ["orders", o] if m == Method::GET => match id(o) {
            Some(o) => get_order(world, persona, o).operation("orders.get"),
            None => not_found(),
        },
        ["orders", o, "cancel"] if m == Method::POST => match id(o) {
            Some(o) => cancel_order(world, persona, req, o).operation("orders.cancel"),
            None => not_found(),
        },
        ["orders", o, "fulfillment_orders"] if m == Method::GET => match id(o) {
            Some(o) => {
                list_fulfillment_orders(world, persona, o).operation("fulfillment_orders.list")
            }
            None => not_found(),
        },
        ["orders", o, "fulfillments"] if m == Method::GET => match id(o) {
            Some(o) => list_fulfillments(world, persona, o).operation("fulfillments.list"),
            None => not_found(),
        },
        ["orders", o, "fulfillments", f, "events"] => match (id(o), id(f)) {
            (Some(o), Some(f)) if m == Method::POST => {
                create_event(world, persona, req, o, f).operation("fulfillment_events.create")
            }
            (Some(o), Some(f)) if m == Method::GET => {
                list_events(world, persona, o, f).operation("fulfillment_events.list")
            }
            _ => not_found(),
        },
        ["fulfillment_orders", fo] if m == Method::GET => match id(fo) {
            Some(fo) => {
                get_fulfillment_order(world, persona, fo).operation("fulfillment_orders.get")
            }
            None => not_found(),
        },
        ["fulfillment_orders", fo, "fulfillment_request", "accept"] if m == Method::POST => {
            match id(fo) {
                Some(fo) => fo_action(world, persona, fo, |w| {
                    w.accept_fulfillment_request(&persona.node, fo)
                })
                .operation("fulfillment_request.accept"),
                None => not_found(),
            }
        }
        ["fulfillment_orders", fo, "hold"] if m == Method::POST => match id(fo) {
            Some(fo) => hold(world, persona, req, fo).operation("fulfillment_orders.hold"),
            None => not_found(),
        },
        ["fulfillment_orders", fo, "release_hold"] if m == Method::POST => match id(fo) {
            Some(fo) => fo_action(world, persona, fo, |w| {
                w.release_fulfillment_hold(&persona.node, fo)
            })
            .operation("fulfillment_orders.release_hold"),
            None => not_found(),
        },
        ["fulfillments"] if m == Method::POST => {
            create_fulfillment(world, persona, req).operation("fulfillments.create")
        }
        ["fulfillments", f, "update_tracking"] if m == Method::POST => match id(f) {
            Some(f) => {
                update_tracking(world, persona, req, f).operation("fulfillments.update_tracking")
            }
            None => not_found(),
        },
        ["inventory_levels"] if m == Method::GET => {
            list_levels(world, persona, req).operation("inventory_levels.list")
        }
        ["inventory_levels", "set"] if m == Method::POST => {
            set_level(world, persona, req, false).operation("inventory_levels.set")
        }
        ["inventory_levels", "adjust"] if m == Method::POST => {
            set_level(world, persona, req, true).operation("inventory_levels.adjust")
        }
        ["webhooks"] if m == Method::GET => {
            list_webhooks(world, persona, version).operation("webhooks.list")
        }
        ["webhooks"] if m == Method::POST => {
            create_webhook(world, persona, req, version).operation("webhooks.create")
        }
        ["webhooks", w] if m == Method::DELETE => match id(w) {
            Some(w) => {
                match world.act_in_background(|wd| wd.unsubscribe_storefront(&persona.node, w)) {
                    Ok(()) => WireResponse::json(200, &json!({})).operation("webhooks.delete"),
                    Err(e) => world_error(e).operation("webhooks.delete"),
                }
            }
            None => not_found(),
        },
        _ => not_found(),
    }
}

fn list_locations(world: &WorldHandle, persona: &Persona) -> WireResponse {
    world.read(|w| {
        WireResponse::json(
            200,
            &json!({"locations": [{
                "id": persona.channel(w).location_id,
                "name": w.warehouses.first().location_name,
                "active": true,
                "address1": w.ship_from.street1,
                "city": w.ship_from.city,
                "province_code": w.ship_from.state,
                "zip": w.ship_from.zip,
                "country_code": w.ship_from.country,
                "legacy": false,
            }]}),
        )
    })
}

fn list_products(world: &WorldHandle, persona: &Persona) -> WireResponse {
    world.read(|w| {
        let channel = persona.channel(w);
        let products: Vec<Value> = w
            .catalog
            .values()
            .filter_map(|p| channel.listing(&p.sku).map(|l| (p, l)))
            .map(|(p, l)| {
                json!({
                    "id": l.product_id,
                    "title": p.title,
                    "status": "active",
                    "variants": [{
                        "id": l.variant_id,
                        "product_id": l.product_id,
                        "title": "Default Title",
                        "sku": p.sku,
                        "price": drydock_core::catalog::money(p.price_cents),
                        "inventory_item_id": l.inventory_item_id,
                        "inventory_quantity": channel.inventory.get(&l.inventory_item_id).map(|l| l.available).unwrap_or(0),
                        "inventory_management": "shopify",
                        "grams": (f64::from(p.weight_oz) * 28.35).round() as i64,
                    }],
                })
            })
            .collect();
        WireResponse::json(200, &json!({"products": products}))
    })
}

fn selected_orders<'a>(
    w: &'a World,
    persona: &Persona,
    req: &WireRequest,
) -> Vec<&'a drydock_core::storefront::Order> {
    let q = req.query();
    let status = q.get("status").map(String::as_str).unwrap_or("open");
    let ids: Option<Vec<u64>> = q
        .get("ids")
        .map(|s| s.split(',').filter_map(|i| i.trim().parse().ok()).collect());
    persona
        .channel(w)
        .orders
        .values()
        .filter(|o| ids.as_ref().is_none_or(|ids| ids.contains(&o.id)))
        .filter(|o| match status {
            "any" => true,
            "cancelled" => o.cancelled_at.is_some(),
            "closed" => false,
            _ => o.cancelled_at.is_none(),
        })
        .collect()
}

fn list_orders(world: &WorldHandle, persona: &Persona, req: &WireRequest) -> WireResponse {
    let limit = req
        .query()
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(50)
        .clamp(1, 250);
    world.read(|w| {
        let orders: Vec<Value> = selected_orders(w, persona, req)
            .into_iter()
            .take(limit)
            .map(|o| wire::order(persona.channel(w), o))
            .collect();
        WireResponse::json(200, &json!({"orders": orders}))
    })
}

fn count_orders(world: &WorldHandle, persona: &Persona, req: &WireRequest) -> WireResponse {
    world.read(|w| {
        WireResponse::json(
            200,
            &json!({"count": selected_orders(w, persona, req).len()}),
        )
    })
}

fn get_order(world: &WorldHandle, persona: &Persona, id: u64) -> WireResponse {
    world.read(|w| match persona.channel(w).order(id) {
        Ok(o) => WireResponse::json(200, &json!({"order": wire::order(persona.channel(w), o)})),
        Err(e) => world_error(e),
    })
}

fn cancel_order(
    world: &Arc<WorldHandle>,
    persona: &Persona,
    req: &WireRequest,
    id: u64,
) -> WireResponse {
    let Ok(body) = req.json::<wire::CancelBody>() else {
        return bad_body("order");
    };
    let reason = body.reason.unwrap_or_else(|| "other".into());
    let restock = body.restock.unwrap_or(true);
    match world.act_in_background(|w| w.cancel_order(&persona.node, id, &reason, restock)) {
        Ok(()) => get_order(world, persona, id),
        Err(e) => world_error(e),
    }
}

fn list_levels(world: &WorldHandle, persona: &Persona, req: &WireRequest) -> WireResponse {
    let q = req.query();
    let items: Option<Vec<u64>> = q
        .get("inventory_item_ids")
        .map(|s| s.split(',').filter_map(|i| i.trim().parse().ok()).collect());
    let locations: Option<Vec<u64>> = q
        .get("location_ids")
        .map(|s| s.split(',').filter_map(|i| i.trim().parse().ok()).collect());
    if items.is_none() && locations.is_none() {
        return WireResponse::json(
            422,
            &json!({"errors": {"base": ["inventory_item_ids or location_ids must be present"]}}),
        );
    }
    world.read(|w| {
        let loc = persona.channel(w).location_id;
        let levels: Vec<Value> = if locations.as_ref().is_some_and(|l| !l.contains(&loc)) {
            Vec::new()
        } else {
            persona
                .channel(w)
                .inventory
                .iter()
                .filter(|(id, _)| items.as_ref().is_none_or(|i| i.contains(id)))
                .map(|(id, l)| wire::inventory_level(*id, loc, l.available, l.updated_at))
                .collect()
        };
        WireResponse::json(200, &json!({"inventory_levels": levels}))
    })
}

fn set_level(
    world: &Arc<WorldHandle>,
    persona: &Persona,
    req: &WireRequest,
    adjust: bool,
) -> WireResponse {
    let Ok(body) = req.json::<wire::LevelBody>() else {
        return bad_body("inventory_level");
    };
    let (Some(location), Some(item)) = (body.location_id, body.inventory_item_id) else {
        return WireResponse::json(
            422,
            &json!({"errors": {"base": ["location_id and inventory_item_id are required"]}}),
        );
    };
    let result = if adjust {
        let Some(delta) = body.available_adjustment else {
            return WireResponse::json(
                422,
                &json!({"errors": {"available_adjustment": ["is required"]}}),
            );
        };
        world.act_in_background(|w| w.adjust_available(&persona.node, item, location, delta))
    } else {
        let Some(available) = body.available else {
            return WireResponse::json(422, &json!({"errors": {"available": ["is required"]}}));
        };
        world.act_in_background(|w| w.set_available(&persona.node, item, location, available))
    };
    match result {
        Ok(()) => world.read(|w| match persona.channel(w).inventory.get(&item) {
            Some(l) => WireResponse::json(
                200,
                &json!({"inventory_level": wire::inventory_level(item, location, l.available, l.updated_at)}),
            ),
            None => not_found(),
        }),
        Err(e) => world_error(e),
    }
}

fn list_webhooks(world: &WorldHandle, persona: &Persona, version: &str) -> WireResponse {
    world.read(|w| {
        let hooks: Vec<Value> = persona
            .channel(w)
            .webhooks
            .iter()
            .map(|h| wire::webhook(h, version))
            .collect();
        WireResponse::json(200, &json!({"webhooks": hooks}))
    })
}

fn create_webhook(
    world: &Arc<WorldHandle>,
    persona: &Persona,
    req: &WireRequest,
    version: &str,
) -> WireResponse {
    let Ok(wire::WebhookBody { webhook: Some(h) }) = req.json::<wire::WebhookBody>() else {
        return bad_body("webhook");
    };
    let topic = h.topic.unwrap_or_default();
    let address = h.address.unwrap_or_default();
    if let Err(message) = world.settings.webhook_targets.check(&address) {
        return world_error(WorldError::invalid("address", message));
    }
    match world.act_in_background(|w| w.subscribe_storefront(&persona.node, &topic, &address)) {
        Ok(id) => world.read(
            |w| match persona.channel(w).webhooks.iter().find(|h| h.id == id) {
                Some(h) => WireResponse::json(201, &json!({"webhook": wire::webhook(h, version)})),
                None => not_found(),
            },
        ),
        Err(e) => world_error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_fall_forward_and_unknown_ones_are_not_found() {
        assert_eq!(served_version("2026-10"), Some("2026-10"));
        assert_eq!(served_version("2024-01"), Some("2025-10"));
        assert_eq!(served_version("2099-01"), None);
        assert_eq!(served_version("latest"), None);
        assert_eq!(served_version("unstable"), Some("unstable"));
    }
}
