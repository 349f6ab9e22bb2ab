//! The active fault rules of one world, what they have seen, and every time one fired.

use serde::Serialize;

use super::effect::{Effect, EffectKind, Quota, RequestEffect, WarehouseEffect, WebhookEffect};
use super::rule::FaultRule;
use crate::ids::SeededRng;
use crate::{Timestamp, WorldError};

/// A rule in force, with its counters.
#[derive(Debug, Clone, Serialize)]
pub struct ActiveFault {
    pub rule: FaultRule,
    pub added_at: Timestamp,
    /// Matching calls seen so far.
    pub seen: u64,
    /// Times it fired.
    pub fired: u64,
    /// For a rate limit: the real-time instants (ms) of the calls let through in the
    /// current window, per API key.
    #[serde(skip)]
    window: std::collections::BTreeMap<String, std::collections::VecDeque<u64>>,
}

/// A rule firing on one call, webhook or order: what the shell must do. `E` is the
/// effect's family (a request, webhook or warehouse effect), so that whoever carries it
/// out matches exactly the effects of that family.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fired<E> {
    pub rule: FaultRule,
    #[serde(skip)]
    pub effect: E,
    pub at: Timestamp,
    /// What it hit, e.g. `POST /v2/shipments/shp_1/buy` or `webhook tracker.updated`.
    pub target: String,
    /// Extra latency drawn for `jitter`, in milliseconds.
    pub jitter_ms: u64,
    /// For a rate limit with `limit`/`per`: how long until the window has room again.
    pub wait_ms: Option<u64>,
}

/// One line of the fault log, for the journal and reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FiredRecord {
    pub rule: String,
    pub effect: &'static str,
    pub at: Timestamp,
    pub target: String,
}

/// A request as the engine sees it.
#[derive(Debug, Clone, Copy)]
pub struct RequestFacts<'a> {
    /// The node called, by id.
    pub node: &'a str,
    /// Its provider.
    pub provider: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub body: &'a str,
    /// The credential the call carried (token or API key), if any.
    pub api_key: Option<&'a str>,
    /// Real time of the call in milliseconds (since the world started): rate limits
    /// count calls in real time, as providers do.
    pub real_ms: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct FaultBook {
    start: Timestamp,
    active: Vec<ActiveFault>,
    log: Vec<FiredRecord>,
    labels: Vec<String>,
    #[serde(skip)]
    rng: SeededRng,
}

impl FaultBook {
    /// An empty book; probabilities are drawn from `seed`, windows count from `start`.
    pub fn new(seed: u64, start: Timestamp) -> FaultBook {
        FaultBook {
            start,
            active: Vec::new(),
            log: Vec::new(),
            labels: Vec::new(),
            // Its own stream, so adding a fault never changes the ids a world hands out.
            rng: SeededRng::new(seed ^ 0xFA17_FA17_FA17_FA17),
        }
    }

    pub fn active(&self) -> &[ActiveFault] {
        &self.active
    }

    /// Every time a rule fired, in order.
    pub fn log(&self) -> &[FiredRecord] {
        &self.log
    }

    /// Puts a rule in force. Names are unique among active rules; the world has checked
    /// the rule's target against its nodes.
    pub(crate) fn add(&mut self, rule: FaultRule, now: Timestamp) -> Result<(), WorldError> {
        let problems = rule.problems();
        if !problems.is_empty() {
            return Err(WorldError::invalid("fault", problems.join("; ")));
        }
        if self.active.iter().any(|a| a.rule.name == rule.name) {
            return Err(WorldError::conflict(
                "fault_exists",
                format!(
                    "a fault named `{}` is already active; clear it first or pick another name",
                    rule.name
                ),
            ));
        }
        if let super::trigger::Trigger::UntilLabel(label) = &rule.when
            && self.labels.contains(label)
        {
            return Err(WorldError::invalid(
                "fault.when",
                format!(
                    "the label `{label}` has already been passed, so the fault would never fire"
                ),
            ));
        }
        self.active.push(ActiveFault {
            rule,
            added_at: now,
            seen: 0,
            fired: 0,
            window: Default::default(),
        });
        Ok(())
    }

    /// Takes a rule out of force.
    pub fn clear(&mut self, name: &str) -> Result<FaultRule, WorldError> {
        let index = self
            .active
            .iter()
            .position(|a| a.rule.name == name)
            .ok_or_else(|| WorldError::not_found("fault", name))?;
        Ok(self.active.remove(index).rule)
    }

    pub fn clear_all(&mut self) -> usize {
        let n = self.active.len();
        self.active.clear();
        n
    }

    /// The scenario reached a `label` step: rules that last until it end.
    pub fn pass_label(&mut self, label: &str) {
        self.labels.push(label.to_string());
        self.active.retain(
            |a| !matches!(&a.rule.when, super::trigger::Trigger::UntilLabel(l) if l == label),
        );
    }

