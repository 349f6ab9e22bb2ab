//! The scenario parser under generated input: scenario files written from the model with
//! valid and out-of-range values, and the bundled files mutated (lines deleted,
//! duplicated, swapped, scalars replaced by boundary values, text cut short). The parser
//! never panics; out-of-range values are refused; every refusal names a line and column
//! inside the file and carries a hint.

use drydock_scenario::{ScenarioErrors, parse_scenario};
use proptest::prelude::*;

use crate::support::repo;

/// Every problem points into the text and tells the author what to do.
fn located_with_hints(text: &str, errors: &ScenarioErrors) -> Result<(), TestCaseError> {
    let lines = text.lines().count().max(1) + 1;
    prop_assert!(!errors.problems.is_empty(), "a refusal without problems");
    for p in &errors.problems {
        prop_assert!(
            p.line >= 1 && p.line <= lines && p.column >= 1,
            "{}:{}: {} is outside the file of {lines} lines",
            p.line,
            p.column,
            p.message
        );
        prop_assert!(
            p.hint.as_deref().is_some_and(|h| !h.trim().is_empty()),
            "{}:{}: {} has no hint",
            p.line,
            p.column,
            p.message
        );
    }
    Ok(())
}

/// A value for the file and whether it lies outside what the format accepts.
fn pick(options: &'static [(&'static str, bool)]) -> impl Strategy<Value = (&'static str, bool)> {
    proptest::sample::select(options)
}

const QUANTITIES: &[(&str, bool)] = &[
    ("1", false),
    ("100000", false),
    ("0", true),
    ("100001", true),
    ("2147483648", true),
    ("4294967296", true),
    ("-1", true),
];
const STOCK: &[(&str, bool)] = &[
    ("0", false),
    ("50", false),
    ("1000000000", false),
    ("1000000001", true),
    ("9223372036854775807", true),
    ("9223372036854775808", true),
    ("-1", true),
];
const PRICES: &[(&str, bool)] = &[
    ("\"12.50\"", false),
    ("\"0\"", false),
    ("\"10000000.00\"", false),
    ("\"10000000.01\"", true),
    ("\"99999999999999999999\"", true),
    ("\"-1\"", true),
    ("\"1e3\"", true),
];
const WEIGHTS: &[(&str, bool)] = &[
    ("16", false),
    ("2400", false),
    ("2401", true),
    ("4294967296", true),
];
const ADVANCES: &[(&str, bool)] = &[
    ("6d", false),
    ("520w", false),
    ("0s", false),
    ("521w", true),
    ("500000w", true),
    ("100000000h", true),
    ("-1h", true),
    ("99999999999999999999ms", true),
];
const TIMEOUTS: &[(&str, bool)] = &[("10s", false), ("10m", false), ("11m", true), ("52w", true)];
const FAULTS: &[(&str, bool)] = &[
    (
        "{ name: f, persona: easypost, effect: latency, delay: 30s }",
        false,
    ),
    (
        "{ name: f, persona: easypost, effect: latency, delay: 31s }",
        true,
    ),
    (
        "{ name: f, persona: easypost, effect: latency, delay: 20s, jitter: 20s }",
        true,
    ),
    (
        "{ name: f, persona: shopify, effect: delayed, delay: 2h }",
        false,
    ),
    (
        "{ name: f, persona: shopify, effect: delayed, delay: 1000000w }",
        true,
    ),
    (
        "{ name: f, persona: easypost, effect: outage, when: { probability: 1.5 } }",
        true,
    ),
    (
        "{ name: f, persona: easypost, effect: outage, when: { first: 18446744073709551615 } }",
        true,
    ),
    (
        "{ name: f, persona: easypost, effect: outage, retry_after: 2h }",
        true,
    ),
    (
        "{ name: f, persona: shipbob, effect: stock_drift, sku: MUG, delta: -9223372036854775808 }",
        true,
    ),
    (
        "{ name: f, persona: shipbob, effect: stock_drift, sku: MUG, delta: -3 }",
        false,
    ),
];
const SEEDS: &[(&str, bool)] = &[
    ("0", false),
    ("18446744073709551615", false),
    ("18446744073709551616", true),
    ("-1", true),
];
const CLOCKS: &[(&str, bool)] = &[
    ("2026-12-01T09:00:00Z", false),
    ("1970-01-01T00:00:00Z", false),
    ("1969-12-31T23:59:59Z", true),
    ("5000-01-01T00:00:00Z", true),
    ("9999-12-31T23:59:59Z", true),
];

