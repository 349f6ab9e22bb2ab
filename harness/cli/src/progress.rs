//! The live view of a run: a progress bar on standard error when it is a terminal and
//! not under CI, nothing animated otherwise. Scenario results are printed (in file order)
//! above the bar as they come in.

use std::io::IsTerminal;
use std::time::Duration;

use drydock_runner::ScenarioOutcome;
use drydock_runner::suite::SuiteObserver;
use indicatif::{ProgressBar, ProgressStyle};

use crate::print;
use crate::terminal_text::escaped;

pub struct Progress {
    bar: Option<ProgressBar>,
    running: Vec<String>,
    colour: bool,
    /// `-q`: only failed scenarios are printed, nothing is animated.
    quiet: bool,
}

impl Progress {
    /// Animated only on an interactive terminal outside CI, and not with `-q`.
    pub fn new(quiet: bool) -> Progress {
        let animated = std::io::stderr().is_terminal() && !print::in_ci() && !quiet;
        Progress {
            bar: animated.then(ProgressBar::hidden),
            running: Vec::new(),
            colour: print::colour(),
            quiet,
        }
    }

    fn show_running(&self) {
        if let Some(bar) = &self.bar {
            bar.set_message(self.running.join(", "));
        }
    }
}

/// The bar goes away when the run is over (the suite drops its observer), before the
/// summary line is printed.
impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl SuiteObserver for Progress {
    fn planned(&mut self, run: usize, _skipped: usize) {
        let Some(bar) = &self.bar else { return };
        let bar_style = ProgressStyle::with_template(
            "{spinner} [{bar:30}] {pos}/{len} scenarios, {elapsed}  {wide_msg}",
        )
        .map(|s| s.progress_chars("=> "));
        if let Ok(style) = bar_style {
            bar.set_style(style);
        }
        bar.set_length(run as u64);
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        bar.enable_steady_tick(Duration::from_millis(120));
    }

    fn started(&mut self, name: &str) {
        self.running.push(escaped(name).into_owned());
        self.show_running();
    }

    fn done(&mut self, outcome: &ScenarioOutcome) {
        let name = escaped(&outcome.name);
        self.running.retain(|n| *n != name);
        let lines = if self.quiet && outcome.passed() {
            Vec::new()
        } else {
            print::scenario_lines(outcome, self.colour)
        };
        match &self.bar {
            Some(bar) => {
                bar.suspend(|| {
                    for line in &lines {
                        println!("{line}");
                    }
                });
                bar.inc(1);
            }
            None => {
                for line in &lines {
                    println!("{line}");
                }
            }
        }
        self.show_running();
    }
}
