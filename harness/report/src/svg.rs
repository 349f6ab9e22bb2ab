//! The pictures of the HTML report, as inline SVG: each order's timeline in virtual time
//! (one row per persona that saw it, plus the faults that fired) and stock per SKU as a
//! step chart. Both share one time axis per scenario.
//!
//! The axis is compressed: the space between two consecutive moments grows with the
//! square root of the gap, so that minutes apart stay readable next to days apart. Tick
//! labels give the real virtual times.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use drydock_core::Timestamp;
use drydock_runner::trace::{FaultFired, Milestone, OrderEvent, Source, StockPoint, Trace};

use crate::text::escape;

const WIDTH: f64 = 1100.0;
const GUTTER: f64 = 170.0;
const RIGHT: f64 = 90.0;
const LINE: f64 = 12.0;

/// Maps virtual times to x positions.
pub struct TimeScale {
    /// Distinct moments, ascending, with their x.
    stops: Vec<(Timestamp, f64)>,
}

impl TimeScale {
    pub fn new(times: impl IntoIterator<Item = Timestamp>) -> TimeScale {
        let distinct: Vec<Timestamp> = times
            .into_iter()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let weights: Vec<f64> = distinct
            .windows(2)
            .map(|w| {
                let minutes = w[1].duration_since(w[0]).as_secs_f64() / 60.0;
                3.0 + minutes.max(0.0).sqrt()
            })
            .collect();
        let total: f64 = weights.iter().sum();
        let span = WIDTH - GUTTER - RIGHT;
        let mut x = GUTTER;
        let mut stops = Vec::with_capacity(distinct.len());
        for (i, t) in distinct.iter().enumerate() {
            stops.push((*t, x));
            if let Some(w) = weights.get(i) {
                x += span * w / total;
            }
        }
        if stops.len() == 1 {
            stops[0].1 = GUTTER + span / 2.0;
        }
        TimeScale { stops }
    }

    pub fn x(&self, t: Timestamp) -> f64 {
        let Some(first) = self.stops.first() else {
            return GUTTER;
        };
        if t <= first.0 {
            return first.1;
        }
        for pair in self.stops.windows(2) {
            let ((t0, x0), (t1, x1)) = (pair[0], pair[1]);
            if t <= t1 {
                let whole = t1.duration_since(t0).as_secs_f64();
                let part = t.duration_since(t0).as_secs_f64();
                return x0 + (x1 - x0) * if whole > 0.0 { part / whole } else { 1.0 };
            }
        }
        self.stops.last().map(|s| s.1).unwrap_or(GUTTER)
    }

    /// Ticks at least 80 px apart.
    fn ticks(&self) -> Vec<(Timestamp, f64)> {
        let mut ticks: Vec<(Timestamp, f64)> = Vec::new();
        for &(t, x) in &self.stops {
            if ticks.last().is_none_or(|&(_, last)| x - last >= 80.0) {
                ticks.push((t, x));
            }
        }
        ticks
    }
}

/// Every moment the pictures of a trace show.
pub fn scale_for(trace: &Trace) -> TimeScale {
    let mut times = vec![trace.started, trace.ended];
    times.extend(
        trace
            .orders
            .iter()
            .flat_map(|o| o.events.iter().map(|e| e.at)),
    );
    times.extend(trace.faults.iter().map(|f| f.at));
    times.extend(trace.alerts.iter().map(|a| a.at));
    times.extend(trace.stock.iter().map(|s| s.at));
    TimeScale::new(times)
}

fn colour(m: Milestone) -> &'static str {
    match m {
        Milestone::Received | Milestone::Processing => "#2563eb",
        Milestone::Picked | Milestone::Packed | Milestone::Labelled => "#0d9488",
        Milestone::Shipped | Milestone::InTransit | Milestone::OutForDelivery => "#7c3aed",
        Milestone::Delivered => "#16a34a",
        Milestone::Held | Milestone::Exception | Milestone::Cancelled => "#ea580c",
        Milestone::DeliveryFailed => "#dc2626",
        Milestone::Alert => "#ca8a04",
    }
}

