//! The control API, served on a real socket: it creates worlds from a spec, acts as the
//! customer, moves the virtual clock and exposes state and journal; when a token is
//! configured, nothing answers without it.

use drydock_simulator::control::{ControlState, router};
use drydock_simulator::refusal::Dialect;
use drydock_simulator::{ConnectionLimits, Simulator, serving};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use super::{MUG, client, send};

/// Serves the control router on 127.0.0.1:0 and returns its base URL.
pub(crate) async fn control(token: Option<&str>) -> String {
    serve(ControlState::new(
        Simulator::new(),
        token.map(str::to_string),
    ))
    .await
}

/// Serves `state`'s control router on 127.0.0.1:0 and returns its base URL.
async fn serve(state: ControlState) -> String {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("control binds");
    let url = format!("http://{}", listener.local_addr().expect("control address"));
    let limits = ConnectionLimits::default();
    tokio::spawn(serving::serve(
        listener,
        router(state),
        Dialect::Control,
        limits,
    ));
    url
}

fn spec() -> Value {
    json!({"name": "control", "seed": 3, "clock": "2026-12-01T09:00:00Z", "catalog": [{"sku": MUG, "title": "Mug", "stock": 5}]})
}

#[tokio::test]
async fn control_api_creates_a_world_places_an_order_advances_the_clock_and_reports() {
    let base = control(None).await;
    let created = send(client().post(format!("{base}/worlds")).json(&spec())).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_str().expect("world id").to_string();
    let shopify_url = created.body["endpoints"]["shopify"]
        .as_str()
        .expect("shopify endpoint")
        .to_string();
    let token = created.body["credentials"]["shopify_access_token"]
        .as_str()
        .expect("shopify token")
        .to_string();
    assert_eq!(created.body["now"], "2026-12-01T09:00:00Z");

    let order = json!({
        "email": "ada@example.com",
        "ship_to": {"name": "Ada Lovelace", "street1": "179 N Harbor Dr", "city": "Redondo Beach", "state": "CA", "zip": "90277", "country": "US"},
        "lines": [{"sku": MUG, "quantity": 2}],
    });
    let placed = send(
        client()
            .post(format!("{base}/worlds/{id}/orders"))
            .json(&order),
    )
    .await;
    assert_eq!(placed.status, 200, "{}", placed.text);
    assert_eq!(placed.body["name"], "#1001");
    let order_id = placed.body["order_id"].as_u64().expect("order id");

    let seen = send(
        client()
            .request(Method::GET, format!("{shopify_url}/orders/{order_id}.json"))
            .header("X-Shopify-Access-Token", token),
    )
    .await;
    assert_eq!(
        seen.status, 200,
        "the order is visible through the storefront persona"
    );

    let advanced = send(
        client()
            .post(format!("{base}/worlds/{id}/clock/advance"))
            .json(&json!({"by": "3h"})),
    )
    .await;
    assert_eq!(advanced.status, 200, "{}", advanced.text);
    assert_eq!(advanced.body["now"], "2026-12-01T12:00:00Z");
    assert!(advanced.body["report"]["happenings"].is_u64());

    let state = send(client().get(format!("{base}/worlds/{id}/state"))).await;
    assert_eq!(state.status, 200);
    let orders = state.body["channels"][0]["orders"]
        .as_object()
        .expect("storefront orders");
    assert_eq!(orders.len(), 1);
    assert!(state.body["catalog"][MUG].is_object(), "{}", state.text);

    let journal = send(client().get(format!("{base}/worlds/{id}/journal"))).await;
    let entries = journal.body["entries"].as_array().expect("journal entries");
    assert!(
        entries.iter().any(|e| e["persona"] == "shopify"
            && e["target"].as_str().is_some_and(|t| t.contains("/orders/"))),
        "the storefront call is journaled: {}",
        journal.text
    );
    // Paged one entry at a time, following `next`, the journal reads the same.
    let mut paged = Vec::new();
    let mut after = 0;
    for _ in 0..=entries.len() {
        let url = format!("{base}/worlds/{id}/journal?after={after}&limit=1");
        let page = send(client().get(url)).await;
        let got = page.body["entries"].as_array().expect("a page").clone();
        assert!(got.len() <= 1, "limit=1 holds: {}", page.text);
        paged.extend(got);
        match page.body["next"].as_u64() {
            Some(next) => after = next,
            None => break,
        }
    }
    assert_eq!(&paged, entries, "pages cover the journal once, in order");

    let both = send(
        client()
            .post(format!("{base}/worlds/{id}/clock/advance"))
            .json(&json!({"by": "1h", "to": "2027-01-01T00:00:00Z"})),
    )
    .await;
    assert_eq!(both.status, 400, "exactly one of by/to");
    let missing = send(client().get(format!("{base}/worlds/w999/state"))).await;
    assert_eq!(missing.status, 404);
    let huge = "x".repeat(3 * 1024 * 1024);
    let too_big = send(client().post(format!("{base}/worlds")).body(huge)).await;
    assert_eq!(too_big.status, 413, "{}", too_big.text);
    assert!(too_big.body["error"].is_string(), "{}", too_big.text);
}

