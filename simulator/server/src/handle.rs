//! One running world: its state behind a lock of its own (no global lock on the hot
//! path), its personas' endpoints and credentials, its journal, and the operations the
//! harness and the control API perform on it.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use drydock_core::{Timestamp, World, WorldEvent};
use serde::Serialize;
use tokio::task::JoinHandle;

use crate::activity::Activity;
use crate::credentials::Credentials;
use crate::delivery::{self, PendingDelivery};
use crate::journal::Journal;
use crate::settle::{SettlePolicy, Settling};
use crate::webhook_targets::WebhookTargets;

/// Where each persona of a world listens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Endpoints {
    /// Shopify Admin REST base, e.g. `http://127.0.0.1:40001/admin/api/2026-10`.
    pub shopify: String,
    /// EasyPost base, e.g. `http://127.0.0.1:40002/v2`.
    pub easypost: String,
    /// ShipBob base, e.g. `http://127.0.0.1:40003/2026-01`.
    pub shipbob: String,
    /// Slack incoming-webhook URL for alerts.
    pub slack: String,
}

/// Timing of the shell around a world (real time, not virtual).
#[derive(Debug, Clone)]
pub struct WorldSettings {
    /// How the clock decides that the integration is done reacting.
    pub settle: SettlePolicy,
    /// The longest the clock waits for the integration to be done.
    pub settle_limit: Duration,
    /// How long a webhook delivery may take before it counts as failed.
    pub delivery_timeout: Duration,
    /// Where to deliver webhooks of a persona that has no subscriptions for a topic
    /// (`{base}/webhooks/{shopify|easypost|shipbob}`), for integrations configured by hand.
    pub default_webhook_base: Option<String>,
    /// Build the world in this id space ([`drydock_core::World::in_id_space`]), for a
    /// long-running integration that sees world after world; None: the seed's ids.
    pub id_space: Option<u64>,
    /// Derive the personas' credentials from this seed (a project's secret) instead of
    /// the world's, so every world of a long-running integration has the same ones.
    pub credentials_seed: Option<u64>,
    /// Where the journal is kept (`{dir}/{world id}.jsonl`); None keeps it in an
    /// anonymous temp file that disappears with the world.
    pub journal_dir: Option<std::path::PathBuf>,
    /// Timeouts and caps of every persona's listener.
    pub connections: crate::serving::ConnectionLimits,
    /// The hosts webhooks may go to (loopback only unless widened).
    pub webhook_targets: WebhookTargets,
}

impl Default for WorldSettings {
    fn default() -> Self {
        WorldSettings {
            settle: SettlePolicy::default(),
            settle_limit: Duration::from_secs(5),
            delivery_timeout: Duration::from_secs(5),
            default_webhook_base: None,
            id_space: None,
            credentials_seed: None,
            journal_dir: None,
            connections: crate::serving::ConnectionLimits::default(),
            webhook_targets: WebhookTargets::default(),
        }
    }
}

