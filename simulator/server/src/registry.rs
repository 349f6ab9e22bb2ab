//! The registry of running worlds. Each world is isolated: its own personas on their own
//! ports, its own clock, journal and credentials, so scenarios can run side by side.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use drydock_core::{NodeId, World, WorldSpec};

use crate::SimulatorError;
use crate::credentials;
use crate::handle::{WorldHandle, WorldSettings};
use crate::journal::Journal;
use crate::listen::{PortPlan, bind_loopback};
use crate::persona::{self, Persona};
use crate::providers::{ProviderId, Role};
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
        let secrets = settings.credentials_seed.unwrap_or(spec.seed);
        let mut listeners = Vec::new();
        for (node, provider, port) in planned_ports(spec, ports)? {
            let what = format!("the {node} persona");
            let listener = bind_loopback(port, &what).await?;
            let addr = listener
                .local_addr()
                .map_err(|source| SimulatorError::Bind {
                    what,
                    addr: ([127, 0, 0, 1], 0).into(),
                    source,
                })?;
            let credentials = credentials::for_node(secrets, &node, provider);
            let url = format!("http://{addr}{}", provider.get().base_path(&credentials));
            let persona = Persona {
                node,
                provider,
                url,
                credentials,
            };
            listeners.push((Arc::new(persona), listener));
        }
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
        let personas = listeners.iter().map(|(p, _)| Arc::clone(p)).collect();
        let handle = Arc::new(WorldHandle::new(
            id.clone(),
            world,
            personas,
            settings,
            journal,
        ));
        for (persona, listener) in listeners {
            let dialect = Dialect::Persona(persona.provider);
            let app = persona::router(Arc::clone(&handle), persona);
            handle.add_task(tokio::spawn(serving::serve(
                listener,
                app,
                dialect,
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

/// Each node of the world `spec` describes (channels, warehouses, carriers in
/// declaration order, then the alerts), its provider and the port it will listen on.
/// A provider drydock does not know, or one that plays another role, is refused.
pub fn planned_ports(
    spec: &WorldSpec,
    ports: PortPlan,
) -> Result<Vec<(NodeId, ProviderId, u16)>, SimulatorError> {
    let declared = spec
        .channel_nodes()
        .into_iter()
        .map(|n| (n.id, n.provider, Role::Channel))
        .chain(
            spec.warehouse_nodes()
                .into_iter()
                .map(|n| (n.id, n.provider, Role::Warehouse)),
        )
        .chain(
            spec.carrier_nodes()
                .into_iter()
                .map(|n| (n.id, n.provider, Role::Carrier)),
        );
    let mut nodes = Vec::new();
    for (id, name, role) in declared {
        let provider = ProviderId::from_name(&name)
            .filter(|p| p.get().role() == role)
            .ok_or_else(|| SimulatorError::UnknownProvider {
                node: id.to_string(),
                role: role.as_str(),
                provider: name.clone(),
                known: providers_of(role),
            })?;
        nodes.push((id, provider));
    }
    let alerts = NodeId::parse(ProviderId::Slack.name()).map_err(SimulatorError::BadNode)?;
    if nodes.iter().any(|(id, _)| *id == alerts) {
        return Err(SimulatorError::BadNode(format!(
            "`{alerts}` is the alerts node's id; name the node otherwise"
        )));
    }
    nodes.push((alerts, ProviderId::Slack));
    let roles: Vec<_> = nodes.iter().map(|(_, p)| p.get().role()).collect();
    Ok(nodes
        .into_iter()
        .zip(ports.nodes(&roles))
        .map(|((node, provider), port)| (node, provider, port))
        .collect())
}

/// The names of the providers that play `role`, for a scenario's hints.
pub fn providers_of(role: Role) -> Vec<&'static str> {
    ProviderId::ALL
        .into_iter()
        .filter(|p| p.get().role() == role)
        .map(ProviderId::name)
        .collect()
}
