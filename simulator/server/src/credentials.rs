//! The credentials of a world's personas: the key the integration must send to a node and
//! the secret the node signs its webhooks with. Derived from (the world's seed or a
//! project's secret, the node id), so a seed reproduces them and every node has its own.

use std::sync::Arc;

use drydock_core::NodeId;
use drydock_core::ids::SeededRng;
use serde::Serialize;

use crate::persona::Persona;
use crate::providers::ProviderId;

/// One node's credentials.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NodeCredentials {
    /// What a call must carry: access token, API key, bearer token, or (Slack) the
    /// secret last segment of the webhook URL.
    pub key: String,
    /// The secret webhooks are signed with (empty for a provider that signs nothing).
    pub webhook_secret: String,
}

/// A stream of secret hex strings.
pub struct SecretDraw {
    rng: SeededRng,
}

impl SecretDraw {
    fn new(seed: u64) -> SecretDraw {
        SecretDraw {
            rng: SeededRng::new(seed.rotate_left(17) ^ 0x00D7_D0C4),
        }
    }

    /// `n` lower-case hex digits.
    pub fn hex(&mut self, n: usize) -> String {
        let mut s = String::new();
        while s.len() < n {
            s.push_str(&format!("{:016x}", self.rng.next_u64()));
        }
        s.truncate(n);
        s
    }
}

/// FNV-1a: stable across builds and platforms.
fn fnv1a(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The credentials of node `node` of `provider` in a world whose secrets come from `seed`.
/// A node named after its provider (every node of the default world) keeps the values
/// drydock has always given it: all providers drawn in [`ProviderId::ALL`] order from one
/// stream. Any other node draws from a stream of its own.
pub fn for_node(seed: u64, node: &NodeId, provider: ProviderId) -> NodeCredentials {
    if node.as_str() == provider.name() {
        let mut draw = SecretDraw::new(seed);
        for p in ProviderId::ALL {
            let drawn = p.get().credentials(&mut draw);
            if p == provider {
                return drawn;
            }
        }
    }
    let mut draw = SecretDraw::new(seed ^ fnv1a(node.as_str()));
    provider.get().credentials(&mut draw)
}

/// The credentials of the first node of each provider, by field: what `GET /worlds/{id}`
/// shows and what tests of the default world read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Credentials {
    pub shopify_access_token: String,
    pub shopify_webhook_secret: String,
    pub easypost_api_key: String,
    pub easypost_webhook_secret: String,
    pub shipbob_token: String,
    pub shipbob_webhook_secret: String,
    /// The last path segment of the Slack incoming-webhook URL.
    pub slack_token: String,
}

impl Credentials {
    /// The default world's credentials for `seed`.
    pub fn for_seed(seed: u64) -> Credentials {
        Credentials::by_provider(|name| {
            let node = NodeId::parse(name).ok()?;
            Some(for_node(seed, &node, ProviderId::from_name(name)?))
        })
    }

    /// The first node of each provider among `personas`.
    pub fn of(personas: &[Arc<Persona>]) -> Credentials {
        Credentials::by_provider(|name| {
            let first = personas.iter().find(|p| p.provider.name() == name)?;
            Some(first.credentials.clone())
        })
    }

    /// The view names the four providers of the default world; a later provider's nodes
    /// are in the manifest only.
    fn by_provider(of: impl Fn(&str) -> Option<NodeCredentials>) -> Credentials {
        let [shopify, easypost, shipbob, slack] =
            ["shopify", "easypost", "shipbob", "slack"].map(|name| of(name).unwrap_or_default());
        Credentials {
            shopify_access_token: shopify.key,
            shopify_webhook_secret: shopify.webhook_secret,
            easypost_api_key: easypost.key,
            easypost_webhook_secret: easypost.webhook_secret,
            shipbob_token: shipbob.key,
            shipbob_webhook_secret: shipbob.webhook_secret,
            slack_token: slack.key,
        }
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;

    use super::*;

    #[test]
    fn credentials_follow_the_seed() {
        assert_eq!(Credentials::for_seed(1), Credentials::for_seed(1));
        assert_ne!(
            Credentials::for_seed(1).easypost_api_key,
            Credentials::for_seed(2).easypost_api_key
        );
        let c = Credentials::for_seed(5);
        assert!(c.shipbob_webhook_secret.starts_with("whsec_"));
        assert!(STANDARD.decode(&c.shipbob_webhook_secret[6..]).is_ok());
    }

    #[test]
    fn the_default_nodes_keep_the_credentials_drydock_always_gave_them() {
        // Recorded from the single-stream derivation before nodes existed (seed 42).
        let c = Credentials::for_seed(42);
        assert_eq!(c.shopify_access_token, LEGACY_SEED_42.0);
        assert_eq!(c.easypost_api_key, LEGACY_SEED_42.1);
        assert_eq!(c.shipbob_webhook_secret, LEGACY_SEED_42.2);
        assert_eq!(c.slack_token, LEGACY_SEED_42.3);
    }

    const LEGACY_SEED_42: (&str, &str, &str, &str) = (
        "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",
        "EZTK68113e8497b1e6628d9b59fddd6ab73019a8e67b",
        "whsec_YzBlNTdlOTkwZWUxMDgxOTJmNTAxYTQ3MmEyODdlMDZjYTdmYzVjNWE5Mjk0YzQw",
        "a7d6e25073a5dc1accbca250",
    );

    #[test]
    fn every_other_node_has_credentials_of_its_own() {
        let node = |id: &str| NodeId::parse(id).expect("a node id");
        let east = for_node(7, &node("wh-east"), ProviderId::ShipBob);
        let eu = for_node(7, &node("wh-eu"), ProviderId::ShipBob);
        let default = for_node(7, &node("shipbob"), ProviderId::ShipBob);
        assert_ne!(east, eu);
        assert_ne!(east, default);
        assert_eq!(east, for_node(7, &node("wh-east"), ProviderId::ShipBob));
        assert!(east.key.starts_with("sbpat_") && east.webhook_secret.starts_with("whsec_"));
    }
}
