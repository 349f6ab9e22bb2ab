//! The storefront persona speaks Shopify Admin REST: token auth with Shopify's own error
//! text, `{"errors": ...}` bodies, dated versions that fall forward, orders, fulfillment
//! orders, fulfillments and their events, inventory levels and webhook subscriptions.

use reqwest::Method;
use serde_json::{Value, json};

use super::{MUG, TEE, client, place_order, send, shopify, world};

const INVALID_TOKEN: &str =
    "[API] Invalid API key or access token (unrecognized login or wrong password)";

async fn available(world: &drydock_simulator::WorldHandle, sku: &str) -> i64 {
    let products = send(shopify(world, Method::GET, "products.json")).await;
    let variant = products.body["products"]
        .as_array()
        .expect("products")
        .iter()
        .flat_map(|p| p["variants"].as_array().cloned().unwrap_or_default())
        .find(|v| v["sku"] == sku)
        .expect("variant for sku");
    variant["inventory_quantity"]
        .as_i64()
        .expect("inventory_quantity")
}

async fn first_fulfillment_order(world: &drydock_simulator::WorldHandle, order_id: u64) -> Value {
    let fos = send(shopify(
        world,
        Method::GET,
        &format!("orders/{order_id}/fulfillment_orders.json"),
    ))
    .await;
    assert_eq!(fos.status, 200, "{}", fos.text);
    fos.body["fulfillment_orders"][0].clone()
}

#[tokio::test]
async fn missing_or_wrong_token_is_401_with_shopify_text() {
    let world = world().await;
    let url = format!("{}/orders.json", world.endpoints.shopify);
    for request in [
        client().get(&url),
        client()
            .get(&url)
            .header("X-Shopify-Access-Token", "shpat_wrong"),
    ] {
        let reply = send(request).await;
        assert_eq!(reply.status, 401);
        assert_eq!(reply.body, json!({"errors": INVALID_TOKEN}));
    }
}

#[tokio::test]
async fn unknown_ids_and_routes_are_404_errors_not_found() {
    let world = world().await;
    for path in [
        "orders/1.json",
        "fulfillment_orders/1.json",
        "no_such_resource.json",
    ] {
        let reply = send(shopify(&world, Method::GET, path)).await;
        assert_eq!(reply.status, 404, "{path}");
        assert_eq!(reply.body, json!({"errors": "Not Found"}), "{path}");
    }
}

#[tokio::test]
async fn every_response_names_the_served_version_and_call_limit() {
    let world = world().await;
    let reply = send(shopify(&world, Method::GET, "locations.json")).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("X-Shopify-API-Version"), Some("2026-10"));
    assert!(
        reply
            .header("X-Shopify-Shop-Api-Call-Limit")
            .is_some_and(|l| l.ends_with("/40"))
    );
    assert!(
        reply.header("X-Shopify-Api-Deprecated-Reason").is_none(),
        "the current version is not deprecated"
    );
}

#[tokio::test]
async fn retired_version_falls_forward_to_oldest_supported_with_deprecation_header() {
    let world = world().await;
    let base = world.endpoints.shopify.replace("/2026-10", "/2023-04");
    let request = client().get(format!("{base}/products.json")).header(
        "X-Shopify-Access-Token",
        &world.credentials.shopify_access_token,
    );
    let reply = send(request).await;
    assert_eq!(
        reply.status, 200,
        "a retired version is served, not refused: {}",
        reply.text
    );
    assert_eq!(reply.header("X-Shopify-API-Version"), Some("2025-10"));
    assert!(reply.header("X-Shopify-Api-Deprecated-Reason").is_some());
    assert!(reply.body["products"].is_array());
}

#[tokio::test]
async fn unknown_version_is_404() {
    let world = world().await;
    for version in ["2099-01", "latest"] {
        let base = world
            .endpoints
            .shopify
            .replace("/2026-10", &format!("/{version}"));
        let request = client().get(format!("{base}/products.json")).header(
            "X-Shopify-Access-Token",
            &world.credentials.shopify_access_token,
        );
        assert_eq!(send(request).await.status, 404, "{version}");
    }
}

#[tokio::test]
async fn products_and_locations_list_the_catalog() {
    let world = world().await;
    let locations = send(shopify(&world, Method::GET, "locations.json")).await;
    let location = &locations.body["locations"][0];
    assert!(location["id"].is_u64());
    assert_eq!(location["active"], true);
    let products = send(shopify(&world, Method::GET, "products.json")).await;
    let products = products.body["products"]
        .as_array()
        .expect("products")
        .clone();
    assert_eq!(products.len(), 2);
    for p in &products {
        let v = &p["variants"][0];
        assert!(
            p["id"].is_u64() && v["id"].is_u64() && v["inventory_item_id"].is_u64(),
            "{p}"
        );
        assert_eq!(v["product_id"], p["id"]);
        assert!(v["price"].is_string(), "Shopify prices are strings: {v}");
    }
    assert_eq!(available(&world, MUG).await, 10);
}

