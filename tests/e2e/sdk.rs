//! The providers' own code against the personas: the official EasyPost Python SDK,
//! unchanged, against the carrier persona (the strongest proof that it speaks EasyPost's
//! dialect), and every persona's webhook signatures verified by the providers' own
//! verification code (`standardwebhooks` for ShipBob, the EasyPost SDK's
//! `validate_webhook`, an independent Shopify HMAC check). The interpreter comes from
//! `DRYDOCK_PYTHON` (CI points it at a venv with `tests/sdk/requirements.txt` installed),
//! else `python3`; `DRYDOCK_SKIP_SDK=1` skips these tests on machines without them.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
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

/// Runs a script under `tests/sdk/` and checks that it ends with "N passed, 0 failed".
async fn run_script(python: &str, script: &str, args: &[String], env: &[(&str, &str)]) {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("sdk")
        .join(script);
    let child = Command::new(python)
        .arg(&script)
        .args(args)
        .envs(env.iter().copied())
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

#[tokio::test]
async fn official_easypost_python_sdk_works_against_the_persona_unchanged() {
    let Some(python) = python().await else { return };
    let world = world().await;
    run_script(
        &python,
        "easypost_compat.py",
        &[],
        &[
            ("DRYDOCK_EASYPOST_URL", &world.endpoints.easypost),
            (
                "DRYDOCK_EASYPOST_API_KEY",
                &world.credentials.easypost_api_key,
            ),
        ],
    )
    .await;
}

#[tokio::test]
async fn every_webhook_signature_verifies_with_the_providers_own_code() {
    let Some(python) = python().await else { return };
    let (world, deliveries) = crate::personas::webhooks::signed_deliveries().await;
    let file = serde_json::json!({
        "secrets": {
            "shopify": world.credentials.shopify_webhook_secret,
            "easypost": world.credentials.easypost_webhook_secret,
            "shipbob": world.credentials.shipbob_webhook_secret,
        },
        "deliveries": deliveries.iter().map(|d| serde_json::json!({
            "provider": d.provider,
            "headers": d.headers,
            "body_b64": STANDARD.encode(&d.body),
        })).collect::<Vec<_>>(),
    });
    let dir = crate::support::temp_dir("webhook-signatures");
    let path = dir.join("deliveries.json");
    std::fs::write(&path, file.to_string()).expect("write the deliveries");
    run_script(
        &python,
        "webhook_signatures.py",
        &[path.display().to_string()],
        &[],
    )
    .await;
    let _ = std::fs::remove_dir_all(&dir);
}
