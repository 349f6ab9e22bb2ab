//! What a fault does when it fires, each effect a variant with exactly its parameters.
//! Effects come in four families, one enum each, so that every place that carries out a
//! family matches all of its effects: request effects change a persona's answer, webhook
//! effects change a delivery, a world change happens once when the rule is added, and
//! warehouse effects change how the warehouse handles an order.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{RealDuration, VirtualDuration};

/// The effect's name, as authors write it after `effect:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EffectKind {
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
    /// 429 with the provider's rate-limit headers (`retry_after`, default 1s), or a real
    /// rate limit of `limit` calls `per` window.
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

/// A fault's effect with its parameters: `effect:` names it, its parameters sit beside it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Effect {
    Request(RequestEffect),
    Webhook(WebhookEffect),
    WorldChange(WorldChange),
    Warehouse(WarehouseEffect),
}

/// Effects on a request to a persona.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum RequestEffect {
    /// 5xx with the provider's error body.
    Outage {
        /// The 5xx status (default 503).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
        /// Real time the client is told to wait (`Retry-After` or the provider's header).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<RealDuration>,
    },
    /// A "load balancer" HTML error page instead of the provider's JSON.
    HtmlError {
        /// The 5xx status (default 502).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
    },
    /// The connection closes without a response.
    ConnectionReset,
    /// No answer until the client gives up.
    Hang {
        /// Real time before the connection closes (default and at most 30s).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delay: Option<RealDuration>,
    },
    /// A real-time delay before the normal answer.
    Latency {
        /// Real time every matching call waits.
        delay: RealDuration,
        /// Extra random real time up to this much, drawn from the seed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        jitter: Option<RealDuration>,
    },
    /// 429 with the provider's rate-limit headers.
    RateLimited {
        /// Real time the client is told to wait (default 1s).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<RealDuration>,
        /// A real rate limit instead of a trigger: at most `limit` calls per API key in
        /// any `per` of real time; calls beyond it get 429 with the wait until the window
        /// has room.
        #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
        quota: Option<Quota>,
    },
    /// The request takes effect, then the connection closes without the answer.
    TimeoutAfterCommit,
    /// The normal answer with its JSON body cut in half.
    TruncatedJson,
    /// The normal answer served as `text/html`.
    WrongContentType,
    /// The normal answer without a JSON field (at any depth).
    MissingField {
        /// The field the answer lacks, e.g. `tracking_code`.
        field: String,
    },
    /// An API version is retired, the way the provider does it.
    ApiVersionRetired {
        /// The retired API version, e.g. `2026-01`.
        version: String,
        /// The version that replaces it, e.g. `2026-07`.
        successor: String,
    },
    /// Address verification fails with the carrier's error code.
    AddressRejected {
        /// The carrier's verification error code (default E.ADDRESS.NOT_FOUND).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<String>,
    },
}

/// A real rate limit: `limit` calls per API key in any `per` of real time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Quota {
    /// Calls let through per window.
    pub limit: u32,
    /// The sliding window, real time.
    pub per: RealDuration,
}

/// Effects on a webhook a persona sends.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum WebhookEffect {
    /// The webhook is delivered twice (same id, same body).
    Duplicate,
    /// Matching webhooks are held back and delivered newest first at the next clock move.
    OutOfOrder,
    /// The webhook is delivered later on the virtual clock.
    Delayed {
        /// Virtual time the delivery waits.
        delay: VirtualDuration,
    },
    /// The webhook is never delivered.
    Dropped,
    /// A forged copy of the webhook with a wrong signature is delivered first.
    BadSignature,
}

/// Effects that change the world once, when the rule is added.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum WorldChange {
    /// A cycle count finds units more (or fewer) on the shelves.
    StockDrift {
        /// The SKU counted.
        sku: String,
        /// Units found more (positive) or fewer (negative).
        delta: i64,
    },
}

/// Effects on how the warehouse handles a matching order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum WarehouseEffect {
    /// The warehouse ships fewer units than ordered.
    ShortPick {
        /// Units left behind (default 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        missing: Option<u32>,
    },
    /// The warehouse puts matching orders on hold as out of stock.
    Backorder,
}

