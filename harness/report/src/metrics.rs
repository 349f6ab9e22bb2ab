//! The go-live key figures of a scenario and of a suite, computed from the trace only.
//!
//! - **order accuracy**: of the orders the integration sent to the warehouse, the share
//!   whose warehouse order holds exactly the ordered SKUs and quantities and that have at
//!   most one paid label (orders never sent, e.g. held or cancelled early, do not count);
//! - **order-to-ship**: virtual time from the storefront receiving an order to the
//!   warehouse shipping it;
//! - **exceptions**: alerts raised to humans, orders put on hold, warehouse exceptions and
//!   failed deliveries;
//! - **integration failures**: the integration's requests answered 4xx/5xx and webhook
//!   delivery attempts the integration did not answer with 2xx.

use drydock_runner::trace::{Milestone, Source, Trace};
use drydock_simulator::journal::Direction;
use schemars::JsonSchema;
use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct Metrics {
    /// Orders placed on the storefront.
    pub orders: usize,
    /// Orders the integration sent to the warehouse.
    pub orders_sent_to_warehouse: usize,
    /// Of those, the ones with exactly the ordered items and at most one paid label.
    pub orders_accurate: usize,
    /// `orders_accurate / orders_sent_to_warehouse` in 0..=1; null when nothing was sent.
    pub order_accuracy: Option<f64>,
    /// Orders the warehouse shipped.
    pub orders_shipped: usize,
    /// Mean virtual seconds from order received to shipped; null when nothing shipped.
    pub order_to_ship_mean_s: Option<i64>,
    /// Longest virtual seconds from order received to shipped.
    pub order_to_ship_max_s: Option<i64>,
    /// Alerts raised to humans (Slack).
    pub alerts: usize,
    /// Orders on hold, warehouse exceptions and failed deliveries.
    pub exceptions: usize,
    /// Requests by the integration answered with 4xx or 5xx.
    pub http_errors: usize,
    /// Webhook delivery attempts not answered with 2xx (including no answer).
    pub failed_webhooks: usize,
    /// `http_errors + failed_webhooks`.
    pub integration_failures: usize,
    /// Fault rules that fired.
    pub faults_fired: usize,
    /// The request rate during an outage: most failed calls (no answer, 429, 5xx) to
    /// one provider in any one second of real time (the `no_retry_storm` limit is 10).
    pub peak_failed_calls_per_second: usize,
}

/// Virtual seconds from received to shipped of every shipped order.
fn ship_times(trace: &Trace) -> Vec<i64> {
    trace
        .orders
        .iter()
        .filter_map(|o| {
            o.shipped_at
                .map(|at| at.duration_since(o.received_at).as_secs())
        })
        .collect()
}

pub fn scenario(trace: &Trace) -> Metrics {
    let sent: Vec<_> = trace
        .orders
        .iter()
        .filter(|o| o.warehouse_lines.is_some())
        .collect();
    let accurate = sent
        .iter()
        .filter(|o| o.warehouse_lines.as_ref() == Some(&o.ordered) && o.paid_labels <= 1)
        .count();
    let times = ship_times(trace);
    let exceptions = trace
        .orders
        .iter()
        .flat_map(|o| &o.events)
        .filter(|e| {
            // Each counted once, where it happens (a failed delivery also shows on the
            // storefront when the integration passes it on).
            matches!(
                (e.source, e.milestone),
                (Source::Storefront, Milestone::Held)
                    | (Source::Warehouse, Milestone::Exception)
                    | (Source::Carrier, Milestone::DeliveryFailed)
            )
        })
        .count();
    let journal = trace.journal.entries();
    let http_errors = journal
        .iter()
        .filter(|e| e.direction == Direction::Inbound && e.status.is_some_and(|s| s >= 400))
        .count();
    let failed_webhooks = journal
        .iter()
        .filter(|e| {
            e.direction == Direction::Webhook && !e.status.is_some_and(|s| (200..300).contains(&s))
        })
        .count();
    Metrics {
        orders: trace.orders.len(),
        orders_sent_to_warehouse: sent.len(),
        orders_accurate: accurate,
        order_accuracy: ratio(accurate, sent.len()),
        orders_shipped: times.len(),
        order_to_ship_mean_s: mean(&times),
        order_to_ship_max_s: times.iter().copied().max(),
        alerts: trace.alerts.len(),
        exceptions,
        http_errors,
        failed_webhooks,
        integration_failures: http_errors + failed_webhooks,
        faults_fired: trace.faults.len(),
        peak_failed_calls_per_second: drydock_runner::checks::wire::peak_failure_rates(&journal)
            .into_iter()
            .map(|(_, peak)| peak)
            .max()
            .unwrap_or(0),
    }
}

