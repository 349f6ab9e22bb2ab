//! The personas: each impersonates one provider's API on its own port. This module holds
//! what they share: the kinds, the axum shell that journals every call, and the routing
//! of world events to each provider's webhooks.

pub mod easypost;
mod easypost_wire;
pub mod routes;
pub mod shipbob;
mod shipbob_wire;
pub mod shopify;
mod shopify_wire;
pub mod slack;

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::ConnectInfo;
use axum::extract::State;
use axum::http::{Extensions, HeaderMap, Method, Uri};
use drydock_core::faults::{Fired, RequestEffect, RequestFacts};
use drydock_core::{Duration, Timestamp, World, WorldEvent};
use serde::Serialize;

use crate::delivery::{self, Outgoing, PendingDelivery};
use crate::fault_plan::{self, Plan, Spoil};
use crate::handle::{WorldHandle, WorldSettings};
use crate::journal::{Direction, JournalEntry, body_text, keep_headers};
use crate::refusal::{Dialect, refusal};
use crate::severable::Severer;
use crate::wire::{WireRequest, WireResponse};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonaKind {
    Shopify,
    EasyPost,
    ShipBob,
    Slack,
}

impl PersonaKind {
    pub const ALL: [PersonaKind; 4] = [
        PersonaKind::Shopify,
        PersonaKind::EasyPost,
        PersonaKind::ShipBob,
        PersonaKind::Slack,
    ];

    pub fn name(self) -> &'static str {
        match self {
            PersonaKind::Shopify => "shopify",
            PersonaKind::EasyPost => "easypost",
            PersonaKind::ShipBob => "shipbob",
            PersonaKind::Slack => "slack",
        }
    }

    /// What the persona stands in for.
    pub fn role(self) -> &'static str {
        match self {
            PersonaKind::Shopify => "storefront",
            PersonaKind::EasyPost => "carrier",
            PersonaKind::ShipBob => "warehouse",
            PersonaKind::Slack => "alerts",
        }
    }

    /// The provider name fault rules use for this persona (`persona: easypost`).
    pub fn provider(self) -> &'static str {
        self.name()
    }

    /// The credential a call carries, as the provider reads it (rate limits are per key).
    pub(crate) fn credential(self, req: &WireRequest) -> Option<String> {
        match self {
            PersonaKind::Shopify => req.header("x-shopify-access-token").map(str::to_string),
            PersonaKind::EasyPost => easypost::api_key(req),
            PersonaKind::ShipBob => req
                .header("authorization")
                .and_then(|a| a.strip_prefix("Bearer "))
                .map(|t| t.trim().to_string()),
            PersonaKind::Slack => req.path.rsplit('/').next().map(str::to_string),
        }
    }

    pub(crate) fn port_offset(self) -> u16 {
        match self {
            PersonaKind::Shopify => 1,
            PersonaKind::EasyPost => 2,
            PersonaKind::ShipBob => 3,
            PersonaKind::Slack => 4,
        }
    }

    pub fn retry_schedule(self) -> &'static [Duration] {
        match self {
            PersonaKind::Shopify => delivery::SHOPIFY_RETRIES,
            PersonaKind::EasyPost => delivery::EASYPOST_RETRIES,
            PersonaKind::ShipBob => delivery::SHIPBOB_RETRIES,
            PersonaKind::Slack => &[],
        }
    }

    /// The base URL path the provider's SDKs are pointed at.
    pub fn base_path(self, slack_token: &str) -> String {
        match self {
            PersonaKind::Shopify => format!("/admin/api/{}", shopify::CURRENT_VERSION),
            PersonaKind::EasyPost => "/v2".into(),
            PersonaKind::ShipBob => format!("/{}", shipbob::CURRENT_VERSION),
            PersonaKind::Slack => {
                format!("/services/{}/{}/{slack_token}", slack::TEAM, slack::CHANNEL)
            }
        }
    }

    fn handle(self, world: &Arc<WorldHandle>, req: &WireRequest) -> WireResponse {
        match self {
            PersonaKind::Shopify => shopify::handle(world, req),
            PersonaKind::EasyPost => easypost::handle(world, req),
            PersonaKind::ShipBob => shipbob::handle(world, req),
            PersonaKind::Slack => slack::handle(world, req),
        }
    }
}

/// The axum app of one persona of one world: every request goes through [`serve_call`].
pub fn router(world: Arc<WorldHandle>, kind: PersonaKind) -> Router {
    Router::new().fallback(serve_call).with_state((world, kind))
}

