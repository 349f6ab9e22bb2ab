//! The README's tables and lists say what the code has: the invariants (and the
//! scenario language waives exactly those), the fault effects, the steps and condition
//! fields of the scenario model, the reference integration's defects, and the contract's
//! environment variables.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::personas::control::control;
use crate::personas::{client, send};
use crate::support::repo;

fn readme() -> String {
    std::fs::read_to_string(repo("README.md")).expect("README.md")
}

/// The backticked names in the first column of the README table whose header row
/// starts `| {header} |`, in row order.
fn first_column(readme: &str, header: &str) -> Vec<String> {
    let head = format!("| {header} |");
    let Some(start) = readme.lines().position(|l| l.starts_with(&head)) else {
        panic!("the README has no table headed {head:?}");
    };
    readme
        .lines()
        .skip(start + 2)
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l.split('|').nth(1))
        .flat_map(|cell| cell.split('`').skip(1).step_by(2).map(str::to_string))
        .collect()
}

/// The backticked words (`[a-z_]+`) of the README from `opening` to `until` or the end
/// of the paragraph.
fn words_between(readme: &str, opening: &str, until: &str) -> BTreeSet<String> {
    let Some(start) = readme.find(opening) else {
        panic!("the README has no text starting {opening:?}");
    };
    let paragraph = readme[start..].split("\n\n").next().unwrap_or_default();
    let text = paragraph.split(until).next().unwrap_or_default();
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .map(str::to_string)
        .collect()
}

/// What differs between the README's names and the code's, for people.
fn differences(readme: &BTreeSet<String>, code: &BTreeSet<String>) -> String {
    let missing: Vec<&String> = code.difference(readme).collect();
    let extra: Vec<&String> = readme.difference(code).collect();
    format!("missing from the README: {missing:?}; in the README but not in the code: {extra:?}")
}

/// The keys of a JSON object (none for anything else).
fn keys(object: &Value) -> BTreeSet<String> {
    object
        .as_object()
        .map(Map::keys)
        .into_iter()
        .flatten()
        .cloned()
        .collect()
}

fn schema() -> Value {
    serde_json::from_str(&drydock_scenario::schema::scenario_schema_json()).expect("the schema")
}

/// The names a schema definition allows, whatever serde's tagging: the strings of an
/// `enum`, and per `oneOf`/`anyOf` variant its `const`, its `enum`, a property's
/// `const` (an internal tag), or its only required key (an external tag).
fn variant_names(schema: &Value, def: &Value) -> BTreeSet<String> {
    let def = resolve(schema, def);
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect()
    };
    let mut names: BTreeSet<String> = strings(&def["enum"]).into_iter().collect();
    let variants = def["oneOf"].as_array().or(def["anyOf"].as_array());
    for v in variants.into_iter().flatten() {
        let v = resolve(schema, v);
        if let Some(c) = v["const"].as_str() {
            names.insert(c.to_string());
        } else if v["enum"].is_array() {
            names.extend(strings(&v["enum"]));
        } else if let Some(tag) = v["properties"]
            .as_object()
            .and_then(|p| p.values().find_map(|p| p["const"].as_str()))
        {
            names.insert(tag.to_string());
        } else if let [key] = strings(&v["required"]).as_slice() {
            names.insert(key.clone());
        }
    }
    names
}

/// A schema with its `$ref` followed.
fn resolve<'a>(schema: &'a Value, v: &'a Value) -> &'a Value {
    match v["$ref"].as_str().and_then(|r| r.strip_prefix("#/$defs/")) {
        Some(name) => &schema["$defs"][name],
        None => v,
    }
}

/// Every fault effect the scenario language accepts: the `effect` property of a fault
/// rule, wherever the schema puts it (a plain enum, or the tag of each effect's variant).
fn effects(schema: &Value) -> BTreeSet<String> {
    fn walk(schema: &Value, v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(map) => {
                if let Some(effect) = map.get("properties").and_then(|p| p.get("effect")) {
                    out.extend(variant_names(schema, effect));
                    if let Some(c) = effect["const"].as_str() {
                        out.insert(c.to_string());
                    }
                }
                map.values().for_each(|x| walk(schema, x, out));
            }
            Value::Array(items) => items.iter().for_each(|x| walk(schema, x, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(schema, schema, &mut out);
    out
}

#[test]
fn the_waivable_invariants_are_the_invariant_list() {
    let names: Vec<&str> = drydock_runner::checks::invariants::ALL
        .iter()
        .map(|i| i.name)
        .collect();
    assert_eq!(
        names,
        drydock_scenario::parse::INVARIANTS,
        "the scenario language waives exactly the runner's invariants, in the same order \
(drydock_scenario::parse::INVARIANTS)"
    );
}

#[test]
fn the_readme_tables_list_what_the_code_has() {
    let readme = readme();
    let invariants: Vec<String> = drydock_runner::checks::invariants::ALL
        .iter()
        .map(|i| i.name.to_string())
        .collect();
    assert_eq!(
        first_column(&readme, "invariant"),
        invariants,
        "the README's invariants table, in the code's order"
    );

    let schema = schema();
    let code = effects(&schema);
    assert!(code.len() >= 10, "effects read from the schema: {code:?}");
    let table: BTreeSet<String> = first_column(&readme, "effect").into_iter().collect();
    assert!(
        table == code,
        "the README's effects table (*Faults and drills*): {}",
        differences(&table, &code)
    );

    let defects: BTreeSet<String> = drydock_reference::Defect::ALL
        .iter()
        .map(|d| d.name().to_string())
        .collect();
    let table: BTreeSet<String> = first_column(&readme, "defect").into_iter().collect();
    assert!(
        table == defects,
        "the README's defects table (*Proof that they can fail*): {}",
        differences(&table, &defects)
    );
}

#[test]
fn the_readme_names_every_step_and_condition_field() {
    let readme = readme();
    let schema = schema();
    let steps = variant_names(&schema, &schema["$defs"]["Step"]);
    assert!(steps.len() >= 5, "steps read from the schema: {steps:?}");
    let listed = words_between(&readme, "Steps: ", "Conditions name");
    assert!(
        listed == steps,
        "the README's list of steps (*Scenarios*): {}",
        differences(&listed, &steps)
    );
    let fields = keys(&schema["$defs"]["Condition"]["properties"]);
    assert!(!fields.is_empty(), "condition fields read from the schema");
    let listed = words_between(&readme, "Conditions name", "\n\n");
    let missing: Vec<&String> = fields.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "condition fields the README's *Scenarios* never names: {missing:?}"
    );
}

#[tokio::test]
async fn the_contract_table_lists_every_environment_variable() {
    let base = control(None).await;
    let spec = serde_json::json!({"name": "contract", "catalog": [{"sku": "MUG", "stock": 1}]});
    let created = send(client().post(format!("{base}/worlds")).json(&spec)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_str().expect("world id");
    let env = send(client().get(format!("{base}/worlds/{id}/env")))
        .await
        .body;
    let code = keys(&env);
    assert!(code.contains("DRYDOCK_SHOPIFY_URL"), "the env: {env}");
    let table = first_column(&readme(), "variable");
    let documented = |name: &String| {
        table.iter().any(|t| match t.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => t == name,
        })
    };
    let missing: Vec<&String> = code.iter().filter(|n| !documented(n)).collect();
    let extra: Vec<&String> = table
        .iter()
        .filter(|t| !t.ends_with('*') && !code.contains(*t))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "the README's contract table (*The integration contract*): missing {missing:?}, \
not in a world's environment {extra:?}"
    );
}
