//! ShipBob wire shapes (dated API, 2026-01): orders with one shipment, inventory levels
//! with `total_*` quantities, webhook subscriptions, and the request bodies accepted.

use crate::providers::surface::{Route, Surface, Webhook};
use drydock_core::address::Address;
use drydock_core::warehouse::Warehouse;
use drydock_core::warehouse::{
    Stage, StockLevel, WarehouseLine, WarehouseOrder, WarehouseSubscription,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::wire::iso;

fn s_or_null(s: &str) -> Value {
    if s.is_empty() { Value::Null } else { json!(s) }
}

fn recipient(a: &Address) -> Value {
    json!({
        "name": a.name,
        "full_name": a.name,
        "email": s_or_null(&a.email),
        "phone_number": s_or_null(&a.phone),
        "address": {
            "address1": a.street1,
            "address2": s_or_null(&a.street2),
            "company_name": s_or_null(&a.company),
            "city": a.city,
            "state": a.state,
            "country": a.country,
            "zip_code": a.zip,
        },
    })
}

fn order_status(o: &WarehouseOrder) -> &'static str {
    match o.stage {
        Stage::Processing | Stage::Picked | Stage::Packed => "Processing",
        Stage::Shipped => "Fulfilled",
        Stage::Cancelled => "Cancelled",
        Stage::Exception => "Exception",
    }
}

fn shipment_status(o: &WarehouseOrder) -> (&'static str, Vec<Value>) {
    let detail = |id: u32, name: &str, description: &str| json!({"id": id, "name": name, "description": description});
    match o.stage {
        Stage::Processing => ("Processing", vec![]),
        Stage::Picked => (
            "Processing",
            vec![detail(1, "Picked", "Items have been picked")],
        ),
        Stage::Packed => (
            "LabeledCreated",
            vec![detail(2, "Packed", "Order has been packed and labeled")],
        ),
        Stage::Shipped => ("Completed", vec![]),
        Stage::Cancelled => ("Cancelled", vec![]),
        Stage::Exception => (
            "Exception",
            vec![detail(
                3,
                "OutOfStock",
                o.exception_reason
                    .as_deref()
                    .unwrap_or("Inventory is not available"),
            )],
        ),
    }
}

/// Units of a line: what left the building once shipped (short after a short pick).
fn shipped_or_ordered(o: &WarehouseOrder, l: &WarehouseLine) -> u32 {
    if o.stage == Stage::Shipped {
        l.shipped
    } else {
        l.quantity
    }
}

pub fn shipment(warehouse: &Warehouse, o: &WarehouseOrder) -> Value {
    let (status, details) = shipment_status(o);
    let products: Vec<Value> = o
        .lines
        .iter()
        .map(|l| {
            let inv = warehouse.stock.get(&l.sku).map(|s| s.inventory_id).unwrap_or(0);
            json!({
                "id": l.line_id,
                "reference_id": l.sku,
                "sku": l.sku,
                "name": l.name,
                "inventory_items": [{"id": inv, "name": l.name, "quantity": shipped_or_ordered(o, l), "quantity_committed": l.quantity}],
            })
        })
        .collect();
    let tracking = o
        .tracking
        .as_ref()
        .map(|t| {
            json!({
                "carrier": t.carrier,
                "carrier_service": o.shipping_method,
                "tracking_number": t.tracking_number,
                "tracking_url": t.tracking_url,
                "shipping_date": o.shipped_at.map(iso),
                "bol": Value::Null,
                "pro_number": Value::Null,
                "scac": Value::Null,
            })
        })
        .unwrap_or(Value::Null);
    json!({
        "id": o.shipment_id,
        "order_id": o.id,
        "reference_id": o.reference_id,
        "status": status,
        "status_details": details,
        "created_date": iso(o.created_at),
        "last_update_at": iso(o.updated_at),
        "last_tracking_update_at": o.shipped_at.map(iso),
        "actual_fulfillment_date": o.shipped_at.map(iso),
        "estimated_fulfillment_date": Value::Null,
        "is_tracking_uploaded": o.tracking.is_some(),
        "location": {"id": 10, "name": warehouse.location_name},
        "recipient": recipient(&o.recipient),
        "products": products,
        "ship_option": o.shipping_method,
        "require_signature": false,
        "tracking": tracking,
    })
}

pub fn order(warehouse: &Warehouse, o: &WarehouseOrder) -> Value {
    let products: Vec<Value> = o
        .lines
        .iter()
        .map(|l| json!({"id": l.line_id, "reference_id": l.sku, "sku": l.sku, "quantity": l.quantity, "unit_price": Value::Null}))
        .collect();
    let tags: Vec<Value> = o
        .tags
        .iter()
        .map(|t| json!({"name": t.name, "value": t.value}))
        .collect();
    json!({
        "id": o.id,
        "created_date": iso(o.created_at),
        "purchase_date": iso(o.created_at),
        "reference_id": o.reference_id,
        "order_number": o.order_number,
        "status": order_status(o),
        "type": o.order_type,
        "channel": {"id": warehouse.channel_id, "name": "drydock"},
        "shipping_method": o.shipping_method,
        "recipient": recipient(&o.recipient),
        "products": products,
        "tags": tags,
        "shipments": [shipment(warehouse, o)],
        "gift_message": Value::Null,
    })
}

