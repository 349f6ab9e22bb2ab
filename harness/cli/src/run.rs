//! `drydock run`: builds the run configuration (flags over `drydock.toml`), runs the
//! suite, prints as it goes, and always ends with the closing `N passed, N failed` line.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use drydock_reference::Defect;
use drydock_runner::select::Selection;
use drydock_runner::suite::SuiteError;
use drydock_runner::suite::run_suite_observed;
use drydock_runner::{RunConfig, SuiteOutcome, SutMode};

use crate::args::RunArgs;
use crate::progress::Progress;
use crate::{
    EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_PASSED, config_file, embedded, print,
    reports, signals,
};

/// Runs `drydock run`. Whatever happens, the last line is `N passed, N failed`.
pub async fn run(mut a: RunArgs, quiet: bool, given: &HashSet<String>) -> u8 {
    if a.list_defects {
        for defect in Defect::ALL {
            println!("{:<30} {}", defect.name(), defect.summary());
        }
        return EXIT_PASSED;
    }
    match config_file::load(Path::new(config_file::FILE_NAME)) {
        Ok(Some(settings)) => settings.apply(&mut a, |id| given.contains(id)),
        Ok(None) => {}
        Err(e) => return refuse(&e.to_string()),
    }
    let mut cfg = match configure(&a) {
        Ok(cfg) => cfg,
        Err(message) => return refuse(&message),
    };
    if a.defect_matrix {
        return matrix(&cfg).await;
    }
    if !quiet {
        eprintln!(
            "drydock: running scenarios against {}",
            a.integration.describe()
        );
    }
    let (interrupter, interrupt) = drydock_runner::interrupt::interrupt();
    cfg.interrupt = interrupt.clone();
    let watcher = signals::interrupt_on_signal(interrupter);
    let result = run_suite_observed(&cfg, Progress::new(quiet)).await;
    watcher.abort();
    match result {
        Ok(suite) => {
            let report_problems = reports::write(&reports::targets(&a), &suite, quiet);
            for p in &report_problems {
                eprintln!("error: {p}");
            }
            if interrupt.is_raised() {
                println!("{} (interrupted)", print::summary_line(&suite));
                return EXIT_INTERRUPTED;
            }
            print::summary(&suite);
            if !report_problems.is_empty() {
                return EXIT_BAD_INPUT;
            }
            if suite.failed() == 0 {
                EXIT_PASSED
            } else {
                EXIT_FAILED
            }
        }
        Err(SuiteError::Invalid(errors)) => {
            print::diagnostics(errors);
            print::summary(&SuiteOutcome::default());
            EXIT_BAD_INPUT
        }
        Err(SuiteError::Run(e)) => refuse(&e.to_string()),
    }
}

/// Bad input: the message, the closing line, exit 2.
fn refuse(message: &str) -> u8 {
    eprintln!("error: {message}");
    print::summary(&SuiteOutcome::default());
    EXIT_BAD_INPUT
}

/// The validated run configuration from the arguments (flags merged with drydock.toml).
fn configure(a: &RunArgs) -> Result<RunConfig, String> {
    if a.accept && print::in_ci() && !a.force_accept_in_ci {
        return Err(
            "--accept is refused under CI (the CI environment variable is set): snapshots are \
reviewed by a person, not rewritten by a pipeline\n  hint: run `drydock run` locally and \
`drydock review`, then commit the .snap files; --force-accept-in-ci overrides this"
                .into(),
        );
    }
    if a.jobs > 1 && a.integration.endpoint.is_some() {
        return Err(format!(
            "--jobs {} cannot be used with --endpoint: one running integration is \
configured for one world on fixed ports\n  hint: drop --jobs, or let drydock start the \
integration per scenario with --sut-cmd",
            a.jobs
        ));
    }
    let paths = if !a.paths.is_empty() {
        a.paths.clone()
    } else if PathBuf::from("scenarios").is_dir() {
        vec![PathBuf::from("scenarios")]
    } else {
        let dir = embedded::materialize(&PathBuf::from(".drydock"))
            .map_err(|e| format!("cannot write the bundled suite to .drydock/suite: {e}"))?;
        vec![dir]
    };
    let sut = a.integration.sut_mode()?;
    if let SutMode::Endpoint { port_base, .. } = &sut
        && let Some(taken) = drydock_runner::endpoint::port_in_use(*port_base)
    {
        return Err(format!("{taken}\n  hint: {}", crate::serve::PORT_HINT));
    }
    let mut cfg = RunConfig::new(paths, sut);
    cfg.accept_snapshots = a.accept;
    cfg.record_new_snapshots = !print::in_ci();
    cfg.ready_timeout = Duration::from_secs(a.integration.ready_timeout);
    cfg.settle = a.integration.settle.into();
    cfg.quiet = Duration::from_millis(a.integration.quiet_ms);
    cfg.quiet_max = Duration::from_millis(a.integration.quiet_max_ms);
    cfg.jobs = usize::from(a.jobs);
    cfg.webhook_targets = a.webhooks.targets();
    cfg.selection = Selection {
        filters: a.filter.clone(),
        shard: a.shard,
    };
    Ok(cfg)
}

async fn matrix(cfg: &RunConfig) -> u8 {
    eprintln!(
        "drydock: running the suite against the reference integration, correct and with each of {} defects",
        Defect::ALL.len()
    );
    let scratch = PathBuf::from(".drydock").join("matrix");
    match drydock_runner::matrix::defect_matrix(cfg, &Defect::ALL, &scratch, 2).await {
        Ok(columns) => {
            print!("{}", drydock_runner::matrix::render(&columns));
            if drydock_runner::matrix::sound(&columns) {
                EXIT_PASSED
            } else {
                EXIT_FAILED
            }
        }
        Err(SuiteError::Invalid(errors)) => {
            print::diagnostics(errors);
            print::summary(&SuiteOutcome::default());
            EXIT_BAD_INPUT
        }
        Err(SuiteError::Run(e)) => refuse(&e.to_string()),
    }
}
