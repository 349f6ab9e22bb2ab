//! The scenario language of drydock: what a scenario file may say, how it is parsed with
//! source locations, how it is validated (all problems at once), and its JSON Schema.
//!
//! **Architecture invariant:** this crate does no I/O. Callers hand in the file's name and
//! text; the crate hands back a validated [`Scenario`] or every [`Problem`] it found.

mod action;
pub mod condition;
pub mod diagnostic;
pub mod examples;
mod fault_step;
pub mod file_name;
pub mod model;
pub mod parse;
mod ranges;
mod recover;
pub mod schema;
pub mod world;

pub use condition::Condition;
pub use diagnostic::{Problem, ScenarioErrors};
pub use drydock_core::VirtualDuration;
pub use file_name::safe_file_name;
pub use model::{Scenario, Step};
pub use parse::{parse_scenario, parse_scenario_with};
pub use world::NodeProviders;

/// The scenario format version this build understands.
pub const FORMAT_VERSION: u32 = 1;
