//! Every file drydock writes goes through here: the bytes go to a new temporary file in
//! the target's own folder, which is then renamed over the target. A symlink planted at
//! the target is replaced, never written through, and a reader never sees half a file.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `bytes` to `path` (readable by others, as the umask allows).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with_mode(path, bytes, 0o644)
}

/// Writes `bytes` to `path` readable by its owner only (mode 0600 from the moment the
/// file exists), for secrets such as the control token.
pub fn write_privately(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with_mode(path, bytes, 0o600)
}

/// Renames `from` over `to` when both are plain files in the same folder (accepting a
/// reviewed snapshot): `from` must not be a symlink, whose target would move instead.
pub fn replace_with(from: &Path, to: &Path) -> io::Result<()> {
    if std::fs::symlink_metadata(from)?.file_type().is_symlink() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "is a symbolic link; drydock only moves files it wrote",
        ));
    }
    std::fs::rename(from, to)
}

fn write_with_mode(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let temp = temp_beside(path)?;
    let mut options = OpenOptions::new();
    // `create_new` refuses anything already there, a symlink included.
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let result = options.open(&temp).and_then(|mut file| {
        file.write_all(bytes)?;
        file.flush()?;
        drop(file);
        std::fs::rename(&temp, path)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// A name no other writer uses, in the target's folder (so the rename stays on one
/// file system).
fn temp_beside(path: &Path) -> io::Result<PathBuf> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "names a folder, not a file"))?;
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let temp = format!(".{}.{}.{n}.tmp", name.to_string_lossy(), std::process::id());
    Ok(path.with_file_name(temp))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("drydock-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        dir
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_target_is_replaced_not_written_through() {
        let dir = scratch("symlink");
        let victim = dir.join("victim.txt");
        std::fs::write(&victim, "precious\n").expect("victim");
        let target = dir.join("name.snap.new");
        std::os::unix::fs::symlink(&victim, &target).expect("symlink");
        write_atomically(&target, b"snapshot\n").expect("written");
        assert_eq!(
            std::fs::read_to_string(&victim).ok().as_deref(),
            Some("precious\n")
        );
        let meta = std::fs::symlink_metadata(&target).expect("target");
        assert!(
            !meta.file_type().is_symlink(),
            "the link itself was replaced"
        );
        assert_eq!(
            std::fs::read_to_string(&target).ok().as_deref(),
            Some("snapshot\n")
        );
        let left: Vec<_> = std::fs::read_dir(&dir).expect("dir").flatten().collect();
        assert_eq!(left.len(), 2, "no temporary file is left: {left:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_private_file_is_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch("private");
        let path = dir.join("serve.env");
        write_privately(&path, b"DRYDOCK_CONTROL_TOKEN='x'\n").expect("written");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_not_moved_over_a_snapshot() {
        let dir = scratch("replace");
        let victim = dir.join("victim.txt");
        std::fs::write(&victim, "precious\n").expect("victim");
        let new = dir.join("a.snap.new");
        std::os::unix::fs::symlink(&victim, &new).expect("symlink");
        assert!(replace_with(&new, &dir.join("a.snap")).is_err());
        assert!(!dir.join("a.snap").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
