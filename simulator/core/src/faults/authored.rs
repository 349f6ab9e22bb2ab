//! A fault rule as authors write it (a scenario's `fault:` step, the control API's
//! `POST /faults`, `drydock fault add`): one flat mapping whose `effect:` names the effect
//! and whose other keys are its parameters. Reading it is two steps so that each problem
//! is told well: the flat shape refuses unknown keys and bad values where they are
//! written, then [`FaultRule::from_spec`] builds the typed effect, which takes exactly its
//! own parameters, and refuses every parameter left over or missing.

use schemars::JsonSchema;
use serde::Deserialize;

use super::effect::{
    Effect, EffectKind, Quota, RequestEffect, WarehouseEffect, WebhookEffect, WorldChange,
};
use super::rule::FaultRule;
use super::target::Target;
use super::trigger::Trigger;
use crate::duration::EitherDuration;
use crate::{NodeId, RealDuration};

/// Every key a fault rule may have; which parameters apply depends on the effect.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// Unique among active faults; `clear_fault` and reports use it.
    pub name: String,
    /// Every node of this provider misbehaves (`shipbob`); or name one `node`.
    #[serde(default)]
    pub persona: Option<String>,
    /// The one node that misbehaves, by id (`wh-eu`; the default world's nodes are
    /// named after their providers).
    #[serde(default)]
    pub node: Option<String>,
    /// Only requests to this endpoint: an optional method and a path pattern where `*`
    /// stands for one segment, e.g. `POST shipments/*/buy`. A pattern without a leading
    /// `/` matches the end of the path; `.json` suffixes are ignored.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// Only webhooks of this topic (webhook effects), e.g. `tracker.updated`.
    #[serde(default)]
    pub topic: Option<String>,
    /// Only calls or webhooks whose path, query or body contains this text (an order
    /// number, a SKU, a tracking code), or, for warehouse effects, orders with this
    /// reference or SKU.
    #[serde(default)]
    pub matching: Option<String>,
    /// What the fault does; the parameters below apply to some effects only.
    pub effect: EffectKind,
    /// When a matching call makes the rule fire (default: always).
    #[serde(default)]
    pub when: Trigger,
    /// Only calls made with this credential (access token or API key).
    #[serde(default)]
    pub api_key: Option<String>,
    /// Outage / HTML error status (default 503 / 502).
    #[serde(default)]
    pub status: Option<u16>,
    /// Real time the client is told to wait (outage, rate_limited).
    #[serde(default)]
    pub retry_after: Option<RealDuration>,
    /// Latency / hang (real time) or a delayed webhook (virtual time).
    #[serde(default)]
    pub delay: Option<EitherDuration>,
    /// Extra random latency up to this much (real time), drawn from the seed.
    #[serde(default)]
    pub jitter: Option<RealDuration>,
    /// The JSON field a `missing_field` answer lacks.
    #[serde(default)]
    pub field: Option<String>,
    /// The carrier's verification error code for `address_rejected`.
    #[serde(default)]
    pub code: Option<String>,
    /// The retired API version.
    #[serde(default)]
    pub version: Option<String>,
    /// The version that replaces it.
    #[serde(default)]
    pub successor: Option<String>,
    /// The SKU a stock drift counts.
    #[serde(default)]
    pub sku: Option<String>,
    /// Units found more (positive) or fewer (negative) by a stock drift.
    #[serde(default)]
    pub delta: Option<i64>,
    /// Units a short pick leaves behind (default 1).
    #[serde(default)]
    pub missing: Option<u32>,
    /// A real rate limit: at most `limit` calls per API key in any `per` (real time);
    /// calls beyond it get 429 with the wait until the window has room.
    #[serde(default)]
    pub limit: Option<u32>,
    #[serde(default)]
    pub per: Option<RealDuration>,
}

/// One parameter of the flat form, remembering whether the effect asked for it.
struct Slot<T> {
    key: &'static str,
    value: Option<T>,
    asked: bool,
    needed: bool,
}

