//! The registry of running worlds. Each world is isolated: its own personas on their own
//! ports, its own clock, journal and credentials, so scenarios can run side by side.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use drydock_core::{World, WorldSpec};

use crate::SimulatorError;
use crate::credentials::Credentials;
use crate::handle::{Endpoints, WorldHandle, WorldSettings};
use crate::journal::Journal;
use crate::listen::{PortPlan, bind_loopback};
use crate::personas::{self, PersonaKind};
use crate::refusal::Dialect;
use crate::serving;

#[derive(Default)]
pub struct Simulator {
    worlds: Mutex<BTreeMap<String, Arc<WorldHandle>>>,
    next: AtomicU64,
}

impl Simulator {
    pub fn new() -> Arc<Simulator> {
        Arc::new(Simulator::default())
    }

    /// Builds a world from `spec` and starts its personas on loopback ports.
    pub async fn create_world(
        &self,
        spec: &WorldSpec,
        ports: PortPlan,
        settings: WorldSettings,
    ) -> Result<Arc<WorldHandle>, SimulatorError> {
        let world = match settings.id_space {
            Some(space) => World::in_id_space(spec, space)?,
            None => World::new(spec)?,
        };
        let credentials = Credentials::for_seed(settings.credentials_seed.unwrap_or(spec.seed));
        let mut listeners = Vec::new();
        for kind in PersonaKind::ALL {
            let listener =
                bind_loopback(ports.persona(kind), &format!("the {} persona", kind.name())).await?;
            let addr = listener
                .local_addr()
                .map_err(|source| SimulatorError::Bind {
                    what: kind.name().to_string(),
                    addr: ([127, 0, 0, 1], 0).into(),
                    source,
                })?;
            listeners.push((kind, listener, addr));
        }
        let url = |kind: PersonaKind| {
            let addr = listeners
                .iter()
                .find(|(k, _, _)| *k == kind)
                .map(|(_, _, a)| *a);
            let addr = addr.map(|a| a.to_string()).unwrap_or_default();
            format!("http://{addr}{}", kind.base_path(&credentials.slack_token))
        };
        let endpoints = Endpoints {
            shopify: url(PersonaKind::Shopify),
            easypost: url(PersonaKind::EasyPost),
            shipbob: url(PersonaKind::ShipBob),
            slack: url(PersonaKind::Slack),
        };
        let n = self.next.fetch_add(1, Ordering::SeqCst) + 1;
        let id = format!("w{n}");
        let journal = match &settings.journal_dir {
            Some(dir) => {
                let path = dir.join(format!("{id}.jsonl"));
                Journal::at(&path).map_err(|source| SimulatorError::Journal {
                    path: path.display().to_string(),
                    source,
                })
            }
            None => Journal::anonymous().map_err(|source| SimulatorError::Journal {
                path: format!("in {}", std::env::temp_dir().display()),
                source,
            }),
        }?;
        let handle = Arc::new(WorldHandle::new(
            id.clone(),
            world,
            credentials,
            endpoints,
            settings,
            journal,
        ));
        for (kind, listener, _) in listeners {
            let app = personas::router(Arc::clone(&handle), kind);
            handle.add_task(tokio::spawn(serving::serve(
                listener,
                app,
                Dialect::Persona(kind),
                handle.settings.connections,
            )));
        }
        if let Ok(mut worlds) = self.worlds.lock() {
            worlds.insert(id, Arc::clone(&handle));
        }
        Ok(handle)
    }

    pub fn world(&self, id: &str) -> Option<Arc<WorldHandle>> {
        self.worlds.lock().ok()?.get(id).cloned()
    }

    pub fn worlds(&self) -> Vec<Arc<WorldHandle>> {
        self.worlds
            .lock()
            .map(|w| w.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Stops a world's personas and forgets it.
    pub fn remove_world(&self, id: &str) -> bool {
        let removed = self.worlds.lock().ok().and_then(|mut w| w.remove(id));
        match removed {
            Some(handle) => {
                handle.shut_down();
                true
            }
            None => false,
        }
    }
}