    /// Records a firing that did not come from a call (a world change).
    pub(crate) fn record(&mut self, rule: &FaultRule, at: Timestamp, target: String) {
        self.log.push(FiredRecord {
            rule: rule.name.clone(),
            effect: rule.effect.name(),
            at,
            target,
        });
    }

    /// Consults the request rules for one call to a persona.
    pub fn on_request(
        &mut self,
        call: RequestFacts<'_>,
        now: Timestamp,
    ) -> Option<Fired<RequestEffect>> {
        let target = format!("{} {}", call.method, call.path);
        let quota = Some((call.api_key.unwrap_or_default(), call.real_ms));
        self.first_firing(now, target, quota, |rule| {
            let Effect::Request(effect) = &rule.effect else {
                return None;
            };
            (rule.target.covers(call.node, call.provider)
                && applies_to_path(effect, call.path)
                && rule
                    .api_key
                    .as_deref()
                    .is_none_or(|k| call.api_key == Some(k))
                && rule.targets_request(
                    call.method,
                    call.path,
                    &[call.path, call.query, call.body],
                ))
            .then(|| effect.clone())
        })
    }

    /// Consults the webhook rules for one delivery a persona is about to send.
    /// Consults the webhook rules for one delivery the node `node` (of `provider`) is
    /// about to send.
    pub fn on_webhook(
        &mut self,
        node: &str,
        provider: &str,
        topic: &str,
        body: &str,
        now: Timestamp,
    ) -> Option<Fired<WebhookEffect>> {
        self.first_firing(now, format!("webhook {topic}"), None, |rule| {
            let Effect::Webhook(effect) = &rule.effect else {
                return None;
            };
            (rule.target.covers(node, provider) && rule.targets_webhook(topic, body))
                .then(|| effect.clone())
        })
    }

    /// Consults the warehouse rules of `kind` for one order (its reference and SKUs) at
    /// the warehouse node `node` (of `provider`).
    pub(crate) fn on_warehouse_order(
        &mut self,
        kind: EffectKind,
        (node, provider): (&str, &str),
        reference: &str,
        skus: &[&str],
        now: Timestamp,
    ) -> Option<Fired<WarehouseEffect>> {
        let mut text = vec![reference];
        text.extend_from_slice(skus);
        self.first_firing(now, format!("warehouse order {reference}"), None, |rule| {
            let Effect::Warehouse(effect) = &rule.effect else {
                return None;
            };
            (effect.kind() == kind
                && rule.target.covers(node, provider)
                && rule.matches_text(&text))
            .then(|| effect.clone())
        })
    }

    fn first_firing<E>(
        &mut self,
        now: Timestamp,
        target: String,
        quota: Option<(&str, u64)>,
        applies: impl Fn(&FaultRule) -> Option<E>,
    ) -> Option<Fired<E>> {
        let elapsed_ms = (now - self.start).as_millis() as i64;
        for active in &mut self.active {
            let Some(effect) = applies(&active.rule) else {
                continue;
            };
            active.seen += 1;
            let mut wait_ms = None;
            if let (Some(Quota { limit, per }), Some((key, real_ms))) = (active.rule.quota(), quota)
            {
                // A sliding window per API key: calls within the limit pass untouched.
                let per = per.millis.max(1) as u64;
                let calls = active.window.entry(key.to_string()).or_default();
                while calls.front().is_some_and(|t| t + per <= real_ms) {
                    calls.pop_front();
                }
                if calls.len() < limit as usize {
                    calls.push_back(real_ms);
                    continue;
                }
                wait_ms = calls.front().map(|t| t + per - real_ms);
            } else if !active
                .rule
                .when
                .fires(active.seen, elapsed_ms, &mut self.rng)
            {
                continue;
            }
            active.fired += 1;
            let jitter_ms = match active.rule.jitter() {
                Some(j) if j.millis > 0 => self.rng.below(j.millis as u64 + 1),
                _ => 0,
            };
            self.log.push(FiredRecord {
                rule: active.rule.name.clone(),
                effect: active.rule.effect.name(),
                at: now,
                target: target.clone(),
            });
            return Some(Fired {
                rule: active.rule.clone(),
                effect,
                at: now,
                target,
                jitter_ms,
                wait_ms,
            });
        }
        None
    }
}