impl EffectKind {
    pub fn name(self) -> &'static str {
        match self {
            EffectKind::Outage => "outage",
            EffectKind::HtmlError => "html_error",
            EffectKind::ConnectionReset => "connection_reset",
            EffectKind::Hang => "hang",
            EffectKind::Latency => "latency",
            EffectKind::RateLimited => "rate_limited",
            EffectKind::TimeoutAfterCommit => "timeout_after_commit",
            EffectKind::TruncatedJson => "truncated_json",
            EffectKind::WrongContentType => "wrong_content_type",
            EffectKind::MissingField => "missing_field",
            EffectKind::ApiVersionRetired => "api_version_retired",
            EffectKind::AddressRejected => "address_rejected",
            EffectKind::Duplicate => "duplicate",
            EffectKind::OutOfOrder => "out_of_order",
            EffectKind::Delayed => "delayed",
            EffectKind::Dropped => "dropped",
            EffectKind::BadSignature => "bad_signature",
            EffectKind::StockDrift => "stock_drift",
            EffectKind::ShortPick => "short_pick",
            EffectKind::Backorder => "backorder",
        }
    }

    /// Every effect, in the order the reference lists them.
    pub const ALL: [EffectKind; 20] = [
        EffectKind::Outage,
        EffectKind::HtmlError,
        EffectKind::ConnectionReset,
        EffectKind::Hang,
        EffectKind::Latency,
        EffectKind::RateLimited,
        EffectKind::TimeoutAfterCommit,
        EffectKind::TruncatedJson,
        EffectKind::WrongContentType,
        EffectKind::MissingField,
        EffectKind::ApiVersionRetired,
        EffectKind::AddressRejected,
        EffectKind::Duplicate,
        EffectKind::OutOfOrder,
        EffectKind::Delayed,
        EffectKind::Dropped,
        EffectKind::BadSignature,
        EffectKind::StockDrift,
        EffectKind::ShortPick,
        EffectKind::Backorder,
    ];
}

impl Effect {
    pub fn family(&self) -> EffectFamily {
        match self {
            Effect::Request(_) => EffectFamily::Request,
            Effect::Webhook(_) => EffectFamily::Webhook,
            Effect::WorldChange(_) => EffectFamily::WorldChange,
            Effect::Warehouse(_) => EffectFamily::Warehouse,
        }
    }

    pub fn kind(&self) -> EffectKind {
        match self {
            Effect::Request(e) => e.kind(),
            Effect::Webhook(e) => e.kind(),
            Effect::WorldChange(e) => e.kind(),
            Effect::Warehouse(e) => e.kind(),
        }
    }

    pub fn name(&self) -> &'static str {
        self.kind().name()
    }
}

impl RequestEffect {
    pub fn kind(&self) -> EffectKind {
        match self {
            RequestEffect::Outage { .. } => EffectKind::Outage,
            RequestEffect::HtmlError { .. } => EffectKind::HtmlError,
            RequestEffect::ConnectionReset => EffectKind::ConnectionReset,
            RequestEffect::Hang { .. } => EffectKind::Hang,
            RequestEffect::Latency { .. } => EffectKind::Latency,
            RequestEffect::RateLimited { .. } => EffectKind::RateLimited,
            RequestEffect::TimeoutAfterCommit => EffectKind::TimeoutAfterCommit,
            RequestEffect::TruncatedJson => EffectKind::TruncatedJson,
            RequestEffect::WrongContentType => EffectKind::WrongContentType,
            RequestEffect::MissingField { .. } => EffectKind::MissingField,
            RequestEffect::ApiVersionRetired { .. } => EffectKind::ApiVersionRetired,
            RequestEffect::AddressRejected { .. } => EffectKind::AddressRejected,
        }
    }
}

impl WebhookEffect {
    pub fn kind(&self) -> EffectKind {
        match self {
            WebhookEffect::Duplicate => EffectKind::Duplicate,
            WebhookEffect::OutOfOrder => EffectKind::OutOfOrder,
            WebhookEffect::Delayed { .. } => EffectKind::Delayed,
            WebhookEffect::Dropped => EffectKind::Dropped,
            WebhookEffect::BadSignature => EffectKind::BadSignature,
        }
    }
}

impl WorldChange {
    pub fn kind(&self) -> EffectKind {
        match self {
            WorldChange::StockDrift { .. } => EffectKind::StockDrift,
        }
    }
}

impl WarehouseEffect {
    pub fn kind(&self) -> EffectKind {
        match self {
            WarehouseEffect::ShortPick { .. } => EffectKind::ShortPick,
            WarehouseEffect::Backorder => EffectKind::Backorder,
        }
    }
}
