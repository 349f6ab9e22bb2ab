//! The pure parts stay pure: the core (`simulator/core`) and the judges
//! (`harness/runner/src/checks`) do no I/O and name no provider, in code (comments and
//! tests may). Every offending `file:line` is listed; today's known offenders are
//! allowed by name with the reason, and an allowance that no longer offends fails too,
//! so the list only shrinks.

use std::collections::BTreeMap;
use std::path::Path;

use super::rust_files;
use super::source::{code_lines, outside_tests};
use crate::support::repo;

/// The folders whose code must be pure.
const PURE: &[&str] = &["simulator/core/src", "harness/runner/src/checks"];

/// A rule of pure code: what it forbids, and the words (matched case-insensitively when
/// `any_case`) that break it.
struct Rule {
    name: &'static str,
    words: &'static [&'static str],
    any_case: bool,
}

const RULES: &[Rule] = &[
    Rule {
        name: "I/O",
        words: &[
            "std::fs",
            "std::net",
            "std::process",
            "std::env",
            "std::io::stdin",
            "std::io::stdout",
            "std::io::stderr",
            "std::time::SystemTime",
            "std::time::Instant",
            "tokio",
            "reqwest",
            // Also `eprintln!` and `eprint!`.
            "println!",
            "print!",
            "dbg!",
        ],
        any_case: false,
    },
    Rule {
        name: "provider names",
        words: &["shopify", "easypost", "shipbob", "slack"],
        any_case: true,
    },
];

/// Known offenders, each `(file, rule, why it is still there)`. Issue 11 moves the
/// providers out of the core and the judges; the lead removes an entry as soon as its
/// file is clean (the test fails on a stale entry), until the list is empty.
const ALLOWED: &[(&str, &str, &str)] = &[
    (
        "simulator/core/src/build.rs",
        "provider names",
        "the `*.myshopify.com` shop domain of each channel; the domain belongs to the provider",
    ),
    (
        "simulator/core/src/spec.rs",
        "provider names",
        "the default world's node ids and providers (`DEFAULT_CHANNEL` = shopify, ...): data the shell could supply",
    ),
];

#[test]
fn the_core_and_the_judges_do_no_io_and_name_no_provider() {
    let root = repo("");
    let mut offences: BTreeMap<(String, &str), Vec<String>> = BTreeMap::new();
    for dir in PURE {
        let mut files = Vec::new();
        rust_files(&repo(dir), &mut files);
        files.sort();
        for file in files {
            let shown = relative(&root, &file);
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            for line in outside_tests(code_lines(&text)) {
                for rule in RULES {
                    let code = if rule.any_case {
                        line.code.to_lowercase()
                    } else {
                        line.code.clone()
                    };
                    for word in rule.words.iter().filter(|w| code.contains(**w)) {
                        offences
                            .entry((shown.clone(), rule.name))
                            .or_default()
                            .push(format!("{shown}:{}: {word}", line.number));
                    }
                }
            }
        }
    }
    let allowed = |file: &str, rule: &str| ALLOWED.iter().any(|(f, r, _)| *f == file && *r == rule);
    let unexpected: Vec<&String> = offences
        .iter()
        .filter(|((file, rule), _)| !allowed(file, rule))
        .flat_map(|(_, lines)| lines)
        .collect();
    let stale: Vec<String> = ALLOWED
        .iter()
        .filter(|(file, rule, _)| !offences.contains_key(&(file.to_string(), *rule)))
        .map(|(file, rule, _)| format!("{file} ({rule})"))
        .collect();
    assert!(
        unexpected.is_empty(),
        "the core and the judges must do no I/O and name no provider (a provider's \
knowledge belongs to its module in simulator/server; time comes from the clock): \
{unexpected:#?}"
    );
    assert!(
        stale.is_empty(),
        "these files no longer break the rule they are allowed to break: remove them \
from ALLOWED in tests/e2e/tidy/pure_code.rs: {stale:#?}"
    );
}

/// `file` from the repository root, with `/` between folders.
fn relative(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}
