//! Where a journal's entries live: a JSON-lines file, appended to and read back by
//! position, so a long run's memory does not grow with its traffic. The file is either
//! named (kept after the world, e.g. `.drydock/journal/w1.jsonl`) or anonymous (a temp
//! file unlinked at once, gone when the last handle to the journal is dropped).

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// One entry in this many gets its byte offset remembered, so a page starting at any
/// sequence number is found without reading the file from the top (8 bytes per 256
/// entries: 1M entries cost 32 KB).
pub(crate) const CHECKPOINT_EVERY: u64 = 256;

/// Past this, the reusable line buffer is given back (one huge entry must not pin it).
const LINE_BUFFER_KEEP: usize = 256 * 1024;

#[derive(Debug)]
pub(crate) struct JournalFile {
    /// Opened for reading and appending; reads are positional, so they never move the
    /// append position and need no lock.
    file: File,
    /// The file's name while it is still on disk; None for an anonymous journal.
    pub(crate) path: Option<PathBuf>,
    /// Set when an anonymous file could not be unlinked at once (not a Unix system).
    remove_on_drop: Option<PathBuf>,
}

/// What the writer knows, kept behind the journal's lock.
#[derive(Debug, Default)]
pub(crate) struct Tail {
    /// The last sequence number handed out (written or lost).
    pub(crate) seq: u64,
    /// Bytes of whole lines written so far; readers never read past it.
    pub(crate) end: u64,
    /// Byte offset of entries 1, 1 + CHECKPOINT_EVERY, 1 + 2 × CHECKPOINT_EVERY, …
    pub(crate) checkpoints: Vec<u64>,
    /// Entries that could not be written (disk full, file removed).
    pub(crate) lost: u64,
    line: Vec<u8>,
}

impl JournalFile {
    /// A named journal file at `path` (created, or emptied if it exists).
    pub(crate) fn create(path: &Path) -> io::Result<JournalFile> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)?;
        Ok(JournalFile {
            file,
            path: Some(path.to_path_buf()),
            remove_on_drop: None,
        })
    }

    /// An anonymous journal file in the system's temp folder, unlinked at once.
    pub(crate) fn anonymous() -> io::Result<JournalFile> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "drydock-journal-{}-{}-{nanos}.jsonl",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)?;
        let remove_on_drop = std::fs::remove_file(&path).err().map(|_| path);
        Ok(JournalFile {
            file,
            path: None,
            remove_on_drop,
        })
    }

    /// Appends one line (`line` has no newline); on failure the tail stays at the last
    /// whole line, so a half-written line is overwritten by the next one.
    pub(crate) fn append(
        &self,
        tail: &mut Tail,
        render: impl FnOnce(&mut Vec<u8>) -> io::Result<()>,
    ) -> io::Result<()> {
        tail.line.clear();
        if tail.line.capacity() > LINE_BUFFER_KEEP {
            tail.line = Vec::new();
        }
        render(&mut tail.line)?;
        tail.line.push(b'\n');
        let written = write_at(&self.file, &tail.line, tail.end);
        if written.is_ok() {
            tail.end += tail.line.len() as u64;
        }
        written
    }

    /// The whole lines between byte `from` and byte `to`.
    pub(crate) fn lines(&self, from: u64, to: u64) -> impl Iterator<Item = Vec<u8>> + '_ {
        let mut reader = BufReader::with_capacity(
            64 * 1024,
            Positional {
                file: &self.file,
                at: from,
                end: to,
            },
        );
        std::iter::from_fn(move || {
            let mut line = Vec::new();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => None,
                Ok(_) => Some(line),
            }
        })
    }
}

impl Drop for JournalFile {
    fn drop(&mut self) {
        if let Some(path) = self.remove_on_drop.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Reads `file` from `at` up to `end`, by position.
struct Positional<'a> {
    file: &'a File,
    at: u64,
    end: u64,
}

impl Read for Positional<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.end.saturating_sub(self.at);
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        if want == 0 {
            return Ok(0);
        }
        let n = read_at(self.file, &mut buf[..want], self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, at)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, at)
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, at)
}

#[cfg(windows)]
fn write_at(file: &File, mut bytes: &[u8], mut at: u64) -> io::Result<()> {
    while !bytes.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_write(file, bytes, at)?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        bytes = &bytes[n..];
        at += n as u64;
    }
    Ok(())
}
