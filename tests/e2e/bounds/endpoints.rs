//! Every persona endpoint as a generator: the `n`-th endpoint with values drawn for one
//! request, acting on ids of things the world holds (or on ids that name nothing).

use axum::http::Method;
use drydock_simulator::ProviderId;
use drydock_simulator::WorldHandle;
use serde_json::{Value, json};

use super::draw::{Draw, obj};

/// The ids of what the world holds, as JSON values and path segments.
#[derive(Default)]
pub(crate) struct Known {
    orders: Vec<Value>,
    fulfillment_orders: Vec<Value>,
    fo_lines: Vec<Value>,
    fulfillments: Vec<Value>,
    items: Vec<Value>,
    locations: Vec<Value>,
    shopify_hooks: Vec<Value>,
    shipments: Vec<String>,
    rates: Vec<Value>,
    addresses: Vec<Value>,
    trackers: Vec<String>,
    carrier_hooks: Vec<String>,
    warehouse_orders: Vec<String>,
    inventory: Vec<String>,
    warehouse_hooks: Vec<String>,
}

pub(crate) fn known(world: &WorldHandle) -> Known {
    world.read(|w| {
        let sf = &w.channels.first();
        let c = w.carriers.first();
        Known {
            orders: sf.orders.keys().map(|k| json!(k)).collect(),
            fulfillment_orders: sf.fulfillment_orders.keys().map(|k| json!(k)).collect(),
            fo_lines: sf
                .fulfillment_orders
                .values()
                .flat_map(|fo| fo.line_items.iter().map(|l| json!(l.id)))
                .collect(),
            fulfillments: sf.fulfillments.keys().map(|k| json!(k)).collect(),
            items: sf.inventory.keys().map(|k| json!(k)).collect(),
            locations: vec![json!(sf.location_id)],
            shopify_hooks: sf.webhooks.iter().map(|h| json!(h.id)).collect(),
            shipments: c.shipments.keys().cloned().collect(),
            rates: c
                .shipments
                .values()
                .flat_map(|s| s.rates.iter().map(|r| json!(r.id)))
                .collect(),
            addresses: c.addresses.keys().map(|k| json!(k)).collect(),
            trackers: c.trackers.keys().cloned().collect(),
            carrier_hooks: c.webhooks.iter().map(|h| h.id.clone()).collect(),
            warehouse_orders: w
                .warehouses
                .first()
                .orders
                .keys()
                .map(u64::to_string)
                .collect(),
            inventory: w
                .warehouses
                .first()
                .stock
                .values()
                .map(|l| l.inventory_id.to_string())
                .collect(),
            warehouse_hooks: w
                .warehouses
                .first()
                .webhooks
                .iter()
                .map(|h| h.id.clone())
                .collect(),
        }
    })
}

fn segs(values: &[Value]) -> Vec<String> {
    values
        .iter()
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
        .collect()
}

/// Where webhooks of generated subscriptions go: loopback, a port nothing listens on.
const HOOK_URL: &str = "http://127.0.0.1:9/hooks";

fn address(d: &mut Draw) -> Value {
    let fields = vec![
        ("name", d.text("Ada King Lovelace")),
        ("street1", d.text("179 N Harbor Dr")),
        ("street2", d.text("Apt 4")),
        ("city", d.text("Redondo Beach")),
        ("state", d.text("CA")),
        ("zip", d.text("90277")),
        ("country", d.text("US")),
    ];
    obj(fields, d)
}

/// How many endpoints [`request`] knows.
pub(crate) const ENDPOINTS: u32 = 44;

