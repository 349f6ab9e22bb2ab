//! Parsing and validating a scenario file: YAML syntax and shape first (with the parser's
//! location), then the meaning (versions, names, references), every problem at once.

use std::collections::BTreeSet;

use drydock_core::spec::{ProductSpec, WarehouseSpec, WorldSpec};
use drydock_core::vocabulary::{OrNone, Vocabulary};
use drydock_core::warehouse::Stage as WarehouseStage;
use miette::NamedSource;
use serde_saphyr::Spanned;

use crate::FORMAT_VERSION;
use crate::condition::Condition;
use crate::diagnostic::{Problem, ScenarioErrors, SourceMap};
use crate::fault_step::check_fault;
use crate::file_name::{file_name_problem, name_location};
use crate::model::{Scenario, Step};
use crate::recover::{self, Region};
use crate::world::{self, KnownNodes, NodeProviders};
use drydock_core::Role;
use drydock_core::vocabulary::HINT_SEPARATOR;

/// How many shape errors one parse recovers from before it gives up.
const MAX_RECOVERIES: usize = 64;

/// Parses and validates one scenario file, reporting every problem at once: after a shape
/// error the offending entry or item is blanked out and the text parsed again
/// (`recover`), then the meaning is checked on what could be read. Node providers are
/// not checked (see [`parse_scenario_with`]).
pub fn parse_scenario(file: &str, text: &str) -> Result<Scenario, ScenarioErrors> {
    parse_scenario_with(file, text, &NodeProviders::default())
}

/// [`parse_scenario`], with each declared node's provider checked against the providers
/// of its role (the server's registry).
pub fn parse_scenario_with(
    file: &str,
    text: &str,
    providers: &NodeProviders,
) -> Result<Scenario, ScenarioErrors> {
    let map = SourceMap::new(text);
    let mut problems = Problems {
        file,
        map: &map,
        list: Vec::new(),
    };
    let mut current = text.to_string();
    let mut blanked: Vec<(Region, Option<String>)> = Vec::new();
    let mut parsed = None;
    for _ in 0..MAX_RECOVERIES {
        let e = match serde_saphyr::from_str::<Scenario>(&current) {
            Ok(scenario) => {
                parsed = Some(scenario);
                break;
            }
            Err(e) => e,
        };
        let e = e.without_snippet();
        let (line, column) = e
            .location()
            .map(|l| (l.line() as usize, l.column() as usize))
            .unwrap_or((1, 1));
        let (message, hint, shape) = describe(e, text, &map, line, column);
        if let Some((last, _)) = blanked.last() {
            // After a repair, a syntax error or an error before the repaired spot comes
            // from the repair itself, not from the file: stop there.
            let earlier = line < last.from && !matches!(shape, Shape::MissingField(_));
            if shape == Shape::Syntax || earlier {
                break;
            }
        }
        let cascade = matches!(&shape, Shape::MissingField(f)
            if blanked.iter().any(|(_, key)| key.as_deref() == Some(f.as_str())));
        if !cascade {
            problems.push(line, column, message, hint);
        }
        let region = match shape {
            Shape::Syntax => None,
            Shape::MissingField(_) => recover::enclosing_item(&current, line).map(|r| (r, None)),
            Shape::Value => recover::region_at(&current, line),
        };
        let Some((region, key)) = region else { break };
        if blanked.iter().any(|(r, _)| *r == region) {
            break;
        }
        current = recover::blank(&current, region);
        blanked.push((region, key));
    }
    if let Some(scenario) = parsed {
        let shape_problems = problems.list.len();
        validate(&scenario, &mut problems);
        crate::world::check(&scenario, providers, &mut problems);
        if let Some(why) = file_name_problem(&scenario.name) {
            let (line, column) = name_location(text);
            problems.push(
                line,
                column,
                format!("the scenario name {why}; it becomes a file name (logs, reports)"),
                Some("use a plain name such as `order-ships-next-day`: no `/`, `\\`, `..`, leading `.`, control or right-to-left characters, at most 120 bytes".into()),
            );
        }
        if !blanked.is_empty() {
            let meaning = problems.list.split_off(shape_problems);
            let kept: Vec<Problem> = meaning
                .into_iter()
                .filter(|p| !follows_from_repair(p, text, &blanked))
                .collect();
            problems.list.extend(kept);
        }
        if problems.list.is_empty() {
            return Ok(scenario);
        }
    }
    let mut list = problems.list;
    list.sort_by_key(|p| (p.line, p.column));
    list.dedup_by(|a, b| a.line == b.line && a.column == b.column && a.message == b.message);
    Err(ScenarioErrors {
        file: file.to_string(),
        source_code: NamedSource::new(file, text.to_string()),
        problems: list,
    })
}

