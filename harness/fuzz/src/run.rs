//! A whole fuzz run: generate the seed's cases, run them in batches, then shrink a few
//! failures (one per distinct reason) to minimal addresses.

use std::sync::Arc;
use std::time::{Duration, Instant};

use drydock_core::address::Address;
use drydock_simulator::Simulator;

use crate::batch::{SetupError, Target, run_batch};
use crate::case::{FuzzCase, size};
use crate::generate::generate;
use crate::judge::{Failure, Verdict};
use crate::shrink::candidates;

#[derive(Debug, Clone)]
pub struct FuzzConfig {
    pub seed: u64,
    pub cases: usize,
    /// ISO codes with format data (see [`crate::countries`]); never empty.
    pub countries: Vec<String>,
    /// Run only this case of the seed's sequence.
    pub only_case: Option<usize>,
    pub target: Target,
    /// Orders per world.
    pub batch_size: usize,
    /// How many failures (each with a different reason) to shrink.
    pub shrink_failures: usize,
    /// Shrinking rounds per failure; each round runs the candidates in one world.
    pub shrink_rounds: usize,
    /// Candidates tried per round.
    pub shrink_width: usize,
}

impl FuzzConfig {
    pub fn new(seed: u64, cases: usize, countries: Vec<String>, target: Target) -> FuzzConfig {
        FuzzConfig {
            seed,
            cases,
            countries,
            only_case: None,
            target,
            batch_size: 100,
            shrink_failures: 3,
            shrink_rounds: 60,
            shrink_width: 48,
        }
    }
}

#[derive(Debug, Clone)]
pub struct CaseResult {
    pub case: FuzzCase,
    pub verdict: Verdict,
}

/// A failure shrunk to a minimal address that fails the same way.
#[derive(Debug, Clone)]
pub struct Shrunk {
    pub original: FuzzCase,
    pub address: Address,
    pub failure: Failure,
    pub rounds: usize,
    pub tried: usize,
    /// The minimal address failed again on its own, in a world of its own.
    pub confirmed: bool,
}

impl Shrunk {
    /// Length in characters of the field the failure is about (0 when none is).
    pub fn offending_len(&self) -> usize {
        crate::case::field(&self.address, &self.failure.field)
            .chars()
            .count()
    }
}

#[derive(Debug, Clone)]
pub struct FuzzReport {
    pub results: Vec<CaseResult>,
    pub shrunk: Vec<Shrunk>,
    /// Real time spent running the cases (not shrinking).
    pub run_time: Duration,
    pub shrink_time: Duration,
}

impl FuzzReport {
    pub fn failed(&self) -> usize {
        self.results.iter().filter(|r| !r.verdict.passed()).count()
    }

    pub fn passed(&self) -> usize {
        self.results.len() - self.failed()
    }

    pub fn cases_per_second(&self) -> f64 {
        self.results.len() as f64 / self.run_time.as_secs_f64().max(1e-9)
    }
}

/// Runs the configured cases; `progress` hears one line per batch and shrink.
pub async fn run(
    cfg: &FuzzConfig,
    mut progress: impl FnMut(String),
) -> Result<FuzzReport, SetupError> {
    let simulator = Simulator::new();
    let cases = match cfg.only_case {
        Some(i) => generate(cfg.seed, i + 1, &cfg.countries)
            .into_iter()
            .skip(i)
            .collect(),
        None => generate(cfg.seed, cfg.cases, &cfg.countries),
    };
    let started = Instant::now();
    let mut results = Vec::with_capacity(cases.len());
    for batch in cases.chunks(cfg.batch_size.max(1)) {
        let addresses: Vec<Address> = batch.iter().map(|c| c.address.clone()).collect();
        let verdicts = run_batch(&simulator, &cfg.target, cfg.seed, &addresses).await?;
        results.extend(
            batch
                .iter()
                .cloned()
                .zip(verdicts)
                .map(|(case, verdict)| CaseResult { case, verdict }),
        );
        progress(format!(
            "ran {}/{} cases ({} failed so far)",
            results.len(),
            cases.len(),
            results.iter().filter(|r| !r.verdict.passed()).count()
        ));
    }
    let run_time = started.elapsed();
    let started = Instant::now();
    let mut shrunk = Vec::new();
    for (case, failure) in failures_to_shrink(&results, cfg.shrink_failures) {
        progress(format!(
            "shrinking case {} ({} {}): {}",
            case.index,
            case.country,
            case.family.name(),
            failure.signature
        ));
        shrunk.push(shrink(&simulator, cfg, case, failure).await?);
    }
    Ok(FuzzReport {
        results,
        shrunk,
        run_time,
        shrink_time: started.elapsed(),
    })
}

/// The smallest failing case of each distinct failure reason, first reasons first.
fn failures_to_shrink(results: &[CaseResult], limit: usize) -> Vec<(FuzzCase, Failure)> {
    let mut picked: Vec<(FuzzCase, Failure)> = Vec::new();
    for r in results {
        let Some(f) = r.verdict.failure() else {
            continue;
        };
        match picked.iter().position(|(_, p)| p.signature == f.signature) {
            Some(i) if size(&r.case.address) < size(&picked[i].0.address) => {
                picked[i] = (r.case.clone(), f.clone());
            }
            Some(_) => {}
            None if picked.len() < limit => picked.push((r.case.clone(), f.clone())),
            None => {}
        }
    }
    picked
}

async fn shrink(
    simulator: &Arc<Simulator>,
    cfg: &FuzzConfig,
    original: FuzzCase,
    failure: Failure,
) -> Result<Shrunk, SetupError> {
    let mut current = original.address.clone();
    let mut failure = failure;
    let mut rounds = 0;
    let mut tried = 0;
    while rounds < cfg.shrink_rounds {
        let candidates = candidates(&current, cfg.shrink_width);
        if candidates.is_empty() {
            break;
        }
        rounds += 1;
        tried += candidates.len();
        let verdicts = run_batch(simulator, &cfg.target, cfg.seed, &candidates).await?;
        // Candidates come smallest first: the first that fails the same way is kept.
        let next = candidates
            .into_iter()
            .zip(verdicts)
            .find_map(|(c, v)| match v {
                Verdict::Fail(f) if f.signature == failure.signature => Some((c, f)),
                _ => None,
            });
        match next {
            Some((smaller, f)) => {
                current = smaller;
                failure = f;
            }
            None => break,
        }
    }
    let alone = run_batch(
        simulator,
        &cfg.target,
        cfg.seed,
        std::slice::from_ref(&current),
    )
    .await?;
    let confirmed = alone
        .first()
        .and_then(Verdict::failure)
        .is_some_and(|f| f.signature == failure.signature);
    Ok(Shrunk {
        original,
        address: current,
        failure,
        rounds,
        tried,
        confirmed,
    })
}
