//! The one accept loop every listener uses (each persona of each world, the control API):
//! hyper's HTTP/1 connections with a header-read timeout, an idle keep-alive timeout, a
//! body-read timeout, a body size limit and a cap on open connections (see
//! `connections.rs` for who is shed when the cap is reached). Whatever goes wrong is
//! answered in the listener's dialect (`refusal.rs`): 413 for a body over the limit, 408
//! for one that does not arrive, 503 when every connection is busy, 500 for a panic.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::body::Bytes;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, Response, header};
use axum::response::IntoResponse;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::connections::{Admission, Admitted, Connections, Liveness, Refusing};
use crate::refusal::{Dialect, refusal};
use crate::severable::{SeverableStream, Severer};
use crate::wire::WireResponse;

/// How long and how much a listener puts up with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Open connections per listener; past it, idle ones are shed or a 503 answered.
    pub max_connections: usize,
    /// From when a connection waits for a request until its headers are complete.
    pub header_read_timeout: Duration,
    /// A keep-alive connection with nothing in progress and nothing sent is closed
    /// after this long.
    pub idle_timeout: Duration,
    /// A request's whole body must arrive within this long (408 otherwise).
    pub body_read_timeout: Duration,
    /// Bodies over this many bytes get a 413.
    pub max_body_bytes: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            max_connections: 256,
            header_read_timeout: Duration::from_secs(20),
            idle_timeout: Duration::from_secs(15),
            body_read_timeout: Duration::from_secs(20),
            max_body_bytes: 2 * 1024 * 1024,
        }
    }
}

/// Serves `app` on `listener` until the returned future is dropped (which closes every
/// connection it accepted).
pub async fn serve(listener: TcpListener, app: Router, dialect: Dialect, limits: ConnectionLimits) {
    let table = Connections::new(limits.max_connections);
    let mut tasks = JoinSet::new();
    loop {
        while tasks.try_join_next().is_some() {}
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors and the like: free one if an idle connection
                // can go, then try again shortly.
                if !table.shed_one() {
                    tracing::warn!("cannot accept a connection: {e}");
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        match table.admit() {
            Admission::Serve(admitted) => {
                tasks.spawn(connection(stream, app.clone(), dialect, limits, admitted));
            }
            Admission::Refuse(refusing) => {
                tasks.spawn(refuse(stream, dialect, limits, refusing));
            }
            Admission::Drop => drop(stream),
        }
    }
}

fn http1_builder(header_read_timeout: Duration) -> http1::Builder {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    builder
}

/// Drives one connection until it ends, is shed, or stays idle too long.
async fn connection(
    stream: TcpStream,
    app: Router,
    dialect: Dialect,
    limits: ConnectionLimits,
    admitted: Admitted,
) {
    let liveness = Arc::clone(&admitted.liveness);
    let severer = Severer::default();
    let io = TokioIo::new(SeverableStream::new(
        stream,
        severer.clone(),
        Arc::clone(&liveness),
    ));
    let service = {
        let liveness = Arc::clone(&liveness);
        hyper::service::service_fn(move |req| {
            answer(
                req,
                app.clone(),
                dialect,
                limits,
                severer.clone(),
                Arc::clone(&liveness),
            )
        })
    };
    let conn = http1_builder(limits.header_read_timeout).serve_connection(io, service);
    tokio::pin!(conn);
    let mut closing = false;
    loop {
        let wait = limits.idle_timeout.saturating_sub(liveness.idle_for());
        tokio::select! {
            _ = conn.as_mut() => break,
            () = liveness.shed.notified(), if !closing => {
                if !liveness.is_busy() {
                    break;
                }
                // Busy when shed: finish the answer, then close.
                conn.as_mut().graceful_shutdown();
                closing = true;
            }
            () = tokio::time::sleep(wait), if !closing => {
                if liveness.idle_for() >= limits.idle_timeout {
                    break;
                }
            }
        }
    }
    drop(admitted);
}

/// Reads the body within the limits, then hands the request to `app`.
async fn answer(
    req: Request<Incoming>,
    mut app: Router,
    dialect: Dialect,
    limits: ConnectionLimits,
    severer: Severer,
    liveness: Arc<Liveness>,
) -> Result<Response<Body>, Infallible> {
    let _in_progress = liveness.begin_request();
    let (mut parts, body) = req.into_parts();
    let body = match tokio::time::timeout(limits.body_read_timeout, read_body(body, limits)).await {
        Ok(Ok(body)) => body,
        Ok(Err(BodyProblem::TooLarge)) => {
            let message = format!(
                "the request body is too large (over {} bytes): send a smaller body",
                limits.max_body_bytes
            );
            return Ok(closing(refusal(dialect, 413, &message)));
        }
        Ok(Err(BodyProblem::Unreadable(e))) => {
            let message = format!("the request body could not be read: {e}");
            return Ok(closing(refusal(dialect, 400, &message)));
        }
        Err(_) => {
            let message = format!(
                "the request body did not arrive within {} s",
                limits.body_read_timeout.as_secs_f64()
            );
            return Ok(closing(refusal(dialect, 408, &message)));
        }
    };
    parts.extensions.insert(ConnectInfo(severer));
    let request = Request::from_parts(parts, Body::from(body));
    // On a task of its own so that a panic is caught and answered, not a dropped socket.
    let handled =
        tokio::spawn(async move { tower_service::Service::call(&mut app, request).await });
    match handled.await {
        Ok(Ok(response)) => Ok(response),
        Ok(Err(never)) => match never {},
        Err(e) => {
            tracing::error!("a request handler failed: {e}");
            Ok(closing(refusal(
                dialect,
                500,
                "internal error in drydock (please report it); the request may not have taken effect",
            )))
        }
    }
}

/// Past this many bytes, an oversized body is no longer read (and thrown away) before the
/// 413: the client may then see the connection reset instead of the answer.
const DRAIN_LIMIT: usize = 16 * 1024 * 1024;

enum BodyProblem {
    TooLarge,
    Unreadable(hyper::Error),
}

/// Reads a body of at most `limits.max_body_bytes`. An oversized one is read on (up to
/// [`DRAIN_LIMIT`]) without being kept, so the client is done sending when the 413 comes.
async fn read_body(mut body: Incoming, limits: ConnectionLimits) -> Result<Bytes, BodyProblem> {
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(BodyProblem::Unreadable)?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen = seen.saturating_add(data.len());
        if seen <= limits.max_body_bytes {
            kept.extend_from_slice(&data);
        } else {
            kept = Vec::new();
            if seen > DRAIN_LIMIT {
                break;
            }
        }
    }
    if seen > limits.max_body_bytes {
        return Err(BodyProblem::TooLarge);
    }
    Ok(Bytes::from(kept))
}

/// Answers 503 on a connection the listener has no room for, then closes it.
async fn refuse(stream: TcpStream, dialect: Dialect, limits: ConnectionLimits, refusing: Refusing) {
    let service = hyper::service::service_fn(move |_req: Request<Incoming>| async move {
        let busy = refusal(
            dialect,
            503,
            "too many connections to this server: try again shortly",
        );
        Ok::<_, Infallible>(closing(busy.header("retry-after", "1")))
    });
    let patience = limits.header_read_timeout.min(Duration::from_secs(2));
    let mut builder = http1_builder(patience);
    builder.keep_alive(false);
    let served = builder.serve_connection(TokioIo::new(stream), service);
    let _ = tokio::time::timeout(patience * 2, served).await;
    drop(refusing);
}

/// The response, telling the client that the connection closes after it.
fn closing(response: WireResponse) -> Response<Body> {
    let mut response = response.into_response();
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
