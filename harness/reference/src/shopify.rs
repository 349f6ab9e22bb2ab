//! Thin typed calls to the Shopify Admin REST API (storefront persona), plus the
//! wire structs for the fields this integration reads. No business rules here.

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::client::{CallError, HttpClient, Service};
use crate::config::ShopifyConfig;

#[derive(Clone)]
pub(crate) struct ShopifyApi {
    http: HttpClient,
    base: String,
    token: String,
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
}

#[derive(Debug, Deserialize)]
pub(crate) struct Fulfillment {
    pub(crate) id: u64,
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
    pub(crate) fn new(http: HttpClient, config: &ShopifyConfig) -> ShopifyApi {
        ShopifyApi {
            http,
            base: config.base_url.clone(),
            token: config.access_token.clone(),
        }
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, CallError> {
        let url = format!("{}/{path}", self.base);
        let what = format!("GET {path}");
        self.http
            .send(Service::Shopify, &what, |c| {
                c.get(&url).header("X-Shopify-Access-Token", &self.token)
            })
            .await?
            .json()
    }

    async fn post<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<T, CallError> {
        let url = format!("{}/{path}", self.base);
        let what = format!("POST {path}");
        self.http
            .send(Service::Shopify, &what, |c| {
                c.post(&url)
                    .header("X-Shopify-Access-Token", &self.token)
                    .json(body)
            })
            .await?
            .json()
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
        match self.post::<serde_json::Value>("webhooks.json", &body).await {
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
        self.post::<serde_json::Value>(&path, &body).await.map(drop)
    }

    pub(crate) async fn hold_fulfillment_order(
        &self,
        fo_id: u64,
        reason: HoldReason,
        notes: &str,
    ) -> Result<(), CallError> {
        let path = format!("fulfillment_orders/{fo_id}/hold.json");
        let body = json!({"fulfillment_hold": {"reason": reason.as_wire(), "reason_notes": notes}});
        self.post::<serde_json::Value>(&path, &body).await.map(drop)
    }

    pub(crate) async fn create_fulfillment(
        &self,
        fo_id: u64,
        tracking: &TrackingInfo,
    ) -> Result<Fulfillment, CallError> {
        #[derive(Deserialize)]
        struct Body {
            fulfillment: Fulfillment,
        }
        let body = json!({"fulfillment": {
            "line_items_by_fulfillment_order": [{"fulfillment_order_id": fo_id}],
            "tracking_info": tracking,
            "notify_customer": true,
        }});
        Ok(self
            .post::<Body>("fulfillments.json", &body)
            .await?
            .fulfillment)
    }

    pub(crate) async fn create_fulfillment_event(
        &self,
        order_id: u64,
        fulfillment_id: u64,
        event: &FulfillmentEvent,
    ) -> Result<(), CallError> {
        let path = format!("orders/{order_id}/fulfillments/{fulfillment_id}/events.json");
        self.post::<serde_json::Value>(&path, &json!({"event": event}))
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
        self.post::<serde_json::Value>("inventory_levels/set.json", &body)
            .await
            .map(drop)
    }
}