impl<T> Slot<T> {
    fn new(key: &'static str, value: Option<T>) -> Slot<T> {
        Slot {
            key,
            value,
            asked: false,
            needed: false,
        }
    }

    /// The effect takes this parameter (if given).
    fn take(&mut self) -> Option<T> {
        self.asked = true;
        self.value.take()
    }

    /// The effect needs this parameter: missing, it is a problem that shows an example.
    fn need(&mut self, effect: EffectKind, example: &str, problems: &mut Vec<String>) -> Option<T> {
        self.needed = true;
        let value = self.take();
        if value.is_none() {
            problems.push(format!(
                "`{}` needs `{}`, e.g. `{}: {example}`",
                effect.name(),
                self.key,
                self.key
            ));
        }
        value
    }

    /// (key, left over, asked for, needed).
    fn account(&self) -> (&'static str, bool, bool, bool) {
        (self.key, self.value.is_some(), self.asked, self.needed)
    }
}

impl FaultRule {
    /// The typed rule an author's flat rule stands for, or every problem of its shape:
    /// the target, parameters the effect does not take, parameters it needs. Values are
    /// judged afterwards by [`FaultRule::problems`].
    pub fn from_spec(spec: FaultSpec) -> Result<FaultRule, Vec<String>> {
        let kind = spec.effect;
        let mut problems = Vec::new();
        let target = match (spec.node, spec.persona) {
            (Some(node), None) => match NodeId::parse(&node) {
                Ok(id) => Some(Target::Node(id)),
                Err(m) => {
                    problems.push(format!("`node: {node}`: a node id {m}"));
                    None
                }
            },
            (None, Some(persona)) => Some(Target::Persona(persona)),
            (Some(_), Some(_)) => {
                problems.push(
                    "a fault names `node:` (one node) or `persona:` (every node of a provider), not both"
                        .into(),
                );
                None
            }
            (None, None) => {
                problems.push(
                    "a fault needs a target: `node: <node id>` (one node) or `persona: <provider>` (every node of that provider)"
                        .into(),
                );
                None
            }
        };
        let mut parameters = Parameters {
            status: Slot::new("status", spec.status),
            retry_after: Slot::new("retry_after", spec.retry_after),
            delay: Slot::new("delay", spec.delay),
            jitter: Slot::new("jitter", spec.jitter),
            field: Slot::new("field", spec.field),
            code: Slot::new("code", spec.code),
            version: Slot::new("version", spec.version),
            successor: Slot::new("successor", spec.successor),
            sku: Slot::new("sku", spec.sku),
            delta: Slot::new("delta", spec.delta),
            missing: Slot::new("missing", spec.missing),
            limit: Slot::new("limit", spec.limit),
            per: Slot::new("per", spec.per),
        };
        let effect = parameters.effect(kind, &mut problems);
        let slots = parameters.accounts();
        let takes: Vec<&str> = slots
            .iter()
            .filter(|(_, _, asked, _)| *asked)
            .map(|(key, _, _, _)| *key)
            .collect();
        let takes = if takes.is_empty() {
            "it takes no parameters".to_string()
        } else {
            format!("it takes {}", takes.join(", "))
        };
        for (key, left_over, _, _) in slots {
            if left_over {
                problems.push(format!(
                    "`{key}` does not apply to `{}`: {takes}",
                    kind.name()
                ));
            }
        }
        match (target, effect) {
            (Some(target), Some(effect)) if problems.is_empty() => Ok(FaultRule {
                name: spec.name,
                target,
                endpoint: spec.endpoint,
                topic: spec.topic,
                matching: spec.matching,
                effect,
                when: spec.when,
                api_key: spec.api_key,
            }),
            _ => Err(problems),
        }
    }
}

/// Every parameter of the flat form, each remembering whether the effect took it.
struct Parameters {
    status: Slot<u16>,
    retry_after: Slot<RealDuration>,
    delay: Slot<EitherDuration>,
    jitter: Slot<RealDuration>,
    field: Slot<String>,
    code: Slot<String>,
    version: Slot<String>,
    successor: Slot<String>,
    sku: Slot<String>,
    delta: Slot<i64>,
    missing: Slot<u32>,
    limit: Slot<u32>,
    per: Slot<RealDuration>,
}

