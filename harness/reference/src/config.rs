//! Reads the integration contract variables (`PORT`, `DRYDOCK_*`) into a validated
//! [`Config`]: the world's nodes from the manifest `DRYDOCK_WORLD_JSON` (`manifest.rs`)
//! when it is set, else the default world's variables. Every problem names the variable
//! and says how to fix it.
//!
//! Tuning variables of the reference integration itself (all optional):
//! - `DRYDOCK_REF_DEFECTS`: comma-separated deliberate defects (`drydock run --list-defects`);
//!   empty or unset for the correct integration.
//! - `DRYDOCK_REF_INVENTORY_POLL_MS` (default 100): how often stock is synced warehouse → storefront.
//! - `DRYDOCK_REF_RETRY_BASE_MS` (default 50): first retry backoff; doubles per attempt
//!   (plus jitter), at most 2 s.
//! - `DRYDOCK_REF_MAX_ATTEMPTS` (default 5): attempts per call before the step fails.
//! - `DRYDOCK_REF_REQUEST_TIMEOUT_MS` (default 2000): a call with no answer by then is
//!   a transport error (a "hang").
//! - `DRYDOCK_REF_RETRY_AFTER_CAP_MS` (default 5000): longest `Retry-After` /
//!   `x-retry-after` honoured; longer hints are waited for this long.
//! - `DRYDOCK_REF_HELD_RETRY_MS` (default 250): first delay before an order held because
//!   a provider was down is tried again in the background; doubles per try, at most 4 s.
//! - `DRYDOCK_REF_HELD_RETRY_MAX` (default 40): background tries per held order before
//!   giving up (it stays held, with an alert).
//! - `DRYDOCK_REF_RECONCILE_MS` (default 500): how often orders in the warehouse are
//!   polled so a dropped webhook cannot strand them.
//! - `DRYDOCK_REF_WORKER_DELAY_MS` (default 0): a pause before the pipeline worker takes
//!   each job, as a queue worker that polls its queue would have; drydock's own tests use
//!   it to check that the clock waits for a slow integration.

use std::collections::BTreeMap;
use std::time::Duration;

use base64::Engine as _;

use crate::defects::Defects;
use base64::engine::general_purpose::STANDARD;

const RUN_HINT: &str =
    "run it under `drydock run --sut-cmd` or export the variables `drydock serve` prints";

/// Everything the reference integration needs to talk to the world's nodes.
#[derive(Clone, Debug)]
pub struct Config {
    /// Port to listen on (`PORT`); only the binary uses it, [`crate::serve`] takes a listener.
    pub port: Option<u16>,
    /// Public base URL of this integration (`DRYDOCK_SUT_URL`), used in webhook subscriptions.
    pub public_url: String,
    /// Storefront channels, in declaration order (at least one).
    pub channels: Vec<ChannelConfig>,
    /// Warehouses, in declaration order (at least one); the first is the fallback route.
    pub warehouses: Vec<WarehouseConfig>,
    /// Carriers, in declaration order (at least one); labels come from the first.
    pub carriers: Vec<CarrierConfig>,
    /// Slack incoming-webhook URL for alerts.
    pub slack_webhook_url: String,
    pub timings: Timings,
    /// Deliberate bugs switched on (`DRYDOCK_REF_DEFECTS`); empty for the correct integration.
    pub defects: Defects,
}

/// One storefront channel (a Shopify node).
#[derive(Clone, Debug)]
pub struct ChannelConfig {
    /// Node id, e.g. `shop-eu`; webhooks come to `/webhooks/{id}`.
    pub id: String,
    pub shopify: ShopifyConfig,
}

/// One warehouse (a ShipBob node).
#[derive(Clone, Debug)]
pub struct WarehouseConfig {
    pub id: String,
    /// A free label such as `US-East` or `EU`, for logs and alerts.
    pub region: String,
    /// The warehouse's address: the carrier `from_address`, and where it is for routing.
    pub ship_from: ShipFrom,
    pub shipbob: ShipBobConfig,
}

