//! Command-line arguments as plain structs. Nothing here runs anything.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "drydock",
    version,
    about = "Prove an e-commerce logistics integration before go-live"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Show drydock's own log on standard error (-v info, -vv debug) instead of writing
    /// it to .drydock/logs/drydock.log. DRYDOCK_LOG (e.g. `warn,drydock_runner=debug`)
    /// sets the level wherever it goes.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Print only failures and the closing `N passed, N failed` line.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Replay scenarios against an integration and judge the result.
    Run(RunArgs),
    /// Run the simulator alone and print every persona's URL and credentials.
    Serve(ServeArgs),
    /// Print the JSON Schema of the scenario format.
    Schema(SchemaArgs),
    /// Add, list or clear faults of a running `drydock serve` (live drills).
    Fault(crate::fault::FaultArgs),
    /// List pending snapshot changes (*.snap.new) and accept or reject them.
    Review(crate::review::ReviewArgs),
    /// Fuzz an integration with generated inputs (`drydock fuzz addresses`).
    Fuzz(crate::fuzz::FuzzArgs),
    /// Scaffold a team's own project: the suite without snapshots, drydock.toml, a CI
    /// workflow and a .gitignore entry.
    Init(crate::init::InitArgs),
}

/// Shown under `drydock run --help`.
const RUN_EXIT_CODES: &str = "Exit codes:\n  0  every scenario that ran passed\n  1  some check failed \
(an invariant, an expectation, a snapshot, or the integration did not start or exited)\n  2  bad \
input or configuration: a broken scenario file, a bad flag value or drydock.toml, a --filter that \
matches nothing, a port in use, --accept refused under CI\n  130  interrupted by SIGINT/SIGTERM \
(every integration drydock started is stopped first)\n\nSettings come from ./drydock.toml when present \
(see `drydock init`); flags override it.";

#[derive(Debug, Args)]
#[command(after_help = RUN_EXIT_CODES)]
pub struct RunArgs {
    /// Scenario files or directories (default: ./scenarios, else the bundled suite).
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub integration: crate::integration::IntegrationArgs,
    /// Write new and changed snapshots instead of failing on them.
    #[arg(long)]
    pub accept: bool,
    /// Print the reference integration's defects and exit.
    #[arg(long)]
    pub list_defects: bool,
    /// Run the suite against the reference integration once correct and once per defect,
    /// and print which scenario catches which defect (exit 1 if one goes uncaught).
    #[arg(long, conflicts_with_all = ["sut_cmd", "endpoint", "defect", "accept"])]
    pub defect_matrix: bool,
    /// Write a JUnit XML report here (a pass that needed polling retries is flaky).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write the JSON report here (schema: harness/report/report.schema.json).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the self-contained HTML go-live readiness report here.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write one HAR file per scenario (`<scenario-file-stem>.har`) into this directory.
    #[arg(long, value_name = "DIR")]
    pub har: Option<PathBuf>,
    /// Play up to N scenarios at once, each in its own world; results keep file order.
    #[arg(long, short = 'j', value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,
    /// Play only part K of N of the suite (round-robin in file order), for a CI matrix.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<drydock_runner::select::Shard>,
    /// Play only scenarios whose name or a tag contains this (case-insensitive);
    /// repeatable, any may match.
    #[arg(long, value_name = "TEXT")]
    pub filter: Vec<String>,
    /// Allow --accept although the CI environment variable is set.
    #[arg(long, requires = "accept")]
    pub force_accept_in_ci: bool,
    #[command(flatten)]
    pub webhooks: WebhookHostArgs,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Control API on this port; the first channel, carrier and warehouse and the alerts on
    /// the next four, every further node after them.
    #[arg(long, default_value_t = 4780)]
    pub port_base: u16,
    /// Start the world from this scenario file's `world:` section.
    #[arg(long)]
    pub world: Option<PathBuf>,
    /// The control API's bearer token (default: a fresh random one, printed and written
    /// to the env file as DRYDOCK_CONTROL_TOKEN).
    #[arg(long, env = "DRYDOCK_CONTROL_TOKEN", hide_env_values = true)]
    pub control_token: Option<String>,
    /// Leave the control API open to every local process (no token, whatever
    /// --control-token or DRYDOCK_CONTROL_TOKEN say). Not recommended.
    #[arg(long)]
    pub no_control_token: bool,
    /// The most worlds the control API lets exist at once.
    #[arg(long, default_value_t = drydock_simulator::control::DEFAULT_MAX_WORLDS,
          value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub max_worlds: u16,
    #[command(flatten)]
    pub webhooks: WebhookHostArgs,
    /// Also write the integration's environment to this file (KEY=value lines).
    #[arg(long, default_value = ".drydock/serve.env")]
    pub env_file: PathBuf,
    /// Where the integration will listen (used for DRYDOCK_SUT_URL and PORT in the env file).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub sut_url: String,
    /// Write the environment file and exit, keeping no ports: configure a long-running
    /// integration for `drydock run --endpoint` (same ports, same credentials).
    #[arg(long)]
    pub env_only: bool,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Write the schema to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

/// Where webhooks may go beyond loopback (`drydock serve` and `drydock run`).
#[derive(Debug, Args, Clone, Default)]
pub struct WebhookHostArgs {
    /// Also deliver webhooks to this host (repeatable); by default only 127.0.0.1, ::1
    /// and localhost receive them.
    #[arg(long, value_name = "HOST")]
    pub allow_webhook_host: Vec<String>,
    /// Deliver webhooks to any host.
    #[arg(long, conflicts_with = "allow_webhook_host")]
    pub allow_remote_webhooks: bool,
}

impl WebhookHostArgs {
    pub fn targets(&self) -> drydock_simulator::WebhookTargets {
        use drydock_simulator::WebhookTargets;
        if self.allow_remote_webhooks {
            WebhookTargets::Any
        } else if self.allow_webhook_host.is_empty() {
            WebhookTargets::Loopback
        } else {
            WebhookTargets::Hosts(self.allow_webhook_host.clone())
        }
    }
}
