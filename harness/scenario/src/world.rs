//! The nodes a scenario's `world:` declares — storefront `channels`, `warehouses` with
//! their stock, `carriers` — and their checks: ids of the node id syntax, unique across
//! the world; a provider that serves the node's role (the list comes from the server's
//! registry as data, so this crate names no provider); stock on warehouses only for
//! catalog SKUs and not also in the catalog. Each problem is reported where it is written.

use std::collections::{BTreeMap, BTreeSet};

use drydock_core::address::Address;
use drydock_core::limits;
use drydock_core::spec::{CarrierNode, ChannelNode, WarehouseNode, WorldSpec};
use drydock_core::{NodeId, Role};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::condition::Condition;
use crate::model::Scenario;
use crate::parse::Problems;

/// A storefront channel: `{ id: shop-eu, provider: shopify }`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelEntry {
    /// The node's id: a lowercase letter, then up to 30 lowercase letters, digits or `-`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// The storefront provider this channel is an instance of.
    #[schemars(with = "String")]
    pub provider: Spanned<String>,
}

/// A warehouse (3PL) node with its own stock.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WarehouseEntry {
    /// The node's id: a lowercase letter, then up to 30 lowercase letters, digits or `-`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// The warehouse provider this node is an instance of.
    #[schemars(with = "String")]
    pub provider: Spanned<String>,
    /// A free label shown in the manifest (default `US-East`).
    #[serde(default)]
    pub region: Option<String>,
    /// Units on hand per SKU at the start; a catalog SKU not listed has none here.
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, i64>>")]
    pub stock: Option<Spanned<BTreeMap<String, i64>>>,
    /// Where this warehouse's parcels leave from (default: the world's `ship_from`).
    #[serde(default)]
    pub ship_from: Option<Address>,
}

/// A carrier node: `{ id: easypost-eu, provider: easypost }`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CarrierEntry {
    /// The node's id: a lowercase letter, then up to 30 lowercase letters, digits or `-`.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// The carrier provider this node is an instance of.
    #[schemars(with = "String")]
    pub provider: Spanned<String>,
}

/// The providers a node of each role may be an instance of, and the ids of the nodes
/// every world has anyway (the alerts node): the server's registry, handed in as data.
/// Empty lists accept any provider (for tools that only read a file's shape).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeProviders {
    pub channel: Vec<String>,
    pub warehouse: Vec<String>,
    pub carrier: Vec<String>,
    /// Ids no declared node may take.
    pub fixed_ids: Vec<String>,
}

impl NodeProviders {
    fn of(&self, role: Role) -> &[String] {
        match role {
            Role::Channel => &self.channel,
            Role::Warehouse => &self.warehouse,
            Role::Carrier => &self.carrier,
            // The alerts node is fixed: no scenario declares one.
            Role::Alerts => &[],
        }
    }
}

/// One declared node, whatever its role, for the checks they share.
struct Declared<'a> {
    role: Role,
    id: &'a Spanned<String>,
    provider: &'a Spanned<String>,
}

