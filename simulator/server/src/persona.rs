//! A persona: one node of a world served by its provider on a port of its own, and the
//! axum shell around the provider's handler that decides faults and journals every call.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::ConnectInfo;
use axum::extract::State;
use axum::http::{Extensions, HeaderMap, Method, Uri};
use drydock_core::carrier::Carrier;
use drydock_core::faults::{Fired, RequestEffect, RequestFacts};
use drydock_core::storefront::Storefront;
use drydock_core::warehouse::Warehouse;
use drydock_core::{NodeId, Timestamp, World};
use serde::Serialize;

use crate::credentials::NodeCredentials;
use crate::fault_plan::{self, Plan, Spoil};
use crate::handle::WorldHandle;
use crate::journal::{Direction, JournalEntry, body_text, keep_headers};
use crate::providers::{Provider, ProviderId, node_of};
use crate::severable::Severer;
use crate::wire::{WireRequest, WireResponse};

/// One node of a world as it is served: which provider answers, where, and with what
/// credentials. Fixed when the world is made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Persona {
    /// The node id (`shopify`, `wh-east`): the journal's lane and the env prefix.
    pub node: NodeId,
    pub provider: ProviderId,
    /// The base URL the provider's SDKs are pointed at.
    pub url: String,
    pub credentials: NodeCredentials,
}

impl Persona {
    pub fn provider(&self) -> &'static dyn Provider {
        self.provider.get()
    }

    /// The channel this persona serves (a channel provider's persona).
    pub(crate) fn channel<'w>(&self, world: &'w World) -> &'w Storefront {
        node_of(&world.channels, &self.node)
    }

    /// The warehouse this persona serves (a warehouse provider's persona).
    pub(crate) fn warehouse<'w>(&self, world: &'w World) -> &'w Warehouse {
        node_of(&world.warehouses, &self.node)
    }

    /// The carrier this persona serves (a carrier provider's persona).
    pub(crate) fn carrier<'w>(&self, world: &'w World) -> &'w Carrier {
        node_of(&world.carriers, &self.node)
    }

    /// `DRYDOCK_` + the node id upper-cased, `-` as `_`, + `_` (`DRYDOCK_WH_EAST_`).
    pub fn env_prefix(&self) -> String {
        self.node.env_prefix()
    }
}

/// The axum app of one persona of one world: every request goes through [`serve_call`].
pub fn router(world: Arc<WorldHandle>, persona: Arc<Persona>) -> Router {
    Router::new()
        .fallback(serve_call)
        .with_state((world, persona))
}

async fn serve_call(
    State((world, persona)): State<(Arc<WorldHandle>, Arc<Persona>)>,
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
    let Some(fired) = decide(&world, &persona, &req) else {
        return call(&world, &persona, &req);
    };
    let severer = extensions
        .get::<ConnectInfo<Severer>>()
        .map(|c| c.0.clone())
        .unwrap_or_default();
    let started = Instant::now();
    let virtual_time = world.now();
    match fault_plan::plan(persona.provider(), &fired) {
        Plan::Answer(response) => {
            let response = response.operation(&format!("fault:{}", fired.rule.name));
            journal_call(&world, &persona, &req, Ok(&response), virtual_time, started);
            response
        }
        Plan::Cut => {
            journal_call(
                &world,
                &persona,
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
                &persona,
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
            call(&world, &persona, &req)
        }
        Plan::Spoil(how) => {
            let response = respond(&world, &persona, &req);
            let spoiled = fault_plan::spoil(&how, response);
            if how == Spoil::Lose {
                journal_call(
                    &world,
                    &persona,
                    &req,
                    Err(("answer lost after the request took effect", Some(&spoiled))),
                    virtual_time,
                    started,
                );
                severer.cut();
            } else {
                journal_call(&world, &persona, &req, Ok(&spoiled), virtual_time, started);
            }
            spoiled
        }
        Plan::Persona => {
            req.fault = Some(fired);
            call(&world, &persona, &req)
        }
    }
}

/// Asks the world's fault book about a call and journals the rule that fired.
fn decide(
    world: &Arc<WorldHandle>,
    persona: &Persona,
    req: &WireRequest,
) -> Option<Fired<RequestEffect>> {
    let real_ms = world.real_ms();
    let (fired, _) = world.with_world(|w| {
        // The common case, no faults at all, costs nothing more than this check.
        if w.faults.active().is_empty() {
            return None;
        }
        let body = String::from_utf8_lossy(&req.body);
        let key = persona.provider().credential(req);
        let facts = RequestFacts {
            node: persona.node.as_str(),
            provider: persona.provider.name(),
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
    journal_fault(world, persona.node.as_str(), &fired);
    Some(fired)
}

/// Puts a fired rule on the journal's timeline, in the lane of node `node`.
pub(crate) fn journal_fault<E>(world: &WorldHandle, node: &str, fired: &Fired<E>) {
    world.journal.record(JournalEntry {
        real_ms: world.real_ms(),
        target: fired.target.clone(),
        topic: Some(fired.rule.name.clone()),
        error: Some(fired.rule.effect.name().to_string()),
        ..JournalEntry::new(Direction::Fault, node, fired.at)
    });
}

/// Handles one request and journals it. Tests call this directly, without sockets.
pub fn call(world: &Arc<WorldHandle>, persona: &Persona, req: &WireRequest) -> WireResponse {
    let started = Instant::now();
    let virtual_time = world.now();
    let response = respond(world, persona, req);
    journal_call(world, persona, req, Ok(&response), virtual_time, started);
    response
}

/// Handles one request, marking the world busy while it does.
fn respond(world: &Arc<WorldHandle>, persona: &Persona, req: &WireRequest) -> WireResponse {
    respond_with(world, persona, req, |world, req| {
        persona.provider().handle(world, persona, req)
    })
}

/// Handles one request with `handler`; a panic becomes the provider's 500 (the world's
/// lock recovers from it: see `WorldHandle::with_world`).
fn respond_with(
    world: &Arc<WorldHandle>,
    persona: &Persona,
    req: &WireRequest,
    handler: impl FnOnce(&Arc<WorldHandle>, &WireRequest) -> WireResponse,
) -> WireResponse {
    let _in_flight = world.activity.begin(req.changes_state());
    let handled = std::panic::catch_unwind(AssertUnwindSafe(|| handler(world, req)));
    let response = handled.unwrap_or_else(|_| {
        persona
            .provider()
            .refusal(
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
    persona: &Persona,
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
        persona: persona.node.to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Simulator;
    use crate::handle::WorldSettings;
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
        let shipbob = world.first(ProviderId::ShipBob).expect("the warehouse");
        let response = respond_with(&world, &shipbob, &req, |world, _| {
            world.with_world(|_| panic!("a bug in the middle of an operation"));
            WireResponse::empty(200)
        });
        journal_call(&world, &shipbob, &req, Ok(&response), world.now(), started);
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
