//! The control API: separate from the personas, loopback by default. It loads worlds,
//! moves their clocks, acts as the customer and the warehouse floor, and reads state and
//! journals. Every route but `/health` requires the bearer token when one is configured
//! (`drydock serve` always configures one unless told not to), and the number of worlds
//! is capped.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use drydock_core::WorldSpec;
use drydock_core::action::{Action, CancelOrder, ClockMove, Outcome, PlaceOrder, SetStock};
use drydock_core::faults::FaultRule;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::control_errors;
use crate::handle::{WorldHandle, WorldSettings};
use crate::listen::PortPlan;
use crate::registry::Simulator;
use crate::webhook_targets::WebhookTargets;

/// How many worlds one process holds unless `drydock serve --max-worlds` says otherwise.
pub const DEFAULT_MAX_WORLDS: u16 = 64;

#[derive(Clone)]
pub struct ControlState {
    pub simulator: Arc<Simulator>,
    /// The bearer token every route but `/health` requires; `None` leaves the API open.
    pub token: Option<String>,
    /// The most worlds `POST /worlds` lets exist at once.
    pub max_worlds: usize,
    /// Where the webhooks of worlds created through the API may go.
    pub webhook_targets: WebhookTargets,
    /// Makes the cap exact when worlds are created concurrently.
    creating: Arc<tokio::sync::Mutex<()>>,
}

impl ControlState {
    pub fn new(simulator: Arc<Simulator>, token: Option<String>) -> ControlState {
        ControlState {
            simulator,
            token,
            max_worlds: usize::from(DEFAULT_MAX_WORLDS),
            webhook_targets: WebhookTargets::default(),
            creating: Arc::default(),
        }
    }

    pub fn with_max_worlds(self, max_worlds: usize) -> ControlState {
        ControlState { max_worlds, ..self }
    }

    pub fn with_webhook_targets(self, webhook_targets: WebhookTargets) -> ControlState {
        ControlState {
            webhook_targets,
            ..self
        }
    }
}

pub struct ControlError(StatusCode, String);

impl IntoResponse for ControlError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({"error": self.1}))).into_response()
    }
}

type Reply = Result<Json<Value>, ControlError>;

fn unknown(id: &str) -> ControlError {
    ControlError(StatusCode::NOT_FOUND, format!("world {id} does not exist"))
}

fn rejected(e: impl std::fmt::Display) -> ControlError {
    ControlError(StatusCode::UNPROCESSABLE_ENTITY, format!("failed to {e}"))
}

pub fn router(state: ControlState) -> Router {
    Router::new()
        .route("/health", get(|| async { Json(json!({"status": "ok"})) }))
        .route("/worlds", get(list_worlds).post(create_world))
        .route("/worlds/{id}", get(world_info).delete(delete_world))
        .route("/worlds/{id}/state", get(world_state))
        .route("/worlds/{id}/journal", get(journal))
        .route("/worlds/{id}/env", get(env))
        .route("/worlds/{id}/world", get(manifest))
        .route("/worlds/{id}/clock/advance", post(advance))
        .route("/worlds/{id}/orders", post(place_order))
        .route("/worlds/{id}/orders/{order_id}/cancel", post(cancel_order))
        .route("/worlds/{id}/stock", post(set_stock))
        .route(
            "/worlds/{id}/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/worlds/{id}/faults/{name}", delete(clear_fault))
        .route("/worlds/{id}/labels/{label}", post(pass_label))
        .fallback(no_route)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            require_token,
        ))
        .layer(axum::middleware::from_fn(control_errors::as_json))
        .with_state(state)
}

async fn no_route(method: axum::http::Method, uri: axum::http::Uri) -> ControlError {
    ControlError(
        StatusCode::NOT_FOUND,
        control_errors::explain(StatusCode::NOT_FOUND, &method, uri.path(), ""),
    )
}

async fn require_token(
    State(state): State<ControlState>,
    headers: HeaderMap,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if let Some(token) = &state.token
        && request.uri().path() != "/health"
    {
        let sent = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let why = match sent {
            None => {
                "this control API needs a token: send Authorization: Bearer <token> (drydock serve prints it and writes it to .drydock/serve.env as DRYDOCK_CONTROL_TOKEN)"
            }
            Some(sent) if !same_token(sent, token) => {
                "the bearer token is wrong: use the one `drydock serve` printed (also DRYDOCK_CONTROL_TOKEN in .drydock/serve.env)"
            }
            Some(_) => return next.run(request).await,
        };
        return ControlError(StatusCode::UNAUTHORIZED, why.into()).into_response();
    }
    next.run(request).await
}

