//! What `drydock run` prints: one line per scenario, failures with their detail, and the
//! closing `N passed, N failed` line.

use std::io::IsTerminal;

use drydock_runner::{ScenarioOutcome, SuiteOutcome};

fn colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn paint(code: &str, text: &str) -> String {
    if colour() {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

pub fn scenario_done(o: &ScenarioOutcome) {
    let checks = o.checks.len();
    let timing = format!(
        "{} checks, {} virtual in {} ms, seed {}",
        checks, o.virtual_span, o.duration_ms, o.seed
    );
    if o.passed() {
        println!("{} {} ({timing})", paint("32", "PASS"), o.name);
        return;
    }
    println!("{} {} ({timing})", paint("31;1", "FAIL"), o.name);
    for c in o.failures() {
        let kind = format!("{:?}", c.kind).to_lowercase();
        let mut lines = c.detail.lines();
        println!(
            "  {} {kind} {}: {}",
            paint("31", "✗"),
            c.name,
            lines.next().unwrap_or("")
        );
        for line in lines {
            let styled = if line.starts_with('-') {
                paint("31", line)
            } else if line.starts_with('+') {
                paint("32", line)
            } else {
                line.to_string()
            };
            println!("      {styled}");
        }
    }
}

pub fn summary(s: &SuiteOutcome) {
    println!("{} passed, {} failed", s.passed(), s.failed());
}
