//! The journal: every request an integration made to a persona and every webhook delivery
//! attempt, stamped with virtual and real time. Checks and reports read it.
//!
//! Entries go straight to a JSON-lines file (see `journal_file.rs`) and are read back on
//! demand, whole or a page at a time: memory stays flat however long a world runs.
//! Bodies, header values and the number of headers are capped by copying into a new,
//! small string before an entry is written.

use std::fmt;
use std::io;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use drydock_core::Timestamp;
use serde::{Deserialize, Serialize};

use crate::journal_file::{CHECKPOINT_EVERY, JournalFile, Tail};

/// Bodies longer than this are cut in the journal (the wire saw them whole).
pub const BODY_LIMIT: usize = 64 * 1024;
/// Header values longer than this are cut in the journal.
pub const HEADER_VALUE_LIMIT: usize = 1024;
/// Headers past this many are left out of the journal (one line says how many).
pub const HEADER_COUNT_LIMIT: usize = 64;

const CUT_MARK: &str = "…[cut]";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The integration called a persona.
    Inbound,
    /// A persona delivered a webhook to the integration.
    Webhook,
    /// A fault rule fired (`topic` = the rule's name, `target` = what it hit,
    /// `error` = the effect); no request of its own.
    Fault,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JournalEntry {
    pub seq: u64,
    pub direction: Direction,
    /// The node whose lane this is (`shipbob`, `wh-eu`): who was called, who sent the
    /// webhook, or whose listener a fault fired on.
    pub persona: String,
    pub virtual_time: Timestamp,
    /// Milliseconds since the world was created (real time).
    pub real_ms: u64,
    pub method: String,
    /// Path and query for inbound requests; the full URL for webhooks.
    pub target: String,
    /// Webhook topic, or the operation the request was routed to.
    pub topic: Option<String>,
    pub request_headers: Vec<(String, String)>,
    pub request_body: String,
    /// None when the request failed without a response (connection refused, timeout).
    pub status: Option<u16>,
    pub response_headers: Vec<(String, String)>,
    pub response_body: String,
    pub error: Option<String>,
    pub duration_ms: u64,
    /// For webhooks: the delivery (stable across retries) and which attempt this was.
    pub delivery_id: Option<u64>,
    pub attempt: Option<u32>,
    /// A webhook forged by a `bad_signature` fault: the integration must refuse it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub forged: bool,
}

impl JournalEntry {
    /// An entry with only its kind, persona and virtual time: no request, no answer yet.
    /// Recorders and tests fill in what they know with struct update syntax.
    pub fn new(direction: Direction, persona: &str, virtual_time: Timestamp) -> JournalEntry {
        JournalEntry {
            seq: 0,
            direction,
            persona: persona.to_string(),
            virtual_time,
            real_ms: 0,
            method: String::new(),
            target: String::new(),
            topic: None,
            request_headers: Vec::new(),
            request_body: String::new(),
            status: None,
            response_headers: Vec::new(),
            response_body: String::new(),
            error: None,
            duration_ms: 0,
            delivery_id: None,
            attempt: None,
            forged: false,
        }
    }
}

/// One page of the journal: entries after a sequence number, and where the next starts.
#[derive(Debug, Clone, Serialize)]
pub struct JournalPage {
    pub entries: Vec<JournalEntry>,
    /// Pass as `after` for the next page; None when this page reached the end.
    pub next: Option<u64>,
    /// Entries that could not be written to disk so far.
    pub lost: u64,
}

/// A world's journal. Cloning shares it: a report can keep reading a world's journal
/// after the world is gone.
#[derive(Clone)]
pub struct Journal(Arc<Shared>);

struct Shared {
    file: JournalFile,
    tail: Mutex<Tail>,
}

impl fmt::Debug for Journal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Journal")
            .field("path", &self.0.file.path)
            .field("len", &self.len())
            .finish()
    }
}

impl Journal {
    /// A journal in an anonymous temp file that disappears with the journal.
    pub fn anonymous() -> io::Result<Journal> {
        Ok(Journal::over(JournalFile::anonymous()?))
    }

    /// A journal kept at `path` (created or emptied), which outlives the world.
    pub fn at(path: &Path) -> io::Result<Journal> {
        Ok(Journal::over(JournalFile::create(path)?))
    }

    fn over(file: JournalFile) -> Journal {
        Journal(Arc::new(Shared {
            file,
            tail: Mutex::new(Tail::default()),
        }))
    }

    /// The journal's file, when it is kept on disk under a name.
    pub fn path(&self) -> Option<PathBuf> {
        self.0.file.path.clone()
    }

