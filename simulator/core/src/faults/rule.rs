//! A fault rule: a target, a trigger and a typed effect (see [`super::effect`]), with the
//! value checks no type can make (a 5xx status, bounds on durations and counts), each
//! problem in plain words with what to write instead. Authors write rules flat
//! ([`super::authored::FaultSpec`]); rules serialize back to that flat shape.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::authored::FaultSpec;
use super::effect::{
    Effect, EffectFamily, Quota, RequestEffect, WarehouseEffect, WebhookEffect, WorldChange,
};
use super::target::{Target, TargetNode};
use super::trigger::Trigger;
use crate::RealDuration;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FaultSpec")]
pub struct FaultRule {
    /// Unique among active faults; `clear_fault` and reports use it.
    pub name: String,
    /// The node that misbehaves (`node: wh-eu`), or every node of a provider
    /// (`persona: shipbob`).
    #[serde(flatten)]
    pub target: Target,
    /// Only requests to this endpoint: an optional method and a path pattern where `*`
    /// stands for one segment, e.g. `POST shipments/*/buy`. A pattern without a leading
    /// `/` matches the end of the path; `.json` suffixes are ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// Only webhooks of this topic (webhook effects), e.g. `tracker.updated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// Only calls or webhooks whose path, query or body contains this text (an order
    /// number, a SKU, a tracking code), or, for warehouse effects, orders with this
    /// reference or SKU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matching: Option<String>,
    /// What the fault does; its parameters sit beside `effect:`.
    #[serde(flatten)]
    pub effect: Effect,
    /// When a matching call makes the rule fire (default: always).
    #[serde(default)]
    pub when: Trigger,
    /// Only calls made with this credential (access token or API key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
}

/// Editors see the shape authors write: the flat rule.
impl JsonSchema for FaultRule {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FaultRule".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        FaultSpec::json_schema(generator)
    }
}

impl FaultRule {
    /// A rule with only the essentials: every call, every node of the target.
    pub fn new(name: &str, target: Target, effect: Effect) -> FaultRule {
        FaultRule {
            name: name.to_string(),
            target,
            endpoint: None,
            topic: None,
            matching: None,
            effect,
            when: Trigger::Always,
            api_key: None,
        }
    }

    /// What is wrong with aiming this rule at its target among a world's `nodes`.
    pub fn target_problems(&self, nodes: &[TargetNode]) -> Vec<String> {
        self.target.problems(self.effect.kind(), nodes)
    }

    /// Everything wrong with the rule's values, each with what to write instead.
    pub fn problems(&self) -> Vec<String> {
        let mut out = self.when.problems();
        let effect = self.effect.name();
        if self.name.trim().is_empty() {
            out.push("a fault needs a `name` so it can be cleared and reported".into());
        }
        let family = self.effect.family();
        if self.topic.is_some() && family != EffectFamily::Webhook {
            out.push(format!(
                "`topic` applies to webhook effects; `{effect}` acts on requests, so use `endpoint`"
            ));
        }
        if self.endpoint.is_some() && family != EffectFamily::Request {
            out.push(format!(
                "`endpoint` applies to request effects; `{effect}` does not act on a request"
            ));
        }
        if self.api_key.is_some() && family != EffectFamily::Request {
            out.push(format!(
                "`api_key` picks the calls of one client; `{effect}` does not act on a request"
            ));
        }
        if let Some(endpoint) = &self.endpoint
            && EndpointPattern::parse(endpoint).is_none()
        {
            out.push(format!(
                "endpoint `{endpoint}` is not `[METHOD] path`; write e.g. `POST shipments/*/buy`"
            ));
        }
        match &self.effect {
            Effect::Request(request) => out.extend(self.request_problems(request)),
            Effect::Webhook(webhook) => out.extend(webhook_problems(webhook)),
            Effect::WorldChange(change) => out.extend(world_change_problems(change)),
            Effect::Warehouse(warehouse) => out.extend(warehouse_problems(warehouse)),
        }
        out
    }

