//! Parsing and validating a scenario file: YAML syntax and shape first (with the parser's
//! location), then the meaning (versions, names, references), every problem at once.

use std::collections::BTreeSet;

use drydock_core::spec::{ProductSpec, WarehouseSpec, WorldSpec};
use drydock_core::timeline::Stage;
use miette::NamedSource;
use serde_saphyr::Spanned;

use crate::FORMAT_VERSION;
use crate::condition::{Condition, TRACKING_STATES, WAREHOUSE_STATES};
use crate::diagnostic::{Problem, ScenarioErrors, SourceMap};
use crate::model::{Scenario, Step};

/// Parses and validates one scenario file.
pub fn parse_scenario(file: &str, text: &str) -> Result<Scenario, ScenarioErrors> {
    let map = SourceMap::new(text);
    let mut problems = Problems {
        file,
        map: &map,
        list: Vec::new(),
    };
    match serde_saphyr::from_str::<Scenario>(text) {
        Ok(scenario) => {
            validate(&scenario, &mut problems);
            if problems.list.is_empty() {
                return Ok(scenario);
            }
        }
        Err(e) => {
            let (line, column) = e
                .location()
                .map(|l| (l.line() as usize, l.column() as usize))
                .unwrap_or((1, 1));
            let message = clean_message(&e.without_snippet().to_string());
            let hint = hint_for(&message);
            problems.push(line, column, message, hint);
        }
    }
    Err(ScenarioErrors {
        file: file.to_string(),
        source_code: NamedSource::new(file, text.to_string()),
        problems: problems.list,
    })
}

struct Problems<'a> {
    file: &'a str,
    map: &'a SourceMap<'a>,
    list: Vec<Problem>,
}

impl Problems<'_> {
    fn push(&mut self, line: usize, column: usize, message: String, hint: Option<String>) {
        let (line, column) = (line.max(1), column.max(1));
        self.list.push(Problem {
            file: self.file.to_string(),
            line,
            column,
            message,
            span: self.map.token_span(line, column),
            hint,
        });
    }

    fn at<T>(&mut self, spanned: &Spanned<T>, message: String, hint: Option<String>) {
        let loc = spanned.referenced;
        self.push(loc.line() as usize, loc.column() as usize, message, hint);
    }
}

/// The parser's message without its own location suffix (we print file:line:column).
fn clean_message(message: &str) -> String {
    let first = message.lines().next().unwrap_or(message).trim();
    let cut = first
        .find(" at line ")
        .map(|i| &first[..i])
        .unwrap_or(first);
    cut.trim_start_matches("error: ").to_string()
}

fn hint_for(message: &str) -> Option<String> {
    if message.contains("unknown field") {
        Some("remove the key or fix its spelling; `drydock schema` prints every key the format allows".into())
    } else if message.contains("unknown variant") {
        Some(
            "steps are place_order, cancel_order, set_stock, advance_clock, wait_until and expect"
                .into(),
        )
    } else if message.contains("missing field") {
        Some("add the missing key; `drydock schema` shows which keys are required".into())
    } else {
        Some("check the YAML syntax around this position (indentation, `:` after keys, closing quotes)".into())
    }
}

