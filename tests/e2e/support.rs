//! Helpers the end-to-end tests share: paths in the repository, scratch directories,
//! and the size of the bundled suite.

use std::path::PathBuf;

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

/// The `drydock` binary built next to this test binary.
pub(crate) fn drydock_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("test exe");
    let bin = exe
        .parent()
        .and_then(|d| d.parent())
        .map(|d| d.join("drydock"))
        .expect("target dir");
    assert!(
        bin.exists(),
        "build it first: cargo build -p drydock ({} missing)",
        bin.display()
    );
    bin
}

/// How many scenario files the bundled suite has.
pub(crate) fn bundled_count() -> usize {
    std::fs::read_dir(repo("scenarios"))
        .expect("scenarios/")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        .count()
}