    /// The values of a request effect: statuses, real-time waits, a rate limit, a code.
    fn request_problems(&self, effect: &RequestEffect) -> Vec<String> {
        use crate::limits::{MAX_REAL_DELAY, MAX_RETRY_AFTER};
        let mut out = Vec::new();
        let status = |status: &Option<u16>, out: &mut Vec<String>| {
            if let Some(status) = status
                && !(500..600).contains(status)
            {
                out.push(format!("`status: {status}` must be a 5xx status"));
            }
        };
        match effect {
            RequestEffect::Outage {
                status: code,
                retry_after,
            } => {
                status(code, &mut out);
                real(&mut out, "retry_after", *retry_after, MAX_RETRY_AFTER);
            }
            RequestEffect::HtmlError { status: code } => status(code, &mut out),
            RequestEffect::Hang { delay } => real(&mut out, "delay", *delay, MAX_REAL_DELAY),
            RequestEffect::Latency { delay, jitter } => {
                real(&mut out, "delay", Some(*delay), MAX_REAL_DELAY);
                real(&mut out, "jitter", *jitter, MAX_REAL_DELAY);
                let total = delay.millis.max(0) + jitter.map_or(0, |d| d.millis.max(0));
                let each_fits =
                    *delay <= MAX_REAL_DELAY && jitter.is_none_or(|j| j <= MAX_REAL_DELAY);
                if total > MAX_REAL_DELAY.millis && each_fits {
                    out.push(format!(
                        "`delay` plus `jitter` must be at most {MAX_REAL_DELAY} of real time"
                    ));
                }
            }
            RequestEffect::RateLimited { retry_after, quota } => {
                real(&mut out, "retry_after", *retry_after, MAX_RETRY_AFTER);
                if let Some(Quota { limit, per }) = quota {
                    real(&mut out, "per", Some(*per), MAX_RETRY_AFTER);
                    count(&mut out, "limit", *limit);
                    if *limit == 0 {
                        out.push(
                            "`limit: 0` refuses every call; use `effect: outage` for that".into(),
                        );
                    }
                    if per.millis <= 0 {
                        out.push("`per` must be a positive duration, e.g. `per: 1s`".into());
                    }
                    if self.when != Trigger::Always {
                        out.push(
                            "a rate limit with `limit`/`per` decides by itself when to refuse; leave out `when`"
                                .into(),
                        );
                    }
                }
            }
            RequestEffect::AddressRejected { code: Some(code) }
                if !crate::carrier::REJECTION_CODES
                    .iter()
                    .any(|(c, _, _)| c == code) =>
            {
                let known: Vec<&str> = crate::carrier::REJECTION_CODES
                    .iter()
                    .map(|(c, _, _)| *c)
                    .collect();
                out.push(format!(
                    "`code: {code}` is not a verification error code; use one of {}",
                    known.join(", ")
                ));
            }
            RequestEffect::AddressRejected { .. }
            | RequestEffect::ConnectionReset
            | RequestEffect::TimeoutAfterCommit
            | RequestEffect::TruncatedJson
            | RequestEffect::WrongContentType
            | RequestEffect::MissingField { .. }
            | RequestEffect::ApiVersionRetired { .. } => {}
        }
        out
    }
}

fn webhook_problems(effect: &WebhookEffect) -> Vec<String> {
    let mut out = Vec::new();
    match effect {
        WebhookEffect::Delayed { delay } => {
            if let Err(m) = crate::limits::duration_up_to(*delay, crate::limits::MAX_DURATION) {
                out.push(format!("`delay: {delay}` {m}"));
            }
        }
        WebhookEffect::Duplicate
        | WebhookEffect::OutOfOrder
        | WebhookEffect::Dropped
        | WebhookEffect::BadSignature => {}
    }
    out
}

fn world_change_problems(change: &WorldChange) -> Vec<String> {
    let mut out = Vec::new();
    match change {
        WorldChange::StockDrift { delta, .. } => {
            if let Err(m) = crate::limits::available(*delta) {
                out.push(format!("`delta: {delta}` {m}"));
            }
        }
    }
    out
}

fn warehouse_problems(effect: &WarehouseEffect) -> Vec<String> {
    let mut out = Vec::new();
    match effect {
        WarehouseEffect::ShortPick { missing: Some(n) } => count(&mut out, "missing", *n),
        WarehouseEffect::ShortPick { missing: None } | WarehouseEffect::Backorder => {}
    }
    out
}

/// A real-time parameter within `max`.
fn real(out: &mut Vec<String>, name: &str, d: Option<RealDuration>, max: RealDuration) {
    if let Some(d) = d
        && let Err(m) = crate::limits::real_up_to(d, max)
    {
        out.push(format!("`{name}: {d}` {m}"));
    }
}

/// A count within [`crate::limits::MAX_FAULT_COUNT`].
fn count(out: &mut Vec<String>, name: &str, n: u32) {
    if u64::from(n) > crate::limits::MAX_FAULT_COUNT {
        out.push(format!(
            "`{name}: {n}` must be at most {}",
            crate::limits::MAX_FAULT_COUNT
        ));
    }
}

impl FaultRule {
    /// The real rate limit of a `rate_limited` rule with `limit`/`per`.
    pub(crate) fn quota(&self) -> Option<Quota> {
        let Effect::Request(RequestEffect::RateLimited { quota, .. }) = &self.effect else {
            return None;
        };
        *quota
    }

