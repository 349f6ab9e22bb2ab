//! Shopify Admin REST wire shapes: how storefront state is rendered as JSON, and the
//! request bodies the persona accepts. Kept apart from the domain types on purpose.

use crate::providers::surface::{Route, Surface, Webhook};
use drydock_core::address::Address;
use drydock_core::catalog::money;
use drydock_core::storefront::Storefront;
use drydock_core::storefront::{
    Fulfillment, FulfillmentEvent, FulfillmentOrder, FulfillmentOrderStatus, FulfillmentState,
    Order, RequestStatus, WebhookSubscription,
};
use serde::Deserialize;
use serde_json::{Value, json};

/// Shopify stamps times with the shop's offset; drydock shops run on UTC.
pub fn ts(t: drydock_core::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S+00:00").to_string()
}

fn opt_ts(t: Option<drydock_core::Timestamp>) -> Value {
    t.map(ts).map(Value::String).unwrap_or(Value::Null)
}

fn address(a: &Address) -> Value {
    let (first, last) = drydock_core::storefront::split_name(&a.name);
    json!({
        "first_name": first,
        "last_name": last,
        "name": a.name,
        "company": if a.company.is_empty() { Value::Null } else { json!(a.company) },
        "address1": a.street1,
        "address2": if a.street2.is_empty() { Value::Null } else { json!(a.street2) },
        "city": a.city,
        "province": a.state,
        "province_code": a.state,
        "zip": a.zip,
        "country": a.country,
        "country_code": a.country,
        "phone": if a.phone.is_empty() { Value::Null } else { json!(a.phone) },
    })
}

pub fn order(sf: &Storefront, o: &Order) -> Value {
    let fulfillments: Vec<Value> = o
        .fulfillment_ids
        .iter()
        .filter_map(|id| sf.fulfillments.get(id))
        .map(|f| fulfillment(sf, f))
        .collect();
    let lines: Vec<Value> = o
        .line_items
        .iter()
        .map(|l| {
            // Units of this line covered by successful fulfillments.
            let fulfilled: u32 = o
                .fulfillment_ids
                .iter()
                .filter_map(|id| sf.fulfillments.get(id))
                .filter(|f| f.status == FulfillmentState::Success)
                .flat_map(|f| &f.lines)
                .filter(|fl| fl.line_item_id == l.id)
                .map(|fl| fl.quantity)
                .sum();
            let status = match fulfilled {
                0 => Value::Null,
                n if n >= l.quantity => json!("fulfilled"),
                _ => json!("partial"),
            };
            json!({
                "id": l.id,
                "admin_graphql_api_id": format!("gid://shopify/LineItem/{}", l.id),
                "variant_id": l.variant_id,
                "product_id": l.product_id,
                "sku": l.sku,
                "title": l.title,
                "name": l.title,
                "quantity": l.quantity,
                "price": money(l.price_cents),
                "fulfillable_quantity": if o.cancelled_at.is_some() { 0 } else { l.quantity.saturating_sub(fulfilled) },
                "fulfillment_status": status,
                "requires_shipping": true,
                "grams": 454,
            })
        })
        .collect();
    json!({
        "id": o.id,
        "admin_graphql_api_id": format!("gid://shopify/Order/{}", o.id),
        "name": o.name,
        "order_number": o.number,
        "number": o.number - 1000,
        "email": o.customer.email,
        "contact_email": o.customer.email,
        "created_at": ts(o.created_at),
        "updated_at": ts(o.updated_at),
        "processed_at": ts(o.created_at),
        "cancelled_at": opt_ts(o.cancelled_at),
        "cancel_reason": o.cancel_reason,
        "closed_at": Value::Null,
        "financial_status": if o.cancelled_at.is_some() { "refunded" } else { "paid" },
        "fulfillment_status": sf.fulfillment_status(o),
        "currency": "USD",
        "presentment_currency": "USD",
        "total_price": money(o.total_cents()),
        "subtotal_price": money(o.total_cents()),
        "total_tax": "0.00",
        "test": true,
        "line_items": lines,
        "shipping_address": address(&o.shipping_address),
        "customer": {
            "id": o.customer.id,
            "email": o.customer.email,
            "first_name": o.customer.first_name,
            "last_name": o.customer.last_name,
        },
        "fulfillments": fulfillments,
    })
}

