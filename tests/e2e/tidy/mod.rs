//! The repository checks its own rules, as rust-analyzer's tidy tests do, so the
//! architecture section stays true: every file the README's code map names exists, every
//! crate on disk is in the map, every source file says its role in a `//!` header, the
//! core and the judges do no I/O and name no provider (`pure_code.rs`), the README's
//! tables list what the code has (`tables.rs`), and the root holds only documented files
//! and the licenses `Cargo.toml` declares.

mod pure_code;
mod source;
mod tables;

use std::path::{Path, PathBuf};

use crate::support::repo;

/// The README's code map: each bullet that starts with a backticked crate folder,
/// with the backticked `*.rs` names and `name/` folders of that bullet.
fn code_map() -> Vec<(String, Vec<String>)> {
    let readme = std::fs::read_to_string(repo("README.md")).expect("README.md");
    let start = readme.find("**Code map.**").expect("README has a code map");
    let end = readme[start..]
        .find("\n**Invariants the design keeps.**")
        .map(|i| start + i)
        .unwrap_or(readme.len());
    // A bullet starts with "- `folder`" and goes on over indented lines; code spans may
    // wrap, so each bullet is joined before its spans are read.
    let mut bullets: Vec<String> = Vec::new();
    for line in readme[start..end].lines() {
        if line.starts_with("- `") {
            bullets.push(line.to_string());
        } else if line.starts_with("  ")
            && let Some(last) = bullets.last_mut()
        {
            last.push(' ');
            last.push_str(line.trim());
        } else if !line.trim().is_empty() {
            bullets.push(String::new());
        }
    }
    let mut map: Vec<(String, Vec<String>)> = Vec::new();
    for bullet in bullets.iter().filter(|b| !b.is_empty()) {
        let spans: Vec<&str> = bullet.split('`').skip(1).step_by(2).collect();
        let Some(folder) = spans.first() else {
            continue;
        };
        let names = spans
            .iter()
            .filter(|s| s.ends_with(".rs") && !s.contains([' ', '*', '{']))
            .map(|s| s.to_string())
            .collect();
        map.push((folder.to_string(), names));
    }
    map
}

pub(crate) fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" || name == ".venv" || name == "node_modules" {
            continue;
        }
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The README names a file by its last path components (`c.rs`, `b/c.rs`) under its
/// crate's folder, or by its whole path from the repository root.
fn exists_under(root: &Path, name: &str) -> bool {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    files
        .iter()
        .any(|f| f.to_string_lossy().replace('\\', "/").ends_with(name))
}

#[test]
fn every_file_the_code_map_names_exists() {
    let map = code_map();
    assert!(map.len() >= 5, "the code map lists the crates: {map:?}");
    let mut missing = Vec::new();
    for (folder, names) in &map {
        let root = repo(folder);
        if !root.exists() {
            missing.push(format!("{folder}/ (the folder)"));
            continue;
        }
        for name in names {
            if !exists_under(&root, name) && !repo(name).is_file() {
                missing.push(format!("{folder}: {name}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "the README's code map names files that do not exist (rename them there): {missing:#?}"
    );
}

#[test]
fn every_crate_is_in_the_code_map() {
    let map = code_map();
    let manifest = std::fs::read_to_string(repo("Cargo.toml")).expect("Cargo.toml");
    let members: Vec<&str> = manifest
        .lines()
        .skip_while(|l| !l.starts_with("members"))
        .skip(1)
        .take_while(|l| !l.starts_with(']'))
        .filter_map(|l| l.trim().trim_end_matches(',').strip_prefix('"'))
        .filter_map(|l| l.strip_suffix('"'))
        .collect();
    assert!(!members.is_empty(), "workspace members found");
    let unmapped: Vec<&&str> = members
        .iter()
        .filter(|m| **m != "tests" && !map.iter().any(|(folder, _)| folder == *m))
        .collect();
    assert!(
        unmapped.is_empty(),
        "crates missing from the README's code map (add a paragraph each): {unmapped:?}"
    );
}

#[test]
fn every_source_file_says_its_role() {
    let mut files = Vec::new();
    for dir in ["simulator", "harness", "tests"] {
        rust_files(&repo(dir), &mut files);
    }
    let silent: Vec<String> = files
        .iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            !text.trim_start().starts_with("//!")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        silent.is_empty(),
        "source files without a `//!` header saying what they are for: {silent:#?}"
    );
}

#[test]
fn the_root_holds_only_documented_files() {
    let readme = std::fs::read_to_string(repo("README.md")).expect("README.md");
    let allowed = [
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        ".gitignore",
        "target",
        ".git",
        ".venv",
        ".drydock",
        ".ci",
        ".github",
    ];
    let mut stray = Vec::new();
    for entry in std::fs::read_dir(repo("")).expect("repo root").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if allowed.contains(&name.as_str()) {
            continue;
        }
        let shown = if entry.path().is_dir() {
            format!("{name}/")
        } else {
            name.clone()
        };
        let documented = readme.contains(&format!("`{name}`"))
            || readme.contains(&format!("`{shown}"))
            || readme.contains(&format!("{name}/"));
        if !documented {
            stray.push(shown);
        }
    }
    assert!(
        stray.is_empty(),
        "files at the repository root that the README never mentions (scratch output? \
document or remove them): {stray:?}"
    );
}

/// Each SPDX id drydock may declare: its file at the root, as Rust projects name it,
/// and a line of the license's standard text.
const LICENSE_FILES: &[(&str, &str, &str)] = &[
    (
        "MIT",
        "LICENSE-MIT",
        "Permission is hereby granted, free of charge, to any person obtaining a copy",
    ),
    ("Apache-2.0", "LICENSE-APACHE", "Version 2.0, January 2004"),
];

#[test]
fn the_root_holds_the_licenses_cargo_declares() {
    let manifest = std::fs::read_to_string(repo("Cargo.toml")).expect("Cargo.toml");
    let declared = manifest
        .lines()
        .find_map(|l| l.strip_prefix("license = "))
        .map(|v| v.trim().trim_matches('"').to_string())
        .expect("Cargo.toml declares a license");
    let ids: Vec<&str> = declared
        .split([' ', '(', ')'])
        .filter(|w| !w.is_empty() && !["OR", "AND", "WITH"].contains(w))
        .collect();
    let mut wanted = Vec::new();
    for id in &ids {
        let Some((_, file, line)) = LICENSE_FILES.iter().find(|(spdx, _, _)| spdx == id) else {
            panic!(
                "Cargo.toml declares {id}: add its license file to the root and to LICENSE_FILES"
            );
        };
        let text = std::fs::read_to_string(repo(file)).unwrap_or_default();
        assert!(
            text.contains(line),
            "{file} must hold the standard text of {id} (Cargo.toml declares `{declared}`)"
        );
        wanted.push(*file);
    }
    let stray: Vec<String> = std::fs::read_dir(repo(""))
        .expect("repo root")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("LICENSE") && !wanted.contains(&n.as_str()))
        .collect();
    assert!(
        stray.is_empty(),
        "license files for licenses Cargo.toml does not declare (`{declared}`): {stray:?}"
    );
}
