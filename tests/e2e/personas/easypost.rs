//! The carrier persona speaks EasyPost `/v2`: Bearer or Basic auth, bodies wrapped by
//! object name, prefixed string ids everywhere, `{"error": {...}}` bodies, address
//! verification with EasyPost's codes, rates as decimal strings, labels, trackers.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use serde_json::{Value, json};

use super::{buy_label, client, easypost, send, world};

fn valid_address() -> Value {
    json!({"name": "Dr. Steve Brule", "street1": "179 n  harbor dr", "city": "Redondo Beach", "state": "ca", "zip": "90277-1234", "country": "US"})
}

/// Every `id` and `*_id` at any depth is a string or null: the SDK picks the class of an
/// object from its id's prefix and breaks on numbers.
fn non_string_ids(value: &Value, path: &str, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let here = format!("{path}.{key}");
                if (key == "id" || key.ends_with("_id")) && !(v.is_string() || v.is_null()) {
                    found.push(format!("{here} = {v}"));
                }
                non_string_ids(v, &here, found);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                non_string_ids(v, &format!("{path}[{i}]"), found);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn bearer_and_basic_auth_are_both_accepted() {
    let world = world().await;
    let url = format!("{}/shipments", world.endpoints.easypost);
    let key = &world.credentials.easypost_api_key;
    let basic = format!("Basic {}", STANDARD.encode(format!("{key}:")));
    for request in [
        client().get(&url).bearer_auth(key),
        client().get(&url).header("authorization", basic),
    ] {
        let reply = send(request).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.body["has_more"], false);
    }
}

#[tokio::test]
async fn missing_or_wrong_key_is_401_with_an_error_code() {
    let world = world().await;
    let url = format!("{}/addresses", world.endpoints.easypost);
    let cases = [
        (client().post(&url), "APIKEY.REQUIRED"),
        (
            client().post(&url).bearer_auth("EZTKwrong"),
            "APIKEY.INACTIVE",
        ),
    ];
    for (request, code) in cases {
        let reply = send(request.json(&json!({"address": valid_address()}))).await;
        assert_eq!(reply.status, 401);
        assert_eq!(reply.body["error"]["code"], code, "{}", reply.text);
        assert!(reply.body["error"]["message"].is_string());
        assert!(reply.body["error"]["errors"].is_array());
    }
}

