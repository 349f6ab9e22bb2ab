//! `docs/reference.md`, generated from the code: the scenario language from its JSON
//! Schema (the types' own descriptions) and the examples list of `drydock-scenario`, the
//! invariants from the runner's list, every provider's routes, webhooks and SDK note from
//! the provider registry, and the contract's policies. A test fails when the committed
//! file is stale; `DRYDOCK_WRITE_DOCS=1 cargo test -p drydock reference_docs` rewrites it.

use std::fmt::Write;

use drydock_scenario::examples::{CONDITIONS, EFFECTS, Example, STEPS};
use serde_json::Value;

/// Where the reference lives in the repository.
pub const PATH: &str = "docs/reference.md";

/// The whole reference, as committed.
pub fn reference() -> String {
    let schema: Value = serde_json::from_str(&drydock_scenario::schema::scenario_schema_json())
        .unwrap_or(Value::Null);
    let mut out = String::from(
        "<!-- Generated from the code by `DRYDOCK_WRITE_DOCS=1 cargo test -p drydock reference_docs`; edit the sources, not this file. -->\n\
# drydock reference\n\n\
Everything a scenario may say and everything the personas serve, generated from the code \
that implements it. Every example here is parsed by a test.\n\n\
- [Scenario steps](#scenario-steps)\n- [Conditions](#conditions)\n- [Faults](#faults)\n\
- [Invariants](#invariants)\n- [Personas](#personas)\n- [Contract policies](#contract-policies)\n\n",
    );
    steps(&mut out, &schema);
    conditions(&mut out, &schema);
    faults(&mut out, &schema);
    invariants(&mut out);
    personas(&mut out);
    let converge =
        drydock_runner::RunConfig::new(Vec::new(), drydock_runner::SutMode::Command(String::new()))
            .converge_timeout;
    out.push_str(&POLICIES.replace("CONVERGE", &format!("{} s", converge.as_secs_f64())));
    out
}