/// Compares in time that does not depend on where the first difference is.
fn same_token(sent: &str, token: &str) -> bool {
    sent.len() == token.len()
        && sent
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

fn world(state: &ControlState, id: &str) -> Result<Arc<WorldHandle>, ControlError> {
    state.simulator.world(id).ok_or_else(|| unknown(id))
}

pub fn world_summary(w: &WorldHandle) -> Value {
    json!({
        "id": w.id,
        "now": w.now(),
        "endpoints": w.endpoints,
        "credentials": w.credentials,
    })
}

async fn list_worlds(State(state): State<ControlState>) -> Reply {
    let list: Vec<Value> = state
        .simulator
        .worlds()
        .iter()
        .map(|w| world_summary(w))
        .collect();
    Ok(Json(json!({"worlds": list})))
}

async fn create_world(
    State(state): State<ControlState>,
    Json(spec): Json<WorldSpec>,
) -> Result<(StatusCode, Json<Value>), ControlError> {
    let _creating = state.creating.lock().await;
    if state.simulator.worlds().len() >= state.max_worlds {
        return Err(ControlError(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "this drydock already holds its cap of {} worlds: delete one (DELETE /worlds/{{id}}) or start drydock serve with a larger --max-worlds",
                state.max_worlds
            ),
        ));
    }
    let handle = state
        .simulator
        .create_world(
            &spec,
            PortPlan::Ephemeral,
            WorldSettings {
                webhook_targets: state.webhook_targets.clone(),
                ..WorldSettings::default()
            },
        )
        .await
        .map_err(rejected)?;
    Ok((StatusCode::CREATED, Json(world_summary(&handle))))
}

async fn world_info(State(state): State<ControlState>, Path(id): Path<String>) -> Reply {
    let w = world(&state, &id)?;
    Ok(Json(world_summary(&w)))
}

async fn delete_world(
    State(state): State<ControlState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ControlError> {
    if state.simulator.remove_world(&id) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(unknown(&id))
    }
}

async fn world_state(State(state): State<ControlState>, Path(id): Path<String>) -> Reply {
    let w = world(&state, &id)?;
    Ok(Json(
        serde_json::to_value(w.snapshot()).unwrap_or(Value::Null),
    ))
}

/// The most entries one page of `GET /worlds/{id}/journal` holds.
const JOURNAL_PAGE_LIMIT: usize = 1000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JournalQuery {
    #[serde(default)]
    after: u64,
    limit: Option<usize>,
}

/// One page of the journal (`?after=SEQ&limit=N`, at most 1000, default 1000); `next`
/// is the `after` of the following page, null at the end.
async fn journal(
    State(state): State<ControlState>,
    Path(id): Path<String>,
    Query(q): Query<JournalQuery>,
) -> Reply {
    let w = world(&state, &id)?;
    let limit = q
        .limit
        .unwrap_or(JOURNAL_PAGE_LIMIT)
        .clamp(1, JOURNAL_PAGE_LIMIT);
    let journal = w.journal.clone();
    let page = tokio::task::spawn_blocking(move || journal.page(q.after, limit))
        .await
        .map_err(|e| {
            ControlError(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("failed to read the journal: {e}"),
            )
        })?;
    Ok(Json(json!(page)))
}

#[derive(Deserialize)]
struct EnvQuery {
    sut_url: Option<String>,
}

async fn env(
    State(state): State<ControlState>,
    Path(id): Path<String>,
    Query(q): Query<EnvQuery>,
) -> Reply {
    let w = world(&state, &id)?;
    let (sut_url, port) = sut(q);
    Ok(Json(json!(w.sut_env(&sut_url, port))))
}

/// The integration's URL (`?sut_url=`, default `http://127.0.0.1:8080`) and its port.
fn sut(q: EnvQuery) -> (String, u16) {
    let sut_url = q.sut_url.unwrap_or_else(|| "http://127.0.0.1:8080".into());
    let port = sut_url
        .rsplit(':')
        .next()
        .and_then(|p| p.trim_end_matches('/').parse().ok())
        .unwrap_or(8080);
    (sut_url, port)
}

/// The world's manifest (`DRYDOCK_WORLD_JSON`) as a JSON object.
async fn manifest(
    State(state): State<ControlState>,
    Path(id): Path<String>,
    Query(q): Query<EnvQuery>,
) -> Reply {
    let w = world(&state, &id)?;
    let (sut_url, _) = sut(q);
    Ok(Json(w.manifest(&sut_url)))
}

/// A JSON body read by hand, so that a bad value (a duration such as `6x`) is explained in
/// the scenario language's words, not the JSON extractor's.
fn read_body<T: serde::de::DeserializeOwned>(body: &[u8], hint: &str) -> Result<T, ControlError> {
    serde_json::from_slice(body).map_err(|e| {
        ControlError(
            StatusCode::BAD_REQUEST,
            format!("bad request body: {e}; {hint}"),
        )
    })
}

