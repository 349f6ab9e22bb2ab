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
    let latency_in_days =
        problems("  - fault: { name: slow, persona: shopify, effect: latency, delay: 2d }\n");
    assert_eq!(latency_in_days.len(), 1, "{latency_in_days:?}");
    let (line, column, message, _) = &latency_in_days[0];
    assert_eq!((*line, *column), (7, 5), "{message}");
    assert!(
        message.contains("`delay` of `latency`: `2d` is days or weeks"),
        "{message}"
    );
    let virtual_delay = problems(
        "  - fault: { name: late, persona: shipbob, topic: order.shipped, effect: delayed, delay: 2d }\n",
    );
    assert!(virtual_delay.is_empty(), "{virtual_delay:?}");
}

#[test]
fn steps_name_nodes_of_their_role() {
    let found = problems(
        "  - place_order: { as: a, channel: shopify, ship_to: { name: Ada, street1: 1 Main St, city: Reno, state: NV, zip: \"89501\", country: US }, lines: [{ sku: MUG, quantity: 1 }] }\n  - place_order: { as: b, channel: shipbob, ship_to: { name: Ada, street1: 1 Main St, city: Reno, state: NV, zip: \"89501\", country: US }, lines: [{ sku: MUG, quantity: 1 }] }\n  - set_stock: { warehouse: wh-mars, sku: MUG, on_hand: 2 }\n  - set_stock: { warehouse: shipbob, sku: MUG, on_hand: 2 }\n",
    );
    let found: Vec<(usize, &str, &str)> = found
        .iter()
        .map(|(line, _, m, h)| (*line, m.as_str(), h.as_str()))
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, 8);
    assert!(
        found[0].1.contains("the world has no channel `shipbob`"),
        "{found:?}"
    );
    assert!(found[0].2.contains("shopify"), "{found:?}");
    assert_eq!(found[1].0, 9);
    assert!(
        found[1].1.contains("the world has no warehouse `wh-mars`"),
        "{found:?}"
    );
}

#[test]
fn a_step_resolves_to_the_action_the_control_api_takes() {
    let text = format!(
        "{HEAD}  - set_stock: {{ warehouse: shipbob, sku: MUG, on_hand: 2 }}\n  - advance_clock: 1d\n  - expect: {{ stock: MUG, on_hand: 2 }}\n"
    );
    let scenario = parse_scenario("faults.yaml", &text).expect("valid");
    let actions: Vec<_> = scenario
        .steps
        .iter()
        .map(|s| s.value.action(&Default::default()))
        .collect();
    let expected: drydock_core::action::Action = serde_json::from_value(serde_json::json!(
        {"set_stock": {"warehouse": "shipbob", "sku": "MUG", "on_hand": 2}}
    ))
    .expect("an action");
    assert_eq!(actions[0], Some(Ok(expected)));
    let clock: drydock_core::action::Action =
        serde_json::from_value(serde_json::json!({"advance_clock": {"by": "1d"}})).expect("by");
    assert_eq!(actions[1], Some(Ok(clock)));
    assert_eq!(actions[2], None, "an expectation only observes");
}

#[test]
fn a_fault_names_the_nodes_its_scenario_declares() {
    let text = |target: &str| {
        format!(
            "version: 1
name: two-warehouses
world:
  catalog:
    - {{ sku: MUG }}
  warehouses:
    - {{ id: wh-east, provider: shipbob, stock: {{ MUG: 3 }} }}
    - {{ id: wh-eu, provider: shipbob, stock: {{ MUG: 2 }} }}
steps:
  - fault: {{ name: f, {target}, effect: backorder }}
"
        )
    };
    for ok in ["node: wh-eu", "persona: shipbob"] {
        let parsed = parse_scenario("two.yaml", &text(ok));
        assert!(
            parsed.is_ok(),
            "{ok}: {:?}",
            parsed.err().map(|e| e.problems)
        );
    }
    let errors = parse_scenario("two.yaml", &text("node: shipbob")).expect_err("not declared");
    let message = &errors.problems[0].message;
    assert!(message.contains("wh-east, wh-eu"), "{message}");
}
