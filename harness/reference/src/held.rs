//! Background retries of held orders, pure: which task an order waits to redo, when
//! it is due, and the growing delay between tries. No I/O, no clock: callers pass `Instant`s.

use std::time::{Duration, Instant};

use crate::shipbob;

/// Longest pause between two tries of one held order.
const MAX_DELAY: Duration = Duration::from_secs(4);

/// What a held order waits to redo once the provider is back.
#[derive(Clone, Debug)]
pub(crate) enum RetryTask {
    /// Take the order to the warehouse (steps 2–5), resuming where it stopped.
    Fulfil,
    /// The warehouse shipped it but the storefront could not be told: mark it fulfilled.
    MarkShipped(shipbob::Shipment),
}

/// One held order's retry schedule.
#[derive(Clone, Debug)]
pub(crate) struct HeldRetry {
    pub(crate) task: RetryTask,
    /// Tries made so far.
    pub(crate) tries: u32,
    /// When the next try is due; `None` while a try is queued or running.
    pub(crate) due: Option<Instant>,
}

/// The pause before try `tries + 1`: `base * 2^tries`, at most [`MAX_DELAY`].
pub(crate) fn delay(base: Duration, tries: u32) -> Duration {
    base.saturating_mul(1u32 << tries.min(16)).min(MAX_DELAY)
}

impl HeldRetry {
    pub(crate) fn first(task: RetryTask, now: Instant, base: Duration) -> HeldRetry {
        HeldRetry {
            task,
            tries: 0,
            due: Some(now + delay(base, 0)),
        }
    }

    /// Claims the try if it is due (so it is queued once), returning its task.
    pub(crate) fn claim(&mut self, now: Instant) -> Option<RetryTask> {
        let due = self.due?;
        (due <= now).then(|| {
            self.due = None;
            self.task.clone()
        })
    }

    /// A try failed: schedules the next one, or `None` when `max` tries are spent.
    pub(crate) fn failed(mut self, now: Instant, base: Duration, max: u32) -> Option<HeldRetry> {
        self.tries = self.tries.saturating_add(1);
        (self.tries < max).then(|| {
            self.due = Some(now + delay(base, self.tries));
            self
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Duration = Duration::from_millis(250);

    #[test]
    fn delay_doubles_up_to_the_cap() {
        assert_eq!(delay(BASE, 0), BASE);
        assert_eq!(delay(BASE, 2), Duration::from_secs(1));
        assert_eq!(delay(BASE, 9), MAX_DELAY);
    }

    #[test]
    fn a_try_is_claimed_once_and_only_when_due() {
        let now = Instant::now();
        let mut retry = HeldRetry::first(RetryTask::Fulfil, now, BASE);
        assert!(retry.claim(now).is_none());
        assert!(retry.claim(now + BASE).is_some());
        assert!(retry.claim(now + BASE * 10).is_none(), "already queued");
    }

    #[test]
    fn tries_are_bounded() {
        let now = Instant::now();
        let mut retry = Some(HeldRetry::first(RetryTask::Fulfil, now, BASE));
        let mut tries = 0;
        while let Some(r) = retry {
            tries += 1;
            retry = r.failed(now, BASE, 3);
        }
        assert_eq!(tries, 3);
    }
}
