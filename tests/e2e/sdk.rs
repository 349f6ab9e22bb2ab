//! The official EasyPost Python SDK, unchanged, against the carrier persona: the strongest
//! proof that the persona speaks EasyPost's dialect. The interpreter comes from
//! `DRYDOCK_PYTHON` (CI points it at a venv with `easypost` installed), else `python3`;
//! `DRYDOCK_SKIP_SDK=1` skips the test on machines without the SDK.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::process::Command;

use crate::personas::world;

const HOW_TO_INSTALL: &str = "the EasyPost Python SDK is not installed for python3. Install it with \
     `python3 -m venv .venv && .venv/bin/pip install -r tests/sdk/requirements.txt`, then run with \
     DRYDOCK_PYTHON=.venv/bin/python (or set DRYDOCK_SKIP_SDK=1 to skip this test)";

/// The interpreter to run the script with, or None when the SDK test is skipped.
async fn python() -> Option<String> {
    if std::env::var("DRYDOCK_SKIP_SDK").is_ok_and(|v| v == "1") {
        eprintln!("DRYDOCK_SKIP_SDK=1: skipping the EasyPost SDK test");
        return None;
    }
    if let Ok(python) = std::env::var("DRYDOCK_PYTHON") {
        return Some(python);
    }
    let probe = Command::new("python3")
        .args(["-c", "import easypost"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await;
    assert!(probe.is_ok_and(|s| s.success()), "{HOW_TO_INSTALL}");
    Some("python3".into())
}

#[tokio::test]
async fn official_easypost_python_sdk_works_against_the_persona_unchanged() {
    let Some(python) = python().await else { return };
    let world = world().await;
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sdk/easypost_compat.py");
    let child = Command::new(&python)
        .arg(&script)
        .env("DRYDOCK_EASYPOST_URL", &world.endpoints.easypost)
        .env(
            "DRYDOCK_EASYPOST_API_KEY",
            &world.credentials.easypost_api_key,
        )
        .env("NO_PROXY", "127.0.0.1")
        .env("no_proxy", "127.0.0.1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("failed to start {python}: {e}"));
    let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("the SDK script finishes within 60 s")
        .expect("the SDK script's output is readable");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report = format!("stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        output.status.success(),
        "the SDK script failed ({}):\n{report}",
        output.status
    );
    let last = stdout.lines().last().unwrap_or_default();
    let passed = last
        .strip_suffix(" passed, 0 failed")
        .and_then(|n| n.parse::<u32>().ok());
    assert!(
        passed.is_some_and(|n| n > 0),
        "stdout does not end with \"N passed, 0 failed\":\n{report}"
    );
}
