//! The bundled suite, compiled into the binary so `drydock run` works anywhere: when no
//! scenarios are named and ./scenarios does not exist, it is written to .drydock/suite.

use std::path::{Path, PathBuf};

/// (file name, contents) of every bundled scenario and its snapshot.
const SUITE: &[(&str, &str)] = &[];

/// Writes the bundled suite under `root` and returns the directory.
pub fn materialize(root: &Path) -> std::io::Result<PathBuf> {
    let dir = root.join("suite");
    std::fs::create_dir_all(&dir)?;
    for (name, text) in SUITE {
        std::fs::write(dir.join(name), text)?;
    }
    Ok(dir)
}
