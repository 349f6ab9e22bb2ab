//! The integration as a process drydock launched with `--sut-cmd`: `sh -c COMMAND` in a
//! process group of its own, its output piped into the capped log, its exit watched while
//! the scenario plays. Stopping it signals the whole group — SIGTERM, a bounded grace
//! period, then SIGKILL — so whatever the command forked (a shell's child, a server's
//! workers, a background `sleep`) goes too. Dropping a process that was never stopped
//! (an aborted task, drydock shutting down) kills its group at once.

use std::collections::BTreeMap;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process_group, test_kill_process_group};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::RunError;
use crate::integration_log::IntegrationLog;

/// How long the integration's group has to exit after SIGTERM before SIGKILL.
pub const STOP_GRACE: Duration = Duration::from_secs(3);

pub(crate) struct Launched {
    group: Option<Pid>,
    exit: watch::Receiver<Option<ExitStatus>>,
    reaper: JoinHandle<()>,
    copiers: Vec<JoinHandle<()>>,
    stopped: bool,
}

impl Launched {
    /// Runs `sh -c command` with `env` in a new process group, its stdout and stderr
    /// going to `log`.
    pub(crate) fn spawn(
        command: &str,
        env: BTreeMap<String, String>,
        log: IntegrationLog,
    ) -> Result<Launched, RunError> {
        let mut child = tokio::process::Command::new("sh")
            .arg("-c")
            .arg(command)
            .envs(env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| RunError::SutStart(format!("cannot run `{command}`: {e}")))?;
        // The leader's pid is the group's id (`process_group(0)`).
        let group = child
            .id()
            .and_then(|id| i32::try_from(id).ok())
            .and_then(Pid::from_raw);
        let log = Arc::new(Mutex::new(log));
        let mut copiers = Vec::new();
        if let Some(out) = child.stdout.take() {
            copiers.push(tokio::spawn(copy_into(out, Arc::clone(&log))));
        }
        if let Some(err) = child.stderr.take() {
            copiers.push(tokio::spawn(copy_into(err, Arc::clone(&log))));
        }
        let (tx, exit) = watch::channel(None);
        let reaper = tokio::spawn(async move {
            if let Ok(status) = child.wait().await {
                let _ = tx.send(Some(status));
            }
        });
        Ok(Launched {
            group,
            exit,
            reaper,
            copiers,
            stopped: false,
        })
    }

    /// How the command exited, if it has.
    pub(crate) fn exit_status(&self) -> Option<ExitStatus> {
        *self.exit.borrow()
    }

    /// Waits until the command exits (forever if it never does).
    pub(crate) async fn exited(&mut self) -> ExitStatus {
        loop {
            if let Some(status) = *self.exit.borrow_and_update() {
                return status;
            }
            if self.exit.changed().await.is_err() {
                // The reaper is gone without a status: nothing more will come.
                std::future::pending::<()>().await;
            }
        }
    }

    /// Stops the whole group: SIGTERM, up to `grace` for it to go, then SIGKILL; reaps
    /// the command and drains its output into the log.
    pub(crate) async fn stop(mut self, grace: Duration) {
        if let Some(group) = self.group {
            let _ = kill_process_group(group, Signal::TERM);
            if !group_gone(group, grace).await {
                tracing::info!("the integration did not stop within {grace:?}: killing it");
                let _ = kill_process_group(group, Signal::KILL);
                group_gone(group, Duration::from_secs(2)).await;
            }
        }
        self.stopped = true;
        if tokio::time::timeout(Duration::from_secs(2), &mut self.reaper)
            .await
            .is_err()
        {
            self.reaper.abort();
        }
        for copier in &mut self.copiers {
            if tokio::time::timeout(Duration::from_secs(1), &mut *copier)
                .await
                .is_err()
            {
                copier.abort();
            }
        }
    }
}

impl Drop for Launched {
    fn drop(&mut self) {
        if !self.stopped
            && let Some(group) = self.group
        {
            let _ = kill_process_group(group, Signal::KILL);
        }
    }
}

/// Waits (bounded) until no process of `group` is left.
async fn group_gone(group: Pid, limit: Duration) -> bool {
    let started = Instant::now();
    loop {
        if test_kill_process_group(group).is_err() {
            return true;
        }
        if started.elapsed() >= limit {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn copy_into(mut from: impl AsyncRead + Unpin, log: Arc<Mutex<IntegrationLog>>) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if let Ok(mut log) = log.lock() {
                    log.write(&buf[..n]);
                }
            }
        }
    }
}

/// How an exit reads in a report: "code 3", or "signal 9" when it was killed.
pub(crate) fn describe_exit(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("code {code}"),
        (None, Some(signal)) => format!("signal {signal}"),
        (None, None) => status.to_string(),
    }
}
