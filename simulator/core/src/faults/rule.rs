//! A fault rule as authors write it (scenario step, control API, `drydock fault add`):
//! target, trigger, effect and the effect's parameters, validated with plain-word problems.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::effect::{Effect, EffectFamily};
use super::trigger::Trigger;
use crate::VirtualDuration;

/// The provider a rule targets, by persona name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    Shopify,
    Easypost,
    Shipbob,
    Slack,
}

impl Provider {
    pub fn name(self) -> &'static str {
        match self {
            Provider::Shopify => "shopify",
            Provider::Easypost => "easypost",
            Provider::Shipbob => "shipbob",
            Provider::Slack => "slack",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// Unique among active faults; `clear_fault` and reports use it.
    pub name: String,
    /// The persona that misbehaves.
    pub persona: Provider,
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
    pub effect: Effect,
    /// When a matching call makes the rule fire (default: always).
    #[serde(default)]
    pub when: Trigger,
    /// Outage / HTML error status (default 503 / 502).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Real time the client is told to wait (outage, rate_limited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<VirtualDuration>,
    /// Latency / hang (real time) or a delayed webhook (virtual time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<VirtualDuration>,
    /// Extra random latency up to this much, drawn from the seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jitter: Option<VirtualDuration>,
    /// The JSON field a `missing_field` answer lacks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The carrier's verification error code for `address_rejected`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The retired API version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The version that replaces it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successor: Option<String>,
    /// The SKU a stock drift counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    /// Units found more (positive) or fewer (negative) by a stock drift.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delta: Option<i64>,
    /// Units a short pick leaves behind (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<u32>,
    /// Only calls made with this credential (access token or API key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    /// A real rate limit: at most `limit` calls per API key in any `per` (real time);
    /// calls beyond it get 429 with the wait until the window has room.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per: Option<VirtualDuration>,
}

impl FaultRule {
    /// A rule with only the essentials; the parameters start empty.
    pub fn new(name: &str, persona: Provider, effect: Effect) -> FaultRule {
        FaultRule {
            name: name.to_string(),
            persona,
            endpoint: None,
            topic: None,
            matching: None,
            effect,
            when: Trigger::Always,
            status: None,
            retry_after: None,
            delay: None,
            jitter: None,
            field: None,
            code: None,
            version: None,
            successor: None,
            sku: None,
            delta: None,
            missing: None,
            api_key: None,
            limit: None,
            per: None,
        }
    }

    /// Everything wrong with the rule, each with what to write instead.
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
        if let Some(endpoint) = &self.endpoint
            && EndpointPattern::parse(endpoint).is_none()
        {
            out.push(format!(
                "endpoint `{endpoint}` is not `[METHOD] path`; write e.g. `POST shipments/*/buy`"
            ));
        }
        if let Some(status) = self.status {
            let ok = match self.effect {
                Effect::Outage | Effect::HtmlError => (500..600).contains(&status),
                _ => false,
            };
            if !ok {
                out.push(format!(
                    "`status: {status}` applies to outage and html_error only, and must be 5xx"
                ));
            }
        }
        let needs = |present: bool, what: &str, example: &str, out: &mut Vec<String>| {
            if !present {
                out.push(format!(
                    "`{effect}` needs `{what}`, e.g. `{what}: {example}`"
                ));
            }
        };
        match (self.limit, self.per) {
            (None, None) => {}
            (Some(_), Some(_)) if self.effect != Effect::RateLimited => out.push(format!(
                "`limit` and `per` make a rate limit; they do not apply to `{effect}`"
            )),
            (Some(0), _) => out.push("`limit: 0` refuses every call; use `effect: outage` for that".into()),
            (Some(_), Some(per)) if per.millis <= 0 => {
                out.push("`per` must be a positive duration, e.g. `per: 1s`".into())
            }
            (Some(_), Some(_)) if self.when != Trigger::Always => out.push(
                "a rate limit with `limit`/`per` decides by itself when to refuse; leave out `when`"
                    .into(),
            ),
            (Some(_), Some(_)) => {}
            _ => out.push("a rate limit needs both `limit` and `per`, e.g. `limit: 40, per: 20s`".into()),
        }
        out.extend(self.parameter_bounds());
        match self.effect {
            Effect::MissingField => needs(self.field.is_some(), "field", "tracking_code", &mut out),
            Effect::ApiVersionRetired => {
                needs(self.version.is_some(), "version", "2026-01", &mut out);
                needs(self.successor.is_some(), "successor", "2026-07", &mut out);
                if !matches!(self.persona, Provider::Shopify | Provider::Shipbob) {
                    out.push(format!(
                        "{} has one API version; api_version_retired applies to shopify and shipbob",
                        self.persona.name()
                    ));
                }
            }
            Effect::AddressRejected => {
                if self.persona != Provider::Easypost {
                    out.push("address_rejected applies to the carrier persona `easypost`".into());
                }
                if let Some(code) = &self.code
                    && !crate::carrier::REJECTION_CODES
                        .iter()
                        .any(|(c, _, _)| c == code)
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
            }
            Effect::Latency => needs(self.delay.is_some(), "delay", "500ms", &mut out),
            Effect::Delayed => needs(self.delay.is_some(), "delay", "2h", &mut out),
            Effect::StockDrift => {
                needs(self.sku.is_some(), "sku", "MUG-01", &mut out);
                needs(self.delta.is_some(), "delta", "-3", &mut out);
            }
            _ => {}
        }
        match family {
            EffectFamily::Webhook if self.persona == Provider::Slack => out.push(
                "slack sends no webhooks; webhook effects apply to shopify, easypost and shipbob"
                    .into(),
            ),
            EffectFamily::WorldChange | EffectFamily::Warehouse
                if self.persona != Provider::Shipbob =>
            {
                out.push(format!(
                    "`{effect}` happens in the warehouse; use `persona: shipbob`"
                ))
            }
            _ => {}
        }
        out
    }

