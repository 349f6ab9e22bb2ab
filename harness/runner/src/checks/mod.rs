//! Judging a run, purely: conditions from the scenario file and the always-on invariants,
//! both read a world snapshot (and the journal) and never do I/O.

pub mod condition;
pub mod delivery;
pub mod facts;
pub mod invariants;
pub mod label_address;
pub mod stock;
pub mod wire;
