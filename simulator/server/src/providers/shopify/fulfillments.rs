//! Shopify fulfillment orders, fulfillments and fulfillment events: what the customer
//! sees move from Processing to Delivered, and the holds on the way.

use std::sync::Arc;

use drydock_core::storefront::{ShipmentStatus, TrackingInfo};
use drydock_core::{World, WorldError};
use serde_json::{Value, json};

use super::api::{bad_body, not_found, world_error};
use super::wire;
use crate::handle::WorldHandle;
use crate::persona::Persona;
use crate::wire::{WireRequest, WireResponse};

pub(super) fn list_fulfillment_orders(
    world: &WorldHandle,
    persona: &Persona,
    order_id: u64,
) -> WireResponse {
    world.read(|w| {
        let channel = persona.channel(w);
        match channel.order(order_id) {
            Ok(o) => {
                let fos: Vec<Value> = o
                    .fulfillment_order_ids
                    .iter()
                    .filter_map(|id| channel.fulfillment_orders.get(id))
                    .map(|fo| wire::fulfillment_order(channel, fo))
                    .collect();
                WireResponse::json(200, &json!({"fulfillment_orders": fos}))
            }
            Err(e) => world_error(e),
        }
    })
}

pub(super) fn get_fulfillment_order(
    world: &WorldHandle,
    persona: &Persona,
    id: u64,
) -> WireResponse {
    world.read(|w| match persona.channel(w).fulfillment_order(id) {
        Ok(fo) => WireResponse::json(
            200,
            &json!({"fulfillment_order": wire::fulfillment_order(persona.channel(w), fo)}),
        ),
        Err(e) => world_error(e),
    })
}

pub(super) fn fo_action(
    world: &Arc<WorldHandle>,
    persona: &Persona,
    fo: u64,
    action: impl FnOnce(&mut World) -> Result<(), WorldError>,
) -> WireResponse {
    match world.act_in_background(action) {
        Ok(()) => get_fulfillment_order(world, persona, fo),
        Err(e) => world_error(e),
    }
}

pub(super) fn hold(
    world: &Arc<WorldHandle>,
    persona: &Persona,
    req: &WireRequest,
    fo: u64,
) -> WireResponse {
    let Ok(wire::HoldBody {
        fulfillment_hold: Some(h),
    }) = req.json::<wire::HoldBody>()
    else {
        return bad_body("fulfillment_hold");
    };
    let reason = h.reason.unwrap_or_default();
    use drydock_core::vocabulary::{HoldReason, Vocabulary};
    if HoldReason::parse(&reason).is_none() {
        return WireResponse::json(
            422,
            &json!({"errors": {"reason": ["is not included in the list"]}}),
        );
    }
    let notes = h.reason_notes.unwrap_or_default();
    fo_action(world, persona, fo, |w| {
        w.hold_fulfillment_order(&persona.node, fo, &reason, &notes)
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

pub(super) fn create_fulfillment(
    world: &Arc<WorldHandle>,
    persona: &Persona,
    req: &WireRequest,
) -> WireResponse {
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
    match world
        .act_in_background(|w| w.fulfill(&persona.node, &scopes, tracking_info(f.tracking_info)))
    {
        Ok(id) => world.read(|w| match persona.channel(w).fulfillment(id) {
            Ok(f) => WireResponse::json(
                201,
                &json!({"fulfillment": wire::fulfillment(persona.channel(w), f)}),
            ),
            Err(e) => world_error(e),
        }),
        Err(e) => world_error(e),
    }
}

pub(super) fn update_tracking(
    world: &Arc<WorldHandle>,
    persona: &Persona,
    req: &WireRequest,
    id: u64,
) -> WireResponse {
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
    match world.act_in_background(|w| w.update_tracking(&persona.node, id, tracking)) {
        Ok(()) => world.read(|w| match persona.channel(w).fulfillment(id) {
            Ok(f) => WireResponse::json(
                200,
                &json!({"fulfillment": wire::fulfillment(persona.channel(w), f)}),
            ),
            Err(e) => world_error(e),
        }),
        Err(e) => world_error(e),
    }
}

pub(super) fn list_fulfillments(
    world: &WorldHandle,
    persona: &Persona,
    order_id: u64,
) -> WireResponse {
    world.read(|w| {
        let channel = persona.channel(w);
        match channel.order(order_id) {
            Ok(o) => {
                let fs: Vec<Value> = o
                    .fulfillment_ids
                    .iter()
                    .filter_map(|id| channel.fulfillments.get(id))
                    .map(|f| wire::fulfillment(channel, f))
                    .collect();
                WireResponse::json(200, &json!({"fulfillments": fs}))
            }
            Err(e) => world_error(e),
        }
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

pub(super) fn create_event(
    world: &Arc<WorldHandle>,
    persona: &Persona,
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
            &persona.node,
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
            let event = persona
                .channel(w)
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

pub(super) fn list_events(
    world: &WorldHandle,
    persona: &Persona,
    order_id: u64,
    fid: u64,
) -> WireResponse {
    world.read(|w| {
        match persona
            .channel(w)
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
