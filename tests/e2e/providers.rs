//! The provider registry keeps its promise: every `ProviderId` is one folder under
//! `simulator/server/src/providers/` with its documented surface and SDK note, every
//! folder there is a registered provider, the README's "Adding a provider" guide names
//! the files a new one touches, and the shell matches on providers and fault effects
//! without catch-all arms (so the compiler lists what a new one lacks).

use std::path::Path;

use drydock_simulator::ProviderId;

use crate::support::repo;

const PROVIDERS: &str = "simulator/server/src/providers";

#[test]
fn every_provider_is_one_folder_with_its_surface_and_sdk_note() {
    let mut problems = Vec::new();
    for id in ProviderId::ALL {
        let provider = id.get();
        let name = provider.name();
        if !repo(PROVIDERS).join(name).join("mod.rs").is_file() {
            problems.push(format!("{name}: no {PROVIDERS}/{name}/mod.rs"));
        }
        if provider.surface().persona != name {
            problems.push(format!(
                "{name}: its surface is documented as {:?}",
                provider.surface().persona
            ));
        }
        if provider.sdk_note().trim().is_empty() {
            problems.push(format!(
                "{name}: no SDK note (how to point its SDK at a node)"
            ));
        }
    }
    let folders = std::fs::read_dir(repo(PROVIDERS)).expect("the providers folder");
    for entry in folders.filter_map(Result::ok) {
        if entry.path().is_dir() {
            let name = entry.file_name().to_string_lossy().to_string();
            if ProviderId::from_name(&name).is_none() {
                problems.push(format!(
                    "{PROVIDERS}/{name}/ is no registered provider (add it to ProviderId)"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_readme_guide_names_the_files_a_new_provider_touches() {
    let readme = std::fs::read_to_string(repo("README.md")).expect("README.md");
    let start = readme
        .find("**Adding a provider.**")
        .expect("README has an \"Adding a provider\" guide");
    let guide = &readme[start..];
    let guide = guide[..guide.find("\n\n").unwrap_or(guide.len())].replace('\n', " ");
    assert!(
        guide.contains(&format!("`{PROVIDERS}/NAME/`")),
        "the guide does not name the provider's folder"
    );
    for path in [
        "simulator/server/src/providers/mod.rs",
        "tests/e2e/personas/",
        "tests/e2e/providers.rs",
        "docs/reference.md",
    ] {
        assert!(guide.contains(path), "the guide does not name {path}");
        assert!(repo(path.trim_end_matches('/')).exists(), "{path} is gone");
    }
}

/// `_ =>` in a `match` whose arms name `ProviderId::` or `Effect::` variants.
fn catch_all_arms(text: &str) -> Vec<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !line.trim_start().starts_with("_ =>") {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        // The arms of this match: back to the `match` line one level out.
        let arms = lines[..i]
            .iter()
            .rev()
            .take_while(|l| {
                let t = l.trim_start();
                !(t.starts_with("match ") || t.contains(" match ")) || l.len() - t.len() >= indent
            })
            .collect::<Vec<_>>();
        if arms
            .iter()
            .any(|l| l.contains("ProviderId::") || l.contains("Effect::"))
        {
            found.push(i + 1);
        }
    }
    found
}

#[test]
fn the_shell_has_no_catch_all_arm_over_providers_or_fault_effects() {
    let mut files = Vec::new();
    collect(&repo("simulator/server/src"), &mut files);
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for line in catch_all_arms(&text) {
            found.push(format!("{}:{line}", file.display()));
        }
    }
    assert!(
        found.is_empty(),
        "list every variant instead, so a new provider or effect is a compile error: {found:#?}"
    );
}

#[test]
fn the_catch_all_check_sees_a_catch_all_arm() {
    let flawed = "match kind {\n    ProviderId::Shopify => 1,\n    _ => 2,\n}\n";
    assert_eq!(catch_all_arms(flawed), [3]);
    let fine = "match status {\n    500 => 1,\n    _ => 2,\n}\n";
    assert!(catch_all_arms(fine).is_empty());
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}
