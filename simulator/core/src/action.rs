//! One `Action` type for everything that acts on a world from outside it: a scenario's
//! steps (once the parser has resolved their names), the control API's routes and the
//! address fuzzer build the same values, and the world performs them in one place. An
//! action names the node it acts on, or none for the role's first node. Moving the clock
//! is the shell's job (it settles the integration between happenings), so performing
//! `AdvanceClock` only checks and returns the instant to move to.

use serde::{Deserialize, Serialize};

use crate::address::Address;
use crate::checkout::Checkout;
use crate::faults::FaultRule;
use crate::nodes::NodeId;
use crate::{Timestamp, VirtualDuration, World, WorldError};

/// Something done to a world from outside.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A customer checks out on a channel.
    PlaceOrder(PlaceOrder),
    /// The merchant cancels an order (its units are restocked).
    CancelOrder(CancelOrder),
    /// A warehouse counts or receives stock.
    SetStock(SetStock),
    /// The virtual clock moves on.
    AdvanceClock(ClockMove),
    /// A fault rule comes into force.
    AddFault(FaultRule),
    /// The named fault ends.
    ClearFault(String),
    /// The scenario reaches a named point; rules that last until it end.
    PassLabel(String),
}

/// A checkout: the control API's `POST /worlds/{id}/orders` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceOrder {
    /// The channel the customer buys on (default: the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<NodeId>,
    #[serde(default)]
    pub email: String,
    pub ship_to: Address,
    pub lines: Vec<OrderLine>,
    /// The order races others for the last units: a refusal as sold out places nothing
    /// and is no error.
    #[serde(default)]
    pub unless_sold_out: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderLine {
    pub sku: String,
    pub quantity: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelOrder {
    /// The channel holding the order (default: the one that has it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<NodeId>,
    pub order: u64,
    /// Shopify's cancel reason (default `customer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A cycle count or a receipt: the control API's `POST /worlds/{id}/stock` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetStock {
    /// The warehouse counting (default: the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warehouse: Option<NodeId>,
    pub sku: String,
    pub on_hand: i64,
}

/// Where the clock moves: `{"by": "6d"}` or `{"to": "2026-12-07T09:00:00Z"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ClockMove {
    By(VirtualDuration),
    To(Timestamp),
}

/// What came of an action.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Outcome {
    /// The order exists, with its storefront id and name (`#1001`).
    Placed {
        order_id: u64,
        name: String,
    },
    /// The channel refused an `unless_sold_out` order as sold out: nothing was placed.
    SoldOut,
    Cancelled {
        order_id: u64,
    },
    StockSet {
        sku: String,
        on_hand: i64,
    },
    /// The instant the clock is to move to; the shell moves it.
    MoveClockTo {
        to: Timestamp,
    },
    FaultAdded {
        name: String,
    },
    FaultCleared {
        name: String,
    },
    LabelPassed {
        label: String,
    },
}

impl World {
    /// Performs `action`: every change from outside goes through here.
    pub fn perform(&mut self, action: Action) -> Result<Outcome, WorldError> {
        match action {
            Action::PlaceOrder(order) => self.perform_place_order(order),
            Action::CancelOrder(cancel) => {
                let channel = match cancel.channel {
                    Some(channel) => channel,
                    // The channel holding the order, else the first, which then answers
                    // that it has no such order.
                    None => self
                        .channel_holding(cancel.order)
                        .map_or_else(|| self.default_channel(), |c| c.id.clone()),
                };
                let reason = cancel.reason.as_deref().unwrap_or("customer");
                self.cancel_order(&channel, cancel.order, reason, true)?;
                Ok(Outcome::Cancelled {
                    order_id: cancel.order,
                })
            }
            Action::SetStock(set) => {
                let warehouse = set.warehouse.unwrap_or_else(|| self.default_warehouse());
                self.set_on_hand(&warehouse, &set.sku, set.on_hand)?;
                Ok(Outcome::StockSet {
                    sku: set.sku,
                    on_hand: set.on_hand,
                })
            }
            Action::AdvanceClock(ClockMove::By(by)) => Ok(Outcome::MoveClockTo {
                to: self.advance_target(by.as_core())?,
            }),
            Action::AdvanceClock(ClockMove::To(to)) => Ok(Outcome::MoveClockTo {
                to: self.check_target(to)?,
            }),
            Action::AddFault(rule) => {
                let name = rule.name.clone();
                self.add_fault(rule)?;
                Ok(Outcome::FaultAdded { name })
            }
            Action::ClearFault(name) => {
                self.clear_fault(&name)?;
                Ok(Outcome::FaultCleared { name })
            }
            Action::PassLabel(label) => {
                self.pass_label(&label);
                Ok(Outcome::LabelPassed { label })
            }
        }
    }

