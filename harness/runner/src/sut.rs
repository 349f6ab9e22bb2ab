//! Starting and stopping the integration under test: the embedded reference integration,
//! a command drydock launches with the contract's environment, or an endpoint that is
//! already running. Readiness is `GET /health` answering 2xx, waited for with a bound.
//! A launched command's process group, output and exit are `process.rs`'s business.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use drydock_simulator::handle::WorldSettings;
use drydock_simulator::settle::SettlePolicy;
use drydock_simulator::{PortPlan, WebhookTargets, WorldHandle};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::RunError;
use crate::config::SutMode;
use crate::endpoint::{PROJECT_DIR, Project};
use crate::integration_log::{self, IntegrationLog, LOG_CAP};
use crate::process::{Launched, STOP_GRACE, describe_exit};

pub struct RunningSut {
    pub url: String,
    /// Where a launched command's output goes.
    pub log: Option<PathBuf>,
    stop: Stop,
}

enum Stop {
    Embedded(Option<oneshot::Sender<()>>, JoinHandle<()>),
    Child(Launched),
    Nothing,
}

async fn free_loopback_port() -> Result<(tokio::net::TcpListener, u16), RunError> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|e| RunError::SutStart(format!("cannot bind a loopback port: {e}")))?;
    let port = listener
        .local_addr()
        .map_err(|e| RunError::SutStart(e.to_string()))?
        .port();
    Ok((listener, port))
}

/// Where a world for this integration listens and how it is set up: ephemeral ports for
/// an integration drydock starts; for an endpoint, the fixed ports, default webhook
/// targets, the project's credentials and a fresh id space (once the previous world's
/// personas have let go of the ports, waited for with a bound).
pub async fn world_plan(
    mode: &SutMode,
    settle: SettlePolicy,
    targets: &WebhookTargets,
) -> Result<(PortPlan, WorldSettings), RunError> {
    let settings = WorldSettings {
        settle_limit: settle.settle_limit(),
        settle,
        webhook_targets: targets.clone(),
        ..WorldSettings::default()
    };
    match mode {
        SutMode::Endpoint { url, port_base } => {
            let settings = WorldSettings {
                default_webhook_base: Some(url.clone()),
                // An --endpoint integration receives webhooks wherever it runs.
                webhook_targets: targets.clone().with_host_of(Some(url)),
                ..settings
            };
            let settings = Project::at(PROJECT_DIR)
                .world_settings(settings)
                .map_err(RunError::SutStart)?;
            let started = Instant::now();
            while crate::endpoint::port_in_use(*port_base).is_some()
                && started.elapsed() < Duration::from_secs(2)
            {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Ok((PortPlan::Base(*port_base), settings))
        }
        _ => Ok((PortPlan::Ephemeral, settings)),
    }
}

/// Starts the integration for one world.
pub async fn start(
    mode: &SutMode,
    world: &WorldHandle,
    log_name: &str,
) -> Result<RunningSut, RunError> {
    match mode {
        SutMode::Embedded(defects) => {
            let (listener, port) = free_loopback_port().await?;
            let url = format!("http://127.0.0.1:{port}");
            let vars = world.sut_env(&url, port);
            let mut config = drydock_reference::Config::from_vars(&vars)
                .map_err(|e| RunError::SutStart(format!("reference integration: {e}")))?;
            config.defects = defects.clone();
            let (tx, rx) = oneshot::channel::<()>();
            let task = tokio::spawn(async move {
                let shutdown = async move {
                    let _ = rx.await;
                };
                if let Err(e) = drydock_reference::serve(config, listener, shutdown).await {
                    tracing::warn!("reference integration stopped: {e}");
                }
            });
            Ok(RunningSut {
                url,
                log: None,
                stop: Stop::Embedded(Some(tx), task),
            })
        }
        SutMode::Command(command) => {
            let (listener, port) = free_loopback_port().await?;
            drop(listener);
            let url = format!("http://127.0.0.1:{port}");
            let dir = PathBuf::from(".drydock").join("logs");
            let log = IntegrationLog::create(&dir, log_name, LOG_CAP).map_err(|e| {
                RunError::SutStart(format!("cannot create a log in {}: {e}", dir.display()))
            })?;
            let path = log.path().to_path_buf();
            let child = Launched::spawn(command, world.sut_env(&url, port), log)?;
            Ok(RunningSut {
                url,
                log: Some(path),
                stop: Stop::Child(child),
            })
        }
        SutMode::Endpoint { url, .. } => {
            let url = url.trim_end_matches('/').to_string();
            // The running service finds this world's nodes here before the first step.
            let file = Project::at(PROJECT_DIR).world_file();
            crate::endpoint::write_manifest(&file, world, &url).map_err(RunError::SutStart)?;
            Ok(RunningSut {
                url,
                log: None,
                stop: Stop::Nothing,
            })
        }
    }
}

impl RunningSut {
    /// Polls `GET /health` until it answers 2xx, the command exits, or `limit` passes.
    pub async fn wait_ready(&mut self, limit: Duration) -> Result<(), RunError> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .no_proxy()
            .build()
            .map_err(|e| RunError::SutStart(e.to_string()))?;
        let started = Instant::now();
        let health = format!("{}/health", self.url);
        let mut last = String::from("no answer yet");
        while started.elapsed() < limit {
            if let Stop::Child(child) = &self.stop
                && let Some(status) = child.exit_status()
            {
                let log = self
                    .log
                    .as_ref()
                    .map(|l| {
                        let tail = integration_log::tail(l, 20);
                        format!(" (its output is in {}):\n{tail}", l.display())
                    })
                    .unwrap_or_default();
                let status = describe_exit(status);
                return Err(RunError::SutStart(format!(
                    "the command exited with {status} before it was ready{log}"
                )));
            }
            match client.get(&health).send().await {
                Ok(r) if r.status().is_success() => return Ok(()),
                Ok(r) => last = format!("GET /health answered {}", r.status()),
                Err(e) if e.is_connect() => last = "connection refused".into(),
                Err(e) => last = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Err(RunError::SutNotReady {
            url: self.url.clone(),
            secs: limit.as_secs(),
            detail: last,
        })
    }

    /// Waits until a launched integration exits, and says how ("code 3"); never returns
    /// for an integration drydock did not launch.
    pub async fn exited(&mut self) -> String {
        match &mut self.stop {
            Stop::Child(child) => describe_exit(child.exited().await),
            _ => std::future::pending().await,
        }
    }

    /// How a launched integration exited, if it already has.
    pub fn exit_now(&self) -> Option<String> {
        match &self.stop {
            Stop::Child(child) => child.exit_status().map(describe_exit),
            _ => None,
        }
    }

    /// The last `lines` lines of a launched integration's log.
    pub fn log_tail(&self, lines: usize) -> Option<String> {
        self.log.as_ref().map(|l| integration_log::tail(l, lines))
    }

    /// Stops the integration: a launched command's whole process group (SIGTERM, a
    /// grace period, SIGKILL), the embedded one's server; nothing for an endpoint.
    pub async fn stop(self) {
        match self.stop {
            Stop::Embedded(mut tx, mut task) => {
                if let Some(tx) = tx.take() {
                    let _ = tx.send(());
                }
                if tokio::time::timeout(Duration::from_secs(2), &mut task)
                    .await
                    .is_err()
                {
                    task.abort();
                }
            }
            Stop::Child(child) => child.stop(STOP_GRACE).await,
            Stop::Nothing => {}
        }
    }
}
