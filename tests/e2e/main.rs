//! The end-to-end test binary: every persona driven over real loopback sockets, the
//! invariants against worlds with known flaws, and the harness running scenario files
//! against the reference integration.

mod bounds;
mod docs;
mod drills;
mod file_safety;
mod fuzz;
mod invariants;
mod personas;
mod project;
mod report;
mod runner;
mod sdk;
mod serve;
mod support;
mod tidy;
mod ux;
