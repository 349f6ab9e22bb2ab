//! Connection hygiene on every listener: slow-header floods do not starve other clients,
//! silent and idle connections are closed, bodies over the limit or too slow are refused
//! in the provider's own shape.

use std::time::Duration;

use drydock_simulator::handle::WorldSettings;
use drydock_simulator::{ConnectionLimits, PortPlan, Simulator};
use reqwest::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{client, easypost, send, shopify, spec};

/// `http://127.0.0.1:port/...` → `127.0.0.1:port`.
fn authority(url: &str) -> String {
    let rest = url.trim_start_matches("http://");
    rest.split('/').next().unwrap_or(rest).to_string()
}

async fn world_with(limits: ConnectionLimits) -> std::sync::Arc<drydock_simulator::WorldHandle> {
    let settings = WorldSettings {
        connections: limits,
        ..WorldSettings::default()
    };
    Simulator::new()
        .create_world(&spec(), PortPlan::Ephemeral, settings)
        .await
        .expect("the world starts")
}

/// Reads until the server closes the connection (or `limit` passes); what it sent.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let read = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(limit, read).await.ok()?;
    Some(String::from_utf8_lossy(&seen).into_owned())
}

#[tokio::test]
async fn fifteen_hundred_slow_header_connections_do_not_block_other_clients() {
    let world = super::world().await;
    let target = authority(&world.endpoints.shopify);
    let mut slow = Vec::new();
    for _ in 0..1500 {
        let Ok(mut stream) = TcpStream::connect(&target).await else {
            continue;
        };
        let _ = stream
            .write_all(b"GET /admin/api/2026-10/locations.json HTTP/1.1\r\nHost: x\r\n")
            .await;
        slow.push(stream);
    }
    assert!(slow.len() >= 1000, "the flood connected ({})", slow.len());
    let quick = |r: reqwest::RequestBuilder| r.timeout(Duration::from_secs(1));
    let other = send(quick(easypost(&world, Method::GET, "/addresses"))).await;
    assert!(
        other.status < 500,
        "another persona answers: {}",
        other.text
    );
    let same = send(quick(shopify(&world, Method::GET, "locations.json"))).await;
    assert_eq!(
        same.status, 200,
        "the flooded persona answers: {}",
        same.text
    );
    drop(slow);
}