async fn serve_call(
    State((world, kind)): State<(Arc<WorldHandle>, PersonaKind)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    extensions: Extensions,
    body: Bytes,
) -> WireResponse {
    // In flight from arrival: a fault's delay or hang below must hold the clock too.
    let _arrived = world.activity.arrived();
    let mut req = WireRequest {
        method,
        path: uri.path().to_string(),
        query: uri.query().unwrap_or("").to_string(),
        headers,
        body,
        fault: None,
    };
    let Some(fired) = decide(&world, kind, &req) else {
        return call(&world, kind, &req);
    };
    let severer = extensions
        .get::<ConnectInfo<Severer>>()
        .map(|c| c.0.clone())
        .unwrap_or_default();
    let started = Instant::now();
    let virtual_time = world.now();
    match fault_plan::plan(kind, &fired) {
        Plan::Answer(response) => {
            let response = response.operation(&format!("fault:{}", fired.rule.name));
            journal_call(&world, kind, &req, Ok(&response), virtual_time, started);
            response
        }
        Plan::Cut => {
            journal_call(
                &world,
                kind,
                &req,
                Err(("connection reset by a fault", None)),
                virtual_time,
                started,
            );
            severer.cut();
            WireResponse::empty(502)
        }
        Plan::Hang(limit) => {
            tokio::time::sleep(limit).await;
            journal_call(
                &world,
                kind,
                &req,
                Err(("no answer: hung by a fault", None)),
                virtual_time,
                started,
            );
            severer.cut();
            WireResponse::empty(504)
        }
        Plan::Delay(wait) => {
            tokio::time::sleep(wait).await;
            call(&world, kind, &req)
        }
        Plan::Spoil(how) => {
            let response = respond(&world, kind, &req);
            let spoiled = fault_plan::spoil(&how, response);
            if how == Spoil::Lose {
                journal_call(
                    &world,
                    kind,
                    &req,
                    Err(("answer lost after the request took effect", Some(&spoiled))),
                    virtual_time,
                    started,
                );
                severer.cut();
            } else {
                journal_call(&world, kind, &req, Ok(&spoiled), virtual_time, started);
            }
            spoiled
        }
        Plan::Persona => {
            req.fault = Some(fired);
            call(&world, kind, &req)
        }
    }
}

/// Asks the world's fault book about a call and journals the rule that fired.
fn decide(
    world: &Arc<WorldHandle>,
    kind: PersonaKind,
    req: &WireRequest,
) -> Option<Fired<RequestEffect>> {
    let real_ms = world.real_ms();
    let (fired, _) = world.with_world(|w| {
        // The common case, no faults at all, costs nothing more than this check.
        if w.faults.active().is_empty() {
            return None;
        }
        let body = String::from_utf8_lossy(&req.body);
        let key = kind.credential(req);
        let facts = RequestFacts {
            node: kind.name(),
            provider: kind.provider(),
            method: req.method.as_str(),
            path: &req.path,
            query: &req.query,
            body: &body,
            api_key: key.as_deref(),
            real_ms,
        };
        let now = w.now();
        w.faults.on_request(facts, now)
    });
    let fired = fired?;
    journal_fault(world, kind.name(), &fired);
    Some(fired)
}

/// Puts a fired rule on the journal's timeline.
pub(crate) fn journal_fault<E>(world: &WorldHandle, persona: &str, fired: &Fired<E>) {
    world.journal.record(JournalEntry {
        real_ms: world.real_ms(),
        target: fired.target.clone(),
        topic: Some(fired.rule.name.clone()),
        error: Some(fired.rule.effect.name().to_string()),
        ..JournalEntry::new(Direction::Fault, persona, fired.at)
    });
}

/// Handles one request and journals it. Tests call this directly, without sockets.
pub fn call(world: &Arc<WorldHandle>, kind: PersonaKind, req: &WireRequest) -> WireResponse {
    let started = Instant::now();
    let virtual_time = world.now();
    let response = respond(world, kind, req);
    journal_call(world, kind, req, Ok(&response), virtual_time, started);
    response
}

/// Handles one request, marking the world busy while it does.
fn respond(world: &Arc<WorldHandle>, kind: PersonaKind, req: &WireRequest) -> WireResponse {
    respond_with(world, kind, req, |world, req| kind.handle(world, req))
}

/// Handles one request with `handler`; a panic becomes the provider's 500 (the world's
/// lock recovers from it: see `WorldHandle::with_world`).
fn respond_with(
    world: &Arc<WorldHandle>,
    kind: PersonaKind,
    req: &WireRequest,
    handler: impl FnOnce(&Arc<WorldHandle>, &WireRequest) -> WireResponse,
) -> WireResponse {
    let _in_flight = world.activity.begin(req.changes_state());
    let handled = std::panic::catch_unwind(AssertUnwindSafe(|| handler(world, req)));
    let response = handled.unwrap_or_else(|_| {
        refusal(
            Dialect::Persona(kind),
            500,
            "internal error in drydock (please report it); the request may not have taken effect",
        )
        .operation("panic")
    });
    if req.changes_state() {
        world.activity.touch();
    }
    response
}

