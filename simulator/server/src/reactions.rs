//! The adaptive quiet window: how long an integration without an idle endpoint must stay
//! silent before the clock moves on, learnt from its reaction times (real time from
//! webhooks drydock sent on its own initiative to the integration's last change at a
//! persona before it went quiet). Shared by every world of one run, since they all judge
//! the same integration. Until a few reactions were seen the window is the maximum, so
//! the first ones are seen whole, however slow.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

/// Reactions kept: the most recent ones describe the integration best.
const KEPT: usize = 256;
/// Until this many reactions were seen the window is the maximum.
pub const MIN_SAMPLES: usize = 3;
/// The window covers this percentile of the reactions seen...
const PERCENTILE: usize = 95;
/// ...times this margin (in percent).
const MARGIN_PERCENT: u32 = 150;

#[derive(Debug)]
pub struct Reactions {
    /// Never below this (`--quiet-ms`).
    floor: Duration,
    /// Never above this.
    max: Duration,
    samples: Mutex<VecDeque<Duration>>,
}

impl Reactions {
    pub fn new(floor: Duration, max: Duration) -> Reactions {
        Reactions {
            floor,
            max: max.max(floor),
            samples: Mutex::new(VecDeque::with_capacity(KEPT)),
        }
    }

    pub fn floor(&self) -> Duration {
        self.floor
    }

    pub fn max(&self) -> Duration {
        self.max
    }

    /// How many reactions are kept.
    pub fn seen(&self) -> usize {
        self.samples.lock().map(|s| s.len()).unwrap_or_default()
    }

    /// One reaction time seen.
    pub fn observe(&self, reaction: Duration) {
        if let Ok(mut samples) = self.samples.lock() {
            if samples.len() == KEPT {
                samples.pop_front();
            }
            samples.push_back(reaction);
        }
    }

    /// The quiet window to use now.
    pub fn window(&self) -> Duration {
        let samples: Vec<Duration> = self
            .samples
            .lock()
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default();
        window_for(samples, self.floor, self.max)
    }
}

/// The window for these reactions: their high percentile times a margin, within
/// `floor..=max`; the maximum while too few were seen.
pub(crate) fn window_for(mut samples: Vec<Duration>, floor: Duration, max: Duration) -> Duration {
    let max = max.max(floor);
    if samples.len() < MIN_SAMPLES {
        return max;
    }
    samples.sort_unstable();
    // Nearest rank: the smallest sample at or above PERCENTILE% of them.
    let rank = (samples.len() * PERCENTILE).div_ceil(100).max(1);
    let high = samples[rank.min(samples.len()) - 1];
    (high.saturating_mul(MARGIN_PERCENT) / 100).clamp(floor, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    const FLOOR: Duration = Duration::from_millis(120);
    const MAX: Duration = Duration::from_secs(3);

    #[test]
    fn too_few_reactions_mean_the_maximum() {
        assert_eq!(window_for(vec![], FLOOR, MAX), MAX);
        assert_eq!(window_for(vec![ms(1); MIN_SAMPLES - 1], FLOOR, MAX), MAX);
        assert_eq!(window_for(vec![ms(1); MIN_SAMPLES], FLOOR, MAX), FLOOR);
    }

    #[test]
    fn quick_reactions_keep_the_floor() {
        assert_eq!(window_for(vec![ms(3); 20], FLOOR, MAX), FLOOR);
    }

    #[test]
    fn slow_reactions_widen_the_window_by_the_margin() {
        assert_eq!(window_for(vec![ms(500); 10], FLOOR, MAX), ms(750));
    }

    #[test]
    fn the_window_covers_the_95th_percentile_not_a_single_outlier() {
        // 99 quick reactions and one 2 s stall: the stall is above the 95th percentile.
        let mut samples = vec![ms(10); 99];
        samples.push(ms(2_000));
        assert_eq!(window_for(samples, FLOOR, MAX), FLOOR);
        // One in ten slow: the 95th percentile is slow.
        let mut samples = vec![ms(10); 18];
        samples.extend([ms(400), ms(600)]);
        assert_eq!(window_for(samples, FLOOR, MAX), ms(600));
    }

    #[test]
    fn the_window_never_exceeds_the_maximum() {
        assert_eq!(window_for(vec![ms(10_000); 10], FLOOR, MAX), MAX);
        // A maximum below the floor yields the floor.
        assert_eq!(window_for(vec![ms(10_000); 10], FLOOR, ms(50)), FLOOR);
    }

    #[test]
    fn only_recent_reactions_count() {
        let r = Reactions::new(FLOOR, MAX);
        for _ in 0..KEPT {
            r.observe(ms(1_000));
        }
        for _ in 0..KEPT {
            r.observe(ms(5));
        }
        assert_eq!(r.window(), FLOOR);
    }
}