    fn tail(&self) -> MutexGuard<'_, Tail> {
        // A panic elsewhere while holding the lock leaves the tail consistent: it only
        // moves after a whole line is written.
        self.0.tail.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Writes an entry, numbering it. A write that fails is counted as lost, never fatal.
    pub fn record(&self, mut entry: JournalEntry) {
        entry.request_body = cap(entry.request_body, BODY_LIMIT);
        entry.response_body = cap(entry.response_body, BODY_LIMIT);
        entry.request_headers = cap_headers(entry.request_headers);
        entry.response_headers = cap_headers(entry.response_headers);
        let mut tail = self.tail();
        tail.seq += 1;
        entry.seq = tail.seq;
        if (entry.seq - 1).is_multiple_of(CHECKPOINT_EVERY) {
            let end = tail.end;
            tail.checkpoints.push(end);
        }
        let written = self.0.file.append(&mut tail, |line| {
            serde_json::to_writer(line, &entry).map_err(io::Error::other)
        });
        if let Err(e) = written {
            tail.lost += 1;
            if tail.lost == 1 {
                tracing::warn!("journal entries are being lost: {e}");
            }
        }
    }

    /// Reads entries after sequence number `after`, in order, until `visit` breaks.
    pub fn scan(&self, after: u64, mut visit: impl FnMut(JournalEntry) -> ControlFlow<()>) {
        let (from, to) = {
            let tail = self.tail();
            let index = usize::try_from(after / CHECKPOINT_EVERY).unwrap_or(usize::MAX);
            match tail.checkpoints.get(index) {
                Some(&from) => (from, tail.end),
                None => return,
            }
        };
        for line in self.0.file.lines(from, to) {
            let Ok(entry) = serde_json::from_slice::<JournalEntry>(&line) else {
                continue;
            };
            if entry.seq > after && visit(entry).is_break() {
                break;
            }
        }
    }

    /// Every entry, read back from disk.
    pub fn entries(&self) -> Vec<JournalEntry> {
        let mut all = Vec::new();
        self.scan(0, |e| {
            all.push(e);
            ControlFlow::Continue(())
        });
        all
    }

    /// At most `limit` entries after sequence number `after`.
    pub fn page(&self, after: u64, limit: usize) -> JournalPage {
        let mut entries = Vec::new();
        let mut more = false;
        self.scan(after, |e| {
            if entries.len() == limit {
                more = true;
                return ControlFlow::Break(());
            }
            entries.push(e);
            ControlFlow::Continue(())
        });
        let next = if more {
            entries.last().map(|e| e.seq)
        } else {
            None
        };
        JournalPage {
            entries,
            next,
            lost: self.lost(),
        }
    }

    /// Entries written (lost ones not counted).
    pub fn len(&self) -> usize {
        let tail = self.tail();
        usize::try_from(tail.seq - tail.lost).unwrap_or(usize::MAX)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Entries that could not be written.
    pub fn lost(&self) -> u64 {
        self.tail().lost
    }
}

/// Serializes as the list of its entries, read back from disk.
impl Serialize for Journal {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.entries())
    }
}

/// A body as the journal keeps it: text, at most [`BODY_LIMIT`] bytes of it, copied
/// from the front of `bytes` without converting the rest.
pub fn body_text(bytes: &[u8]) -> String {
    if bytes.len() <= BODY_LIMIT {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let mut end = BODY_LIMIT;
    // Do not split a UTF-8 sequence: back up to its first byte (at most 3 steps).
    while end > BODY_LIMIT - 3 && (bytes[end] & 0b1100_0000) == 0b1000_0000 {
        end -= 1;
    }
    let mut text = String::with_capacity(end + CUT_MARK.len());
    text.push_str(&String::from_utf8_lossy(&bytes[..end]));
    text.push_str(CUT_MARK);
    text
}

/// `text` itself when short enough, else a new string of its first `limit` bytes.
fn cap(text: String, limit: usize) -> String {
    if text.len() <= limit {
        text
    } else {
        cap_str(&text, limit)
    }
}

/// A new string of at most the first `limit` bytes of `text`, marked when cut.
fn cap_str(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_string();
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut kept = String::with_capacity(end + CUT_MARK.len());
    kept.push_str(&text[..end]);
    kept.push_str(CUT_MARK);
    kept
}

fn cap_headers(headers: Vec<(String, String)>) -> Vec<(String, String)> {
    let total = headers.len();
    let too_long =
        |(n, v): &(String, String)| n.len() > HEADER_VALUE_LIMIT || v.len() > HEADER_VALUE_LIMIT;
    if total <= HEADER_COUNT_LIMIT && !headers.iter().any(too_long) {
        return headers;
    }
    let mut kept: Vec<(String, String)> = headers
        .into_iter()
        .take(HEADER_COUNT_LIMIT)
        .map(|(n, v)| (cap(n, HEADER_VALUE_LIMIT), cap(v, HEADER_VALUE_LIMIT)))
        .collect();
    if total > HEADER_COUNT_LIMIT {
        kept.push((
            "…".into(),
            format!("{} more headers cut", total - HEADER_COUNT_LIMIT),
        ));
    }
    kept
}

/// Headers worth keeping, with credentials masked; only a capped copy of each is made.
pub fn keep_headers<'a>(
    headers: impl Iterator<Item = (&'a str, &'a str)>,
) -> Vec<(String, String)> {
    headers
        .filter(|(name, _)| {
            !matches!(
                *name,
                "host" | "accept-encoding" | "connection" | "content-length"
            )
        })
        .map(|(name, value)| {
            let masked = if crate::providers::credential_headers().any(|h| h == name) {
                mask(value)
            } else {
                cap_str(value, HEADER_VALUE_LIMIT)
            };
            (cap_str(name, HEADER_VALUE_LIMIT), masked)
        })
        .collect()
}