pub fn inventory_item(sku: &str, name: &str, level: &StockLevel) -> Value {
    json!({
        "inventory_id": level.inventory_id,
        "name": name,
        "sku": sku,
        "total_on_hand_quantity": level.on_hand,
        "total_committed_quantity": level.committed,
        "total_fulfillable_quantity": level.fulfillable(),
        "total_sellable_quantity": level.sellable(),
        "total_backordered_quantity": 0,
        "total_awaiting_quantity": 0,
        "total_exception_quantity": 0,
        "total_internal_transfer_quantity": 0,
    })
}

pub fn subscription(s: &WarehouseSubscription, secret: Option<&str>) -> Value {
    let mut v = json!({
        "id": s.id,
        "created_at": iso(s.created_at),
        "description": s.description,
        "topics": s.topics,
        "url": s.url,
        "enabled": true,
    });
    if let Some(secret) = secret {
        v["secret"] = json!(secret);
    }
    v
}

// ---- request bodies ----

#[derive(Debug, Deserialize)]
pub struct AddressFields {
    pub address1: Option<String>,
    pub address2: Option<String>,
    pub company_name: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub country: Option<String>,
    pub zip_code: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RecipientFields {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone_number: Option<String>,
    pub address: Option<AddressFields>,
}

#[derive(Debug, Deserialize)]
pub struct ProductFields {
    pub reference_id: Option<String>,
    pub sku: Option<String>,
    pub name: Option<String>,
    pub quantity: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct TagFields {
    pub name: Option<String>,
    pub value: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct OrderBody {
    pub reference_id: Option<String>,
    pub order_number: Option<String>,
    #[serde(rename = "type")]
    pub order_type: Option<String>,
    pub shipping_method: Option<String>,
    pub recipient: Option<RecipientFields>,
    pub products: Option<Vec<ProductFields>>,
    pub tags: Option<Vec<TagFields>>,
}

#[derive(Debug, Deserialize)]
pub struct WebhookBody {
    pub topics: Option<Vec<String>>,
    pub url: Option<String>,
    pub description: Option<String>,
}

/// What the warehouse serves, for the reference docs (paths under `/{version}`).
pub const SURFACE: Surface = Surface {
    persona: "shipbob",
    base: "`DRYDOCK_SHIPBOB_URL` = `http://127.0.0.1:{port}/2026-01` (also `2025-07`, and `2026-07` where inventory quantities lose their `total_` prefix)",
    auth: "`Authorization: Bearer $DRYDOCK_SHIPBOB_TOKEN`; writes also need `shipbob_channel_id: $DRYDOCK_SHIPBOB_CHANNEL_ID` (400 without, 403 for another channel)",
    routes: &[
        Route {
            method: "POST",
            path: "order",
            request: "`reference_id` (unique: a second order with it is 422), `order_number`, `type` (`DTC`), `shipping_method`, `recipient` (`name`, `email`, `phone_number`, `address`: `address1`, `address2`, `company_name`, `city`, `state`, `country`, `zip_code`), `products[]` (`reference_id`, `sku`, `name`, `quantity`), `tags[]` (`name`, `value`)",
            answer: "the order: `id`, `reference_id`, `status`, `shipments[]`",
        },
        Route {
            method: "GET",
            path: "order",
            request: "query `ReferenceIds`",
            answer: "orders",
        },
        Route {
            method: "GET",
            path: "order/{id}",
            request: "",
            answer: "the order: `status`, `tags[]`, `shipments[]` (each shipment as in the webhook body)",
        },
        Route {
            method: "POST",
            path: "order/{id}:cancel",
            request: "",
            answer: "the order, cancelled (422 once shipped)",
        },
        Route {
            method: "GET",
            path: "inventory-level",
            request: "query `SearchBy` (SKU)",
            answer: "`[]` of `inventory_id`, `name`, `sku`, `total_on_hand_quantity`, `total_committed_quantity`, `total_fulfillable_quantity` (sellable)",
        },
        Route {
            method: "GET",
            path: "inventory-level/{id}",
            request: "",
            answer: "one inventory level",
        },
        Route {
            method: "POST",
            path: "webhook",
            request: "`topics[]`, `url`, `description`",
            answer: "the subscription with `id`",
        },
        Route {
            method: "GET",
            path: "webhook",
            request: "",
            answer: "subscriptions",
        },
        Route {
            method: "DELETE",
            path: "webhook/{id}",
            request: "",
            answer: "204",
        },
    ],
    webhooks: &[Webhook {
        topics: "`order.shipped`, `order.shipment.cancelled`, `order.shipment.exception`, `order.shipment.delivered`",
        headers: "`x-webhook-topic` (the topic), Standard Webhooks `webhook-id` (`msg_...`, same on retries), `webhook-timestamp`, `webhook-signature` (`v1,` base64 HMAC-SHA256 of `id.timestamp.body` keyed with the base64 part of `DRYDOCK_SHIPBOB_WEBHOOK_SECRET`)",
        body: "the bare Shipment (no envelope): `id`, `order_id`, `reference_id`, `status`, `status_details[]` (`id`, `name`, `description`: the exception reason), `products[]` with `inventory_items[].quantity` (units shipped) and `quantity_committed`, `tracking` (`carrier`, `tracking_number`, `tracking_url`)",
    }],
};
