//! A scenario step as the world's [`Action`]: the parsed step keeps its source spans and
//! order names; the action is the resolved form the runner performs, the same type the
//! control API and the fuzzer build. Steps that only observe (`wait_until`, `expect`) are
//! no action.

use std::collections::BTreeMap;

use drydock_core::NodeId;
use drydock_core::action::{
    Action, CancelOrder, ClockMove, OrderLine, PlaceOrder, SetStock as SetStockAction,
};
use drydock_core::faults::FaultRule;
use serde_saphyr::Spanned;

use crate::model::Step;

impl Step {
    /// The action this step performs, with order names resolved through `orders` (the
    /// storefront ids of the orders placed so far); `None` for a step that only observes.
    /// An error says why a step the parser accepted cannot be performed (an order that
    /// was never placed because it sold out).
    pub fn action(&self, orders: &BTreeMap<String, u64>) -> Option<Result<Action, String>> {
        let action = match self {
            Step::PlaceOrder(o) => Ok(Action::PlaceOrder(PlaceOrder {
                channel: node(o.channel.as_ref()),
                email: o.email.clone(),
                ship_to: o.ship_to.clone(),
                lines: o
                    .lines
                    .iter()
                    .map(|l| OrderLine {
                        sku: l.sku.value.clone(),
                        quantity: l.quantity.value,
                    })
                    .collect(),
                unless_sold_out: o.unless_sold_out,
            })),
            Step::CancelOrder(c) => match orders.get(&c.order.value) {
                Some(id) => Ok(Action::CancelOrder(CancelOrder {
                    channel: None,
                    order: *id,
                    reason: c.reason.clone(),
                })),
                None => Err(format!("order `{}` was never placed", c.order.value)),
            },
            Step::SetStock(s) => Ok(Action::SetStock(SetStockAction {
                warehouse: node(s.warehouse.as_ref()),
                sku: s.sku.value.clone(),
                on_hand: s.on_hand.value,
            })),
            Step::AdvanceClock(by) => Ok(Action::AdvanceClock(ClockMove::By(*by))),
            Step::Fault(spec) => FaultRule::try_from(spec.clone()).map(Action::AddFault),
            Step::ClearFault(name) => Ok(Action::ClearFault(name.clone())),
            Step::Label(label) => Ok(Action::PassLabel(label.clone())),
            Step::WaitUntil(_) | Step::Expect(_) => return None,
        };
        Some(action)
    }
}

/// A node id the parser has checked.
fn node(id: Option<&Spanned<String>>) -> Option<NodeId> {
    id.and_then(|id| NodeId::parse(&id.value).ok())
}