/// The scenario text for one choice of values.
#[allow(clippy::too_many_arguments)]
fn scenario(
    seed: &str,
    clock: &str,
    price: &str,
    weight: &str,
    stock: &str,
    quantities: &[&str],
    advances: &[&str],
    timeout: &str,
    fault: &str,
) -> String {
    let lines: String = quantities
        .iter()
        .map(|q| format!("        - {{ sku: MUG, quantity: {q} }}\n"))
        .collect();
    let advance: String = advances
        .iter()
        .map(|a| format!("  - advance_clock: {a}\n"))
        .collect();
    format!(
        "version: 1\nname: generated\nworld:\n  seed: {seed}\n  clock: {clock}\n  catalog:\n    - {{ sku: MUG, price: {price}, weight_oz: {weight}, stock: {stock} }}\nsteps:\n  - place_order:\n      as: o1\n      ship_to: {{ name: Ada, street1: 1 Main St, city: Reno, state: NV, zip: \"89501\", country: US }}\n      lines:\n{lines}  - set_stock: {{ sku: MUG, on_hand: {stock} }}\n{advance}  - wait_until:\n      until: {{ stock: MUG, storefront: 1 }}\n      timeout: {timeout}\n  - fault: {fault}\n"
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, rng_seed: proptest::test_runner::RngSeed::Fixed(0x5eed_d0c0), ..ProptestConfig::default() })]

    #[test]
    fn generated_scenarios_are_accepted_or_refused_with_locations_and_hints(
        seed in pick(SEEDS),
        clock in pick(CLOCKS),
        price in pick(PRICES),
        weight in pick(WEIGHTS),
        stock in pick(STOCK),
        quantities in proptest::collection::vec(pick(QUANTITIES), 1..4),
        advances in proptest::collection::vec(pick(ADVANCES), 0..3),
        timeout in pick(TIMEOUTS),
        fault in pick(FAULTS),
    ) {
        let text = scenario(
            seed.0,
            clock.0,
            price.0,
            weight.0,
            stock.0,
            &quantities.iter().map(|q| q.0).collect::<Vec<_>>(),
            &advances.iter().map(|a| a.0).collect::<Vec<_>>(),
            timeout.0,
            fault.0,
        );
        let units: u64 = quantities.iter().filter_map(|q| q.0.parse::<u64>().ok()).sum();
        let out_of_range = [seed, clock, price, weight, stock, timeout, fault]
            .iter()
            .chain(&quantities)
            .chain(&advances)
            .any(|(_, bad)| *bad)
            || units > u64::from(drydock_core::limits::MAX_ORDER_UNITS);
        match parse_scenario("generated.yaml", &text) {
            Ok(_) => prop_assert!(!out_of_range, "accepted out-of-range values:\n{text}"),
            Err(errors) => {
                prop_assert!(out_of_range, "refused a valid file:\n{text}\n{errors:?}");
                located_with_hints(&text, &errors)?;
            }
        }
    }
}

/// The bundled scenario files, name and text.
fn bundled() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(repo("scenarios"))
        .expect("scenarios/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("scenario readable");
            (p.display().to_string(), text)
        })
        .collect();
    files.sort();
    files
}

/// Values that replace a scalar of a bundled file.
const BOUNDARIES: &[&str] = &[
    "0",
    "-1",
    "4294967296",
    "9223372036854775808",
    "18446744073709551616",
    "1e400",
    "500000w",
    "\"\"",
    "~",
    "[]",
    "{}",
    "ü日本🚀",
    "\"\u{202e}x\"",
    "9999-99-99T99:99:99Z",
];

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Duplicate(usize),
    Swap(usize),
    Replace(usize, usize),
    Truncate(usize),
}

fn mutate(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        return text.to_string();
    }
    let n = lines.len();
    match *m {
        Mutation::Delete(i) => {
            lines.remove(i % n);
        }
        Mutation::Duplicate(i) => {
            let line = lines[i % n].clone();
            lines.insert(i % n, line);
        }
        Mutation::Swap(i) => lines.swap(i % n, (i + 1) % n),
        Mutation::Replace(i, v) => {
            let line = &mut lines[i % n];
            // The scalar after the last `: ` (or the whole item after `- `).
            if let Some(at) = line.rfind(": ").or_else(|| line.find("- ")) {
                let end = line[at + 2..]
                    .find([',', '}', ']'])
                    .map_or(line.len(), |e| at + 2 + e);
                line.replace_range(at + 2..end, BOUNDARIES[v % BOUNDARIES.len()]);
            }
        }
        Mutation::Truncate(at) => {
            let cut: String = text
                .chars()
                .take(at % text.chars().count().max(1))
                .collect();
            return cut;
        }
    }
    lines.join("\n")
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Duplicate),
        any::<usize>().prop_map(Mutation::Swap),
        (any::<usize>(), any::<usize>()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, rng_seed: proptest::test_runner::RngSeed::Fixed(0x5eed_d0c0), ..ProptestConfig::default() })]

    #[test]
    fn mutated_bundled_files_never_panic_the_parser_and_every_refusal_is_located(
        file in any::<usize>(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let files = bundled();
        let (name, text) = &files[file % files.len()];
        let mut mutated = text.clone();
        for m in &mutations {
            mutated = mutate(&mutated, m);
        }
        if let Err(errors) = parse_scenario(name, &mutated) {
            located_with_hints(&mutated, &errors)?;
        }
    }
}

/// The mutations reach what they aim at: a scalar replaced by a boundary value in a
/// bundled file is refused (a mutator that changed nothing would prove nothing).
#[test]
fn a_boundary_quantity_in_a_bundled_file_is_refused_where_it_is_written() {
    let files = bundled();
    let (name, text) = files
        .iter()
        .find(|(n, _)| n.ends_with("happy-path.yaml"))
        .expect("happy-path.yaml");
    let line = text
        .lines()
        .position(|l| l.contains("quantity:"))
        .expect("a quantity line");
    let mutated = mutate(text, &Mutation::Replace(line, 2));
    let errors = parse_scenario(name, &mutated).expect_err("4294967296 units are refused");
    assert_eq!(errors.problems[0].line, line + 1, "{errors:?}");
}