pub struct WorldHandle {
    pub id: String,
    world: Mutex<World>,
    pub journal: Journal,
    pub activity: Activity,
    /// The settle oracle: when the clock may move on.
    pub settling: Settling,
    pub credentials: Credentials,
    pub endpoints: Endpoints,
    pub settings: WorldSettings,
    pub(crate) started: Instant,
    pub(crate) http: reqwest::Client,
    pub(crate) pending: Mutex<HashMap<u64, PendingDelivery>>,
    /// Deliveries an `out_of_order` fault holds back, oldest first.
    pub(crate) held: Mutex<Vec<PendingDelivery>>,
    next_delivery: AtomicU64,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl WorldHandle {
    pub(crate) fn new(
        id: String,
        world: World,
        credentials: Credentials,
        endpoints: Endpoints,
        settings: WorldSettings,
        journal: Journal,
    ) -> WorldHandle {
        let http = reqwest::Client::builder()
            .timeout(settings.delivery_timeout)
            .no_proxy()
            // A redirect could lead a delivery to a host the target policy refuses.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        let settling = Settling::new(settings.settle.clone(), settings.settle_limit);
        WorldHandle {
            id,
            world: Mutex::new(world),
            journal,
            activity: Activity::new(settling.reactions()),
            settling,
            credentials,
            endpoints,
            settings,
            started: Instant::now(),
            http,
            pending: Mutex::new(HashMap::new()),
            held: Mutex::new(Vec::new()),
            next_delivery: AtomicU64::new(1),
            tasks: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn add_task(&self, task: JoinHandle<()>) {
        if let Ok(mut tasks) = self.tasks.lock() {
            // Forget finished tasks now and then, so a long run does not keep them all.
            if tasks.len() >= 64 && tasks.len().is_power_of_two() {
                tasks.retain(|t| !t.is_finished());
            }
            tasks.push(task);
        }
    }

    /// Stops the world's persona servers and pending deliveries.
    pub fn shut_down(&self) {
        if let Ok(mut tasks) = self.tasks.lock() {
            for task in tasks.drain(..) {
                task.abort();
            }
        }
    }

    pub(crate) fn next_delivery_id(&self) -> u64 {
        self.next_delivery.fetch_add(1, Ordering::SeqCst)
    }

    /// Runs `f` on the world and returns its result with the events it caused.
    pub fn with_world<R>(&self, f: impl FnOnce(&mut World) -> R) -> (R, Vec<WorldEvent>) {
        let mut world = match self.world.lock() {
            Ok(w) => w,
            Err(poisoned) => poisoned.into_inner(),
        };
        let r = f(&mut world);
        let events = world.take_events();
        (r, events)
    }

    /// Reads the world without changing it.
    pub fn read<R>(&self, f: impl FnOnce(&World) -> R) -> R {
        let world = match self.world.lock() {
            Ok(w) => w,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&world)
    }

    pub fn snapshot(&self) -> World {
        self.read(World::clone)
    }

    pub fn now(&self) -> Timestamp {
        self.read(World::now)
    }

    /// Performs an operation for the harness or control API and delivers the webhooks it
    /// caused before returning.
    pub async fn act<R>(self: &Arc<Self>, f: impl FnOnce(&mut World) -> R) -> R {
        let (r, events) = self.with_world(f);
        self.deliver_stimulus(events).await;
        r
    }

    /// Delivers webhooks drydock sends on its own initiative (a scenario step, a clock
    /// happening): the integration's next change is its reaction to them. Webhooks its
    /// own requests cause are no stimulus.
    async fn deliver_stimulus(self: &Arc<Self>, events: Vec<WorldEvent>) {
        if !events.is_empty() {
            self.activity.stimulus();
        }
        delivery::deliver_all(self, events).await;
    }

    /// Performs an operation on behalf of a persona request; webhooks it caused are
    /// delivered in the background so the caller's response is not held up.
    pub fn act_in_background<R>(self: &Arc<Self>, f: impl FnOnce(&mut World) -> R) -> R {
        let (r, events) = self.with_world(f);
        if !events.is_empty() {
            let me = Arc::clone(self);
            let delivering = self.activity.delivering();
            self.add_task(tokio::spawn(async move {
                delivery::deliver_all(&me, events).await;
                drop(delivering);
            }));
        }
        r
    }

    /// Waits until the integration is done reacting (the settle oracle), at most the
    /// settle limit; false when the limit was hit.
    pub async fn settle(&self) -> bool {
        self.settle_within(self.settings.settle_limit).await
    }

    /// [`WorldHandle::settle`] with a limit of its own.
    pub async fn settle_within(&self, limit: Duration) -> bool {
        self.settling.settle(&self.activity, limit).await
    }

    /// Moves the virtual clock to `to`, firing each due happening at its own time,
    /// delivering its webhooks and letting the integration react before the next one.
    pub async fn advance_to(self: &Arc<Self>, to: Timestamp) -> AdvanceReport {
        let mut report = AdvanceReport::default();
        self.settle().await;
        loop {
            let (fired, events) = self.with_world(|w| w.fire_next(to));
            if !fired {
                break;
            }
            report.happenings += 1;
            report.webhooks += events.len();
            self.deliver_stimulus(events).await;
            if !self.settle().await {
                report.unsettled += 1;
            }
        }
        delivery::release_held(self).await;
        self.with_world(|w| w.settle_clock(to));
        report
    }

    /// The variables an integration needs to find and authenticate to this world's
    /// personas (the integration contract), given where the integration itself listens.
    pub fn sut_env(&self, sut_url: &str, port: u16) -> BTreeMap<String, String> {
        let (ship_from, shop_domain) =
            self.read(|w| (w.ship_from.clone(), w.channels.first().shop_domain.clone()));
        let c = &self.credentials;
        let e = &self.endpoints;
        let pairs = [
            ("PORT", port.to_string()),
            ("DRYDOCK_SUT_URL", sut_url.to_string()),
            ("DRYDOCK_SHOPIFY_URL", e.shopify.clone()),
            ("DRYDOCK_SHOPIFY_SHOP_DOMAIN", shop_domain),
            (
                "DRYDOCK_SHOPIFY_ACCESS_TOKEN",
                c.shopify_access_token.clone(),
            ),
            (
                "DRYDOCK_SHOPIFY_WEBHOOK_SECRET",
                c.shopify_webhook_secret.clone(),
            ),
            ("DRYDOCK_EASYPOST_URL", e.easypost.clone()),
            ("DRYDOCK_EASYPOST_API_KEY", c.easypost_api_key.clone()),
            (
                "DRYDOCK_EASYPOST_WEBHOOK_SECRET",
                c.easypost_webhook_secret.clone(),
            ),
            ("DRYDOCK_SHIPBOB_URL", e.shipbob.clone()),
            ("DRYDOCK_SHIPBOB_TOKEN", c.shipbob_token.clone()),
            (
                "DRYDOCK_SHIPBOB_CHANNEL_ID",
                self.read(|w| w.warehouses.first().channel_id.to_string()),
            ),
            (
                "DRYDOCK_SHIPBOB_WEBHOOK_SECRET",
                c.shipbob_webhook_secret.clone(),
            ),
            ("DRYDOCK_SLACK_WEBHOOK_URL", e.slack.clone()),
            ("DRYDOCK_SHIP_FROM_NAME", ship_from.name),
            ("DRYDOCK_SHIP_FROM_COMPANY", ship_from.company),
            ("DRYDOCK_SHIP_FROM_STREET1", ship_from.street1),
            ("DRYDOCK_SHIP_FROM_CITY", ship_from.city),
            ("DRYDOCK_SHIP_FROM_STATE", ship_from.state),
            ("DRYDOCK_SHIP_FROM_ZIP", ship_from.zip),
            ("DRYDOCK_SHIP_FROM_COUNTRY", ship_from.country),
            ("DRYDOCK_SHIP_FROM_PHONE", ship_from.phone),
        ];
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }

    pub(crate) fn real_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }
}

/// What one clock advance did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AdvanceReport {
    pub happenings: usize,
    pub webhooks: usize,
    /// Happenings after which the integration did not go quiet within the settle limit.
    pub unsettled: usize,
}

impl Drop for WorldHandle {
    fn drop(&mut self) {
        self.shut_down();
    }
}