/// One carrier account (an EasyPost node).
#[derive(Clone, Debug)]
pub struct CarrierConfig {
    pub id: String,
    pub easypost: EasyPostConfig,
}

#[derive(Clone, Debug)]
pub struct ShopifyConfig {
    /// `.../admin/api/{version}`, without a trailing slash.
    pub base_url: String,
    pub shop_domain: String,
    pub access_token: String,
    /// App secret: HMAC key for `X-Shopify-Hmac-Sha256`.
    pub webhook_secret: String,
}

#[derive(Clone, Debug)]
pub struct EasyPostConfig {
    /// `.../v2`, without a trailing slash.
    pub base_url: String,
    pub api_key: String,
    /// Plain string; the HMAC key is its NFKD form.
    pub webhook_secret: String,
}

#[derive(Clone, Debug)]
pub struct ShipBobConfig {
    /// `.../{YYYY-MM}`, without a trailing slash.
    pub base_url: String,
    pub token: String,
    pub channel_id: u64,
    /// Standard Webhooks key: the base64-decoded part after `whsec_`.
    pub webhook_key: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShipFrom {
    pub name: String,
    pub street1: String,
    pub city: String,
    pub state: String,
    pub zip: String,
    pub country: String,
}

/// Pacing of the integration; defaults suit drills on a virtual clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timings {
    pub inventory_poll: Duration,
    pub retry_base: Duration,
    pub max_attempts: u32,
    pub request_timeout: Duration,
    /// Longest server retry hint honoured.
    pub retry_after_cap: Duration,
    /// First delay before a held order is tried again.
    pub held_retry: Duration,
    /// Background tries per held order.
    pub held_retry_max: u32,
    /// Poll interval for orders waiting in the warehouse.
    pub reconcile: Duration,
    /// Pause before the pipeline worker takes each job.
    pub worker_delay: Duration,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            inventory_poll: Duration::from_millis(100),
            retry_base: Duration::from_millis(50),
            max_attempts: 5,
            request_timeout: Duration::from_secs(2),
            retry_after_cap: Duration::from_secs(5),
            held_retry: Duration::from_millis(250),
            held_retry_max: 40,
            reconcile: Duration::from_millis(500),
            worker_delay: Duration::ZERO,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{var} is not set: {RUN_HINT}")]
    Missing { var: &'static str },
    #[error("{var} is invalid ({value:?}): {fix}")]
    Invalid {
        var: &'static str,
        value: String,
        fix: &'static str,
    },
    #[error(
        "DRYDOCK_WORLD_JSON is invalid: {problem}; use the manifest `drydock serve` writes to .drydock/world.json (or `GET /worlds/{{id}}/env`)"
    )]
    Manifest { problem: String },
}

impl Config {
    /// Reads the integration contract variables: the world manifest `DRYDOCK_WORLD_JSON`
    /// when it is set, else the default world's variables (one node of each role).
    pub fn from_vars(vars: &BTreeMap<String, String>) -> Result<Config, ConfigError> {
        let vars = Vars(vars);
        let port = match vars.optional("PORT") {
            Some(raw) => Some(vars.parse_port(raw)?),
            None => None,
        };
        let nodes = match vars.optional(crate::manifest::VAR) {
            Some(raw) => crate::manifest::read(raw)?,
            None => default_nodes(&vars)?,
        };
        let slack_webhook_url = match nodes.slack_webhook_url {
            Some(url) => url,
            None => vars.url("DRYDOCK_SLACK_WEBHOOK_URL")?,
        };
        Ok(Config {
            port,
            public_url: vars.url("DRYDOCK_SUT_URL")?,
            channels: nodes.channels,
            warehouses: nodes.warehouses,
            carriers: nodes.carriers,
            slack_webhook_url,
            timings: timings(&vars)?,
            defects: match vars.optional("DRYDOCK_REF_DEFECTS") {
                None => Defects::none(),
                Some(raw) => Defects::parse_list(raw).map_err(|_| ConfigError::Invalid {
                    var: "DRYDOCK_REF_DEFECTS",
                    value: raw.to_owned(),
                    fix: "list defect names separated by commas; `drydock run --list-defects` shows them",
                })?,
            },
        })
    }

