//! The simulated world of drydock: one consistent model of catalog, storefront channels,
//! warehouses, carriers and alerts — named nodes by role — moved only by explicit
//! operations and by a virtual clock.
//!
//! **Architecture invariant:** this crate does no I/O. Time comes from the world's
//! [`clock::Agenda`], randomness from the seeded [`ids::IdGen`]. Wire formats live in the
//! persona crate; this crate speaks only domain terms.

pub mod action;
pub mod address;
pub mod alerts;
mod build;
pub mod carrier;
pub mod catalog;
pub mod checkout;
pub mod clock;
pub mod consistency;
pub mod duration;
pub mod error;
pub mod events;
pub mod faults;
pub mod fulfillment;
pub mod ids;
pub mod limits;
pub mod lookup;
pub mod nodes;
pub mod spec;
pub mod storefront;
pub mod warehouse;
pub mod world;

pub use duration::{RealDuration, VirtualDuration};
pub use error::WorldError;
pub use events::{WorldEvent, WorldEventKind};
pub use nodes::{NodeId, Nodes, Role};
pub use spec::WorldSpec;
pub use world::World;

/// Instants in the world: virtual, UTC.
pub type Timestamp = jiff::Timestamp;
/// Durations on the virtual clock.
pub type Duration = jiff::SignedDuration;
pub mod timeline;
pub mod tracking;
pub mod vocabulary;
