//! The `drydock` command: parses arguments into plain structs, builds validated
//! configurations, and maps every outcome to an exit code in one place.

mod args;
mod config_file;
mod control_token;
#[cfg(test)]
mod docs;
mod embedded;
mod fault;
mod fuzz;
mod init;
mod integration;
mod logging;
mod print;
mod progress;
mod reports;
mod review;
mod run;
mod serve;
mod signals;
mod terminal_text;

use std::collections::HashSet;
use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};

/// Exit codes, documented in the README.
pub const EXIT_PASSED: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_BAD_INPUT: u8 = 2;
/// drydock received SIGINT or SIGTERM and stopped everything it started (128 + SIGINT).
pub const EXIT_INTERRUPTED: u8 = 130;

fn main() -> ExitCode {
    let matches = match args::Cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => return ExitCode::from(refused(e)),
    };
    let cli = match args::Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => return ExitCode::from(refused(e)),
    };
    logging::init(cli.verbose, &cli.command);
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
    let quiet = cli.quiet;
    let code = runtime.block_on(async {
        match cli.command {
            args::Command::Run(a) => run::run(a, quiet, &given(&matches, "run")).await,
            args::Command::Serve(a) => serve::serve(a).await,
            args::Command::Schema(a) => schema(a),
            args::Command::Fault(a) => fault::fault(a).await,
            args::Command::Review(a) => review::review(a),
            // Dropping the fuzz run on a signal kills the integration's process group.
            args::Command::Fuzz(a) => tokio::select! {
                code = fuzz::fuzz(a) => code,
                _ = signals::received() => {
                    eprintln!("drydock: interrupted; the integration it started was stopped");
                    EXIT_INTERRUPTED
                }
            },
            args::Command::Init(a) => init::init(a),
        }
    });
    ExitCode::from(code)
}

/// The ids of the flags of `subcommand` given on the command line (or by an environment
/// variable), as opposed to left at their defaults: those override `drydock.toml`.
fn given(matches: &clap::ArgMatches, subcommand: &str) -> HashSet<String> {
    let Some(sub) = matches.subcommand_matches(subcommand) else {
        return HashSet::new();
    };
    sub.ids()
        .filter(|id| {
            matches!(
                sub.value_source(id.as_str()),
                Some(ValueSource::CommandLine | ValueSource::EnvVariable)
            )
        })
        .map(|id| id.as_str().to_string())
        .collect()
}

/// Bad arguments: clap's message and exit 2 (help and version: exit 0). `drydock run`
/// still ends with its closing line.
fn refused(e: clap::Error) -> u8 {
    let _ = e.print();
    if !e.use_stderr() {
        return EXIT_PASSED;
    }
    let subcommand = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    if subcommand.as_deref() == Some("run") {
        println!("{}", print::summary_line(&Default::default()));
    }
    EXIT_BAD_INPUT
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
