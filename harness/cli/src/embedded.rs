//! The bundled suite, compiled into the binary so `drydock run` works anywhere: when no
//! scenarios are named and ./scenarios does not exist, it is written to .drydock/suite.

use std::path::{Path, PathBuf};

/// (file name, contents) of every bundled scenario and its snapshot.
const SUITE: &[(&str, &str)] = &[
    (
        "happy-path.yaml",
        include_str!("../../../scenarios/happy-path.yaml"),
    ),
    (
        "happy-path.snap",
        include_str!("../../../scenarios/happy-path.snap"),
    ),
    (
        "cancel-before-shipment.yaml",
        include_str!("../../../scenarios/cancel-before-shipment.yaml"),
    ),
    (
        "cancel-before-shipment.snap",
        include_str!("../../../scenarios/cancel-before-shipment.snap"),
    ),
    (
        "warehouse-stock-change.yaml",
        include_str!("../../../scenarios/warehouse-stock-change.yaml"),
    ),
    (
        "warehouse-stock-change.snap",
        include_str!("../../../scenarios/warehouse-stock-change.snap"),
    ),
];

/// Writes the bundled suite under `root` and returns the directory.
pub fn materialize(root: &Path) -> std::io::Result<PathBuf> {
    let dir = root.join("suite");
    std::fs::create_dir_all(&dir)?;
    for (name, text) in SUITE {
        std::fs::write(dir.join(name), text)?;
    }
    // The scenarios' `$schema=../scenario.schema.json` comment resolves here.
    std::fs::write(
        root.join("scenario.schema.json"),
        drydock_scenario::schema::scenario_schema_json(),
    )?;
    Ok(dir)
}