fn source_name(s: Source) -> &'static str {
    match s {
        Source::Storefront => "storefront",
        Source::Warehouse => "warehouse",
        Source::Carrier => "carrier",
        Source::Alerts => "alerts",
    }
}

fn clock(t: Timestamp) -> String {
    t.strftime("%b %d %H:%M").to_string()
}

/// A mark on a row: where, what it says, its tooltip, its colour, and whether it is a
/// fault (drawn as a diamond).
struct Mark {
    x: f64,
    label: String,
    tip: String,
    colour: &'static str,
    fault: bool,
}

/// One row of marks; marks at the same x stack their labels.
struct Row {
    title: String,
    subtitle: String,
    marks: Vec<Mark>,
}

/// One mark per rule and instant: a rule that fired ten times at once reads `rule ×10`.
fn fault_marks(trace: &Trace, scale: &TimeScale) -> Vec<Mark> {
    let mut groups: Vec<(&FaultFired, Vec<&FaultFired>)> = Vec::new();
    for f in &trace.faults {
        match groups
            .iter_mut()
            .find(|(first, _)| first.at == f.at && first.rule == f.rule)
        {
            Some((_, all)) => all.push(f),
            None => groups.push((f, vec![f])),
        }
    }
    groups
        .into_iter()
        .map(|(first, all)| {
            let times = if all.len() > 1 {
                format!(" ×{}", all.len())
            } else {
                String::new()
            };
            let targets: Vec<&str> = all.iter().map(|f| f.target.as_str()).collect();
            Mark {
                x: scale.x(first.at),
                label: format!("{}{times}", first.rule),
                tip: format!(
                    "{} · fault {} ({}) on {}{times}: {}",
                    first.at,
                    first.rule,
                    first.effect,
                    first.persona,
                    targets.join(", ")
                ),
                colour: "#dc2626",
                fault: true,
            }
        })
        .collect()
}

/// The timeline picture of a scenario: per order one row per persona that saw it, then a
/// row of faults that fired and one of alerts naming no order.
pub fn timeline(trace: &Trace, scale: &TimeScale) -> String {
    let mut rows: Vec<Row> = Vec::new();
    for order in &trace.orders {
        let title = match &order.alias {
            Some(alias) => format!("{} {}", order.name, alias),
            None => order.name.clone(),
        };
        let mut titled = false;
        for source in [
            Source::Storefront,
            Source::Warehouse,
            Source::Carrier,
            Source::Alerts,
        ] {
            let events: Vec<&OrderEvent> =
                order.events.iter().filter(|e| e.source == source).collect();
            if events.is_empty() {
                continue;
            }
            rows.push(Row {
                title: if titled { String::new() } else { title.clone() },
                subtitle: source_name(source).into(),
                marks: events
                    .iter()
                    .map(|e| Mark {
                        x: scale.x(e.at),
                        label: e.milestone.label().into(),
                        tip: format!(
                            "{} · {} · {}: {}",
                            e.at,
                            source_name(source),
                            e.milestone.label(),
                            e.detail
                        ),
                        colour: colour(e.milestone),
                        fault: false,
                    })
                    .collect(),
            });
            titled = true;
        }
    }
    if !trace.faults.is_empty() {
        rows.push(Row {
            title: "faults fired".into(),
            subtitle: String::new(),
            marks: fault_marks(trace, scale),
        });
    }
    let loose: Vec<_> = trace
        .alerts
        .iter()
        .filter(|a| {
            !trace
                .orders
                .iter()
                .flat_map(|o| &o.events)
                .any(|e| e.milestone == Milestone::Alert && e.at == a.at && e.detail == a.text)
        })
        .collect();
    if !loose.is_empty() {
        rows.push(Row {
            title: "other alerts".into(),
            subtitle: String::new(),
            marks: loose
                .iter()
                .map(|a| Mark {
                    x: scale.x(a.at),
                    label: "alert".into(),
                    tip: format!("{} · {}: {}", a.at, a.channel, a.text),
                    colour: colour(Milestone::Alert),
                    fault: false,
                })
                .collect(),
        });
    }
    if rows.is_empty() {
        return String::from("<p class=\"muted\">No orders were placed and no fault fired.</p>");
    }
    draw_rows(&rows, scale)
}

