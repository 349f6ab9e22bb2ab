//! The proof that the bundled drills can fail: the suite against the correct reference
//! integration (every scenario passes) and against each deliberate defect (each one is
//! caught by at least one scenario, by a named invariant or expectation, not merely by a
//! snapshot difference). Prints the defect × scenario matrix.

use std::path::PathBuf;

use drydock_reference::Defect;
use drydock_runner::matrix::{defect_matrix, render};
use drydock_runner::{RunConfig, SutMode};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_defect_is_caught_by_a_drill_and_the_correct_integration_passes() {
    let scenarios = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let cfg = RunConfig::new(vec![scenarios], SutMode::Embedded(Default::default()));
    let scratch = std::env::temp_dir().join(format!("drydock-matrix-{}", std::process::id()));
    let columns = defect_matrix(&cfg, &Defect::ALL, &scratch, 4)
        .await
        .expect("the bundled suite loads");
    let text = render(&columns);
    println!("{text}");
    let _ = std::fs::remove_dir_all(&scratch);
    assert_eq!(columns.len(), Defect::ALL.len() + 1, "{text}");
    assert!(
        !columns[0].caught(),
        "the correct integration failed:\n{text}"
    );
    for column in &columns[1..] {
        assert!(column.caught(), "a defect went unnoticed:\n{text}");
    }
}