fn validate(s: &Scenario, p: &mut Problems<'_>) {
    if s.version.value != FORMAT_VERSION {
        p.at(
            &s.version,
            format!(
                "scenario format version {} is not supported",
                s.version.value
            ),
            Some(format!("this drydock reads `version: {FORMAT_VERSION}`")),
        );
    }
    if s.name.trim().is_empty() {
        p.push(
            1,
            1,
            "the scenario has an empty `name`".into(),
            Some("give it a short unique name".into()),
        );
    }
    if let Some(clock) = &s.world.clock
        && clock.value.parse::<drydock_core::Timestamp>().is_err()
    {
        p.at(
            clock,
            format!("`{}` is not an RFC 3339 time", clock.value),
            Some("write e.g. 2026-12-01T09:00:00Z".into()),
        );
    }
    let mut skus = BTreeSet::new();
    for product in &s.world.catalog {
        if product.sku.value.trim().is_empty() {
            p.at(&product.sku, "a SKU is empty".into(), None);
        } else if !skus.insert(product.sku.value.clone()) {
            p.at(
                &product.sku,
                format!("SKU {} is listed twice", product.sku.value),
                Some("each SKU appears once in the catalog".into()),
            );
        }
        if let Some(price) = &product.price
            && drydock_core::catalog::parse_money(&price.value).is_none()
        {
            p.at(
                price,
                format!("`{}` is not a price", price.value),
                Some("write a decimal with at most two places, e.g. \"12.50\"".into()),
            );
        }
        if product.stock < 0 {
            p.at(
                &product.sku,
                format!("stock of {} is negative", product.sku.value),
                None,
            );
        }
    }
    for w in &s.waive {
        if !INVARIANTS.contains(&w.invariant.value.as_str()) {
            p.at(
                &w.invariant,
                format!("`{}` is not an invariant", w.invariant.value),
                Some(format!("invariants are {}", INVARIANTS.join(", "))),
            );
        }
        if w.reason.trim().is_empty() {
            p.at(&w.invariant, "a waiver needs a reason".into(), None);
        }
    }
    let mut aliases = BTreeSet::new();
    let mut faults = BTreeSet::new();
    let mut awaited: Vec<(&Spanned<Step>, String)> = Vec::new();
    for step in &s.steps {
        match &step.value {
            Step::PlaceOrder(o) => {
                if !aliases.insert(o.alias.value.clone()) {
                    p.at(
                        &o.alias,
                        format!("order name `{}` is used twice", o.alias.value),
                        Some("give each order its own `as:` name".into()),
                    );
                }
                if o.lines.is_empty() {
                    p.at(&o.alias, "an order needs at least one line".into(), None);
                }
                for line in &o.lines {
                    known_sku(&line.sku, &skus, p);
                    if line.quantity == 0 {
                        p.at(&line.sku, "quantity must be at least 1".into(), None);
                    }
                }
            }
            Step::CancelOrder(c) => known_order(&c.order, &aliases, p),
            Step::SetStock(st) => {
                known_sku(&st.sku, &skus, p);
                if st.on_hand < 0 {
                    p.at(&st.sku, "on_hand must not be negative".into(), None);
                }
            }
            Step::AdvanceClock(_) => {}
            Step::Fault(rule) => {
                for problem in rule.problems() {
                    p.at(step, format!("fault `{}`: {problem}", rule.name), None);
                }
                if !faults.insert(rule.name.clone()) {
                    p.at(
                        step,
                        format!("a fault named `{}` is added twice", rule.name),
                        Some("clear it first, or give the second one its own name".into()),
                    );
                }
                if let drydock_core::faults::Trigger::UntilLabel(label) = &rule.when {
                    awaited.push((step, label.clone()));
                }
                if let Some(sku) = &rule.sku
                    && !skus.contains(sku)
                {
                    p.at(
                        step,
                        format!("fault `{}`: SKU {sku} is not in the catalog", rule.name),
                        None,
                    );
                }
            }
            Step::ClearFault(name) => {
                if !faults.remove(name) {
                    p.at(
                        step,
                        format!("`clear_fault: {name}` names no fault added before it"),
                        Some("clear a fault by the `name` of an earlier `fault` step".into()),
                    );
                }
            }
            Step::Label(label) => {
                awaited.retain(|(_, l)| l != label);
            }
            Step::WaitUntil(w) => check_condition(&w.until, step, &skus, &aliases, p),
            Step::Expect(c) => check_condition(c, step, &skus, &aliases, p),
        }
    }
    for (step, label) in awaited {
        p.at(
            step,
            format!(
                "the fault lasts `until_label: {label}` but no `label: {label}` step follows it"
            ),
            Some(format!("add `- label: {label}` where the fault should end")),
        );
    }
}

/// The always-on invariants, by the names a scenario uses to waive them.
pub const INVARIANTS: &[&str] = &[
    "no_order_lost",
    "one_label_per_order",
    "tracking_matches_carrier",
    "stock_converges",
    "no_oversell",
    "duplicates_change_nothing",
    "rejects_bad_signatures",
    "respects_retry_after",
    "no_retry_storm",
];

fn known_sku(sku: &Spanned<String>, skus: &BTreeSet<String>, p: &mut Problems<'_>) {
    if !skus.contains(&sku.value) {
        let list = skus.iter().cloned().collect::<Vec<_>>().join(", ");
        p.at(
            sku,
            format!("SKU {} is not in the catalog", sku.value),
            Some(format!("the catalog has: {list}")),
        );
    }
}

