//! Named nodes: a world holds each role (storefront channels, warehouses, carriers) as a
//! list of nodes in declaration order, each one instance of a provider known by its id.
//! The core knows a node's provider only as a plain string; the shell validates it.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::WorldError;
use crate::vocabulary::{self, Vocabulary};

/// The longest node id: a letter and up to 30 more characters.
pub const MAX_NODE_ID_LEN: usize = 31;

/// The id of a node: `[a-z][a-z0-9-]{0,30}`, unique across the world (`shop`, `wh-east`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NodeId(String);

impl NodeId {
    /// Checks `id` against the node id syntax; the error is a predicate ("must ...").
    pub fn parse(id: &str) -> Result<NodeId, String> {
        let mut chars = id.chars();
        let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_lowercase());
        if !starts_with_letter
            || id.len() > MAX_NODE_ID_LEN
            || !chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(format!(
                "must be a lowercase letter then up to 30 lowercase letters, digits or `-` (got {id:?})"
            ));
        }
        Ok(NodeId(id.to_string()))
    }

    /// An id the crate itself names (the default nodes); tests prove each one valid.
    pub(crate) fn known(id: &'static str) -> NodeId {
        NodeId(id.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The prefix of this node's contract environment variables: `wh-east` →
    /// `DRYDOCK_WH_EAST_`.
    pub fn env_prefix(&self) -> String {
        format!("DRYDOCK_{}_", self.0.to_ascii_uppercase().replace('-', "_"))
    }
}

impl TryFrom<String> for NodeId {
    type Error = String;

    fn try_from(id: String) -> Result<Self, Self::Error> {
        NodeId::parse(&id).map_err(|m| format!("node id {m}"))
    }
}

impl From<NodeId> for String {
    fn from(id: NodeId) -> String {
        id.0
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for NodeId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for NodeId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// The part a node plays in the world: the one role vocabulary of the core, the fault
/// rules and the server's providers. Its words are [`Role::as_str`]'s, in serde too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// A storefront: customers place orders there.
    Channel,
    /// A warehouse or 3PL: holds stock, picks, packs and ships.
    Warehouse,
    /// A carrier: labels, trackers, scans.
    Carrier,
    /// The fixed alerts node: it takes the integration's messages and sends no webhooks.
    Alerts,
}

impl Role {
    /// The roles a world declares nodes of (`channels:`, `warehouses:`, `carriers:`); the
    /// alerts node is fixed.
    pub const NODES: [Role; 3] = [Role::Channel, Role::Warehouse, Role::Carrier];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Channel => "channel",
            Role::Warehouse => "warehouse",
            Role::Carrier => "carrier",
            Role::Alerts => "alerts",
        }
    }
}

impl Vocabulary for Role {
    const WHAT: &'static str = "node role";
    const ALL: &'static [Self] = &[Role::Channel, Role::Warehouse, Role::Carrier, Role::Alerts];

    fn word(self) -> &'static str {
        self.as_str()
    }
}

impl Serialize for Role {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Role {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        vocabulary::deserialize::<D, Role>(d)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The state of one node of a role: it knows its id and its provider.
pub trait Node {
    fn id(&self) -> &NodeId;
    fn provider(&self) -> &str;
}

/// The nodes of one role, in declaration order, never empty: the first one is the role's
/// default (what a step or condition that names no node acts on).
#[derive(Debug, Clone)]
pub struct Nodes<T> {
    head: T,
    tail: Vec<T>,
}

impl<T: Node> Nodes<T> {
    /// The nodes in declaration order; `None` when there are none.
    pub fn new(nodes: Vec<T>) -> Option<Nodes<T>> {
        let mut nodes = nodes.into_iter();
        let head = nodes.next()?;
        Some(Nodes {
            head,
            tail: nodes.collect(),
        })
    }

    /// The role's first node, its default.
    pub fn first(&self) -> &T {
        &self.head
    }

    pub fn first_mut(&mut self) -> &mut T {
        &mut self.head
    }

    pub fn get(&self, id: &NodeId) -> Option<&T> {
        self.iter().find(|n| n.id() == id)
    }

    pub fn get_mut(&mut self, id: &NodeId) -> Option<&mut T> {
        self.iter_mut().find(|n| n.id() == id)
    }

    /// The position of a node in declaration order (0 for the first).
    pub fn position(&self, id: &NodeId) -> Option<usize> {
        self.iter().position(|n| n.id() == id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        std::iter::once(&self.head).chain(&self.tail)
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        std::iter::once(&mut self.head).chain(&mut self.tail)
    }

    pub fn ids(&self) -> impl Iterator<Item = &NodeId> {
        self.iter().map(Node::id)
    }

    pub fn len(&self) -> usize {
        1 + self.tail.len()
    }

    /// Never true: a role always has at least one node (for clippy's `len_without_is_empty`).
    pub fn is_empty(&self) -> bool {
        false
    }
}

impl<T: Serialize + Node> Serialize for Nodes<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// The error for a node id that is not a node of `role`: it names the role it does have.
pub(crate) fn not_a(role: Role, id: &NodeId, actual: Option<Role>) -> WorldError {
    match actual {
        Some(actual) => WorldError::invalid(
            "node",
            format!("{id} is a {actual}, not a {role}: name a {role} node"),
        ),
        None => WorldError::not_found(role.as_str(), id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_ids_follow_the_syntax() {
        for good in ["shop", "wh-east", "a", "easypost-eu", "w2"] {
            assert!(NodeId::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Shop",
            "1wh",
            "-wh",
            "wh_east",
            "wh east",
            &"a".repeat(32),
        ] {
            assert!(NodeId::parse(bad).is_err(), "{bad}");
        }
        assert!(NodeId::parse(&"a".repeat(31)).is_ok());
    }

    #[test]
    fn env_prefix_upper_cases_and_swaps_dashes() {
        let id = NodeId::parse("wh-east").expect("id");
        assert_eq!(id.env_prefix(), "DRYDOCK_WH_EAST_");
        let id = NodeId::parse("shopify").expect("id");
        assert_eq!(id.env_prefix(), "DRYDOCK_SHOPIFY_");
    }

    #[test]
    fn node_ids_deserialize_only_when_valid() {
        let ok: Result<NodeId, _> = serde_json::from_str("\"wh-eu\"");
        assert!(ok.is_ok());
        let bad: Result<NodeId, _> = serde_json::from_str("\"WH\"");
        assert!(bad.is_err());
    }

    #[test]
    fn roles_serialize_and_read_back_as_their_words() {
        for role in Role::ALL {
            let json = serde_json::to_string(role).expect("serialize");
            assert_eq!(json, format!("\"{}\"", role.as_str()));
            let back: Role = serde_json::from_str(&json).expect("deserialize");
            assert_eq!(back, *role);
        }
        let bad = serde_json::from_str::<Role>("\"shop\"").expect_err("not a role");
        assert!(bad.to_string().contains("alerts"), "{bad}");
    }
}
