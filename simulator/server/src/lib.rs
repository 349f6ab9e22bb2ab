//! The simulator's HTTP shell. It owns the registry of worlds; each world has its own
//! personas (one node each, on its own loopback port), journal, credentials and webhook
//! deliveries. What each provider knows lives in `providers/`, behind one trait.
//!
//! **Architecture invariant:** the provider modules only translate between a provider's
//! wire format and `drydock_core` operations; all state changes happen in the core.

pub mod activity;
mod connections;
pub mod control;
mod control_errors;
pub mod credentials;
pub mod delivery;
pub mod error;
pub mod fault_plan;
pub mod handle;
pub mod journal;
mod journal_file;
pub mod listen;
pub mod manifest;
pub mod persona;
pub mod providers;
pub mod reactions;
pub mod refusal;
pub mod registry;
pub mod serving;
pub mod settle;
pub mod severable;
pub mod webhook_targets;
pub mod wire;

pub use credentials::{Credentials, NodeCredentials};
pub use error::SimulatorError;
pub use handle::{Endpoints, WorldHandle};
pub use journal::{Journal, JournalEntry, JournalPage};
pub use listen::PortPlan;
pub use persona::Persona;
pub use providers::{ProviderId, Role};
pub use registry::Simulator;
pub use serving::ConnectionLimits;
pub use webhook_targets::WebhookTargets;
