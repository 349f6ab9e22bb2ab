//! The bundled suite, compiled into the binary so `drydock run` works anywhere: when no
//! scenarios are named and ./scenarios does not exist, it is written to .drydock/suite.

use std::path::{Path, PathBuf};

use drydock_runner::files::write_atomically;

/// (file name, contents) of every bundled scenario and its snapshot.
const SUITE: &[(&str, &str)] = &[
    (
        "address-rejected.yaml",
        include_str!("../../../scenarios/address-rejected.yaml"),
    ),
    (
        "address-rejected.snap",
        include_str!("../../../scenarios/address-rejected.snap"),
    ),
    (
        "bad-signature-webhook.yaml",
        include_str!("../../../scenarios/bad-signature-webhook.yaml"),
    ),
    (
        "bad-signature-webhook.snap",
        include_str!("../../../scenarios/bad-signature-webhook.snap"),
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
        "carrier-outage-recovery.yaml",
        include_str!("../../../scenarios/carrier-outage-recovery.yaml"),
    ),
    (
        "carrier-outage-recovery.snap",
        include_str!("../../../scenarios/carrier-outage-recovery.snap"),
    ),
    (
        "duplicate-out-of-order-webhooks.yaml",
        include_str!("../../../scenarios/duplicate-out-of-order-webhooks.yaml"),
    ),
    (
        "duplicate-out-of-order-webhooks.snap",
        include_str!("../../../scenarios/duplicate-out-of-order-webhooks.snap"),
    ),
    (
        "flaky-carrier.yaml",
        include_str!("../../../scenarios/flaky-carrier.yaml"),
    ),
    (
        "flaky-carrier.snap",
        include_str!("../../../scenarios/flaky-carrier.snap"),
    ),
    (
        "happy-path.yaml",
        include_str!("../../../scenarios/happy-path.yaml"),
    ),
    (
        "happy-path.snap",
        include_str!("../../../scenarios/happy-path.snap"),
    ),
    (
        "label-timeout-after-commit.yaml",
        include_str!("../../../scenarios/label-timeout-after-commit.yaml"),
    ),
    (
        "label-timeout-after-commit.snap",
        include_str!("../../../scenarios/label-timeout-after-commit.snap"),
    ),
    (
        "last-units-race.yaml",
        include_str!("../../../scenarios/last-units-race.yaml"),
    ),
    (
        "last-units-race.snap",
        include_str!("../../../scenarios/last-units-race.snap"),
    ),
    (
        "malformed-carrier-response.yaml",
        include_str!("../../../scenarios/malformed-carrier-response.yaml"),
    ),
    (
        "malformed-carrier-response.snap",
        include_str!("../../../scenarios/malformed-carrier-response.snap"),
    ),
    (
        "messy-address.yaml",
        include_str!("../../../scenarios/messy-address.yaml"),
    ),
    (
        "messy-address.snap",
        include_str!("../../../scenarios/messy-address.snap"),
    ),
    (
        "multi-channel-fulfilment.yaml",
        include_str!("../../../scenarios/multi-channel-fulfilment.yaml"),
    ),
    (
        "multi-channel-fulfilment.snap",
        include_str!("../../../scenarios/multi-channel-fulfilment.snap"),
    ),
    (
        "rate-limit-storm.yaml",
        include_str!("../../../scenarios/rate-limit-storm.yaml"),
    ),
    (
        "rate-limit-storm.snap",
        include_str!("../../../scenarios/rate-limit-storm.snap"),
    ),
    (
        "regional-3pl-outage.yaml",
        include_str!("../../../scenarios/regional-3pl-outage.yaml"),
    ),
    (
        "regional-3pl-outage.snap",
        include_str!("../../../scenarios/regional-3pl-outage.snap"),
    ),
    (
        "stock-drift.yaml",
        include_str!("../../../scenarios/stock-drift.yaml"),
    ),
    (
        "stock-drift.snap",
        include_str!("../../../scenarios/stock-drift.snap"),
    ),
    (
        "two-warehouses-routing.yaml",
        include_str!("../../../scenarios/two-warehouses-routing.yaml"),
    ),
    (
        "two-warehouses-routing.snap",
        include_str!("../../../scenarios/two-warehouses-routing.snap"),
    ),
    (
        "warehouse-api-version-retired.yaml",
        include_str!("../../../scenarios/warehouse-api-version-retired.yaml"),
    ),
    (
        "warehouse-api-version-retired.snap",
        include_str!("../../../scenarios/warehouse-api-version-retired.snap"),
    ),
    (
        "warehouse-backorder.yaml",
        include_str!("../../../scenarios/warehouse-backorder.yaml"),
    ),
    (
        "warehouse-backorder.snap",
        include_str!("../../../scenarios/warehouse-backorder.snap"),
    ),
    (
        "warehouse-out-of-stock-reroute.yaml",
        include_str!("../../../scenarios/warehouse-out-of-stock-reroute.yaml"),
    ),
    (
        "warehouse-out-of-stock-reroute.snap",
        include_str!("../../../scenarios/warehouse-out-of-stock-reroute.snap"),
    ),
    (
        "warehouse-short-pick.yaml",
        include_str!("../../../scenarios/warehouse-short-pick.yaml"),
    ),
    (
        "warehouse-short-pick.snap",
        include_str!("../../../scenarios/warehouse-short-pick.snap"),
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

/// The bundled scenario files alone (name, contents), without their snapshots.
pub fn scenarios() -> impl Iterator<Item = (&'static str, &'static str)> {
    SUITE
        .iter()
        .copied()
        .filter(|(name, _)| name.ends_with(".yaml"))
}

/// Writes the bundled suite under `root` and returns the directory.
pub fn materialize(root: &Path) -> std::io::Result<PathBuf> {
    let dir = root.join("suite");
    std::fs::create_dir_all(&dir)?;
    for (name, text) in SUITE {
        write_atomically(&dir.join(name), text.as_bytes())?;
    }
    // The scenarios' `$schema=../scenario.schema.json` comment resolves here.
    write_atomically(
        &root.join("scenario.schema.json"),
        drydock_scenario::schema::scenario_schema_json().as_bytes(),
    )?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::SUITE;

    #[test]
    fn every_bundled_scenario_and_snapshot_is_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .expect("scenarios/ exists")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".yaml") || n.ends_with(".snap"))
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = SUITE.iter().map(|(n, _)| n.to_string()).collect();
        embedded.sort();
        assert_eq!(embedded, on_disk, "list every file of scenarios/ in SUITE");
    }
}
