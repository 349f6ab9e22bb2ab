//! The fault engine: rules that make a persona misbehave the way real providers do.
//! A rule names a target (persona, endpoint or webhook topic, optionally an entity), a
//! trigger (always, first N, every Nth, seeded probability, a virtual-time window, until a
//! named step) and an effect. The engine decides; the persona shell renders the effect in
//! its provider's dialect. Pure: no I/O, randomness from the world's seed.

pub mod apply;
pub mod book;
pub mod effect;
pub mod rule;
pub mod trigger;

pub use book::{FaultBook, Fired, RequestFacts};
pub use effect::{Effect, EffectFamily};
pub use rule::{FaultRule, Provider};
pub use trigger::Trigger;
