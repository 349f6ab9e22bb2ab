//! The integration's log: what a launched integration writes to stdout and stderr, piped
//! through drydock into `.drydock/logs/<safe name>.log`. The file is capped: past the cap
//! it is rotated to `.log.1` (replacing the older one) and a fresh file is started, so a
//! chatty or looping integration never fills the disk. Files are always created fresh
//! (never opened through a symlink left in their place), and the last lines can be read
//! back to explain why an integration stopped.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// The size at which a log file is rotated.
pub const LOG_CAP: u64 = 10 * 1024 * 1024;

/// A capped, rotated log file being written.
pub(crate) struct IntegrationLog {
    path: PathBuf,
    file: Option<File>,
    written: u64,
    cap: u64,
}

impl IntegrationLog {
    /// Starts `dir/<safe name>.log` afresh (an older one is rotated to `.log.1`).
    pub(crate) fn create(dir: &Path, name: &str, cap: u64) -> std::io::Result<IntegrationLog> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!("{}.log", drydock_scenario::safe_file_name(name)));
        let mut log = IntegrationLog {
            path,
            file: None,
            written: 0,
            cap: cap.max(1),
        };
        log.rotate()?;
        Ok(log)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `bytes`, rotating first when they would take the file past its cap.
    /// A write that fails is dropped: the log never stops the run.
    pub(crate) fn write(&mut self, bytes: &[u8]) {
        if self.written > 0
            && self.written + bytes.len() as u64 > self.cap
            && let Err(e) = self.rotate()
        {
            tracing::warn!("cannot rotate {}: {e}", self.path.display());
        }
        if let Some(file) = &mut self.file
            && file.write_all(bytes).is_ok()
        {
            self.written += bytes.len() as u64;
        }
    }

    /// Moves the current file to `.log.1` and creates a fresh one in its place.
    fn rotate(&mut self) -> std::io::Result<()> {
        self.file = None;
        let older = rotated(&self.path);
        match std::fs::rename(&self.path, &older) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        self.file = Some(create_fresh(&self.path)?);
        self.written = 0;
        Ok(())
    }
}

/// The name of the previous, rotated log file.
pub(crate) fn rotated(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(".1");
    PathBuf::from(name)
}

/// Creates `path` as a new file, never opening an existing one (or a symlink) there.
fn create_fresh(path: &Path) -> std::io::Result<File> {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

/// The last `lines` lines of the file at `path` (read from its last 64 KiB).
pub(crate) fn tail(path: &Path, lines: usize) -> String {
    let Ok(mut file) = File::open(path) else {
        return String::new();
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let start = len.saturating_sub(64 * 1024);
    if file.seek(SeekFrom::Start(start)).is_err() {
        return String::new();
    }
    let mut bytes = Vec::new();
    if file.read_to_end(&mut bytes).is_err() {
        return String::new();
    }
    let text = String::from_utf8_lossy(&bytes);
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("drydock-log-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_log_past_its_cap_is_rotated_once_and_kept_small() {
        let dir = scratch("rotate");
        let mut log = IntegrationLog::create(&dir, "chatty", 100).expect("log");
        for i in 0..50 {
            log.write(format!("line {i:03} of the integration\n").as_bytes());
        }
        let current = std::fs::metadata(log.path()).map(|m| m.len()).unwrap_or(0);
        let older = std::fs::metadata(rotated(log.path()))
            .map(|m| m.len())
            .unwrap_or(0);
        assert!(current <= 100 && older <= 100, "{current} {older}");
        assert!(tail(log.path(), 1).contains("line 049"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_symlink_in_place_of_the_log_is_replaced_not_followed() {
        let dir = scratch("symlink");
        std::fs::create_dir_all(&dir).expect("dir");
        let victim = dir.join("victim.txt");
        std::fs::write(&victim, "precious").expect("victim");
        std::os::unix::fs::symlink(&victim, dir.join("s.log")).expect("symlink");
        let mut log = IntegrationLog::create(&dir, "s", LOG_CAP).expect("log");
        log.write(b"hello\n");
        assert_eq!(
            std::fs::read_to_string(&victim).unwrap_or_default(),
            "precious"
        );
        assert_eq!(tail(log.path(), 5), "hello");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
