//! `drydock serve` as a user runs it, in a child process: it makes a control token,
//! prints it, writes it owner-only to `.drydock/serve.env` (the manifest beside it as
//! `.drydock/world.json`, every node printed), refuses the control API
//! without it, and `drydock fault` finds it — and the control API's address — there by
//! itself; SIGTERM stops it as Ctrl-C does.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use crate::support::drydock_bin;
use crate::support::temp_dir;

/// A `drydock serve` child, killed by its PID when dropped.
struct Served {
    child: Child,
    control: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `drydock serve` in `dir` on a free port base (a few tries: the four persona
/// ports after the control port must be free too) and waits for `/health`.
async fn serve(dir: &Path, extra: &[&str]) -> Served {
    for _ in 0..5 {
        let base = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
            probe.local_addr().expect("address").port()
        };
        if base > u16::MAX - 5 {
            continue;
        }
        let out = std::fs::File::create(dir.join("serve.out")).expect("output file");
        let err = std::fs::File::create(dir.join("serve.err")).expect("error file");
        let child = Command::new(drydock_bin())
            .current_dir(dir)
            .args(["serve", "--port-base", &base.to_string()])
            .args(extra)
            .env_remove("DRYDOCK_CONTROL_TOKEN")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("drydock serve starts");
        let mut served = Served {
            child,
            control: format!("http://127.0.0.1:{base}"),
        };
        for _ in 0..100 {
            if served.child.try_wait().ok().flatten().is_some() {
                break;
            }
            let health = reqwest::get(format!("{}/health", served.control)).await;
            if health.is_ok_and(|r| r.status().is_success()) {
                return served;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        drop(served);
    }
    panic!("drydock serve did not come up on any of 5 port bases");
}

/// Runs `drydock fault args` in `dir`, with `--control` when given (else it must find the
/// control API in `.drydock/serve.env`).
fn fault_at(dir: &Path, control: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(drydock_bin());
    cmd.current_dir(dir)
        .arg("fault")
        .args(args)
        .env_remove("DRYDOCK_CONTROL_TOKEN")
        .env_remove("DRYDOCK_CONTROL_URL")
        .stdin(Stdio::null());
    if let Some(control) = control {
        cmd.args(["--control", control]);
    }
    cmd.output().expect("drydock fault runs")
}

/// The file holds secrets: mode 0600.
fn assert_owner_only(file: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{} is owner-only", file.display());
    }
}

fn fault(dir: &Path, control: &str, args: &[&str]) -> Output {
    fault_at(dir, Some(control), args)
}

#[tokio::test]
async fn serve_makes_a_private_token_and_fault_finds_it_in_serve_env() {
    let dir = temp_dir("serve-token");
    let served = serve(&dir, &[]).await;
    let env_file = dir.join(".drydock").join("serve.env");
    let env = std::fs::read_to_string(&env_file).expect("serve.env written");
    let token = env
        .lines()
        .find_map(|l| l.strip_prefix("DRYDOCK_CONTROL_TOKEN='"))
        .and_then(|v| v.strip_suffix('\''))
        .expect("the token is in serve.env")
        .to_string();
    assert_eq!(token.len(), 64, "{token}");
    assert_owner_only(&env_file);
    let printed = std::fs::read_to_string(dir.join("serve.out")).unwrap_or_default();
    assert!(
        printed.contains(&format!("control token {token}")),
        "{printed}"
    );
    // The manifest beside serve.env, owner-only (it holds every credential), and one
    // printed line per node naming its role, id, provider and URL.
    let world_file = dir.join(".drydock").join("world.json");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&world_file).expect("world.json written"))
            .expect("world.json is JSON");
    assert_owner_only(&world_file);
    let nodes = manifest["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 4, "{manifest}");
    for node in nodes {
        let line = format!(
            "{} {} {} {}",
            node["role"].as_str().unwrap_or_default(),
            node["id"].as_str().unwrap_or_default(),
            node["provider"].as_str().unwrap_or_default(),
            node["url"].as_str().unwrap_or_default()
        );
        assert!(
            printed
                .lines()
                .any(|l| l.split_whitespace().collect::<Vec<_>>().join(" ") == line),
            "no line `{line}` in {printed}"
        );
        let var = format!(
            "{}URL='{}'",
            node["env_prefix"].as_str().unwrap_or_default(),
            node["url"].as_str().unwrap_or_default()
        );
        assert!(
            node["role"] == "alerts" || env.contains(&var),
            "{var} not in {env}"
        );
    }

    let client = reqwest::Client::new();
    let worlds = format!("{}/worlds", served.control);
    let open = client.get(&worlds).send().await.expect("answers");
    assert_eq!(open.status(), 401);
    let wrong = client
        .get(&worlds)
        .bearer_auth("guess")
        .send()
        .await
        .expect("answers");
    assert_eq!(wrong.status(), 401);
    let right = client
        .get(&worlds)
        .bearer_auth(&token)
        .send()
        .await
        .expect("answers");
    assert_eq!(right.status(), 200);

    let added = fault(
        &dir,
        &served.control,
        &["add", "{name: down, persona: easypost, effect: outage}"],
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    // No --control: serve.env says where the control API is (not the default 4780).
    let listed = fault_at(&dir, None, &["list"]);
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    assert!(String::from_utf8_lossy(&listed.stdout).contains("down"));

    let elsewhere = temp_dir("serve-token-elsewhere");
    let lost = fault(&elsewhere, &served.control, &["list"]);
    assert_eq!(lost.status.code(), Some(1));
    let said = String::from_utf8_lossy(&lost.stderr);
    assert!(
        said.contains("401")
            && said.contains("no control token was found")
            && said.contains("--token"),
        "{said}"
    );
    let flagged = fault(&elsewhere, &served.control, &["list", "--token", &token]);
    assert!(
        flagged.status.success(),
        "{}",
        String::from_utf8_lossy(&flagged.stderr)
    );

    let mut served = served;
    let pid = served.child.id().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status();
    assert!(sent.is_ok_and(|s| s.success()), "SIGTERM sent to {pid}");
    let mut stopped = None;
    for _ in 0..100 {
        stopped = served.child.try_wait().ok().flatten();
        if stopped.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        stopped.and_then(|s| s.code()),
        Some(0),
        "drydock serve stops on SIGTERM, shutting its world down, and exits 0"
    );
    drop(served);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&elsewhere);
}

#[tokio::test]
async fn no_control_token_opens_the_api_with_a_warning() {
    let dir = temp_dir("serve-open");
    let served = serve(&dir, &["--no-control-token"]).await;
    let worlds = reqwest::get(format!("{}/worlds", served.control))
        .await
        .expect("answers");
    assert_eq!(worlds.status(), 200);
    let env = std::fs::read_to_string(dir.join(".drydock").join("serve.env")).unwrap_or_default();
    assert!(!env.contains("DRYDOCK_CONTROL_TOKEN"), "{env}");
    drop(served);
    let warned = std::fs::read_to_string(dir.join("serve.err")).unwrap_or_default();
    assert!(warned.contains("warning: --no-control-token"), "{warned}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two of each role, as a team with a channel per market and a 3PL per region declares.
const SIX_NODES: &str = "version: 1
name: six-nodes
world:
  seed: 5
  catalog: [{ sku: MUG, title: Mug, price: \"14.00\" }]
  channels: [{ id: shop, provider: shopify }, { id: shop-eu, provider: shopify }]
  warehouses:
    - { id: wh-east, provider: shipbob, stock: { MUG: 10 } }
    - { id: wh-eu, provider: shipbob, region: EU, stock: { MUG: 4 },
        ship_from: { name: Drydock EU, street1: Wilhelminakade 1, city: Rotterdam, zip: \"3072 AP\", country: NL } }
  carriers: [{ id: easypost, provider: easypost }, { id: easypost-eu, provider: easypost }]
steps:
  - advance_clock: 1h
";

#[test]
fn serve_world_prints_every_node_and_writes_each_ones_variables_and_the_manifest() {
    let dir = temp_dir("serve-nodes");
    std::fs::write(dir.join("six.yaml"), SIX_NODES).expect("scenario written");
    let mut done = None;
    for _ in 0..5 {
        let base = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("a free port")
            .local_addr()
            .expect("address")
            .port();
        if base > u16::MAX - 8 {
            continue;
        }
        let out = Command::new(drydock_bin())
            .current_dir(&dir)
            .args(["serve", "--env-only", "--world", "six.yaml"])
            .args(["--port-base", &base.to_string()])
            .env_remove("DRYDOCK_CONTROL_TOKEN")
            .stdin(Stdio::null())
            .output()
            .expect("drydock serve runs");
        if out.status.success() {
            done = Some((base, out));
            break;
        }
    }
    let (base, out) = done.expect("drydock serve --env-only succeeded on one of 5 port bases");
    let printed = String::from_utf8_lossy(&out.stderr);
    // Role, id, provider and URL of every node; the first of each role on base+1..4 as
    // always, the others after them in declaration order.
    for (role, id, provider, offset) in [
        ("channel", "shop", "shopify", 1),
        ("channel", "shop-eu", "shopify", 5),
        ("warehouse", "wh-east", "shipbob", 3),
        ("warehouse", "wh-eu", "shipbob", 6),
        ("carrier", "easypost", "easypost", 2),
        ("carrier", "easypost-eu", "easypost", 7),
        ("alerts", "slack", "slack", 4),
    ] {
        let port = base + offset;
        assert!(
            printed.lines().any(|l| {
                let words: Vec<&str> = l.split_whitespace().collect();
                words.len() == 4
                    && words[..3] == [role, id, provider]
                    && words[3].starts_with(&format!("http://127.0.0.1:{port}/"))
            }),
            "no line for {role} {id} on port {port}:\n{printed}"
        );
    }
    let env = std::fs::read_to_string(dir.join(".drydock").join("serve.env")).expect("serve.env");
    for var in [
        "DRYDOCK_SHOP_URL=",
        "DRYDOCK_SHOP_EU_ACCESS_TOKEN=",
        "DRYDOCK_WH_EAST_TOKEN=",
        "DRYDOCK_WH_EU_CHANNEL_ID=",
        "DRYDOCK_EASYPOST_EU_API_KEY=",
        "DRYDOCK_SLACK_WEBHOOK_URL=",
        "DRYDOCK_WORLD_JSON=",
    ] {
        assert!(
            env.lines().any(|l| l.starts_with(var)),
            "{var} not in {env}"
        );
    }
    let (manifest, ids) = crate::support::world_file(&dir);
    assert_eq!(ids, crate::support::TWO_OF_EACH_NODES, "{manifest}");
    assert_eq!(manifest["nodes"][3]["ship_from"]["city"], "Rotterdam");
    let _ = std::fs::remove_dir_all(&dir);
}
