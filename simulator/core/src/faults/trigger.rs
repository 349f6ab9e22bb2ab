//! When a matching call makes a rule fire.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::VirtualDuration;
use crate::ids::SeededRng;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Trigger {
    /// Every matching call.
    #[default]
    Always,
    /// The first N matching calls, then never again.
    First(u64),
    /// Every Nth matching call (the Nth, 2Nth, ...).
    Every(u64),
    /// Each matching call with this probability (0..1), drawn from the world's seed.
    Probability(f64),
    /// Matching calls while the virtual clock is inside the window, counted from the
    /// scenario's start (`from` inclusive, `until` exclusive).
    Window(Window),
    /// Every matching call until the scenario reaches the `label` step of this name.
    UntilLabel(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Window {
    #[serde(default)]
    pub from: Option<VirtualDuration>,
    #[serde(default)]
    pub until: Option<VirtualDuration>,
}

impl Trigger {
    /// Problems with the trigger's own values, in words for the author.
    pub fn problems(&self) -> Vec<String> {
        match self {
            Trigger::First(0) => vec!["`first: 0` never fires; use at least 1".into()],
            Trigger::Every(0) => vec!["`every: 0` is not a period; use at least 1".into()],
            Trigger::First(n) | Trigger::Every(n) if *n > crate::limits::MAX_FAULT_COUNT => {
                vec![format!(
                    "`{n}` calls is more than a drill can make; use at most {}",
                    crate::limits::MAX_FAULT_COUNT
                )]
            }
            Trigger::Window(w) if window_too_long(w) => vec![format!(
                "a window is counted from the scenario's start and must end within {}",
                crate::limits::MAX_DURATION
            )],
            Trigger::Probability(p) if !(0.0..=1.0).contains(p) || p.is_nan() => {
                vec![format!("`probability: {p}` must be between 0 and 1")]
            }
            Trigger::Window(Window {
                from: Some(from),
                until: Some(until),
            }) if until <= from => vec![format!(
                "the window ends ({until}) before it starts ({from}); `until` must be later than `from`"
            )],
            Trigger::UntilLabel(label) if label.trim().is_empty() => {
                vec!["`until_label` needs the name of a `label` step".into()]
            }
            _ => Vec::new(),
        }
    }

    /// Whether the `seen`-th matching call (1-based) fires, `elapsed_ms` after the start.
    pub(crate) fn fires(&self, seen: u64, elapsed_ms: i64, rng: &mut SeededRng) -> bool {
        match self {
            Trigger::Always | Trigger::UntilLabel(_) => true,
            Trigger::First(n) => seen <= *n,
            Trigger::Every(n) => *n > 0 && seen.is_multiple_of(*n),
            Trigger::Probability(p) => {
                // 53 random bits give a uniform value in [0, 1).
                let draw = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
                draw < *p
            }
            Trigger::Window(w) => {
                w.from.is_none_or(|f| elapsed_ms >= f.millis)
                    && w.until.is_none_or(|u| elapsed_ms < u.millis)
            }
        }
    }
}

fn window_too_long(w: &Window) -> bool {
    [w.from, w.until]
        .into_iter()
        .flatten()
        .any(|d| crate::limits::duration_up_to(d, crate::limits::MAX_DURATION).is_err())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counting_triggers() {
        let mut rng = SeededRng::new(1);
        let first: Vec<bool> = (1..=4)
            .map(|n| Trigger::First(2).fires(n, 0, &mut rng))
            .collect();
        assert_eq!(first, [true, true, false, false]);
        let every: Vec<bool> = (1..=4)
            .map(|n| Trigger::Every(2).fires(n, 0, &mut rng))
            .collect();
        assert_eq!(every, [false, true, false, true]);
    }

    #[test]
    fn probability_is_seeded_and_roughly_right() {
        let draws = |seed| {
            let mut rng = SeededRng::new(seed);
            (1..=1000)
                .map(|n| Trigger::Probability(0.3).fires(n, 0, &mut rng))
                .collect::<Vec<_>>()
        };
        assert_eq!(draws(7), draws(7));
        assert_ne!(draws(7), draws(8));
        let hits = draws(7).iter().filter(|f| **f).count();
        assert!((250..350).contains(&hits), "{hits}");
    }

    #[test]
    fn window_is_half_open() {
        let mut rng = SeededRng::new(1);
        let w = Trigger::Window(Window {
            from: Some(VirtualDuration { millis: 1000 }),
            until: Some(VirtualDuration { millis: 2000 }),
        });
        assert!(!w.fires(1, 999, &mut rng));
        assert!(w.fires(1, 1000, &mut rng));
        assert!(!w.fires(1, 2000, &mut rng));
    }

    #[test]
    fn bad_values_are_explained() {
        assert!(Trigger::Probability(1.5).problems()[0].contains("between 0 and 1"));
        assert!(!Trigger::First(0).problems().is_empty());
        assert!(!Trigger::Every(u64::MAX).problems().is_empty());
        assert!(
            !Trigger::Window(Window {
                from: Some(VirtualDuration { millis: -1 }),
                until: None,
            })
            .problems()
            .is_empty()
        );
    }
}
