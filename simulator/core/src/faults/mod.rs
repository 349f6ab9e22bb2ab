//! The fault engine: rules that make a node misbehave the way real providers do.
//! A rule names a target (a node, or every node of a provider; an endpoint or webhook
//! topic, optionally an entity), a trigger (always, first N, every Nth, seeded
//! probability, a virtual-time window, until a named step) and a typed effect. The engine
//! decides; the persona shell renders the effect in its provider's dialect. Pure: no I/O,
//! randomness from the world's seed.

pub mod apply;
pub mod authored;
pub mod book;
pub mod effect;
pub mod rule;
pub mod target;
pub mod trigger;

pub use authored::FaultSpec;
pub use book::{FaultBook, Fired, RequestFacts};
pub use effect::{
    Effect, EffectFamily, EffectKind, Quota, RequestEffect, WarehouseEffect, WebhookEffect,
    WorldChange,
};
pub use rule::FaultRule;
pub use target::{Target, TargetNode};
pub use trigger::Trigger;