fn fo_status(s: FulfillmentOrderStatus) -> &'static str {
    match s {
        FulfillmentOrderStatus::Open => "open",
        FulfillmentOrderStatus::InProgress => "in_progress",
        FulfillmentOrderStatus::OnHold => "on_hold",
        FulfillmentOrderStatus::Closed => "closed",
        FulfillmentOrderStatus::Cancelled => "cancelled",
    }
}

pub fn fulfillment_order(sf: &Storefront, fo: &FulfillmentOrder) -> Value {
    let lines: Vec<Value> = fo
        .line_items
        .iter()
        .map(|l| {
            json!({
                "id": l.id,
                "shop_id": 1,
                "fulfillment_order_id": fo.id,
                "line_item_id": l.line_item_id,
                "inventory_item_id": l.inventory_item_id,
                "variant_id": l.variant_id,
                "quantity": l.quantity,
                "fulfillable_quantity": if matches!(fo.status, FulfillmentOrderStatus::Closed | FulfillmentOrderStatus::Cancelled) { 0 } else { l.remaining() },
            })
        })
        .collect();
    let holds: Vec<Value> = fo
        .holds
        .iter()
        .map(|h| json!({"reason": h.reason, "reason_notes": h.reason_notes}))
        .collect();
    json!({
        "id": fo.id,
        "shop_id": 1,
        "order_id": fo.order_id,
        "assigned_location_id": sf.location_id,
        "status": fo_status(fo.status),
        "request_status": match fo.request_status {
            RequestStatus::Submitted => "submitted",
            RequestStatus::Accepted => "accepted",
        },
        "supported_actions": supported_actions(fo),
        "fulfillment_holds": holds,
        "line_items": lines,
        "created_at": ts(fo.created_at),
        "updated_at": ts(fo.updated_at),
        "delivery_method": {"method_type": "shipping"},
    })
}

fn supported_actions(fo: &FulfillmentOrder) -> Vec<&'static str> {
    match fo.status {
        FulfillmentOrderStatus::Open => vec!["create_fulfillment", "hold"],
        FulfillmentOrderStatus::InProgress => vec!["create_fulfillment", "hold"],
        FulfillmentOrderStatus::OnHold => vec!["release_hold"],
        FulfillmentOrderStatus::Closed | FulfillmentOrderStatus::Cancelled => vec![],
    }
}

pub fn fulfillment(sf: &Storefront, f: &Fulfillment) -> Value {
    let order = sf.orders.get(&f.order_id);
    // The units this fulfillment covers, per order line.
    let covered = |line_item_id: u64| -> u32 {
        f.lines
            .iter()
            .filter(|l| l.line_item_id == line_item_id)
            .map(|l| l.quantity)
            .sum()
    };
    let line_items: Vec<Value> = order
        .map(|o| {
            o.line_items
                .iter()
                .filter(|l| covered(l.id) > 0)
                .map(|l| json!({"id": l.id, "variant_id": l.variant_id, "product_id": l.product_id, "sku": l.sku, "title": l.title, "quantity": covered(l.id), "price": money(l.price_cents)}))
                .collect()
        })
        .unwrap_or_default();
    let (number, url, company) = match &f.tracking {
        Some(t) => (json!(t.number), json!(t.url), json!(t.company)),
        None => (Value::Null, Value::Null, Value::Null),
    };
    json!({
        "id": f.id,
        "admin_graphql_api_id": format!("gid://shopify/Fulfillment/{}", f.id),
        "order_id": f.order_id,
        "name": f.name,
        "status": match f.status { FulfillmentState::Success => "success", FulfillmentState::Cancelled => "cancelled" },
        "created_at": ts(f.created_at),
        "updated_at": ts(f.updated_at),
        "tracking_company": company,
        "tracking_number": number,
        "tracking_numbers": f.tracking.iter().map(|t| t.number.clone()).collect::<Vec<_>>(),
        "tracking_url": url,
        "tracking_urls": f.tracking.iter().map(|t| t.url.clone()).collect::<Vec<_>>(),
        "shipment_status": f.shipment_status.map(|s| s.as_str()),
        "estimated_delivery_at": opt_ts(f.estimated_delivery_at),
        "line_items": line_items,
    })
}

pub fn fulfillment_event(order_id: u64, fulfillment_id: u64, e: &FulfillmentEvent) -> Value {
    json!({
        "id": e.id,
        "fulfillment_id": fulfillment_id,
        "order_id": order_id,
        "shop_id": 1,
        "status": e.status.as_str(),
        "message": if e.message.is_empty() { Value::Null } else { json!(e.message) },
        "happened_at": ts(e.happened_at),
        "estimated_delivery_at": opt_ts(e.estimated_delivery_at),
        "created_at": ts(e.created_at),
        "updated_at": ts(e.created_at),
    })
}