    /// Reads the process environment, then [`Config::from_vars`].
    pub fn from_env() -> Result<Config, ConfigError> {
        let vars: BTreeMap<String, String> = std::env::vars().collect();
        Config::from_vars(&vars)
    }
}

/// The nodes of a world, as the manifest or the default variables describe them.
pub(crate) struct WorldNodes {
    pub(crate) channels: Vec<ChannelConfig>,
    pub(crate) warehouses: Vec<WarehouseConfig>,
    pub(crate) carriers: Vec<CarrierConfig>,
    /// The alerts node's URL, when the manifest has one.
    pub(crate) slack_webhook_url: Option<String>,
}

/// Without a manifest: the default world, `shopify`, `shipbob` and `easypost`, from the
/// variables named after them.
fn default_nodes(vars: &Vars<'_>) -> Result<WorldNodes, ConfigError> {
    let shipbob_secret = vars.required("DRYDOCK_SHIPBOB_WEBHOOK_SECRET")?;
    let channel_raw = vars.required("DRYDOCK_SHIPBOB_CHANNEL_ID")?;
    let channel_id = parse_channel_id(channel_raw).ok_or_else(|| ConfigError::Invalid {
        var: "DRYDOCK_SHIPBOB_CHANNEL_ID",
        value: channel_raw.to_owned(),
        fix: CHANNEL_ID_FIX,
    })?;
    let shopify = ShopifyConfig {
        base_url: vars.url("DRYDOCK_SHOPIFY_URL")?,
        shop_domain: vars
            .optional("DRYDOCK_SHOPIFY_SHOP_DOMAIN")
            .unwrap_or_default()
            .to_owned(),
        access_token: vars.required("DRYDOCK_SHOPIFY_ACCESS_TOKEN")?.to_owned(),
        webhook_secret: vars.required("DRYDOCK_SHOPIFY_WEBHOOK_SECRET")?.to_owned(),
    };
    let easypost = EasyPostConfig {
        base_url: vars.url("DRYDOCK_EASYPOST_URL")?,
        api_key: vars.required("DRYDOCK_EASYPOST_API_KEY")?.to_owned(),
        webhook_secret: vars.required("DRYDOCK_EASYPOST_WEBHOOK_SECRET")?.to_owned(),
    };
    let shipbob = ShipBobConfig {
        base_url: vars.url("DRYDOCK_SHIPBOB_URL")?,
        token: vars.required("DRYDOCK_SHIPBOB_TOKEN")?.to_owned(),
        channel_id,
        webhook_key: decode_whsec(shipbob_secret).ok_or_else(|| ConfigError::Invalid {
            var: "DRYDOCK_SHIPBOB_WEBHOOK_SECRET",
            value: shipbob_secret.to_owned(),
            fix: WHSEC_FIX,
        })?,
    };
    let ship_from = ShipFrom {
        name: vars.required("DRYDOCK_SHIP_FROM_NAME")?.to_owned(),
        street1: vars.required("DRYDOCK_SHIP_FROM_STREET1")?.to_owned(),
        city: vars.required("DRYDOCK_SHIP_FROM_CITY")?.to_owned(),
        state: vars.required("DRYDOCK_SHIP_FROM_STATE")?.to_owned(),
        zip: vars.required("DRYDOCK_SHIP_FROM_ZIP")?.to_owned(),
        country: vars.required("DRYDOCK_SHIP_FROM_COUNTRY")?.to_owned(),
    };
    Ok(WorldNodes {
        channels: vec![ChannelConfig {
            id: "shopify".to_owned(),
            shopify,
        }],
        warehouses: vec![WarehouseConfig {
            id: "shipbob".to_owned(),
            region: "US-East".to_owned(),
            ship_from,
            shipbob,
        }],
        carriers: vec![CarrierConfig {
            id: "easypost".to_owned(),
            easypost,
        }],
        slack_webhook_url: None,
    })
}