/// Whether a meaning problem found after repairs may only be an echo of a blanked part
/// (a step that was already reported, an order or SKU whose definition was blanked).
fn follows_from_repair(p: &Problem, text: &str, blanked: &[(Region, Option<String>)]) -> bool {
    blanked.iter().any(|(region, _)| {
        let item = recover::enclosing_item(text, region.from).unwrap_or(*region);
        let gone = recover::slice(text, *region);
        let before = region.from < p.line;
        item.contains(p.line)
            || (before
                && p.message.contains("was placed before this step")
                && gone.contains("place_order"))
            || (before && p.message.contains("is not in the catalog") && gone.contains("sku"))
            // An order whose only line was unreadable is not an order without lines.
            || (p.message.contains("needs at least one line")
                && recover::enclosing_item(text, p.line).is_some_and(|step| step.contains(region.from)))
    })
}

/// What kind of shape error the parser reported, for recovery.
#[derive(Debug, PartialEq, Eq)]
enum Shape {
    /// The YAML itself is broken: nothing after it can be trusted.
    Syntax,
    /// A required key is missing from the mapping at the location.
    MissingField(String),
    /// A key or value at the location cannot be read.
    Value,
}

/// The message, hint and kind of a parser error.
fn describe(
    e: &serde_saphyr::Error,
    text: &str,
    map: &SourceMap<'_>,
    line: usize,
    column: usize,
) -> (String, Option<String>, Shape) {
    use serde_saphyr::Error as E;
    let token = || token_at(text, map, line, column);
    match e {
        E::SerdeUnknownField { .. } => (
            clean_message(&e.to_string()),
            Some("remove the key or fix its spelling; `drydock schema` prints every key the format allows".into()),
            Shape::Value,
        ),
        E::SerdeMissingField { field, .. } => (
            format!("missing field `{field}`"),
            Some(format!("add `{field}:` here; `drydock schema` shows which keys are required")),
            Shape::MissingField((*field).to_string()),
        ),
        E::SerdeUnknownVariant { variant, expected, .. } => {
            let hint = if expected.contains(&"place_order") {
                "steps are place_order, cancel_order, set_stock, advance_clock, wait_until and expect".to_string()
            } else {
                format!("write one of: {}", expected.join(", "))
            };
            (format!("`{variant}` is not one of the allowed words"), Some(hint), Shape::Value)
        }
        E::InvalidScalar { ty, .. } => (
            format!("`{}` is not {}", token(), kind_of(ty)),
            Some(format!("write {} here", kind_of(ty))),
            Shape::Value,
        ),
        E::SerdeInvalidType { unexpected, expected, .. }
        | E::SerdeInvalidValue { unexpected, expected, .. } => (
            format!("expected {}, found {unexpected}", kind_of(expected)),
            Some(format!("write {} here; `drydock schema` shows each key's type", kind_of(expected))),
            Shape::Value,
        ),
        E::DuplicateMappingKey { .. } => (
            clean_message(&e.to_string()),
            Some("a key may appear once in a mapping: remove or rename one of them".into()),
            Shape::Value,
        ),
        E::Message { msg, .. } if msg.contains(HINT_SEPARATOR) => {
            // A vocabulary word: the message says what it is not, the hint lists the words.
            let (message, hint) = msg.split_once(HINT_SEPARATOR).unwrap_or((msg, ""));
            (clean_message(message), Some(hint.to_string()), Shape::Value)
        }
        E::Message { msg, .. } => {
            let hint = if msg.contains("longest duration") || msg.contains("too large") {
                format!(
                    "write a duration of at most {}, e.g. `6d` or `2w`",
                    drydock_core::limits::MAX_DURATION
                )
            } else if msg.contains("real time") {
                "real time is written in ms, s, m or h, e.g. `10s` or `2m`; days and weeks move only the virtual clock (`advance_clock`, a `delayed` webhook, a fault `window`)"
                    .to_string()
            } else if msg.contains("duration") || msg.contains("unit") {
                "a duration is numbers with units (ms, s, m, h, d, w), e.g. `250ms`, `90s`, `2h`, `1d 6h`"
                    .to_string()
            } else {
                "`drydock schema` shows what this key accepts".to_string()
            };
            (clean_message(msg), Some(hint), Shape::Value)
        }
        _ => (
            clean_message(&e.to_string()),
            Some("check the YAML syntax around this position (indentation, `:` after keys, closing quotes)".into()),
            Shape::Syntax,
        ),
    }
}

/// The scalar at (line, column) as written, for messages.
fn token_at(text: &str, map: &SourceMap<'_>, line: usize, column: usize) -> String {
    let start = map.offset(line, column);
    let rest = text.get(start..).unwrap_or("");
    let end = rest.find(['\n', ',', '}', ']', '#']).unwrap_or(rest.len());
    rest[..end].trim().to_string()
}

