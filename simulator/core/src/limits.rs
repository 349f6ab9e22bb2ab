//! The world's bounds: how large a quantity, stock level, price, weight, duration or
//! instant may be. Input beyond them is refused before anything changes (the provider's
//! 4xx, the control API's 422, exit 2 for a scenario file), so arithmetic on the world's
//! state stays far from the integer and calendar limits and can neither wrap nor panic.
//!
//! The checks return the predicate of a sentence ("must be between 1 and 100000") so
//! that each caller can name the field its own way.

use crate::{Duration, RealDuration, Timestamp, VirtualDuration};

/// Units of one SKU on one order line (storefront checkout or warehouse order).
pub const MAX_LINE_QUANTITY: u32 = 100_000;
/// Units on one order, all lines together.
pub const MAX_ORDER_UNITS: u32 = 1_000_000;
/// A stock level (on hand, available) and a single adjustment of one, in units. Shopify
/// refuses inventory quantities beyond a billion too.
pub const MAX_STOCK: i64 = 1_000_000_000;
/// A unit price, in cents ($10,000,000.00).
pub const MAX_PRICE_CENTS: i64 = 1_000_000_000;
/// Shipping weight of one catalog unit, in ounces (150 lb).
pub const MAX_UNIT_WEIGHT_OZ: u32 = 2_400;
/// Weight of one parcel, in ounces: 150 lb, the heaviest parcel the big US carriers take.
pub const MAX_PARCEL_WEIGHT_OZ: f64 = 2_400.0;
/// Length, width or height of one parcel, in inches.
pub const MAX_PARCEL_DIMENSION_IN: f64 = 165.0;
/// The longest duration anyone may write (`advance_clock`, fault windows, a delayed
/// webhook, warehouse handling): 520 weeks, about ten years of virtual time.
pub const MAX_DURATION: VirtualDuration = VirtualDuration {
    millis: 520 * 604_800_000,
};
/// The longest a fault may hold a call in real time (`latency` delay plus jitter, `hang`).
pub const MAX_REAL_DELAY: RealDuration = RealDuration { millis: 30_000 };
/// The longest wait a fault may ask for (`retry_after`) and the longest rate-limit window
/// (`per`), real time.
pub const MAX_RETRY_AFTER: RealDuration = RealDuration { millis: 3_600_000 };
/// The longest a scenario may poll for a condition (`wait_until` `timeout`, real time).
pub const MAX_WAIT: RealDuration = RealDuration { millis: 600_000 };
/// Counts in fault rules (`first`, `every`, `limit`, `missing`).
pub const MAX_FAULT_COUNT: u64 = 1_000_000;
/// The earliest a world's clock may start: 1970-01-01T00:00:00Z.
pub const EARLIEST_START: Timestamp = Timestamp::UNIX_EPOCH;
/// The latest a world's clock may start: 3000-01-01T00:00:00Z.
pub const LATEST_START: Timestamp = Timestamp::constant(32_503_680_000, 0);
/// The clock never moves past 9000-01-01T00:00:00Z, so that anything scheduled after it
/// (at most [`MAX_DURATION`] plus the carrier's few days) still is a valid instant.
pub const LATEST_INSTANT: Timestamp = Timestamp::constant(221_845_392_000, 0);

/// `what` lies in `low..=high`, or the predicate that says so.
fn within<T: PartialOrd + std::fmt::Display>(value: T, low: T, high: T) -> Result<(), String> {
    if value < low || value > high {
        Err(format!("must be between {low} and {high} (got {value})"))
    } else {
        Ok(())
    }
}

/// Units on one order line.
pub fn line_quantity(quantity: u64) -> Result<(), String> {
    within(quantity, 1, u64::from(MAX_LINE_QUANTITY))
}

/// Units on a whole order (the sum of its lines, summed without overflow by the caller).
pub fn order_units(units: u64) -> Result<(), String> {
    if units > u64::from(MAX_ORDER_UNITS) {
        Err(format!(
            "add up to {units} units; one order holds at most {MAX_ORDER_UNITS}"
        ))
    } else {
        Ok(())
    }
}

/// Units on hand in a warehouse, or a storefront's starting stock.
pub fn on_hand(units: i64) -> Result<(), String> {
    within(units, 0, MAX_STOCK)
}

/// A storefront's available quantity or an adjustment of it (may be negative).
pub fn available(units: i64) -> Result<(), String> {
    within(units, -MAX_STOCK, MAX_STOCK)
}

pub fn price_cents(cents: i64) -> Result<(), String> {
    within(cents, 0, MAX_PRICE_CENTS).map_err(|_| {
        format!(
            "must be between 0.00 and {}",
            crate::catalog::money(MAX_PRICE_CENTS)
        )
    })
}

pub fn unit_weight_oz(oz: u32) -> Result<(), String> {
    within(oz, 0, MAX_UNIT_WEIGHT_OZ)
}

