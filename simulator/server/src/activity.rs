//! How busy the integration is with a world: its requests in flight to the personas,
//! webhook deliveries on their way to it, when anything last changed, and how long it
//! took to react to what drydock did. The settle oracle (`settle.rs`) reads it to decide
//! when the clock may move on, so each happening is answered at its own virtual time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::reactions::Reactions;

#[derive(Debug)]
pub struct Activity {
    in_flight: AtomicUsize,
    deliveries: Arc<AtomicUsize>,
    last_change: Mutex<Instant>,
    /// When drydock last did something the integration may react to, until it reacts.
    unanswered: Mutex<Option<Instant>>,
    reactions: Arc<Reactions>,
    requests: AtomicUsize,
}

/// Marks a request in flight until dropped.
pub struct InFlight<'a>(&'a Activity);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Marks webhook deliveries under way until dropped; owned, so a background task can
/// hold it.
pub struct Delivering(Arc<AtomicUsize>);

impl Drop for Delivering {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Activity {
    /// Reaction times go to `reactions` (shared by the worlds of one run).
    pub fn new(reactions: Arc<Reactions>) -> Activity {
        Activity {
            in_flight: AtomicUsize::new(0),
            deliveries: Arc::new(AtomicUsize::new(0)),
            last_change: Mutex::new(Instant::now()),
            unanswered: Mutex::new(None),
            reactions,
            requests: AtomicUsize::new(0),
        }
    }

    /// The integration's request to a persona begins. A change it makes after drydock
    /// did something is its reaction to it.
    pub fn begin(&self, changes_state: bool) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        self.requests.fetch_add(1, Ordering::Relaxed);
        if changes_state {
            self.reacted();
            self.touch();
        }
        InFlight(self)
    }

    /// The integration changed something.
    pub fn touch(&self) {
        if let Ok(mut t) = self.last_change.lock() {
            *t = Instant::now();
        }
    }

    /// drydock did something the integration may react to (a delivery, a scenario step).
    pub fn stimulus(&self) {
        self.touch();
        if let Ok(mut u) = self.unanswered.lock() {
            *u = Some(Instant::now());
        }
    }

    fn reacted(&self) {
        let since = self.unanswered.lock().ok().and_then(|mut u| u.take());
        if let Some(since) = since {
            self.reactions.observe(since.elapsed());
        }
    }

    /// Webhook deliveries are under way until the guard drops.
    pub fn delivering(&self) -> Delivering {
        self.deliveries.fetch_add(1, Ordering::SeqCst);
        Delivering(Arc::clone(&self.deliveries))
    }

    pub fn requests_seen(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    /// The run's reaction times.
    pub fn reactions(&self) -> &Reactions {
        &self.reactions
    }

    /// Nothing in flight between drydock and the integration, either way.
    pub(crate) fn nothing_in_flight(&self) -> bool {
        self.in_flight.load(Ordering::SeqCst) == 0 && self.deliveries.load(Ordering::SeqCst) == 0
    }

    /// When anything last changed.
    pub(crate) fn last_change(&self) -> Instant {
        self.last_change
            .lock()
            .map(|t| *t)
            .unwrap_or_else(|_| Instant::now())
    }

    pub(crate) fn quiet_for(&self) -> Duration {
        self.last_change().elapsed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn activity() -> Activity {
        Activity::new(Arc::new(Reactions::new(
            Duration::from_millis(1),
            Duration::from_secs(1),
        )))
    }

    #[test]
    fn a_change_after_a_stimulus_is_one_reaction() {
        let a = activity();
        a.stimulus();
        drop(a.begin(false));
        assert_eq!(a.reactions().seen(), 0, "a read is not a reaction");
        drop(a.begin(true));
        drop(a.begin(true));
        assert_eq!(a.reactions().seen(), 1, "only the first change answers it");
        drop(a.begin(true));
        assert_eq!(a.reactions().seen(), 1, "its own changes are no stimulus");
    }

    #[test]
    fn deliveries_keep_the_world_busy_until_done() {
        let a = activity();
        let d = a.delivering();
        assert!(!a.nothing_in_flight());
        drop(d);
        assert!(a.nothing_in_flight());
    }
}