/// The suite's figures: counts summed, accuracy and order-to-ship over all orders.
pub fn suite<'a>(traces: impl Iterator<Item = &'a Trace>) -> Metrics {
    let mut total = Metrics::default();
    let mut times = Vec::new();
    for trace in traces {
        let m = scenario(trace);
        times.extend(ship_times(trace));
        total.orders += m.orders;
        total.orders_sent_to_warehouse += m.orders_sent_to_warehouse;
        total.orders_accurate += m.orders_accurate;
        total.alerts += m.alerts;
        total.exceptions += m.exceptions;
        total.http_errors += m.http_errors;
        total.failed_webhooks += m.failed_webhooks;
        total.integration_failures += m.integration_failures;
        total.faults_fired += m.faults_fired;
        total.peak_failed_calls_per_second = total
            .peak_failed_calls_per_second
            .max(m.peak_failed_calls_per_second);
    }
    total.order_accuracy = ratio(total.orders_accurate, total.orders_sent_to_warehouse);
    total.orders_shipped = times.len();
    total.order_to_ship_mean_s = mean(&times);
    total.order_to_ship_max_s = times.iter().copied().max();
    total
}

fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn mean(values: &[i64]) -> Option<i64> {
    (!values.is_empty()).then(|| values.iter().sum::<i64>() / values.len() as i64)
}

/// `93 %`, or `n/a`.
pub fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".into(), |v| format!("{:.0} %", v * 100.0))
}

/// Virtual seconds as `1d 6h`, `6h`, `45m`, `12s`; `n/a` when absent.
pub fn span(seconds: Option<i64>) -> String {
    let Some(s) = seconds else {
        return "n/a".into();
    };
    let (d, h, m) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60);
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(format!("{d}d"));
    }
    if h > 0 {
        parts.push(format!("{h}h"));
    }
    if m > 0 && d == 0 {
        parts.push(format!("{m}m"));
    }
    if parts.is_empty() {
        parts.push(format!("{}s", s % 60));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_like_a_human_writes_them() {
        assert_eq!(span(Some(6 * 3600)), "6h");
        assert_eq!(span(Some(86_400 + 6 * 3600 + 60)), "1d 6h");
        assert_eq!(span(Some(45 * 60)), "45m");
        assert_eq!(span(Some(0)), "0s");
        assert_eq!(span(None), "n/a");
        assert_eq!(percent(Some(0.5)), "50 %");
        assert_eq!(percent(None), "n/a");
    }

    #[test]
    fn figures_count_what_went_wrong_once() {
        let m = scenario(&crate::sample::trace());
        assert_eq!(m.orders, 2);
        assert_eq!(
            m.orders_sent_to_warehouse, 1,
            "the held order never reached it"
        );
        assert_eq!(
            m.orders_accurate, 0,
            "three picked for two ordered, two labels"
        );
        assert_eq!(m.order_accuracy, Some(0.0));
        assert_eq!(
            (m.order_to_ship_mean_s, m.order_to_ship_max_s),
            (Some(6 * 3600), Some(6 * 3600))
        );
        assert_eq!(m.exceptions, 2, "one hold, one warehouse exception");
        assert_eq!(m.alerts, 1);
        assert_eq!(
            (m.http_errors, m.failed_webhooks, m.integration_failures),
            (1, 2, 3)
        );
        assert_eq!(m.faults_fired, 1);
        let total = suite([crate::sample::trace(), crate::sample::trace()].iter());
        assert_eq!((total.orders, total.integration_failures), (4, 6));
        assert_eq!(total.order_accuracy, Some(0.0));
    }
}
