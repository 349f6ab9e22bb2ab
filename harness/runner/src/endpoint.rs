//! A long-running integration (`--endpoint`, configured once from `drydock serve`'s
//! environment): every world it sees listens on the same fixed ports and has the same
//! credentials, derived from a project secret created once in `.drydock/`; each world
//! gets an id space of its own from a counter kept there, so ids and order numbers never
//! repeat across scenarios and runs against the same service. Each world's manifest is
//! written to `.drydock/world.json` before its first step, so a service finds every node
//! of the current world there, including nodes a scenario declares beyond the default.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use drydock_simulator::WorldHandle;
use drydock_simulator::handle::WorldSettings;

/// Where drydock keeps a project's state (logs, the secret, the id-space counter).
pub const PROJECT_DIR: &str = ".drydock";

/// The manifest's file name in the project folder, beside `serve.env`.
pub const WORLD_FILE: &str = "world.json";

/// Writes `world`'s manifest (`DRYDOCK_WORLD_JSON`, pretty-printed) to `path`, owner-only
/// from the moment it exists: it holds every node's credentials.
pub fn write_manifest(path: &Path, world: &WorldHandle, sut_url: &str) -> Result<(), String> {
    let manifest = serde_json::to_string_pretty(&world.manifest(sut_url))
        .map_err(|e| format!("cannot render the manifest: {e}"))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = std::fs::create_dir_all(dir);
    }
    crate::files::write_privately(path, format!("{manifest}\n").as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// A project's state for long-running integrations.
#[derive(Debug, Clone)]
pub struct Project {
    dir: PathBuf,
}

impl Project {
    pub fn at(dir: impl Into<PathBuf>) -> Project {
        Project { dir: dir.into() }
    }

    /// The seed of the project's credentials: `.drydock/secret`, created once (mode
    /// 0600) from the system's random source.
    pub fn credentials_seed(&self) -> Result<u64, String> {
        let path = self.dir.join("secret");
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => self
                .create_secret(&path)
                .map_err(|e| format!("cannot create {}: {e}", path.display()))?,
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        text.trim()
            .get(..16)
            .and_then(|hex| u64::from_str_radix(hex, 16).ok())
            .ok_or_else(|| {
                format!(
                    "{} is not 32 hex digits: delete it to make a new secret (then configure your \
integration again from the new serve.env)",
                    path.display()
                )
            })
    }

    fn create_secret(&self, path: &Path) -> std::io::Result<String> {
        std::fs::create_dir_all(&self.dir)?;
        let mut bytes = [0u8; 16];
        std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)?;
        file.write_all(format!("{hex}\n").as_bytes())?;
        Ok(hex)
    }

    /// The next id space: a counter in `.drydock/id-space`, replaced atomically.
    pub fn next_id_space(&self) -> Result<u64, String> {
        let path = self.dir.join("id-space");
        let last = match std::fs::read_to_string(&path) {
            Ok(text) => text.trim().parse::<u64>().map_err(|_| {
                format!(
                    "{} does not hold a number: delete it to start counting again",
                    path.display()
                )
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let next = last.saturating_add(1);
        std::fs::create_dir_all(&self.dir)
            .and_then(|()| crate::files::write_privately(&path, format!("{next}\n").as_bytes()))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(next)
    }

    /// Where the current world's manifest goes: `.drydock/world.json`.
    pub fn world_file(&self) -> PathBuf {
        self.dir.join(WORLD_FILE)
    }

    /// `base` for a world a long-running integration will see: the project's
    /// credentials and a fresh id space.
    pub fn world_settings(&self, base: WorldSettings) -> Result<WorldSettings, String> {
        Ok(WorldSettings {
            credentials_seed: Some(self.credentials_seed()?),
            id_space: Some(self.next_id_space()?),
            ..base
        })
    }
}

/// The first persona port of the plan starting at `port_base` that something else
/// already listens on, as a sentence naming it.
pub fn port_in_use(port_base: u16) -> Option<String> {
    let plan = drydock_simulator::PortPlan::Base(port_base);
    let default_world = drydock_core::WorldSpec::default();
    drydock_simulator::registry::planned_ports(&default_world, plan)
        .unwrap_or_default()
        .into_iter()
        .find_map(
            |(node, _, port)| match std::net::TcpListener::bind(("127.0.0.1", port)) {
                Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => Some(format!(
                    "port {port} (the {node} persona) is already in use"
                )),
                _ => None,
            },
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_made_once_and_id_spaces_only_grow() {
        let dir = std::env::temp_dir().join(format!("drydock-project-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let project = Project::at(&dir);
        let seed = project.credentials_seed();
        assert!(seed.is_ok(), "{seed:?}");
        assert_eq!(seed, Project::at(&dir).credentials_seed());
        assert_eq!(project.next_id_space(), Ok(1));
        assert_eq!(Project::at(&dir).next_id_space(), Ok(2));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