    /// Parameters beyond the bounds of [`crate::limits`]: real-time waits, virtual
    /// delays, counts and stock deltas.
    fn parameter_bounds(&self) -> Vec<String> {
        use crate::limits::{self, MAX_DURATION, MAX_REAL_DELAY, MAX_RETRY_AFTER};
        let mut out = Vec::new();
        let mut duration = |name: &str, d: Option<VirtualDuration>, max: VirtualDuration| {
            if let Some(d) = d
                && let Err(m) = limits::duration_up_to(d, max)
            {
                out.push(format!("`{name}: {d}` {m}"));
            }
        };
        let delay_max = match self.effect {
            Effect::Latency | Effect::Hang => MAX_REAL_DELAY,
            _ => MAX_DURATION,
        };
        duration("delay", self.delay, delay_max);
        duration("jitter", self.jitter, MAX_REAL_DELAY);
        duration("retry_after", self.retry_after, MAX_RETRY_AFTER);
        duration("per", self.per, MAX_RETRY_AFTER);
        if self.effect == Effect::Latency {
            let total = self.delay.map_or(0, |d| d.millis.max(0))
                + self.jitter.map_or(0, |d| d.millis.max(0));
            let each_fits = [self.delay, self.jitter]
                .iter()
                .flatten()
                .all(|d| *d <= MAX_REAL_DELAY);
            if total > MAX_REAL_DELAY.millis && each_fits {
                out.push(format!(
                    "`delay` plus `jitter` must be at most {MAX_REAL_DELAY} of real time"
                ));
            }
        }
        let counts = [
            ("limit", self.limit.map(u64::from)),
            ("missing", self.missing.map(u64::from)),
        ];
        for (name, n) in counts {
            if let Some(n) = n
                && n > limits::MAX_FAULT_COUNT
            {
                out.push(format!(
                    "`{name}: {n}` must be at most {}",
                    limits::MAX_FAULT_COUNT
                ));
            }
        }
        if let Some(delta) = self.delta
            && let Err(m) = limits::available(delta)
        {
            out.push(format!("`delta: {delta}` {m}"));
        }
        out
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
        let mut rule = FaultRule::new("x", Provider::Easypost, Effect::MissingField);
        assert!(rule.problems()[0].contains("`field: tracking_code`"));
        rule.field = Some("tracking_code".into());
        assert!(rule.problems().is_empty());
        let mut drift = FaultRule::new("d", Provider::Shopify, Effect::StockDrift);
        drift.topic = Some("orders/create".into());
        let problems = drift.problems().join("\n");
        assert!(problems.contains("persona: shipbob"), "{problems}");
        assert!(
            problems.contains("`topic` applies to webhook effects"),
            "{problems}"
        );
    }
}
