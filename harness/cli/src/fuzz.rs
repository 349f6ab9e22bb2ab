//! `drydock fuzz addresses`: its arguments, the run, what it prints, and its exit code.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Subcommand};
use drydock_fuzz::case::{FIELDS, field};
use drydock_fuzz::scenario::{Saved, render};
use drydock_fuzz::summary::{self, tables};
use drydock_fuzz::{FuzzConfig, FuzzReport, Shrunk, Target};

use crate::terminal_text::escaped;
use crate::{EXIT_BAD_INPUT, EXIT_FAILED, EXIT_PASSED};

#[derive(Debug, Args)]
pub struct FuzzArgs {
    #[command(subcommand)]
    pub what: FuzzWhat,
}

#[derive(Debug, Subcommand)]
pub enum FuzzWhat {
    /// Place orders with generated, mutated shipping addresses and judge what the
    /// integration does with each: ship to a carrier-valid address, or hold with an alert.
    Addresses(FuzzAddressesArgs),
}

#[derive(Debug, Args)]
pub struct FuzzAddressesArgs {
    /// How many cases (orders) to generate.
    #[arg(long, default_value_t = 200)]
    pub cases: usize,
    /// Seed of the case sequence: the same seed gives the same cases.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Only these countries (ISO codes; repeatable or comma-separated). Default: all 50
    /// countries with format data.
    #[arg(long, value_name = "XX", value_delimiter = ',')]
    pub country: Vec<String>,
    /// Run only case INDEX of the seed's sequence (what a reproduction line uses).
    #[arg(long, value_name = "INDEX")]
    pub case: Option<usize>,
    #[command(flatten)]
    pub integration: crate::integration::IntegrationArgs,
    /// Write each shrunk failure as a scenario file in this directory.
    #[arg(long, value_name = "DIR")]
    pub save_failures: Option<PathBuf>,
    /// How many failures (each with a different reason) to shrink.
    #[arg(long, default_value_t = 3)]
    pub shrink: usize,
}

pub async fn fuzz(a: FuzzArgs) -> u8 {
    match a.what {
        FuzzWhat::Addresses(a) => addresses(a).await,
    }
}

async fn addresses(a: FuzzAddressesArgs) -> u8 {
    if a.cases == 0 && a.case.is_none() {
        eprintln!("error: --cases 0 runs nothing; give at least 1");
        return EXIT_BAD_INPUT;
    }
    let countries = match drydock_fuzz::countries(&a.country) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    let sut = match a.integration.sut_mode() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    let target = Target {
        sut,
        ready_timeout: Duration::from_secs(a.integration.ready_timeout),
        quiet: Duration::from_millis(a.integration.quiet_ms),
    };
    let mut cfg = FuzzConfig::new(a.seed, a.cases, countries.clone(), target);
    cfg.only_case = a.case;
    cfg.shrink_failures = a.shrink;
    let integration = a.integration.describe();
    let what = match a.case {
        Some(i) => format!("case {i}"),
        None => format!("{} cases", a.cases),
    };
    eprintln!(
        "drydock: fuzzing addresses against {integration}: {what}, seed {}, {} countries",
        a.seed,
        countries.len()
    );
    let report = match drydock_fuzz::run(&cfg, |line| eprintln!("  {line}")).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: the integration could not be run: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    print_failures(&report);
    let country_flag = if a.country.is_empty() {
        String::new()
    } else {
        format!(" --country {}", countries.join(","))
    };
    for shrunk in &report.shrunk {
        let reproduce = format!(
            "drydock fuzz addresses --seed {} --cases {} --case {}{country_flag}{}",
            a.seed,
            a.cases,
            shrunk.original.index,
            a.integration.as_flags()
        );
        print_shrunk(shrunk, a.seed, &reproduce);
        if let Some(dir) = &a.save_failures {
            match save(dir, a.seed, shrunk, &reproduce) {
                Ok(path) => println!(
                    "  saved: {} (replay: drydock run {}{})",
                    path.display(),
                    path.display(),
                    a.integration.as_flags()
                ),
                Err(e) => {
                    eprintln!("error: cannot write to {}: {e}", dir.display());
                    return EXIT_BAD_INPUT;
                }
            }
        }
    }
    let (by_country, by_family) = tables(&report.results);
    println!();
    print!("{}", summary::render("country", &by_country));
    println!();
    print!("{}", summary::render("family", &by_family));
    println!();
    println!(
        "ran {} cases in {:.1}s ({:.1} cases/s); shrinking took {:.1}s",
        report.results.len(),
        report.run_time.as_secs_f64(),
        report.cases_per_second(),
        report.shrink_time.as_secs_f64()
    );
    println!("{} passed, {} failed", report.passed(), report.failed());
    if report.failed() == 0 {
        EXIT_PASSED
    } else {
        EXIT_FAILED
    }
}

/// Every failing case, one line each (the first 20, then a count).
fn print_failures(report: &FuzzReport) {
    let failing: Vec<_> = report
        .results
        .iter()
        .filter_map(|r| r.verdict.failure().map(|f| (&r.case, f)))
        .collect();
    for (case, failure) in failing.iter().take(20) {
        println!(
            "FAIL case {} ({} {}): {}",
            case.index,
            case.country,
            case.family.name(),
            escaped(&failure.detail)
        );
    }
    if failing.len() > 20 {
        println!("... and {} more failing cases", failing.len() - 20);
    }
}

fn print_shrunk(s: &Shrunk, seed: u64, reproduce: &str) {
    println!();
    println!(
        "shrunk case {} ({} {}) in {} rounds, {} tries{}:",
        s.original.index,
        s.original.country,
        s.original.family.name(),
        s.rounds,
        s.tried,
        if s.confirmed {
            ", fails again on its own"
        } else {
            "; did NOT fail again on its own (flaky?)"
        }
    );
    for name in FIELDS.iter().chain(&["country"]) {
        let value = field(&s.address, name);
        if !value.is_empty() {
            println!("  {name:<8} {value:?}");
        }
    }
    let offending = if s.failure.field.is_empty() {
        String::new()
    } else {
        format!(" [{}: {} chars]", s.failure.field, s.offending_len())
    };
    println!(
        "  failure  {}{offending}: {}",
        s.failure.kind, s.failure.detail
    );
    println!("  seed     {seed}");
    println!("  reproduce: {reproduce}");
}

fn save(dir: &Path, seed: u64, s: &Shrunk, reproduce: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let name = format!("fuzz-address-{seed}-{}", s.original.index);
    let text = render(&Saved {
        name: &name,
        seed,
        country: &s.original.country,
        family: s.original.family.name(),
        address: &s.address,
        failure: &s.failure,
        reproduce,
    });
    let path = dir.join(format!("{name}.yaml"));
    drydock_runner::files::write_atomically(&path, text.as_bytes())?;
    Ok(path)
}