/// The `n`-th endpoint with generated values: persona, method, path (with query), body.
pub(crate) fn request(n: u32, d: &mut Draw, k: &Known) -> (ProviderId, Method, String, Value) {
    use ProviderId::{EasyPost, ShipBob, Shopify, Slack};
    let order = d.segment(&segs(&k.orders));
    let fo = d.segment(&segs(&k.fulfillment_orders));
    let fulfillment = d.segment(&segs(&k.fulfillments));
    let shipment = d.segment(&k.shipments);
    let none = Value::Null;
    match n {
        0 => (Shopify, Method::GET, "locations.json".into(), none),
        1 => (Shopify, Method::GET, "products.json".into(), none),
        2 => {
            let limit = d.pick(&["1", "0", "-1", "250", "99999999999999999999", "x"]);
            let status = d.pick(&["any", "open", "cancelled", "closed", "ü"]);
            (
                Shopify,
                Method::GET,
                format!("orders.json?status={status}&limit={limit}&ids={order}"),
                none,
            )
        }
        3 => (
            Shopify,
            Method::GET,
            "orders/count.json?status=any".into(),
            none,
        ),
        4 => (Shopify, Method::GET, format!("orders/{order}.json"), none),
        5 => {
            let body = obj(
                vec![
                    ("reason", d.text("customer")),
                    (
                        "restock",
                        d.pick(&[json!(true), json!(false), json!("yes")]),
                    ),
                ],
                d,
            );
            (
                Shopify,
                Method::POST,
                format!("orders/{order}/cancel.json"),
                body,
            )
        }
        6 => (
            Shopify,
            Method::GET,
            format!("orders/{order}/fulfillment_orders.json"),
            none,
        ),
        7 => (
            Shopify,
            Method::GET,
            format!("orders/{order}/fulfillments.json"),
            none,
        ),
        8 => {
            let status = d.text("in_transit");
            let event = obj(
                vec![
                    ("status", status),
                    ("happened_at", d.text("2026-12-02T10:00:00Z")),
                    ("estimated_delivery_at", d.text("+999999-01-01T00:00:00Z")),
                    ("message", d.text("Departed")),
                ],
                d,
            );
            let body = obj(vec![("event", event)], d);
            (
                Shopify,
                Method::POST,
                format!("orders/{order}/fulfillments/{fulfillment}/events.json"),
                body,
            )
        }
        9 => (
            Shopify,
            Method::GET,
            format!("orders/{order}/fulfillments/{fulfillment}/events.json"),
            none,
        ),
        10 => (
            Shopify,
            Method::GET,
            format!("fulfillment_orders/{fo}.json"),
            none,
        ),
        11 => (
            Shopify,
            Method::POST,
            format!("fulfillment_orders/{fo}/fulfillment_request/accept.json"),
            json!({}),
        ),
        12 => {
            let hold = obj(
                vec![
                    ("reason", d.text("incorrect_address")),
                    ("reason_notes", d.text("check")),
                ],
                d,
            );
            let body = obj(vec![("fulfillment_hold", hold)], d);
            (
                Shopify,
                Method::POST,
                format!("fulfillment_orders/{fo}/hold.json"),
                body,
            )
        }
        13 => (
            Shopify,
            Method::POST,
            format!("fulfillment_orders/{fo}/release_hold.json"),
            json!({}),
        ),
        14 => {
            let line = obj(
                vec![("id", d.id(&k.fo_lines)), ("quantity", d.number(json!(1)))],
                d,
            );
            let line2 = obj(
                vec![("id", d.id(&k.fo_lines)), ("quantity", d.number(json!(1)))],
                d,
            );
            let lines = d.pick(&[
                json!([line.clone()]),
                json!([line.clone(), line]),
                json!([line2]),
                none.clone(),
            ]);
            let by = obj(
                vec![
                    ("fulfillment_order_id", d.id(&k.fulfillment_orders)),
                    ("fulfillment_order_line_items", lines),
                ],
                d,
            );
            let tracking = obj(
                vec![
                    ("number", d.text("9400100000000000000000")),
                    ("company", d.text("USPS")),
                ],
                d,
            );
            let f = obj(
                vec![
                    (
                        "line_items_by_fulfillment_order",
                        d.pick(&[json!([by.clone()]), json!([by.clone(), by]), json!([])]),
                    ),
                    ("tracking_info", tracking),
                ],
                d,
            );
            (
                Shopify,
                Method::POST,
                "fulfillments.json".into(),
                obj(vec![("fulfillment", f)], d),
            )
        }
        15 => {
            let tracking = obj(
                vec![
                    ("number", d.text("9400111")),
                    ("url", d.text("https://t.example")),
                ],
                d,
            );
            let body = json!({"fulfillment": obj(vec![("tracking_info", tracking)], d)});
            (
                Shopify,
                Method::POST,
                format!("fulfillments/{fulfillment}/update_tracking.json"),
                body,
            )
        }
        16 => {
            let item = d.id(&k.items);
            (
                Shopify,
                Method::GET,
                format!("inventory_levels.json?inventory_item_ids={item}"),
                none,
            )
        }
        17 | 18 => {
            let (path, field, valid) = if n == 17 {
                ("inventory_levels/set.json", "available", json!(7))
            } else {
                (
                    "inventory_levels/adjust.json",
                    "available_adjustment",
                    json!(-2),
                )
            };
            let body = obj(
                vec![
                    ("location_id", d.id(&k.locations)),
                    ("inventory_item_id", d.id(&k.items)),
                    (field, d.number(valid)),
                ],
                d,
            );
            (Shopify, Method::POST, path.into(), body)
        }
        19 => (Shopify, Method::GET, "webhooks.json".into(), none),
        20 => {
            let hook = obj(
                vec![
                    ("topic", d.text("orders/create")),
                    (
                        "address",
                        d.pick(&[json!(HOOK_URL), json!(""), json!("ftp://x"), json!(1)]),
                    ),
                    ("format", json!("json")),
                ],
                d,
            );
            (
                Shopify,
                Method::POST,
                "webhooks.json".into(),
                obj(vec![("webhook", hook)], d),
            )
        }
        21 => {
            let hook = d.segment(&segs(&k.shopify_hooks));
            (
                Shopify,
                Method::DELETE,
                format!("webhooks/{hook}.json"),
                none,
            )
        }
        22 | 23 => {
            let path = if n == 22 {
                "/addresses"
            } else {
                "/addresses/create_and_verify"
            };
            let body = obj(
                vec![
                    ("address", address(d)),
                    (
                        "verify",
                        d.pick(&[json!(true), json!(["delivery"]), json!("x"), none.clone()]),
                    ),
                ],
                d,
            );
            (EasyPost, Method::POST, path.into(), body)
        }
        24 => {
            let a = d.segment(&segs(&k.addresses));
            (EasyPost, Method::GET, format!("/addresses/{a}"), none)
        }
        25 => {
            let a = d.segment(&segs(&k.addresses));
            (
                EasyPost,
                Method::GET,
                format!("/addresses/{a}/verify"),
                none,
            )
        }
        26 => {
            let from = if d.below(3) == 0 {
                json!({"id": d.id(&k.addresses)})
            } else {
                address(d)
            };
            let parcel = obj(
                vec![
                    ("weight", d.number(json!(12.5))),
                    ("length", d.number(json!(8))),
                    ("width", d.number(json!(6))),
                    ("height", d.number(json!(4))),
                ],
                d,
            );
            let shipment = obj(
                vec![
                    ("to_address", address(d)),
                    ("from_address", from),
                    ("parcel", parcel),
                    ("reference", d.text("1001")),
                ],
                d,
            );
            (
                EasyPost,
                Method::POST,
                "/shipments".into(),
                obj(vec![("shipment", shipment)], d),
            )
        }
        27 => (EasyPost, Method::GET, "/shipments".into(), none),
        28 => (
            EasyPost,
            Method::GET,
            format!("/shipments/{shipment}"),
            none,
        ),
        29 => {
            let body = obj(vec![("rate", obj(vec![("id", d.id(&k.rates))], d))], d);
            (
                EasyPost,
                Method::POST,
                format!("/shipments/{shipment}/buy"),
                body,
            )
        }
        30 => (
            EasyPost,
            Method::POST,
            format!("/shipments/{shipment}/refund"),
            json!({}),
        ),
        31 => {
            let code = d.pick(&["EZ1000000001", "EZ4000000004", "", "x", "🚀"]);
            let tracker = obj(
                vec![("tracking_code", d.text(code)), ("carrier", d.text("USPS"))],
                d,
            );
            (
                EasyPost,
                Method::POST,
                "/trackers".into(),
                obj(vec![("tracker", tracker)], d),
            )
        }
        32 => (EasyPost, Method::GET, "/trackers?page_size=5".into(), none),
        33 => {
            let t = d.segment(&k.trackers);
            (EasyPost, Method::GET, format!("/trackers/{t}"), none)
        }
        34 => {
            let hook = obj(
                vec![
                    ("url", d.pick(&[json!(HOOK_URL), json!(""), json!(7)])),
                    ("webhook_secret", d.text("s3cret")),
                ],
                d,
            );
            (
                EasyPost,
                Method::POST,
                "/webhooks".into(),
                obj(vec![("webhook", hook)], d),
            )
        }
        35 => {
            let hook = d.segment(&k.carrier_hooks);
            (EasyPost, Method::DELETE, format!("/webhooks/{hook}"), none)
        }
        36 => {
            let product = obj(
                vec![
                    (
                        "reference_id",
                        d.pick(&[
                            json!(crate::personas::MUG),
                            json!("NOPE"),
                            json!(""),
                            json!(5),
                        ]),
                    ),
                    ("name", d.text("Mug")),
                    ("quantity", d.number(json!(1))),
                ],
                d,
            );
            let products = d.pick(&[
                json!([product.clone()]),
                json!([product.clone(), product]),
                json!([]),
            ]);
            let recipient = obj(
                vec![
                    ("name", d.text("Ada King Lovelace")),
                    (
                        "address",
                        obj(
                            vec![
                                ("address1", d.text("179 N Harbor Dr")),
                                ("city", d.text("Redondo Beach")),
                                ("country", d.text("US")),
                                ("zip_code", d.text("90277")),
                            ],
                            d,
                        ),
                    ),
                ],
                d,
            );
            let fresh = json!(format!("r{}", d.below(1000)));
            let reference = d.pick(&[json!("1001"), json!("2002"), fresh, json!("")]);
            let body = obj(
                vec![
                    ("reference_id", reference),
                    ("shipping_method", d.text("Standard")),
                    ("recipient", recipient),
                    ("products", products),
                    ("tags", json!([{"name": "carrier", "value": "USPS"}])),
                ],
                d,
            );
            (ShipBob, Method::POST, "/order".into(), body)
        }
        37 => (
            ShipBob,
            Method::GET,
            "/order?Limit=99999999999999999999".into(),
            none,
        ),
        38 => {
            let o = d.segment(&k.warehouse_orders);
            (ShipBob, Method::GET, format!("/order/{o}"), none)
        }
        39 => {
            let o = d.segment(&k.warehouse_orders);
            (
                ShipBob,
                Method::POST,
                format!("/order/{o}:cancel"),
                json!({}),
            )
        }
        40 => {
            let i = d.segment(&k.inventory);
            let path = d.pick(&[
                format!("/inventory-level/{i}"),
                format!("/inventory-level?InventoryIds={i}"),
            ]);
            (ShipBob, Method::GET, path, none)
        }
        41 => {
            let topics = d.pick(&[
                json!(["order.shipped"]),
                json!([]),
                json!(["nope"]),
                json!("order.shipped"),
            ]);
            let body = obj(
                vec![
                    ("topics", topics),
                    ("url", d.pick(&[json!(HOOK_URL), json!("x")])),
                    ("description", d.text("hook")),
                ],
                d,
            );
            (ShipBob, Method::POST, "/webhook".into(), body)
        }
        42 => {
            let hook = d.segment(&k.warehouse_hooks);
            (ShipBob, Method::DELETE, format!("/webhook/{hook}"), none)
        }
        _ => {
            let body = obj(vec![("text", d.text("Order #1001 is held"))], d);
            (Slack, Method::POST, String::new(), body)
        }
    }
}