fn description(v: &Value) -> String {
    v["description"]
        .as_str()
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `(name, description)` of each variant of a schema enum (`oneOf`).
fn variants(schema: &Value, def: &str) -> Vec<(String, String)> {
    schema["$defs"][def]["oneOf"]
        .as_array()
        .map(|vs| {
            vs.iter()
                .filter_map(|v| {
                    let name = v["const"].as_str().map(str::to_string).or_else(|| {
                        v["properties"]
                            .as_object()
                            .and_then(|p| p.keys().next().cloned())
                    })?;
                    Some((name, description(v)))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `(field, description)` of a schema object, in the schema's order.
fn fields(schema: &Value, def: &str) -> Vec<(String, String)> {
    schema["$defs"][def]["properties"]
        .as_object()
        .map(|p| p.iter().map(|(k, v)| (k.clone(), description(v))).collect())
        .unwrap_or_default()
}

fn example_block(out: &mut String, e: Option<&Example>) {
    if let Some(e) = e {
        let _ = write!(out, "```yaml\nsteps:\n{}```\n\n", e.yaml);
    }
}

fn steps(out: &mut String, schema: &Value) {
    out.push_str(
        "## Scenario steps\n\nSteps are played in order. The examples follow a first step that \
places order `first` (2 × `MUG-BLUE`, 10 in stock).\n\n",
    );
    for (name, text) in variants(schema, "Step") {
        let _ = write!(out, "### `{name}`\n\n{text}\n\n");
        example_block(out, STEPS.iter().find(|e| e.name == name));
    }
    for def in ["PlaceOrder", "CancelOrder", "SetStock", "WaitUntil"] {
        table(out, &format!("`{def}` fields"), &fields(schema, def));
    }
}

fn table(out: &mut String, title: &str, rows: &[(String, String)]) {
    let _ = write!(out, "{title}:\n\n| field | meaning |\n|---|---|\n");
    for (k, v) in rows {
        let _ = writeln!(out, "| `{k}` | {} |", v.replace('|', "\\|"));
    }
    out.push('\n');
}

fn conditions(out: &mut String, schema: &Value) {
    let _ = write!(
        out,
        "## Conditions\n\n{}\n\n",
        description(&schema["$defs"]["Condition"])
    );
    table(out, "Facts", &fields(schema, "Condition"));
    for e in CONDITIONS {
        let _ = write!(out, "Subject `{}`:\n\n", e.name);
        example_block(out, Some(e));
    }
}

fn faults(out: &mut String, schema: &Value) {
    out.push_str("## Faults\n\n");
    table(out, "A `fault` rule's fields", &fields(schema, "FaultRule"));
    let _ = write!(
        out,
        "When a rule fires (`when`):\n\n| trigger | meaning |\n|---|---|\n"
    );
    for (k, v) in variants(schema, "Trigger") {
        let _ = writeln!(out, "| `{k}` | {v} |");
    }
    out.push_str("\n### Effects\n\n");
    for (name, text) in variants(schema, "EffectKind") {
        let _ = write!(out, "#### `{name}`\n\n{text}\n\n");
        let _ = write!(out, "{}\n\n", effect_parameters(&name));
        example_block(out, EFFECTS.iter().find(|e| e.name == name));
    }
}

/// "Parameters: `delay` (needed), `jitter`." from the one place that builds the effect.
fn effect_parameters(name: &str) -> String {
    let kind = drydock_core::faults::EffectKind::ALL
        .into_iter()
        .find(|k| k.name() == name);
    let list: Vec<String> = kind
        .map(|k| k.parameters())
        .unwrap_or_default()
        .into_iter()
        .map(|(key, needed)| {
            if needed {
                format!("`{key}` (needed)")
            } else {
                format!("`{key}`")
            }
        })
        .collect();
    if list.is_empty() {
        "Parameters: none.".into()
    } else {
        format!("Parameters: {}.", list.join(", "))
    }
}

fn invariants(out: &mut String) {
    out.push_str(
        "## Invariants\n\nEvery scenario is judged by all of them; a scenario may waive one \
with a reason:\n\n```yaml\nwaive:\n  - { invariant: no_retry_storm, reason: this drill hammers the carrier on purpose }\n```\n\n\
| invariant | promise |\n|---|---|\n",
    );
    for i in drydock_runner::checks::invariants::ALL {
        let _ = writeln!(out, "| `{}` | {} |", i.name, i.promise);
    }
    out.push('\n');
}

fn personas(out: &mut String) {
    out.push_str(
        "## Personas\n\nEach node of a world is a persona of its provider on its own loopback \
port; its base URL and credentials come from the integration's environment (see the \
README's *integration contract*) under the node's prefix, and from the manifest \
`DRYDOCK_WORLD_JSON`. The variables named below are the default world's, whose nodes are \
named after their providers.\n\n",
    );
    for provider in drydock_simulator::ProviderId::ALL {
        let provider = provider.get();
        let s = provider.surface();
        let _ = write!(
            out,
            "### {}\n\nBase URL: {}.\n\nAuth: {}.\n\nSDK: {}.\n\n| method | path | request | answer |\n|---|---|---|---|\n",
            s.persona,
            s.base,
            s.auth,
            provider.sdk_note()
        );
        for r in s.routes {
            let request = if r.request.is_empty() {
                "—"
            } else {
                r.request
            };
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} |",
                r.method, r.path, request, r.answer
            );
        }
        out.push('\n');
        for w in s.webhooks {
            let _ = write!(
                out,
                "Webhooks {}:\n\n- headers: {}\n- body: {}\n\n",
                w.topics, w.headers, w.body
            );
        }
    }
}

/// What the contract requires beyond the wire formats (`CONVERGE` is the runner's
/// convergence window).
const POLICIES: &str = "## Contract policies

**Stock.** The warehouse sends no inventory webhook: poll ShipBob `GET inventory-level` \
often (the reference polls every 100 ms of real time): scenarios wait for the storefront \
to follow in real time, a `wait_until` step up to its `timeout` (10 s by default). The \
sellable quantity is `total_fulfillable_quantity` (`fulfillable_quantity` from API version \
2026-07), which already excludes units committed to warehouse orders. The storefront's \
`available` must converge to it: `stock_converges` judges the end of each scenario, \
re-judged for up to CONVERGE real time. Between a storefront order and its warehouse order, the \
storefront must not offer units it has already sold (`no_oversell`). An order held for \
something a person must fix (any hold reason but `other`) may keep its units reserved or \
give them back; both pass.

**Holds and alerts.** Hold the fulfillment order with Shopify's reason for the cause: \
`incorrect_address` (the carrier cannot verify or ship the address), \
`inventory_out_of_stock` (the warehouse reports it out of stock), `other` (a provider is \
down). Alert on Slack for every held or short-shipped order; an alert is about an order \
when its text contains the order's name (`#1001`). The wording is never judged.

**What the customer sees** is read from the storefront only:

| stage | the Shopify call that produces it |
|---|---|
| Order Received | the order exists (`orders/create`) |
| Processing | `POST fulfillment_orders/{id}/fulfillment_request/accept.json` |
| On Hold | `POST fulfillment_orders/{id}/hold.json` with a `reason`; Processing again after `release_hold.json` |
| Shipped | `POST fulfillments.json` (with `tracking_info`: the customer's tracking) |
| Out for Delivery / Delivered / Delivery Failed | `POST orders/{id}/fulfillments/{id}/events.json` with `status` `out_for_delivery` / `delivered` / `failure` |
| expected delivery | `estimated_delivery_at` on a fulfillment event: once the parcel moves (`in_transit` or later) it must equal the carrier's `est_delivery_date` (`eta_matches_carrier`); pushing one earlier is allowed, not judged |
| Cancelled | the order cancelled (`POST orders/{id}/cancel.json`) |

**Handing the label to the warehouse.** Buy the label at EasyPost (`POST shipments` with \
`reference` set to the storefront order's id or name, e.g. `#1001`, then \
`POST shipments/{id}/buy`), then create the ShipBob order with the label in its tags. \
A label is the order's when its shipment's `reference` names the order, or its tracking \
code reached the warehouse order's tags or the storefront's tracking; a paid label that \
belongs to no order fails `one_label_per_order` (e.g. a label bought for an order that is \
then held before it reaches the warehouse, under another reference):

```json
\"tags\": [
  {\"name\": \"carrier_tracking_code\", \"value\": \"<tracking_code>\"},
  {\"name\": \"carrier_label_url\", \"value\": \"<postage_label.label_url>\"},
  {\"name\": \"carrier\", \"value\": \"<selected_rate.carrier>\"}
]
```

When the warehouse ships it sends `order.shipped` (topic in the `x-webhook-topic` \
header, the bare Shipment as body: shipped units in `products[].inventory_items[].quantity`), \
hands the parcel to the carrier, and tracking moves pre_transit → in_transit → \
out_for_delivery → delivered (`tracker.updated` from EasyPost). A warehouse exception \
(`order.shipment.exception`) carries its reason in `status_details[]`. To cancel at the \
warehouse: `POST order/{id}:cancel`.

**Webhook subscriptions.** Subscribe through each provider's API (`POST webhooks.json` \
with `{\"webhook\": {\"topic\", \"address\", \"format\": \"json\"}}`; EasyPost `POST webhooks` \
with `{\"webhook\": {\"url\"}}`; ShipBob `POST webhook` with `{\"topics\": [...], \"url\", \
\"description\"}`). A webhook not answered 2xx is retried on the provider's schedule (on \
the virtual clock); a forged one must get a 4xx (`rejects_bad_signatures`).
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_docs_are_fresh() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(PATH);
        let fresh = reference();
        if std::env::var_os("DRYDOCK_WRITE_DOCS").is_some() {
            std::fs::write(&path, &fresh).expect("write docs/reference.md");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "docs/reference.md is stale: regenerate it with DRYDOCK_WRITE_DOCS=1 cargo test -p drydock reference_docs"
        );
    }

    #[test]
    fn every_concept_is_in_the_reference() {
        let text = reference();
        for e in STEPS.iter().chain(EFFECTS) {
            assert!(text.contains(&format!("`{}`", e.name)), "{}", e.name);
        }
        for i in drydock_runner::checks::invariants::ALL {
            assert!(text.contains(i.name), "{}", i.name);
        }
    }
}