#[tokio::test]
async fn placed_order_reads_back_in_shopify_shape() {
    let world = world().await;
    let id = place_order(&world, &[(MUG, 2), (TEE, 1)]).await;
    let reply = send(shopify(&world, Method::GET, &format!("orders/{id}.json"))).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let order = &reply.body["order"];
    assert_eq!(order["id"].as_u64(), Some(id), "order ids are numbers");
    assert_eq!(order["name"], "#1001");
    assert_eq!(order["order_number"], 1001);
    assert_eq!(
        order["admin_graphql_api_id"],
        format!("gid://shopify/Order/{id}")
    );
    assert_eq!(order["cancelled_at"], Value::Null);
    assert_eq!(order["fulfillment_status"], Value::Null);
    assert_eq!(order["total_price"], "48.00");
    let skus: Vec<&str> = order["line_items"]
        .as_array()
        .expect("line_items")
        .iter()
        .filter_map(|l| l["sku"].as_str())
        .collect();
    assert_eq!(skus, [MUG, TEE]);
    let address = &order["shipping_address"];
    for field in [
        "first_name",
        "last_name",
        "name",
        "address1",
        "city",
        "province_code",
        "zip",
        "country_code",
    ] {
        assert!(
            address[field].is_string(),
            "shipping_address.{field} in {address}"
        );
    }
    assert_eq!(address["last_name"], "Lovelace");
    assert_eq!(address["zip"], "90277");
    let listed = send(shopify(
        &world,
        Method::GET,
        &format!("orders.json?status=any&ids={id}"),
    ))
    .await;
    assert_eq!(listed.body["orders"][0]["id"].as_u64(), Some(id));
}

#[tokio::test]
async fn placing_an_order_decrements_available() {
    let world = world().await;
    place_order(&world, &[(MUG, 3)]).await;
    assert_eq!(available(&world, MUG).await, 7);
    assert_eq!(available(&world, TEE).await, 5);
}

#[tokio::test]
async fn cancel_sets_cancelled_at_restocks_and_refuses_a_second_cancel() {
    let world = world().await;
    let id = place_order(&world, &[(MUG, 4)]).await;
    let path = format!("orders/{id}/cancel.json");
    let reply = send(
        shopify(&world, Method::POST, &path).json(&json!({"reason": "customer", "restock": true})),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(reply.body["order"]["cancelled_at"].is_string());
    assert_eq!(reply.body["order"]["cancel_reason"], "customer");
    assert_eq!(
        available(&world, MUG).await,
        10,
        "the cancelled units are back on sale"
    );
    assert_eq!(
        first_fulfillment_order(&world, id).await["status"],
        "cancelled"
    );
    let again = send(shopify(&world, Method::POST, &path).json(&json!({}))).await;
    assert_eq!(again.status, 422);
    assert!(again.body["errors"].is_object(), "{}", again.text);
}

#[tokio::test]
async fn accepting_a_fulfillment_request_moves_the_order_in_progress() {
    let world = world().await;
    let id = place_order(&world, &[(MUG, 1)]).await;
    let fo = first_fulfillment_order(&world, id).await;
    assert_eq!(fo["status"], "open");
    assert_eq!(fo["request_status"], "submitted");
    assert_eq!(fo["order_id"].as_u64(), Some(id));
    let fo_id = fo["id"].as_u64().expect("fulfillment order id");
    let body = json!({"fulfillment_request": {"message": "on it"}});
    let path = format!("fulfillment_orders/{fo_id}/fulfillment_request/accept.json");
    let reply = send(shopify(&world, Method::POST, &path).json(&body)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["fulfillment_order"]["status"], "in_progress");
    assert_eq!(
        reply.body["fulfillment_order"]["request_status"],
        "accepted"
    );
}

#[tokio::test]
async fn hold_needs_a_known_reason_and_release_reopens() {
    let world = world().await;
    let id = place_order(&world, &[(MUG, 1)]).await;
    let fo_id = first_fulfillment_order(&world, id).await["id"]
        .as_u64()
        .expect("fo id");
    let hold = format!("fulfillment_orders/{fo_id}/hold.json");
    let bad = send(
        shopify(&world, Method::POST, &hold)
            .json(&json!({"fulfillment_hold": {"reason": "bored"}})),
    )
    .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body["errors"]["reason"].is_array(), "{}", bad.text);
    let body = json!({"fulfillment_hold": {"reason": "incorrect_address", "reason_notes": "no such street"}});
    let held = send(shopify(&world, Method::POST, &hold).json(&body)).await;
    assert_eq!(held.status, 200, "{}", held.text);
    assert_eq!(held.body["fulfillment_order"]["status"], "on_hold");
    assert_eq!(
        held.body["fulfillment_order"]["fulfillment_holds"][0]["reason"],
        "incorrect_address"
    );
    let released = send(shopify(
        &world,
        Method::POST,
        &format!("fulfillment_orders/{fo_id}/release_hold.json"),
    ))
    .await;
    assert_eq!(released.body["fulfillment_order"]["status"], "open");
}

