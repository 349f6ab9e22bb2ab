//! The journal: every request an integration made to a persona and every webhook delivery
//! attempt, stamped with virtual and real time. Checks and reports read it.

use std::sync::Mutex;

use drydock_core::Timestamp;
use serde::Serialize;

/// Bodies longer than this are cut in the journal (the wire saw them whole).
const BODY_LIMIT: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, Serialize)]
pub struct JournalEntry {
    pub seq: u64,
    pub direction: Direction,
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

#[derive(Debug, Default)]
pub struct Journal {
    entries: Mutex<Vec<JournalEntry>>,
}

impl Journal {
    pub fn record(&self, mut entry: JournalEntry) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        entry.seq = entries.len() as u64 + 1;
        entry.request_body = cut(entry.request_body);
        entry.response_body = cut(entry.response_body);
        entries.push(entry);
    }

    pub fn entries(&self) -> Vec<JournalEntry> {
        self.entries.lock().map(|e| e.clone()).unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.entries.lock().map(|e| e.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn cut(mut body: String) -> String {
    if body.len() > BODY_LIMIT {
        let mut end = BODY_LIMIT;
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        body.truncate(end);
        body.push_str("…[cut]");
    }
    body
}

/// Headers worth keeping, with credentials masked.
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
            let masked = match name {
                "authorization" | "x-shopify-access-token" => mask(value),
                _ => value.to_string(),
            };
            (name.to_string(), masked)
        })
        .collect()
}

fn mask(value: &str) -> String {
    let keep: String = value.chars().take(10).collect();
    format!("{keep}…")
}