impl Parameters {
    /// The typed effect of `kind`, taking exactly its parameters; what it needs and
    /// lacks goes to `p`.
    fn effect(&mut self, kind: EffectKind, p: &mut Vec<String>) -> Option<Effect> {
        // A real-time `delay` written in days is refused as what it is.
        let real = |d: EitherDuration, p: &mut Vec<String>| match d.waited {
            Ok(waited) => Some(waited),
            Err(m) => {
                p.push(format!("`delay` of `{}`: {m}", kind.name()));
                None
            }
        };
        match kind {
            EffectKind::Outage => Some(Effect::Request(RequestEffect::Outage {
                status: self.status.take(),
                retry_after: self.retry_after.take(),
            })),
            EffectKind::HtmlError => Some(Effect::Request(RequestEffect::HtmlError {
                status: self.status.take(),
            })),
            EffectKind::ConnectionReset => Some(Effect::Request(RequestEffect::ConnectionReset)),
            EffectKind::Hang => {
                let delay = self.delay.take().and_then(|d| real(d, p));
                Some(Effect::Request(RequestEffect::Hang { delay }))
            }
            EffectKind::Latency => {
                let jitter = self.jitter.take();
                self.delay
                    .need(kind, "500ms", p)
                    .and_then(|d| real(d, p))
                    .map(|delay| Effect::Request(RequestEffect::Latency { delay, jitter }))
            }
            EffectKind::RateLimited => {
                let retry_after = self.retry_after.take();
                let quota = match (self.limit.take(), self.per.take()) {
                    (Some(limit), Some(per)) => Some(Quota { limit, per }),
                    (None, None) => None,
                    _ => {
                        p.push(
                            "a rate limit needs both `limit` and `per`, e.g. `limit: 40, per: 20s`"
                                .into(),
                        );
                        None
                    }
                };
                Some(Effect::Request(RequestEffect::RateLimited {
                    retry_after,
                    quota,
                }))
            }
            EffectKind::TimeoutAfterCommit => {
                Some(Effect::Request(RequestEffect::TimeoutAfterCommit))
            }
            EffectKind::TruncatedJson => Some(Effect::Request(RequestEffect::TruncatedJson)),
            EffectKind::WrongContentType => Some(Effect::Request(RequestEffect::WrongContentType)),
            EffectKind::MissingField => self
                .field
                .need(kind, "tracking_code", p)
                .map(|field| Effect::Request(RequestEffect::MissingField { field })),
            EffectKind::ApiVersionRetired => {
                let version = self.version.need(kind, "2026-01", p);
                let successor = self.successor.need(kind, "2026-07", p);
                version.zip(successor).map(|(version, successor)| {
                    Effect::Request(RequestEffect::ApiVersionRetired { version, successor })
                })
            }
            EffectKind::AddressRejected => Some(Effect::Request(RequestEffect::AddressRejected {
                code: self.code.take(),
            })),
            EffectKind::Duplicate => Some(Effect::Webhook(WebhookEffect::Duplicate)),
            EffectKind::OutOfOrder => Some(Effect::Webhook(WebhookEffect::OutOfOrder)),
            EffectKind::Delayed => self.delay.need(kind, "2h", p).map(|delay| {
                Effect::Webhook(WebhookEffect::Delayed {
                    delay: delay.on_clock,
                })
            }),
            EffectKind::Dropped => Some(Effect::Webhook(WebhookEffect::Dropped)),
            EffectKind::BadSignature => Some(Effect::Webhook(WebhookEffect::BadSignature)),
            EffectKind::StockDrift => {
                let sku = self.sku.need(kind, "MUG-01", p);
                let delta = self.delta.need(kind, "-3", p);
                sku.zip(delta)
                    .map(|(sku, delta)| Effect::WorldChange(WorldChange::StockDrift { sku, delta }))
            }
            EffectKind::ShortPick => Some(Effect::Warehouse(WarehouseEffect::ShortPick {
                missing: self.missing.take(),
            })),
            EffectKind::Backorder => Some(Effect::Warehouse(WarehouseEffect::Backorder)),
        }
    }

