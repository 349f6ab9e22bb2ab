//! Running cases: one world and one integration for a whole batch of orders (they are
//! independent), each order placed through the storefront persona, the clock moved on,
//! then every case judged from the world.

use std::sync::Arc;
use std::time::{Duration, Instant};

use drydock_core::action::{Action, OrderLine, Outcome, PlaceOrder};
use drydock_core::address::Address;
use drydock_core::spec::{ProductSpec, WorldSpec};
use drydock_runner::{SutMode, sut};
use drydock_simulator::settle::SettlePolicy;
use drydock_simulator::{Simulator, WebhookTargets};

use crate::judge::{Verdict, decided, judge};

/// The one product every fuzz order buys.
pub const SKU: &str = "FUZZ-PARCEL";

/// The integration under test and the real-time bounds around it.
#[derive(Debug, Clone)]
pub struct Target {
    pub sut: SutMode,
    /// How long the integration has to answer `GET /health`.
    pub ready_timeout: Duration,
    /// How the clock decides that the integration is done (one policy for a whole run).
    pub settle: SettlePolicy,
}

/// The world a batch runs in: one product with stock for every order.
pub fn world_spec(seed: u64, orders: usize) -> WorldSpec {
    WorldSpec {
        name: "fuzz-addresses".into(),
        seed,
        catalog: vec![ProductSpec {
            sku: SKU.into(),
            title: "Fuzz parcel".into(),
            price_cents: 1_000,
            weight_oz: 16,
            stock: i64::try_from(orders).unwrap_or(i64::MAX).saturating_add(10),
        }],
        ..WorldSpec::default()
    }
}

/// The integration could not be started or reached: nothing was judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupError(pub String);

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Places one order per address in a fresh world and returns each case's verdict, in
/// the order given.
pub async fn run_batch(
    simulator: &Arc<Simulator>,
    target: &Target,
    seed: u64,
    addresses: &[Address],
) -> Result<Vec<Verdict>, SetupError> {
    let (ports, settings) = sut::world_plan(
        &target.sut,
        target.settle.clone(),
        &WebhookTargets::default(),
    )
    .await
    .map_err(|e| SetupError(format!("cannot create the fuzz world: {e}")))?;
    let spec = world_spec(seed, addresses.len());
    let world = simulator
        .create_world(&spec, ports, settings)
        .await
        .map_err(|e| SetupError(format!("cannot create the fuzz world: {e}")))?;
    let mut running = match sut::start(&target.sut, &world, "fuzz-addresses").await {
        Ok(r) => r,
        Err(e) => {
            simulator.remove_world(&world.id);
            return Err(SetupError(e.to_string()));
        }
    };
    if let Err(e) = running.wait_ready(target.ready_timeout).await {
        running.stop().await;
        simulator.remove_world(&world.id);
        return Err(SetupError(e.to_string()));
    }
    world.settling.discover(&running.url).await;
    let mut orders = Vec::with_capacity(addresses.len());
    for address in addresses {
        let order = Action::PlaceOrder(PlaceOrder {
            channel: None,
            email: "fuzz@example.com".into(),
            ship_to: address.clone(),
            lines: vec![OrderLine {
                sku: SKU.to_owned(),
                quantity: 1,
            }],
            unless_sold_out: false,
        });
        let placed = match world.act(|w| w.perform(order)).await {
            Ok(Outcome::Placed { order_id, .. }) => Ok(order_id),
            Ok(other) => Err(format!("{other:?}")),
            Err(e) => Err(e.to_string()),
        };
        orders.push(placed);
    }
    let busy_limit = Duration::from_secs(10) + Duration::from_millis(40) * addresses.len() as u32;
    world.settle_within(busy_limit).await;
    // Let the clock move past intake (webhook retries, anything the integration scheduled).
    let to = world.now() + drydock_core::Duration::from_mins(1);
    world.advance_to(to).await;
    let placed: Vec<u64> = orders
        .iter()
        .filter_map(|o| o.as_ref().ok().copied())
        .collect();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(3)
        && !world.read(|w| placed.iter().all(|id| decided(w, *id)))
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let verdicts = world.read(|w| {
        orders
            .iter()
            .zip(addresses)
            .map(|(order, address)| match order {
                Ok(id) => judge(w, address, *id),
                Err(e) => Verdict::not_placed(format!("the storefront refused the order: {e}")),
            })
            .collect()
    });
    running.stop().await;
    simulator.remove_world(&world.id);
    Ok(verdicts)
}
