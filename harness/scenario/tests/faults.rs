//! Fault steps as a scenario author meets them: a parameter that does not belong to the
//! effect, a missing one, a real-time wait written in days and a target that is not a
//! node of the world are each refused at the step or value that says it, with a hint.

use drydock_scenario::parse_scenario;

const HEAD: &str = "version: 1
name: faults
world:
  catalog:
    - { sku: MUG, stock: 3 }
steps:
";

/// (line, column, message, hint) of each problem of `steps`.
fn problems(steps: &str) -> Vec<(usize, usize, String, String)> {
    let text = format!("{HEAD}{steps}");
    match parse_scenario("faults.yaml", &text) {
        Ok(_) => Vec::new(),
        Err(e) => e
            .problems
            .into_iter()
            .map(|p| (p.line, p.column, p.message, p.hint.unwrap_or_default()))
            .collect(),
    }
}

#[test]
fn a_parameter_of_another_effect_is_refused_at_its_step() {
    let found = problems(
        "  - label: start\n  - fault: { name: slow, persona: shopify, effect: latency, delay: 1s, status: 503 }\n",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    let (line, column, message, hint) = &found[0];
    assert_eq!((*line, *column), (8, 5));
    assert!(
        message
            .contains("fault `slow`: `status` does not apply to `latency`: it takes delay, jitter"),
        "{message}"
    );
    assert!(hint.contains("Faults and drills"), "{hint}");
}

#[test]
fn a_missing_parameter_and_a_foreign_target_are_both_reported() {
    let found = problems(
        "  - fault: { name: a, persona: easypost, effect: missing_field }\n  - fault: { name: b, node: wh-mars, effect: backorder }\n  - fault: { name: c, persona: shopify, effect: stock_drift, sku: MUG, delta: 1 }\n",
    );
    let messages: Vec<&str> = found.iter().map(|(_, _, m, _)| m.as_str()).collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(
        messages[0].contains("`missing_field` needs `field`"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("`node: wh-mars` names no node"),
        "{messages:?}"
    );
    assert!(messages[2].contains("use `node: shipbob`"), "{messages:?}");
}

#[test]
fn a_real_time_wait_in_days_is_a_type_error_where_it_is_written() {
    let found = problems(
        "  - fault: { name: slow, persona: shopify, effect: latency, delay: 1s, jitter: 2d }\n",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    let (line, column, message, hint) = &found[0];
    assert_eq!((*line, *column), (7, 80), "{message}");
    assert!(message.contains("real time"), "{message}");
    assert!(hint.contains("advance_clock"), "{hint}");
    let virtual_delay = problems(
        "  - fault: { name: late, persona: shipbob, topic: order.shipped, effect: delayed, delay: 2d }\n",
    );
    assert!(virtual_delay.is_empty(), "{virtual_delay:?}");
}