/// Effects that only make sense on some paths: a retired version on its own paths, an
/// address rejection on address verification.
fn applies_to_path(effect: &RequestEffect, path: &str) -> bool {
    match effect {
        RequestEffect::ApiVersionRetired { version, .. } => {
            path.split('/').any(|seg| seg == version)
        }
        RequestEffect::AddressRejected { .. } => {
            let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
            matches!(
                segs.as_slice(),
                [.., "addresses"]
                    | [.., "addresses", "create_and_verify"]
                    | [.., "addresses", _, "verify"]
            )
        }
        RequestEffect::Outage { .. }
        | RequestEffect::HtmlError { .. }
        | RequestEffect::ConnectionReset
        | RequestEffect::Hang { .. }
        | RequestEffect::Latency { .. }
        | RequestEffect::RateLimited { .. }
        | RequestEffect::TimeoutAfterCommit
        | RequestEffect::TruncatedJson
        | RequestEffect::WrongContentType
        | RequestEffect::MissingField { .. } => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faults::{Target, Trigger};
    use crate::{RealDuration, WorldError};

    fn start() -> Timestamp {
        "2026-12-01T09:00:00Z".parse().expect("timestamp")
    }

    fn call(path: &str) -> RequestFacts<'_> {
        RequestFacts {
            node: "easypost",
            provider: "easypost",
            method: "POST",
            path,
            query: "",
            body: "",
            api_key: Some("key"),
            real_ms: 0,
        }
    }

    fn rule(name: &str, target: &str, effect: RequestEffect) -> FaultRule {
        FaultRule::new(
            name,
            Target::Persona(target.into()),
            Effect::Request(effect),
        )
    }

    fn outage() -> RequestEffect {
        RequestEffect::Outage {
            status: None,
            retry_after: None,
        }
    }

    fn add(book: &mut FaultBook, rule: FaultRule) -> Result<(), WorldError> {
        book.add(rule, start())
    }

    #[test]
    fn first_n_fires_then_stops_and_logs() {
        let mut book = FaultBook::new(1, start());
        let mut rule = rule("down", "easypost", outage());
        rule.endpoint = Some("POST shipments/*/buy".into());
        rule.when = Trigger::First(2);
        add(&mut book, rule).expect("valid");
        let fired: Vec<bool> = (0..3)
            .map(|_| {
                book.on_request(call("/v2/shipments/shp_1/buy"), start())
                    .is_some()
            })
            .collect();
        assert_eq!(fired, [true, true, false]);
        assert!(book.on_request(call("/v2/shipments"), start()).is_none());
        assert_eq!(book.log().len(), 2);
        assert_eq!(book.log()[0].target, "POST /v2/shipments/shp_1/buy");
    }

    #[test]
    fn a_node_target_hits_that_node_only() {
        let mut book = FaultBook::new(1, start());
        let down = FaultRule::new(
            "down",
            Target::Node(crate::NodeId::known("easypost-eu")),
            Effect::Request(outage()),
        );
        add(&mut book, down).expect("valid");
        assert!(book.on_request(call("/v2/shipments"), start()).is_none());
        let eu = RequestFacts {
            node: "easypost-eu",
            ..call("/v2/shipments")
        };
        assert!(book.on_request(eu, start()).is_some());
    }

    #[test]
    fn names_are_unique_and_labels_end_rules() {
        let mut book = FaultBook::new(1, start());
        let mut rule = rule("down", "easypost", outage());
        rule.when = Trigger::UntilLabel("back".into());
        add(&mut book, rule.clone()).expect("valid");
        assert!(add(&mut book, rule.clone()).is_err());
        book.pass_label("back");
        assert!(book.active().is_empty());
        assert!(add(&mut book, rule).is_err(), "label already passed");
    }

    #[test]
    fn retired_version_only_hits_its_own_paths() {
        let mut book = FaultBook::new(1, start());
        let retired = RequestEffect::ApiVersionRetired {
            version: "2026-01".into(),
            successor: "2026-07".into(),
        };
        add(&mut book, rule("v", "shipbob", retired)).expect("valid");
        let mut facts = call("/2026-07/order");
        facts.provider = "shipbob";
        assert!(book.on_request(facts, start()).is_none());
        facts.path = "/2026-01/order";
        assert!(book.on_request(facts, start()).is_some());
    }

    #[test]
    fn a_rate_limit_counts_calls_per_key_in_a_sliding_window() {
        let mut book = FaultBook::new(1, start());
        let limited = RequestEffect::RateLimited {
            retry_after: None,
            quota: Some(Quota {
                limit: 2,
                per: RealDuration { millis: 1000 },
            }),
        };
        add(&mut book, rule("limit", "easypost", limited)).expect("valid");
        let at = |ms: u64, key: &'static str| RequestFacts {
            api_key: Some(key),
            real_ms: ms,
            ..call("/v2/shipments")
        };
        assert!(book.on_request(at(0, "a"), start()).is_none());
        assert!(book.on_request(at(100, "a"), start()).is_none());
        let third = book
            .on_request(at(200, "a"), start())
            .expect("over the limit");
        assert_eq!(
            third.wait_ms,
            Some(800),
            "room again when the first call leaves"
        );
        assert!(book.on_request(at(200, "b"), start()).is_none(), "per key");
        assert!(
            book.on_request(at(1000, "a"), start()).is_none(),
            "the window slid"
        );
        assert_eq!(book.log().len(), 1, "only refusals are firings");
    }

    #[test]
    fn same_seed_same_probabilistic_firings() {
        let run = |seed| {
            let mut book = FaultBook::new(seed, start());
            let mut rule = rule("p", "easypost", outage());
            rule.when = Trigger::Probability(0.5);
            add(&mut book, rule).expect("valid");
            (0..64)
                .map(|_| book.on_request(call("/v2/shipments"), start()).is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(3), run(3));
        assert_ne!(run(3), run(4));
    }
}
