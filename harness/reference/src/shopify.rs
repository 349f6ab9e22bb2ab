//! Thin typed calls to the Shopify Admin REST API (storefront persona), plus the
//! wire structs for the fields this integration reads. No business rules here, except
//! noticing a version fall-forward: Shopify answers a retired version with the oldest
//! supported one (`X-Shopify-Api-Version`), which is alerted once.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use reqwest::header::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::client::{CallError, HttpClient, Replay, Service};
use crate::config::ShopifyConfig;
use crate::slack::SlackApi;
use crate::versions;

#[derive(Clone)]
pub(crate) struct ShopifyApi {
    http: HttpClient,
    base: String,
    token: String,
    /// The version the base URL asks for, e.g. "2026-10".
    version: Option<String>,
    slack: SlackApi,
    /// Set once the fall-forward was alerted.
    version_alerted: Arc<AtomicBool>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Location {
    pub(crate) id: u64,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Product {
    #[serde(default)]
    pub(crate) variants: Vec<Variant>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Variant {
    #[serde(default)]
    pub(crate) sku: Option<String>,
    pub(crate) inventory_item_id: Option<u64>,
}

/// The order as sent in `orders/create` and `orders/cancelled` webhooks.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct Order {
    pub(crate) id: u64,
    #[serde(default)]
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) email: Option<String>,
    #[serde(default)]
    pub(crate) line_items: Vec<LineItem>,
    #[serde(default)]
    pub(crate) shipping_address: Option<ShippingAddress>,
}

#[derive(Clone, Debug, Deserialize)]
pub(crate) struct LineItem {
    #[serde(default)]
    pub(crate) id: Option<u64>,
    #[serde(default)]
    pub(crate) sku: Option<String>,
    pub(crate) quantity: u32,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct ShippingAddress {
    pub(crate) name: Option<String>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) company: Option<String>,
    pub(crate) address1: Option<String>,
    pub(crate) address2: Option<String>,
    pub(crate) city: Option<String>,
    pub(crate) province: Option<String>,
    pub(crate) province_code: Option<String>,
    pub(crate) zip: Option<String>,
    pub(crate) country: Option<String>,
    pub(crate) country_code: Option<String>,
    pub(crate) phone: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct FulfillmentOrder {
    pub(crate) id: u64,
    #[serde(default)]
    pub(crate) status: String,
    #[serde(default)]
    pub(crate) line_items: Vec<FulfillmentOrderLine>,
}

#[derive(Clone, Debug, Deserialize)]
pub(crate) struct FulfillmentOrderLine {
    pub(crate) id: u64,
    #[serde(default)]
    pub(crate) line_item_id: Option<u64>,
    #[serde(default)]
    pub(crate) quantity: u32,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Fulfillment {
    pub(crate) id: u64,
    #[serde(default)]
    pub(crate) status: Option<String>,
    #[serde(default)]
    pub(crate) tracking_number: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct PushedEvent {
    #[serde(default)]
    pub(crate) status: String,
}

/// One fulfillment order line and how many of its units to fulfil.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub(crate) struct LineQuantity {
    pub(crate) id: u64,
    pub(crate) quantity: u32,
}

#[derive(Debug, Deserialize)]
pub(crate) struct InventoryLevel {
    pub(crate) inventory_item_id: u64,
    #[serde(default)]
    pub(crate) available: Option<i64>,
}

#[derive(Debug, Serialize)]
pub(crate) struct TrackingInfo {
    pub(crate) number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) company: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct FulfillmentEvent {
    pub(crate) status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) happened_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) estimated_delivery_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) message: Option<String>,
}

/// Shopify's `fulfillment_hold.reason` values this integration uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HoldReason {
    IncorrectAddress,
    InventoryOutOfStock,
    Other,
}

impl HoldReason {
    fn as_wire(self) -> &'static str {
        match self {
            HoldReason::IncorrectAddress => "incorrect_address",
            HoldReason::InventoryOutOfStock => "inventory_out_of_stock",
            HoldReason::Other => "other",
        }
    }
}