#[tokio::test]
async fn control_api_requires_the_configured_token() {
    let base = control(Some("s3cret")).await;
    let anonymous = send(client().get(format!("{base}/worlds"))).await;
    assert_eq!(anonymous.status, 401);
    assert!(anonymous.body["error"].is_string(), "{}", anonymous.text);
    let wrong = send(
        client()
            .post(format!("{base}/worlds"))
            .bearer_auth("guess")
            .json(&spec()),
    )
    .await;
    assert_eq!(wrong.status, 401, "nothing is created without the token");
    let listed = send(client().get(format!("{base}/worlds")).bearer_auth("s3cret")).await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.body["worlds"], json!([]));
    let created = send(
        client()
            .post(format!("{base}/worlds"))
            .bearer_auth("s3cret")
            .json(&spec()),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text);
}

#[tokio::test]
async fn control_api_adds_lists_and_clears_faults_for_live_drills() {
    let base = control(None).await;
    let created = send(client().post(format!("{base}/worlds")).json(&spec())).await;
    let id = created.body["id"].as_str().expect("world id").to_string();
    let easypost = created.body["endpoints"]["easypost"]
        .as_str()
        .expect("easypost endpoint")
        .to_string();
    let key = created.body["credentials"]["easypost_api_key"]
        .as_str()
        .expect("easypost key")
        .to_string();
    let faults = format!("{base}/worlds/{id}/faults");

    let rule =
        json!({"name": "down", "persona": "easypost", "effect": "outage", "when": {"first": 1}});
    let added = send(client().post(&faults).json(&rule)).await;
    assert_eq!(added.status, 201, "{}", added.text);
    let again = send(client().post(&faults).json(&rule)).await;
    assert_eq!(
        again.status, 422,
        "a second rule of the same name is refused"
    );
    assert!(again.text.contains("already active"), "{}", again.text);
    let bad = json!({"name": "x", "persona": "slack", "effect": "duplicate"});
    let refused = send(client().post(&faults).json(&bad)).await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.text.contains("slack sends no webhooks"),
        "{}",
        refused.text
    );

    let hit = send(
        client()
            .get(format!("{easypost}/shipments"))
            .bearer_auth(&key),
    )
    .await;
    assert_eq!(hit.status, 503, "the live fault fires");
    let listed = send(client().get(&faults)).await;
    assert_eq!(listed.body["active"][0]["rule"]["name"], "down");
    assert_eq!(listed.body["active"][0]["fired"], 1);
    assert_eq!(listed.body["fired"][0]["target"], "GET /v2/shipments");

    let cleared = send(client().delete(format!("{faults}/down"))).await;
    assert_eq!(cleared.status, 200);
    let gone = send(client().delete(format!("{faults}/down"))).await;
    assert_eq!(gone.status, 404, "clearing twice names the missing fault");
    let healthy = send(
        client()
            .get(format!("{easypost}/shipments"))
            .bearer_auth(&key),
    )
    .await;
    assert_eq!(healthy.status, 200);
}

#[tokio::test]
async fn health_answers_without_the_token() {
    let base = control(Some("s3cret")).await;
    let health = send(client().get(format!("{base}/health"))).await;
    assert_eq!(health.status, 200, "{}", health.text);
}

