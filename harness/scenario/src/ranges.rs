//! Values a scenario may hold: quantities, stock, prices, weights, the clock's start and
//! how far the steps move it, polling timeouts. The bounds are the core's
//! (`drydock_core::limits`), so a file the parser accepts never makes the world refuse
//! or overflow; each value out of range is reported where it is written, with the range.

use drydock_core::Timestamp;
use drydock_core::limits::{self, MAX_ORDER_UNITS, MAX_WAIT};

use crate::model::{Scenario, Step};
use crate::parse::Problems;

/// Reports every value of `s` that lies outside the world's bounds.
pub(crate) fn check(s: &Scenario, p: &mut Problems<'_>) {
    let start = s
        .world
        .clock
        .as_ref()
        .and_then(|c| Some((c, c.value.parse::<Timestamp>().ok()?)));
    if let Some((clock, at)) = start
        && let Err(m) = limits::start(at)
    {
        p.at(
            clock,
            format!("the clock's start {m}"),
            Some("start the clock at a date in the usual range, e.g. 2026-12-01T09:00:00Z".into()),
        );
    }
    for product in &s.world.catalog {
        let sku = &product.sku.value;
        if let Some(stock) = &product.stock
            && let Err(m) = limits::on_hand(stock.value)
        {
            p.at(
                stock,
                format!("stock of {sku} {m}"),
                Some(format!(
                    "write the units on the shelves, 0 to {}",
                    limits::MAX_STOCK
                )),
            );
        }
        if let Some(price) = &product.price
            && let Some(cents) = drydock_core::catalog::parse_money(&price.value)
            && let Err(m) = limits::price_cents(cents)
        {
            p.at(
                price,
                format!("the price of {sku} {m}"),
                Some("write a unit price in dollars and cents, e.g. \"12.50\"".into()),
            );
        }
        if let Some(weight) = &product.weight_oz
            && let Err(m) = limits::unit_weight_oz(weight.value)
        {
            p.at(
                weight,
                format!("the weight of {sku} in ounces {m}"),
                Some("write the weight of one unit in ounces, e.g. `weight_oz: 12`".into()),
            );
        }
    }
    let mut clock = start
        .map(|(_, at)| at)
        .unwrap_or_else(|| drydock_core::WorldSpec::default().clock);
    for step in &s.steps {
        match &step.value {
            Step::PlaceOrder(o) => {
                let mut units: u64 = 0;
                for line in &o.lines {
                    units += u64::from(line.quantity.value);
                    // Zero is reported here too: the message names the range.
                    if let Err(m) = limits::line_quantity(u64::from(line.quantity.value)) {
                        p.at(
                            &line.quantity,
                            format!("quantity of {} {m}", line.sku.value),
                            Some("write how many units of the SKU the customer buys".into()),
                        );
                    }
                }
                if let Err(m) = limits::order_units(units) {
                    p.at(
                        &o.alias,
                        format!("the lines of order `{}` {m}", o.alias.value),
                        Some(format!(
                            "split it into orders of at most {MAX_ORDER_UNITS} units"
                        )),
                    );
                }
            }
            Step::SetStock(st) => {
                if let Err(m) = limits::on_hand(st.on_hand.value) {
                    p.at(
                        &st.on_hand,
                        format!("on_hand of {} {m}", st.sku.value),
                        Some(format!(
                            "write the units the count finds, 0 to {}",
                            limits::MAX_STOCK
                        )),
                    );
                }
            }
            Step::AdvanceClock(by) => match limits::advance(clock, by.as_core()) {
                Ok(to) => clock = to,
                Err(m) => p.at(
                    step,
                    format!("`advance_clock: {by}` {m}"),
                    Some(format!(
                        "move the clock by at most {} per step, and not past {}",
                        limits::MAX_DURATION,
                        limits::LATEST_INSTANT
                    )),
                ),
            },
            Step::WaitUntil(w) => {
                if let Some(timeout) = &w.timeout
                    && let Err(m) = limits::real_up_to(timeout.value, MAX_WAIT)
                {
                    p.at(
                        timeout,
                        format!("a `wait_until` timeout (real time) {m}"),
                        Some(format!(
                            "wait at most {MAX_WAIT}; move virtual time with `advance_clock`"
                        )),
                    );
                }
            }
            _ => {}
        }
    }
}
