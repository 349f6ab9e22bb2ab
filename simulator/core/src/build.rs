//! Building a world from its spec: the catalog, every channel with its own listings,
//! location and order numbering, every warehouse with its own stock, every carrier. The
//! spec is checked whole before anything is built; the ids are drawn in a fixed order so
//! that a one-of-each world gets exactly the ids it always had.

use std::collections::{BTreeMap, BTreeSet};

use crate::carrier::Carrier;
use crate::catalog::{Listing, Product};
use crate::clock::Agenda;
use crate::ids::{IdGen, STABLE_LOCATION_ID, stable_catalog_ids};
use crate::limits;
use crate::nodes::{NodeId, Nodes};
use crate::spec::{ChannelNode, WarehouseNode, WorldSpec};
use crate::storefront::{InventoryLevel, Storefront};
use crate::warehouse::{StockLevel, Warehouse};
use crate::{World, WorldError};

/// The first order number of every channel (Shopify starts at 1001).
const FIRST_ORDER_NUMBER: u64 = 1001;
/// The first warehouse's ShipBob channel id; the others count on from it.
const FIRST_WAREHOUSE_CHANNEL_ID: u64 = 100_101;

impl World {
    pub(crate) fn build(spec: &WorldSpec, space: Option<u64>) -> Result<World, WorldError> {
        check(spec)?;
        let channel_nodes = spec.channel_nodes();
        let warehouse_nodes = spec.warehouse_nodes();
        let mut ids = match space {
            Some(space) => IdGen::in_space(spec.seed, space),
            None => IdGen::new(spec.seed),
        };
        let location_ids: Vec<u64> = (0..channel_nodes.len() as u64)
            .map(|i| match space {
                Some(_) => STABLE_LOCATION_ID - i,
                None => ids.channel_id(),
            })
            .collect();
        let mut catalog = BTreeMap::new();
        let mut listings: Vec<BTreeMap<String, Listing>> =
            vec![BTreeMap::new(); channel_nodes.len()];
        let mut stock: Vec<BTreeMap<String, StockLevel>> =
            vec![BTreeMap::new(); warehouse_nodes.len()];
        for p in &spec.catalog {
            let sku = p.sku.trim();
            for (i, channel) in channel_nodes.iter().enumerate() {
                let listing = match space {
                    Some(_) => {
                        let (product_id, variant_id, inventory_item_id, _) =
                            stable_ids(i, &channel.id, sku);
                        Listing {
                            product_id,
                            variant_id,
                            inventory_item_id,
                        }
                    }
                    None => Listing {
                        product_id: ids.channel_id(),
                        variant_id: ids.channel_id(),
                        inventory_item_id: ids.channel_id(),
                    },
                };
                listings[i].insert(sku.to_string(), listing);
            }
            for (i, warehouse) in warehouse_nodes.iter().enumerate() {
                let inventory_id = match space {
                    Some(_) => stable_ids(i, &warehouse.id, sku).3,
                    None => ids.warehouse_id(),
                };
                let on_hand = warehouse.stock.get(sku).copied().unwrap_or(0);
                stock[i].insert(
                    sku.to_string(),
                    StockLevel {
                        inventory_id,
                        on_hand,
                        committed: 0,
                    },
                );
            }
            catalog.insert(
                sku.to_string(),
                Product {
                    sku: sku.to_string(),
                    title: if p.title.is_empty() {
                        sku.to_string()
                    } else {
                        p.title.clone()
                    },
                    price_cents: p.price_cents,
                    weight_oz: p.weight_oz,
                },
            );
        }
        // A channel starts offering what all warehouses together can sell.
        let sellable = |sku: &str| -> i64 {
            stock
                .iter()
                .filter_map(|levels| levels.get(sku))
                .map(StockLevel::sellable)
                .sum()
        };
        let base_domain = match space {
            Some(_) => "drydock-shop".to_string(),
            None => slug(&spec.name),
        };
        let first_number = FIRST_ORDER_NUMBER + space.map_or(0, |s| (s % 1_000_000) * 1_000);
        let channels = channel_nodes
            .into_iter()
            .zip(listings)
            .zip(location_ids)
            .enumerate()
            .map(|(i, ((node, listings), location_id))| {
                let inventory = listings
                    .iter()
                    .map(|(sku, l)| {
                        (
                            l.inventory_item_id,
                            InventoryLevel {
                                sku: sku.clone(),
                                available: sellable(sku),
                                updated_at: spec.clock,
                            },
                        )
                    })
                    .collect();
                channel(
                    i,
                    node,
                    &base_domain,
                    location_id,
                    listings,
                    inventory,
                    first_number,
                )
            })
            .collect();
        let warehouses = warehouse_nodes
            .into_iter()
            .zip(stock)
            .enumerate()
            .map(|(i, (node, stock))| warehouse(i, node, stock, spec))
            .collect();
        let carriers = spec
            .carrier_nodes()
            .into_iter()
            .map(|node| Carrier {
                id: node.id,
                provider: node.provider,
                addresses: BTreeMap::new(),
                shipments: BTreeMap::new(),
                trackers: BTreeMap::new(),
                webhooks: Vec::new(),
            })
            .collect();
        let none = || WorldError::invalid("nodes", "every role needs at least one node");
        Ok(World {
            name: spec.name.clone(),
            seed: spec.seed,
            catalog,
            channels: Nodes::new(channels).ok_or_else(none)?,
            warehouses: Nodes::new(warehouses).ok_or_else(none)?,
            carriers: Nodes::new(carriers).ok_or_else(none)?,
            alerts: Vec::new(),
            ship_from: spec.ship_from.clone(),
            faults: crate::faults::FaultBook::new(spec.seed, spec.clock),
            agenda: Agenda::starting_at(spec.clock),
            warehouse_handling: spec.warehouse.clone(),
            ids,
            outbox: Vec::new(),
        })
    }
}

