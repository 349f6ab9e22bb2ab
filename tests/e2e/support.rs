//! Helpers the end-to-end tests share: paths in the repository, scratch directories,
//! the size of the bundled suite, the workspace's binaries (the reference integration's,
//! and running `drydock`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A path relative to the repository root.
pub(crate) fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

/// A fresh, empty scratch directory for one test (per process, so parallel runs of the
/// test binary do not collide).
pub(crate) fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("drydock-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The node ids of a world with two channels, two warehouses and two carriers (as
/// `multi-channel-fulfilment` declares them), in the manifest's order.
pub(crate) const TWO_OF_EACH_NODES: [&str; 7] = [
    "shop",
    "shop-eu",
    "wh-east",
    "wh-eu",
    "easypost",
    "easypost-eu",
    "slack",
];

/// The manifest `drydock` left in `dir/.drydock/world.json` (`Null` when there is none
/// or it is not JSON) and its nodes' ids in order.
pub(crate) fn world_file(dir: &Path) -> (serde_json::Value, Vec<String>) {
    let text = std::fs::read_to_string(dir.join(".drydock").join("world.json")).unwrap_or_default();
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let ids = manifest["nodes"]
        .as_array()
        .map(|nodes| {
            nodes
                .iter()
                .filter_map(|n| n["id"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    (manifest, ids)
}

/// How many scenario files the bundled suite has.
pub(crate) fn bundled_count() -> usize {
    std::fs::read_dir(repo("scenarios"))
        .expect("scenarios/")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        .count()
}

pub(crate) fn drydock_bin() -> PathBuf {
    built_binary("drydock")
}

/// A binary of the workspace, built beside the test binary (`cargo build -p drydock
/// -p drydock-reference` first).
pub(crate) fn built_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test exe");
    let bin = exe
        .parent()
        .and_then(|d| d.parent())
        .map(|d| d.join(name))
        .expect("target dir");
    assert!(
        bin.exists(),
        "build it first: cargo build -p drydock -p drydock-reference ({} missing)",
        bin.display()
    );
    bin
}

/// The reference integration's own binary, to start the way a user's service would be.
pub(crate) fn reference_bin() -> PathBuf {
    built_binary("drydock-reference")
}

/// Runs `drydock args` in `dir` without a terminal, with `CI=true` or without CI.
pub(crate) fn drydock(dir: &Path, args: &[&str], ci: bool) -> Output {
    let mut cmd = Command::new(drydock_bin());
    cmd.current_dir(dir)
        .args(args)
        .env_remove("CI")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null());
    if ci {
        cmd.env("CI", "true");
    }
    cmd.output().expect("drydock runs")
}

pub(crate) fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).to_string(),
        String::from_utf8_lossy(&o.stderr).to_string(),
    )
}
