//! The providers drydock impersonates, each one module behind one trait. A provider's
//! folder holds everything it knows: routing and answering in its dialect, its error
//! shapes, auth, webhook subscriptions, rendering and signing, its retry schedule, how
//! its faults look on the wire, its contract variables and its SDK note. This module is
//! the registry: [`ProviderId`] lists them and [`ProviderId::get`] is the one exhaustive
//! `match` that finds each implementation.
//!
//! **Architecture invariant:** nothing outside a provider's folder matches on a
//! `ProviderId` with a catch-all arm, so a new provider that is not handled everywhere
//! does not compile.

pub mod easypost;
mod hmac;
pub mod shipbob;
pub mod shopify;
pub mod slack;
pub mod surface;

use std::sync::Arc;
use std::time::Duration as RealDuration;

pub use drydock_core::nodes::Role;
use drydock_core::nodes::{Node, NodeId, Nodes};
use drydock_core::{Duration, World, WorldEvent};
use serde::Serialize;

use crate::credentials::{NodeCredentials, SecretDraw};
use crate::delivery::PendingDelivery;
use crate::handle::WorldHandle;
use crate::persona::Persona;
use crate::wire::{WireRequest, WireResponse};
use surface::Surface;

/// Every provider drydock can impersonate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderId {
    Shopify,
    EasyPost,
    ShipBob,
    Slack,
}

impl ProviderId {
    /// In the order the contract, the docs and the credentials derivation list them.
    pub const ALL: [ProviderId; 4] = [
        ProviderId::Shopify,
        ProviderId::EasyPost,
        ProviderId::ShipBob,
        ProviderId::Slack,
    ];

    /// The provider's implementation.
    pub fn get(self) -> &'static dyn Provider {
        match self {
            ProviderId::Shopify => &shopify::Shopify,
            ProviderId::EasyPost => &easypost::EasyPost,
            ProviderId::ShipBob => &shipbob::ShipBob,
            ProviderId::Slack => &slack::Slack,
        }
    }

    /// The provider's name in scenarios, fault rules and the manifest.
    pub fn name(self) -> &'static str {
        self.get().name()
    }

    pub fn from_name(name: &str) -> Option<ProviderId> {
        ProviderId::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// One webhook a world event causes at one subscriber.
pub type Subscriber = (String, Option<String>);

/// Everything drydock knows about one provider. Implemented once per provider, in its
/// folder; the shell (listeners, delivery, faults, contract, docs) only calls this.
pub trait Provider: Sync {
    fn id(&self) -> ProviderId;
    /// Lower-case name: scenarios, fault rules, the manifest, default node ids.
    fn name(&self) -> &'static str;
    fn role(&self) -> Role;

    /// Answers one request to a node of this provider (auth included).
    fn handle(
        &self,
        world: &Arc<WorldHandle>,
        persona: &Persona,
        req: &WireRequest,
    ) -> WireResponse;
    /// The path of the base URL the provider's SDKs are pointed at.
    fn base_path(&self, credentials: &NodeCredentials) -> String;
    /// The credential a call carries, as the provider reads it (rate limits are per key).
    fn credential(&self, req: &WireRequest) -> Option<String>;
    /// Request headers that carry a credential: the journal masks them.
    fn credential_headers(&self) -> &'static [&'static str];
    /// A node's credentials, drawn from the world's (or project's) secret stream.
    fn credentials(&self, draw: &mut SecretDraw) -> NodeCredentials;
    /// The node's contract variables as `(suffix, value)` after the node's env prefix
    /// (`URL`, `ACCESS_TOKEN`, ...), in the order the contract lists them.
    fn env(&self, world: &World, persona: &Persona) -> Vec<(&'static str, String)>;

    /// An error answer in the provider's own shape (the shell's 408, 413, 500, 503).
    fn refusal(&self, status: u16, message: &str) -> WireResponse;
    /// An outage's 5xx body (`phrase` is the status's reason phrase).
    fn outage(&self, status: u16, phrase: &str) -> WireResponse;
    /// A 429 as the provider sends it (its headers added by [`Provider::retry_after`]).
    fn rate_limited(&self, wait: RealDuration) -> WireResponse;
    /// Tells the client how long to wait, in the provider's header(s).
    fn retry_after(&self, response: WireResponse, wait: RealDuration) -> WireResponse;
    /// What a call to a retired API `version` gets: an answer of its own, or None when
    /// the handler carries the retirement out itself (a version that falls forward).
    fn retired_version(&self, version: &str, successor: &str) -> Option<WireResponse>;

    /// The webhook a world event causes at node `node` of this provider: its topic and body.
    fn webhook(
        &self,
        world: &World,
        node: &NodeId,
        event: &WorldEvent,
    ) -> Option<(&'static str, Vec<u8>)>;
    /// Where node `node` delivers a topic, each with a per-subscription secret if it has one.
    fn subscribers(&self, world: &World, node: &NodeId, topic: &str) -> Vec<Subscriber>;
    /// Whether the integration subscribed to anything at all at `node` (else the default base).
    fn has_subscriptions(&self, world: &World, node: &NodeId) -> bool;
    /// The signed headers of one delivery attempt.
    fn webhook_headers(
        &self,
        world: &WorldHandle,
        persona: &Persona,
        delivery: &PendingDelivery,
    ) -> Vec<(String, String)>;
    /// The signature header a forged delivery carries: well-formed, and wrong.
    fn forged_signature(&self) -> Option<(&'static str, String)>;
    /// Gaps between redeliveries of a webhook not answered 2xx (virtual time).
    fn retry_schedule(&self) -> &'static [Duration];

    /// Its documented routes and webhooks (docs/reference.md).
    fn surface(&self) -> &'static Surface;
    /// How to point the provider's official SDK at a node (README, docs/reference.md).
    fn sdk_note(&self) -> &'static str;
}

/// The state of node `id` among `nodes`. A persona serves a node of its world, so the
/// first node stands in only for an id the world does not hold, which cannot happen.
pub(crate) fn node_of<'a, T: Node>(nodes: &'a Nodes<T>, id: &NodeId) -> &'a T {
    nodes.get(id).unwrap_or_else(|| nodes.first())
}

/// Every header that carries a credential of some provider.
pub fn credential_headers() -> impl Iterator<Item = &'static str> {
    ProviderId::ALL
        .into_iter()
        .flat_map(|p| p.get().credential_headers().iter().copied())
}