    /// (key, left over, asked for, needed) of every parameter.
    fn accounts(&self) -> [(&'static str, bool, bool, bool); 13] {
        [
            self.status.account(),
            self.retry_after.account(),
            self.delay.account(),
            self.jitter.account(),
            self.field.account(),
            self.code.account(),
            self.version.account(),
            self.successor.account(),
            self.sku.account(),
            self.delta.account(),
            self.missing.account(),
            self.limit.account(),
            self.per.account(),
        ]
    }
}

impl EffectKind {
    /// The parameters this effect takes, each with whether it is needed: read off the
    /// one place that builds the effect, so the reference can never list others.
    pub fn parameters(self) -> Vec<(&'static str, bool)> {
        let mut none = Parameters {
            status: Slot::new("status", None),
            retry_after: Slot::new("retry_after", None),
            delay: Slot::new("delay", None),
            jitter: Slot::new("jitter", None),
            field: Slot::new("field", None),
            code: Slot::new("code", None),
            version: Slot::new("version", None),
            successor: Slot::new("successor", None),
            sku: Slot::new("sku", None),
            delta: Slot::new("delta", None),
            missing: Slot::new("missing", None),
            limit: Slot::new("limit", None),
            per: Slot::new("per", None),
        };
        let _ = none.effect(self, &mut Vec::new());
        none.accounts()
            .into_iter()
            .filter(|(_, _, asked, _)| *asked)
            .map(|(key, _, _, needed)| (key, needed))
            .collect()
    }
}

impl TryFrom<FaultSpec> for FaultRule {
    type Error = String;

