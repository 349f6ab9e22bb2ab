//! Invariants read off the journal: how the integration behaved on the wire towards a
//! failing provider and towards forged webhooks. Real time (`real_ms`) is what counts
//! here: the integration's own timers run in real time.

use drydock_simulator::journal::{Direction, JournalEntry};

/// Slack for timers and scheduling when comparing a wait with what was asked.
const WAIT_TOLERANCE_MS: u64 = 50;
/// Failed calls to one persona in any one second above which it is a storm.
pub const STORM_LIMIT: usize = 10;

/// Every forged delivery was refused with a 4xx.
pub fn rejects_bad_signatures(journal: &[JournalEntry]) -> Vec<String> {
    journal
        .iter()
        .filter(|e| e.direction == Direction::Webhook && e.forged)
        .filter(|e| !e.status.is_some_and(|s| (400..500).contains(&s)))
        .map(|e| {
            let answer = match e.status {
                Some(s) => format!("answered {s}"),
                None => format!("gave no answer ({})", e.error.as_deref().unwrap_or("?")),
            };
            format!(
                "a forged {} webhook (wrong signature) {answer} instead of a 4xx",
                e.topic.as_deref().unwrap_or("?")
            )
        })
        .collect()
}

/// The wait a response asked for, in milliseconds (Retry-After in seconds, possibly
/// fractional as Shopify sends it; ShipBob's `x-retry-after`).
pub fn asked_wait_ms(entry: &JournalEntry) -> Option<u64> {
    entry
        .response_headers
        .iter()
        .find(|(n, _)| {
            n.eq_ignore_ascii_case("retry-after") || n.eq_ignore_ascii_case("x-retry-after")
        })
        .and_then(|(_, v)| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| (s * 1000.0) as u64)
}

fn endpoint(entry: &JournalEntry) -> (&str, &str, &str) {
    let path = entry.target.split('?').next().unwrap_or_default();
    (entry.persona.as_str(), entry.method.as_str(), path)
}

/// After an answer that asked for a wait, the same call is not repeated sooner.
pub fn respects_retry_after(journal: &[JournalEntry]) -> Vec<String> {
    let calls: Vec<&JournalEntry> = journal
        .iter()
        .filter(|e| e.direction == Direction::Inbound)
        .collect();
    let mut out = Vec::new();
    for (i, told) in calls.iter().enumerate() {
        let Some(wait) = asked_wait_ms(told) else {
            continue;
        };
        let Some(status) = told.status.filter(|s| *s == 429 || *s >= 500) else {
            continue;
        };
        let Some(next) = calls[i + 1..]
            .iter()
            .find(|c| endpoint(c) == endpoint(told))
        else {
            continue;
        };
        let waited = next.real_ms.saturating_sub(told.real_ms);
        if waited + WAIT_TOLERANCE_MS < wait {
            let (persona, method, path) = endpoint(told);
            out.push(format!(
                "{persona} answered {method} {path} with {status} and asked to wait {wait} ms; the integration called again after {waited} ms"
            ));
        }
    }
    out
}

/// The most failed calls (no answer, 429 or 5xx) to one persona in any second, per persona.
pub fn peak_failure_rates(journal: &[JournalEntry]) -> Vec<(String, usize)> {
    let mut by_persona: std::collections::BTreeMap<&str, Vec<u64>> = Default::default();
    for e in journal.iter().filter(|e| e.direction == Direction::Inbound) {
        let failed = match e.status {
            None => true,
            Some(s) => s == 429 || s >= 500,
        };
        if failed {
            by_persona.entry(&e.persona).or_default().push(e.real_ms);
        }
    }
    by_persona
        .into_iter()
        .map(|(persona, mut times)| {
            times.sort_unstable();
            let mut peak = 0;
            let mut start = 0;
            for end in 0..times.len() {
                while times[end] - times[start] >= 1000 {
                    start += 1;
                }
                peak = peak.max(end - start + 1);
            }
            (persona.to_string(), peak)
        })
        .collect()
}

/// A failing provider gets at most [`STORM_LIMIT`] failed calls a second.
pub fn no_retry_storm(journal: &[JournalEntry]) -> Vec<String> {
    peak_failure_rates(journal)
        .into_iter()
        .filter(|(_, peak)| *peak > STORM_LIMIT)
        .map(|(persona, peak)| {
            format!("{persona} got {peak} failed calls within one second while it was failing (limit {STORM_LIMIT})")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(real_ms: u64, status: Option<u16>, wait: Option<&str>) -> JournalEntry {
        let at = "2026-12-01T09:00:00Z".parse().expect("ts");
        JournalEntry {
            real_ms,
            method: "POST".into(),
            target: "/2026-01/order".into(),
            status,
            response_headers: wait
                .map(|w| vec![("x-retry-after".to_string(), w.to_string())])
                .unwrap_or_default(),
            ..JournalEntry::new(Direction::Inbound, "shipbob", at)
        }
    }

    #[test]
    fn an_early_retry_is_caught_and_a_patient_one_is_not() {
        let early = [call(0, Some(429), Some("1")), call(30, Some(201), None)];
        assert_eq!(respects_retry_after(&early).len(), 1);
        let patient = [call(0, Some(429), Some("1")), call(1010, Some(201), None)];
        assert!(respects_retry_after(&patient).is_empty());
    }

    #[test]
    fn storms_are_counted_per_second() {
        let storm: Vec<JournalEntry> = (0..12).map(|i| call(i * 20, Some(503), None)).collect();
        assert_eq!(no_retry_storm(&storm).len(), 1);
        let calm: Vec<JournalEntry> = (0..12).map(|i| call(i * 200, Some(503), None)).collect();
        assert!(no_retry_storm(&calm).is_empty());
    }

    #[test]
    fn a_forged_webhook_must_be_refused() {
        let mut forged = call(0, Some(200), None);
        forged.direction = Direction::Webhook;
        forged.forged = true;
        assert_eq!(rejects_bad_signatures(&[forged.clone()]).len(), 1);
        forged.status = Some(401);
        assert!(rejects_bad_signatures(&[forged]).is_empty());
    }
}
