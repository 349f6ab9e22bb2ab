//! Putting fault rules into a world and taking them out. A rule is checked against the
//! world's nodes first; most rules then wait for calls, a world change (a stock drift)
//! happens at once.

use super::effect::{Effect, WorldChange};
use super::rule::FaultRule;
use super::target::TargetNode;
use crate::nodes::{Node, NodeId};
use crate::{Role, World, WorldError};

impl World {
    /// The nodes a fault rule may target: every channel, warehouse and carrier, and the
    /// alerts node.
    pub fn fault_targets(&self) -> Vec<TargetNode> {
        let mut out: Vec<TargetNode> = Vec::new();
        out.extend(
            self.channels
                .iter()
                .map(|n| TargetNode::new(n.id.as_str(), Role::Channel, n.provider())),
        );
        out.extend(
            self.warehouses
                .iter()
                .map(|n| TargetNode::new(n.id.as_str(), Role::Warehouse, n.provider())),
        );
        out.extend(
            self.carriers
                .iter()
                .map(|n| TargetNode::new(n.id.as_str(), Role::Carrier, n.provider())),
        );
        out.push(TargetNode::alerts());
        out
    }

    /// Puts a rule in force; a world change is applied now and logged as fired.
    pub fn add_fault(&mut self, rule: FaultRule) -> Result<(), WorldError> {
        let now = self.now();
        let mut problems = rule.problems();
        problems.extend(rule.target_problems(&self.fault_targets()));
        if !problems.is_empty() {
            return Err(WorldError::invalid("fault", problems.join("; ")));
        }
        match &rule.effect {
            Effect::WorldChange(change) => self.change(&rule, change),
            Effect::Request(_) | Effect::Webhook(_) | Effect::Warehouse(_) => {
                self.faults.add(rule, now)
            }
        }
    }

    /// Carries out a world change at once.
    fn change(&mut self, rule: &FaultRule, change: &WorldChange) -> Result<(), WorldError> {
        let now = self.now();
        match change {
            WorldChange::StockDrift { sku, delta } => {
                // Every targeted warehouse that stocks the SKU counts it.
                let counts: Vec<(NodeId, i64)> = self
                    .warehouses
                    .iter()
                    .filter(|w| rule.target.covers(w.id.as_str(), w.provider()))
                    .filter_map(|w| {
                        let level = w.stock.get(sku)?;
                        // problems() bounds delta, so the sum cannot overflow; the count
                        // never goes below what open orders hold, nor beyond the largest
                        // stock level.
                        let counted = level
                            .on_hand
                            .saturating_add(*delta)
                            .max(level.committed)
                            .clamp(0, crate::limits::MAX_STOCK);
                        Some((w.id.clone(), counted))
                    })
                    .collect();
                if counts.is_empty() {
                    return Err(WorldError::not_found("sku", sku));
                }
                for (warehouse, counted) in counts {
                    self.set_on_hand(&warehouse, sku, counted)?;
                    self.faults.record(
                        rule,
                        now,
                        format!("cycle count of {sku} at {warehouse}: on hand {counted}"),
                    );
                }
                Ok(())
            }
        }
    }

    pub fn clear_fault(&mut self, name: &str) -> Result<FaultRule, WorldError> {
        self.faults.clear(name)
    }

    /// The scenario reached the `label` step named `label`.
    pub fn pass_label(&mut self, label: &str) {
        self.faults.pass_label(label);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faults::Target;

    fn world() -> World {
        crate::spec::one_sku_world("MUG", 10)
    }

    #[test]
    fn stock_drift_changes_on_hand_at_once_and_is_logged() {
        let mut w = world();
        let drift = Effect::WorldChange(WorldChange::StockDrift {
            sku: "MUG".into(),
            delta: -3,
        });
        let rule = FaultRule::new("count", Target::Persona("shipbob".into()), drift);
        w.add_fault(rule).expect("drift");
        assert_eq!(w.warehouses.first().stock["MUG"].on_hand, 7);
        assert_eq!(w.faults.log().len(), 1);
        assert!(w.faults.active().is_empty());
    }

    #[test]
    fn a_rule_aimed_at_a_node_that_is_not_there_is_refused() {
        let mut w = world();
        let rule = FaultRule::new(
            "down",
            Target::Node(crate::NodeId::known("wh-mars")),
            Effect::Webhook(crate::faults::WebhookEffect::Dropped),
        );
        let e = w.add_fault(rule).expect_err("no such node").to_string();
        assert!(e.contains("names no node"), "{e}");
    }
}
