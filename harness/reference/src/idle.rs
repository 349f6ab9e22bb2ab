//! `GET /drydock/idle`, the optional idle endpoint of the integration contract: 200 when
//! nothing is in hand, 503 with what is pending while busy. drydock asks it before moving
//! its virtual clock on, so it never outruns the pipeline. A held-order retry planned for
//! later is not work in hand (the order is held and says so); one that is due is.

use std::time::Instant;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use crate::webhooks::AppState;

/// What the integration still has to do.
#[derive(Debug, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Pending {
    /// Pipeline jobs queued or running.
    jobs: usize,
    /// Webhooks being received.
    webhooks: usize,
    /// Held orders whose retry is due.
    retry_due: bool,
    /// A stock push asked for or running.
    stock_sync: bool,
}

impl Pending {
    fn idle(&self) -> bool {
        *self == Pending::default()
    }
}

pub(crate) async fn idle(State(state): State<AppState>) -> (StatusCode, Json<serde_json::Value>) {
    let pending = Pending {
        jobs: state.work.jobs(),
        webhooks: state.work.receiving_now(),
        retry_due: state.book.lock().retry_due(Instant::now()),
        stock_sync: state.stock.pending(),
    };
    if pending.idle() {
        (StatusCode::OK, Json(serde_json::json!({ "idle": true })))
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "idle": false, "pending": pending })),
        )
    }
}