fn draw_rows(rows: &[Row], scale: &TimeScale) -> String {
    // Lay out: each distinct x in a row is a group; groups alternate labels below/above.
    let mut body = String::new();
    let mut y = 28.0;
    for row in rows {
        let mut groups: Vec<(f64, Vec<&Mark>)> = Vec::new();
        for mark in &row.marks {
            match groups.iter_mut().find(|(x, _)| (x - mark.x).abs() < 0.5) {
                Some((_, g)) => g.push(mark),
                None => groups.push((mark.x, vec![mark])),
            }
        }
        groups.sort_by(|a, b| a.0.total_cmp(&b.0));
        let stack = groups.iter().map(|(_, g)| g.len()).max().unwrap_or(1) as f64;
        let above = if groups.len() > 1 { stack } else { 0.0 };
        let top = y;
        let base = top + above * LINE + 8.0;
        let height = above * LINE + stack * LINE + 24.0;
        if !row.title.is_empty() {
            let _ = write!(
                body,
                r##"<line x1="0" x2="{WIDTH}" y1="{top:.1}" y2="{top:.1}" stroke="#cbd5e1"/>"##
            );
            let _ = write!(
                body,
                r##"<text x="6" y="{:.1}" class="lane">{}</text>"##,
                base + 4.0,
                escape(&row.title)
            );
        }
        if !row.subtitle.is_empty() {
            let _ = write!(
                body,
                r##"<text x="{:.1}" y="{:.1}" class="sub" text-anchor="end">{}</text>"##,
                GUTTER - 10.0,
                base + 4.0,
                escape(&row.subtitle)
            );
        }
        let _ = write!(
            body,
            r##"<line x1="{GUTTER}" x2="{:.1}" y1="{base:.1}" y2="{base:.1}" stroke="#e2e8f0" stroke-width="2"/>"##,
            WIDTH - RIGHT + 10.0
        );
        for (i, (x, group)) in groups.iter().enumerate() {
            for mark in group {
                let shape = if mark.fault {
                    format!(
                        r##"<path d="M{x:.1} {:.1} l5 5 l-5 5 l-5 -5 z" fill="{}"><title>{}</title></path>"##,
                        base - 5.0,
                        mark.colour,
                        escape(&mark.tip)
                    )
                } else {
                    format!(
                        r##"<circle cx="{x:.1}" cy="{base:.1}" r="5" fill="{}" stroke="#fff" stroke-width="1.5"><title>{}</title></circle>"##,
                        mark.colour,
                        escape(&mark.tip)
                    )
                };
                body.push_str(&shape);
            }
            let below = i % 2 == 0 || groups.len() == 1;
            for (k, mark) in group.iter().enumerate() {
                let ly = if below {
                    base + 17.0 + k as f64 * LINE
                } else {
                    base - 9.0 - k as f64 * LINE
                };
                let _ = write!(
                    body,
                    r##"<text x="{:.1}" y="{ly:.1}" class="mark" fill="{}">{}</text>"##,
                    x - 3.0,
                    mark.colour,
                    escape(&mark.label)
                );
            }
        }
        y += height;
    }
    let axis_y = y + 6.0;
    let mut axis = String::new();
    let _ = write!(
        axis,
        r##"<line x1="{GUTTER}" x2="{:.1}" y1="{axis_y:.1}" y2="{axis_y:.1}" stroke="#64748b"/>"##,
        WIDTH - RIGHT + 10.0
    );
    for (t, x) in scale.ticks() {
        let _ = write!(
            axis,
            r##"<line x1="{x:.1}" x2="{x:.1}" y1="18" y2="{axis_y:.1}" stroke="#f1f5f9"/><text x="{x:.1}" y="{:.1}" class="tick" text-anchor="middle">{}</text>"##,
            axis_y + 14.0,
            escape(&clock(t))
        );
    }
    let total = axis_y + 24.0;
    format!(
        r##"<svg class="chart" viewBox="0 0 {WIDTH} {total:.0}" width="{WIDTH}" height="{total:.0}" role="img" aria-label="order timeline in virtual time" xmlns="http://www.w3.org/2000/svg">{axis}{body}</svg>"##
    )
}

