//! Thin typed calls to the ShipBob dated API (warehouse persona): orders, cancels,
//! inventory levels and webhook subscription; plus the Shipment webhook body.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::address::PostalAddress;
use crate::client::{CallError, HttpClient, Service};
use crate::config::ShipBobConfig;

#[derive(Clone)]
pub(crate) struct ShipBobApi {
    http: HttpClient,
    base: String,
    token: String,
    channel_id: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Order {
    pub(crate) id: u64,
    #[serde(default)]
    pub(crate) reference_id: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct InventoryItem {
    #[serde(default)]
    pub(crate) sku: Option<String>,
    #[serde(default)]
    pub(crate) total_sellable_quantity: i64,
}

/// The bare Shipment body of `order.shipped` / `order.shipment.*` webhooks.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct Shipment {
    #[serde(default)]
    pub(crate) order_id: Option<u64>,
    #[serde(default)]
    pub(crate) reference_id: Option<String>,
    #[serde(default)]
    pub(crate) status: Option<String>,
    #[serde(default)]
    pub(crate) status_details: Vec<StatusDetail>,
    #[serde(default)]
    pub(crate) tracking: Option<Tracking>,
}

#[derive(Clone, Debug, Deserialize)]
pub(crate) struct StatusDetail {
    #[serde(default)]
    pub(crate) name: Option<String>,
    #[serde(default)]
    pub(crate) description: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub(crate) struct Tracking {
    #[serde(default)]
    pub(crate) carrier: Option<String>,
    #[serde(default)]
    pub(crate) tracking_number: Option<String>,
    #[serde(default)]
    pub(crate) tracking_url: Option<String>,
}

/// What the warehouse needs to ship one order.
pub(crate) struct NewOrder<'a> {
    pub(crate) reference_id: String,
    pub(crate) order_number: &'a str,
    pub(crate) recipient: &'a PostalAddress,
    pub(crate) products: Vec<(String, u32)>,
    pub(crate) tags: Vec<(&'static str, String)>,
}

#[derive(Serialize)]
struct Tag<'a> {
    name: &'a str,
    value: &'a str,
}

/// `recipient` of a new order; absent lines are left out, not null.
#[derive(Serialize)]
struct Recipient<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone_number: Option<&'a str>,
    address: RecipientAddress<'a>,
}

#[derive(Serialize)]
struct RecipientAddress<'a> {
    address1: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    address2: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    company_name: Option<&'a str>,
    city: &'a str,
    state: &'a str,
    country: &'a str,
    zip_code: &'a str,
}

impl<'a> From<&'a PostalAddress> for Recipient<'a> {
    fn from(a: &'a PostalAddress) -> Self {
        Recipient {
            name: &a.name,
            email: a.email.as_deref(),
            phone_number: a.phone.as_deref(),
            address: RecipientAddress {
                address1: &a.street1,
                address2: a.street2.as_deref(),
                company_name: a.company.as_deref(),
                city: &a.city,
                state: &a.state,
                country: &a.country,
                zip_code: &a.zip,
            },
        }
    }
}

#[derive(Debug, Deserialize)]
struct InventoryPage {
    #[serde(default)]
    items: Vec<InventoryItem>,
    #[serde(default)]
    next: Option<String>,
}

/// Pages through `/inventory-level` at most this many times, in case `next` never ends.
const MAX_INVENTORY_PAGES: usize = 100;

impl ShipBobApi {
    pub(crate) fn new(http: HttpClient, config: &ShipBobConfig) -> ShipBobApi {
        ShipBobApi {
            http,
            base: config.base_url.clone(),
            token: config.token.clone(),
            channel_id: config.channel_id.to_string(),
        }
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        method: reqwest::Method,
        url: &str,
        body: Option<&Value>,
    ) -> Result<T, CallError> {
        let what = format!("{method} {}", url.strip_prefix(&self.base).unwrap_or(url));
        let reply = self
            .http
            .send(Service::ShipBob, &what, |c| {
                let request = c
                    .request(method.clone(), url)
                    .bearer_auth(&self.token)
                    .header("shipbob_channel_id", &self.channel_id);
                match body {
                    Some(body) => request.json(body),
                    None => request,
                }
            })
            .await?;
        if reply.body.is_empty() {
            // 204 answers: decode `null` so callers asking for `Value` still succeed.
            return serde_json::from_slice(b"null").map_err(|source| CallError::Decode {
                service: Service::ShipBob,
                what,
                source,
            });
        }
        reply.json()
    }