pub(crate) const CHANNEL_ID_FIX: &str = "use the integer channel id ShipBob assigned, e.g. 100101";
pub(crate) const WHSEC_FIX: &str =
    "use the `whsec_<base64>` secret ShipBob returned from POST /webhook";

/// A ShipBob channel id: a whole number.
pub(crate) fn parse_channel_id(raw: &str) -> Option<u64> {
    raw.trim().parse::<u64>().ok()
}

fn timings(vars: &Vars<'_>) -> Result<Timings, ConfigError> {
    let mut timings = Timings::default();
    if let Some(ms) = vars.millis("DRYDOCK_REF_INVENTORY_POLL_MS")? {
        timings.inventory_poll = ms;
    }
    if let Some(ms) = vars.millis("DRYDOCK_REF_RETRY_BASE_MS")? {
        timings.retry_base = ms;
    }
    if let Some(ms) = vars.millis("DRYDOCK_REF_REQUEST_TIMEOUT_MS")? {
        timings.request_timeout = ms;
    }
    if let Some(ms) = vars.millis("DRYDOCK_REF_RETRY_AFTER_CAP_MS")? {
        timings.retry_after_cap = ms;
    }
    if let Some(ms) = vars.millis("DRYDOCK_REF_HELD_RETRY_MS")? {
        timings.held_retry = ms;
    }
    if let Some(ms) = vars.millis("DRYDOCK_REF_RECONCILE_MS")? {
        timings.reconcile = ms;
    }
    if let Some(ms) = vars.millis("DRYDOCK_REF_WORKER_DELAY_MS")? {
        timings.worker_delay = ms;
    }
    if let Some(n) = vars.count("DRYDOCK_REF_MAX_ATTEMPTS")? {
        timings.max_attempts = n;
    }
    if let Some(n) = vars.count("DRYDOCK_REF_HELD_RETRY_MAX")? {
        timings.held_retry_max = n;
    }
    Ok(timings)
}

/// The Standard Webhooks key is the base64 part after `whsec_`.
pub(crate) fn decode_whsec(secret: &str) -> Option<Vec<u8>> {
    let encoded = secret.trim().strip_prefix("whsec_")?;
    STANDARD.decode(encoded).ok()
}

struct Vars<'a>(&'a BTreeMap<String, String>);