    /// The random extra latency bound of a `latency` rule.
    pub(crate) fn jitter(&self) -> Option<RealDuration> {
        let Effect::Request(RequestEffect::Latency { jitter, .. }) = &self.effect else {
            return None;
        };
        *jitter
    }

    /// Whether a request is one this rule is about (before the trigger is consulted).
    pub(crate) fn targets_request(&self, method: &str, path: &str, text: &[&str]) -> bool {
        if let Some(endpoint) = &self.endpoint {
            match EndpointPattern::parse(endpoint) {
                Some(p) if p.matches(method, path) => {}
                _ => return false,
            }
        }
        self.matches_text(text)
    }

    pub(crate) fn targets_webhook(&self, topic: &str, body: &str) -> bool {
        self.topic.as_deref().is_none_or(|t| t == topic) && self.matches_text(&[body])
    }

    pub(crate) fn matches_text(&self, text: &[&str]) -> bool {
        self.matching
            .as_deref()
            .is_none_or(|m| text.iter().any(|t| t.contains(m)))
    }
}

/// `[METHOD] path` with `*` for one segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointPattern {
    method: Option<String>,
    segments: Vec<String>,
    anchored: bool,
}

impl EndpointPattern {
    pub fn parse(text: &str) -> Option<EndpointPattern> {
        let mut words = text.split_whitespace();
        let first = words.next()?;
        let (method, path) = match words.next() {
            Some(path) => (Some(first.to_ascii_uppercase()), path),
            None => (None, first),
        };
        if words.next().is_some()
            || method
                .as_deref()
                .is_some_and(|m| !m.chars().all(|c| c.is_ascii_alphabetic()))
        {
            return None;
        }
        let segments: Vec<String> = segments(path).map(str::to_string).collect();
        if segments.is_empty() {
            return None;
        }
        Some(EndpointPattern {
            method,
            segments,
            anchored: path.starts_with('/'),
        })
    }

    pub fn matches(&self, method: &str, path: &str) -> bool {
        if self
            .method
            .as_deref()
            .is_some_and(|m| !m.eq_ignore_ascii_case(method))
        {
            return false;
        }
        let actual: Vec<&str> = segments(path).collect();
        if actual.len() < self.segments.len()
            || (self.anchored && actual.len() != self.segments.len())
        {
            return false;
        }
        let tail = &actual[actual.len() - self.segments.len()..];
        self.segments
            .iter()
            .zip(tail)
            .all(|(want, got)| want == "*" || want == got)
    }
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| s.strip_suffix(".json").unwrap_or(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_patterns_match_tails_and_wildcards() {
        let p = EndpointPattern::parse("POST shipments/*/buy").expect("pattern");
        assert!(p.matches("POST", "/v2/shipments/shp_1/buy"));
        assert!(!p.matches("GET", "/v2/shipments/shp_1/buy"));
        assert!(!p.matches("POST", "/v2/shipments/shp_1"));
        let any = EndpointPattern::parse("orders").expect("pattern");
        assert!(any.matches("GET", "/admin/api/2026-10/orders.json"));
        let anchored = EndpointPattern::parse("/2026-01/order").expect("pattern");
        assert!(anchored.matches("POST", "/2026-01/order"));
        assert!(!anchored.matches("POST", "/x/2026-01/order"));
        assert!(EndpointPattern::parse("POST a b").is_none());
    }

    #[test]
    fn problems_say_what_to_write() {
        let rule = |yaml: &str| -> Result<FaultRule, Vec<String>> {
            let spec: FaultSpec = serde_json::from_str(yaml).expect("spec");
            FaultRule::from_spec(spec)
        };
        let missing = rule(r#"{"name": "x", "persona": "easypost", "effect": "missing_field"}"#)
            .expect_err("needs field");
        assert!(missing[0].contains("`field: tracking_code`"), "{missing:?}");
        let ok = rule(r#"{"name": "x", "persona": "easypost", "effect": "missing_field", "field": "tracking_code"}"#)
            .expect("valid");
        assert!(ok.problems().is_empty());
        let drift = rule(r#"{"name": "d", "persona": "shopify", "effect": "stock_drift", "sku": "MUG", "delta": -3, "topic": "orders/create"}"#)
            .expect("shape");
        let problems = drift.problems().join("\n");
        assert!(
            problems.contains("`topic` applies to webhook effects"),
            "{problems}"
        );
        let target = drift
            .target_problems(&crate::WorldSpec::default().fault_targets())
            .join("\n");
        assert!(target.contains("node: shipbob"), "{target}");
    }
}
