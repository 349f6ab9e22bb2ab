//! HAR 1.2 export of a scenario's journal, openable in browser devtools (Network tab →
//! import): one entry per request the integration made to a persona and per webhook
//! delivery attempt, with headers (credentials masked as journaled), bodies, status and
//! timings. Faults that fired have no request of their own and are not entries.
//!
//! `startedDateTime` is the entry's **virtual** time (the world's clock when it
//! happened), not wall-clock time, so that the waterfall lines up with the scenario; many
//! entries share one instant because days run in milliseconds. The journal's order is
//! kept. drydock-specific facts are in underscore fields (`_direction`, `_persona`,
//! `_topic`, `_deliveryId`, `_attempt`, `_seq`, `_error`), as HAR allows.

use std::collections::BTreeMap;

use drydock_runner::{ScenarioOutcome, SuiteOutcome};
use drydock_simulator::journal::{Direction, JournalEntry};
use serde_json::{Value, json};

use crate::RenderError;

/// One `.har` file per scenario that was played: (file name, contents). Names are the
/// scenario file's stem; a stem that repeats gets `-2`, `-3`, … appended.
pub fn files(suite: &SuiteOutcome) -> Result<Vec<(String, String)>, RenderError> {
    let mut used: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for s in &suite.scenarios {
        let Some(text) = render(s)? else { continue };
        let stem = std::path::Path::new(&s.file)
            .file_stem()
            .map(|x| x.to_string_lossy().into_owned())
            .unwrap_or_else(|| s.name.clone());
        let n = used.entry(stem.clone()).or_insert(0);
        *n += 1;
        let name = if *n == 1 {
            format!("{stem}.har")
        } else {
            format!("{stem}-{n}.har")
        };
        out.push((name, text));
    }
    Ok(out)
}

/// The HAR document of one scenario; None when it never played (no journal).
pub fn render(s: &ScenarioOutcome) -> Result<Option<String>, RenderError> {
    let Some(trace) = &s.trace else {
        return Ok(None);
    };
    let entries: Vec<Value> = trace
        .journal
        .entries()
        .iter()
        .filter(|e| matches!(e.direction, Direction::Inbound | Direction::Webhook))
        .map(|e| entry(e, &trace.origins))
        .collect();
    let har = json!({
        "log": {
            "version": "1.2",
            "creator": { "name": "drydock", "version": env!("CARGO_PKG_VERSION") },
            "pages": [{
                "startedDateTime": iso(&trace.started),
                "id": "scenario",
                "title": format!("{} (seed {})", s.name, s.seed),
                "pageTimings": {},
            }],
            "entries": entries,
            "comment": "startedDateTime is virtual time (the scenario's clock)",
        }
    });
    serde_json::to_string_pretty(&har)
        .map(|mut t| {
            t.push('\n');
            Some(t)
        })
        .map_err(|e| RenderError(format!("cannot write the HAR of {}: {e}", s.name)))
}

fn iso(t: &jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn entry(e: &JournalEntry, origins: &BTreeMap<String, String>) -> Value {
    let url = match e.direction {
        Direction::Inbound => format!(
            "{}{}",
            origins.get(&e.persona).map(String::as_str).unwrap_or(""),
            e.target
        ),
        _ => e.target.clone(),
    };
    let request_type = header(&e.request_headers, "content-type").unwrap_or("application/json");
    let response_type = header(&e.response_headers, "content-type").unwrap_or("");
    let mut request = json!({
        "method": e.method,
        "url": url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": headers(&e.request_headers),
        "queryString": query(&url),
        "headersSize": -1,
        "bodySize": e.request_body.len(),
    });
    if !e.request_body.is_empty() {
        request["postData"] = json!({ "mimeType": request_type, "text": e.request_body });
    }
    let status = e.status.unwrap_or(0);
    let mut entry = json!({
        "pageref": "scenario",
        "startedDateTime": iso(&e.virtual_time),
        "time": e.duration_ms,
        "request": request,
        "response": {
            "status": status,
            "statusText": reason(status),
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": headers(&e.response_headers),
            "content": {
                "size": e.response_body.len(),
                "mimeType": response_type,
                "text": e.response_body,
            },
            "redirectURL": header(&e.response_headers, "location").unwrap_or(""),
            "headersSize": -1,
            "bodySize": if e.status.is_some() { e.response_body.len() as i64 } else { -1 },
        },
        "cache": {},
        "timings": { "send": 0, "wait": e.duration_ms, "receive": 0 },
        "_seq": e.seq,
        "_direction": e.direction,
        "_persona": e.persona,
    });
    if let Some(topic) = &e.topic {
        entry["_topic"] = json!(topic);
        entry["comment"] = json!(topic);
    }
    if let Some(id) = e.delivery_id {
        entry["_deliveryId"] = json!(id);
    }
    if let Some(attempt) = e.attempt {
        entry["_attempt"] = json!(attempt);
    }
    if let Some(error) = &e.error {
        entry["_error"] = json!(error);
    }
    entry
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn headers(headers: &[(String, String)]) -> Value {
    headers
        .iter()
        .map(|(name, value)| json!({ "name": name, "value": value }))
        .collect()
}

/// The query's pairs as they appear in the URL (not percent-decoded).
fn query(url: &str) -> Value {
    let Some((_, q)) = url.split_once('?') else {
        return json!([]);
    };
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            json!({ "name": name, "value": value })
        })
        .collect()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::{files, query};

    #[test]
    fn requests_and_deliveries_become_entries_and_faults_do_not() {
        let files = files(&crate::sample::suite()).expect("renders");
        assert_eq!(
            files.len(),
            1,
            "the scenario that never started has no journal"
        );
        assert_eq!(files[0].0, "evil.har");
        let har: serde_json::Value = serde_json::from_str(&files[0].1).expect("parses");
        let entries = har["log"]["entries"].as_array().expect("entries");
        assert_eq!(entries.len(), 5);
        assert_eq!(
            entries[0]["request"]["url"],
            "http://127.0.0.1:4781/admin/api/2026-10/orders.json?status=any"
        );
        assert_eq!(entries[0]["request"]["queryString"][0]["name"], "status");
        assert_eq!(entries[0]["startedDateTime"], "2026-12-01T09:00:00.000Z");
        assert_eq!(entries[1]["response"]["status"], 503);
        assert_eq!(entries[2]["response"]["status"], 0);
        assert_eq!(entries[2]["_error"], "connection refused");
        assert_eq!(entries[2]["_direction"], "webhook");
    }

    #[test]
    fn query_pairs_come_from_the_url() {
        assert_eq!(
            query("http://127.0.0.1:1/a?x=1&y=&z"),
            serde_json::json!([
                {"name": "x", "value": "1"},
                {"name": "y", "value": ""},
                {"name": "z", "value": ""},
            ])
        );
        assert_eq!(query("http://127.0.0.1:1/a"), serde_json::json!([]));
    }
}