fn known_order(alias: &Spanned<String>, aliases: &BTreeSet<String>, p: &mut Problems<'_>) {
    if !aliases.contains(&alias.value) {
        p.at(
            alias,
            format!(
                "no order named `{}` was placed before this step",
                alias.value
            ),
            Some("name orders with `as:` in a place_order step that comes earlier".into()),
        );
    }
}

fn check_condition(
    c: &Condition,
    step: &Spanned<Step>,
    skus: &BTreeSet<String>,
    aliases: &BTreeSet<String>,
    p: &mut Problems<'_>,
) {
    let order_facts =
        c.stage.is_some() || c.warehouse.is_some() || c.tracking.is_some() || c.labels.is_some();
    let stock_facts = c.storefront.is_some() || c.sellable.is_some() || c.on_hand.is_some();
    let alert_facts = c.alerts.is_some() || c.alert_contains.is_some();
    let subjects =
        usize::from(c.order.is_some()) + usize::from(c.stock.is_some()) + usize::from(alert_facts);
    if subjects != 1 {
        p.at(
            step,
            format!(
                "`{}` must name exactly one subject: `order`, `stock` or `alerts`",
                step.value.keyword()
            ),
            Some("split it into one step per subject".into()),
        );
        return;
    }
    if let Some(order) = &c.order {
        known_order(order, aliases, p);
        if !order_facts || stock_facts {
            p.at(
                order,
                "an order condition takes stage, warehouse, tracking or labels".into(),
                None,
            );
        }
    }
    if let Some(sku) = &c.stock {
        known_sku(sku, skus, p);
        if !stock_facts || order_facts {
            p.at(
                sku,
                "a stock condition takes storefront, sellable or on_hand".into(),
                None,
            );
        }
    }
    if let Some(stage) = &c.stage
        && Stage::parse(&stage.value).is_none()
    {
        p.at(
            stage,
            format!("`{}` is not a customer-visible stage", stage.value),
            Some(format!("stages are {}", Stage::NAMES.join(", "))),
        );
    }
    if let Some(w) = &c.warehouse
        && !WAREHOUSE_STATES.contains(&w.value.as_str())
    {
        p.at(
            w,
            format!("`{}` is not a warehouse state", w.value),
            Some(format!("states are {}", WAREHOUSE_STATES.join(", "))),
        );
    }
    if let Some(t) = &c.tracking
        && !TRACKING_STATES.contains(&t.value.as_str())
    {
        p.at(
            t,
            format!("`{}` is not a tracking status", t.value),
            Some(format!("statuses are {}", TRACKING_STATES.join(", "))),
        );
    }
}

impl Scenario {
    /// The world this scenario starts in.
    pub fn world_spec(&self) -> WorldSpec {
        let defaults = WorldSpec::default();
        let w = &self.world;
        let wh = WarehouseSpec::default();
        let times = w.warehouse.as_ref();
        WorldSpec {
            name: self.name.clone(),
            seed: w.seed,
            clock: w
                .clock
                .as_ref()
                .and_then(|c| c.value.parse().ok())
                .unwrap_or(defaults.clock),
            catalog: w
                .catalog
                .iter()
                .map(|p| ProductSpec {
                    sku: p.sku.value.clone(),
                    title: p.title.clone().unwrap_or_default(),
                    price_cents: p
                        .price
                        .as_ref()
                        .and_then(|v| drydock_core::catalog::parse_money(&v.value))
                        .unwrap_or(1_000),
                    weight_oz: p.weight_oz.unwrap_or(16),
                    stock: p.stock,
                })
                .collect(),
            warehouse: WarehouseSpec {
                pick: times
                    .and_then(|t| t.pick)
                    .map(|d| d.as_core())
                    .unwrap_or(wh.pick),
                pack: times
                    .and_then(|t| t.pack)
                    .map(|d| d.as_core())
                    .unwrap_or(wh.pack),
                ship: times
                    .and_then(|t| t.ship)
                    .map(|d| d.as_core())
                    .unwrap_or(wh.ship),
            },
            ship_from: w.ship_from.as_ref().cloned().unwrap_or(defaults.ship_from),
        }
    }
}
