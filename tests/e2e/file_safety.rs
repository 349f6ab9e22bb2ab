//! Files stay where they belong: a scenario name that would leave its folder is refused
//! before anything runs (so no file appears outside the suite and `.drydock/`), and a
//! `.snap.new` planted as a symlink is replaced, never written through.

use std::process::{Command, Stdio};

use drydock_runner::{RunConfig, SutMode, run_suite};

use crate::support::drydock_bin;
use crate::support::{repo, temp_dir};

#[test]
fn a_scenario_name_that_leaves_its_folder_is_refused_and_creates_nothing() {
    let root = temp_dir("escaping-names");
    let work = root.join("a").join("b");
    let suite = work.join("suite");
    std::fs::create_dir_all(&suite).expect("suite dir");
    let bundled = std::fs::read_to_string(repo("scenarios/happy-path.yaml")).expect("bundled");
    for (file, name) in [
        (
            "absolute.yaml",
            format!("{}/ABSOLUTE", root.join("x").display()),
        ),
        ("relative.yaml", "../../victim/RELATIVE".to_string()),
        ("bidi.yaml", "\"a\\u202Eb\"".to_string()),
    ] {
        let text = bundled.replacen("name: happy-path", &format!("name: {name}"), 1);
        std::fs::write(suite.join(file), text).expect("scenario");
    }
    let out = Command::new(drydock_bin())
        .current_dir(&work)
        .args(["run", "suite", "--sut-cmd", "sleep 30"])
        .env_remove("CI")
        .stdin(Stdio::null())
        .output()
        .expect("drydock runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    for file in ["absolute.yaml", "relative.yaml", "bidi.yaml"] {
        assert!(stderr.contains(&format!("{file}:3:7")), "{file}: {stderr}");
    }
    assert!(stderr.contains("scenario name"), "{stderr}");
    assert!(!root.join("x").exists(), "nothing at the absolute name");
    assert!(!root.join("victim").exists() && !work.join("victim").exists());
    let _ = std::fs::remove_dir_all(&root);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_symlinked_snap_new_is_replaced_and_its_target_is_unchanged() {
    let dir = temp_dir("symlinked-snap-new");
    let suite = dir.join("suite");
    std::fs::create_dir_all(&suite).expect("suite dir");
    std::fs::copy(
        repo("scenarios/happy-path.yaml"),
        suite.join("happy-path.yaml"),
    )
    .expect("scenario");
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "precious\n").expect("victim");
    let pending = suite.join("happy-path.snap.new");
    std::os::unix::fs::symlink(&victim, &pending).expect("symlink");

    let cfg = RunConfig::new(vec![suite.clone()], SutMode::Embedded(Default::default()));
    let outcome = run_suite(&cfg, |_| {}).await.expect("the suite runs");
    assert_eq!(outcome.failed(), 1, "no snapshot is stored: the run fails");

    assert_eq!(
        std::fs::read_to_string(&victim).ok().as_deref(),
        Some("precious\n")
    );
    let meta = std::fs::symlink_metadata(&pending).expect("pending snapshot");
    assert!(
        !meta.file_type().is_symlink(),
        "the link itself was replaced"
    );
    let written = std::fs::read_to_string(&pending).unwrap_or_default();
    assert!(written.starts_with("# drydock snapshot"), "{written}");
    let _ = std::fs::remove_dir_all(&dir);
}
