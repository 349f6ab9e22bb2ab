//! Address fuzzing for `drydock fuzz addresses`: addresses generated per country from
//! Google's address format data and mutated the ways real customers and storefronts mangle
//! them, placed as storefront orders against an integration, judged from the world, and
//! shrunk to a minimal failing address.
//!
//! Pure parts (`case`, `generate`, `judge`, `shrink`, `scenario`, `summary`) do no I/O;
//! `batch` runs cases in a world and `fuzz` drives a whole run.

pub mod case;
pub mod generate;
mod words;

pub use case::{Family, FuzzCase};
pub use generate::{countries, generate};
