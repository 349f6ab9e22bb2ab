//! The world's nodes as this integration talks to them: one API client per storefront
//! channel, warehouse and carrier, in declaration order, each with its own credentials
//! and its own retry pacing (an outage at one warehouse never slows calls to another).
//! Orders remember their nodes by index into these lists.

use std::sync::Arc;

use crate::client::HttpClient;
use crate::config::{Config, ShipFrom};
use crate::easypost::EasyPostApi;
use crate::shipbob::ShipBobApi;
use crate::shopify::ShopifyApi;
use crate::slack::SlackApi;

pub(crate) struct Channel {
    pub(crate) id: String,
    pub(crate) api: ShopifyApi,
}

pub(crate) struct Warehouse {
    pub(crate) id: String,
    pub(crate) region: String,
    pub(crate) ship_from: ShipFrom,
    pub(crate) api: ShipBobApi,
}

pub(crate) struct Carrier {
    pub(crate) id: String,
    pub(crate) api: EasyPostApi,
}

/// Every node, cheap to clone.
#[derive(Clone)]
pub(crate) struct Nodes(Arc<NodeLists>);

pub(crate) struct NodeLists {
    pub(crate) channels: Vec<Channel>,
    pub(crate) warehouses: Vec<Warehouse>,
    pub(crate) carriers: Vec<Carrier>,
}

impl std::ops::Deref for Nodes {
    type Target = NodeLists;
    fn deref(&self) -> &NodeLists {
        &self.0
    }
}

impl Nodes {
    pub(crate) fn new(
        config: &Config,
        http: &HttpClient,
        slack: &SlackApi,
        ignores_version_change: bool,
    ) -> Nodes {
        let channels = config
            .channels
            .iter()
            .map(|c| Channel {
                id: c.id.clone(),
                api: ShopifyApi::new(http.with_own_pacers(), &c.shopify, slack.clone()),
            })
            .collect();
        let warehouses = config
            .warehouses
            .iter()
            .map(|w| Warehouse {
                id: w.id.clone(),
                region: w.region.clone(),
                ship_from: w.ship_from.clone(),
                api: ShipBobApi::new(
                    http.with_own_pacers(),
                    &w.shipbob,
                    slack.clone(),
                    ignores_version_change,
                ),
            })
            .collect();
        let carriers = config
            .carriers
            .iter()
            .map(|c| Carrier {
                id: c.id.clone(),
                api: EasyPostApi::new(http.with_own_pacers(), &c.easypost),
            })
            .collect();
        Nodes(Arc::new(NodeLists {
            channels,
            warehouses,
            carriers,
        }))
    }

    /// The channel at `index`, else the first (every world has one).
    pub(crate) fn channel(&self, index: usize) -> &Channel {
        self.channels.get(index).unwrap_or(&self.channels[0])
    }

    pub(crate) fn warehouse(&self, index: usize) -> &Warehouse {
        self.warehouses.get(index).unwrap_or(&self.warehouses[0])
    }

    pub(crate) fn carrier(&self, index: usize) -> &Carrier {
        self.carriers.get(index).unwrap_or(&self.carriers[0])
    }
}
