//! Checking a `fault:` step: the typed rule its flat mapping stands for (each parameter
//! belongs to the effect, none is missing), the rule's values, its target among the
//! scenario's nodes, and a stock drift's SKU in the catalog. Every problem is reported at
//! the step, prefixed with the fault's name.

use std::collections::BTreeSet;

use drydock_core::faults::{Effect, FaultRule, FaultSpec, TargetNode, WorldChange};
use serde_saphyr::Spanned;

use crate::model::Step;
use crate::parse::Problems;

/// What to read when a fault rule is refused (each problem already says what to write).
const FAULT_HINT: &str =
    "the README's *Faults and drills* lists every effect, its parameters and their limits";

pub(crate) fn check_fault(
    step: &Spanned<Step>,
    spec: &FaultSpec,
    skus: &BTreeSet<String>,
    targets: &[TargetNode],
    p: &mut Problems<'_>,
) {
    let name = &spec.name;
    let mut refuse = |problem: String, hint: &str| {
        p.at(
            step,
            format!("fault `{name}`: {problem}"),
            Some(hint.into()),
        );
    };
    let rule = match FaultRule::from_spec(spec.clone()) {
        Ok(rule) => rule,
        Err(problems) => {
            for problem in problems {
                refuse(problem, FAULT_HINT);
            }
            return;
        }
    };
    for problem in rule.problems() {
        refuse(problem, FAULT_HINT);
    }
    for problem in rule.target_problems(targets) {
        refuse(problem, FAULT_HINT);
    }
    if let Effect::WorldChange(WorldChange::StockDrift { sku, .. }) = &rule.effect
        && !skus.contains(sku)
    {
        refuse(
            format!("SKU {sku} is not in the catalog"),
            "name a SKU of `world.catalog`",
        );
    }
}