#[cfg(test)]
mod tests {
    use drydock_core::WorldSpec;

    use super::*;

    /// What every provider promises the shell, whatever its dialect: a refusal with the
    /// status asked for, outages and 429s that say how long to wait, credentials that
    /// differ per draw, contract variables led by its URL, and webhooks that come with a
    /// retry schedule and a signature a forged copy can spoil (or neither).
    #[test]
    fn every_provider_keeps_the_promises_the_shell_relies_on() {
        let world = World::new(&WorldSpec::default()).expect("the default world");
        for id in ProviderId::ALL {
            let p = id.get();
            let name = p.name();
            assert_eq!(p.refusal(413, "too big").status, 413, "{name}");
            assert_eq!(p.outage(502, "Bad Gateway").status, 502, "{name}");
            let wait = RealDuration::from_secs(2);
            for answer in [
                p.retry_after(p.outage(503, "Service Unavailable"), wait),
                p.retry_after(p.rate_limited(wait), wait),
            ] {
                assert!(
                    answer
                        .headers
                        .iter()
                        .any(|(h, v)| h.ends_with("retry-after") && v.starts_with('2')),
                    "{name} does not say how long to wait: {:?}",
                    answer.headers
                );
            }
            assert_eq!(p.rate_limited(wait).status, 429, "{name}");
            let node = NodeId::parse(name).expect("a node id");
            let first = crate::credentials::for_node(1, &node, id);
            assert!(!first.key.is_empty(), "{name}");
            assert_ne!(first, crate::credentials::for_node(2, &node, id), "{name}");
            let persona = Persona {
                node,
                provider: id,
                url: format!("http://127.0.0.1:1{}", p.base_path(&first)),
                credentials: first,
            };
            let env = p.env(&world, &persona);
            assert!(
                matches!(env.first(), Some(("URL" | "WEBHOOK_URL", url)) if *url == persona.url),
                "{name}: {env:?}"
            );
            assert!(env.iter().all(|(_, v)| !v.is_empty()), "{name}: {env:?}");
            let sends_webhooks = p.forged_signature().is_some();
            assert_eq!(
                sends_webhooks,
                !p.retry_schedule().is_empty(),
                "{name}: a provider that signs webhooks retries them, and only then"
            );
            assert!(
                p.retry_schedule().windows(2).all(|w| w[0] <= w[1]),
                "{name}: retries never come sooner than the one before"
            );
        }
    }

    #[test]
    fn the_registry_finds_each_provider_by_its_own_id_and_name() {
        for p in ProviderId::ALL {
            assert_eq!(p.get().id(), p);
            assert_eq!(ProviderId::from_name(p.name()), Some(p));
        }
    }
}
