//! The warehouse persona speaks ShipBob's dated API (`/2026-01`): bearer auth, the
//! `shipbob_channel_id` header on writes, flat `{"Field": [...]}` validation bodies,
//! ProblemDetails 404s, bare arrays for order lists, `total_*` inventory quantities.

use drydock_core::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use super::{MUG, client, send, shipbob, warehouse_order, world};

async fn inventory(world: &drydock_simulator::WorldHandle, sku: &str) -> Value {
    let reply = send(shipbob(world, Method::GET, "/inventory-level")).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let items = reply.body["items"].as_array().expect("items");
    items
        .iter()
        .find(|i| i["sku"] == sku)
        .cloned()
        .expect("inventory item for sku")
}

async fn create(
    world: &drydock_simulator::WorldHandle,
    reference_id: &str,
    quantity: u32,
) -> Value {
    let body = warehouse_order(reference_id, MUG, quantity, json!([]));
    let reply = send(shipbob(world, Method::POST, "/order").json(&body)).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body
}

#[tokio::test]
async fn wrong_or_missing_token_is_401() {
    let world = world().await;
    let url = format!("{}/order", world.endpoints.shipbob);
    for request in [
        client().get(&url),
        client().get(&url).bearer_auth("sbpat_wrong"),
    ] {
        let reply = send(request).await;
        assert_eq!(reply.status, 401);
        assert_eq!(
            reply.body,
            json!({"message": "Authorization has been denied for this request."})
        );
    }
}

