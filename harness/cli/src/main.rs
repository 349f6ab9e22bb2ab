//! The `drydock` command: parses arguments into plain structs, builds validated
//! configurations, and maps every outcome to an exit code in one place.

mod args;
mod control_token;
mod embedded;
mod fault;
mod fuzz;
mod integration;
mod print;
mod progress;
mod reports;
mod review;
mod run;
mod serve;
mod terminal_text;

use std::process::ExitCode;

use clap::Parser;

/// Exit codes, documented in the README.
pub const EXIT_PASSED: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DRYDOCK_LOG")
                .unwrap_or_else(|_| default_log(&cli.command).into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let code = runtime.block_on(async {
        match cli.command {
            args::Command::Run(a) => run::run(a).await,
            args::Command::Serve(a) => serve::serve(a).await,
            args::Command::Schema(a) => schema(a),
            args::Command::Fault(a) => fault::fault(a).await,
            args::Command::Review(a) => review::review(a),
            args::Command::Fuzz(a) => fuzz::fuzz(a).await,
        }
    });
    ExitCode::from(code)
}

/// A fuzz run makes the embedded integration refuse thousands of addresses on purpose:
/// its warnings would bury the report.
fn default_log(command: &args::Command) -> &'static str {
    match command {
        args::Command::Fuzz(_) => "warn,drydock_reference=off",
        _ => "warn",
    }
}

fn schema(a: args::SchemaArgs) -> u8 {
    let text = drydock_scenario::schema::scenario_schema_json();
    match a.output {
        Some(path) => match drydock_runner::files::write_atomically(&path, text.as_bytes()) {
            Ok(()) => {
                eprintln!("wrote {}", path.display());
                EXIT_PASSED
            }
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                EXIT_BAD_INPUT
            }
        },
        None => {
            print!("{text}");
            EXIT_PASSED
        }
    }
}
