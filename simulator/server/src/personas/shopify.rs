//! The storefront persona in the Shopify Admin REST dialect: `/admin/api/{version}/...json`,
//! `X-Shopify-Access-Token` auth, `{"errors": ...}` bodies, versions that fall forward,
//! and `orders/*` webhooks signed with `X-Shopify-Hmac-Sha256`.

use std::sync::Arc;

use axum::http::Method;
use drydock_core::faults::Effect;
use drydock_core::storefront::{ShipmentStatus, TrackingInfo};
use drydock_core::{World, WorldError, WorldEvent, WorldEventKind};
use serde_json::{Value, json};

pub use super::shopify_wire::SURFACE;
use super::shopify_wire::{self as wire, ts};
use crate::delivery::PendingDelivery;
use crate::handle::WorldHandle;
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

fn not_found() -> WireResponse {
    WireResponse::json(404, &json!({"errors": "Not Found"}))
}

fn world_error(e: WorldError) -> WireResponse {
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

fn bad_body(root: &str) -> WireResponse {
    WireResponse::json(
        400,
        &json!({"errors": {root: "Required parameter missing or invalid"}}),
    )
}

pub fn handle(world: &Arc<WorldHandle>, req: &WireRequest) -> WireResponse {
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
        && fired.effect() == Effect::ApiVersionRetired
        && fired.rule.version.as_deref() == Some(*asked)
    {
        let successor = fired.rule.successor.as_deref().unwrap_or(CURRENT_VERSION);
        served = SUPPORTED_VERSIONS
            .iter()
            .find(|v| **v == successor)
            .copied()
            .unwrap_or(CURRENT_VERSION);
    }
    let token = req.header("x-shopify-access-token");
    let mut response = if token != Some(world.credentials.shopify_access_token.as_str()) {
        WireResponse::json(
            401,
            &json!({"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}),
        )
    } else {
        route(world, req, rest, served)
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
    req: &WireRequest,
    rest: &[&str],
    version: &str,
) -> WireResponse {
    let id = |s: &str| s.parse::<u64>().ok();
    let m = &req.method;
    match rest {
        ["locations"] if m == Method::GET => list_locations(world).operation("locations.list"),
        ["products"] if m == Method::GET => list_products(world).operation("products.list"),
        ["orders"] if m == Method::GET => list_orders(world, req).operation("orders.list"),
        ["orders", "count"] if m == Method::GET => {
            count_orders(world, req).operation("orders.count")
        }
        ["orders", o] if m == Method::GET => match id(o) {
            Some(o) => get_order(world, o).operation("orders.get"),
            None => not_found(),
        },
        ["orders", o, "cancel"] if m == Method::POST => match id(o) {
            Some(o) => cancel_order(world, req, o).operation("orders.cancel"),
            None => not_found(),
        },
        ["orders", o, "fulfillment_orders"] if m == Method::GET => match id(o) {
            Some(o) => list_fulfillment_orders(world, o).operation("fulfillment_orders.list"),
            None => not_found(),
        },
        ["orders", o, "fulfillments"] if m == Method::GET => match id(o) {
            Some(o) => list_fulfillments(world, o).operation("fulfillments.list"),
            None => not_found(),
        },
        ["orders", o, "fulfillments", f, "events"] => match (id(o), id(f)) {
            (Some(o), Some(f)) if m == Method::POST => {
                create_event(world, req, o, f).operation("fulfillment_events.create")
            }
            (Some(o), Some(f)) if m == Method::GET => {
                list_events(world, o, f).operation("fulfillment_events.list")
            }
            _ => not_found(),
        },
        ["fulfillment_orders", fo] if m == Method::GET => match id(fo) {
            Some(fo) => get_fulfillment_order(world, fo).operation("fulfillment_orders.get"),
            None => not_found(),
        },
        ["fulfillment_orders", fo, "fulfillment_request", "accept"] if m == Method::POST => {
            match id(fo) {
                Some(fo) => fo_action(world, fo, |w| {
                    w.accept_fulfillment_request(&w.default_channel(), fo)
                })
                .operation("fulfillment_request.accept"),
                None => not_found(),
            }
        }
        ["fulfillment_orders", fo, "hold"] if m == Method::POST => match id(fo) {
            Some(fo) => hold(world, req, fo).operation("fulfillment_orders.hold"),
            None => not_found(),
        },
        ["fulfillment_orders", fo, "release_hold"] if m == Method::POST => match id(fo) {
            Some(fo) => fo_action(world, fo, |w| {
                w.release_fulfillment_hold(&w.default_channel(), fo)
            })
            .operation("fulfillment_orders.release_hold"),
            None => not_found(),
        },
        ["fulfillments"] if m == Method::POST => {
            create_fulfillment(world, req).operation("fulfillments.create")
        }
        ["fulfillments", f, "update_tracking"] if m == Method::POST => match id(f) {
            Some(f) => update_tracking(world, req, f).operation("fulfillments.update_tracking"),
            None => not_found(),
        },
        ["inventory_levels"] if m == Method::GET => {
            list_levels(world, req).operation("inventory_levels.list")
        }
        ["inventory_levels", "set"] if m == Method::POST => {
            set_level(world, req, false).operation("inventory_levels.set")
        }
        ["inventory_levels", "adjust"] if m == Method::POST => {
            set_level(world, req, true).operation("inventory_levels.adjust")
        }
        ["webhooks"] if m == Method::GET => {
            list_webhooks(world, version).operation("webhooks.list")
        }
        ["webhooks"] if m == Method::POST => {
            create_webhook(world, req, version).operation("webhooks.create")
        }
        ["webhooks", w] if m == Method::DELETE => match id(w) {
            Some(w) => match world
                .act_in_background(|wd| wd.unsubscribe_storefront(&wd.default_channel(), w))
            {
                Ok(()) => WireResponse::json(200, &json!({})).operation("webhooks.delete"),
                Err(e) => world_error(e).operation("webhooks.delete"),
            },
            None => not_found(),
        },
        _ => not_found(),
    }
}

fn list_locations(world: &WorldHandle) -> WireResponse {
    world.read(|w| {
        WireResponse::json(
            200,
            &json!({"locations": [{
                "id": w.channels.first().location_id,
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

fn list_products(world: &WorldHandle) -> WireResponse {
    world.read(|w| {
        let channel = w.channels.first();
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
    req: &WireRequest,
) -> Vec<&'a drydock_core::storefront::Order> {
    let q = req.query();
    let status = q.get("status").map(String::as_str).unwrap_or("open");
    let ids: Option<Vec<u64>> = q
        .get("ids")
        .map(|s| s.split(',').filter_map(|i| i.trim().parse().ok()).collect());
    w.channels
        .first()
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

fn list_orders(world: &WorldHandle, req: &WireRequest) -> WireResponse {
    let limit = req
        .query()
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(50)
        .clamp(1, 250);
    world.read(|w| {
        let orders: Vec<Value> = selected_orders(w, req)
            .into_iter()
            .take(limit)
            .map(|o| wire::order(w, o))
            .collect();
        WireResponse::json(200, &json!({"orders": orders}))
    })
}

fn count_orders(world: &WorldHandle, req: &WireRequest) -> WireResponse {
    world.read(|w| WireResponse::json(200, &json!({"count": selected_orders(w, req).len()})))
}

fn get_order(world: &WorldHandle, id: u64) -> WireResponse {
    world.read(|w| match w.channels.first().order(id) {
        Ok(o) => WireResponse::json(200, &json!({"order": wire::order(w, o)})),
        Err(e) => world_error(e),
    })
}

fn cancel_order(world: &Arc<WorldHandle>, req: &WireRequest, id: u64) -> WireResponse {
    let Ok(body) = req.json::<wire::CancelBody>() else {
        return bad_body("order");
    };
    let reason = body.reason.unwrap_or_else(|| "other".into());
    let restock = body.restock.unwrap_or(true);
    match world.act_in_background(|w| w.cancel_order(&w.default_channel(), id, &reason, restock)) {
        Ok(()) => get_order(world, id),
        Err(e) => world_error(e),
    }
}

fn list_fulfillment_orders(world: &WorldHandle, order_id: u64) -> WireResponse {
    world.read(|w| match w.channels.first().order(order_id) {
        Ok(o) => {
            let fos: Vec<Value> = o
                .fulfillment_order_ids
                .iter()
                .filter_map(|id| w.channels.first().fulfillment_orders.get(id))
                .map(|fo| wire::fulfillment_order(w, fo))
                .collect();
            WireResponse::json(200, &json!({"fulfillment_orders": fos}))
        }
        Err(e) => world_error(e),
    })
}

fn get_fulfillment_order(world: &WorldHandle, id: u64) -> WireResponse {
    world.read(|w| match w.channels.first().fulfillment_order(id) {
        Ok(fo) => WireResponse::json(
            200,
            &json!({"fulfillment_order": wire::fulfillment_order(w, fo)}),
        ),
        Err(e) => world_error(e),
    })
}

fn fo_action(
    world: &Arc<WorldHandle>,
    fo: u64,
    action: impl FnOnce(&mut World) -> Result<(), WorldError>,
) -> WireResponse {
    match world.act_in_background(action) {
        Ok(()) => get_fulfillment_order(world, fo),
        Err(e) => world_error(e),
    }
}

fn hold(world: &Arc<WorldHandle>, req: &WireRequest, fo: u64) -> WireResponse {
    let Ok(wire::HoldBody {
        fulfillment_hold: Some(h),
    }) = req.json::<wire::HoldBody>()
    else {
        return bad_body("fulfillment_hold");
    };
    let reason = h.reason.unwrap_or_default();
    if !drydock_core::storefront::HOLD_REASONS.contains(&reason.as_str()) {
        return WireResponse::json(
            422,
            &json!({"errors": {"reason": ["is not included in the list"]}}),
        );
    }
    let notes = h.reason_notes.unwrap_or_default();
    fo_action(world, fo, |w| {
        w.hold_fulfillment_order(&w.default_channel(), fo, &reason, &notes)
    })
}

fn tracking_info(t: Option<wire::TrackingFields>) -> Option<TrackingInfo> {
    let t = t?;
    let number = t.number.filter(|n| !n.trim().is_empty())?;
    Some(TrackingInfo {
        number,
        url: t.url.unwrap_or_default(),
        company: t.company.unwrap_or_default(),
    })
}

fn create_fulfillment(world: &Arc<WorldHandle>, req: &WireRequest) -> WireResponse {
    let Ok(wire::FulfillmentBody {
        fulfillment: Some(f),
    }) = req.json::<wire::FulfillmentBody>()
    else {
        return bad_body("fulfillment");
    };
    let scopes: Vec<drydock_core::storefront::FulfillmentScope> = f
        .line_items_by_fulfillment_order
        .iter()
        .map(|by| {
            let lines = by
                .fulfillment_order_line_items
                .as_ref()
                .map(|lines| lines.iter().map(|l| (l.id, l.quantity)).collect());
            (by.fulfillment_order_id, lines)
        })
        .collect();
    let _ = f.notify_customer;
    match world.act_in_background(|w| {
        w.fulfill(
            &w.default_channel(),
            &scopes,
            tracking_info(f.tracking_info),
        )
    }) {
        Ok(id) => world.read(|w| match w.channels.first().fulfillment(id) {
            Ok(f) => WireResponse::json(201, &json!({"fulfillment": wire::fulfillment(w, f)})),
            Err(e) => world_error(e),
        }),
        Err(e) => world_error(e),
    }
}

fn update_tracking(world: &Arc<WorldHandle>, req: &WireRequest, id: u64) -> WireResponse {
    let Ok(wire::FulfillmentBody {
        fulfillment: Some(f),
    }) = req.json::<wire::FulfillmentBody>()
    else {
        return bad_body("fulfillment");
    };
    let Some(tracking) = tracking_info(f.tracking_info) else {
        return WireResponse::json(
            422,
            &json!({"errors": {"tracking_info": ["number can't be blank"]}}),
        );
    };
    match world.act_in_background(|w| w.update_tracking(&w.default_channel(), id, tracking)) {
        Ok(()) => world.read(|w| match w.channels.first().fulfillment(id) {
            Ok(f) => WireResponse::json(200, &json!({"fulfillment": wire::fulfillment(w, f)})),
            Err(e) => world_error(e),
        }),
        Err(e) => world_error(e),
    }
}

fn list_fulfillments(world: &WorldHandle, order_id: u64) -> WireResponse {
    world.read(|w| match w.channels.first().order(order_id) {
        Ok(o) => {
            let fs: Vec<Value> = o
                .fulfillment_ids
                .iter()
                .filter_map(|id| w.channels.first().fulfillments.get(id))
                .map(|f| wire::fulfillment(w, f))
                .collect();
            WireResponse::json(200, &json!({"fulfillments": fs}))
        }
        Err(e) => world_error(e),
    })
}

fn parse_time(
    field: &str,
    value: Option<String>,
) -> Result<Option<drydock_core::Timestamp>, WireResponse> {
    match value.filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse::<drydock_core::Timestamp>().map(Some).map_err(|_| {
            WireResponse::json(
                422,
                &json!({"errors": {field: ["is not a valid ISO 8601 time"]}}),
            )
        }),
    }
}

fn create_event(
    world: &Arc<WorldHandle>,
    req: &WireRequest,
    order_id: u64,
    fid: u64,
) -> WireResponse {
    let Ok(wire::EventBody { event: Some(e) }) = req.json::<wire::EventBody>() else {
        return bad_body("event");
    };
    let status_text = e.status.unwrap_or_default();
    let status = if status_text == "picked_up" || status_text == "carrier_picked_up" {
        Some(ShipmentStatus::InTransit)
    } else {
        ShipmentStatus::parse(&status_text)
    };
    let Some(status) = status else {
        return WireResponse::json(
            422,
            &json!({"errors": {"status": ["is not included in the list"]}}),
        );
    };
    let happened = match parse_time("happened_at", e.happened_at) {
        Ok(t) => t,
        Err(r) => return r,
    };
    let eta = match parse_time("estimated_delivery_at", e.estimated_delivery_at) {
        Ok(t) => t,
        Err(r) => return r,
    };
    let message = e.message.unwrap_or_default();
    match world.act_in_background(|w| {
        w.add_fulfillment_event(
            &w.default_channel(),
            order_id,
            fid,
            drydock_core::storefront::ShipmentProgress {
                status,
                happened_at: happened,
                estimated_delivery_at: eta,
                message: message.clone(),
            },
        )
    }) {
        Ok(event_id) => world.read(|w| {
            let event = w
                .channels
                .first()
                .fulfillments
                .get(&fid)
                .and_then(|f| f.events.iter().find(|e| e.id == event_id));
            match event {
                Some(e) => WireResponse::json(
                    201,
                    &json!({"fulfillment_event": wire::fulfillment_event(order_id, fid, e)}),
                ),
                None => not_found(),
            }
        }),
        Err(e) => world_error(e),
    }
}

fn list_events(world: &WorldHandle, order_id: u64, fid: u64) -> WireResponse {
    world.read(|w| {
        match w
            .channels
            .first()
            .fulfillments
            .get(&fid)
            .filter(|f| f.order_id == order_id)
        {
            Some(f) => {
                let events: Vec<Value> = f
                    .events
                    .iter()
                    .map(|e| wire::fulfillment_event(order_id, fid, e))
                    .collect();
                WireResponse::json(200, &json!({"fulfillment_events": events}))
            }
            None => not_found(),
        }
    })
}

fn list_levels(world: &WorldHandle, req: &WireRequest) -> WireResponse {
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
        let loc = w.channels.first().location_id;
        let levels: Vec<Value> = if locations.as_ref().is_some_and(|l| !l.contains(&loc)) {
            Vec::new()
        } else {
            w.channels
                .first()
                .inventory
                .iter()
                .filter(|(id, _)| items.as_ref().is_none_or(|i| i.contains(id)))
                .map(|(id, l)| wire::inventory_level(*id, loc, l.available, l.updated_at))
                .collect()
        };
        WireResponse::json(200, &json!({"inventory_levels": levels}))
    })
}

fn set_level(world: &Arc<WorldHandle>, req: &WireRequest, adjust: bool) -> WireResponse {
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
        world.act_in_background(|w| w.adjust_available(&w.default_channel(), item, location, delta))
    } else {
        let Some(available) = body.available else {
            return WireResponse::json(422, &json!({"errors": {"available": ["is required"]}}));
        };
        world
            .act_in_background(|w| w.set_available(&w.default_channel(), item, location, available))
    };
    match result {
        Ok(()) => world.read(|w| match w.channels.first().inventory.get(&item) {
            Some(l) => WireResponse::json(
                200,
                &json!({"inventory_level": wire::inventory_level(item, location, l.available, l.updated_at)}),
            ),
            None => not_found(),
        }),
        Err(e) => world_error(e),
    }
}

fn list_webhooks(world: &WorldHandle, version: &str) -> WireResponse {
    world.read(|w| {
        let hooks: Vec<Value> = w
            .channels
            .first()
            .webhooks
            .iter()
            .map(|h| wire::webhook(h, version))
            .collect();
        WireResponse::json(200, &json!({"webhooks": hooks}))
    })
}

fn create_webhook(world: &Arc<WorldHandle>, req: &WireRequest, version: &str) -> WireResponse {
    let Ok(wire::WebhookBody { webhook: Some(h) }) = req.json::<wire::WebhookBody>() else {
        return bad_body("webhook");
    };
    let topic = h.topic.unwrap_or_default();
    let address = h.address.unwrap_or_default();
    if let Err(message) = world.settings.webhook_targets.check(&address) {
        return world_error(WorldError::invalid("address", message));
    }
    match world
        .act_in_background(|w| w.subscribe_storefront(&w.default_channel(), &topic, &address))
    {
        Ok(id) => world.read(
            |w| match w.channels.first().webhooks.iter().find(|h| h.id == id) {
                Some(h) => WireResponse::json(201, &json!({"webhook": wire::webhook(h, version)})),
                None => not_found(),
            },
        ),
        Err(e) => world_error(e),
    }
}

fn topic_of(event: &WorldEvent) -> Option<(&'static str, u64)> {
    match event.kind {
        WorldEventKind::OrderCreated { order_id } => Some(("orders/create", order_id)),
        WorldEventKind::OrderCancelled { order_id } => Some(("orders/cancelled", order_id)),
        WorldEventKind::OrderUpdated { order_id } => Some(("orders/updated", order_id)),
        _ => None,
    }
}

/// The storefront webhook an event causes: its topic and body (the Order).
pub(crate) fn webhook(world: &World, event: &WorldEvent) -> Option<(&'static str, Vec<u8>)> {
    let (topic, order_id) = topic_of(event)?;
    let order = world.channels.first().orders.get(&order_id)?;
    Some((topic, serde_json::to_vec(&wire::order(world, order)).ok()?))
}

/// Where a storefront topic is delivered: subscriptions for it.
pub(crate) fn subscribers(world: &World, topic: &str) -> Vec<(String, Option<String>)> {
    world
        .channels
        .first()
        .webhooks
        .iter()
        .filter(|h| h.topic == topic)
        .map(|h| (h.address.clone(), None))
        .collect()
}

pub(crate) fn webhook_headers(world: &WorldHandle, d: &PendingDelivery) -> Vec<(String, String)> {
    let hmac =
        drydock_core::signing::shopify_hmac(&world.credentials.shopify_webhook_secret, &d.body);
    let domain = world.read(|w| w.channels.first().shop_domain.clone());
    vec![
        ("content-type".into(), "application/json".into()),
        ("x-shopify-topic".into(), d.topic.clone()),
        ("x-shopify-hmac-sha256".into(), hmac),
        ("x-shopify-shop-domain".into(), domain),
        ("x-shopify-api-version".into(), CURRENT_VERSION.into()),
        ("x-shopify-webhook-id".into(), d.webhook_id.clone()),
        ("x-shopify-event-id".into(), format!("{}", d.id)),
        ("x-shopify-triggered-at".into(), ts(d.event_at)),
    ]
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
