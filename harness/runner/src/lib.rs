//! The runner: plays scenario files against an integration and judges the result.
//!
//! For each scenario it creates an isolated world, starts (or finds) the integration,
//! plays the steps, then checks the always-on invariants, the expectations written in the
//! file, and the snapshot stored beside it.
//!
//! **Architecture invariant:** the judging (`checks/`) is pure: it reads a world snapshot
//! and the journal and does no I/O. Only `sut.rs`, `play.rs` and `suite.rs` touch sockets,
//! processes and files.

pub mod checks;
pub mod config;
pub mod endpoint;
pub mod error;
pub mod files;
mod integration_log;
pub mod interrupt;
pub mod matrix;
pub mod outcome;
pub mod pending;
pub mod play;
mod process;
pub mod providers;
pub mod select;
pub mod snapshot;
pub mod suite;
pub mod sut;
pub mod trace;

pub use config::{RunConfig, Settle, SutMode};
pub use error::RunError;
pub use outcome::{CheckKind, CheckResult, Retry, ScenarioOutcome, SuiteOutcome};
pub use suite::run_suite;
