//! Thin typed calls to the ShipBob dated API (warehouse persona): orders, cancels,
//! inventory levels and webhook subscription; plus the Shipment webhook body.
//! When ShipBob retires the configured version (410 + `Link: rel="successor-version"`),
//! every later call goes to the successor and Slack is told once.

use std::sync::{Arc, Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::address::PostalAddress;
use crate::client::{CallError, HttpClient, Replay, Service};
use crate::config::ShipBobConfig;
use crate::slack::SlackApi;
use crate::versions;

#[derive(Clone)]
pub(crate) struct ShipBobApi {
    http: HttpClient,
    /// The dated base URL in use; moves to the successor when a version is retired.
    base: Arc<Mutex<String>>,
    token: String,
    channel_id: String,
    slack: SlackApi,
    /// Defect `ignores-api-version-change`: stay on the retired version, old field names only.
    ignores_version_change: bool,
}

/// Sellable units of one SKU in the warehouse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Stock {
    pub(crate) sku: String,
    pub(crate) sellable: i64,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Order {
    pub(crate) id: u64,
    #[serde(default)]
    pub(crate) reference_id: Option<String>,
}

/// One inventory level. API 2026-01 says `total_sellable_quantity`; 2026-07 renamed it
/// `sellable_quantity`. Both are read.
#[derive(Debug, Deserialize)]
pub(crate) struct InventoryItem {
    #[serde(default)]
    pub(crate) sku: Option<String>,
    #[serde(default)]
    pub(crate) total_sellable_quantity: Option<i64>,
    #[serde(default)]
    pub(crate) sellable_quantity: Option<i64>,
}

impl InventoryItem {
    /// Sellable units; `old_names_only` is the `ignores-api-version-change` defect.
    pub(crate) fn sellable(&self, old_names_only: bool) -> i64 {
        if old_names_only {
            // DEFECT ignores-api-version-change: only the 2026-01 name is read, so the
            // 2026-07 answer reads as zero stock.
            return self.total_sellable_quantity.unwrap_or(0);
        }
        self.total_sellable_quantity
            .or(self.sellable_quantity)
            .unwrap_or(0)
    }
}

/// The Shipment body of `order.shipped` / `order.shipment.*` webhooks (also read out of
/// an Order body, see [`Shipment::from_body`]).
#[derive(Clone, Debug, Default, Deserialize)]
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
    #[serde(default)]
    pub(crate) products: Vec<ShipmentProduct>,
}

