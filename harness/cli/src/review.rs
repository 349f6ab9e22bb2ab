//! `drydock review`: the pending snapshot changes a run left (`name.snap.new` beside a
//! scenario file), each with its diff against the stored `name.snap`, accepted (the new
//! file replaces the stored one) or rejected (the new file is deleted). Interactive on a
//! terminal; `--list`, `--accept-all` and `--reject-all` for scripts.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use clap::Args;
use drydock_runner::pending::{self, Change, Pending};

use crate::terminal_text::escaped;
use crate::{EXIT_BAD_INPUT, EXIT_PASSED, print};

const REVIEW_HELP: &str = "Exit codes:\n  0  done (or nothing pending)\n  1  an accept or reject \
could not be carried out\n  2  bad input: a path that does not exist, no terminal and no \
--list/--accept-all/--reject-all, --accept-all refused under CI";

#[derive(Debug, Args)]
#[command(after_help = REVIEW_HELP)]
pub struct ReviewArgs {
    /// Directories searched recursively for *.snap.new, or such files (default: ./scenarios).
    pub paths: Vec<PathBuf>,
    /// Only list the pending changes (with their diffs); change nothing.
    #[arg(long, conflicts_with_all = ["accept_all", "reject_all"])]
    pub list: bool,
    /// Accept every pending change.
    #[arg(long, conflicts_with = "reject_all")]
    pub accept_all: bool,
    /// Reject every pending change.
    #[arg(long)]
    pub reject_all: bool,
    /// Allow --accept-all although the CI environment variable is set.
    #[arg(long, requires = "accept_all")]
    pub force_accept_in_ci: bool,
}

/// What to do with one pending change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Accept,
    Reject,
    Skip,
    Quit,
}

pub fn review(a: ReviewArgs) -> u8 {
    if a.accept_all && print::in_ci() && !a.force_accept_in_ci {
        eprintln!(
            "error: --accept-all is refused under CI (the CI environment variable is set)\n  hint: \
review snapshots locally and commit the .snap files; --force-accept-in-ci overrides this"
        );
        return EXIT_BAD_INPUT;
    }
    let paths = if a.paths.is_empty() {
        let default = PathBuf::from("scenarios");
        if !default.is_dir() {
            eprintln!(
                "error: there is no ./scenarios here\n  hint: name the directories to search, e.g. `drydock review path/to/scenarios`"
            );
            return EXIT_BAD_INPUT;
        }
        vec![default]
    } else {
        a.paths.clone()
    };
    let found = match pending::find(&paths) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    if found.is_empty() {
        println!("no pending snapshot changes");
        return EXIT_PASSED;
    }
    let colour = print::colour();
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let fixed = if a.list {
        Some(Verdict::Skip)
    } else if a.accept_all {
        Some(Verdict::Accept)
    } else if a.reject_all {
        Some(Verdict::Reject)
    } else if interactive {
        None
    } else {
        for p in &found {
            println!("{}", escaped(&p.new.display().to_string()));
        }
        eprintln!(
            "error: {} pending snapshot change(s) and no terminal to ask on\n  hint: pass --list, \
--accept-all or --reject-all",
            found.len()
        );
        return EXIT_BAD_INPUT;
    };
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut out = std::io::stdout();
    review_all(&found, fixed, &mut input, &mut out, colour)
}

/// Shows each change and carries out its verdict (`fixed`, or asked on `input`).
fn review_all(
    found: &[Pending],
    fixed: Option<Verdict>,
    input: &mut impl BufRead,
    out: &mut impl Write,
    colour: bool,
) -> u8 {
    let (mut accepted, mut rejected, mut skipped, mut failed) = (0, 0, 0, 0);
    for (n, p) in found.iter().enumerate() {
        let _ = writeln!(out, "{}", header(n + 1, found.len(), p));
        match p.change() {
            Ok(change) => {
                for line in change_lines(&change, colour) {
                    let _ = writeln!(out, "    {line}");
                }
            }
            Err(e) => {
                let _ = writeln!(out, "    cannot show it: {e}");
            }
        }
        let verdict = match fixed {
            Some(v) => v,
            None => ask(input, out),
        };
        let result = match verdict {
            Verdict::Accept => p.accept().map(|()| {
                accepted += 1;
                format!("accepted: {}", escaped(&p.stored.display().to_string()))
            }),
            Verdict::Reject => p.reject().map(|()| {
                rejected += 1;
                format!(
                    "rejected: {} deleted",
                    escaped(&p.new.display().to_string())
                )
            }),
            Verdict::Skip => {
                skipped += 1;
                Ok(String::new())
            }
            Verdict::Quit => {
                skipped += found.len() - n;
                break;
            }
        };
        match result {
            Ok(msg) if msg.is_empty() => {}
            Ok(msg) => {
                let _ = writeln!(out, "  {msg}");
            }
            Err(e) => {
                failed += 1;
                let _ = writeln!(out, "  error: {e}");
            }
        }
    }
    let _ = writeln!(
        out,
        "{accepted} accepted, {rejected} rejected, {skipped} left pending"
    );
    if failed > 0 {
        crate::EXIT_FAILED
    } else {
        EXIT_PASSED
    }
}