/// Journals a call: its answer, or why there was none (and what would have been sent).
fn journal_call(
    world: &WorldHandle,
    kind: PersonaKind,
    req: &WireRequest,
    answer: Result<&WireResponse, (&str, Option<&WireResponse>)>,
    virtual_time: Timestamp,
    started: Instant,
) {
    let target = if req.query.is_empty() {
        req.path.clone()
    } else {
        format!("{}?{}", req.path, req.query)
    };
    let (status, error, shown) = match answer {
        Ok(r) => (Some(r.status), None, Some(r)),
        Err((why, lost)) => (None, Some(why.to_string()), lost),
    };
    world.journal.record(JournalEntry {
        seq: 0,
        direction: Direction::Inbound,
        persona: kind.name().to_string(),
        virtual_time,
        real_ms: world.real_ms(),
        method: req.method.to_string(),
        target,
        topic: shown.and_then(|r| r.operation.clone()),
        request_headers: keep_headers(
            req.headers
                .iter()
                .filter_map(|(n, v)| Some((n.as_str(), v.to_str().ok()?))),
        ),
        request_body: body_text(&req.body),
        status,
        response_headers: shown.map(|r| r.headers.clone()).unwrap_or_default(),
        response_body: shown.map(|r| body_text(&r.body)).unwrap_or_default(),
        error,
        duration_ms: started.elapsed().as_millis() as u64,
        delivery_id: None,
        attempt: None,
        forged: false,
    });
}

/// Every webhook an event causes, one per subscriber, rendered in the provider's format.
/// A persona with no subscriptions at all delivers to the default webhook base, if set.
pub(crate) fn render_event(
    world: &World,
    event: &WorldEvent,
    settings: &WorldSettings,
) -> Vec<Outgoing> {
    let mut out = Vec::new();
    for kind in [
        PersonaKind::Shopify,
        PersonaKind::EasyPost,
        PersonaKind::ShipBob,
    ] {
        let rendered = match kind {
            PersonaKind::Shopify => shopify::webhook(world, event),
            PersonaKind::EasyPost => easypost::webhook(world, event),
            _ => shipbob::webhook(world, event),
        };
        let Some((topic, body)) = rendered else {
            continue;
        };
        let mut targets = match kind {
            PersonaKind::Shopify => shopify::subscribers(world, topic),
            PersonaKind::EasyPost => easypost::subscribers(world, topic),
            _ => shipbob::subscribers(world, topic),
        };
        if let Some(base) = &settings.default_webhook_base
            && !has_subscriptions(world, kind)
        {
            targets.push((
                format!("{}/webhooks/{}", base.trim_end_matches('/'), kind.name()),
                None,
            ));
        }
        out.extend(targets.into_iter().map(|(url, secret)| Outgoing {
            persona: kind,
            topic: topic.to_string(),
            url,
            body: body.clone(),
            webhook_id: String::new(),
            secret,
        }));
    }
    out
}

fn has_subscriptions(world: &World, kind: PersonaKind) -> bool {
    match kind {
        PersonaKind::Shopify => !world.channels.first().webhooks.is_empty(),
        PersonaKind::EasyPost => !world.carriers.first().webhooks.is_empty(),
        PersonaKind::ShipBob => !world.warehouses.first().webhooks.is_empty(),
        PersonaKind::Slack => false,
    }
}

/// The signed headers of one delivery attempt.
pub(crate) fn webhook_headers(
    world: &WorldHandle,
    d: &PendingDelivery,
    now: Timestamp,
) -> Vec<(String, String)> {
    match d.persona {
        PersonaKind::Shopify => shopify::webhook_headers(world, d),
        PersonaKind::EasyPost => easypost::webhook_headers(world, d),
        PersonaKind::ShipBob => shipbob::webhook_headers(world, d, now),
        PersonaKind::Slack => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Simulator;
    use crate::listen::PortPlan;

    #[tokio::test]
    async fn a_panicking_handler_answers_500_in_the_provider_shape_and_is_journaled() {
        let simulator = Simulator::new();
        let spec = drydock_core::WorldSpec::default();
        let world = simulator
            .create_world(&spec, PortPlan::Ephemeral, WorldSettings::default())
            .await
            .expect("a world");
        let req = WireRequest {
            method: Method::POST,
            path: "/2026-01/order".into(),
            query: String::new(),
            headers: HeaderMap::new(),
            body: Bytes::from_static(b"{}"),
            fault: None,
        };
        let started = Instant::now();
        let response = respond_with(&world, PersonaKind::ShipBob, &req, |world, _| {
            world.with_world(|_| panic!("a bug in the middle of an operation"));
            WireResponse::empty(200)
        });
        journal_call(
            &world,
            PersonaKind::ShipBob,
            &req,
            Ok(&response),
            world.now(),
            started,
        );
        assert_eq!(response.status, 500);
        assert_eq!(response.body_json()["statusCode"], 500);
        let entry = world
            .journal
            .entries()
            .pop()
            .expect("the call is journaled");
        assert_eq!(entry.status, Some(500));
        assert_eq!(entry.topic.as_deref(), Some("panic"));
        // The world's lock was poisoned by the panic; the next operation still happens.
        let (seen, _) = world.with_world(|w| w.now());
        assert_eq!(seen, world.now());
    }
}