/// Reports every problem of the world's nodes.
pub(crate) fn check(s: &Scenario, providers: &NodeProviders, p: &mut Problems<'_>) {
    let w = &s.world;
    let mut declared: Vec<Declared<'_>> = Vec::new();
    let lists = [
        (
            "channels",
            Role::Channel,
            w.channels.as_ref().map(|l| (l.referenced, l.value.len())),
        ),
        (
            "warehouses",
            Role::Warehouse,
            w.warehouses.as_ref().map(|l| (l.referenced, l.value.len())),
        ),
        (
            "carriers",
            Role::Carrier,
            w.carriers.as_ref().map(|l| (l.referenced, l.value.len())),
        ),
    ];
    for (key, role, list) in lists {
        if let Some((at, 0)) = list {
            p.push(
                at.line() as usize,
                at.column() as usize,
                format!("`world.{key}` is empty: a world needs at least one {role}"),
                Some(format!(
                    "declare one, e.g. `{key}: [{{ id: ..., provider: ... }}]`, or leave `{key}` out for the default one"
                )),
            );
        }
    }
    for c in w.channels.iter().flat_map(|l| &l.value) {
        declared.push(Declared {
            role: Role::Channel,
            id: &c.id,
            provider: &c.provider,
        });
    }
    for wh in w.warehouses.iter().flat_map(|l| &l.value) {
        declared.push(Declared {
            role: Role::Warehouse,
            id: &wh.id,
            provider: &wh.provider,
        });
    }
    for c in w.carriers.iter().flat_map(|l| &l.value) {
        declared.push(Declared {
            role: Role::Carrier,
            id: &c.id,
            provider: &c.provider,
        });
    }
    let mut seen: BTreeMap<&str, Role> = BTreeMap::new();
    for node in &declared {
        let id = node.id.value.as_str();
        if let Err(m) = NodeId::parse(id) {
            p.at(
                node.id,
                format!("node id {m}"),
                Some("write an id such as `wh-east` or `shop-eu`".into()),
            );
        } else if providers.fixed_ids.iter().any(|f| f == id) {
            p.at(
                node.id,
                format!("`{id}` is the id of a node every world has"),
                Some(format!(
                    "give this {} another id; taken: {}",
                    node.role,
                    providers.fixed_ids.join(", ")
                )),
            );
        } else if let Some(first) = seen.insert(id, node.role) {
            p.at(
                node.id,
                format!("node id `{id}` is used twice (a {first} has it already)"),
                Some("node ids are unique across channels, warehouses and carriers".into()),
            );
        }
        let allowed = providers.of(node.role);
        if !allowed.is_empty() && !allowed.contains(&node.provider.value) {
            p.at(
                node.provider,
                format!(
                    "`{}` is not a provider of a {}",
                    node.provider.value, node.role
                ),
                Some(format!("a {} is one of: {}", node.role, allowed.join(", "))),
            );
        }
    }
    check_stock(s, p);
}

/// Stock lives in the catalog (one default warehouse) or on each declared warehouse,
/// never both; a warehouse stocks only catalog SKUs, within the world's bounds.
fn check_stock(s: &Scenario, p: &mut Problems<'_>) {
    let w = &s.world;
    let skus: BTreeSet<&str> = w.catalog.iter().map(|c| c.sku.value.as_str()).collect();
    if w.warehouses.is_some() {
        for product in &w.catalog {
            if let Some(stock) = &product.stock {
                p.at(
                    stock,
                    format!(
                        "the catalog gives {} stock, but the world declares its warehouses",
                        product.sku.value
                    ),
                    Some(format!(
                        "remove `stock:` here and give each warehouse its units, e.g. `stock: {{ {}: {} }}`",
                        product.sku.value, stock.value
                    )),
                );
            }
        }
    }
    for wh in w.warehouses.iter().flat_map(|l| &l.value) {
        let Some(stock) = &wh.stock else { continue };
        for (sku, units) in &stock.value {
            if !skus.contains(sku.as_str()) {
                let list = skus.iter().copied().collect::<Vec<_>>().join(", ");
                p.at(
                    stock,
                    format!(
                        "warehouse {} stocks SKU {sku}, which is not in the catalog",
                        wh.id.value
                    ),
                    Some(format!("the catalog has: {list}")),
                );
            }
            if let Err(m) = limits::on_hand(*units) {
                p.at(
                    stock,
                    format!("stock of {sku} at {} {m}", wh.id.value),
                    Some(format!(
                        "write the units on the shelves, 0 to {}",
                        limits::MAX_STOCK
                    )),
                );
            }
        }
    }
}