/// A stock line: name, colour, dash pattern and the level it draws.
type Series = (
    String,
    &'static str,
    &'static str,
    Box<dyn Fn(&StockPoint) -> i64>,
);

/// The colours of the per-warehouse lines, in declaration order (then again).
const WAREHOUSE_COLOURS: [&str; 4] = ["#b45309", "#7c3aed", "#db2777", "#0891b2"];

/// The lines of a SKU's panel: storefront, on hand and sellable, then on hand at each
/// warehouse node when the world has more than one.
fn series(trace: &Trace, sku: &str) -> Vec<Series> {
    let mut lines: Vec<Series> = vec![
        (
            "storefront".into(),
            "#2563eb",
            "",
            Box::new(|p| p.storefront),
        ),
        ("on hand".into(), "#475569", "6 4", Box::new(|p| p.on_hand)),
        (
            "sellable".into(),
            "#16a34a",
            "2 3",
            Box::new(|p| p.sellable),
        ),
    ];
    let nodes: Vec<String> = trace
        .stock
        .iter()
        .filter_map(|s| s.levels.get(sku))
        .find(|p| !p.on_hand_at.is_empty())
        .map(|p| p.on_hand_at.iter().map(|(id, _)| id.clone()).collect())
        .unwrap_or_default();
    for (i, node) in nodes.into_iter().enumerate() {
        let name = format!("on hand @{node}");
        let level = move |p: &StockPoint| {
            p.on_hand_at
                .iter()
                .find(|(id, _)| *id == node)
                .map_or(0, |(_, v)| *v)
        };
        let colour = WAREHOUSE_COLOURS[i % WAREHOUSE_COLOURS.len()];
        lines.push((name, colour, "4 2", Box::new(level)));
    }
    lines
}

