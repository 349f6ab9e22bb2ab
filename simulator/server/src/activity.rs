//! How busy the integration is with a world: its requests in flight to the personas,
//! webhook deliveries on their way to it, when anything last changed, and how long it
//! took to react to what drydock did (from the webhooks to its last change before it
//! went quiet). The settle oracle (`settle.rs`) reads it to decide
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
    /// The reaction under way: when drydock's webhooks went out, and the integration's
    /// last change since.
    reaction: Mutex<Option<(Instant, Option<Instant>)>>,
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
            reaction: Mutex::new(None),
            reactions,
            requests: AtomicUsize::new(0),
        }
    }

    /// The integration's request has reached a persona: it is in flight until the guard
    /// drops, also while a fault holds its answer back (latency, hang), so the clock does
    /// not move on under a slow request.
    pub fn arrived(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(self)
    }

    /// The integration's request to a persona begins. A change it makes after drydock's
    /// webhooks is part of its reaction to them.
    pub fn begin(&self, changes_state: bool) -> InFlight<'_> {
        let in_flight = self.arrived();
        self.requests.fetch_add(1, Ordering::Relaxed);
        if changes_state {
            if let Ok(mut reaction) = self.reaction.lock()
                && let Some((_, last)) = reaction.as_mut()
            {
                *last = Some(Instant::now());
            }
            self.touch();
        }
        in_flight
    }

    /// The integration changed something.
    pub fn touch(&self) {
        if let Ok(mut t) = self.last_change.lock() {
            *t = Instant::now();
        }
    }

    /// drydock sends webhooks the integration may react to (a scenario step, a happening).
    pub fn stimulus(&self) {
        self.touch();
        self.reaction_over();
        if let Ok(mut reaction) = self.reaction.lock() {
            *reaction = Some((Instant::now(), None));
        }
    }

    /// The integration went quiet (or drydock acts again): the reaction under way, if it
    /// changed anything, is one reaction time.
    pub fn reaction_over(&self) {
        let ended = self.reaction.lock().ok().and_then(|mut r| r.take());
        if let Some((sent, Some(last))) = ended {
            self.reactions.observe(last.duration_since(sent));
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
    use crate::reactions::MIN_SAMPLES;

    fn activity() -> Activity {
        Activity::new(Arc::new(Reactions::new(
            Duration::from_millis(1),
            Duration::from_secs(1),
        )))
    }

    #[test]
    fn changes_after_a_stimulus_are_one_reaction_until_quiet() {
        let a = activity();
        a.stimulus();
        drop(a.begin(false));
        a.reaction_over();
        assert_eq!(a.reactions().seen(), 0, "a read is no reaction");
        a.stimulus();
        drop(a.begin(true));
        std::thread::sleep(Duration::from_millis(30));
        drop(a.begin(true));
        a.reaction_over();
        assert_eq!(a.reactions().seen(), 1, "both changes are one reaction");
        drop(a.begin(true));
        a.reaction_over();
        assert_eq!(
            a.reactions().seen(),
            1,
            "a change nothing asked for is none"
        );
        for _ in 0..MIN_SAMPLES {
            a.stimulus();
            drop(a.begin(true));
        }
        a.reaction_over();
        assert_eq!(a.reactions().seen(), 1 + MIN_SAMPLES);
        // The first reaction lasted until its last change: the window covers it.
        assert!(a.reactions().window() >= Duration::from_millis(30));
    }

    #[test]
    fn a_request_is_in_flight_from_its_arrival() {
        let a = activity();
        let arrived = a.arrived();
        assert!(
            !a.nothing_in_flight(),
            "held back by a fault, still in flight"
        );
        let handled = a.begin(false);
        drop(arrived);
        assert!(!a.nothing_in_flight());
        drop(handled);
        assert!(a.nothing_in_flight());
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
