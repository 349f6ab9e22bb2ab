//! Reports end to end: the bundled suite plus one deliberately failing scenario, played
//! against the embedded reference integration, rendered in every format and checked by
//! independent tools — the JUnit XML against an XSD and the JSON against its committed
//! schema (Python `xmlschema` / `jsonschema` from `DRYDOCK_PYTHON`, which `.ci/run` sets
//! up), the HTML in headless Chromium, the HAR files field by field.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use drydock_runner::{RunConfig, SuiteOutcome, SutMode, run_suite};
use serde_json::Value;

use crate::support::{bundled_count, repo, temp_dir};

/// The suite is played once for all report tests.
fn suite() -> &'static SuiteOutcome {
    static SUITE: OnceLock<SuiteOutcome> = OnceLock::new();
    SUITE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let cfg = RunConfig::new(
            vec![
                repo("scenarios"),
                repo("fixtures/scenarios/wrong-expectation.yaml"),
            ],
            SutMode::Embedded(Default::default()),
        );
        runtime
            .block_on(run_suite(&cfg, |_| {}))
            .expect("the suite loads")
    })
}

const HOW_TO_INSTALL: &str = "the report tests need Python with xmlschema and jsonschema: \
    `python3 -m venv .venv && .venv/bin/pip install -r tests/sdk/requirements.txt`, then run with \
    DRYDOCK_PYTHON=.venv/bin/python (.ci/run does both)";

fn python() -> String {
    std::env::var("DRYDOCK_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// Runs a command, killing it after `limit`.
fn run_bounded(cmd: &mut Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() < limit => std::thread::sleep(Duration::from_millis(50)),
            _ => {
                let _ = child.kill();
                break;
            }
        }
    }
    child.wait_with_output().expect("the command's output")
}