/// A reader's word for a Rust or serde type name.
fn kind_of(ty: &str) -> String {
    let t = ty.trim();
    match t {
        "u8" | "u16" | "u32" | "u64" | "usize" | "u128" => "a whole number (0 or more)".into(),
        "i8" | "i16" | "i32" | "i64" | "isize" | "i128" => "a whole number".into(),
        "f32" | "f64" => "a number".into(),
        "bool" | "a boolean" => "true or false".into(),
        "string" | "a string" | "str" => "text".into(),
        _ => t.to_string(),
    }
}

pub(crate) struct Problems<'a> {
    file: &'a str,
    map: &'a SourceMap<'a>,
    list: Vec<Problem>,
}

impl Problems<'_> {
    pub(crate) fn push(
        &mut self,
        line: usize,
        column: usize,
        message: String,
        hint: Option<String>,
    ) {
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

    pub(crate) fn at<T>(&mut self, spanned: &Spanned<T>, message: String, hint: Option<String>) {
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
    crate::ranges::check(s, p);
    let mut skus = BTreeSet::new();
    for product in &s.world.catalog {
        if product.sku.value.trim().is_empty() {
            p.at(
                &product.sku,
                "a SKU is empty".into(),
                Some("write the item's stock-keeping unit, e.g. `sku: MUG-BLUE`".into()),
            );
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
            p.at(
                &w.invariant,
                "a waiver needs a reason".into(),
                Some("say why the invariant does not apply, e.g. `reason: the drill loses this order on purpose`".into()),
            );
        }
    }
    let nodes = KnownNodes::of(s);
    let mut aliases = BTreeSet::new();
    let mut faults = BTreeSet::new();
    let spec = s.world_spec();
    let targets = spec.fault_targets();
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
                    p.at(
                        &o.alias,
                        "an order needs at least one line".into(),
                        Some("add `lines: [{ sku: ..., quantity: 1 }]`".into()),
                    );
                }
                for line in &o.lines {
                    known_sku(&line.sku, &skus, p);
                }
                nodes.check_step(o.channel.as_ref(), Role::Channel, p);
            }
            Step::CancelOrder(c) => known_order(&c.order, &aliases, p),
            Step::SetStock(st) => {
                known_sku(&st.sku, &skus, p);
                nodes.check_step(st.warehouse.as_ref(), Role::Warehouse, p);
            }
            Step::AdvanceClock(_) => {}
            Step::Fault(spec) => {
                let name = &spec.name;
                if !faults.insert(name.clone()) {
                    p.at(
                        step,
                        format!("a fault named `{name}` is added twice"),
                        Some("clear it first, or give the second one its own name".into()),
                    );
                }
                if let drydock_core::faults::Trigger::UntilLabel(label) = &spec.when {
                    awaited.push((step, label.clone()));
                }
                check_fault(step, spec, &skus, &targets, p);
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
            Step::WaitUntil(w) => check_condition(&w.until, step, &skus, &aliases, &nodes, p),
            Step::Expect(c) => check_condition(c, step, &skus, &aliases, &nodes, p),
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
    "eta_matches_carrier",
    "every_milestone_shown",
    "labels_to_deliverable_addresses",
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
    nodes: &KnownNodes,
    p: &mut Problems<'_>,
) {
    let order_facts = c.stage.is_some()
        || c.warehouse_state().is_some()
        || c.shipped_from.is_some()
        || c.tracking.is_some()
        || c.labels.is_some()
        || c.held.is_some()
        || c.alerted.is_some();
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
        if !order_facts || stock_facts || c.channel.is_some() {
            p.at(
                order,
                "an order condition takes stage, warehouse, shipped_from, tracking, labels, held or alerted"
                    .into(),
                Some("e.g. `{ order: first, stage: delivered }`".into()),
            );
        }
    }
    if let Some(sku) = &c.stock {
        known_sku(sku, skus, p);
        if !stock_facts || order_facts {
            p.at(
                sku,
                "a stock condition takes storefront (of a `channel`), sellable or on_hand (at a `warehouse`)".into(),
                Some("e.g. `{ stock: MUG-BLUE, storefront: 8 }` or `{ stock: MUG-BLUE, warehouse: wh-eu, on_hand: 3 }`".into()),
            );
        }
    }
    nodes.check_condition(c, p);
    if let Some(w) = c.warehouse_state()
        && OrNone::<WarehouseStage>::parse(&w.value).is_none()
    {
        p.at(
            w,
            format!("`{}` is not a {}", w.value, WarehouseStage::WHAT),
            Some(format!(
                "write one of {}",
                OrNone::<WarehouseStage>::words().join(", ")
            )),
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
        let mut spec = WorldSpec {
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
                    weight_oz: p.weight_oz.as_ref().map_or(16, |w| w.value),
                    stock: p.stock.as_ref().map_or(0, |s| s.value),
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
            ..defaults
        };
        world::spec_nodes(self, &mut spec);
        spec
    }
}