/// The nodes of the world a scenario declares, as the core builds them.
pub(crate) fn spec_nodes(s: &Scenario, spec: &mut WorldSpec) {
    let w = &s.world;
    let id = |spanned: &Spanned<String>| NodeId::parse(&spanned.value).ok();
    spec.channels = w.channels.as_ref().map(|list| {
        list.value
            .iter()
            .filter_map(|c| {
                Some(ChannelNode {
                    id: id(&c.id)?,
                    provider: c.provider.value.clone(),
                })
            })
            .collect()
    });
    spec.warehouses = w.warehouses.as_ref().map(|list| {
        list.value
            .iter()
            .filter_map(|wh| {
                Some(WarehouseNode {
                    id: id(&wh.id)?,
                    provider: wh.provider.value.clone(),
                    region: wh
                        .region
                        .clone()
                        .unwrap_or_else(|| drydock_core::spec::DEFAULT_REGION.into()),
                    stock: wh
                        .stock
                        .as_ref()
                        .map(|s| s.value.clone())
                        .unwrap_or_default(),
                    ship_from: wh.ship_from.clone(),
                })
            })
            .collect()
    });
    spec.carriers = w.carriers.as_ref().map(|list| {
        list.value
            .iter()
            .filter_map(|c| {
                Some(CarrierNode {
                    id: id(&c.id)?,
                    provider: c.provider.value.clone(),
                })
            })
            .collect()
    });
}

/// The ids of the world's nodes of `role`, declared or default, in declaration order.
pub(crate) fn node_ids(s: &Scenario, role: Role) -> Vec<String> {
    let mut spec = WorldSpec::default();
    spec.catalog.clear();
    spec_nodes(s, &mut spec);
    let ids: Vec<NodeId> = match role {
        Role::Channel => spec.channel_nodes().into_iter().map(|n| n.id).collect(),
        Role::Warehouse => spec.warehouse_nodes().into_iter().map(|n| n.id).collect(),
        Role::Carrier => spec.carrier_nodes().into_iter().map(|n| n.id).collect(),
        Role::Alerts => return vec![drydock_core::spec::ALERTS_NODE.0.to_string()],
    };
    ids.into_iter().map(String::from).collect()
}

/// The ids of the world's channels and warehouses, declared or default: what conditions
/// may name.
pub(crate) struct KnownNodes {
    channels: Vec<String>,
    warehouses: Vec<String>,
}

impl KnownNodes {
    pub(crate) fn of(s: &Scenario) -> KnownNodes {
        KnownNodes {
            channels: node_ids(s, Role::Channel),
            warehouses: node_ids(s, Role::Warehouse),
        }
    }

    /// The nodes a condition names exist, each where the condition needs it.
    pub(crate) fn check_condition(&self, c: &Condition, p: &mut Problems<'_>) {
        if let Some(channel) = &c.channel {
            known(channel, Role::Channel, &self.channels, p);
            if c.storefront.is_none() {
                p.at(
                    channel,
                    "`channel` names whose `storefront` count is meant, but there is none".into(),
                    Some("add `storefront: N`, or remove `channel`".into()),
                );
            }
        }
        if let Some(warehouse) = c.warehouse_node() {
            known(warehouse, Role::Warehouse, &self.warehouses, p);
            if c.sellable.is_none() && c.on_hand.is_none() {
                p.at(
                    warehouse,
                    "`warehouse` names whose `sellable` or `on_hand` is meant, but there is neither"
                        .into(),
                    Some("add `on_hand: N` or `sellable: N`, or remove `warehouse`".into()),
                );
            }
        }
        if let Some(from) = &c.shipped_from
            && from.value != "none"
        {
            known(from, Role::Warehouse, &self.warehouses, p);
        }
    }
}

impl KnownNodes {
    /// The node a step names (`channel:` on place_order, `warehouse:` on set_stock) is one
    /// of the world's nodes of that role.
    pub(crate) fn check_step(
        &self,
        id: Option<&Spanned<String>>,
        role: Role,
        p: &mut Problems<'_>,
    ) {
        let Some(id) = id else { return };
        match role {
            Role::Channel => known(id, role, &self.channels, p),
            Role::Warehouse => known(id, role, &self.warehouses, p),
            // No step names a carrier or the alerts node.
            Role::Carrier | Role::Alerts => {}
        }
    }
}

/// A node a condition names must be one of the world's nodes of that role.
fn known(id: &Spanned<String>, role: Role, ids: &[String], p: &mut Problems<'_>) {
    if !ids.contains(&id.value) {
        p.at(
            id,
            format!("the world has no {role} `{}`", id.value),
            Some(format!("its {role}s are: {}", ids.join(", "))),
        );
    }
}
