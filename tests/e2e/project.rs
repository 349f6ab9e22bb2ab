//! A team's own project and drydock's output conventions, through the binary: `drydock
//! init` then `drydock run` with no flags (first run records snapshots for review, CI
//! refuses them until accepted), `drydock.toml` under the flags, located mistakes in it,
//! the log kept off the terminal, `-q`, a `--filter` that matches nothing, and the
//! closing line on every exit.

use std::path::Path;

use crate::support::{drydock, repo, temp_dir, text};

fn last_line(out: &str) -> &str {
    out.lines().last().unwrap_or("")
}

/// Narrows an initialised project to one scenario through its own settings file.
fn only_happy_path(project: &Path) {
    let file = project.join("drydock.toml");
    let settings = std::fs::read_to_string(&file).expect("drydock.toml");
    assert!(settings.contains("# filter = [\"smoke\"]"), "{settings}");
    let narrowed = settings.replace("# filter = [\"smoke\"]", "filter = [\"happy-path\"]");
    std::fs::write(&file, narrowed).expect("write drydock.toml");
}

#[test]
fn init_scaffolds_a_project_whose_first_run_records_snapshots_for_review() {
    let dir = temp_dir("init");
    let project = dir.join("shop");
    let made = drydock(&dir, &["init", "shop"], false);
    assert_eq!(made.status.code(), Some(0), "{:?}", text(&made));
    for file in [
        "drydock.toml",
        ".github/workflows/drydock.yml",
        "scenario.schema.json",
        "scenarios/happy-path.yaml",
    ] {
        assert!(project.join(file).is_file(), "{file} written");
    }
    let snaps = std::fs::read_dir(project.join("scenarios"))
        .expect("scenarios")
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "snap"))
        .count();
    assert_eq!(
        snaps, 0,
        "the reference's snapshots stay with the reference"
    );
    let ignore = std::fs::read_to_string(project.join(".gitignore")).expect(".gitignore");
    assert!(ignore.lines().any(|l| l == ".drydock/"), "{ignore}");

    let again = drydock(&dir, &["init", "shop"], false);
    let (_, err) = text(&again);
    assert_eq!(again.status.code(), Some(2), "{err}");
    assert!(
        err.contains("drydock.toml") && err.contains("--force"),
        "{err}"
    );
    let forced = drydock(&dir, &["init", "shop", "--force"], false);
    assert_eq!(forced.status.code(), Some(0), "{:?}", text(&forced));
    let ignore_again = std::fs::read_to_string(project.join(".gitignore")).expect(".gitignore");
    assert_eq!(ignore, ignore_again, "the entry is added once");

    only_happy_path(&project);
    let in_ci = drydock(&project, &["run"], true);
    let (out, _) = text(&in_ci);
    assert_eq!(
        in_ci.status.code(),
        Some(1),
        "CI never passes a new snapshot: {out}"
    );
    let first = drydock(&project, &["run"], false);
    let (out, err) = text(&first);
    assert_eq!(first.status.code(), Some(0), "{out}{err}");
    assert!(out.contains("new snapshot"), "{out}");
    assert!(out.contains("drydock review"), "{out}");
    assert_eq!(
        last_line(&out),
        format!(
            "1 passed, 0 failed, {} skipped",
            crate::support::bundled_count() - 1
        )
    );
    assert!(project.join("scenarios/happy-path.snap.new").is_file());

    let accepted = drydock(&project, &["review", "--accept-all"], false);
    assert_eq!(accepted.status.code(), Some(0), "{:?}", text(&accepted));
    let judged = drydock(&project, &["run"], true);
    let (out, err) = text(&judged);
    assert_eq!(judged.status.code(), Some(0), "{out}{err}");
    assert!(!out.contains("new snapshot"), "{out}");
    assert!(
        project.join(".drydock/reports/junit.xml").is_file(),
        "reports from drydock.toml"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn flags_override_drydock_toml() {
    let dir = temp_dir("toml-override");
    std::fs::copy(
        repo("scenarios/happy-path.yaml"),
        dir.join("happy-path.yaml"),
    )
    .expect("copy");
    std::fs::copy(
        repo("scenarios/happy-path.snap"),
        dir.join("happy-path.snap"),
    )
    .expect("copy");
    std::fs::write(
        dir.join("drydock.toml"),
        "scenarios = [\".\"]\n[run]\nfilter = [\"no-such-scenario\"]\n[reports]\njson = \"from-file.json\"\n",
    )
    .expect("write");
    let from_file = drydock(&dir, &["run"], true);
    let (out, err) = text(&from_file);
    assert_eq!(
        from_file.status.code(),
        Some(2),
        "the file's filter: {out}{err}"
    );
    assert!(err.contains("no-such-scenario"), "{err}");

    let flags = drydock(
        &dir,
        &["run", "--filter", "happy", "--json", "from-flag.json"],
        true,
    );
    let (out, err) = text(&flags);
    assert_eq!(flags.status.code(), Some(0), "{out}{err}");
    assert!(dir.join("from-flag.json").is_file());
    assert!(!dir.join("from-file.json").exists(), "the flag replaced it");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_drydock_toml_is_exit_2_with_its_location() {
    let dir = temp_dir("toml-bad");
    std::fs::write(
        dir.join("drydock.toml"),
        "scenarios = [\"scenarios\"]\n[integration]\nquite_ms = 300\n",
    )
    .expect("write");
    let run = drydock(&dir, &["run"], true);
    let (out, err) = text(&run);
    assert_eq!(run.status.code(), Some(2), "{out}{err}");
    assert!(
        err.contains("drydock.toml:3:1: unknown field `quite_ms`"),
        "{err}"
    );
    assert!(err.contains("hint:"), "{err}");
    assert_eq!(last_line(&out), "0 passed, 0 failed");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_exit_of_run_ends_with_the_closing_line() {
    let dir = temp_dir("closing-line");
    let broken = drydock(
        &dir,
        &[
            "run",
            repo("fixtures/scenarios/broken/unknown-key.yaml")
                .to_str()
                .expect("utf-8 path"),
        ],
        true,
    );
    let (out, err) = text(&broken);
    assert_eq!(broken.status.code(), Some(2), "{err}");
    assert_eq!(last_line(&out), "0 passed, 0 failed", "{out}");

    let nothing = drydock(
        &dir,
        &[
            "run",
            "--filter",
            "no-such-scenario",
            repo("scenarios").to_str().expect("utf-8 path"),
        ],
        true,
    );
    let (out, err) = text(&nothing);
    assert_eq!(nothing.status.code(), Some(2), "ran nothing: {out}{err}");
    assert!(
        err.contains("no scenario's name or tag contains `no-such-scenario`"),
        "{err}"
    );
    assert!(err.contains("happy-path"), "names what there is: {err}");
    assert_eq!(last_line(&out), "0 passed, 0 failed", "{out}");

    let bad_flag = drydock(&dir, &["run", "--shard", "4/3"], true);
    let (out, _) = text(&bad_flag);
    assert_eq!(bad_flag.status.code(), Some(2));
    assert_eq!(last_line(&out), "0 passed, 0 failed", "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_log_stays_off_the_terminal_unless_asked() {
    let dir = temp_dir("quiet-log");
    std::fs::copy(
        repo("scenarios/address-rejected.yaml"),
        dir.join("address-rejected.yaml"),
    )
    .expect("copy");
    std::fs::copy(
        repo("scenarios/address-rejected.snap"),
        dir.join("address-rejected.snap"),
    )
    .expect("copy");
    // The reference warns when the carrier rejects the address: a log line, not a result.
    let plain = drydock(&dir, &["run", "."], true);
    let (out, err) = text(&plain);
    assert_eq!(plain.status.code(), Some(0), "{out}{err}");
    assert!(!err.contains("WARN") && !out.contains("WARN"), "{err}");
    let log = std::fs::read_to_string(dir.join(".drydock/logs/drydock.log")).expect("the log");
    assert!(log.contains("WARN"), "{log}");
    assert!(!log.contains('\x1b'), "no colour codes in a file: {log}");

    let verbose = drydock(&dir, &["run", "-v", "."], true);
    let (_, err) = text(&verbose);
    assert!(err.contains("WARN") && err.contains("INFO"), "{err}");
    assert!(!err.contains('\x1b'), "no colour without a terminal: {err}");

    let quiet = drydock(&dir, &["run", "-q", "--json", "report.json", "."], true);
    let (out, err) = text(&quiet);
    assert_eq!(out, "1 passed, 0 failed\n", "only the closing line: {out}");
    assert_eq!(err, "", "nothing else: {err}");
    assert!(dir.join("report.json").is_file());
    let _ = std::fs::remove_dir_all(&dir);
}
