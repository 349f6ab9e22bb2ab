//! Pending snapshot changes: the `name.snap.new` files a run leaves beside scenario files
//! when a snapshot is missing or differs. `drydock review` lists them, shows each one's
//! diff against the stored `name.snap`, and accepts (rename over the stored one) or rejects
//! (delete) them.

use std::path::{Path, PathBuf};

use crate::RunError;
use crate::snapshot;

/// One pending snapshot change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The `name.snap.new` file.
    pub new: PathBuf,
    /// The `name.snap` it would replace (may not exist yet).
    pub stored: PathBuf,
}

/// What accepting a pending snapshot would change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// No snapshot is stored yet; this is the whole new text.
    New(String),
    /// A line diff (`-` stored, `+` new).
    Changed(String),
    /// The pending text equals the stored one.
    Same,
}

const PENDING_SUFFIX: &str = ".snap.new";

impl Pending {
    fn at(new: PathBuf) -> Option<Pending> {
        let name = new.file_name()?.to_str()?;
        let stem = name.strip_suffix(PENDING_SUFFIX)?;
        if stem.is_empty() {
            return None;
        }
        let stored = new.with_file_name(format!("{stem}.snap"));
        Some(Pending { new, stored })
    }

    /// The change accepting it would make.
    pub fn change(&self) -> Result<Change, RunError> {
        let new = read(&self.new)?;
        if !self.stored.exists() {
            return Ok(Change::New(new));
        }
        let stored = read(&self.stored)?;
        Ok(match snapshot::diff(&stored, &new) {
            Some(diff) => Change::Changed(diff),
            None => Change::Same,
        })
    }

    /// Keeps the new snapshot: it replaces the stored one.
    pub fn accept(&self) -> Result<(), RunError> {
        crate::files::replace_with(&self.new, &self.stored).map_err(|source| RunError::Write {
            path: self.stored.display().to_string(),
            source,
        })
    }

    /// Drops the new snapshot; the stored one stays.
    pub fn reject(&self) -> Result<(), RunError> {
        std::fs::remove_file(&self.new).map_err(|source| RunError::Write {
            path: self.new.display().to_string(),
            source,
        })
    }
}

fn read(path: &Path) -> Result<String, RunError> {
    std::fs::read_to_string(path).map_err(|source| RunError::Read {
        path: path.display().to_string(),
        source,
    })
}

/// Every pending snapshot under `paths` (files, or directories searched recursively),
/// sorted by path.
pub fn find(paths: &[PathBuf]) -> Result<Vec<Pending>, RunError> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut found)?;
        } else if let Some(p) = Pending::at(path.clone()) {
            if !path.exists() {
                return Err(RunError::Read {
                    path: path.display().to_string(),
                    source: std::io::Error::from(std::io::ErrorKind::NotFound),
                });
            }
            found.push(p);
        } else {
            return Err(RunError::Read {
                path: path.display().to_string(),
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "neither a directory nor a .snap.new file",
                ),
            });
        }
    }
    found.sort_by(|a, b| a.new.cmp(&b.new));
    found.dedup();
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<Pending>) -> Result<(), RunError> {
    let entries = std::fs::read_dir(dir).map_err(|source| RunError::Read {
        path: dir.display().to_string(),
        source,
    })?;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        if is_dir {
            walk(&path, found)?;
        } else if let Some(p) = Pending::at(path) {
            found.push(p);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_the_new_file_with_the_stored_one() {
        let p = Pending::at(PathBuf::from("s/happy-path.snap.new"));
        assert_eq!(
            p.map(|p| p.stored),
            Some(PathBuf::from("s/happy-path.snap"))
        );
        assert!(Pending::at(PathBuf::from("s/happy-path.snap")).is_none());
        assert!(Pending::at(PathBuf::from("s/.snap.new")).is_none());
    }
}