/// A parcel's weight: a positive number of ounces up to [`MAX_PARCEL_WEIGHT_OZ`].
pub fn parcel_weight_oz(oz: f64) -> Result<(), String> {
    if oz.is_finite() && oz > 0.0 && oz <= MAX_PARCEL_WEIGHT_OZ {
        Ok(())
    } else {
        Err(format!(
            "must be a positive number of ounces up to {MAX_PARCEL_WEIGHT_OZ}"
        ))
    }
}

pub fn parcel_dimension_in(inches: f64) -> Result<(), String> {
    if inches.is_finite() && inches > 0.0 && inches <= MAX_PARCEL_DIMENSION_IN {
        Ok(())
    } else {
        Err(format!(
            "must be a positive number of inches up to {MAX_PARCEL_DIMENSION_IN}"
        ))
    }
}

/// A virtual duration someone wrote: not negative, at most `max`.
pub fn duration_up_to(d: VirtualDuration, max: VirtualDuration) -> Result<(), String> {
    millis_up_to(d.millis, max.millis, &d, &max)
}

/// A real-time duration someone wrote: not negative, at most `max`.
pub fn real_up_to(d: RealDuration, max: RealDuration) -> Result<(), String> {
    millis_up_to(d.millis, max.millis, &d, &max)
}

fn millis_up_to(
    millis: i64,
    max_millis: i64,
    d: &dyn std::fmt::Display,
    max: &dyn std::fmt::Display,
) -> Result<(), String> {
    if millis < 0 {
        Err("must not be negative".into())
    } else if millis > max_millis {
        Err(format!("must be at most {max} (got {d})"))
    } else {
        Ok(())
    }
}

/// A core duration (control API, world spec) within [`MAX_DURATION`].
pub fn core_duration(d: Duration) -> Result<(), String> {
    let max = MAX_DURATION.as_core();
    if d.is_negative() {
        Err("must not be negative".into())
    } else if d > max {
        Err(format!("must be at most {MAX_DURATION}"))
    } else {
        Ok(())
    }
}

/// The instant a world's clock starts at.
pub fn start(at: Timestamp) -> Result<(), String> {
    if at < EARLIEST_START || at > LATEST_START {
        Err(format!(
            "must be between {EARLIEST_START} and {LATEST_START} (got {at})"
        ))
    } else {
        Ok(())
    }
}

/// A count in a fault rule.
pub fn fault_count(n: u64) -> Result<(), String> {
    within(n, 1, MAX_FAULT_COUNT)
}

/// `at + by`, or the latest instant a world knows when that would be later: for
/// happenings the world schedules by itself (carrier scans, warehouse steps), whose
/// inputs are already bounded. Never panics.
pub fn later(at: Timestamp, by: Duration) -> Timestamp {
    at.checked_add(by)
        .ok()
        .filter(|t| *t <= LATEST_INSTANT)
        .unwrap_or(LATEST_INSTANT.max(at))
}

/// `at + by` for a move someone asked for (advance the clock, delay a webhook): refused
/// when `by` is negative or longer than [`MAX_DURATION`], or lands past
/// [`LATEST_INSTANT`].
pub fn advance(at: Timestamp, by: Duration) -> Result<Timestamp, String> {
    core_duration(by)?;
    match at.checked_add(by) {
        Ok(to) if to <= LATEST_INSTANT => Ok(to),
        _ => Err(format!(
            "would move the clock past {LATEST_INSTANT}, the latest instant a world knows"
        )),
    }
}

/// An instant the clock is asked to move to.
pub fn instant(to: Timestamp) -> Result<(), String> {
    if to > LATEST_INSTANT {
        Err(format!(
            "must not be later than {LATEST_INSTANT}, the latest instant a world knows"
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_inclusive_and_say_what_to_write() {
        assert!(line_quantity(1).is_ok());
        assert!(line_quantity(u64::from(MAX_LINE_QUANTITY)).is_ok());
        assert!(line_quantity(0).is_err());
        let e = line_quantity(1 << 31).expect_err("2^31 units on a line");
        assert!(e.contains("between 1 and 100000"), "{e}");
        assert!(available(-MAX_STOCK).is_ok());
        assert!(available(i64::MIN).is_err());
        assert!(on_hand(-1).is_err());
        assert!(parcel_weight_oz(1e18).is_err());
        assert!(parcel_weight_oz(f64::NAN).is_err());
        assert!(parcel_weight_oz(16.0).is_ok());
    }

    #[test]
    fn time_arithmetic_never_panics() {
        let huge = Duration::from_hours(100_000_000);
        assert_eq!(later(LATEST_INSTANT, huge), LATEST_INSTANT);
        assert_eq!(later(Timestamp::MAX, huge), Timestamp::MAX);
        assert!(advance(EARLIEST_START, huge).is_err());
        assert!(advance(LATEST_INSTANT, Duration::from_secs(1)).is_err());
        assert!(advance(EARLIEST_START, Duration::from_secs(-1)).is_err());
        assert_eq!(
            advance(EARLIEST_START, Duration::from_secs(60)),
            Ok(Timestamp::constant(60, 0))
        );
        assert_eq!(LATEST_START.to_string(), "3000-01-01T00:00:00Z");
        assert_eq!(LATEST_INSTANT.to_string(), "9000-01-01T00:00:00Z");
    }
}
