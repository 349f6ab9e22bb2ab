//! Address fuzzing for `drydock fuzz addresses`: addresses generated per country from
//! Google's address format data (`drydock_core::address::formats`) and mutated the ways
//! customers and storefronts mangle them, placed as storefront orders against an
//! integration, judged from the world, and shrunk to a minimal failing address.
//!
//! `case`, `generate`, `judge`, `shrink`, `scenario` and `summary` are pure; `batch`
//! runs cases in a world against the integration and `run` drives a whole fuzz run.

pub mod batch;
pub mod case;
pub mod generate;
pub mod judge;
pub mod run;
pub mod scenario;
pub mod shrink;
pub mod summary;
mod words;

pub use batch::{SetupError, Target};
pub use case::{Family, FuzzCase};
pub use generate::{UnknownCountry, countries, generate};
pub use judge::{Failure, Outcome, Verdict};
pub use run::{CaseResult, FuzzConfig, FuzzReport, Shrunk, run};