pub fn webhook(w: &WebhookSubscription, version: &str) -> Value {
    json!({
        "id": w.id,
        "address": w.address,
        "topic": w.topic,
        "format": "json",
        "fields": [],
        "metafield_namespaces": [],
        "api_version": version,
        "created_at": ts(w.created_at),
        "updated_at": ts(w.created_at),
    })
}

pub fn inventory_level(
    inventory_item_id: u64,
    location_id: u64,
    available: i64,
    updated: drydock_core::Timestamp,
) -> Value {
    json!({
        "inventory_item_id": inventory_item_id,
        "location_id": location_id,
        "available": available,
        "updated_at": ts(updated),
        "admin_graphql_api_id": format!("gid://shopify/InventoryLevel/{location_id}?inventory_item_id={inventory_item_id}"),
    })
}

// ---- request bodies ----

#[derive(Debug, Deserialize)]
pub struct CancelBody {
    pub reason: Option<String>,
    pub restock: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub struct HoldBody {
    pub fulfillment_hold: Option<HoldFields>,
}

#[derive(Debug, Deserialize)]
pub struct HoldFields {
    pub reason: Option<String>,
    pub reason_notes: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct FulfillmentBody {
    pub fulfillment: Option<FulfillmentFields>,
}

#[derive(Debug, Deserialize)]
pub struct FulfillmentFields {
    #[serde(default)]
    pub line_items_by_fulfillment_order: Vec<ByFulfillmentOrder>,
    pub tracking_info: Option<TrackingFields>,
    #[serde(default)]
    pub notify_customer: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub struct ByFulfillmentOrder {
    pub fulfillment_order_id: u64,
    /// Only these lines and quantities; absent: everything left.
    #[serde(default)]
    pub fulfillment_order_line_items: Option<Vec<LineQuantity>>,
}

#[derive(Debug, Deserialize)]
pub struct LineQuantity {
    pub id: u64,
    pub quantity: u32,
}

#[derive(Debug, Deserialize)]
pub struct TrackingFields {
    pub number: Option<String>,
    pub url: Option<String>,
    pub company: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct EventBody {
    pub event: Option<EventFields>,
}

#[derive(Debug, Deserialize)]
pub struct EventFields {
    pub status: Option<String>,
    pub happened_at: Option<String>,
    pub estimated_delivery_at: Option<String>,
    pub message: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LevelBody {
    pub location_id: Option<u64>,
    pub inventory_item_id: Option<u64>,
    pub available: Option<i64>,
    pub available_adjustment: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct WebhookBody {
    pub webhook: Option<WebhookFields>,
}

#[derive(Debug, Deserialize)]
pub struct WebhookFields {
    pub topic: Option<String>,
    pub address: Option<String>,
    #[allow(dead_code)]
    pub format: Option<String>,
}

/// What the storefront serves, for the reference docs (paths under `/admin/api/{version}`).
pub const SURFACE: Surface = Surface {
    persona: "shopify",
    base: "`DRYDOCK_SHOPIFY_URL` = `http://127.0.0.1:{port}/admin/api/2026-10` (older versions fall forward, `X-Shopify-Api-Deprecated-Reason`)",
    auth: "`X-Shopify-Access-Token: $DRYDOCK_SHOPIFY_ACCESS_TOKEN`; otherwise 401 `{\"errors\": \"[API] Invalid API key or access token ...\"}`",
    routes: &[
        Route {
            method: "GET",
            path: "locations.json",
            request: "",
            answer: "`locations[]`: `id`, `name` (the one location stock is kept at)",
        },
        Route {
            method: "GET",
            path: "products.json",
            request: "",
            answer: "`products[]`: `id`, `title`, `variants[]` with `sku`, `inventory_item_id`, `inventory_quantity`",
        },
        Route {
            method: "GET",
            path: "orders.json",
            request: "query `status` (`open` default, `any`, `cancelled`), `ids`",
            answer: "`orders[]` (see the order body below)",
        },
        Route {
            method: "GET",
            path: "orders/count.json",
            request: "query `status`",
            answer: "`count`",
        },
        Route {
            method: "GET",
            path: "orders/{id}.json",
            request: "",
            answer: "`order`: `id`, `name` (`#1001`), `email`, `shipping_address`, `line_items[]` (`sku`, `quantity`), `cancelled_at`, `fulfillment_status`",
        },
        Route {
            method: "POST",
            path: "orders/{id}/cancel.json",
            request: "`reason`, `restock`",
            answer: "`order`",
        },
        Route {
            method: "GET",
            path: "orders/{id}/fulfillment_orders.json",
            request: "",
            answer: "`fulfillment_orders[]`: `id`, `status`, `request_status`, `line_items[]` (`id`, `quantity`, `fulfillable_quantity`)",
        },
        Route {
            method: "GET",
            path: "orders/{id}/fulfillments.json",
            request: "",
            answer: "`fulfillments[]`: `id`, `tracking_number`, `shipment_status`",
        },
        Route {
            method: "POST",
            path: "orders/{id}/fulfillments/{id}/events.json",
            request: "`event`: `status` (`in_transit`, `out_for_delivery`, `delivered`, `failure`, ...), `happened_at`, `estimated_delivery_at`, `message`",
            answer: "`fulfillment_event`",
        },
        Route {
            method: "GET",
            path: "orders/{id}/fulfillments/{id}/events.json",
            request: "",
            answer: "`fulfillment_events[]`",
        },
        Route {
            method: "GET",
            path: "fulfillment_orders/{id}.json",
            request: "",
            answer: "`fulfillment_order`",
        },
        Route {
            method: "POST",
            path: "fulfillment_orders/{id}/fulfillment_request/accept.json",
            request: "",
            answer: "`fulfillment_order` (the customer sees Processing)",
        },
        Route {
            method: "POST",
            path: "fulfillment_orders/{id}/hold.json",
            request: "`fulfillment_hold`: `reason` (`awaiting_payment`, `high_risk_of_fraud`, `incorrect_address`, `inventory_out_of_stock`, `other`), `reason_notes`",
            answer: "`fulfillment_order` (the customer sees On Hold)",
        },
        Route {
            method: "POST",
            path: "fulfillment_orders/{id}/release_hold.json",
            request: "",
            answer: "`fulfillment_order`",
        },
        Route {
            method: "POST",
            path: "fulfillments.json",
            request: "`fulfillment`: `line_items_by_fulfillment_order[]` (`fulfillment_order_id`, optional `fulfillment_order_line_items[]` `id`/`quantity`), `tracking_info` (`number`, `url`, `company`), `notify_customer`",
            answer: "`fulfillment` (the customer sees Shipped)",
        },
        Route {
            method: "POST",
            path: "fulfillments/{id}/update_tracking.json",
            request: "`fulfillment`: `tracking_info`",
            answer: "`fulfillment`",
        },
        Route {
            method: "GET",
            path: "inventory_levels.json",
            request: "query `inventory_item_ids`, `location_ids`",
            answer: "`inventory_levels[]`: `inventory_item_id`, `location_id`, `available`",
        },
        Route {
            method: "POST",
            path: "inventory_levels/set.json",
            request: "`location_id`, `inventory_item_id`, `available`",
            answer: "`inventory_level`",
        },
        Route {
            method: "POST",
            path: "inventory_levels/adjust.json",
            request: "`location_id`, `inventory_item_id`, `available_adjustment`",
            answer: "`inventory_level`",
        },
        Route {
            method: "GET",
            path: "webhooks.json",
            request: "",
            answer: "`webhooks[]`: `id`, `topic`, `address`",
        },
        Route {
            method: "POST",
            path: "webhooks.json",
            request: "`webhook`: `topic`, `address`, `format` (`json`)",
            answer: "`webhook`",
        },
        Route {
            method: "DELETE",
            path: "webhooks/{id}.json",
            request: "",
            answer: "`{}`",
        },
    ],
    webhooks: &[Webhook {
        topics: "`orders/create`, `orders/cancelled`, `orders/updated`",
        headers: "`X-Shopify-Topic`, `X-Shopify-Hmac-Sha256` (base64 HMAC-SHA256 of the raw body with `DRYDOCK_SHOPIFY_WEBHOOK_SECRET`), `X-Shopify-Shop-Domain`, `X-Shopify-Webhook-Id` (same on retries), `X-Shopify-Event-Id`, `X-Shopify-Triggered-At`",
        body: "the order itself, as `GET orders/{id}.json` renders it inside `order`",
    }],
};