impl ShopifyApi {
    pub(crate) fn new(http: HttpClient, config: &ShopifyConfig, slack: SlackApi) -> ShopifyApi {
        ShopifyApi {
            http,
            base: config.base_url.clone(),
            token: config.access_token.clone(),
            version: versions::version_of(&config.base_url).map(str::to_owned),
            slack,
            version_alerted: Arc::default(),
        }
    }

    /// Alerts once when Shopify answers with another API version than we asked for.
    async fn notice_version(&self, headers: &HeaderMap) {
        let Some(configured) = &self.version else {
            return;
        };
        let Some(served) = headers
            .get("x-shopify-api-version")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
        else {
            return;
        };
        if served == configured || self.version_alerted.swap(true, Ordering::AcqRel) {
            return;
        }
        tracing::warn!(
            configured,
            served,
            "Shopify fell forward to another API version"
        );
        self.slack
            .alert(&format!(
                "Shopify API {configured} is no longer served; Shopify answered with {served} — update DRYDOCK_SHOPIFY_URL"
            ))
            .await;
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, CallError> {
        let url = format!("{}/{path}", self.base);
        let what = format!("GET {path}");
        let answer = self
            .http
            .send(Service::Shopify, &what, Replay::Safe, |c| {
                c.get(&url).header("X-Shopify-Access-Token", &self.token)
            })
            .await?;
        self.notice_version(&answer.headers).await;
        Ok(answer.value)
    }

    async fn post<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: &serde_json::Value,
        replay: Replay,
    ) -> Result<T, CallError> {
        let url = format!("{}/{path}", self.base);
        let what = format!("POST {path}");
        let answer = self
            .http
            .send(Service::Shopify, &what, replay, |c| {
                c.post(&url)
                    .header("X-Shopify-Access-Token", &self.token)
                    .json(body)
            })
            .await?;
        self.notice_version(&answer.headers).await;
        Ok(answer.value)
    }

    pub(crate) async fn locations(&self) -> Result<Vec<Location>, CallError> {
        #[derive(Deserialize)]
        struct Body {
            locations: Vec<Location>,
        }
        Ok(self.get::<Body>("locations.json").await?.locations)
    }

    pub(crate) async fn products(&self) -> Result<Vec<Product>, CallError> {
        #[derive(Deserialize)]
        struct Body {
            products: Vec<Product>,
        }
        Ok(self.get::<Body>("products.json?limit=250").await?.products)
    }

    /// Subscribes `address` to `topic`; an existing identical subscription is fine.
    pub(crate) async fn subscribe_webhook(
        &self,
        topic: &str,
        address: &str,
    ) -> Result<(), CallError> {
        let body = json!({"webhook": {"topic": topic, "address": address, "format": "json"}});
        match self
            .post::<serde_json::Value>("webhooks.json", &body, Replay::Safe)
            .await
        {
            Ok(_) => Ok(()),
            Err(err)
                if err.status().is_some_and(|s| s.as_u16() == 422)
                    && err.body().contains("already been taken") =>
            {
                Ok(())
            }
            Err(err) => Err(err),
        }
    }

    pub(crate) async fn fulfillment_orders(
        &self,
        order_id: u64,
    ) -> Result<Vec<FulfillmentOrder>, CallError> {
        #[derive(Deserialize)]
        struct Body {
            fulfillment_orders: Vec<FulfillmentOrder>,
        }
        let path = format!("orders/{order_id}/fulfillment_orders.json");
        Ok(self.get::<Body>(&path).await?.fulfillment_orders)
    }

    pub(crate) async fn accept_fulfillment_request(&self, fo_id: u64) -> Result<(), CallError> {
        let path = format!("fulfillment_orders/{fo_id}/fulfillment_request/accept.json");
        let body = json!({"fulfillment_request": {"message": "Accepted by drydock reference integration"}});
        self.post::<serde_json::Value>(&path, &body, Replay::Safe)
            .await
            .map(drop)
    }

