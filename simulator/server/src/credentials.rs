//! The credentials of one world's personas: access tokens the integration must send and
//! secrets the personas sign webhooks with. Derived from the world's seed so a seed
//! reproduces them, and different per world.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use drydock_core::ids::SeededRng;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    pub fn for_seed(seed: u64) -> Credentials {
        let mut rng = SeededRng::new(seed.rotate_left(17) ^ 0x00D7_D0C4);
        let mut hex = |n: usize| -> String {
            let mut s = String::new();
            while s.len() < n {
                s.push_str(&format!("{:016x}", rng.next_u64()));
            }
            s.truncate(n);
            s
        };
        let shopify_access_token = format!("shpat_{}", hex(32));
        let shopify_webhook_secret = format!("shpss_{}", hex(32));
        let easypost_api_key = format!("EZTK{}", hex(40));
        let easypost_webhook_secret = format!("whk_{}", hex(24));
        let shipbob_token = format!("sbpat_{}", hex(40));
        let secret_bytes = hex(48);
        let shipbob_webhook_secret = format!("whsec_{}", STANDARD.encode(secret_bytes.as_bytes()));
        let slack_token = hex(24);
        Credentials {
            shopify_access_token,
            shopify_webhook_secret,
            easypost_api_key,
            easypost_webhook_secret,
            shipbob_token,
            shipbob_webhook_secret,
            slack_token,
        }
    }
}

#[cfg(test)]
mod tests {
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
}
