//! `drydock run`: builds the run configuration, runs the suite, prints as it goes.

use std::path::PathBuf;
use std::time::Duration;

use drydock_reference::Defect;
use drydock_runner::RunConfig;
use drydock_runner::select::Selection;
use drydock_runner::suite::SuiteError;
use drydock_runner::suite::run_suite_observed;

use crate::args::RunArgs;
use crate::progress::Progress;
use crate::{EXIT_BAD_INPUT, EXIT_FAILED, EXIT_PASSED, embedded, print, reports};

pub async fn run(a: RunArgs) -> u8 {
    if a.list_defects {
        for defect in Defect::ALL {
            println!("{:<30} {}", defect.name(), defect.summary());
        }
        return EXIT_PASSED;
    }
    if a.accept && print::in_ci() && !a.force_accept_in_ci {
        eprintln!(
            "error: --accept is refused under CI (the CI environment variable is set): snapshots are \
reviewed by a person, not rewritten by a pipeline\n  hint: run `drydock run` locally and \
`drydock review`, then commit the .snap files; --force-accept-in-ci overrides this"
        );
        return EXIT_BAD_INPUT;
    }
    if a.jobs > 1 && a.integration.endpoint.is_some() {
        eprintln!(
            "error: --jobs {} cannot be used with --endpoint: one running integration is \
configured for one world on fixed ports\n  hint: drop --jobs, or let drydock start the \
integration per scenario with --sut-cmd",
            a.jobs
        );
        return EXIT_BAD_INPUT;
    }
    let paths = if !a.paths.is_empty() {
        a.paths.clone()
    } else if PathBuf::from("scenarios").is_dir() {
        vec![PathBuf::from("scenarios")]
    } else {
        match embedded::materialize(&PathBuf::from(".drydock")) {
            Ok(dir) => vec![dir],
            Err(e) => {
                eprintln!("error: cannot write the bundled suite to .drydock/suite: {e}");
                return EXIT_BAD_INPUT;
            }
        }
    };
    let sut = match a.integration.sut_mode() {
        Ok(sut) => sut,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    let mut cfg = RunConfig::new(paths, sut);
    cfg.accept_snapshots = a.accept;
    cfg.ready_timeout = Duration::from_secs(a.integration.ready_timeout);
    cfg.quiet = Duration::from_millis(a.integration.quiet_ms);
    cfg.jobs = usize::from(a.jobs);
    cfg.webhook_targets = a.webhooks.targets();
    cfg.selection = Selection {
        filters: a.filter.clone(),
        shard: a.shard,
    };
    if a.defect_matrix {
        return matrix(&cfg).await;
    }
    eprintln!(
        "drydock: running scenarios against {}",
        a.integration.describe()
    );
    match run_suite_observed(&cfg, Progress::new()).await {
        Ok(suite) => {
            let report_problems = reports::write(&reports::targets(&a), &suite);
            for p in &report_problems {
                eprintln!("error: {p}");
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
            EXIT_BAD_INPUT
        }
        Err(SuiteError::Run(e)) => {
            eprintln!("error: {e}");
            EXIT_BAD_INPUT
        }
    }
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
            let sound = columns.first().is_some_and(|c| !c.caught())
                && columns.iter().skip(1).all(|c| c.caught());
            if sound { EXIT_PASSED } else { EXIT_FAILED }
        }
        Err(SuiteError::Invalid(errors)) => {
            for e in errors {
                eprintln!("{:?}", miette::Report::new(e));
            }
            EXIT_BAD_INPUT
        }
        Err(SuiteError::Run(e)) => {
            eprintln!("error: {e}");
            EXIT_BAD_INPUT
        }
    }
}
