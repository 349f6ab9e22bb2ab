//! The go-live readiness report: one self-contained HTML file (inline CSS and SVG, no
//! script, no external asset) that a team can read and share. Per scenario: verdict, key
//! figures with the seed, the order timeline and stock per SKU drawn in virtual time, the
//! checks with their verdicts, retries, faults and alerts. All text from scenario files,
//! the integration and the journal is escaped.

use std::fmt::Write as _;

use drydock_runner::{ScenarioOutcome, SuiteOutcome};

use crate::json::{Verdict, verdict};
use crate::metrics::{self, Metrics, percent, span};
use crate::svg;
use crate::text::{escape, kind_name};

const STYLE: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #0f172a; background: #f8fafc; margin: 0; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 0; }
h3 { font-size: 14px; margin: 18px 0 6px; color: #334155; text-transform: uppercase; letter-spacing: .04em; }
.muted { color: #64748b; }
.banner { border-radius: 10px; padding: 14px 18px; margin: 16px 0 20px; font-size: 17px; font-weight: 600; }
.banner.ready { background: #dcfce7; color: #14532d; border: 1px solid #86efac; }
.banner.notready { background: #fee2e2; color: #7f1d1d; border: 1px solid #fca5a5; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; }
.card { background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 8px 12px; min-width: 132px; }
.card .v { font-size: 18px; font-weight: 650; }
.card .k { font-size: 12px; color: #64748b; }
.card.bad .v { color: #b91c1c; }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid #e2e8f0; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e2e8f0; vertical-align: top; }
th { background: #f1f5f9; font-size: 12px; color: #334155; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
.badge { display: inline-block; border-radius: 999px; padding: 1px 9px; font-size: 12px; font-weight: 650; }
.passed { background: #dcfce7; color: #166534; }
.flaky { background: #fef9c3; color: #854d0e; }
.failed { background: #fee2e2; color: #991b1b; }
section.scenario { background: #fff; border: 1px solid #e2e8f0; border-radius: 12px; padding: 16px 18px; margin: 22px 0; }
section.scenario header { display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap; }
.chart { display: block; width: 100%; height: auto; background: #fff; }
.chart text { font: 11px system-ui, sans-serif; fill: #334155; }
.chart text.lane { font-weight: 650; font-size: 12px; fill: #0f172a; }
.chart text.sub { fill: #64748b; }
.chart text.mark { font-size: 10.5px; }
.chart text.tick { fill: #64748b; font-size: 10.5px; }
.legend span { display: inline-flex; align-items: center; gap: 5px; margin-right: 14px; font-size: 12px; color: #475569; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 50%; }
details summary { cursor: pointer; color: #334155; margin: 8px 0; }
a { color: #1d4ed8; }
"#;

/// The whole report as one HTML document.
pub fn render(suite: &SuiteOutcome) -> String {
    let mut out = String::new();
    let total = suite.scenarios.len();
    let failed = suite.failed();
    let flaky = suite.scenarios.iter().filter(|s| s.flaky()).count();
    let metrics = metrics::suite(suite.scenarios.iter().filter_map(|s| s.trace.as_ref()));
    let _ = write!(
        out,
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>drydock go-live readiness report</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<h1>Go-live readiness report</h1>
<p class="muted">drydock {version} · {total} scenario{s} · all times are virtual (each scenario's own clock)</p>
"#,
        version = env!("CARGO_PKG_VERSION"),
        s = if total == 1 { "" } else { "s" },
    );
    let flaky_note = if flaky > 0 {
        format!(" ({flaky} only after polling retries)")
    } else {
        String::new()
    };
    if failed == 0 && total > 0 {
        let _ = write!(
            out,
            r#"<div class="banner ready">Ready: all {total} scenarios passed{flaky_note}.</div>"#
        );
    } else {
        let _ = write!(
            out,
            r#"<div class="banner notready">Not ready: {failed} of {total} scenarios failed.</div>"#
        );
    }
    out.push_str("<h3>Suite key figures</h3>");
    out.push_str(&cards(&metrics));
    out.push_str(&summary_table(suite));
    for (i, s) in suite.scenarios.iter().enumerate() {
        out.push_str(&scenario(i, s));
    }
    out.push_str(
        "<p class=\"muted\">Order accuracy: of the orders sent to the warehouse, those with exactly the ordered items and at most one paid label. Order-to-ship: virtual time from order received to warehouse shipped. Exceptions: holds, warehouse exceptions, failed deliveries. Integration failures: the integration's requests answered 4xx/5xx plus webhook deliveries it did not answer with 2xx.</p>\n</main>\n</body>\n</html>\n",
    );
    out
}

fn card(value: &str, key: &str, bad: bool) -> String {
    format!(
        r#"<div class="card{}"><div class="v">{}</div><div class="k">{}</div></div>"#,
        if bad { " bad" } else { "" },
        escape(value),
        escape(key)
    )
}

fn cards(m: &Metrics) -> String {
    let accuracy_bad = m.order_accuracy.is_some_and(|a| a < 1.0);
    let cards = [
        card(&m.orders.to_string(), "orders placed", false),
        card(
            &percent(m.order_accuracy),
            &format!(
                "order accuracy ({} of {})",
                m.orders_accurate, m.orders_sent_to_warehouse
            ),
            accuracy_bad,
        ),
        card(
            &span(m.order_to_ship_mean_s),
            &format!("order-to-ship, mean (max {})", span(m.order_to_ship_max_s)),
            false,
        ),
        card(&m.exceptions.to_string(), "exceptions", m.exceptions > 0),
        card(&m.alerts.to_string(), "alerts raised", false),
        card(
            &m.integration_failures.to_string(),
            &format!(
                "integration failures ({} HTTP 4xx/5xx, {} webhooks)",
                m.http_errors, m.failed_webhooks
            ),
            m.integration_failures > 0,
        ),
        card(&m.faults_fired.to_string(), "faults fired", false),
        card(
            &m.peak_failed_calls_per_second.to_string(),
            "peak failed calls / s to one provider",
            m.peak_failed_calls_per_second > drydock_runner::checks::wire::STORM_LIMIT,
        ),
    ]
    .join("");
    format!(r#"<div class="cards">{cards}</div>"#)
}

fn badge(v: Verdict) -> &'static str {
    match v {
        Verdict::Passed => r#"<span class="badge passed">passed</span>"#,
        Verdict::Flaky => r#"<span class="badge flaky">flaky pass</span>"#,
        Verdict::Failed => r#"<span class="badge failed">failed</span>"#,
    }
}

fn summary_table(suite: &SuiteOutcome) -> String {
    let mut t = String::from(
        "<h3>Scenarios</h3><table><thead><tr><th>scenario</th><th>verdict</th><th>seed</th><th>checks</th><th>virtual</th><th>real</th><th>accuracy</th><th>order-to-ship</th><th>exceptions</th><th>integration failures</th><th>faults</th></tr></thead><tbody>",
    );
    for (i, s) in suite.scenarios.iter().enumerate() {
        let m = s.trace.as_ref().map(metrics::scenario).unwrap_or_default();
        let passed = s.checks.iter().filter(|c| c.passed).count();
        let _ = write!(
            t,
            r##"<tr><td><a href="#s{i}">{}</a><br><span class="muted">{}</span></td><td>{}</td><td class="num">{}</td><td class="num">{passed}/{}</td><td>{}</td><td class="num">{} ms</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>"##,
            escape(&s.name),
            escape(&s.file),
            badge(verdict(s)),
            s.seed,
            s.checks.len(),
            escape(&s.virtual_span),
            s.duration_ms,
            percent(m.order_accuracy),
            span(m.order_to_ship_mean_s),
            m.exceptions,
            m.integration_failures,
            m.faults_fired,
        );
    }
    t.push_str("</tbody></table>");
    t
}

const LEGEND: &str = r##"<div class="legend"><span><i style="background:#2563eb"></i>received / processing</span><span><i style="background:#0d9488"></i>picked / packed / labelled</span><span><i style="background:#7c3aed"></i>shipped / in transit / out for delivery</span><span><i style="background:#16a34a"></i>delivered</span><span><i style="background:#ea580c"></i>held / exception / cancelled</span><span><i style="background:#dc2626"></i>delivery failed / fault</span><span><i style="background:#ca8a04"></i>alert</span></div>"##;

fn scenario(i: usize, s: &ScenarioOutcome) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<section class="scenario" id="s{i}"><header><h2>{}</h2>{}<span class="muted">{} · seed {} · {} virtual in {} ms · {} requests, {} webhook deliveries</span></header>"#,
        escape(&s.name),
        badge(verdict(s)),
        escape(&s.file),
        s.seed,
        escape(&s.virtual_span),
        s.duration_ms,
        s.requests,
        s.webhooks,
    );
    match &s.trace {
        Some(trace) => {
            out.push_str(&cards(&metrics::scenario(trace)));
            let scale = svg::scale_for(trace);
            out.push_str("<h3>Order timeline</h3>");
            out.push_str(LEGEND);
            out.push_str(&svg::timeline(trace, &scale));
            out.push_str("<h3>Stock per SKU</h3><div class=\"legend\"><span>▬ storefront available (wide, pale)</span><span>- - warehouse on hand</span><span>··· sellable</span></div>");
            out.push_str(&svg::stock(trace, &scale));
        }
        None => out.push_str(
            "<p class=\"muted\">The scenario was not played (see the setup check below).</p>",
        ),
    }
    out.push_str(&checks(s));
    if !s.retries.is_empty() {
        out.push_str("<h3>Held only after polling</h3><table><thead><tr><th>where</th><th>polls</th><th>waited</th></tr></thead><tbody>");
        for r in &s.retries {
            let _ = write!(
                out,
                r#"<tr><td>{}</td><td class="num">{}</td><td class="num">{} ms</td></tr>"#,
                escape(&r.name),
                r.polls,
                r.waited_ms
            );
        }
        out.push_str("</tbody></table>");
    }
    if let Some(trace) = &s.trace {
        if !trace.faults.is_empty() {
            out.push_str("<h3>Faults fired</h3><table><thead><tr><th>virtual time</th><th>rule</th><th>persona</th><th>target</th><th>effect</th></tr></thead><tbody>");
            for f in &trace.faults {
                let _ = write!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td><pre>{}</pre></td><td>{}</td></tr>",
                    f.at,
                    escape(&f.rule),
                    escape(&f.persona),
                    escape(&f.target),
                    escape(&f.effect)
                );
            }
            out.push_str("</tbody></table>");
        }
        if !trace.alerts.is_empty() {
            out.push_str("<h3>Alerts raised</h3><table><thead><tr><th>virtual time</th><th>channel</th><th>text</th></tr></thead><tbody>");
            for a in &trace.alerts {
                let _ = write!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td><pre>{}</pre></td></tr>",
                    a.at,
                    escape(&a.channel),
                    escape(&a.text)
                );
            }
            out.push_str("</tbody></table>");
        }
        let events: usize = trace.orders.iter().map(|o| o.events.len()).sum();
        if events > 0 {
            let _ = write!(
                out,
                "<details><summary>All {events} order events</summary><table><thead><tr><th>virtual time</th><th>order</th><th>seen by</th><th>milestone</th><th>detail</th></tr></thead><tbody>"
            );
            for o in &trace.orders {
                for e in &o.events {
                    let _ = write!(
                        out,
                        "<tr><td>{}</td><td>{}</td><td>{:?}</td><td>{}</td><td>{}</td></tr>",
                        e.at,
                        escape(&o.name),
                        e.source,
                        e.milestone.label(),
                        escape(&e.detail)
                    );
                }
            }
            out.push_str("</tbody></table></details>");
        }
    }
    out.push_str("</section>\n");
    out
}

fn checks(s: &ScenarioOutcome) -> String {
    let mut t = String::from(
        "<h3>Checks</h3><table><thead><tr><th>kind</th><th>check</th><th>verdict</th><th>detail</th></tr></thead><tbody>",
    );
    let mut ordered: Vec<_> = s.checks.iter().collect();
    ordered.sort_by_key(|c| c.passed);
    for c in ordered {
        let verdict = if c.passed {
            r#"<span class="badge passed">pass</span>"#
        } else {
            r#"<span class="badge failed">fail</span>"#
        };
        let _ = write!(
            t,
            "<tr><td>{}</td><td>{}</td><td>{verdict}</td><td><pre>{}</pre></td></tr>",
            kind_name(c.kind),
            escape(&c.name),
            escape(&c.detail)
        );
    }
    t.push_str("</tbody></table>");
    t
}

#[cfg(test)]
mod tests {
    use crate::sample::{HOSTILE, suite};

    #[test]
    fn user_text_is_escaped_and_every_problem_is_shown() {
        let html = super::render(&suite());
        assert!(
            !html.contains(HOSTILE),
            "raw scenario name leaked into the page"
        );
        assert!(!html.contains("<script"), "no script at all");
        assert!(!html.contains("<address>") && !html.contains("<b>"));
        assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
        assert!(html.contains("Not ready: 1 of 2 scenarios failed."));
        assert!(html.contains("flaky pass"));
        assert!(
            html.contains("storefront-503"),
            "the fault is drawn and listed"
        );
        assert!(html.contains("faults fired"));
        assert!(html.contains("the integration did not answer GET /health"));
        assert!(html.contains("integration failures (1 HTTP 4xx/5xx, 2 webhooks)"));
        assert!(
            html.contains("#1001 a&lt;b&gt;"),
            "order lane titled with its alias"
        );
    }
}