/// Stock per SKU over time: one panel per SKU, with storefront availability, warehouse
/// on hand and sellable as step lines, and on hand at each warehouse node of a world of
/// several.
pub fn stock(trace: &Trace, scale: &TimeScale) -> String {
    let skus: BTreeSet<&String> = trace.stock.iter().flat_map(|s| s.levels.keys()).collect();
    if skus.is_empty() {
        return String::from("<p class=\"muted\">No SKUs in the catalog.</p>");
    }
    let panel = 120.0;
    let gap = 26.0;
    let total = skus.len() as f64 * (panel + gap) + 40.0;
    let mut body = String::new();
    for (i, sku) in skus.iter().enumerate() {
        let series = series(trace, sku);
        let top = 10.0 + i as f64 * (panel + gap);
        let bottom = top + panel;
        let max = trace
            .stock
            .iter()
            .filter_map(|s| s.levels.get(*sku))
            .flat_map(|p| {
                [p.storefront, p.on_hand, p.sellable]
                    .into_iter()
                    .chain(p.on_hand_at.iter().map(|(_, v)| *v))
            })
            .max()
            .unwrap_or(0)
            .max(1);
        let y = |v: i64| bottom - (v.max(0) as f64 / max as f64) * (panel - 16.0);
        let _ = write!(
            body,
            r##"<text x="6" y="{:.1}" class="lane">{}</text><text x="{:.1}" y="{:.1}" class="tick" text-anchor="end">{max}</text><text x="{:.1}" y="{bottom:.1}" class="tick" text-anchor="end">0</text><line x1="{GUTTER}" x2="{:.1}" y1="{bottom:.1}" y2="{bottom:.1}" stroke="#94a3b8"/><line x1="{GUTTER}" x2="{GUTTER}" y1="{top:.1}" y2="{bottom:.1}" stroke="#94a3b8"/>"##,
            top + 14.0,
            escape(sku),
            GUTTER - 6.0,
            y(max) + 4.0,
            GUTTER - 6.0,
            WIDTH - RIGHT + 10.0,
        );
        for (n, (name, stroke, dash, value)) in series.into_iter().enumerate() {
            let points: Vec<(f64, i64, &str, Timestamp)> = trace
                .stock
                .iter()
                .filter_map(|s| {
                    s.levels
                        .get(*sku)
                        .map(|p| (scale.x(s.at), value(p), s.after.as_str(), s.at))
                })
                .collect();
            let mut d = String::new();
            for (k, (x, v, _, _)) in points.iter().enumerate() {
                if k == 0 {
                    let _ = write!(d, "M{x:.1} {:.1}", y(*v));
                } else {
                    let _ = write!(d, " H{x:.1} V{:.1}", y(*v));
                }
            }
            if let Some((_, v, _, _)) = points.last() {
                let _ = write!(d, " H{:.1} V{:.1}", WIDTH - RIGHT + 10.0, y(*v));
            }
            // The storefront line is wide and pale underneath, so that equal levels stay
            // visible as three lines on top of each other.
            let (width, opacity) = if n == 0 { (6, 0.35) } else { (2, 1.0) };
            let _ = write!(
                body,
                r##"<path d="{d}" fill="none" stroke="{stroke}" stroke-width="{width}" stroke-opacity="{opacity}" stroke-dasharray="{dash}"/>"##
            );
            for (x, v, after, at) in &points {
                let _ = write!(
                    body,
                    r##"<circle cx="{x:.1}" cy="{:.1}" r="2.5" fill="{stroke}"><title>{}</title></circle>"##,
                    y(*v),
                    escape(&format!("{at} after {after}: {sku} {name} {v}"))
                );
            }
            if let Some((_, v, _, _)) = points.last() {
                let _ = write!(
                    body,
                    r##"<text x="{:.1}" y="{:.1}" class="tick" fill="{stroke}">{name} {v}</text>"##,
                    WIDTH - RIGHT + 14.0,
                    top + 14.0 + n as f64 * LINE
                );
            }
        }
    }
    let axis_y = total - 24.0;
    for (t, x) in scale.ticks() {
        let _ = write!(
            body,
            r##"<text x="{x:.1}" y="{:.1}" class="tick" text-anchor="middle">{}</text>"##,
            axis_y + 10.0,
            escape(&clock(t))
        );
    }
    format!(
        r##"<svg class="chart" viewBox="0 0 {WIDTH} {total:.0}" width="{WIDTH}" height="{total:.0}" role="img" aria-label="stock per SKU over virtual time" xmlns="http://www.w3.org/2000/svg">{body}</svg>"##
    )
}

#[cfg(test)]
mod tests {
    use super::{TimeScale, stock};

    #[test]
    fn a_world_of_several_warehouses_draws_on_hand_at_each() {
        let mut trace = crate::sample::trace();
        let scale = TimeScale::new(trace.stock.iter().map(|s| s.at));
        let one = stock(&trace, &scale);
        assert!(!one.contains("on hand @"), "one warehouse: no node lines");
        for (i, sample) in trace.stock.iter_mut().enumerate() {
            for point in sample.levels.values_mut() {
                point.on_hand_at = vec![("wh-east".into(), 6), ("wh-eu".into(), 4 - i as i64)];
            }
        }
        let many = stock(&trace, &scale);
        assert!(many.contains("on hand @wh-east 6"), "{many}");
        assert!(many.contains("MUG on hand @wh-eu 4"), "each point titled");
    }
}
