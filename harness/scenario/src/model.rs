//! The shape of a scenario file. Unknown keys are errors; every name that refers to
//! something (an order alias, a SKU) keeps its source location for diagnostics.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

use drydock_core::address::Address;
use drydock_core::faults::{FaultRule, FaultSpec};

use crate::condition::Condition;
use crate::world::{CarrierEntry, ChannelEntry, WarehouseEntry};
use drydock_core::{RealDuration, VirtualDuration};

/// A scenario: a world to start from, steps to play, and the checks that judge the run.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The scenario format version; this build reads version 1.
    #[schemars(with = "u32")]
    pub version: Spanned<u32>,
    /// A short name, unique in the suite (used for snapshots and reports).
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Labels for `--filter`.
    #[serde(default)]
    pub tags: Vec<String>,
    pub world: WorldSection,
    #[schemars(with = "Vec<Step>")]
    pub steps: Vec<Spanned<Step>>,
    /// Always-on invariants this scenario opts out of, each with a reason.
    #[serde(default)]
    pub waive: Vec<Waiver>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    #[schemars(with = "String")]
    pub invariant: Spanned<String>,
    pub reason: String,
}

/// The world the scenario starts in.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorldSection {
    /// Seed for every id and simulated choice.
    #[serde(default)]
    pub seed: u64,
    /// Start of the virtual clock, RFC 3339 (default 2026-12-01T09:00:00Z).
    #[schemars(with = "Option<String>")]
    pub clock: Option<Spanned<String>>,
    pub catalog: Vec<ProductEntry>,
    #[serde(default)]
    pub warehouse: Option<WarehouseTimes>,
    /// The warehouse's address (labels ship from here); a declared warehouse without a
    /// `ship_from` of its own ships from here too.
    #[serde(default)]
    pub ship_from: Option<Address>,
    /// The storefront channels (default: one, the default world's).
    #[serde(default)]
    #[schemars(with = "Option<Vec<ChannelEntry>>")]
    pub channels: Option<Spanned<Vec<ChannelEntry>>>,
    /// The warehouses, each with its stock (default: one, the default world's, stocked
    /// from the catalog's `stock`).
    #[serde(default)]
    #[schemars(with = "Option<Vec<WarehouseEntry>>")]
    pub warehouses: Option<Spanned<Vec<WarehouseEntry>>>,
    /// The carriers (default: one, the default world's).
    #[serde(default)]
    #[schemars(with = "Option<Vec<CarrierEntry>>")]
    pub carriers: Option<Spanned<Vec<CarrierEntry>>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductEntry {
    #[schemars(with = "String")]
    pub sku: Spanned<String>,
    #[serde(default)]
    pub title: Option<String>,
    /// Unit price, e.g. "12.50".
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub price: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub weight_oz: Option<Spanned<u32>>,
    /// Units on hand in the warehouse at the start (default 0); the storefront starts in
    /// sync. Only when the world declares no `warehouses` (they hold their own stock).
    #[serde(default)]
    #[schemars(with = "Option<i64>")]
    pub stock: Option<Spanned<i64>>,
}

/// How long each warehouse stage takes on the virtual clock.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WarehouseTimes {
    pub pick: Option<VirtualDuration>,
    pub pack: Option<VirtualDuration>,
    pub ship: Option<VirtualDuration>,
}

/// One step of the scenario, played in order.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// A customer checks out on the storefront.
    PlaceOrder(PlaceOrder),
    /// The merchant cancels an order on the storefront (stock is restocked).
    CancelOrder(CancelOrder),
    /// The warehouse counts or receives stock: the shelves now hold `on_hand` units.
    SetStock(SetStock),
    /// Move the virtual clock forward; scheduled happenings fire at their own times.
    AdvanceClock(VirtualDuration),
    /// Wait (in real time, bounded) until the condition holds.
    WaitUntil(WaitUntil),
    /// The condition must hold now.
    Expect(Condition),
    /// Put a fault rule in force: a node (or every node of a provider) starts misbehaving.
    #[schemars(with = "FaultRule")]
    Fault(FaultSpec),
    /// Take the named fault out of force.
    ClearFault(String),
    /// A named point in the scenario; faults with `when: {until_label: name}` end here.
    Label(String),
}

impl Step {
    pub fn keyword(&self) -> &'static str {
        match self {
            Step::PlaceOrder(_) => "place_order",
            Step::CancelOrder(_) => "cancel_order",
            Step::SetStock(_) => "set_stock",
            Step::AdvanceClock(_) => "advance_clock",
            Step::WaitUntil(_) => "wait_until",
            Step::Expect(_) => "expect",
            Step::Fault(_) => "fault",
            Step::ClearFault(_) => "clear_fault",
            Step::Label(_) => "label",
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceOrder {
    /// The name later steps use for this order.
    #[serde(rename = "as")]
    #[schemars(with = "String")]
    pub alias: Spanned<String>,
    /// The channel the customer buys on, by node id (default: the world's first channel).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub channel: Option<Spanned<String>>,
    #[serde(default)]
    pub email: String,
    pub ship_to: Address,
    pub lines: Vec<OrderLine>,
    /// The order races others for the last units: if the storefront refuses it as sold
    /// out, the step places nothing and the scenario goes on (later steps must not name
    /// it).
    #[serde(default)]
    pub unless_sold_out: bool,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderLine {
    #[schemars(with = "String")]
    pub sku: Spanned<String>,
    #[schemars(with = "u32")]
    pub quantity: Spanned<u32>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelOrder {
    #[schemars(with = "String")]
    pub order: Spanned<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetStock {
    /// The warehouse counting, by node id (default: the world's first warehouse).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub warehouse: Option<Spanned<String>>,
    #[schemars(with = "String")]
    pub sku: Spanned<String>,
    #[schemars(with = "i64")]
    pub on_hand: Spanned<i64>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaitUntil {
    /// The condition to wait for.
    pub until: Condition,
    /// Real time to wait at most (default 10s).
    #[serde(default)]
    #[schemars(with = "Option<RealDuration>")]
    pub timeout: Option<Spanned<RealDuration>>,
}
