//! drydock's reference integration: a small, honest fulfilment service that connects
//! Shopify storefronts, EasyPost carrier accounts, ShipBob warehouses (routing each
//! order to the closest one that can ship it) and a Slack alert channel, speaking only
//! their public HTTP dialects. The harness runs it as
//! the "integration under test" to check that drills and checks behave sensibly.
//!
//! **Architecture Invariant:** it reaches the personas only over HTTP; it shares no
//! code (not even signature checks) with the simulator.

mod address;
mod client;
mod config;
mod defects;
mod easypost;
mod held;
mod idle;
mod labels;
mod manifest;
mod nodes;
mod pipeline;
mod retry;
mod routing;
mod shipbob;
mod shopify;
mod shortpick;
mod signatures;
mod slack;
mod startup;
mod state;
mod stock;
mod tracking;
mod versions;
mod webhooks;
mod work;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::mpsc;

pub use config::{
    CarrierConfig, ChannelConfig, Config, ConfigError, EasyPostConfig, ShipBobConfig, ShipFrom,
    ShopifyConfig, Timings, WarehouseConfig,
};
pub use defects::{Defect, Defects, UnknownDefect};

/// Pause between startup attempts while a persona is not answering yet.
const STARTUP_RETRY: Duration = Duration::from_millis(500);

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("failed to build the http client: {0}")]
    Client(#[source] reqwest::Error),
    #[error("failed to serve http on the given listener: {0}")]
    Io(#[source] std::io::Error),
    #[error("the world has no {0} node: give the integration at least one of each role")]
    MissingRole(&'static str),
}

/// Serves until `shutdown` resolves. Binds nothing itself: the caller passes the listener.
///
/// `/health` answers 503 until the catalog is loaded and webhooks are subscribed
/// (retried until it works), then 200. Webhooks received meanwhile are queued.
pub async fn serve(
    config: Config,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    for (role, count) in [
        ("channel", config.channels.len()),
        ("warehouse", config.warehouses.len()),
        ("carrier", config.carriers.len()),
    ] {
        if count == 0 {
            return Err(ServeError::MissingRole(role));
        }
    }
    let defects = config.defects.clone();
    let forget_pending = defects.has(Defect::IgnoresOrdersNotAtWarehouse);
    let http = client::HttpClient::new(config.timings, defects.has(Defect::IgnoresRetryAfter))
        .map_err(ServeError::Client)?;
    let slack = slack::SlackApi::new(http.clone(), &config.slack_webhook_url);
    let nodes = nodes::Nodes::new(
        &config,
        &http,
        &slack,
        defects.has(Defect::IgnoresApiVersionChange),
    );
    let book = state::SharedBook::default();
    let ready = Arc::new(AtomicBool::new(false));
    let (jobs, job_queue) = mpsc::unbounded_channel();
    let work = work::Work::default();
    let jobs = work::JobSender::new(jobs, work.clone());
    let trigger = stock::StockTrigger::default();
    let known_stock = stock::KnownStock::default();

    let router = webhooks::app(webhooks::AppState {
        receivers: Arc::new(receivers(&config)),
        book: book.clone(),
        jobs: jobs.clone(),
        work: work.clone(),
        stock: trigger.clone(),
        ready: ready.clone(),
        defects: defects.clone(),
    });

    let pipeline = pipeline::Pipeline {
        nodes: nodes.clone(),
        slack,
        book: book.clone(),
        stock: trigger.clone(),
        known_stock: known_stock.clone(),
        timings: config.timings,
        defects,
        work,
    };
    let duties = pipeline::Background {
        book: book.clone(),
        nodes: nodes.clone(),
        jobs,
        retry_tick: (config.timings.held_retry / 4).max(std::time::Duration::from_millis(10)),
        reconcile: config.timings.reconcile,
    };
    let public_url = config.public_url.clone();
    let poll = config.timings.inventory_poll;
    let background = tokio::spawn(async move {
        let catalogs = loop {
            match startup::prepare(&nodes, &public_url).await {
                Ok(catalogs) => break catalogs,
                Err(err) => {
                    tracing::error!(error = %err, "startup failed; retrying");
                    tokio::time::sleep(STARTUP_RETRY).await;
                }
            }
        };
        let sync = stock::StockSync {
            nodes,
            book,
            catalogs: Arc::new(catalogs),
            known: known_stock,
            forget_pending,
        };
        ready.store(true, Ordering::Release);
        tracing::info!("ready");
        tokio::join!(
            sync.run(trigger, poll),
            pipeline.run(job_queue),
            duties.run()
        );
    });

    let served = axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(ServeError::Io);
    background.abort();
    served
}

/// One webhook receiver per node, by node id.
fn receivers(config: &Config) -> webhooks::Receivers {
    let mut receivers = webhooks::Receivers::new();
    for (channel, node) in config.channels.iter().enumerate() {
        receivers.insert(
            node.id.clone(),
            webhooks::Receiver::Storefront {
                channel,
                secret: node.shopify.webhook_secret.clone(),
            },
        );
    }
    for node in &config.carriers {
        receivers.insert(
            node.id.clone(),
            webhooks::Receiver::Carrier {
                secret: node.easypost.webhook_secret.clone(),
            },
        );
    }
    for node in &config.warehouses {
        receivers.insert(
            node.id.clone(),
            webhooks::Receiver::Warehouse {
                key: node.shipbob.webhook_key.clone(),
            },
        );
    }
    receivers
}
