//! Startup: load every storefront's catalog and subscribe to every node's webhooks.
//! `/health` turns 200 only after this succeeds.

use std::collections::HashMap;

use crate::client::CallError;
use crate::nodes::Nodes;
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

/// Loads every channel's catalog (one per channel, in their order) and subscribes
/// `public_url`'s receivers at every node: `{public_url}/webhooks/{node id}`.
pub(crate) async fn prepare(nodes: &Nodes, public_url: &str) -> Result<Vec<Catalog>, StartupError> {
    let mut catalogs = Vec::with_capacity(nodes.channels.len());
    for channel in &nodes.channels {
        catalogs.push(catalog(&channel.api).await?);
        tracing::info!(channel = %channel.id, "catalog loaded");
    }
    for channel in &nodes.channels {
        let hook = format!("{public_url}/webhooks/{}", channel.id);
        for topic in SHOPIFY_TOPICS {
            channel.api.subscribe_webhook(topic, &hook).await?;
        }
    }
    for carrier in &nodes.carriers {
        let hook = format!("{public_url}/webhooks/{}", carrier.id);
        carrier.api.subscribe_webhook(&hook).await?;
    }
    for warehouse in &nodes.warehouses {
        let hook = format!("{public_url}/webhooks/{}", warehouse.id);
        warehouse
            .api
            .subscribe_webhook(&hook, &SHIPBOB_TOPICS)
            .await?;
    }
    tracing::info!(public_url, "webhooks subscribed");
    Ok(catalogs)
}

/// One storefront's location and SKU → inventory item ids.
async fn catalog(shopify: &ShopifyApi) -> Result<Catalog, StartupError> {
    let location_id = shopify
        .locations()
        .await?
        .first()
        .map(|l| l.id)
        .ok_or(StartupError::NoLocation)?;
    let mut items = HashMap::new();
    for product in shopify.products().await? {
        for variant in product.variants {
            if let (Some(sku), Some(item_id)) = (variant.sku, variant.inventory_item_id)
                && !sku.trim().is_empty()
            {
                items.insert(sku.trim().to_owned(), item_id);
            }
        }
    }
    tracing::info!(location_id, skus = items.len(), "catalog loaded");
    Ok(Catalog { location_id, items })
}
