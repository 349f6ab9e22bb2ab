//! What a world starts with: seed, start of the clock, catalog with stock, warehouse
//! handling times and the ship-from address. Scenario files and the control API both
//! produce a [`WorldSpec`].

use serde::{Deserialize, Serialize};

use crate::address::Address;
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
    /// Units on hand in the warehouse at the start; the storefront starts in sync.
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
    fn default_clock_is_december_first_2026() {
        assert_eq!(default_clock().to_string(), "2026-12-01T09:00:00Z");
    }
}