    /// For the control API and `drydock fault add`: the problems in one line.
    fn try_from(spec: FaultSpec) -> Result<FaultRule, String> {
        let name = spec.name.clone();
        FaultRule::from_spec(spec).map_err(|p| format!("fault `{name}`: {}", p.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// Every effect with the parameters it takes: (effect, needed, optional).
    const TABLE: &[(&str, &[&str], &[&str])] = &[
        ("outage", &[], &["status", "retry_after"]),
        ("html_error", &[], &["status"]),
        ("connection_reset", &[], &[]),
        ("hang", &[], &["delay"]),
        ("latency", &["delay"], &["jitter"]),
        ("rate_limited", &[], &["retry_after", "limit", "per"]),
        ("timeout_after_commit", &[], &[]),
        ("truncated_json", &[], &[]),
        ("wrong_content_type", &[], &[]),
        ("missing_field", &["field"], &[]),
        ("api_version_retired", &["version", "successor"], &[]),
        ("address_rejected", &[], &["code"]),
        ("duplicate", &[], &[]),
        ("out_of_order", &[], &[]),
        ("delayed", &["delay"], &[]),
        ("dropped", &[], &[]),
        ("bad_signature", &[], &[]),
        ("stock_drift", &["sku", "delta"], &[]),
        ("short_pick", &[], &["missing"]),
        ("backorder", &[], &[]),
    ];

    /// A valid value for each parameter.
    fn value(key: &str) -> Value {
        match key {
            "status" => json!(503),
            "retry_after" | "delay" | "jitter" | "per" => json!("1s"),
            "field" => json!("tracking_code"),
            "code" => json!("E.ADDRESS.NOT_FOUND"),
            "version" => json!("2026-01"),
            "successor" => json!("2026-07"),
            "sku" => json!("MUG"),
            "delta" => json!(-3),
            "missing" | "limit" => json!(1),
            other => panic!("no value for {other}"),
        }
    }

    const PARAMETERS: [&str; 13] = [
        "status",
        "retry_after",
        "delay",
        "jitter",
        "field",
        "code",
        "version",
        "successor",
        "sku",
        "delta",
        "missing",
        "limit",
        "per",
    ];

    fn spec(effect: &str, keys: &[&str]) -> FaultSpec {
        let mut rule = json!({"name": "f", "persona": "shipbob", "effect": effect});
        for key in keys {
            rule[*key] = value(key);
        }
        serde_json::from_value(rule).expect("the flat shape reads")
    }

    #[test]
    fn the_table_covers_every_effect() {
        let names: Vec<&str> = TABLE.iter().map(|(e, _, _)| *e).collect();
        let all: Vec<&str> = EffectKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names, all);
    }

    #[test]
    fn each_effect_lists_the_parameters_it_takes() {
        for (kind, (effect, needed, optional)) in EffectKind::ALL.iter().zip(TABLE) {
            let mut expected: Vec<(&str, bool)> = needed.iter().map(|k| (*k, true)).collect();
            expected.extend(optional.iter().map(|k| (*k, false)));
            expected.sort_unstable();
            let mut listed = kind.parameters();
            listed.sort_unstable();
            assert_eq!(listed, expected, "{effect}");
        }
    }

    #[test]
    fn each_effect_takes_exactly_its_parameters() {
        for (effect, needed, optional) in TABLE {
            let all: Vec<&str> = needed.iter().chain(*optional).copied().collect();
            let rule = FaultRule::from_spec(spec(effect, &all))
                .unwrap_or_else(|p| panic!("{effect} with {all:?}: {p:?}"));
            assert_eq!(rule.effect.name(), *effect);
            for key in *needed {
                let without: Vec<&str> = all.iter().copied().filter(|k| k != key).collect();
                let problems = FaultRule::from_spec(spec(effect, &without))
                    .expect_err("a needed parameter is missing");
                assert!(
                    problems
                        .iter()
                        .any(|p| p.contains(&format!("needs `{key}`"))),
                    "{effect} without {key}: {problems:?}"
                );
            }
            for key in PARAMETERS.iter().filter(|k| !all.contains(k)) {
                let mut with: Vec<&str> = needed.to_vec();
                with.push(key);
                let problems = FaultRule::from_spec(spec(effect, &with))
                    .expect_err("a foreign parameter is refused");
                let expected = format!("`{key}` does not apply to `{effect}`");
                assert!(
                    problems.iter().any(|p| p.starts_with(&expected)),
                    "{effect} with {key}: {problems:?}"
                );
            }
        }
    }

    #[test]
    fn a_rule_serializes_back_to_the_flat_shape_it_was_read_from() {
        for (effect, needed, optional) in TABLE {
            let all: Vec<&str> = needed.iter().chain(*optional).copied().collect();
            let mut text =
                json!({"name": "f", "persona": "shipbob", "effect": effect, "when": "always"});
            for key in &all {
                text[*key] = value(key);
            }
            let rule: FaultRule = serde_json::from_value(text.clone()).expect("reads");
            let back = serde_json::to_value(&rule).expect("writes");
            assert_eq!(back, text, "{effect}");
        }
    }

    #[test]
    fn a_target_is_a_node_or_a_persona() {
        let both: Result<FaultRule, _> = serde_json::from_value(
            json!({"name": "f", "node": "wh-eu", "persona": "shipbob", "effect": "backorder"}),
        );
        let e = both.expect_err("not both").to_string();
        assert!(e.contains("not both"), "{e}");
        let node: FaultRule =
            serde_json::from_value(json!({"name": "f", "node": "wh-eu", "effect": "backorder"}))
                .expect("a node");
        assert_eq!(node.target, Target::Node(NodeId::known("wh-eu")));
        assert_eq!(
            serde_json::to_value(&node).expect("writes")["node"],
            "wh-eu"
        );
        let bad: Result<FaultRule, _> =
            serde_json::from_value(json!({"name": "f", "node": "WH EU", "effect": "backorder"}));
        let e = bad.expect_err("not a node id").to_string();
        assert!(e.contains("`node: WH EU`: a node id must be"), "{e}");
    }
}
