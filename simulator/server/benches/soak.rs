//! Soak benchmark: one world, a million requests over loopback to the Shopify persona
//! (keep-alive, a few connections at once; one call in ten a POST with a 4 KB body the
//! persona refuses, so the world itself does not grow), printing the process's RSS every
//! 100k requests and then the peak while `GET /worlds/{id}/journal` is read.
//!
//! Run: `cargo bench -p drydock-simulator --bench soak` (release). Fewer requests for a
//! quick look: `DRYDOCK_SOAK_REQUESTS=200000`. After warm-up (the first 100k) RSS must
//! stay within 50 MB; the last line says whether it did.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use drydock_core::WorldSpec;
use drydock_core::spec::ProductSpec;
use drydock_simulator::control::{self, ControlState};
use drydock_simulator::handle::WorldSettings;
use drydock_simulator::{PortPlan, Simulator};

const WORKERS: u64 = 8;
const REPORT_EVERY: u64 = 100_000;
const FLAT_WITHIN_MB: f64 = 50.0;

/// A figure from `/proc/self/status` in MB (`VmRSS`, `VmHWM`); 0 where there is none.
fn status_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn spec() -> WorldSpec {
    WorldSpec {
        name: "soak".into(),
        seed: 1,
        catalog: vec![ProductSpec {
            sku: "MUG".into(),
            title: "Mug".into(),
            price_cents: 1200,
            weight_oz: 12,
            stock: 50,
        }],
        ..WorldSpec::default()
    }
}

#[tokio::main]
async fn main() {
    let total: u64 = std::env::var("DRYDOCK_SOAK_REQUESTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let simulator = Simulator::new();
    let world = simulator
        .create_world(&spec(), PortPlan::Ephemeral, WorldSettings::default())
        .await
        .expect("the world starts");
    let base = world.endpoints.shopify.clone();
    let token = world.credentials.shopify_access_token.clone();
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("a client");
    let next = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let samples = Arc::new(std::sync::Mutex::new(Vec::new()));
    let body = "x".repeat(4096);
    let started = Instant::now();
    println!("requests      rss MB   req/s");
    let mut workers = Vec::new();
    for _ in 0..WORKERS {
        let (client, base, token, body) =
            (client.clone(), base.clone(), token.clone(), body.clone());
        let (next, done, failed) = (Arc::clone(&next), Arc::clone(&done), Arc::clone(&failed));
        let samples = Arc::clone(&samples);
        workers.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total {
                    break;
                }
                let request = if n % 10 == 9 {
                    client
                        .post(format!("{base}/orders.json"))
                        .body(body.clone())
                } else {
                    client.get(format!("{base}/products.json"))
                };
                let sent = request
                    .header("X-Shopify-Access-Token", &token)
                    .send()
                    .await;
                match sent {
                    Ok(response) => {
                        let _ = response.bytes().await;
                    }
                    Err(_) => {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
                let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                if finished % REPORT_EVERY == 0 {
                    let rate = finished as f64 / started.elapsed().as_secs_f64();
                    let rss = status_mb("VmRSS:");
                    println!("{finished:>8}  {rss:>9.1}  {rate:>6.0}");
                    if let Ok(mut s) = samples.lock() {
                        s.push(rss);
                    }
                }
            }
        }));
    }
    for w in workers {
        let _ = w.await;
    }
    let after_soak = status_mb("VmRSS:");
    let samples = samples.lock().map(|s| s.clone()).unwrap_or_default();
    if let Some((&warm, rest)) = samples.split_first() {
        let highest = rest.iter().copied().fold(warm, f64::max);
        let growth = highest - warm;
        let verdict = if growth <= FLAT_WITHIN_MB {
            "flat"
        } else {
            "GROWING"
        };
        println!(
            "RSS after warm-up: {warm:.1} MB at {REPORT_EVERY}, highest {highest:.1} MB: +{growth:.1} MB ({verdict}, limit {FLAT_WITHIN_MB} MB)"
        );
    }
    println!(
        "journal: {} entries ({} lost); failed requests: {}",
        world.journal.len(),
        world.journal.lost(),
        failed.load(Ordering::Relaxed)
    );
    journal_peak(&simulator, &world.id, &client, after_soak).await;
}

/// Reads the journal through the control API and prints the peak RSS it caused.
async fn journal_peak(simulator: &Arc<Simulator>, id: &str, client: &reqwest::Client, before: f64) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("control binds");
    let addr = listener.local_addr().expect("control address");
    let app = control::router(ControlState::new(Arc::clone(simulator), None));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let hwm_before = status_mb("VmHWM:");
    let url = format!("http://{addr}/worlds/{id}/journal");
    let page = client.get(&url).send().await.expect("the journal answers");
    let bytes = page.bytes().await.map(|b| b.len()).unwrap_or(0);
    println!(
        "GET /journal: {bytes} bytes in the first answer; RSS {before:.1} MB before, peak {:.1} MB (peak before: {hwm_before:.1} MB)",
        status_mb("VmHWM:")
    );
}