    pub(crate) async fn subscribe_webhook(
        &self,
        url: &str,
        topics: &[&str],
    ) -> Result<(), CallError> {
        let body =
            json!({"topics": topics, "url": url, "description": "drydock reference integration"});
        let url = format!("{}/webhook", self.base);
        self.call::<Value>(reqwest::Method::POST, &url, Some(&body))
            .await
            .map(drop)
    }

    /// Creates the warehouse order; a duplicate `reference_id` returns the existing one.
    pub(crate) async fn create_order(&self, order: &NewOrder<'_>) -> Result<Order, CallError> {
        let address = order.recipient;
        let tags: Vec<Tag<'_>> = order
            .tags
            .iter()
            .map(|(name, value)| Tag { name, value })
            .collect();
        let products: Vec<Value> = order
            .products
            .iter()
            .map(|(sku, quantity)| json!({"reference_id": sku, "name": sku, "quantity": quantity}))
            .collect();
        let body = json!({
            "reference_id": order.reference_id,
            "order_number": order.order_number,
            "type": "DTC",
            "shipping_method": "Standard",
            "recipient": Recipient::from(address),
            "products": products,
            "tags": tags,
        });
        let url = format!("{}/order", self.base);
        match self.call(reqwest::Method::POST, &url, Some(&body)).await {
            Ok(created) => Ok(created),
            Err(err)
                if err.status().is_some_and(|s| s.as_u16() == 422)
                    && err.body().contains("already exists") =>
            {
                tracing::info!(reference_id = %order.reference_id, "warehouse order already exists; reading it back");
                self.find_order(&order.reference_id).await?.ok_or(err)
            }
            Err(err) => Err(err),
        }
    }

    pub(crate) async fn find_order(&self, reference_id: &str) -> Result<Option<Order>, CallError> {
        let url = format!("{}/order?ReferenceIds={reference_id}", self.base);
        let orders: Vec<Order> = self.call(reqwest::Method::GET, &url, None).await?;
        Ok(orders
            .into_iter()
            .find(|o| o.reference_id.as_deref() == Some(reference_id)))
    }

    pub(crate) async fn cancel_order(&self, order_id: u64) -> Result<(), CallError> {
        let url = format!("{}/order/{order_id}:cancel", self.base);
        self.call::<Value>(reqwest::Method::POST, &url, Some(&json!({})))
            .await
            .map(drop)
    }

    /// Every inventory item, following `next` links.
    pub(crate) async fn inventory_levels(&self) -> Result<Vec<InventoryItem>, CallError> {
        let mut items = Vec::new();
        let mut url = format!("{}/inventory-level", self.base);
        for _ in 0..MAX_INVENTORY_PAGES {
            let page: InventoryPage = self.call(reqwest::Method::GET, &url, None).await?;
            items.extend(page.items);
            match page.next.filter(|n| !n.is_empty()) {
                Some(next) => url = self.resolve(&next),
                None => break,
            }
        }
        Ok(items)
    }

    /// `next` may be absolute, origin-relative ("/2026-01/inventory-level?cursor=..")
    /// or a bare query string.
    fn resolve(&self, next: &str) -> String {
        if next.starts_with("http://") || next.starts_with("https://") {
            next.to_owned()
        } else if next.starts_with('/') {
            let origin_end = self
                .base
                .find("://")
                .and_then(|scheme| self.base[scheme + 3..].find('/').map(|i| scheme + 3 + i))
                .unwrap_or(self.base.len());
            format!("{}{next}", &self.base[..origin_end])
        } else {
            format!(
                "{}/inventory-level?{}",
                self.base,
                next.trim_start_matches('?')
            )
        }
    }
}
