//! The flags that choose the integration under test, shared by `drydock run` and
//! `drydock fuzz`: the bundled reference (optionally with defects), a command drydock
//! starts, or an endpoint already running.

use clap::Args;
use drydock_reference::Defect;
use drydock_runner::SutMode;

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
    /// With --endpoint: control API on this port, personas on the next four.
    #[arg(long, default_value_t = 4780)]
    pub port_base: u16,
    /// Switch on a deliberate defect in the bundled reference integration (repeatable);
    /// the run should then fail. `drydock run --list-defects` shows the names.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["sut_cmd", "endpoint"])]
    pub defect: Vec<Defect>,
    /// Seconds the integration has to answer GET /health with 2xx.
    #[arg(long, default_value_t = 20)]
    pub ready_timeout: u64,
    /// Milliseconds the integration must be quiet before the virtual clock moves on.
    #[arg(long, default_value_t = 120)]
    pub quiet_ms: u64,
}

impl IntegrationArgs {
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