/// Every problem of a spec that would make a world inconsistent, the first one found.
fn check(spec: &WorldSpec) -> Result<(), WorldError> {
    limits::start(spec.clock).map_err(|m| WorldError::invalid("clock", m))?;
    for (stage, d) in [
        ("pick", spec.warehouse.pick),
        ("pack", spec.warehouse.pack),
        ("ship", spec.warehouse.ship),
    ] {
        limits::core_duration(d)
            .map_err(|m| WorldError::invalid(format!("warehouse.{stage}"), m))?;
    }
    let mut skus = BTreeSet::new();
    for p in &spec.catalog {
        let sku = p.sku.trim();
        if sku.is_empty() {
            return Err(WorldError::invalid("catalog.sku", "must not be empty"));
        }
        if !skus.insert(sku) {
            return Err(WorldError::invalid(
                "catalog.sku",
                format!("{sku} appears twice"),
            ));
        }
        let field = |name: &str| format!("catalog.{name} of {sku}");
        limits::on_hand(p.stock).map_err(|m| WorldError::invalid(field("stock"), m))?;
        limits::price_cents(p.price_cents)
            .map_err(|m| WorldError::invalid(field("price_cents"), m))?;
        limits::unit_weight_oz(p.weight_oz)
            .map_err(|m| WorldError::invalid(field("weight_oz"), m))?;
        if spec.warehouses.is_some() && p.stock != 0 {
            return Err(WorldError::invalid(
                field("stock"),
                "must be left out when warehouses are declared: give each warehouse its `stock`",
            ));
        }
    }
    let mut node_ids: BTreeSet<&NodeId> = BTreeSet::new();
    for (role, list) in [
        (
            "channels",
            spec.channels
                .as_ref()
                .map(|n| n.iter().map(|c| &c.id).collect::<Vec<_>>()),
        ),
        (
            "warehouses",
            spec.warehouses
                .as_ref()
                .map(|n| n.iter().map(|w| &w.id).collect()),
        ),
        (
            "carriers",
            spec.carriers
                .as_ref()
                .map(|n| n.iter().map(|c| &c.id).collect()),
        ),
    ] {
        let Some(list) = list else { continue };
        if list.is_empty() {
            return Err(WorldError::invalid(
                role,
                "must name at least one node (leave the list out for the default one)",
            ));
        }
        for id in list {
            if !node_ids.insert(id) {
                return Err(WorldError::invalid(
                    role,
                    format!("node id {id} appears twice: node ids are unique across the world"),
                ));
            }
        }
    }
    for node in spec.warehouses.iter().flatten() {
        for (sku, units) in &node.stock {
            if !skus.contains(sku.as_str()) {
                return Err(WorldError::invalid(
                    format!("warehouses.stock of {}", node.id),
                    format!("names {sku}, which is not in the catalog"),
                ));
            }
            limits::on_hand(*units).map_err(|m| {
                WorldError::invalid(format!("warehouses.stock of {} at {}", sku, node.id), m)
            })?;
        }
    }
    Ok(())
}

/// The stable ids of a SKU at the node in position `i` of its role, in an id space: the
/// first node keeps the ids every world of the space has always had.
fn stable_ids(i: usize, node: &NodeId, sku: &str) -> (u64, u64, u64, u64) {
    if i == 0 {
        stable_catalog_ids(sku)
    } else {
        stable_catalog_ids(&format!("{node}/{sku}"))
    }
}

fn channel(
    i: usize,
    node: ChannelNode,
    base_domain: &str,
    location_id: u64,
    listings: BTreeMap<String, Listing>,
    inventory: BTreeMap<u64, InventoryLevel>,
    first_number: u64,
) -> Storefront {
    // The first channel names its orders `#1001`; another one prefixes its id
    // (`#SHOP-EU-1001`), so order names never collide across channels.
    let (shop_domain, order_prefix) = if i == 0 {
        (format!("{base_domain}.myshopify.com"), String::new())
    } else {
        (
            format!("{base_domain}-{}.myshopify.com", node.id),
            format!("{}-", node.id.as_str().to_ascii_uppercase()),
        )
    };
    Storefront {
        id: node.id,
        provider: node.provider,
        shop_domain,
        location_id,
        listings,
        order_prefix,
        orders: BTreeMap::new(),
        fulfillment_orders: BTreeMap::new(),
        fulfillments: BTreeMap::new(),
        inventory,
        webhooks: Vec::new(),
        next_order_number: first_number,
    }
}

fn warehouse(
    i: usize,
    node: WarehouseNode,
    stock: BTreeMap<String, StockLevel>,
    spec: &WorldSpec,
) -> Warehouse {
    let location_name = if i == 0 {
        "Drydock East (NJ)".to_string()
    } else {
        format!("Drydock {} ({})", node.id, node.region)
    };
    Warehouse {
        id: node.id,
        provider: node.provider,
        region: node.region,
        ship_from: node.ship_from.unwrap_or_else(|| spec.ship_from.clone()),
        channel_id: FIRST_WAREHOUSE_CHANNEL_ID + i as u64,
        location_name,
        orders: BTreeMap::new(),
        stock,
        webhooks: Vec::new(),
    }
}

/// The shop's subdomain, from the world's name.
fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() {
        "drydock".into()
    } else {
        format!("drydock-{s}")
    }
}
