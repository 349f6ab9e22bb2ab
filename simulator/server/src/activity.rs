//! How busy the integration is with a world: requests in flight to the personas and when
//! it last changed something. The clock only moves on once the integration is quiet, so
//! each happening is answered at its own virtual time.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Activity {
    in_flight: AtomicUsize,
    last_change: Mutex<Instant>,
    requests: AtomicUsize,
}

impl Default for Activity {
    fn default() -> Self {
        Activity {
            in_flight: AtomicUsize::new(0),
            last_change: Mutex::new(Instant::now()),
            requests: AtomicUsize::new(0),
        }
    }
}

/// Marks a request in flight until dropped.
pub struct InFlight<'a>(&'a Activity);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Activity {
    pub fn begin(&self, changes_state: bool) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        self.requests.fetch_add(1, Ordering::Relaxed);
        if changes_state {
            self.touch();
        }
        InFlight(self)
    }

    /// Something happened that the integration may react to (a change, a delivery).
    pub fn touch(&self) {
        if let Ok(mut t) = self.last_change.lock() {
            *t = Instant::now();
        }
    }

    pub fn requests_seen(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    fn quiet_for(&self) -> Duration {
        self.last_change
            .lock()
            .map(|t| t.elapsed())
            .unwrap_or_default()
    }

    /// Waits until nothing is in flight and nothing changed for `quiet`, or `limit` passed.
    /// Returns false when the limit was hit (the integration kept busy).
    pub async fn settle(&self, quiet: Duration, limit: Duration) -> bool {
        let started = Instant::now();
        loop {
            if self.in_flight.load(Ordering::SeqCst) == 0 && self.quiet_for() >= quiet {
                return true;
            }
            if started.elapsed() >= limit {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(2).min(quiet)).await;
        }
    }
}
