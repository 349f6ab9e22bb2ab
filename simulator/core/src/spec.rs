//! What a world starts with: seed, start of the clock, catalog with stock, warehouse
//! handling times, the ship-from address and the nodes of each role (channels,
//! warehouses, carriers; one of each when none are declared). Scenario files and the
//! control API both produce a [`WorldSpec`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::address::Address;
use crate::nodes::NodeId;
use crate::{Duration, Timestamp};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldSpec {
    #[serde(default = "default_name")]
    pub name: String,
    #[serde(default)]
    pub seed: u64,
    #[serde(default = "default_clock")]
    pub clock: Timestamp,
    #[serde(default)]
    pub catalog: Vec<ProductSpec>,
    #[serde(default)]
    pub warehouse: WarehouseSpec,
    #[serde(default = "default_ship_from")]
    pub ship_from: Address,
    /// The storefront channels; none declared means one, [`DEFAULT_CHANNEL`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<ChannelNode>>,
    /// The warehouses; none declared means one, [`DEFAULT_WAREHOUSE`], stocked from the
    /// catalog's `stock`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warehouses: Option<Vec<WarehouseNode>>,
    /// The carriers; none declared means one, [`DEFAULT_CARRIER`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carriers: Option<Vec<CarrierNode>>,
}

/// A storefront channel: an instance of a storefront provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelNode {
    pub id: NodeId,
    pub provider: String,
}

/// A warehouse (3PL) node: an instance of a warehouse provider, with its own stock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarehouseNode {
    pub id: NodeId,
    pub provider: String,
    /// A free label (shown in the manifest).
    #[serde(default = "default_region")]
    pub region: String,
    /// Units on hand per SKU at the start; a catalog SKU not listed has none here.
    #[serde(default)]
    pub stock: BTreeMap<String, i64>,
    /// Where its parcels leave from; the world's `ship_from` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_from: Option<Address>,
}

/// A carrier node: an instance of a carrier provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarrierNode {
    pub id: NodeId,
    pub provider: String,
}

/// The default world's channel, warehouse and carrier: `(node id, provider)`. Their ids
/// are the providers' names, so the contract's variable names, journal lanes and ports of
/// a world that declares no nodes are those of a one-of-each world.
pub const DEFAULT_CHANNEL: (&str, &str) = ("shopify", "shopify");
pub const DEFAULT_WAREHOUSE: (&str, &str) = ("shipbob", "shipbob");
pub const DEFAULT_CARRIER: (&str, &str) = ("easypost", "easypost");
/// The alerts node every world has (id, provider): fault rules may target it.
pub const ALERTS_NODE: (&str, &str) = ("slack", "slack");
/// The region of a warehouse that names none.
pub const DEFAULT_REGION: &str = "US-East";

fn default_region() -> String {
    DEFAULT_REGION.into()
}

impl WorldSpec {
    /// The channels of this world: those declared, or the default one.
    pub fn channel_nodes(&self) -> Vec<ChannelNode> {
        match &self.channels {
            Some(nodes) => nodes.clone(),
            None => vec![ChannelNode {
                id: default_id(DEFAULT_CHANNEL.0),
                provider: DEFAULT_CHANNEL.1.into(),
            }],
        }
    }

    /// The warehouses of this world: those declared, or the default one holding the
    /// catalog's stock.
    pub fn warehouse_nodes(&self) -> Vec<WarehouseNode> {
        match &self.warehouses {
            Some(nodes) => nodes.clone(),
            None => vec![WarehouseNode {
                id: default_id(DEFAULT_WAREHOUSE.0),
                provider: DEFAULT_WAREHOUSE.1.into(),
                region: default_region(),
                stock: self
                    .catalog
                    .iter()
                    .map(|p| (p.sku.trim().to_string(), p.stock))
                    .collect(),
                ship_from: None,
            }],
        }
    }

    /// The carriers of this world: those declared, or the default one.
    pub fn carrier_nodes(&self) -> Vec<CarrierNode> {
        match &self.carriers {
            Some(nodes) => nodes.clone(),
            None => vec![CarrierNode {
                id: default_id(DEFAULT_CARRIER.0),
                provider: DEFAULT_CARRIER.1.into(),
            }],
        }
    }
}

fn default_id(id: &'static str) -> NodeId {
    // A test proves the default ids valid.
    NodeId::known(id)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductSpec {
    pub sku: String,
    #[serde(default)]
    pub title: String,
    /// Unit price in cents.
    #[serde(default = "default_price")]
    pub price_cents: i64,
    #[serde(default = "default_weight")]
    pub weight_oz: u32,
    /// Units on hand in the default warehouse at the start (only when no warehouses are
    /// declared: they hold their own stock); the storefront starts in sync.
    #[serde(default)]
    pub stock: i64,
}

/// How long the warehouse takes for each stage of an order, on the virtual clock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarehouseSpec {
    #[serde(default = "default_pick")]
    pub pick: Duration,
    #[serde(default = "default_pack")]
    pub pack: Duration,
    #[serde(default = "default_ship")]
    pub ship: Duration,
}

impl Default for WarehouseSpec {
    fn default() -> Self {
        WarehouseSpec {
            pick: default_pick(),
            pack: default_pack(),
            ship: default_ship(),
        }
    }
}

impl Default for WorldSpec {
    fn default() -> Self {
        WorldSpec {
            name: default_name(),
            seed: 0,
            clock: default_clock(),
            catalog: Vec::new(),
            warehouse: WarehouseSpec::default(),
            ship_from: default_ship_from(),
            channels: None,
            warehouses: None,
            carriers: None,
        }
    }
}

fn default_name() -> String {
    "world".into()
}
fn default_clock() -> Timestamp {
    Timestamp::from_second(1_796_115_600).unwrap_or(Timestamp::UNIX_EPOCH) // 2026-12-01T09:00:00Z
}
fn default_price() -> i64 {
    1_000
}
fn default_weight() -> u32 {
    16
}
fn default_pick() -> Duration {
    Duration::from_hours(2)
}
fn default_pack() -> Duration {
    Duration::from_hours(1)
}
fn default_ship() -> Duration {
    Duration::from_hours(3)
}

/// The warehouse every default world ships from.
pub fn default_ship_from() -> Address {
    Address {
        name: "Drydock Fulfillment".into(),
        company: "Drydock Fulfillment East".into(),
        street1: "1200 Harbor Blvd".into(),
        street2: String::new(),
        city: "Weehawken".into(),
        state: "NJ".into(),
        zip: "07086".into(),
        country: "US".into(),
        phone: "2015550100".into(),
        email: String::new(),
    }
}

/// A world selling one SKU with `stock` units on hand, for the core's own tests.
#[cfg(test)]
pub(crate) fn one_sku_world(sku: &str, stock: i64) -> crate::World {
    let mut spec = WorldSpec::default();
    spec.catalog.push(ProductSpec {
        sku: sku.into(),
        title: String::new(),
        price_cents: 1200,
        weight_oz: 10,
        stock,
    });
    crate::World::new(&spec).expect("a one-SKU world")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_node_ids_are_valid_node_ids() {
        for (id, _) in [DEFAULT_CHANNEL, DEFAULT_WAREHOUSE, DEFAULT_CARRIER] {
            assert!(NodeId::parse(id).is_ok(), "{id}");
        }
    }

    #[test]
    fn default_clock_is_december_first_2026() {
        assert_eq!(default_clock().to_string(), "2026-12-01T09:00:00Z");
    }
}