fn validate_with_python(script: &str, args: &[&Path]) {
    let output = run_bounded(
        Command::new(python()).arg("-c").arg(script).args(args),
        Duration::from_secs(60),
    );
    assert!(
        output.status.success(),
        "validation failed:\nstdout:\n{}\nstderr:\n{}\n({HOW_TO_INSTALL})",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn junit_report_validates_against_the_junit_xsd() {
    let suite = suite();
    let xml = drydock_report::junit::render(suite).expect("JUnit renders");
    let dir = temp_dir("junit");
    let file = dir.join("junit.xml");
    std::fs::write(&file, &xml).expect("write junit.xml");
    validate_with_python(
        "import sys, xmlschema\nxmlschema.XMLSchema(sys.argv[1]).validate(sys.argv[2])\nprint('valid')",
        &[&repo("fixtures/schemas/junit.xsd"), &file],
    );
    assert_eq!(
        xml.matches("<testcase ").count(),
        bundled_count() + 1,
        "{xml}"
    );
    assert!(
        xml.contains(r#"classname="#) && xml.contains("scenarios/happy-path.yaml"),
        "{xml}"
    );
    let failure_at = xml
        .find("<failure ")
        .expect("the failing scenario has a <failure>");
    assert!(
        xml[failure_at..].contains("expected 7, found 8"),
        "the failure carries the failed check's detail:\n{xml}"
    );
    assert!(xml.contains("<property name=\"seed\" value=\"42\"/>"));
}

#[test]
fn the_junit_xsd_rejects_what_ci_servers_would_reject() {
    let dir = temp_dir("junit-bad");
    let file = dir.join("bad.xml");
    std::fs::write(
        &file,
        r#"<testsuites><testsuite name="x"><testcase name="a"/></testsuite></testsuites>"#,
    )
    .expect("write bad.xml");
    let output = run_bounded(
        Command::new(python())
            .arg("-c")
            .arg("import sys, xmlschema\nsys.exit(0 if xmlschema.XMLSchema(sys.argv[1]).is_valid(sys.argv[2]) else 3)")
            .arg(repo("fixtures/schemas/junit.xsd"))
            .arg(&file),
        Duration::from_secs(60),
    );
    assert_eq!(
        output.status.code(),
        Some(3),
        "a testsuite without `tests` must be invalid: {}\n({HOW_TO_INSTALL})",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn json_report_validates_against_its_committed_schema() {
    let suite = suite();
    let text = drydock_report::json::render(suite).expect("JSON renders");
    let dir = temp_dir("json");
    let file = dir.join("report.json");
    std::fs::write(&file, &text).expect("write report.json");
    validate_with_python(
        "import sys, json, jsonschema\nschema = json.load(open(sys.argv[1]))\njsonschema.Draft202012Validator.check_schema(schema)\njsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))\nprint('valid')",
        &[&repo("harness/report/report.schema.json"), &file],
    );
    let report: Value = serde_json::from_str(&text).expect("JSON parses");
    assert_eq!(report["format_version"], 1);
    assert_eq!(report["summary"]["scenarios"], bundled_count() + 1);
    assert_eq!(report["summary"]["failed"], 1);
    let scenarios = report["scenarios"].as_array().expect("scenarios");
    let wrong = scenarios
        .iter()
        .find(|s| s["name"] == "wrong-expectation")
        .expect("the failing scenario");
    assert_eq!(wrong["verdict"], "failed");
    let happy = scenarios
        .iter()
        .find(|s| s["name"] == "happy-path")
        .expect("happy-path");
    let milestones: Vec<&str> = happy["orders"][0]["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["milestone"].as_str())
        .collect();
    for m in ["received", "picked", "labelled", "shipped", "delivered"] {
        assert!(milestones.contains(&m), "{m} missing from {milestones:?}");
    }
    assert_eq!(happy["metrics"]["order_accuracy"], 1.0);
    assert_eq!(happy["metrics"]["order_to_ship_max_s"], 6 * 3600);
    let first = &happy["stock"][0]["levels"]["MUG-BLUE"];
    let last = happy["stock"]
        .as_array()
        .and_then(|s| s.last())
        .map(|s| &s["levels"]["MUG-BLUE"])
        .expect("stock samples");
    assert_eq!(
        (first["on_hand"].as_i64(), last["on_hand"].as_i64()),
        (Some(10), Some(8))
    );
}

const CHROMIUM: &str = "/usr/bin/chromium";

/// Renders `page` in headless Chromium; returns the screenshot and the console lines.
fn render_in_chromium(page: &Path, name: &str) -> (Vec<u8>, Vec<String>) {
    let chromium = std::env::var("DRYDOCK_CHROMIUM").unwrap_or_else(|_| CHROMIUM.into());
    assert!(
        Path::new(&chromium).exists(),
        "{chromium} is missing: install Chromium (`apt-get install -y chromium`; .ci/run does it) \
         or point DRYDOCK_CHROMIUM at it"
    );
    let dir = temp_dir(&format!("chromium-{name}"));
    let png = dir.join("shot.png");
    let output = run_bounded(
        Command::new(&chromium).args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            &format!("--user-data-dir={}", dir.join("profile").display()),
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,2000",
            &format!("file://{}", page.display()),
        ]),
        Duration::from_secs(90),
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let console = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    let shot = std::fs::read(&png).unwrap_or_else(|e| {
        panic!(
            "Chromium wrote no screenshot ({e}); status {}:\n{stderr}",
            output.status
        )
    });
    (shot, console)
}

#[test]
fn html_report_renders_in_headless_chromium_without_console_errors() {
    let suite = suite();
    let html = drydock_report::html::render(suite);
    assert!(!html.contains("<script"), "the report needs no script");
    assert!(
        !html.contains("src=") && !html.contains("href=\"http") && !html.contains("url("),
        "the report loads no external asset"
    );
    assert_eq!(
        html.matches("<svg").count(),
        2 * (bundled_count() + 1),
        "a timeline and a stock chart per scenario"
    );
    let dir = temp_dir("html");
    let page = dir.join("report.html");
    std::fs::write(&page, &html).expect("write report.html");
    let (shot, console) = render_in_chromium(&page, "report");
    assert!(shot.starts_with(b"\x89PNG"), "the screenshot is a PNG");
    assert!(
        shot.len() > 20_000,
        "the screenshot has content ({} bytes)",
        shot.len()
    );
    assert!(
        console.is_empty(),
        "console messages:\n{}",
        console.join("\n")
    );

    // The console check itself sees errors: a page that logs one is caught.
    let broken = dir.join("broken.html");
    std::fs::write(
        &broken,
        "<!DOCTYPE html><p>x</p><script>console.error('deliberate')</script>",
    )
    .expect("write broken.html");
    let (_, console) = render_in_chromium(&broken, "broken");
    assert!(
        console.iter().any(|l| l.contains("deliberate")),
        "Chromium's console output was not captured: {console:?}"
    );
}

#[test]
fn har_files_parse_and_carry_the_required_fields() {
    let suite = suite();
    let files = drydock_report::har::files(suite).expect("HAR renders");
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"happy-path.har"), "{names:?}");
    assert_eq!(files.len(), bundled_count() + 1);
    for (name, text) in &files {
        let har: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let log = &har["log"];
        assert_eq!(log["version"], "1.2", "{name}");
        assert!(log["creator"]["name"].is_string() && log["creator"]["version"].is_string());
        let entries = log["entries"].as_array().expect("entries");
        assert!(!entries.is_empty(), "{name} has entries");
        let mut kinds = (0, 0);
        for e in entries {
            for field in [
                "startedDateTime",
                "time",
                "request",
                "response",
                "cache",
                "timings",
            ] {
                assert!(!e[field].is_null(), "{name}: entry without {field}: {e}");
            }
            let req = &e["request"];
            for field in [
                "method",
                "url",
                "httpVersion",
                "cookies",
                "headers",
                "queryString",
                "headersSize",
                "bodySize",
            ] {
                assert!(!req[field].is_null(), "{name}: request without {field}");
            }
            assert!(
                req["url"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("http://127.0.0.1:")),
                "{name}: {}",
                req["url"]
            );
            let resp = &e["response"];
            for field in [
                "status",
                "statusText",
                "httpVersion",
                "cookies",
                "headers",
                "content",
                "redirectURL",
                "headersSize",
                "bodySize",
            ] {
                assert!(!resp[field].is_null(), "{name}: response without {field}");
            }
            assert!(resp["content"]["size"].is_number() && resp["content"]["mimeType"].is_string());
            for field in ["send", "wait", "receive"] {
                assert!(e["timings"][field].is_number(), "{name}: timings.{field}");
            }
            assert!(
                e["startedDateTime"]
                    .as_str()
                    .unwrap_or("")
                    .parse::<jiff::Timestamp>()
                    .is_ok(),
                "{name}: startedDateTime {}",
                e["startedDateTime"]
            );
            match e["_direction"].as_str() {
                Some("inbound") => kinds.0 += 1,
                Some("webhook") => kinds.1 += 1,
                other => panic!("{name}: unexpected direction {other:?}"),
            }
        }
        assert!(
            kinds.0 > 0 && kinds.1 > 0,
            "{name}: requests and webhooks {kinds:?}"
        );
    }
}
