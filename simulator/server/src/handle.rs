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
use crate::persona::Persona;
use crate::providers::ProviderId;
use crate::settle::{SettlePolicy, Settling};
use crate::webhook_targets::WebhookTargets;

/// Where the first node of each provider listens (the default world's personas).
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

impl Endpoints {
    /// The first node of each of the default world's providers among `personas` (a later
    /// provider's nodes are in the manifest only).
    pub fn of(personas: &[Arc<Persona>]) -> Endpoints {
        let url = |name: &str| {
            personas
                .iter()
                .find(|p| p.provider.name() == name)
                .map(|p| p.url.clone())
                .unwrap_or_default()
        };
        Endpoints {
            shopify: url("shopify"),
            easypost: url("easypost"),
            shipbob: url("shipbob"),
            slack: url("slack"),
        }
    }
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
    /// Every node of the world as it is served, in declaration order.
    pub personas: Vec<Arc<Persona>>,
    /// The first node of each provider's credentials and URL, by field.
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
        personas: Vec<Arc<Persona>>,
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
            credentials: Credentials::of(&personas),
            endpoints: Endpoints::of(&personas),
            personas,
            settings,
            started: Instant::now(),
            http,
            pending: Mutex::new(HashMap::new()),
            held: Mutex::new(Vec::new()),
            next_delivery: AtomicU64::new(1),
            tasks: Mutex::new(Vec::new()),
        }
    }

    /// The persona serving node `node`.
    pub fn persona(&self, node: &str) -> Option<Arc<Persona>> {
        self.personas.iter().find(|p| p.node == node).cloned()
    }

    /// The first node of `provider`.
    pub fn first(&self, provider: ProviderId) -> Option<Arc<Persona>> {
        self.personas
            .iter()
            .find(|p| p.provider == provider)
            .cloned()
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
    /// personas (the integration contract), given where the integration itself listens:
    /// each node's under its env prefix, the first warehouse's ship-from address, and the
    /// manifest.
    pub fn sut_env(&self, sut_url: &str, port: u16) -> BTreeMap<String, String> {
        let mut env = BTreeMap::new();
        env.insert("PORT".to_string(), port.to_string());
        env.insert("DRYDOCK_SUT_URL".to_string(), sut_url.to_string());
        self.read(|w| {
            for persona in &self.personas {
                let prefix = persona.env_prefix();
                for (suffix, value) in persona.provider().env(w, persona) {
                    env.insert(format!("{prefix}{suffix}"), value);
                }
            }
            let s = &w.warehouses.first().ship_from;
            for (suffix, value) in [
                ("NAME", &s.name),
                ("COMPANY", &s.company),
                ("STREET1", &s.street1),
                ("CITY", &s.city),
                ("STATE", &s.state),
                ("ZIP", &s.zip),
                ("COUNTRY", &s.country),
                ("PHONE", &s.phone),
            ] {
                env.insert(format!("DRYDOCK_SHIP_FROM_{suffix}"), value.clone());
            }
            env.insert(
                crate::manifest::ENV_NAME.to_string(),
                crate::manifest::manifest(w, &self.personas, sut_url).to_string(),
            );
        });
        env
    }

    /// The manifest of this world's nodes (`DRYDOCK_WORLD_JSON`) as a JSON object.
    pub fn manifest(&self, sut_url: &str) -> serde_json::Value {
        self.read(|w| crate::manifest::manifest(w, &self.personas, sut_url))
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