fn header(n: usize, total: usize, p: &Pending) -> String {
    let what = if p.stored.exists() { "changed" } else { "new" };
    format!(
        "[{n}/{total}] {what} snapshot {}",
        escaped(&p.new.display().to_string())
    )
}

fn change_lines(change: &Change, colour: bool) -> Vec<String> {
    match change {
        Change::Same => vec!["(same as the stored snapshot)".into()],
        Change::New(text) => text
            .lines()
            .map(|l| print::diff_line(&format!("+ {}", escaped(l)), colour))
            .collect(),
        Change::Changed(diff) => diff
            .lines()
            .map(|l| print::diff_line(&escaped(l), colour))
            .collect(),
    }
}

/// Asks until it gets an answer; end of input means quit.
fn ask(input: &mut impl BufRead, out: &mut impl Write) -> Verdict {
    loop {
        let _ = write!(out, "  [a]ccept, [r]eject, [s]kip, [q]uit? ");
        let _ = out.flush();
        let mut line = String::new();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => return Verdict::Quit,
            Ok(_) => {}
        }
        match line.trim().to_ascii_lowercase().as_str() {
            "a" | "accept" => return Verdict::Accept,
            "r" | "reject" => return Verdict::Reject,
            "s" | "skip" => return Verdict::Skip,
            "q" | "quit" => return Verdict::Quit,
            _ => {
                let _ = writeln!(out, "  answer a, r, s or q");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("drydock-review-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::create_dir_all(&dir);
        dir
    }

    #[test]
    fn answers_from_input_accept_reject_and_skip() {
        let dir = temp("answers");
        for name in ["a", "b", "c"] {
            std::fs::write(dir.join(format!("{name}.snap")), "old\n").ok();
            std::fs::write(dir.join(format!("{name}.snap.new")), "new\n").ok();
        }
        let found = pending::find(std::slice::from_ref(&dir)).unwrap_or_default();
        assert_eq!(found.len(), 3);
        let mut input = "x\na\nr\ns\n".as_bytes();
        let mut out = Vec::new();
        let code = review_all(&found, None, &mut input, &mut out, false);
        let shown = String::from_utf8_lossy(&out);
        assert_eq!(code, EXIT_PASSED, "{shown}");
        assert!(shown.contains("answer a, r, s or q"), "{shown}");
        assert!(
            shown.contains("- old") && shown.contains("+ new"),
            "{shown}"
        );
        assert!(
            shown.contains("1 accepted, 1 rejected, 1 left pending"),
            "{shown}"
        );
        let read = |f: &str| std::fs::read_to_string(dir.join(f)).ok();
        assert_eq!(read("a.snap").as_deref(), Some("new\n"));
        assert!(read("a.snap.new").is_none());
        assert_eq!(read("b.snap").as_deref(), Some("old\n"));
        assert!(read("b.snap.new").is_none());
        assert_eq!(read("c.snap.new").as_deref(), Some("new\n"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn end_of_input_leaves_the_rest_pending() {
        let dir = temp("eof");
        std::fs::write(dir.join("a.snap.new"), "new\n").ok();
        let found = pending::find(std::slice::from_ref(&dir)).unwrap_or_default();
        let mut out = Vec::new();
        review_all(&found, None, &mut "".as_bytes(), &mut out, false);
        assert!(dir.join("a.snap.new").exists());
        assert!(!dir.join("a.snap").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