#[tokio::test]
async fn silent_slow_and_idle_connections_are_closed() {
    let world = world_with(ConnectionLimits {
        header_read_timeout: Duration::from_millis(300),
        idle_timeout: Duration::from_millis(300),
        body_read_timeout: Duration::from_millis(300),
        ..ConnectionLimits::default()
    })
    .await;
    let target = authority(&world.endpoints.shopify);
    let token = world.credentials.shopify_access_token.clone();

    let mut half_headers = TcpStream::connect(&target).await.expect("connects");
    half_headers
        .write_all(b"GET /admin/api/2026-10/locations.json HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("writes");
    let closed = read_until_closed(&mut half_headers, Duration::from_secs(3)).await;
    assert!(
        closed.is_some(),
        "a connection still sending headers is closed"
    );

    let mut idle = TcpStream::connect(&target).await.expect("connects");
    let request = format!(
        "GET /admin/api/2026-10/locations.json HTTP/1.1\r\nHost: x\r\nX-Shopify-Access-Token: {token}\r\n\r\n"
    );
    idle.write_all(request.as_bytes()).await.expect("writes");
    let answered = read_until_closed(&mut idle, Duration::from_secs(3)).await;
    let answered = answered.expect("an idle keep-alive connection is closed after its answer");
    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");

    let mut slow_body = TcpStream::connect(&target).await.expect("connects");
    let request = format!(
        "POST /admin/api/2026-10/orders.json HTTP/1.1\r\nHost: x\r\nX-Shopify-Access-Token: {token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"order\""
    );
    slow_body
        .write_all(request.as_bytes())
        .await
        .expect("writes");
    let refused = read_until_closed(&mut slow_body, Duration::from_secs(3)).await;
    let refused = refused.expect("a body that never arrives is refused");
    assert!(refused.starts_with("HTTP/1.1 408"), "{refused}");
    assert!(
        refused.contains("{\"errors\":"),
        "in Shopify's shape: {refused}"
    );
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused_in_each_providers_shape() {
    let world = super::world().await;
    let huge = "x".repeat(3 * 1024 * 1024);
    let shop = send(shopify(&world, Method::POST, "orders.json").body(huge.clone())).await;
    assert_eq!(shop.status, 413, "{}", shop.text);
    assert!(shop.body["errors"].is_string(), "{}", shop.text);
    let carrier = send(easypost(&world, Method::POST, "/shipments").body(huge.clone())).await;
    assert_eq!(carrier.status, 413);
    assert_eq!(carrier.body["error"]["code"], "REQUEST.TOO_LARGE");
    let warehouse = send(super::shipbob(&world, Method::POST, "/order").body(huge)).await;
    assert_eq!(warehouse.status, 413);
    assert_eq!(warehouse.body["statusCode"], 413, "{}", warehouse.text);
    let journal = world.journal.entries();
    assert!(
        journal.iter().all(|e| e.request_body.len() <= 70 * 1024),
        "nothing huge is stored"
    );
}

#[tokio::test]
async fn a_huge_body_under_the_limit_is_journaled_as_a_small_copy() {
    let world = super::world().await;
    let big = format!("{{\"order\": \"{}\"}}", "y".repeat(1_900_000));
    let reply = send(shopify(&world, Method::POST, "orders.json").body(big)).await;
    assert!(reply.status < 500, "{}", reply.text);
    let entry = world.journal.entries().pop().expect("journaled");
    assert!(
        entry.request_body.len() <= 64 * 1024 + 16,
        "{}",
        entry.request_body.len()
    );
    assert!(entry.request_body.ends_with("…[cut]"));
    let _ = client();
}

/// A `drydock serve` child limited to 1024 file descriptors, killed when dropped.
struct Served {
    child: std::process::Child,
    base: u16,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port base below the system's ephemeral range (where in-process worlds bind), tried
/// anew when the one before was taken.
fn port_base(attempt: u32) -> u16 {
    let slot = (std::process::id() + attempt * 97) % 1000;
    20_000 + u16::try_from(slot * 10).unwrap_or(0)
}

async fn serve_with_1024_descriptors(dir: &std::path::Path) -> Served {
    for attempt in 0..5 {
        let base = port_base(attempt);
        let child = std::process::Command::new("sh")
            .arg("-c")
            .arg("ulimit -n 1024 && exec \"$0\" serve --port-base \"$1\"")
            .arg(crate::support::drydock_bin())
            .arg(base.to_string())
            .current_dir(dir)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("drydock serve starts");
        let mut served = Served { child, base };
        let health = format!("http://127.0.0.1:{base}/health");
        for _ in 0..200 {
            if matches!(served.child.try_wait(), Ok(Some(_))) {
                break;
            }
            if client().get(&health).send().await.is_ok() {
                return served;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    panic!("drydock serve did not come up");
}

#[tokio::test]
async fn a_flooded_persona_of_a_server_with_1024_descriptors_leaves_the_others_answering() {
    let dir = crate::support::temp_dir("flood");
    let served = serve_with_1024_descriptors(&dir).await;
    let flooded = format!("127.0.0.1:{}", served.base + 1);
    let mut slow = Vec::new();
    // Well within the server's header timeout, so that only the cap can save it.
    let flood_ends = std::time::Instant::now() + Duration::from_secs(5);
    for _ in 0..1500 {
        if std::time::Instant::now() >= flood_ends {
            break;
        }
        let connect = TcpStream::connect(&flooded);
        let Ok(Ok(mut stream)) = tokio::time::timeout(Duration::from_millis(200), connect).await
        else {
            continue;
        };
        let _ = stream
            .write_all(b"GET /admin/api/2026-10/locations.json HTTP/1.1\r\n")
            .await;
        slow.push(stream);
    }
    // Let the server accept what it will of the flood before the normal requests.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let answers = |port: u16, path: &str| {
        let url = format!("http://127.0.0.1:{port}{path}");
        client().get(url).timeout(Duration::from_secs(1)).send()
    };
    let control = answers(served.base, "/health").await;
    assert!(control.is_ok(), "the control API answers: {control:?}");
    let other = answers(served.base + 2, "/v2/addresses").await;
    assert!(other.is_ok(), "another persona answers: {other:?}");
    let same = answers(served.base + 1, "/admin/api/2026-10/locations.json").await;
    assert!(same.is_ok(), "the flooded persona answers: {same:?}");
    drop(slow);
    drop(served);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_listener_whose_connections_are_all_busy_answers_503_in_the_providers_shape() {
    let world = world_with(ConnectionLimits {
        max_connections: 1,
        ..ConnectionLimits::default()
    })
    .await;
    let target = authority(&world.endpoints.shipbob);
    // Busy: its headers are in and its body is still coming.
    let mut busy = TcpStream::connect(&target).await.expect("connects");
    busy.write_all(b"POST /2026-01/order HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        .await
        .expect("writes");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut newcomer = TcpStream::connect(&target).await.expect("connects");
    newcomer
        .write_all(b"GET /2026-01/inventory HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("writes");
    let refused = read_until_closed(&mut newcomer, Duration::from_secs(3)).await;
    let refused = refused.expect("the newcomer is answered and closed");
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    assert!(
        refused.contains("\"statusCode\":503"),
        "ShipBob's shape: {refused}"
    );
    drop(busy);
}