/// `by` is a duration as scenario files write it (`6d`, `1d 6h`), through the same parser.
async fn advance(
    State(state): State<ControlState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Reply {
    let to: ClockMove = read_body(
        &body,
        "send exactly one of {\"by\": \"6d\"} or {\"to\": \"2026-12-07T09:00:00Z\"}",
    )?;
    let w = world(&state, &id)?;
    let to = match w.act(|world| world.perform(Action::AdvanceClock(to))).await {
        Ok(Outcome::MoveClockTo { to }) => to,
        Ok(other) => return Err(rejected(format!("advance the clock: {other:?}"))),
        Err(e) => return Err(rejected(format!("advance the clock: {e}"))),
    };
    let report = w.advance_to(to).await;
    Ok(Json(json!({"now": w.now(), "report": report})))
}

/// Performs an action on the world: what came of it, or the refusal as a 422.
async fn perform(w: &Arc<WorldHandle>, action: Action, what: &str) -> Result<Value, ControlError> {
    let outcome = w
        .act(|world| world.perform(action))
        .await
        .map_err(|e| rejected(format!("{what}: {e}")))?;
    Ok(json!(outcome))
}

async fn place_order(
    State(state): State<ControlState>,
    Path(id): Path<String>,
    Json(body): Json<PlaceOrder>,
) -> Reply {
    let w = world(&state, &id)?;
    let placed = perform(&w, Action::PlaceOrder(body), "place order").await?;
    Ok(Json(
        json!({"order_id": placed["order_id"], "name": placed["name"]}),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CancelBody {
    reason: Option<String>,
}

async fn cancel_order(
    State(state): State<ControlState>,
    Path((id, order_id)): Path<(String, u64)>,
    body: Option<Json<CancelBody>>,
) -> Reply {
    let w = world(&state, &id)?;
    let cancel = CancelOrder {
        channel: None,
        order: order_id,
        reason: body.and_then(|b| b.0.reason),
    };
    perform(&w, Action::CancelOrder(cancel), "cancel order").await?;
    Ok(Json(json!({"order_id": order_id, "cancelled": true})))
}

async fn set_stock(
    State(state): State<ControlState>,
    Path(id): Path<String>,
    Json(body): Json<SetStock>,
) -> Reply {
    let w = world(&state, &id)?;
    let set = perform(&w, Action::SetStock(body), "set stock").await?;
    Ok(Json(json!({"sku": set["sku"], "on_hand": set["on_hand"]})))
}

/// The faults in force (with their counters) and every time one fired.
async fn list_faults(State(state): State<ControlState>, Path(id): Path<String>) -> Reply {
    let w = world(&state, &id)?;
    Ok(Json(w.read(
        |world| json!({"active": world.faults.active(), "fired": world.faults.log()}),
    )))
}

async fn add_fault(
    State(state): State<ControlState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>), ControlError> {
    // Durations (`retry_after: 2s`, windows in `1d 6h`) as scenario files write them.
    let rule: FaultRule = read_body(
        &body,
        "send a fault rule as a scenario's `fault` step writes it, e.g. {\"name\": \"down\", \"persona\": \"easypost\", \"effect\": \"outage\", \"retry_after\": \"2s\"}",
    )?;
    let w = world(&state, &id)?;
    let name = rule.name.clone();
    w.act(|world| world.perform(Action::AddFault(rule)))
        .await
        .map_err(|e| rejected(format!("add fault `{name}`: {e}")))?;
    Ok((StatusCode::CREATED, Json(json!({"added": name}))))
}

async fn clear_fault(
    State(state): State<ControlState>,
    Path((id, name)): Path<(String, String)>,
) -> Reply {
    let w = world(&state, &id)?;
    w.act(|world| world.clear_fault(&name))
        .await
        .map_err(|e| ControlError(StatusCode::NOT_FOUND, format!("clear fault: {e}")))?;
    Ok(Json(json!({"cleared": [name]})))
}

async fn clear_faults(State(state): State<ControlState>, Path(id): Path<String>) -> Reply {
    let w = world(&state, &id)?;
    let names: Vec<String> = w.read(|world| {
        world
            .faults
            .active()
            .iter()
            .map(|a| a.rule.name.clone())
            .collect()
    });
    w.act(|world| world.faults.clear_all()).await;
    Ok(Json(json!({"cleared": names})))
}

async fn pass_label(
    State(state): State<ControlState>,
    Path((id, label)): Path<(String, String)>,
) -> Reply {
    let w = world(&state, &id)?;
    w.act(|world| world.pass_label(&label)).await;
    Ok(Json(json!({"label": label})))
}
