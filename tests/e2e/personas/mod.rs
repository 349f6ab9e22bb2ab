//! Dialect tests: each persona is driven over a real loopback socket, as an integration
//! would drive the provider, and its answers are held to the provider's wire format.
//! This module holds the shared fixtures: a small world, an HTTP client, request
//! builders that authenticate the way each provider's SDK does, and a response reader.

pub(crate) mod control;
mod easypost;
mod faults;
mod hygiene;
pub(crate) mod nodes;
mod routes;
mod shipbob;
mod shopify;
mod slack;
mod webhook_targets;
pub(crate) mod webhooks;

use std::sync::Arc;

use drydock_core::WorldSpec;
use drydock_core::address::Address;
use drydock_core::spec::ProductSpec;
use drydock_core::storefront::Checkout;
use drydock_simulator::handle::WorldSettings;
use drydock_simulator::{PortPlan, Simulator, WorldHandle};
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};

/// A mug: 10 in stock at $12.00.
pub(crate) const MUG: &str = "MUG-01";
/// A tee: 5 in stock at $24.00.
pub(crate) const TEE: &str = "TEE-02";

fn product(sku: &str, title: &str, price_cents: i64, stock: i64) -> ProductSpec {
    ProductSpec {
        sku: sku.into(),
        title: title.into(),
        price_cents,
        weight_oz: 12,
        stock,
    }
}

/// The world every persona test starts from: two products, default warehouse timing.
pub(crate) fn spec() -> WorldSpec {
    WorldSpec {
        name: "dialects".into(),
        seed: 7,
        catalog: vec![
            product(MUG, "Drydock Mug", 1200, 10),
            product(TEE, "Drydock Tee", 2400, 5),
        ],
        ..WorldSpec::default()
    }
}

/// A fresh world with its personas listening on ephemeral loopback ports.
pub(crate) async fn world() -> Arc<WorldHandle> {
    Simulator::new()
        .create_world(&spec(), PortPlan::Ephemeral, WorldSettings::default())
        .await
        .expect("the world starts")
}

/// A client that never goes through a proxy: the personas live on 127.0.0.1.
pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("http client builds")
}

/// A deliverable US address (EasyPost's own documentation example).
pub(crate) fn ship_to() -> Address {
    Address {
        name: "Ada King Lovelace".into(),
        street1: "179 N Harbor Dr".into(),
        city: "Redondo Beach".into(),
        state: "CA".into(),
        zip: "90277".into(),
        country: "US".into(),
        phone: "3105551234".into(),
        email: "ada@example.com".into(),
        ..Address::default()
    }
}

/// A customer checks out on the storefront (webhooks are delivered before this returns).
pub(crate) async fn place_order(world: &Arc<WorldHandle>, lines: &[(&str, u32)]) -> u64 {
    let checkout = Checkout {
        email: "ada@example.com".into(),
        ship_to: ship_to(),
        lines: lines
            .iter()
            .map(|(sku, qty)| (sku.to_string(), *qty))
            .collect(),
    };
    world
        .act(|w| w.place_order(&w.default_channel(), checkout))
        .await
        .expect("the order is placed")
}

/// Shopify Admin REST: `path` is relative to the base (`orders.json`).
pub(crate) fn shopify(world: &WorldHandle, method: Method, path: &str) -> RequestBuilder {
    client()
        .request(method, format!("{}/{path}", world.endpoints.shopify))
        .header(
            "X-Shopify-Access-Token",
            &world.credentials.shopify_access_token,
        )
}

/// EasyPost with the Python SDK's `Authorization: Bearer`; `path` starts with `/`.
pub(crate) fn easypost(world: &WorldHandle, method: Method, path: &str) -> RequestBuilder {
    client()
        .request(method, format!("{}{path}", world.endpoints.easypost))
        .bearer_auth(&world.credentials.easypost_api_key)
}

/// ShipBob with its bearer token and channel header; `path` starts with `/`.
pub(crate) fn shipbob(world: &WorldHandle, method: Method, path: &str) -> RequestBuilder {
    let channel = world.read(|w| w.warehouses.first().channel_id).to_string();
    client()
        .request(method, format!("{}{path}", world.endpoints.shipbob))
        .bearer_auth(&world.credentials.shipbob_token)
        .header("shipbob_channel_id", channel)
}

/// A response read whole: status, headers, raw text and the body as JSON (Null if not JSON).
pub(crate) struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub body: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Every value of a header, in the order sent.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect()
    }
}

pub(crate) async fn send(request: RequestBuilder) -> Reply {
    let response = request.send().await.expect("the persona answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("the body is readable");
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        text,
        body,
    }
}

/// Buys the cheapest label for a parcel to [`ship_to`] over the EasyPost API; returns
/// the bought shipment.
pub(crate) async fn buy_label(world: &WorldHandle) -> Value {
    let to = ship_to();
    let shipment = json!({"shipment": {
        "to_address": {"name": to.name, "street1": to.street1, "city": to.city, "state": to.state, "zip": to.zip, "country": "US"},
        "from_address": {"company": "Drydock", "street1": "1200 Harbor Blvd", "city": "Weehawken", "state": "NJ", "zip": "07086", "country": "US"},
        "parcel": {"weight": 12.0, "length": 8.0, "width": 6.0, "height": 4.0},
    }});
    let created = send(easypost(world, Method::POST, "/shipments").json(&shipment)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"]
        .as_str()
        .expect("shipment id")
        .to_string();
    let rate = created.body["rates"][0]["id"]
        .as_str()
        .expect("a rate")
        .to_string();
    let bought = send(
        easypost(world, Method::POST, &format!("/shipments/{id}/buy"))
            .json(&json!({"rate": {"id": rate}})),
    )
    .await;
    assert_eq!(bought.status, 200, "{}", bought.text);
    bought.body
}

/// A ShipBob order body for `reference_id` with one line and the given tags.
pub(crate) fn warehouse_order(reference_id: &str, sku: &str, quantity: u32, tags: Value) -> Value {
    let to = ship_to();
    json!({
        "reference_id": reference_id,
        "order_number": "#1001",
        "type": "DTC",
        "shipping_method": "Standard",
        "recipient": {
            "name": to.name,
            "email": to.email,
            "address": {"address1": to.street1, "city": to.city, "state": to.state, "country": "US", "zip_code": to.zip},
        },
        "products": [{"reference_id": sku, "name": sku, "quantity": quantity}],
        "tags": tags,
    })
}
