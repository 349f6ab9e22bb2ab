//! Durations as scenario and fault authors write them: `90s`, `15m`, `2h`, `3d`, `1w`,
//! `1d 6h`, `250ms`. Two kinds that never mix: a [`VirtualDuration`] is time on the
//! world's clock (advance the clock, a delayed webhook, a fault window), a
//! [`RealDuration`] is wall-clock time someone actually waits (latency, a hang, a
//! `Retry-After`, a rate-limit window, a `wait_until` timeout). Real time is written in
//! ms, s, m or h: a real wait of days is a mix-up, refused where it is written.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Time on the virtual clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct VirtualDuration {
    pub millis: i64,
}

/// Wall-clock time: what a client or the harness really waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RealDuration {
    pub millis: i64,
}

impl VirtualDuration {
    pub fn as_core(self) -> crate::Duration {
        crate::Duration::from_millis(self.millis)
    }

    pub fn parse(text: &str) -> Result<VirtualDuration, String> {
        let (millis, _) = parse_text(text)?;
        Ok(VirtualDuration { millis })
    }
}

impl RealDuration {
    pub fn as_std(self) -> std::time::Duration {
        std::time::Duration::from_millis(self.millis.max(0) as u64)
    }

    pub fn from_millis(millis: u64) -> RealDuration {
        RealDuration {
            millis: i64::try_from(millis).unwrap_or(i64::MAX),
        }
    }

    /// Real time written in ms, s, m or h.
    pub fn parse(text: &str) -> Result<RealDuration, String> {
        let (millis, coarsest) = parse_text(text)?;
        if coarsest >= DAY {
            return Err(format!(
                "`{}` is days or weeks, which only the virtual clock moves by: this is real time (a client or the harness waits it out), written in ms, s, m or h",
                text.trim()
            ));
        }
        Ok(RealDuration { millis })
    }
}

/// A duration whose clock depends on where it is used (a fault's `delay`: real for a
/// latency or a hang, virtual for a delayed webhook), read as both: the real reading
/// keeps its refusal, said once the use is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EitherDuration {
    pub on_clock: VirtualDuration,
    pub waited: Result<RealDuration, String>,
}

impl<'de> Deserialize<'de> for EitherDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ok(EitherDuration {
            on_clock: VirtualDuration::parse(&text).map_err(serde::de::Error::custom)?,
            waited: RealDuration::parse(&text),
        })
    }
}

impl schemars::JsonSchema for EitherDuration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        VirtualDuration::json_schema(generator)
    }
}

const DAY: i64 = 86_400_000;

/// Milliseconds and the coarsest unit used, in milliseconds.
fn parse_text(text: &str) -> Result<(i64, i64), String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("a duration is empty; write e.g. `90s`, `2h` or `1d 6h`".into());
    }
    let mut millis: i64 = 0;
    let mut coarsest = 0;
    let mut rest = text;
    while !rest.is_empty() {
        rest = rest.trim_start();
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            return Err(format!(
                "`{text}` is not a duration; write e.g. `90s`, `2h` or `1d 6h`"
            ));
        }
        let number: i64 = rest[..digits]
            .parse()
            .map_err(|_| format!("`{text}` is too large"))?;
        rest = &rest[digits..];
        let unit_len = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .len();
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let factor = match unit {
            "ms" => 1,
            "s" => 1_000,
            "m" | "min" => 60_000,
            "h" => 3_600_000,
            "d" => DAY,
            "w" => 7 * DAY,
            "" => {
                return Err(format!(
                    "`{text}` has a number without a unit (ms, s, m, h, d, w)"
                ));
            }
            other => {
                return Err(format!(
                    "`{other}` in `{text}` is not a unit; use ms, s, m, h, d or w"
                ));
            }
        };
        coarsest = coarsest.max(factor);
        millis = number
            .checked_mul(factor)
            .and_then(|v| millis.checked_add(v))
            .ok_or_else(|| format!("`{text}` is too large"))?;
    }
    let max = crate::limits::MAX_DURATION;
    if millis > max.millis {
        return Err(format!(
            "`{text}` is longer than {max}, the longest duration drydock accepts"
        ));
    }
    Ok((millis, coarsest))
}

/// `1d 6h`, `250ms`, `0s`.
fn write_text(millis: i64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let units = [
        (7 * DAY, "w"),
        (DAY, "d"),
        (3_600_000, "h"),
        (60_000, "m"),
        (1_000, "s"),
        (1, "ms"),
    ];
    if millis == 0 {
        return f.write_str("0s");
    }
    let mut left = millis;
    let mut parts = Vec::new();
    for (size, unit) in units {
        if left >= size {
            parts.push(format!("{}{unit}", left / size));
            left %= size;
        }
    }
    f.write_str(&parts.join(" "))
}

impl fmt::Display for VirtualDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_text(self.millis, f)
    }
}

impl fmt::Display for RealDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_text(self.millis, f)
    }
}

impl Serialize for VirtualDuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Serialize for RealDuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for VirtualDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        VirtualDuration::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for RealDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        RealDuration::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for VirtualDuration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^\\s*(\\d+\\s*(ms|s|m|min|h|d|w)\\s*)+$",
            "description": "A virtual duration: `90s`, `15m`, `2h`, `3d`, `1w`, `1d 6h`, `250ms`."
        })
    }
}

impl schemars::JsonSchema for RealDuration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RealDuration".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^\\s*(\\d+\\s*(ms|s|m|min|h)\\s*)+$",
            "description": "Real (wall-clock) time someone waits: `250ms`, `2s`, `1m`, `1h`; days and weeks are virtual."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_sums() {
        assert_eq!(VirtualDuration::parse("90s").map(|d| d.millis), Ok(90_000));
        assert_eq!(
            VirtualDuration::parse("1d 6h").map(|d| d.millis),
            Ok(108_000_000)
        );
        assert_eq!(
            VirtualDuration::parse("1d6h").map(|d| d.millis),
            Ok(108_000_000)
        );
        assert_eq!(VirtualDuration::parse("250ms").map(|d| d.millis), Ok(250));
    }

    #[test]
    fn rejects_with_a_hint() {
        for bad in ["", "5", "5x", "h", "-3h"] {
            assert!(VirtualDuration::parse(bad).is_err(), "{bad}");
            assert!(RealDuration::parse(bad).is_err(), "{bad}");
        }
        assert!(matches!(VirtualDuration::parse("5parsecs"), Err(m) if m.contains("not a unit")));
        assert!(VirtualDuration::parse("520w").is_ok());
        for long in ["500000w", "521w", "100000000h", "99999999999999999999ms"] {
            assert!(VirtualDuration::parse(long).is_err(), "{long}");
        }
    }

    #[test]
    fn real_time_is_never_written_in_days() {
        assert_eq!(
            RealDuration::parse("1h 30s").map(|d| d.millis),
            Ok(3_630_000)
        );
        for virtual_only in ["2d", "1w", "1d 1s"] {
            let e = RealDuration::parse(virtual_only).expect_err(virtual_only);
            assert!(e.contains("real time"), "{e}");
        }
    }

    #[test]
    fn displays_compactly() {
        assert_eq!(
            VirtualDuration {
                millis: 108_000_000
            }
            .to_string(),
            "1d 6h"
        );
        assert_eq!(RealDuration { millis: 1_500 }.to_string(), "1s 500ms");
    }
}
