//! The integration's lifecycle, through the `drydock` binary as a user runs it: nothing a
//! `--sut-cmd` forks outlives the run or its Ctrl-C, an integration that exits mid-scenario
//! is reported with its code and step, and the README's `--endpoint` recipe passes when
//! followed literally against a long-running `drydock-reference`, and a service run that
//! way finds each scenario's nodes in `.drydock/world.json`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{TWO_OF_EACH_NODES, built_binary, repo, temp_dir, world_file};

/// Processes whose command line contains `marker` (read from /proc).
fn processes_with(marker: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().parse::<u32>().is_ok())
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|bytes| String::from_utf8_lossy(&bytes).replace('\0', " "))
        .filter(|cmdline| cmdline.contains(marker))
        .collect()
}

/// Waits (bounded) until no process carries `marker`; returns those left.
fn left_behind(marker: &str) -> Vec<String> {
    let started = Instant::now();
    loop {
        let left = processes_with(marker);
        if left.is_empty() || started.elapsed() > Duration::from_secs(3) {
            return left;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A marker no other test or process uses: a `sleep` duration.
fn marker(n: u32) -> String {
    format!("600.{}{n}", std::process::id())
}

/// Copies bundled scenarios (with their snapshots) into `dir/scenarios`.
fn scenarios(dir: &Path, names: &[&str]) -> PathBuf {
    let to = dir.join("scenarios");
    std::fs::create_dir_all(&to).expect("scenarios dir");
    for name in names {
        for ext in ["yaml", "snap"] {
            let file = format!("{name}.{ext}");
            std::fs::copy(repo(&format!("scenarios/{file}")), to.join(&file)).expect("copy");
        }
    }
    to
}

struct Finished {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Waits (bounded) for `child` to finish and collects its output; kills it past `limit`.
fn finish(mut child: Child, limit: Duration) -> Finished {
    let started = Instant::now();
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break Some(status);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(mut out) = child.stdout.take() {
        let _ = out.read_to_string(&mut stdout);
    }
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    assert!(
        status.is_some(),
        "did not finish within {limit:?}:\n{stdout}\n{stderr}"
    );
    Finished {
        code: status.and_then(|s| s.code()),
        stdout,
        stderr,
    }
}

fn drydock(dir: &Path, args: &[&str]) -> Child {
    Command::new(built_binary("drydock"))
        .current_dir(dir)
        .args(args)
        .env_remove("CI")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("drydock starts")
}

fn reference() -> String {
    built_binary("drydock-reference").display().to_string()
}

/// Runs happy-path with `--sut-cmd` made by `command` from a marker, expecting a pass
/// and no process carrying the marker afterwards.
fn passes_leaving_nothing_behind(test: &str, n: u32, command: impl Fn(&str) -> String) {
    let dir = temp_dir(test);
    scenarios(&dir, &["happy-path"]);
    let mark = marker(n);
    let done = finish(
        drydock(&dir, &["run", "--sut-cmd", &command(&mark)]),
        Duration::from_secs(120),
    );
    assert_eq!(done.code, Some(0), "{}\n{}", done.stdout, done.stderr);
    assert_eq!(left_behind(&mark), Vec::<String>::new());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_grandchild_of_the_sut_cmd_does_not_outlive_the_run() {
    passes_leaving_nothing_behind("lifecycle-fork", 1, |mark| {
        format!("sleep {mark} & {}", reference())
    });
}

#[test]
fn an_integration_that_ignores_sigterm_is_killed_after_the_grace_period() {
    // SIGTERM ignored by the shell, the `sleep` and the service alike.
    passes_leaving_nothing_behind("lifecycle-stubborn", 3, |mark| {
        format!("trap '' TERM; sleep {mark} & exec {}", reference())
    });
}

#[test]
fn ctrl_c_mid_run_stops_every_integration_and_prints_the_closing_line() {
    let dir = temp_dir("lifecycle-sigint");
    scenarios(&dir, &["stock-drift", "happy-path", "flaky-carrier"]);
    let mark = marker(2);
    let cmd = format!("sleep {mark} & exec {}", reference());
    let run = drydock(&dir, &["run", "--jobs", "2", "--sut-cmd", &cmd]);
    let started = Instant::now();
    while processes_with(&mark).len() < 2 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!processes_with(&mark).is_empty(), "no integration started");
    let signalled = Command::new("kill")
        .args(["-INT", &run.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(signalled.success());
    let done = finish(run, Duration::from_secs(30));
    assert_eq!(done.code, Some(130), "{}\n{}", done.stdout, done.stderr);
    let last = done.stdout.lines().last().unwrap_or_default();
    assert!(
        last.contains("passed, ") && last.ends_with("(interrupted)"),
        "{}",
        done.stdout
    );
    // The integrations exist, but under load one may still be starting (no step played
    // yet): each interrupted scenario says where the interrupt found it, either way.
    assert!(
        done.stdout.contains("interrupted during step")
            || done.stdout.contains("interrupted before the first step"),
        "{}",
        done.stdout
    );
    assert_eq!(left_behind(&mark), Vec::<String>::new());
    let _ = std::fs::remove_dir_all(&dir);
}

const EXITING: &str = r#"version: 1
name: integration-exits
world:
  seed: 5
  clock: 2026-12-01T09:00:00Z
  catalog:
    - sku: MUG-BLUE
      stock: 10
steps:
  - place_order:
      as: first
      email: ada@example.com
      ship_to:
        name: Ada Lovelace
        street1: 417 Montgomery St
        city: San Francisco
        state: CA
        zip: "94104"
        country: US
      lines:
        - sku: MUG-BLUE
          quantity: 2
  - wait_until:
      until: { order: first, warehouse: shipped }
      timeout: 60s
"#;

#[test]
fn an_integration_that_exits_mid_scenario_is_reported_with_its_code_and_step() {
    let dir = temp_dir("lifecycle-exit");
    let file = dir.join("integration-exits.yaml");
    std::fs::write(&file, EXITING).expect("scenario");
    let line = EXITING
        .lines()
        .position(|l| l.contains("- wait_until"))
        .map(|i| i + 1)
        .unwrap_or(0);
    let cmd = format!(
        "{} & sleep 4; echo 'the integration gives up' >&2; exit 7",
        reference()
    );
    let started = Instant::now();
    let done = finish(
        drydock(&dir, &["run", "integration-exits.yaml", "--sut-cmd", &cmd]),
        Duration::from_secs(60),
    );
    let out = format!("{}\n{}", done.stdout, done.stderr);
    assert_eq!(done.code, Some(1), "{out}");
    assert!(
        out.contains(&format!(
            "integration exited with code 7 during step integration-exits.yaml:{line}:"
        )),
        "{out}"
    );
    assert!(out.contains("the integration gives up"), "{out}");
    // Caught when it happened, not after the 60 s wait ran out.
    assert!(started.elapsed() < Duration::from_secs(40), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `count` consecutive free loopback ports (control + the nodes) and one more; `slot`
/// keeps tests of one process apart.
fn free_ports(slot: u16, count: u16) -> (u16, u16) {
    let free = |p: u16| std::net::TcpListener::bind(("127.0.0.1", p)).is_ok();
    let sut = std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let start = 21_000 + (std::process::id() % 400) as u16 * 20 + slot * 10;
    let base = (0..200)
        .map(|i| start.wrapping_add(i * 20))
        .find(|b| (0..count).all(|o| free(b + o)) && !(*b..b + count).contains(&sut))
        .expect("free ports");
    (base, sut)
}

/// The README's `--endpoint` recipe: its lines, with `drydock`, the service and the
/// ports replaced by the built binaries and free ports.
fn recipe(base: u16, sut: u16) -> Vec<String> {
    let readme = std::fs::read_to_string(repo("README.md")).expect("README");
    let block = readme
        .split("Or keep your service running and point drydock at it:\n\n```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the --endpoint recipe in the README");
    block
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            l.replace("python my_service.py", &reference())
                .replace(
                    "drydock ",
                    &format!("{} ", built_binary("drydock").display()),
                )
                .replace("4780", &base.to_string())
                .replace("8080", &sut.to_string())
        })
        .collect()
}

#[test]
fn the_readme_endpoint_recipe_passes_twice_against_one_running_service() {
    let dir = temp_dir("lifecycle-endpoint");
    // Two scenarios with one catalog (the reference loads it once, at start); the first
    // expects an alert naming order #1001 and snapshots it, whatever its real number.
    scenarios(&dir, &["address-rejected", "stock-drift"]);
    let (base, sut) = free_ports(0, 5);
    let lines = recipe(base, sut);
    assert_eq!(lines.len(), 3, "{lines:?}");
    let sh = |line: &str| {
        Command::new("sh")
            .current_dir(&dir)
            .args(["-c", line])
            .env_remove("CI")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("sh runs")
    };
    let env = finish(sh(&lines[0]), Duration::from_secs(30));
    assert_eq!(env.code, Some(0), "{}", env.stderr);
    // The service: the subshell of the recipe, started as our own child (it `exec`s the
    // service, so its pid is the service's), killed by that pid at the end.
    let service_line = lines[1]
        .trim()
        .trim_end_matches('&')
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(')');
    let mut service = sh(service_line);
    let mut runs = Vec::new();
    for _ in 0..2 {
        runs.push(finish(sh(&lines[2]), Duration::from_secs(120)));
    }
    let _ = service.kill();
    let _ = service.wait();
    for run in &runs {
        assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
        assert!(run.stdout.contains("2 passed, 0 failed"), "{}", run.stdout);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_port_in_use_is_exit_2_naming_the_port() {
    let dir = temp_dir("lifecycle-port");
    scenarios(&dir, &["happy-path"]);
    let (base, _) = free_ports(1, 5);
    let taken = std::net::TcpListener::bind(("127.0.0.1", base + 2)).expect("bind");
    let done = finish(
        drydock(
            &dir,
            &[
                "run",
                "--endpoint",
                "http://127.0.0.1:9",
                "--port-base",
                &base.to_string(),
            ],
        ),
        Duration::from_secs(30),
    );
    drop(taken);
    assert_eq!(done.code, Some(2), "{}", done.stderr);
    assert!(
        done.stderr.contains(&format!("port {} (the", base + 2))
            && done.stderr.contains("drydock serve"),
        "{}",
        done.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_endpoint_run_writes_the_scenarios_world_before_its_first_step() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("lifecycle-world-file");
    scenarios(&dir, &["multi-channel-fulfilment"]);
    // Control, six declared nodes and slack; nothing listens at the endpoint, so the run
    // stops at the health check, after the world was written.
    let (base, closed) = free_ports(2, 8);
    let done = finish(
        drydock(
            &dir,
            &[
                "run",
                "--endpoint",
                &format!("http://127.0.0.1:{closed}"),
                "--port-base",
                &base.to_string(),
                "--ready-timeout",
                "1",
            ],
        ),
        Duration::from_secs(30),
    );
    assert_ne!(done.code, Some(0), "{}", done.stdout);
    let (manifest, ids) = world_file(&dir);
    assert_eq!(ids, TWO_OF_EACH_NODES, "{manifest}\n{}", done.stderr);
    assert_eq!(
        manifest["sut_url"],
        format!("http://127.0.0.1:{closed}"),
        "{manifest}"
    );
    let file = dir.join(".drydock").join("world.json");
    let mode = std::fs::metadata(&file).map(|m| m.permissions().mode() & 0o777);
    assert_eq!(mode.ok(), Some(0o600));
    let _ = std::fs::remove_dir_all(&dir);
}
