//! Startup: load the storefront catalog and subscribe to every persona's webhooks.
//! `/health` turns 200 only after this succeeds.

use std::collections::HashMap;

use crate::client::CallError;
use crate::easypost::EasyPostApi;
use crate::shipbob::ShipBobApi;
use crate::shopify::ShopifyApi;
use crate::stock::Catalog;

pub(crate) const SHOPIFY_TOPICS: [&str; 2] = ["orders/create", "orders/cancelled"];
pub(crate) const SHIPBOB_TOPICS: [&str; 4] = [
    "order.shipped",
    "order.shipment.cancelled",
    "order.shipment.exception",
    "order.shipment.on_hold",
];

#[derive(Debug, thiserror::Error)]
pub(crate) enum StartupError {
    #[error("the storefront has no locations: create one so stock has somewhere to live")]
    NoLocation,
    #[error(transparent)]
    Call(#[from] CallError),
}

pub(crate) struct Personas<'a> {
    pub(crate) shopify: &'a ShopifyApi,
    pub(crate) easypost: &'a EasyPostApi,
    pub(crate) shipbob: &'a ShipBobApi,
}

/// Loads the catalog and subscribes `public_url`'s webhook receivers.
pub(crate) async fn prepare(
    personas: &Personas<'_>,
    public_url: &str,
) -> Result<Catalog, StartupError> {
    let location_id = personas
        .shopify
        .locations()
        .await?
        .first()
        .map(|l| l.id)
        .ok_or(StartupError::NoLocation)?;
    let mut items = HashMap::new();
    for product in personas.shopify.products().await? {
        for variant in product.variants {
            if let (Some(sku), Some(item_id)) = (variant.sku, variant.inventory_item_id)
                && !sku.trim().is_empty()
            {
                items.insert(sku.trim().to_owned(), item_id);
            }
        }
    }
    tracing::info!(location_id, skus = items.len(), "catalog loaded");

    let shopify_hook = format!("{public_url}/webhooks/shopify");
    for topic in SHOPIFY_TOPICS {
        personas
            .shopify
            .subscribe_webhook(topic, &shopify_hook)
            .await?;
    }
    personas
        .easypost
        .subscribe_webhook(&format!("{public_url}/webhooks/easypost"))
        .await?;
    personas
        .shipbob
        .subscribe_webhook(&format!("{public_url}/webhooks/shipbob"), &SHIPBOB_TOPICS)
        .await?;
    tracing::info!(public_url, "webhooks subscribed");
    Ok(Catalog { location_id, items })
}