    pub(crate) async fn hold_fulfillment_order(
        &self,
        fo_id: u64,
        reason: HoldReason,
        notes: &str,
    ) -> Result<(), CallError> {
        let path = format!("fulfillment_orders/{fo_id}/hold.json");
        let body = json!({"fulfillment_hold": {"reason": reason.as_wire(), "reason_notes": notes}});
        self.post::<serde_json::Value>(&path, &body, Replay::Safe)
            .await
            .map(drop)
    }

    pub(crate) async fn release_hold(&self, fo_id: u64) -> Result<(), CallError> {
        let path = format!("fulfillment_orders/{fo_id}/release_hold.json");
        self.post::<serde_json::Value>(&path, &json!({}), Replay::Safe)
            .await
            .map(drop)
    }

    /// Fulfils the whole fulfillment order, or only `lines` (a short pick). A lost answer
    /// is returned, not resent: the caller looks for the fulfillment first.
    pub(crate) async fn create_fulfillment(
        &self,
        fo_id: u64,
        lines: Option<&[LineQuantity]>,
        tracking: &TrackingInfo,
    ) -> Result<Fulfillment, CallError> {
        #[derive(Deserialize)]
        struct Body {
            fulfillment: Fulfillment,
        }
        let by_order = match lines {
            Some(lines) => {
                json!([{"fulfillment_order_id": fo_id, "fulfillment_order_line_items": lines}])
            }
            None => json!([{"fulfillment_order_id": fo_id}]),
        };
        let body = json!({"fulfillment": {
            "line_items_by_fulfillment_order": by_order,
            "tracking_info": tracking,
            "notify_customer": true,
        }});
        Ok(self
            .post::<Body>("fulfillments.json", &body, Replay::LookUpFirst)
            .await?
            .fulfillment)
    }

    pub(crate) async fn fulfillments(&self, order_id: u64) -> Result<Vec<Fulfillment>, CallError> {
        #[derive(Deserialize)]
        struct Body {
            fulfillments: Vec<Fulfillment>,
        }
        let path = format!("orders/{order_id}/fulfillments.json");
        Ok(self.get::<Body>(&path).await?.fulfillments)
    }

    pub(crate) async fn fulfillment_events(
        &self,
        order_id: u64,
        fulfillment_id: u64,
    ) -> Result<Vec<PushedEvent>, CallError> {
        #[derive(Deserialize)]
        struct Body {
            fulfillment_events: Vec<PushedEvent>,
        }
        let path = format!("orders/{order_id}/fulfillments/{fulfillment_id}/events.json");
        Ok(self.get::<Body>(&path).await?.fulfillment_events)
    }

    pub(crate) async fn create_fulfillment_event(
        &self,
        order_id: u64,
        fulfillment_id: u64,
        event: &FulfillmentEvent,
    ) -> Result<(), CallError> {
        let path = format!("orders/{order_id}/fulfillments/{fulfillment_id}/events.json");
        // A lost answer is returned, not resent: a second identical event is visible.
        self.post::<serde_json::Value>(&path, &json!({"event": event}), Replay::LookUpFirst)
            .await
            .map(drop)
    }

    pub(crate) async fn inventory_levels(
        &self,
        item_ids: &[u64],
        location_id: u64,
    ) -> Result<Vec<InventoryLevel>, CallError> {
        #[derive(Deserialize)]
        struct Body {
            inventory_levels: Vec<InventoryLevel>,
        }
        let mut levels = Vec::new();
        // Shopify caps the id filter at 50 per request.
        for chunk in item_ids.chunks(50) {
            let ids: Vec<String> = chunk.iter().map(u64::to_string).collect();
            let path = format!(
                "inventory_levels.json?inventory_item_ids={}&location_ids={location_id}&limit=250",
                ids.join(",")
            );
            levels.extend(self.get::<Body>(&path).await?.inventory_levels);
        }
        Ok(levels)
    }

    pub(crate) async fn set_inventory_level(
        &self,
        location_id: u64,
        item_id: u64,
        available: i64,
    ) -> Result<(), CallError> {
        let body = json!({"location_id": location_id, "inventory_item_id": item_id, "available": available});
        self.post::<serde_json::Value>("inventory_levels/set.json", &body, Replay::Safe)
            .await
            .map(drop)
    }
}
