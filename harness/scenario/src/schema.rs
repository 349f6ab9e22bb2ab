//! The JSON Schema of the scenario format, for editors (`yaml-language-server`) and for
//! `drydock schema`. The committed copy is checked for staleness by a test.

use crate::model::Scenario;

/// The schema as pretty JSON with a trailing newline.
pub fn scenario_schema_json() -> String {
    let schema = schemars::schema_for!(Scenario);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
