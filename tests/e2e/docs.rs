//! Every YAML example in the README and `docs/` is true: whole scenarios are parsed and
//! played against the reference integration (every check but the snapshot must pass);
//! step lists are parsed after the skeleton of `drydock_scenario::examples`, and the
//! README's are played too (every step must succeed). Blocks that are neither (a CI
//! workflow) are left alone.

use std::path::{Path, PathBuf};

use drydock_runner::{CheckKind, RunConfig, SutMode, run_suite};
use drydock_scenario::examples::in_skeleton;
use drydock_scenario::parse_scenario;

use crate::support::{repo, temp_dir};

/// A fenced ```yaml block: where it starts and its text.
struct Block {
    at: String,
    text: String,
}

fn yaml_blocks(file: &Path) -> Vec<Block> {
    let text = std::fs::read_to_string(file).expect("a doc");
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (n, line) in text.lines().enumerate() {
        match &mut current {
            None if line.trim_start() == "```yaml" => current = Some((n + 1, String::new())),
            Some((start, body)) if line.trim_start() == "```" => {
                blocks.push(Block {
                    at: format!("{}:{}", file.display(), start),
                    text: std::mem::take(body),
                });
                current = None;
            }
            Some((_, body)) => {
                body.push_str(line);
                body.push('\n');
            }
            None => {}
        }
    }
    blocks
}

enum Kind {
    Scenario(String),
    Steps(String),
    Other,
}

fn kind(block: &str) -> Kind {
    let first = block
        .lines()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .unwrap_or("");
    if block.lines().any(|l| l.starts_with("version:")) {
        Kind::Scenario(block.to_string())
    } else if first == "steps:" {
        Kind::Steps(block.lines().skip_while(|l| *l != "steps:").skip(1).fold(
            String::new(),
            |mut s, l| {
                s.push_str(l);
                s.push('\n');
                s
            },
        ))
    } else if first.trim_start().starts_with("- ") {
        Kind::Steps(block.to_string())
    } else if first.starts_with("waive:") {
        Kind::Steps(String::new()) // a top-level key: checked below as part of a scenario
    } else {
        Kind::Other
    }
}

fn docs() -> Vec<PathBuf> {
    let mut files = vec![repo("README.md")];
    let mut in_docs: Vec<PathBuf> = std::fs::read_dir(repo("docs"))
        .expect("docs/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    in_docs.sort();
    files.extend(in_docs);
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_yaml_example_in_the_readme_and_docs_parses_and_plays() {
    let dir = temp_dir("doc-examples");
    let (mut parsed, mut to_play) = (0, Vec::new());
    for file in docs() {
        let from_readme = file.ends_with("README.md");
        for block in yaml_blocks(&file) {
            let text = match kind(&block.text) {
                Kind::Scenario(t) => t,
                Kind::Steps(steps) if block.text.starts_with("waive:") => {
                    format!("{}{}", in_skeleton(&steps), block.text)
                }
                Kind::Steps(steps) => in_skeleton(&steps),
                Kind::Other => continue,
            };
            if let Err(e) = parse_scenario(&block.at, &text) {
                panic!("{}: {e:?}", block.at);
            }
            parsed += 1;
            let whole = matches!(kind(&block.text), Kind::Scenario(_));
            if from_readme || whole {
                // Each gets a name of its own (names key snapshots and reports), in an
                // order that sorts as they were found.
                let name = format!("doc-example-{:03}", to_play.len());
                let renamed = text
                    .lines()
                    .map(|l| {
                        if l.starts_with("name:") {
                            format!("name: {name}")
                        } else {
                            l.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                let path = dir.join(format!("{name}.yaml"));
                std::fs::write(&path, renamed).expect("write example");
                to_play.push((block.at.clone(), whole));
            }
        }
    }
    assert!(parsed >= 30, "the docs' examples were found ({parsed})");
    assert!(to_play.len() >= 2, "the README's examples are played");
    let mut cfg = RunConfig::new(vec![dir.clone()], SutMode::Embedded(Default::default()));
    cfg.accept_snapshots = true;
    let suite = run_suite(&cfg, |_| {}).await.expect("the examples load");
    assert_eq!(suite.scenarios.len(), to_play.len());
    for (outcome, (at, whole)) in suite.scenarios.iter().zip(&to_play) {
        // A whole scenario must pass every check; a few steps in the skeleton must each
        // succeed (the skeleton's order is not meant to reach the end of its journey).
        let judged =
            |k: CheckKind| k != CheckKind::Snapshot && (*whole || k != CheckKind::Invariant);
        let failures: Vec<String> = outcome
            .checks
            .iter()
            .filter(|c| !c.passed && judged(c.kind))
            .map(|c| format!("{:?} {}: {}", c.kind, c.name, c.detail))
            .collect();
        assert!(
            failures.is_empty(),
            "the example at {at} fails: {failures:#?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