#[tokio::test]
async fn create_without_channel_header_is_400_with_a_flat_field_map() {
    let world = world().await;
    let request = client()
        .post(format!("{}/order", world.endpoints.shipbob))
        .bearer_auth(&world.credentials.shipbob_token)
        .json(&warehouse_order("5500000000001", MUG, 1, json!([])));
    let reply = send(request).await;
    assert_eq!(reply.status, 400);
    let messages = reply.body["shipbob_channel_id"]
        .as_array()
        .expect("flat map keyed by the header name");
    assert!(
        messages.iter().all(Value::is_string) && !messages.is_empty(),
        "{}",
        reply.text
    );
    assert_eq!(
        reply.body.as_object().map(|m| m.len()),
        Some(1),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn created_order_is_201_keeps_its_tags_and_reads_back() {
    let world = world().await;
    let tags = json!([{"name": "carrier_tracking_code", "value": "9400111"}, {"name": "carrier", "value": "USPS"}]);
    let body = warehouse_order("5500000000001", MUG, 2, tags.clone());
    let created = send(shipbob(&world, Method::POST, "/order").json(&body)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let order = &created.body;
    let id = order["id"].as_u64().expect("order ids are numbers");
    assert_eq!(order["reference_id"], "5500000000001");
    assert_eq!(order["status"], "Processing");
    assert_eq!(order["tags"], tags);
    assert_eq!(order["products"][0]["reference_id"], MUG);
    assert_eq!(order["products"][0]["quantity"], 2);
    assert!(order["shipments"][0]["id"].is_u64());
    let read = send(shipbob(&world, Method::GET, &format!("/order/{id}"))).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body["id"].as_u64(), Some(id));
    assert_eq!(read.body["recipient"]["address"]["zip_code"], "90277");
}

#[tokio::test]
async fn duplicate_reference_id_is_422_keyed_reference_id() {
    let world = world().await;
    create(&world, "5500000000001", 1).await;
    let again = send(
        shipbob(&world, Method::POST, "/order").json(&warehouse_order(
            "5500000000001",
            MUG,
            1,
            json!([]),
        )),
    )
    .await;
    assert_eq!(again.status, 422);
    let messages = again.body["ReferenceId"]
        .as_array()
        .expect("ReferenceId messages");
    assert!(
        messages[0]
            .as_str()
            .is_some_and(|m| m.contains("5500000000001")),
        "{}",
        again.text
    );
}

#[tokio::test]
async fn listing_by_reference_ids_returns_a_bare_array() {
    let world = world().await;
    create(&world, "ref-a", 1).await;
    create(&world, "ref-b", 1).await;
    create(&world, "ref-c", 1).await;
    let reply = send(shipbob(
        &world,
        Method::GET,
        "/order?ReferenceIds=ref-a,ref-c",
    ))
    .await;
    assert_eq!(reply.status, 200);
    let orders = reply
        .body
        .as_array()
        .expect("a bare JSON array, no envelope");
    let refs: Vec<&str> = orders
        .iter()
        .filter_map(|o| o["reference_id"].as_str())
        .collect();
    assert_eq!(refs, ["ref-a", "ref-c"]);
}

#[tokio::test]
async fn inventory_levels_report_totals_and_commit_stock_for_an_order() {
    let world = world().await;
    let before = inventory(&world, MUG).await;
    for field in [
        "inventory_id",
        "total_on_hand_quantity",
        "total_committed_quantity",
        "total_fulfillable_quantity",
        "total_sellable_quantity",
    ] {
        assert!(before[field].is_u64(), "{field} in {before}");
    }
    assert_eq!(
        (
            before["total_on_hand_quantity"].as_u64(),
            before["total_committed_quantity"].as_u64()
        ),
        (Some(10), Some(0))
    );
    create(&world, "ref-1", 3).await;
    let after = inventory(&world, MUG).await;
    assert_eq!(after["total_on_hand_quantity"], 10);
    assert_eq!(after["total_committed_quantity"], 3);
    assert_eq!(after["total_fulfillable_quantity"], 7);
    let id = after["inventory_id"].as_u64().expect("inventory id");
    let one = send(shipbob(
        &world,
        Method::GET,
        &format!("/inventory-level/{id}"),
    ))
    .await;
    assert_eq!(one.body["total_committed_quantity"], 3);
}

#[tokio::test]
async fn cancel_releases_committed_stock() {
    let world = world().await;
    let id = create(&world, "ref-1", 4).await["id"]
        .as_u64()
        .expect("order id");
    let reply = send(shipbob(
        &world,
        Method::POST,
        &format!("/order/{id}:cancel"),
    ))
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["order_id"].as_u64(), Some(id));
    assert_eq!(reply.body["status"], "Success");
    assert_eq!(reply.body["order"]["status"], "Cancelled");
    assert_eq!(
        reply.body["canceled_shipment_results"][0]["is_success"],
        true
    );
    let level = inventory(&world, MUG).await;
    assert_eq!(level["total_committed_quantity"], 0);
    assert_eq!(level["total_fulfillable_quantity"], 10);
}

#[tokio::test]
async fn cancel_after_shipping_is_422() {
    let world = world().await;
    let id = create(&world, "ref-1", 1).await["id"]
        .as_u64()
        .expect("order id");
    world
        .advance_to(world.now() + Duration::from_hours(24))
        .await;
    let shipped = send(shipbob(&world, Method::GET, &format!("/order/{id}"))).await;
    assert_eq!(shipped.body["status"], "Fulfilled");
    assert_eq!(shipped.body["shipments"][0]["status"], "Completed");
    let reply = send(shipbob(
        &world,
        Method::POST,
        &format!("/order/{id}:cancel"),
    ))
    .await;
    assert_eq!(reply.status, 422);
    assert!(
        reply.body["Order"]
            .as_array()
            .is_some_and(|m| !m.is_empty()),
        "{}",
        reply.text
    );
    assert_eq!(inventory(&world, MUG).await["total_on_hand_quantity"], 9);
}

#[tokio::test]
async fn unknown_version_and_order_are_404_problem_details() {
    let world = world().await;
    let base = world.endpoints.shipbob.replace("/2026-01", "/2019-01");
    let old = send(
        client()
            .get(format!("{base}/order"))
            .bearer_auth(&world.credentials.shipbob_token),
    )
    .await;
    let missing = send(shipbob(&world, Method::GET, "/order/999")).await;
    for reply in [old, missing] {
        assert_eq!(reply.status, 404);
        assert_eq!(reply.body["status"], 404, "{}", reply.text);
        assert_eq!(reply.body["title"], "Not Found");
        assert!(
            reply.body["type"].is_string() && reply.body["instance"].is_string(),
            "{}",
            reply.text
        );
    }
}

#[tokio::test]
async fn webhook_subscription_is_200_with_a_whsec_secret() {
    let world = world().await;
    let body = json!({"topics": ["order.shipped"], "url": "http://127.0.0.1:9/sb", "description": "drydock"});
    let reply = send(shipbob(&world, Method::POST, "/webhook").json(&body)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(
        reply.body["secret"]
            .as_str()
            .is_some_and(|s| s.starts_with("whsec_")),
        "{}",
        reply.text
    );
    assert_eq!(
        reply.body["secret"],
        world.credentials.shipbob_webhook_secret.as_str()
    );
    assert_eq!(reply.body["topics"], json!(["order.shipped"]));
    let listed = send(shipbob(&world, Method::GET, "/webhook")).await;
    assert_eq!(listed.body["items"][0]["id"], reply.body["id"]);
    let id = reply.body["id"].as_str().expect("webhook id");
    assert_eq!(
        send(shipbob(&world, Method::DELETE, &format!("/webhook/{id}")))
            .await
            .status,
        204
    );
}

#[tokio::test]
async fn json_responses_declare_one_json_content_type() {
    let world = world().await;
    let reply = send(shipbob(&world, Method::GET, "/inventory-level")).await;
    assert_eq!(
        reply.header_all("content-type"),
        ["application/json; charset=utf-8"]
    );
}
