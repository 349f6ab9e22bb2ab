//! What `drydock run` prints: one line per scenario, failures with a minimal diff
//! (`-` what was expected or stored, `+` what this run found), and the closing
//! `N passed, N failed` line (`, N skipped` when filters or shards left scenarios out).
//! Colour only when standard output is a terminal and `NO_COLOR` is unset or empty.

use std::io::IsTerminal;

use drydock_runner::{CheckKind, CheckResult, ScenarioOutcome, SuiteOutcome};

use crate::terminal_text::{escaped, masked};

/// Whether standard output gets ANSI colours (<https://no-color.org>).
pub fn colour() -> bool {
    colour_on(&std::io::stdout())
}

/// Whether `stream` gets ANSI colours: a terminal, and `NO_COLOR` unset or empty.
pub fn colour_on(stream: &impl IsTerminal) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    stream.is_terminal() && !no_color
}

/// Whether this runs under CI (`CI` set to anything but empty, `0` or `false`, as CI
/// services set it).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| {
        let v = v.trim().to_ascii_lowercase();
        !(v.is_empty() || v == "0" || v == "false")
    })
}

fn paint(on: bool, code: &str, text: &str) -> String {
    if on {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// The lines printed for one finished scenario.
pub fn scenario_lines(o: &ScenarioOutcome, on: bool) -> Vec<String> {
    let timing = format!(
        "{} checks, {} virtual in {} ms, seed {}",
        o.checks.len(),
        o.virtual_span,
        o.duration_ms,
        o.seed
    );
    if o.passed() {
        let mut out = vec![format!(
            "{} {} ({timing})",
            paint(on, "32", "PASS"),
            escaped(&o.name)
        )];
        // A recorded (new or accepted) snapshot is worth a line: it awaits review.
        out.extend(
            o.checks
                .iter()
                .filter(|c| c.kind == CheckKind::Snapshot && !c.detail.is_empty())
                .map(|c| format!("  {} {}", paint(on, "33", "note:"), escaped(&c.detail))),
        );
        return out;
    }
    let mut out = vec![format!(
        "{} {} ({timing})",
        paint(on, "31;1", "FAIL"),
        escaped(&o.name)
    )];
    for c in o.failures() {
        out.extend(failure_lines(c, on));
    }
    out
}

fn failure_lines(c: &CheckResult, on: bool) -> Vec<String> {
    let kind = format!("{:?}", c.kind).to_lowercase();
    let cross = paint(on, "31", "✗");
    let name = escaped(&c.name);
    let detail: Vec<String> = c.detail.lines().map(|l| escaped(l).into_owned()).collect();
    let mut lines = detail.iter().map(String::as_str);
    let first = lines.next().unwrap_or("");
    if c.kind == CheckKind::Expectation
        && let Some((lead, facts)) = expectation_facts(first)
    {
        let mut out = vec![format!("  {cross} {kind} {name}: {lead}")];
        for (fact, expected, found) in facts {
            out.push(format!("      {fact}"));
            out.push(format!(
                "        {}",
                paint(on, "31", &format!("- expected {expected}"))
            ));
            out.push(format!(
                "        {}",
                paint(on, "32", &format!("+ found    {found}"))
            ));
        }
        return out;
    }
    let mut out = vec![format!("  {cross} {kind} {name}: {first}")];
    for line in lines {
        out.push(format!("      {}", diff_line(line, on)));
    }
    out
}

/// One line of a snapshot diff: `-` red, `+` green, context dim.
pub fn diff_line(line: &str, on: bool) -> String {
    if line.starts_with('-') {
        paint(on, "31", line)
    } else if line.starts_with('+') {
        paint(on, "32", line)
    } else {
        paint(on, "2", line)
    }
}

/// One fact of a failed expectation: what, expected, found.
type Fact = (String, String, String);

/// Splits an expectation's detail (`fact: expected X, found Y; ...`, possibly after
/// `waited Ns for ...; still `) into a lead and its facts; None when it has another form.
fn expectation_facts(detail: &str) -> Option<(String, Vec<Fact>)> {
    let mut lead = Vec::new();
    let mut facts = Vec::new();
    for part in detail.split("; ") {
        let fact_text = part.strip_prefix("still ").unwrap_or(part);
        let parsed = fact_text
            .split_once(": expected ")
            .and_then(|(fact, rest)| {
                rest.rsplit_once(", found ")
                    .map(|(e, f)| (fact.to_string(), e.to_string(), f.to_string()))
            });
        match parsed {
            Some(f) => facts.push(f),
            None if facts.is_empty() => lead.push(part.to_string()),
            None => return None,
        }
    }
    if facts.is_empty() {
        return None;
    }
    let lead = if lead.is_empty() {
        "the condition does not hold".to_string()
    } else {
        lead.join("; ")
    };
    Some((lead, facts))
}

/// Every problem of every broken scenario file, rendered by miette with the snippet and
/// hint. Lines are not wrapped, so `file:line:column: message` stays one greppable line in
/// CI logs.
pub fn diagnostics(errors: Vec<drydock_scenario::ScenarioErrors>) {
    let _ = miette::set_hook(Box::new(|_| {
        Box::new(miette::MietteHandlerOpts::new().wrap_lines(false).build())
    }));
    for e in errors {
        eprintln!("{:?}", miette::Report::new(for_terminal(e)));
    }
}

/// A file's problems with their text made safe to print: messages and hints escaped, the
/// quoted source masked byte for byte (so every span still points at its place).
fn for_terminal(mut e: drydock_scenario::ScenarioErrors) -> drydock_scenario::ScenarioErrors {
    let name = e.source_code.name().to_string();
    let source = masked(e.source_code.inner());
    e.source_code = miette::NamedSource::new(name, source);
    for p in &mut e.problems {
        p.message = escaped(&p.message).into_owned();
        p.hint = p.hint.as_deref().map(|h| escaped(h).into_owned());
    }
    e
}

/// The closing line: `N passed, N failed`, plus `, N skipped` when some were left out.
pub fn summary_line(s: &SuiteOutcome) -> String {
    let mut line = format!("{} passed, {} failed", s.passed(), s.failed());
    if s.skipped > 0 {
        line.push_str(&format!(", {} skipped", s.skipped));
    }
    line
}

pub fn summary(s: &SuiteOutcome) {
    println!("{}", summary_line(s));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(kind: CheckKind, detail: &str) -> ScenarioOutcome {
        let mut outcome = ScenarioOutcome::new("s".into(), "s.yaml".into(), 1);
        outcome.checks.push(CheckResult {
            kind,
            name: "s.yaml:4:5".into(),
            passed: false,
            detail: detail.into(),
        });
        outcome.duration_ms = 3;
        outcome.virtual_span = "1h".into();
        outcome
    }

    #[test]
    fn expectation_failures_become_a_minimal_diff() {
        let o = failed(
            CheckKind::Expectation,
            "stock MUG storefront: expected 7, found 8; stock MUG sellable: expected 7, found 8",
        );
        let lines = scenario_lines(&o, false);
        assert_eq!(
            lines[1..],
            [
                "  ✗ expectation s.yaml:4:5: the condition does not hold",
                "      stock MUG storefront",
                "        - expected 7",
                "        + found    8",
                "      stock MUG sellable",
                "        - expected 7",
                "        + found    8",
            ]
        );
        let waited = failed(
            CheckKind::Expectation,
            "waited 10.0s for order a, stage shipped; still order a stage: expected shipped, found processing",
        );
        let lines = scenario_lines(&waited, false);
        assert!(
            lines[1].ends_with("waited 10.0s for order a, stage shipped"),
            "{lines:?}"
        );
        assert_eq!(lines[3], "        - expected shipped");
    }

    #[test]
    fn colour_codes_only_when_asked() {
        let o = failed(CheckKind::Snapshot, "differs:\n- a\n+ b\n  c");
        let plain = scenario_lines(&o, false).join("\n");
        assert!(!plain.contains('\x1b'), "{plain}");
        let painted = scenario_lines(&o, true).join("\n");
        assert!(painted.contains("\x1b[31m- a\x1b[0m"), "{painted}");
        assert!(painted.contains("\x1b[32m+ b\x1b[0m"), "{painted}");
    }

    #[test]
    fn summary_mentions_skipped_only_when_some_were() {
        let mut s = SuiteOutcome::default();
        s.scenarios.push(failed(CheckKind::Setup, "x"));
        assert_eq!(summary_line(&s), "0 passed, 1 failed");
        s.skipped = 2;
        assert_eq!(summary_line(&s), "0 passed, 1 failed, 2 skipped");
    }

    #[test]
    fn names_and_details_reach_the_terminal_escaped() {
        let mut o = failed(
            CheckKind::Setup,
            "the log says \u{1b}[2Jgone\nsecond \u{202e}line",
        );
        o.name = "evil\u{1b}]0;title\u{7}\u{202e}gnp.exe".into();
        let lines = scenario_lines(&o, false).join("\n");
        assert!(
            !lines.contains('\u{1b}') && !lines.contains('\u{202e}'),
            "{lines}"
        );
        assert!(
            lines.contains("FAIL evil\\u{1b}]0;title\\u{7}\\u{202e}gnp.exe"),
            "{lines}"
        );
        assert!(lines.contains("\\u{1b}[2Jgone"), "{lines}");
        assert!(lines.contains("second \\u{202e}line"), "{lines}");
    }
}