impl<'a> Vars<'a> {
    fn optional(&self, var: &str) -> Option<&'a str> {
        self.0
            .get(var)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    fn required(&self, var: &'static str) -> Result<&'a str, ConfigError> {
        self.optional(var).ok_or(ConfigError::Missing { var })
    }

    fn url(&self, var: &'static str) -> Result<String, ConfigError> {
        let raw = self.required(var)?.trim();
        if !(raw.starts_with("http://") || raw.starts_with("https://")) {
            return Err(ConfigError::Invalid {
                var,
                value: raw.to_owned(),
                fix: "use an absolute http:// or https:// URL",
            });
        }
        Ok(raw.trim_end_matches('/').to_owned())
    }

    fn parse_port(&self, raw: &str) -> Result<u16, ConfigError> {
        raw.trim().parse::<u16>().map_err(|_| ConfigError::Invalid {
            var: "PORT",
            value: raw.to_owned(),
            fix: "use a TCP port number between 1 and 65535",
        })
    }

    fn count(&self, var: &'static str) -> Result<Option<u32>, ConfigError> {
        let Some(raw) = self.optional(var) else {
            return Ok(None);
        };
        match raw.trim().parse::<u32>() {
            Ok(n) if n >= 1 => Ok(Some(n)),
            _ => Err(ConfigError::Invalid {
                var,
                value: raw.to_owned(),
                fix: "use a whole number of attempts, at least 1",
            }),
        }
    }

    fn millis(&self, var: &'static str) -> Result<Option<Duration>, ConfigError> {
        let Some(raw) = self.optional(var) else {
            return Ok(None);
        };
        raw.trim()
            .parse::<u64>()
            .map(|ms| Some(Duration::from_millis(ms)))
            .map_err(|_| ConfigError::Invalid {
                var,
                value: raw.to_owned(),
                fix: "use a whole number of milliseconds",
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> BTreeMap<String, String> {
        [
            ("PORT", "38211"),
            ("DRYDOCK_SUT_URL", "http://127.0.0.1:38211/"),
            (
                "DRYDOCK_SHOPIFY_URL",
                "http://127.0.0.1:40001/admin/api/2026-10",
            ),
            ("DRYDOCK_SHOPIFY_SHOP_DOMAIN", "drydock-shop.myshopify.com"),
            ("DRYDOCK_SHOPIFY_ACCESS_TOKEN", "shpat_x"),
            ("DRYDOCK_SHOPIFY_WEBHOOK_SECRET", "shpss_x"),
            ("DRYDOCK_EASYPOST_URL", "http://127.0.0.1:40002/v2"),
            ("DRYDOCK_EASYPOST_API_KEY", "EZTKx"),
            ("DRYDOCK_EASYPOST_WEBHOOK_SECRET", "s3cret"),
            ("DRYDOCK_SHIPBOB_URL", "http://127.0.0.1:40003/2026-01"),
            ("DRYDOCK_SHIPBOB_TOKEN", "pat"),
            ("DRYDOCK_SHIPBOB_CHANNEL_ID", "100101"),
            ("DRYDOCK_SHIPBOB_WEBHOOK_SECRET", "whsec_aGVsbG8="),
            (
                "DRYDOCK_SLACK_WEBHOOK_URL",
                "http://127.0.0.1:40004/services/T/B/x",
            ),
            ("DRYDOCK_SHIP_FROM_NAME", "Drydock Warehouse"),
            ("DRYDOCK_SHIP_FROM_STREET1", "1 Dock St"),
            ("DRYDOCK_SHIP_FROM_CITY", "Oakland"),
            ("DRYDOCK_SHIP_FROM_STATE", "CA"),
            ("DRYDOCK_SHIP_FROM_ZIP", "94607"),
            ("DRYDOCK_SHIP_FROM_COUNTRY", "US"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    #[test]
    fn reads_complete_environment_with_default_timings() {
        let config = Config::from_vars(&complete()).expect("valid");
        assert_eq!(config.port, Some(38211));
        assert_eq!(config.public_url, "http://127.0.0.1:38211");
        assert_eq!(config.warehouses[0].shipbob.channel_id, 100_101);
        assert_eq!(config.warehouses[0].shipbob.webhook_key, b"hello");
        assert_eq!(config.channels[0].id, "shopify");
        assert_eq!(config.warehouses[0].id, "shipbob");
        assert_eq!(config.carriers[0].id, "easypost");
        assert_eq!(config.timings, Timings::default());
    }

    /// The default world's manifest, as the simulator renders it for `complete()`.
    const DEFAULT_MANIFEST: &str = r#"{"version":1,"sut_url":"http://127.0.0.1:38211","nodes":[
      {"id":"shopify","role":"channel","provider":"shopify","url":"http://127.0.0.1:40001/admin/api/2026-10",
       "env_prefix":"DRYDOCK_SHOPIFY_","credentials":{"access_token":"shpat_x","shop_domain":"drydock-shop.myshopify.com"},
       "webhook_secret":"shpss_x"},
      {"id":"easypost","role":"carrier","provider":"easypost","url":"http://127.0.0.1:40002/v2",
       "env_prefix":"DRYDOCK_EASYPOST_","credentials":{"api_key":"EZTKx"},"webhook_secret":"s3cret"},
      {"id":"shipbob","role":"warehouse","provider":"shipbob","url":"http://127.0.0.1:40003/2026-01",
       "env_prefix":"DRYDOCK_SHIPBOB_","credentials":{"token":"pat","channel_id":"100101"},
       "webhook_secret":"whsec_aGVsbG8=","region":"US-East",
       "ship_from":{"name":"Drydock Warehouse","company":"","street1":"1 Dock St","street2":"","city":"Oakland",
                    "state":"CA","zip":"94607","country":"US","phone":"","email":""}},
      {"id":"slack","role":"alerts","provider":"slack","url":"http://127.0.0.1:40004/services/T/B/x",
       "env_prefix":"DRYDOCK_SLACK_","credentials":{}}]}"#;

    #[test]
    fn the_manifest_and_the_default_variables_describe_the_same_world() {
        let from_vars = Config::from_vars(&complete()).expect("variables");
        let mut vars = complete();
        vars.insert("DRYDOCK_WORLD_JSON".into(), DEFAULT_MANIFEST.into());
        let from_manifest = Config::from_vars(&vars).expect("manifest");
        assert_eq!(format!("{from_manifest:?}"), format!("{from_vars:?}"));
        // The manifest wins over the default variables when both are set.
        vars.insert("DRYDOCK_SHOPIFY_URL".into(), "http://127.0.0.1:1/x".into());
        let config = Config::from_vars(&vars).expect("manifest");
        assert_eq!(
            config.channels[0].shopify.base_url,
            "http://127.0.0.1:40001/admin/api/2026-10"
        );
    }

    #[test]
    fn missing_variable_names_it_and_says_how_to_fix() {
        let mut vars = complete();
        vars.remove("DRYDOCK_SHOPIFY_URL");
        let err = Config::from_vars(&vars).expect_err("missing");
        assert_eq!(
            err.to_string(),
            "DRYDOCK_SHOPIFY_URL is not set: run it under `drydock run --sut-cmd` or export the variables `drydock serve` prints"
        );
    }

    #[test]
    fn timing_overrides_are_read() {
        let mut vars = complete();
        vars.insert("DRYDOCK_REF_INVENTORY_POLL_MS".into(), "250".into());
        vars.insert("DRYDOCK_REF_MAX_ATTEMPTS".into(), "2".into());
        vars.insert("DRYDOCK_REF_HELD_RETRY_MS".into(), "40".into());
        vars.insert("DRYDOCK_REF_HELD_RETRY_MAX".into(), "3".into());
        let config = Config::from_vars(&vars).expect("valid");
        assert_eq!(config.timings.inventory_poll, Duration::from_millis(250));
        assert_eq!(config.timings.max_attempts, 2);
        assert_eq!(config.timings.held_retry, Duration::from_millis(40));
        assert_eq!(config.timings.held_retry_max, 3);
    }

    #[test]
    fn zero_attempts_is_refused_with_the_variable_named() {
        let mut vars = complete();
        vars.insert("DRYDOCK_REF_HELD_RETRY_MAX".into(), "0".into());
        assert!(matches!(
            Config::from_vars(&vars),
            Err(ConfigError::Invalid {
                var: "DRYDOCK_REF_HELD_RETRY_MAX",
                ..
            })
        ));
    }

    #[test]
    fn rejects_secret_without_whsec_prefix() {
        let mut vars = complete();
        vars.insert("DRYDOCK_SHIPBOB_WEBHOOK_SECRET".into(), "aGVsbG8=".into());
        assert!(matches!(
            Config::from_vars(&vars),
            Err(ConfigError::Invalid {
                var: "DRYDOCK_SHIPBOB_WEBHOOK_SECRET",
                ..
            })
        ));
    }
}
