//! Putting fault rules into a world and taking them out. Most rules wait for calls; a
//! stock drift changes the world at once.

use super::effect::Effect;
use super::rule::FaultRule;
use crate::{World, WorldError};

impl World {
    /// Puts a rule in force; a stock drift is applied now and logged as fired.
    pub fn add_fault(&mut self, rule: FaultRule) -> Result<(), WorldError> {
        let now = self.now();
        let problems = rule.problems();
        if !problems.is_empty() {
            return Err(WorldError::invalid("fault", problems.join("; ")));
        }
        if rule.effect == Effect::StockDrift {
            // problems() guarantees sku and delta for a stock drift.
            let sku = rule.sku.clone().unwrap_or_default();
            let delta = rule.delta.unwrap_or_default();
            // The first warehouse until a rule names its node.
            let warehouse = self.default_warehouse();
            let level = self
                .warehouses
                .first()
                .stock
                .get(&sku)
                .ok_or_else(|| WorldError::not_found("sku", &sku))?;
            // problems() bounds delta, so the sum cannot overflow; the count never goes
            // below what open orders hold, nor beyond the largest stock level.
            let counted = level
                .on_hand
                .saturating_add(delta)
                .max(level.committed)
                .clamp(0, crate::limits::MAX_STOCK);
            self.set_on_hand(&warehouse, &sku, counted)?;
            self.faults.record(
                &rule,
                now,
                format!("cycle count of {sku}: on hand {counted}"),
            );
            return Ok(());
        }
        self.faults.add(rule, now)
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
    use crate::faults::Provider;

    fn world() -> World {
        crate::spec::one_sku_world("MUG", 10)
    }

    #[test]
    fn stock_drift_changes_on_hand_at_once_and_is_logged() {
        let mut w = world();
        let mut rule = FaultRule::new("count", Provider::Shipbob, Effect::StockDrift);
        rule.sku = Some("MUG".into());
        rule.delta = Some(-3);
        w.add_fault(rule).expect("drift");
        assert_eq!(w.warehouses.first().stock["MUG"].on_hand, 7);
        assert_eq!(w.faults.log().len(), 1);
        assert!(w.faults.active().is_empty());
    }
}