/// A product line of a shipment: what the warehouse actually put in the parcel.
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct ShipmentProduct {
    #[serde(default)]
    pub(crate) sku: Option<String>,
    #[serde(default)]
    pub(crate) reference_id: Option<String>,
    #[serde(default)]
    pub(crate) quantity: Option<u32>,
    #[serde(default)]
    pub(crate) inventory_items: Vec<ShippedItem>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct ShippedItem {
    #[serde(default)]
    pub(crate) quantity: Option<u32>,
}

impl Shipment {
    /// Reads a webhook or API body that is either a bare Shipment (`order.shipped`,
    /// `order.shipment.*`) or an Order holding `shipments` (`order.on_hold`,
    /// `order.exception`, `GET /order/{id}`): then its first shipment, with the order's
    /// id, reference and status filled in where the shipment lacks them.
    pub(crate) fn from_body(body: Value) -> Result<Shipment, serde_json::Error> {
        let Some(first) = body
            .get("shipments")
            .and_then(Value::as_array)
            .and_then(|s| s.first())
            .cloned()
        else {
            return serde_json::from_value(body);
        };
        let mut shipment: Shipment = serde_json::from_value(first)?;
        let order: OrderHead = serde_json::from_value(body)?;
        shipment.order_id = shipment.order_id.or(order.id);
        shipment.reference_id = shipment.reference_id.or(order.reference_id);
        if let Some(status) = order.status {
            // The order status says more than the shipment's for on-hold and exceptions.
            if shipment.status.is_none() || shipment.status_details.is_empty() {
                shipment.status = Some(status);
            }
        }
        Ok(shipment)
    }

    /// True when the warehouse says the parcel left.
    pub(crate) fn has_shipped(&self) -> bool {
        matches!(
            self.status.as_deref(),
            Some("Completed" | "Fulfilled" | "PartiallyFulfilled" | "Shipped" | "Delivered")
        ) && self
            .tracking
            .as_ref()
            .is_some_and(|t| t.tracking_number.is_some())
    }
}

#[derive(Deserialize)]
struct OrderHead {
    #[serde(default)]
    id: Option<u64>,
    #[serde(default)]
    reference_id: Option<String>,
    #[serde(default)]
    status: Option<String>,
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
    pub(crate) fn new(
        http: HttpClient,
        config: &ShipBobConfig,
        slack: SlackApi,
        ignores_version_change: bool,
    ) -> ShipBobApi {
        ShipBobApi {
            http,
            base: Arc::new(Mutex::new(config.base_url.clone())),
            token: config.token.clone(),
            channel_id: config.channel_id.to_string(),
            slack,
            ignores_version_change,
        }
    }

    /// The same warehouse, asked once per call (no retries): for a poll that repeats.
    pub(crate) fn probing(&self) -> ShipBobApi {
        ShipBobApi {
            http: self.http.single_attempt(),
            ..self.clone()
        }
    }

    /// Its last answer was a failure: the warehouse is down (until a call succeeds).
    pub(crate) fn failing(&self) -> bool {
        self.http.failing(Service::ShipBob)
    }

    /// A call now would first wait out an earlier failure.
    pub(crate) fn held_back(&self) -> bool {
        self.http.held_back(Service::ShipBob)
    }

    fn base(&self) -> String {
        self.base
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Moves to the successor version; true if this call made the switch (alert once).
    fn switch_version(&self, from: &str, to: &str) -> bool {
        let mut base = self.base.lock().unwrap_or_else(PoisonError::into_inner);
        if *base == from {
            *base = to.to_owned();
            true
        } else {
            false
        }
    }

    /// Calls `target`: a path under the dated base ("/order") or an absolute URL.
    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        method: reqwest::Method,
        target: &str,
        body: Option<&Value>,
    ) -> Result<T, CallError> {
        // One switch per call at most: a successor that is itself retired is an error.
        let mut switched = false;
        loop {
            let base = self.base();
            let url = if target.starts_with("http://") || target.starts_with("https://") {
                target.to_owned()
            } else {
                format!("{base}{target}")
            };
            let what = format!("{method} {}", url.strip_prefix(&base).unwrap_or(&url));
            // Every ShipBob call is safe to repeat: a repeated order create is refused
            // by its unique reference_id and read back (see `create_order`).
            let result = self
                .http
                .send::<T>(Service::ShipBob, &what, Replay::Safe, |c| {
                    let request = c
                        .request(method.clone(), &url)
                        .bearer_auth(&self.token)
                        .header("shipbob_channel_id", &self.channel_id);
                    match body {
                        Some(body) => request.json(body),
                        None => request,
                    }
                })
                .await;
            let err = match result {
                Ok(answer) => return Ok(answer.value),
                Err(err) => err,
            };
            if switched || err.status().is_none_or(|s| s.as_u16() != 410) {
                return Err(err);
            }
            if self.ignores_version_change {
                // DEFECT ignores-api-version-change: the 410 is treated as any other
                // failure and the retired version stays configured.
                return Err(err);
            }
            let Some(successor) = err.link().and_then(versions::successor_link) else {
                return Err(err);
            };
            let next = versions::rebase(&base, successor);
            if next == base {
                return Err(err);
            }
            if self.switch_version(&base, &next) {
                let old = versions::version_of(&base).unwrap_or("?").to_owned();
                let new = versions::version_of(&next).unwrap_or("?").to_owned();
                tracing::warn!(old, new, "ShipBob retired the API version; switching");
                self.slack
                    .alert(&format!(
                        "ShipBob retired API {old}; switched to {new} — update DRYDOCK_SHIPBOB_URL"
                    ))
                    .await;
            }
            switched = true;
        }
    }

    pub(crate) async fn subscribe_webhook(
        &self,
        url: &str,
        topics: &[&str],
    ) -> Result<(), CallError> {
        let body =
            json!({"topics": topics, "url": url, "description": "drydock reference integration"});
        self.call::<Value>(reqwest::Method::POST, "/webhook", Some(&body))
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
        match self
            .call(reqwest::Method::POST, "/order", Some(&body))
            .await
        {
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
        let path = format!("/order?ReferenceIds={reference_id}");
        let orders: Vec<Order> = self.call(reqwest::Method::GET, &path, None).await?;
        Ok(orders
            .into_iter()
            .find(|o| o.reference_id.as_deref() == Some(reference_id)))
    }

    pub(crate) async fn cancel_order(&self, order_id: u64) -> Result<(), CallError> {
        let path = format!("/order/{order_id}:cancel");
        self.call::<Value>(reqwest::Method::POST, &path, Some(&json!({})))
            .await
            .map(drop)
    }

    /// The warehouse's view of one order, as its first shipment: polled so a dropped
    /// `order.shipped` webhook cannot leave an order waiting forever.
    pub(crate) async fn order_shipment(&self, order_id: u64) -> Result<Shipment, CallError> {
        let path = format!("/order/{order_id}");
        let body: Value = self.call(reqwest::Method::GET, &path, None).await?;
        Shipment::from_body(body).map_err(|source| CallError::Decode {
            service: Service::ShipBob,
            what: format!("GET {path}"),
            source,
        })
    }

    /// Sellable units per inventory item, following `next` links.
    pub(crate) async fn inventory_levels(&self) -> Result<Vec<Stock>, CallError> {
        let mut stock = Vec::new();
        let mut target = "/inventory-level".to_owned();
        for _ in 0..MAX_INVENTORY_PAGES {
            let page: InventoryPage = self.call(reqwest::Method::GET, &target, None).await?;
            stock.extend(page.items.iter().filter_map(|item| {
                Some(Stock {
                    sku: item.sku.clone()?,
                    sellable: item.sellable(self.ignores_version_change),
                })
            }));
            match page.next.filter(|n| !n.is_empty()) {
                Some(next) => target = resolve(&self.base(), &next),
                None => break,
            }
        }
        Ok(stock)
    }
}

/// `next` may be absolute, origin-relative ("/2026-01/inventory-level?cursor=..")
/// or a bare query string.
fn resolve(base: &str, next: &str) -> String {
    if next.starts_with("http://") || next.starts_with("https://") || next.starts_with('/') {
        versions::rebase(base, next)
    } else {
        format!("/inventory-level?{}", next.trim_start_matches('?'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sellable_under_both_version_names() {
        let old: InventoryItem =
            serde_json::from_value(json!({"sku": "MUG", "total_sellable_quantity": 7}))
                .expect("old shape");
        let new: InventoryItem =
            serde_json::from_value(json!({"sku": "MUG", "sellable_quantity": 5}))
                .expect("new shape");
        assert_eq!(old.sellable(false), 7);
        assert_eq!(new.sellable(false), 5);
        // The defect reads only the retired name.
        assert_eq!(new.sellable(true), 0);
    }

    #[test]
    fn reads_a_shipment_out_of_an_order_body() {
        let body = json!({
            "id": 77, "reference_id": "5500", "status": "Exception",
            "shipments": [{"id": 9, "status": "Exception",
                "status_details": [{"name": "OutOfStock", "description": "Backordered"}],
                "products": [{"sku": "MUG", "inventory_items": [{"quantity": 1}]}]}]
        });
        let shipment = Shipment::from_body(body).expect("order body");
        assert_eq!(shipment.order_id, Some(77));
        assert_eq!(shipment.reference_id.as_deref(), Some("5500"));
        assert_eq!(shipment.status.as_deref(), Some("Exception"));
        assert_eq!(shipment.products.len(), 1);
        let bare = Shipment::from_body(json!({"order_id": 3, "status": "Completed"}))
            .expect("bare shipment");
        assert_eq!(bare.order_id, Some(3));
        assert!(!bare.has_shipped(), "no tracking yet");
    }

    #[test]
    fn next_links_resolve_against_the_current_version() {
        let base = "http://127.0.0.1:4783/2026-07";
        assert_eq!(
            resolve(base, "/2026-07/inventory-level?cursor=2"),
            "http://127.0.0.1:4783/2026-07/inventory-level?cursor=2"
        );
        assert_eq!(resolve(base, "?cursor=2"), "/inventory-level?cursor=2");
    }
}
