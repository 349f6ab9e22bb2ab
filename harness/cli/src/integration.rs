//! The flags that choose the integration under test, shared by `drydock run` and
//! `drydock fuzz`: the bundled reference (optionally with defects), a command drydock
//! starts, or an endpoint already running.

use std::time::Duration;

use clap::{Args, ValueEnum};
use drydock_reference::Defect;
use drydock_runner::{Settle, SutMode};
use drydock_simulator::settle::SettlePolicy;

/// How the virtual clock decides that the integration is done reacting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SettleArg {
    /// Its idle endpoint (GET /drydock/idle) when it has one, else a quiet window adapted
    /// to its reaction times (between --quiet-ms and --quiet-max-ms).
    Auto,
    /// The adaptive quiet window, without asking the idle endpoint.
    Adaptive,
    /// Always wait for --quiet-ms of quiet.
    Fixed,
}

impl From<SettleArg> for Settle {
    fn from(a: SettleArg) -> Settle {
        match a {
            SettleArg::Auto => Settle::Auto,
            SettleArg::Adaptive => Settle::Adaptive,
            SettleArg::Fixed => Settle::Fixed,
        }
    }
}

#[derive(Debug, Args)]
pub struct IntegrationArgs {
    /// Start the integration with this shell command for each world; it gets the
    /// personas' URLs and credentials in its environment and must listen on $PORT.
    #[arg(long, conflicts_with = "endpoint")]
    pub sut_cmd: Option<String>,
    /// Test an integration that is already running at this URL, configured from the
    /// environment `drydock serve --env-only` writes (same ports and credentials for
    /// every scenario; ids never repeat across runs).
    #[arg(long)]
    pub endpoint: Option<String>,
    /// With --endpoint: control API on this port, the nodes on the ports after it.
    #[arg(long, default_value_t = 4780)]
    pub port_base: u16,
    /// Switch on a deliberate defect in the bundled reference integration (repeatable);
    /// the run should then fail. `drydock run --list-defects` shows the names.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["sut_cmd", "endpoint"])]
    pub defect: Vec<Defect>,
    /// Seconds the integration has to answer GET /health with 2xx.
    #[arg(long, default_value_t = 20)]
    pub ready_timeout: u64,
    /// How the virtual clock decides that the integration is done reacting.
    #[arg(long, value_enum, default_value_t = SettleArg::Auto)]
    pub settle: SettleArg,
    /// Milliseconds the integration must be quiet before the virtual clock moves on
    /// (the least, when the window adapts).
    #[arg(long, default_value_t = 120)]
    pub quiet_ms: u64,
    /// Longest adaptive quiet window, in milliseconds.
    #[arg(long, default_value_t = 3000)]
    pub quiet_max_ms: u64,
}

impl IntegrationArgs {
    /// A fresh settle policy for one run.
    pub fn settle_policy(&self) -> SettlePolicy {
        Settle::from(self.settle).policy(
            Duration::from_millis(self.quiet_ms),
            Duration::from_millis(self.quiet_max_ms),
        )
    }

    /// The validated choice, or what is wrong with the flags.
    pub fn sut_mode(&self) -> Result<SutMode, String> {
        match (&self.sut_cmd, &self.endpoint) {
            (Some(cmd), _) if cmd.trim().is_empty() => {
                Err("--sut-cmd is empty; give the command that starts your integration".into())
            }
            (Some(cmd), _) => Ok(SutMode::Command(cmd.clone())),
            (None, Some(url)) if !(url.starts_with("http://") || url.starts_with("https://")) => {
                Err(format!(
                    "--endpoint {url} is not an http(s) URL; write e.g. http://127.0.0.1:8080"
                ))
            }
            (None, Some(url)) => Ok(SutMode::Endpoint {
                url: url.clone(),
                port_base: self.port_base,
            }),
            (None, None) => Ok(SutMode::Embedded(self.defect.iter().copied().collect())),
        }
    }

    /// The integration in words, for the first line of a run.
    pub fn describe(&self) -> String {
        match (&self.sut_cmd, &self.endpoint) {
            (Some(c), _) => format!("`{c}`"),
            (None, Some(url)) => url.clone(),
            (None, None) if self.defect.is_empty() => "the bundled reference integration".into(),
            (None, None) => format!(
                "the bundled reference integration with defects: {}",
                self.defect
                    .iter()
                    .map(|d| d.name())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }
    }

    /// The flags as typed, for reproduction lines.
    pub fn as_flags(&self) -> String {
        let mut out = String::new();
        if let Some(cmd) = &self.sut_cmd {
            out.push_str(&format!(" --sut-cmd '{}'", cmd.replace('\'', r"'\''")));
        }
        if let Some(url) = &self.endpoint {
            out.push_str(&format!(" --endpoint {url} --port-base {}", self.port_base));
        }
        for d in &self.defect {
            out.push_str(&format!(" --defect {d}"));
        }
        out
    }
}
