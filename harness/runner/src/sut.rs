//! Starting and stopping the integration under test: the embedded reference integration,
//! a command drydock launches with the contract's environment, or an endpoint that is
//! already running. Readiness is `GET /health` answering 2xx, waited for with a bound.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use drydock_simulator::WorldHandle;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::RunError;
use crate::config::SutMode;

pub struct RunningSut {
    pub url: String,
    /// Where a launched command's output goes.
    pub log: Option<PathBuf>,
    stop: Stop,
}

enum Stop {
    Embedded(Option<oneshot::Sender<()>>, JoinHandle<()>),
    Child(tokio::process::Child),
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
            let _ = std::fs::create_dir_all(&dir);
            let log = dir.join(format!(
                "{}.log",
                drydock_scenario::safe_file_name(log_name)
            ));
            let out = std::fs::File::create(&log)
                .map_err(|e| RunError::SutStart(format!("cannot create {}: {e}", log.display())))?;
            let err = out
                .try_clone()
                .map_err(|e| RunError::SutStart(e.to_string()))?;
            let child = tokio::process::Command::new("sh")
                .arg("-c")
                .arg(command)
                .envs(world.sut_env(&url, port))
                .stdin(Stdio::null())
                .stdout(out)
                .stderr(err)
                .kill_on_drop(true)
                .spawn()
                .map_err(|e| RunError::SutStart(format!("cannot run `{command}`: {e}")))?;
            Ok(RunningSut {
                url,
                log: Some(log),
                stop: Stop::Child(child),
            })
        }
        SutMode::Endpoint { url, .. } => Ok(RunningSut {
            url: url.trim_end_matches('/').to_string(),
            log: None,
            stop: Stop::Nothing,
        }),
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
            if let Stop::Child(child) = &mut self.stop
                && let Ok(Some(status)) = child.try_wait()
            {
                let log = self
                    .log
                    .as_ref()
                    .map(|l| format!(" (its output is in {})", l.display()))
                    .unwrap_or_default();
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

    pub async fn stop(mut self) {
        match &mut self.stop {
            Stop::Embedded(tx, task) => {
                if let Some(tx) = tx.take() {
                    let _ = tx.send(());
                }
                if tokio::time::timeout(Duration::from_secs(2), &mut *task)
                    .await
                    .is_err()
                {
                    task.abort();
                }
            }
            Stop::Child(child) => {
                let _ = child.start_kill();
                let _ = tokio::time::timeout(Duration::from_secs(5), child.wait()).await;
            }
            Stop::Nothing => {}
        }
    }
}