/// Places an order and fulfills its one fulfillment order with tracking; returns
/// (order id, fulfillment order id, the 201 reply's fulfillment).
async fn fulfilled_order(
    world: &std::sync::Arc<drydock_simulator::WorldHandle>,
) -> (u64, u64, Value) {
    let id = place_order(world, &[(MUG, 1)]).await;
    let fo_id = first_fulfillment_order(world, id).await["id"]
        .as_u64()
        .expect("fo id");
    let body = json!({"fulfillment": {
        "line_items_by_fulfillment_order": [{"fulfillment_order_id": fo_id}],
        "tracking_info": {"number": "9400100000000000000001", "url": "https://tools.usps.com/x", "company": "USPS"},
        "notify_customer": true,
    }});
    let reply = send(shopify(world, Method::POST, "fulfillments.json").json(&body)).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    (id, fo_id, reply.body["fulfillment"].clone())
}

#[tokio::test]
async fn fulfillment_is_201_and_closes_the_fulfillment_order() {
    let world = world().await;
    let (id, fo_id, fulfillment) = fulfilled_order(&world).await;
    assert!(fulfillment["id"].is_u64());
    assert_eq!(fulfillment["order_id"].as_u64(), Some(id));
    assert_eq!(fulfillment["status"], "success");
    assert_eq!(fulfillment["name"], "#1001.1");
    assert_eq!(fulfillment["tracking_number"], "9400100000000000000001");
    assert_eq!(
        fulfillment["tracking_numbers"],
        json!(["9400100000000000000001"])
    );
    assert_eq!(fulfillment["tracking_company"], "USPS");
    let fo = send(shopify(
        &world,
        Method::GET,
        &format!("fulfillment_orders/{fo_id}.json"),
    ))
    .await;
    assert_eq!(fo.body["fulfillment_order"]["status"], "closed");
    let order = send(shopify(&world, Method::GET, &format!("orders/{id}.json"))).await;
    assert_eq!(order.body["order"]["fulfillment_status"], "fulfilled");
}

#[tokio::test]
async fn fulfillment_lists_its_line_items() {
    let world = world().await;
    let (_, _, fulfillment) = fulfilled_order(&world).await;
    let lines = fulfillment["line_items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        lines.len(),
        1,
        "fulfillment without line_items: {fulfillment}"
    );
    assert_eq!(lines[0]["sku"], MUG);
}

#[tokio::test]
async fn fulfillment_event_is_201_and_sets_shipment_status() {
    let world = world().await;
    let (id, _, fulfillment) = fulfilled_order(&world).await;
    let fid = fulfillment["id"].as_u64().expect("fulfillment id");
    let path = format!("orders/{id}/fulfillments/{fid}/events.json");
    let body = json!({"event": {"status": "in_transit", "happened_at": "2026-12-01T12:00:00Z", "message": "Accepted"}});
    let reply = send(shopify(&world, Method::POST, &path).json(&body)).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let event = &reply.body["fulfillment_event"];
    assert_eq!(event["status"], "in_transit");
    assert_eq!(event["fulfillment_id"].as_u64(), Some(fid));
    assert_eq!(event["order_id"].as_u64(), Some(id));
    let bad = send(
        shopify(&world, Method::POST, &path).json(&json!({"event": {"status": "teleported"}})),
    )
    .await;
    assert_eq!(bad.status, 422);
    let listed = send(shopify(
        &world,
        Method::GET,
        &format!("orders/{id}/fulfillments.json"),
    ))
    .await;
    assert_eq!(
        listed.body["fulfillments"][0]["shipment_status"],
        "in_transit"
    );
}

#[tokio::test]
async fn inventory_levels_set_and_adjust_available() {
    let world = world().await;
    let (item, location) = world.read(|w| {
        (
            w.channels.first().listings[MUG].inventory_item_id,
            w.channels.first().location_id,
        )
    });
    let set = json!({"location_id": location, "inventory_item_id": item, "available": 3});
    let reply = send(shopify(&world, Method::POST, "inventory_levels/set.json").json(&set)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["inventory_level"]["available"], 3);
    let adjust =
        json!({"location_id": location, "inventory_item_id": item, "available_adjustment": -2});
    let reply =
        send(shopify(&world, Method::POST, "inventory_levels/adjust.json").json(&adjust)).await;
    assert_eq!(reply.body["inventory_level"]["available"], 1);
    let listed = send(shopify(
        &world,
        Method::GET,
        &format!("inventory_levels.json?inventory_item_ids={item}"),
    ))
    .await;
    let level = &listed.body["inventory_levels"][0];
    assert_eq!(
        (
            level["inventory_item_id"].as_u64(),
            level["location_id"].as_u64()
        ),
        (Some(item), Some(location))
    );
    assert_eq!(level["available"], 1);
}