    fn perform_place_order(&mut self, order: PlaceOrder) -> Result<Outcome, WorldError> {
        let channel = order.channel.unwrap_or_else(|| self.default_channel());
        let checkout = Checkout {
            email: order.email,
            ship_to: order.ship_to,
            lines: order
                .lines
                .into_iter()
                .map(|l| (l.sku, l.quantity))
                .collect(),
        };
        match self.place_order(&channel, checkout) {
            Ok(order_id) => {
                let name = self
                    .channel(&channel)?
                    .orders
                    .get(&order_id)
                    .map(|o| o.name.clone())
                    .unwrap_or_default();
                Ok(Outcome::Placed { order_id, name })
            }
            Err(WorldError::Conflict {
                code: "insufficient_stock",
                ..
            }) if order.unless_sold_out => Ok(Outcome::SoldOut),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_control_apis_bodies_read_as_actions() {
        let order: PlaceOrder = serde_json::from_value(json!({
            "email": "ada@example.com",
            "ship_to": {"name": "Ada", "street1": "1 Main St", "city": "Reno", "state": "NV", "zip": "89501", "country": "US"},
            "lines": [{"sku": "MUG", "quantity": 2}],
        }))
        .expect("the body of POST /orders");
        assert_eq!(order.channel, None);
        let by: ClockMove = serde_json::from_value(json!({"by": "6d"})).expect("by");
        assert_eq!(
            by,
            ClockMove::By(VirtualDuration {
                millis: 6 * 86_400_000
            })
        );
        let both: Result<ClockMove, _> =
            serde_json::from_value(json!({"by": "1h", "to": "2027-01-01T00:00:00Z"}));
        assert!(both.is_err(), "exactly one of by and to");
        let stock: Result<SetStock, _> =
            serde_json::from_value(json!({"sku": "MUG", "on_hand": 3, "colour": "blue"}));
        assert!(stock.is_err(), "unknown fields are refused");
    }

    #[test]
    fn performing_actions_changes_the_world_and_says_what_came_of_it() {
        let mut w = crate::spec::one_sku_world("MUG", 1);
        let order = |unless_sold_out| {
            Action::PlaceOrder(PlaceOrder {
                channel: None,
                email: String::new(),
                ship_to: crate::spec::default_ship_from(),
                lines: vec![OrderLine {
                    sku: "MUG".into(),
                    quantity: 1,
                }],
                unless_sold_out,
            })
        };
        let placed = w.perform(order(false)).expect("one in stock");
        let Outcome::Placed { order_id, name } = placed else {
            panic!("{placed:?}")
        };
        assert_eq!(name, "#1001");
        assert_eq!(w.perform(order(true)), Ok(Outcome::SoldOut));
        assert!(w.perform(order(false)).is_err(), "sold out is an error");
        let cancel = Action::CancelOrder(CancelOrder {
            channel: None,
            order: order_id,
            reason: None,
        });
        assert_eq!(w.perform(cancel), Ok(Outcome::Cancelled { order_id }));
        let far = Action::AdvanceClock(ClockMove::By(VirtualDuration { millis: i64::MAX }));
        assert!(w.perform(far).is_err(), "beyond the clock's range");
    }
}
