//! What a fault does when it fires. Request effects change a persona's answer, webhook
//! effects change a delivery, warehouse effects change the world itself.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// 5xx with the provider's error body (`status`, default 503; optional `retry_after`).
    Outage,
    /// A "load balancer" HTML error page instead of the provider's JSON (`status`, default 502).
    HtmlError,
    /// The connection closes without a response.
    ConnectionReset,
    /// No answer until the client gives up (bounded by `delay`, default 30s real time).
    Hang,
    /// A real-time delay (`delay`, plus up to `jitter`) before the normal answer.
    Latency,
    /// 429 with the provider's rate-limit headers (`retry_after`, default 1s).
    RateLimited,
    /// The request takes effect, then the connection closes without the answer.
    TimeoutAfterCommit,
    /// The normal answer with its JSON body cut in half.
    TruncatedJson,
    /// The normal answer served as `text/html`.
    WrongContentType,
    /// The normal answer without the JSON field named by `field` (at any depth).
    MissingField,
    /// The API `version` is retired in favour of `successor`, the way the provider does it.
    ApiVersionRetired,
    /// Address verification fails with the carrier's error `code` (default E.ADDRESS.NOT_FOUND).
    AddressRejected,
    /// The webhook is delivered twice (same id, same body).
    Duplicate,
    /// Matching webhooks are held back and delivered newest first at the next clock move.
    OutOfOrder,
    /// The webhook is delivered `delay` later on the virtual clock.
    Delayed,
    /// The webhook is never delivered.
    Dropped,
    /// A forged copy of the webhook with a wrong signature is delivered first.
    BadSignature,
    /// A cycle count finds `delta` units more (or fewer) of `sku` on the shelves.
    StockDrift,
    /// The warehouse ships `missing` (default 1) fewer units than ordered.
    ShortPick,
    /// The warehouse puts matching orders on hold as out of stock.
    Backorder,
}

/// Where an effect acts, which decides when the engine consults the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EffectFamily {
    /// On a request to a persona.
    Request,
    /// On a webhook a persona sends.
    Webhook,
    /// Once, on the world, when the rule is added.
    WorldChange,
    /// When the warehouse handles a matching order.
    Warehouse,
}

impl Effect {
    pub fn family(self) -> EffectFamily {
        match self {
            Effect::Outage
            | Effect::HtmlError
            | Effect::ConnectionReset
            | Effect::Hang
            | Effect::Latency
            | Effect::RateLimited
            | Effect::TimeoutAfterCommit
            | Effect::TruncatedJson
            | Effect::WrongContentType
            | Effect::MissingField
            | Effect::ApiVersionRetired
            | Effect::AddressRejected => EffectFamily::Request,
            Effect::Duplicate
            | Effect::OutOfOrder
            | Effect::Delayed
            | Effect::Dropped
            | Effect::BadSignature => EffectFamily::Webhook,
            Effect::StockDrift => EffectFamily::WorldChange,
            Effect::ShortPick | Effect::Backorder => EffectFamily::Warehouse,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Effect::Outage => "outage",
            Effect::HtmlError => "html_error",
            Effect::ConnectionReset => "connection_reset",
            Effect::Hang => "hang",
            Effect::Latency => "latency",
            Effect::RateLimited => "rate_limited",
            Effect::TimeoutAfterCommit => "timeout_after_commit",
            Effect::TruncatedJson => "truncated_json",
            Effect::WrongContentType => "wrong_content_type",
            Effect::MissingField => "missing_field",
            Effect::ApiVersionRetired => "api_version_retired",
            Effect::AddressRejected => "address_rejected",
            Effect::Duplicate => "duplicate",
            Effect::OutOfOrder => "out_of_order",
            Effect::Delayed => "delayed",
            Effect::Dropped => "dropped",
            Effect::BadSignature => "bad_signature",
            Effect::StockDrift => "stock_drift",
            Effect::ShortPick => "short_pick",
            Effect::Backorder => "backorder",
        }
    }
}