#[tokio::test]
async fn verified_address_is_created_with_delivery_success_and_normalized() {
    let world = world().await;
    let reply = send(
        easypost(&world, Method::POST, "/addresses")
            .json(&json!({"address": valid_address(), "verify": true})),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let a = &reply.body;
    assert_eq!(a["object"], "Address");
    assert!(a["id"].as_str().is_some_and(|id| id.starts_with("adr_")));
    assert_eq!(a["verifications"]["delivery"]["success"], true);
    assert_eq!(a["verifications"]["delivery"]["errors"], json!([]));
    assert_eq!(a["street1"], "179 N HARBOR DR");
    assert_eq!(a["city"], "REDONDO BEACH");
    assert_eq!(a["state"], "CA");
    assert_eq!(a["zip"], "90277");
}

#[tokio::test]
async fn undeliverable_address_is_still_201_with_easypost_error_codes() {
    let world = world().await;
    let bad =
        json!({"street1": "", "city": "Nowhere", "state": "CA", "zip": "00000", "country": "US"});
    let reply = send(
        easypost(&world, Method::POST, "/addresses")
            .json(&json!({"address": bad, "verify": ["delivery"]})),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let delivery = &reply.body["verifications"]["delivery"];
    assert_eq!(delivery["success"], false);
    let codes: Vec<&str> = delivery["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["code"].as_str())
        .collect();
    assert!(codes.contains(&"E.ADDRESS.NOT_FOUND"), "{codes:?}");
    assert!(codes.contains(&"E.ZIP.NOT_FOUND"), "{codes:?}");
    for e in delivery["errors"].as_array().expect("errors") {
        assert!(
            e["field"].is_string() && e["message"].is_string() && e["suggestion"].is_null(),
            "{e}"
        );
    }
}

#[tokio::test]
async fn address_in_a_nonexistent_zip_is_not_found() {
    let world = world().await;
    let bad = json!({"street1": "000 Nowhere Missing", "city": "Nowhere", "state": "CA", "zip": "00000", "country": "US"});
    let reply = send(
        easypost(&world, Method::POST, "/addresses").json(&json!({"address": bad, "verify": true})),
    )
    .await;
    let delivery = &reply.body["verifications"]["delivery"];
    assert_eq!(delivery["success"], false);
    let codes: Vec<&str> = delivery["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["code"].as_str())
        .collect();
    assert!(codes.contains(&"E.ADDRESS.NOT_FOUND"), "{codes:?}");
}

#[tokio::test]
async fn create_and_verify_wraps_the_address_or_fails_with_422() {
    let world = world().await;
    let ok = send(
        easypost(&world, Method::POST, "/addresses/create_and_verify")
            .json(&json!({"address": valid_address()})),
    )
    .await;
    assert!(matches!(ok.status, 200 | 201), "{}", ok.text);
    assert!(
        ok.body["address"]["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("adr_")),
        "{}",
        ok.text
    );
    assert_eq!(
        ok.body["address"]["verifications"]["delivery"]["success"],
        true
    );
    let bad = json!({"street1": "Harbor Dr", "city": "Redondo Beach", "state": "CA", "zip": "90277", "country": "US"});
    let failed = send(
        easypost(&world, Method::POST, "/addresses/create_and_verify")
            .json(&json!({"address": bad})),
    )
    .await;
    assert_eq!(failed.status, 422);
    assert_eq!(failed.body["error"]["code"], "ADDRESS.VERIFY.FAILURE");
    assert!(
        failed.body["error"]["errors"]
            .as_array()
            .is_some_and(|e| !e.is_empty()),
        "{}",
        failed.text
    );
}

#[tokio::test]
async fn shipment_is_201_with_prefixed_ids_and_string_rates() {
    let world = world().await;
    let body = json!({"shipment": {
        "to_address": valid_address(),
        "from_address": {"company": "Drydock", "street1": "1200 Harbor Blvd", "city": "Weehawken", "state": "NJ", "zip": "07086", "country": "US"},
        "parcel": {"weight": 16, "length": 10, "width": 8, "height": 4},
        "reference": "#1001",
    }});
    let reply = send(easypost(&world, Method::POST, "/shipments").json(&body)).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let s = &reply.body;
    let prefixed = |v: &Value, prefix: &str| v.as_str().is_some_and(|id| id.starts_with(prefix));
    assert!(
        prefixed(&s["id"], "shp_") && prefixed(&s["parcel"]["id"], "prcl_"),
        "{s}"
    );
    assert!(prefixed(&s["to_address"]["id"], "adr_") && prefixed(&s["from_address"]["id"], "adr_"));
    assert_eq!(
        (s["object"].as_str(), s["mode"].as_str()),
        (Some("Shipment"), Some("test"))
    );
    assert_eq!(s["postage_label"], Value::Null);
    let rates = s["rates"].as_array().expect("rates");
    assert!(!rates.is_empty());
    for r in rates {
        assert!(prefixed(&r["id"], "rate_"), "{r}");
        assert_eq!(r["shipment_id"], s["id"]);
        let rate = r["rate"].as_str().expect("rate is a string");
        assert!(rate.parse::<f64>().is_ok_and(|r| r > 0.0), "{rate}");
        assert!(r["carrier"].is_string() && r["service"].is_string() && r["currency"] == "USD");
    }
}

#[tokio::test]
async fn buying_a_rate_gives_a_downloadable_label_tracking_code_and_tracker() {
    let world = world().await;
    let bought = buy_label(&world).await;
    assert_eq!(bought["selected_rate"]["id"], bought["rates"][0]["id"]);
    let label = &bought["postage_label"];
    assert_eq!(label["object"], "PostageLabel");
    assert!(label["id"].as_str().is_some_and(|id| id.starts_with("pl_")));
    let code = bought["tracking_code"].as_str().expect("tracking_code");
    assert!(!code.is_empty());
    assert!(
        bought["tracker"]["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("trk_")),
        "{bought}"
    );
    assert_eq!(bought["tracker"]["tracking_code"], code);
    let url = label["label_url"].as_str().expect("label_url");
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "the label lives on the persona: {url}"
    );
    let png = client().get(url).send().await.expect("label download");
    assert_eq!(png.status().as_u16(), 200);
    let bytes = png.bytes().await.expect("label bytes");
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "label is not a PNG"
    );
}

#[tokio::test]
async fn buying_twice_is_422_postage_exists() {
    let world = world().await;
    let bought = buy_label(&world).await;
    let id = bought["id"].as_str().expect("shipment id");
    let again = json!({"rate": {"id": bought["rates"][1]["id"]}});
    let reply =
        send(easypost(&world, Method::POST, &format!("/shipments/{id}/buy")).json(&again)).await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.body["error"]["code"], "SHIPMENT.POSTAGE.EXISTS",
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn unknown_routes_and_ids_are_404_json_errors() {
    let world = world().await;
    for path in [
        "/shipments/shp_doesnotexist",
        "/trackers/trk_doesnotexist",
        "/no_such_thing",
    ] {
        let reply = send(easypost(&world, Method::GET, path)).await;
        assert_eq!(reply.status, 404, "{path}");
        assert_eq!(
            reply.body["error"]["code"], "NOT_FOUND",
            "{path}: {}",
            reply.text
        );
        assert!(reply.body["error"]["message"].is_string());
    }
}

#[tokio::test]
async fn test_tracking_code_ez4000000004_is_delivered() {
    let world = world().await;
    let body = json!({"tracker": {"tracking_code": "EZ4000000004", "carrier": "USPS"}});
    let reply = send(easypost(&world, Method::POST, "/trackers").json(&body)).await;
    assert!(matches!(reply.status, 200 | 201), "{}", reply.text);
    let t = &reply.body;
    assert_eq!(
        (t["object"].as_str(), t["status"].as_str()),
        (Some("Tracker"), Some("delivered"))
    );
    assert!(t["id"].as_str().is_some_and(|id| id.starts_with("trk_")));
    let detail = &t["tracking_details"][0];
    assert_eq!(
        (detail["object"].as_str(), detail["status"].as_str()),
        (Some("TrackingDetail"), Some("delivered"))
    );
    let listed = send(easypost(
        &world,
        Method::GET,
        "/trackers?tracking_code=EZ4000000004",
    ))
    .await;
    assert_eq!(listed.body["trackers"][0]["id"], t["id"]);
}

#[tokio::test]
async fn every_id_at_any_depth_is_a_string_or_null() {
    let world = world().await;
    let bought = buy_label(&world).await;
    let tracker_id = bought["tracker"]["id"].as_str().expect("tracker id");
    let tracker = send(easypost(
        &world,
        Method::GET,
        &format!("/trackers/{tracker_id}"),
    ))
    .await;
    let address = send(
        easypost(&world, Method::POST, "/addresses")
            .json(&json!({"address": valid_address(), "verify": true})),
    )
    .await;
    let hook = send(
        easypost(&world, Method::POST, "/webhooks")
            .json(&json!({"webhook": {"url": "http://127.0.0.1:9/ep"}})),
    )
    .await;
    let mut found = Vec::new();
    for (name, v) in [
        ("shipment", &bought),
        ("tracker", &tracker.body),
        ("address", &address.body),
        ("webhook", &hook.body),
    ] {
        assert!(v.is_object(), "{name}: {v}");
        non_string_ids(v, name, &mut found);
    }
    assert!(found.is_empty(), "non-string ids: {found:#?}");
}

#[tokio::test]
async fn json_responses_declare_one_json_content_type() {
    let world = world().await;
    let reply = send(easypost(&world, Method::GET, "/shipments")).await;
    assert_eq!(
        reply.header_all("content-type"),
        ["application/json; charset=utf-8"]
    );
}
