//! Which nodes a fault rule makes misbehave: one node by id (`node: wh-eu`) or every node
//! of a provider (`persona: shipbob`). Both are plain strings: the core knows no provider
//! names, only the nodes a world declares, each with its role and provider. A rule is
//! checked against those nodes when it is added, and its effect against their roles.

use serde::Serialize;

use super::effect::{EffectFamily, EffectKind};
use crate::{NodeId, Role};

/// The nodes a rule targets.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// One node, by its id (`wh-eu`, or `shipbob` in the default world).
    Node(NodeId),
    /// Every node of this provider (`shipbob`).
    Persona(String),
}

/// A node a rule may target: its id, role and provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetNode {
    pub id: String,
    pub role: Role,
    pub provider: String,
}

impl TargetNode {
    pub fn new(id: &str, role: Role, provider: &str) -> TargetNode {
        TargetNode {
            id: id.to_string(),
            role,
            provider: provider.to_string(),
        }
    }

    /// The alerts node.
    pub fn alerts() -> TargetNode {
        let (id, provider) = crate::spec::ALERTS_NODE;
        TargetNode::new(id, Role::Alerts, provider)
    }
}

impl crate::WorldSpec {
    /// The nodes a fault rule in a world of this spec may target: every channel,
    /// warehouse and carrier it declares (or the default ones), and the alerts node.
    pub fn fault_targets(&self) -> Vec<TargetNode> {
        let mut out: Vec<TargetNode> = Vec::new();
        out.extend(
            self.channel_nodes()
                .iter()
                .map(|n| TargetNode::new(n.id.as_str(), Role::Channel, &n.provider)),
        );
        out.extend(
            self.warehouse_nodes()
                .iter()
                .map(|n| TargetNode::new(n.id.as_str(), Role::Warehouse, &n.provider)),
        );
        out.extend(
            self.carrier_nodes()
                .iter()
                .map(|n| TargetNode::new(n.id.as_str(), Role::Carrier, &n.provider)),
        );
        out.push(TargetNode::alerts());
        out
    }
}

impl Target {
    /// Whether a call to or a webhook from the node `id` of `provider` is targeted.
    pub fn covers(&self, id: &str, provider: &str) -> bool {
        match self {
            Target::Node(n) => n.as_str() == id,
            Target::Persona(p) => p == provider,
        }
    }

    /// As authors write it: `node: wh-eu` or `persona: shipbob`.
    pub fn describe(&self) -> String {
        match self {
            Target::Node(n) => format!("node: {n}"),
            Target::Persona(p) => format!("persona: {p}"),
        }
    }

    /// What is wrong with aiming `effect` at this target among `nodes`, in plain words.
    pub fn problems(&self, effect: EffectKind, nodes: &[TargetNode]) -> Vec<String> {
        let hit: Vec<&TargetNode> = nodes
            .iter()
            .filter(|n| self.covers(&n.id, &n.provider))
            .collect();
        if hit.is_empty() {
            let (what, names) = match self {
                Target::Node(_) => (
                    "node",
                    nodes.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(),
                ),
                Target::Persona(_) => {
                    let mut providers: Vec<&str> =
                        nodes.iter().map(|n| n.provider.as_str()).collect();
                    providers.dedup();
                    ("persona", providers)
                }
            };
            return vec![format!(
                "`{}` names no {what} of this world; write one of {}",
                self.describe(),
                names.join(", ")
            )];
        }
        let wanted = roles_for(effect);
        let mut out = Vec::new();
        for node in hit {
            if node.role == Role::Alerts && family_of(effect) == EffectFamily::Webhook {
                out.push(format!(
                    "{} sends no webhooks; `{}` acts on webhooks of a channel, warehouse or carrier node",
                    node.id,
                    effect.name()
                ));
            } else if !wanted.contains(&node.role) {
                let roles: Vec<&str> = wanted.iter().map(|r| r.as_str()).collect();
                out.push(format!(
                    "`{}` acts on a {} node, but `{}` is the {}{}",
                    effect.name(),
                    roles.join(" or "),
                    node.id,
                    node.role.as_str(),
                    suggestion(&wanted, nodes)
                ));
            }
        }
        out
    }
}

/// The roles whose nodes an effect can act on.
fn roles_for(effect: EffectKind) -> Vec<Role> {
    use Role::*;
    match (effect, family_of(effect)) {
        (EffectKind::AddressRejected, _) => vec![Carrier],
        (EffectKind::ApiVersionRetired, _) => vec![Channel, Warehouse],
        (_, EffectFamily::Request) => vec![Channel, Warehouse, Carrier, Alerts],
        (_, EffectFamily::Webhook) => vec![Channel, Warehouse, Carrier],
        (_, EffectFamily::WorldChange | EffectFamily::Warehouse) => vec![Warehouse],
    }
}

/// `; use node: shipbob` when one node would do.
fn suggestion(roles: &[Role], nodes: &[TargetNode]) -> String {
    nodes
        .iter()
        .find(|n| roles.contains(&n.role))
        .map(|n| format!("; use `node: {}` or `persona: {}`", n.id, n.provider))
        .unwrap_or_default()
}

/// The family an effect belongs to, by its name.
pub(crate) fn family_of(effect: EffectKind) -> EffectFamily {
    match effect {
        EffectKind::Outage
        | EffectKind::HtmlError
        | EffectKind::ConnectionReset
        | EffectKind::Hang
        | EffectKind::Latency
        | EffectKind::RateLimited
        | EffectKind::TimeoutAfterCommit
        | EffectKind::TruncatedJson
        | EffectKind::WrongContentType
        | EffectKind::MissingField
        | EffectKind::ApiVersionRetired
        | EffectKind::AddressRejected => EffectFamily::Request,
        EffectKind::Duplicate
        | EffectKind::OutOfOrder
        | EffectKind::Delayed
        | EffectKind::Dropped
        | EffectKind::BadSignature => EffectFamily::Webhook,
        EffectKind::StockDrift => EffectFamily::WorldChange,
        EffectKind::ShortPick | EffectKind::Backorder => EffectFamily::Warehouse,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_must_name_a_node_whose_role_fits_the_effect() {
        let nodes = crate::WorldSpec::default().fault_targets();
        let nodes = nodes.as_slice();
        let shipbob = Target::Persona("shipbob".into());
        assert!(shipbob.problems(EffectKind::StockDrift, nodes).is_empty());
        let shop = Target::Node(NodeId::known("shopify"));
        let wrong = shop.problems(EffectKind::StockDrift, nodes).join("\n");
        assert!(wrong.contains("`node: shipbob`"), "{wrong}");
        let slack = Target::Persona("slack".into());
        assert!(!slack.problems(EffectKind::Dropped, nodes).is_empty());
        let ups = Target::Persona("ups".into());
        let unknown = ups.problems(EffectKind::Outage, nodes).join("\n");
        assert!(
            unknown.contains("shopify, shipbob, easypost, slack"),
            "{unknown}"
        );
        let address = Target::Node(NodeId::known("shipbob"));
        assert!(
            !address
                .problems(EffectKind::AddressRejected, nodes)
                .is_empty()
        );
    }
}