fn mask(value: &str) -> String {
    let keep: String = value.chars().take(10).collect();
    format!("{keep}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_providers_credential_headers_are_masked() {
        let secrets = [
            ("x-shopify-access-token", "shpat_0123456789abcdef"),
            ("authorization", "Bearer sbpat_0123456789abcdef"),
            ("content-type", "application/json; charset=utf-8"),
        ];
        let kept = keep_headers(secrets.into_iter());
        assert_eq!(kept[0].1, "shpat_0123…");
        assert_eq!(kept[1].1, "Bearer sbp…");
        assert_eq!(kept[2].1, "application/json; charset=utf-8");
    }

    fn inbound(body: String) -> JournalEntry {
        JournalEntry {
            method: "POST".into(),
            target: "/admin/api/2026-10/orders.json".into(),
            request_headers: vec![("x-big".into(), "v".repeat(10_000))],
            request_body: body,
            status: Some(200),
            ..JournalEntry::new(Direction::Inbound, "shopify", Timestamp::UNIX_EPOCH)
        }
    }

    #[test]
    fn pages_cover_every_entry_once_across_checkpoints() {
        let journal = Journal::anonymous().expect("a temp file");
        let n = 3 * CHECKPOINT_EVERY + 17;
        for i in 0..n {
            journal.record(inbound(format!("{{\"i\":{i}}}")));
        }
        assert_eq!(journal.len() as u64, n);
        let mut seen = Vec::new();
        let mut after = 0;
        loop {
            let page = journal.page(after, 100);
            assert!(page.entries.len() <= 100);
            seen.extend(page.entries.iter().map(|e| e.seq));
            match page.next {
                Some(next) => after = next,
                None => break,
            }
        }
        assert_eq!(seen, (1..=n).collect::<Vec<_>>());
        let middle = journal.page(CHECKPOINT_EVERY + 5, 2);
        let seqs: Vec<u64> = middle.entries.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [CHECKPOINT_EVERY + 6, CHECKPOINT_EVERY + 7]);
        assert!(journal.page(n, 10).entries.is_empty());
        assert_eq!(journal.entries().len() as u64, n);
    }

    #[test]
    fn huge_bodies_and_headers_are_stored_as_small_copies() {
        let journal = Journal::anonymous().expect("a temp file");
        journal.record(inbound("é".repeat(1_000_000)));
        let entry = &journal.entries()[0];
        assert!(entry.request_body.len() <= BODY_LIMIT + CUT_MARK.len());
        assert!(entry.request_body.ends_with(CUT_MARK));
        assert!(entry.request_headers[0].1.len() <= HEADER_VALUE_LIMIT + CUT_MARK.len());
        let text = body_text(&[b'a'; 3 * BODY_LIMIT]);
        assert!(text.capacity() <= BODY_LIMIT + 2 * CUT_MARK.len());
        let many: Vec<(String, String)> = (0..500).map(|i| (format!("h{i}"), "v".into())).collect();
        let kept = cap_headers(many);
        assert_eq!(kept.len(), HEADER_COUNT_LIMIT + 1);
        assert_eq!(kept[HEADER_COUNT_LIMIT].1, "436 more headers cut");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_failed_write_is_counted_as_lost_not_fatal() {
        let journal = Journal::at(Path::new("/dev/full")).expect("/dev/full opens");
        journal.record(inbound("{}".into()));
        journal.record(inbound("{}".into()));
        assert_eq!(journal.lost(), 2);
        assert!(journal.is_empty());
        assert_eq!(journal.page(0, 10).lost, 2);
    }
}