#[tokio::test]
async fn every_control_error_is_json_saying_what_to_fix() {
    let base = control(None).await;
    let created = send(client().post(format!("{base}/worlds")).json(&spec())).await;
    let id = created.body["id"].as_str().expect("world id").to_string();
    let stock = format!("{base}/worlds/{id}/stock");
    let json_body = |body: String| {
        client()
            .post(&stock)
            .header("content-type", "application/json")
            .body(body)
    };
    let cases = [
        (
            "malformed JSON",
            json_body("{bad".into()),
            400,
            "not valid JSON",
        ),
        (
            "a field of the wrong type",
            json_body(r#"{"sku": 1, "on_hand": 2}"#.into()),
            422,
            "sku",
        ),
        (
            "a bad path parameter",
            client().post(format!("{base}/worlds/{id}/orders/abc/cancel")),
            400,
            "order ids are numbers",
        ),
        (
            "an unknown route",
            client().get(format!("{base}/nowhere")),
            404,
            "no control route GET /nowhere",
        ),
        (
            "a method the route does not take",
            client().put(format!("{base}/worlds")),
            405,
            "does not take PUT",
        ),
        (
            "a body over the limit",
            json_body(" ".repeat(3 * 1024 * 1024)),
            413,
            "too large",
        ),
        (
            "a bad query",
            client().get(format!("{base}/worlds/{id}/env?sut_url=a&sut_url=b")),
            400,
            "query string",
        ),
    ];
    for (what, request, status, words) in cases {
        let reply = send(request).await;
        assert_eq!(reply.status, status, "{what}: {}", reply.text);
        assert_eq!(
            reply.header("content-type"),
            Some("application/json"),
            "{what}"
        );
        let error = reply.body["error"].as_str().unwrap_or_default();
        assert!(error.contains(words), "{what}: {error}");
    }
}

#[tokio::test]
async fn worlds_are_capped_per_process() {
    let base = serve(ControlState::new(Simulator::new(), None).with_max_worlds(2)).await;
    for _ in 0..2 {
        let created = send(client().post(format!("{base}/worlds")).json(&spec())).await;
        assert_eq!(created.status, 201, "{}", created.text);
    }
    let refused = send(client().post(format!("{base}/worlds")).json(&spec())).await;
    assert_eq!(refused.status, 429, "{}", refused.text);
    let error = refused.body["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("cap of 2 worlds") && error.contains("--max-worlds"),
        "{error}"
    );
    let deleted = send(client().delete(format!("{base}/worlds/w1"))).await;
    assert_eq!(deleted.status, 204);
    let again = send(client().post(format!("{base}/worlds")).json(&spec())).await;
    assert_eq!(
        again.status, 201,
        "a deleted world frees its place: {}",
        again.text
    );
}

/// `advance` reads durations as scenario files do (`6d`, `1d 6h`), and a bad one is
/// explained in those words, as `{"error": ...}`, without the JSON library's internals.
#[tokio::test]
async fn control_api_advances_by_scenario_durations_and_explains_bad_ones() {
    let base = control(None).await;
    let created = send(client().post(format!("{base}/worlds")).json(&spec())).await;
    let id = created.body["id"].as_str().expect("world id").to_string();
    let advance = |by: &str| {
        client()
            .post(format!("{base}/worlds/{id}/clock/advance"))
            .json(&json!({ "by": by }))
    };
    let days = send(advance("6d")).await;
    assert_eq!(days.status, 200, "{}", days.text);
    assert_eq!(days.body["now"], "2026-12-07T09:00:00Z");
    let mixed = send(advance("1d 6h")).await;
    assert_eq!(mixed.body["now"], "2026-12-08T15:00:00Z", "{}", mixed.text);
    let bad = send(advance("6x")).await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    let error = bad.body["error"].as_str().expect("an error string");
    assert!(error.contains("is not a unit"), "{error}");
    assert!(
        !error.contains("deserialize") && !error.contains("target type"),
        "no library internals: {error}"
    );
    let fault = |retry_after: &str| {
        client()
            .post(format!("{base}/worlds/{id}/faults"))
            .json(&json!({"name": format!("down-{retry_after}"), "persona": "easypost", "effect": "outage", "retry_after": retry_after, "when": {"window": {"from": "1d", "until": "6d"}}}))
    };
    let added = send(fault("1m 30s")).await;
    assert_eq!(added.status, 201, "{}", added.text);
    let refused = send(fault("2x")).await;
    assert_eq!(refused.status, 400, "{}", refused.text);
    let error = refused.body["error"].as_str().expect("an error string");
    assert!(error.contains("is not a unit"), "{error}");
    assert!(!error.contains("deserialize"), "{error}");
}