#[tokio::test]
async fn webhook_subscriptions_create_list_reject_duplicates_and_delete() {
    let world = world().await;
    let body = json!({"webhook": {"topic": "orders/create", "address": "http://127.0.0.1:9/hooks", "format": "json"}});
    let created = send(shopify(&world, Method::POST, "webhooks.json").json(&body)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let hook = &created.body["webhook"];
    assert_eq!(
        (hook["topic"].as_str(), hook["format"].as_str()),
        (Some("orders/create"), Some("json"))
    );
    let id = hook["id"].as_u64().expect("webhook id is numeric");
    let duplicate = send(shopify(&world, Method::POST, "webhooks.json").json(&body)).await;
    assert_eq!(duplicate.status, 422);
    assert!(
        duplicate.text.contains("already been taken"),
        "{}",
        duplicate.text
    );
    let listed = send(shopify(&world, Method::GET, "webhooks.json")).await;
    assert_eq!(listed.body["webhooks"].as_array().map(Vec::len), Some(1));
    let deleted = send(shopify(
        &world,
        Method::DELETE,
        &format!("webhooks/{id}.json"),
    ))
    .await;
    assert_eq!(deleted.status, 200);
    let listed = send(shopify(&world, Method::GET, "webhooks.json")).await;
    assert_eq!(listed.body["webhooks"], json!([]));
}

#[tokio::test]
async fn malformed_json_is_400_required_parameter_missing() {
    let world = world().await;
    let broken = shopify(&world, Method::POST, "webhooks.json")
        .header("content-type", "application/json")
        .body("{\"webhook\": ");
    let reply = send(broken).await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.body,
        json!({"errors": {"webhook": "Required parameter missing or invalid"}})
    );
}

#[tokio::test]
async fn json_responses_declare_one_json_content_type() {
    let world = world().await;
    let reply = send(shopify(&world, Method::GET, "products.json")).await;
    assert_eq!(
        reply.header_all("content-type"),
        ["application/json; charset=utf-8"]
    );
}

#[tokio::test]
async fn a_partial_fulfillment_leaves_the_rest_open_and_refuses_too_much() {
    let world = world().await;
    let id = place_order(&world, &[(MUG, 2)]).await;
    let fo = first_fulfillment_order(&world, id).await;
    let fo_id = fo["id"].as_u64().expect("fo id");
    let line_id = fo["line_items"][0]["id"].as_u64().expect("fo line id");
    let partial = |quantity: u32| {
        json!({"fulfillment": {
            "line_items_by_fulfillment_order": [{
                "fulfillment_order_id": fo_id,
                "fulfillment_order_line_items": [{"id": line_id, "quantity": quantity}],
            }],
            "tracking_info": {"number": "9400100000000000000001", "company": "USPS"},
        }})
    };
    let one = send(shopify(&world, Method::POST, "fulfillments.json").json(&partial(1))).await;
    assert_eq!(one.status, 201, "{}", one.text);
    assert_eq!(one.body["fulfillment"]["line_items"][0]["quantity"], 1);
    let after = first_fulfillment_order(&world, id).await;
    assert_eq!(after["status"], "in_progress");
    assert_eq!(after["line_items"][0]["fulfillable_quantity"], 1);
    let order = send(shopify(&world, Method::GET, &format!("orders/{id}.json"))).await;
    assert_eq!(order.body["order"]["fulfillment_status"], "partial");
    assert_eq!(
        order.body["order"]["line_items"][0]["fulfillable_quantity"],
        1
    );

    let too_much = send(shopify(&world, Method::POST, "fulfillments.json").json(&partial(2))).await;
    assert_eq!(too_much.status, 422, "{}", too_much.text);
    assert!(
        too_much.text.contains("left to fulfill"),
        "{}",
        too_much.text
    );
    let rest = send(shopify(&world, Method::POST, "fulfillments.json").json(&partial(1))).await;
    assert_eq!(rest.status, 201, "{}", rest.text);
    assert_eq!(
        first_fulfillment_order(&world, id).await["status"],
        "closed"
    );
    let order = send(shopify(&world, Method::GET, &format!("orders/{id}.json"))).await;
    assert_eq!(order.body["order"]["fulfillment_status"], "fulfilled");
}
