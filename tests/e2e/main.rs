//! The end-to-end test binary: every persona driven over real loopback sockets, the
//! invariants against worlds with known flaws, and the harness running scenario files
//! against the reference integration and against the Python starter of `examples/python/`.

mod bounds;
mod docs;
mod drills;
mod file_safety;
mod fuzz;
mod invariants;
mod lifecycle;
mod nodes;
mod personas;
mod project;
mod providers;
mod report;
mod routing;
mod runner;
mod sdk;
mod serve;
mod settle;
mod starter;
mod support;
mod tidy;
mod ux;
