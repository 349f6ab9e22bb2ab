//! `drydock init [DIR]`: scaffolds a team's own project. It writes the bundled suite
//! *without* snapshots (those belong to the reference integration; the team's first run
//! records its own for review), `drydock.toml`, a CI workflow and a `.gitignore` entry for
//! `.drydock/`. Existing files are never overwritten without `--force`; every one that
//! would be is named.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::{EXIT_BAD_INPUT, EXIT_PASSED, config_file, embedded};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The project directory (created when missing; default: the current one).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The command that starts your integration, written to drydock.toml.
    #[arg(long, conflicts_with = "endpoint")]
    pub sut_cmd: Option<String>,
    /// The URL of your already-running integration, written to drydock.toml.
    #[arg(long)]
    pub endpoint: Option<String>,
    /// Overwrite files that already exist.
    #[arg(long)]
    pub force: bool,
}

/// Where the CI workflow goes.
pub const WORKFLOW: &str = ".github/workflows/drydock.yml";

pub fn init(a: InitArgs) -> u8 {
    let files = project_files(&a);
    let existing: Vec<&PathBuf> = files
        .iter()
        .map(|(p, _)| p)
        .filter(|p| a.dir.join(p).exists())
        .collect();
    if !existing.is_empty() && !a.force {
        eprintln!(
            "error: {} already exist{} in {}: {}\n  hint: move {} away, or run `drydock init --force` to overwrite",
            existing.len(),
            if existing.len() == 1 { "s" } else { "" },
            a.dir.display(),
            existing
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            if existing.len() == 1 { "it" } else { "them" },
        );
        return EXIT_BAD_INPUT;
    }
    for (path, text) in &files {
        if let Err(e) = write(&a.dir.join(path), text) {
            eprintln!("error: cannot write {}: {e}", a.dir.join(path).display());
            return EXIT_BAD_INPUT;
        }
    }
    if let Err(e) = ignore_drydock_dir(&a.dir.join(".gitignore")) {
        eprintln!(
            "error: cannot update {}: {e}",
            a.dir.join(".gitignore").display()
        );
        return EXIT_BAD_INPUT;
    }
    let scenarios = files.len() - 3;
    println!(
        "wrote {scenarios} scenarios (without snapshots), {}, {WORKFLOW} and a .gitignore entry in {}",
        config_file::FILE_NAME,
        a.dir.display()
    );
    println!(
        "next: set your integration in {} (`sut_cmd` or `endpoint`), run `drydock run` there: \
the first run records each scenario's snapshot as .snap.new; read them with `drydock review` and commit the .snap files",
        config_file::FILE_NAME
    );
    EXIT_PASSED
}

/// Every file `init` writes (relative to the project) with its contents.
fn project_files(a: &InitArgs) -> Vec<(PathBuf, String)> {
    let mut files: Vec<(PathBuf, String)> = embedded::scenarios()
        .map(|(name, text)| (Path::new("scenarios").join(name), text.to_string()))
        .collect();
    files.push((
        PathBuf::from("scenario.schema.json"),
        drydock_scenario::schema::scenario_schema_json(),
    ));
    files.push((
        PathBuf::from(config_file::FILE_NAME),
        settings_file(a.sut_cmd.as_deref(), a.endpoint.as_deref()),
    ));
    files.push((PathBuf::from(WORKFLOW), WORKFLOW_TEXT.to_string()));
    files
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, text)
}

/// Adds `.drydock/` (logs, reports, pending state) to `.gitignore` unless it is there.
fn ignore_drydock_dir(path: &Path) -> std::io::Result<()> {
    let current = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    if current.lines().any(|l| {
        matches!(
            l.trim(),
            ".drydock" | ".drydock/" | "/.drydock" | "/.drydock/"
        )
    }) {
        return Ok(());
    }
    let mut text = current;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("# drydock's logs, reports and scratch files\n.drydock/\n");
    std::fs::write(path, text)
}

/// The `drydock.toml` a project starts with: every setting, the unused ones commented.
pub fn settings_file(sut_cmd: Option<&str>, endpoint: Option<&str>) -> String {
    let quoted = |s: &str| format!("{s:?}");
    let integration = match (sut_cmd, endpoint) {
        (Some(cmd), _) => format!(
            "sut_cmd = {}\n# endpoint = \"http://127.0.0.1:8080\"\n# port_base = 4780\n",
            quoted(cmd)
        ),
        (None, Some(url)) => format!(
            "# sut_cmd = \"python my_service.py\"\nendpoint = {}\nport_base = 4780\n",
            quoted(url)
        ),
        (None, None) => "# Neither set: drydock tests its bundled reference integration.\n\
# sut_cmd = \"python my_service.py\"\n# endpoint = \"http://127.0.0.1:8080\"\n# port_base = 4780\n"
            .to_string(),
    };
    format!(
        "# drydock.toml: settings for `drydock run` in this directory. Flags override them;\n\
# an unknown key is an error. See `drydock run --help`.\n\
scenarios = [\"scenarios\"]\n\
\n\
[integration]\n\
# How drydock starts your integration for each scenario (it gets the personas' URLs and\n\
# credentials in its environment and must listen on $PORT), or where it already runs.\n\
{integration}\
# Seconds your integration has to answer GET /health with 2xx.\n\
ready_timeout = 20\n\
# Milliseconds your integration must be quiet before the virtual clock moves on.\n\
quiet_ms = 120\n\
\n\
[run]\n\
jobs = 1\n\
# filter = [\"smoke\"]\n\
\n\
[reports]\n\
junit = \".drydock/reports/junit.xml\"\n\
json = \".drydock/reports/report.json\"\n\
html = \".drydock/reports/report.html\"\n\
# har = \".drydock/reports/har\"\n"
    )
}

/// The CI workflow of the README's *Running in CI*, for a project that installs drydock.
const WORKFLOW_TEXT: &str = r#"# .github/workflows/drydock.yml, written by `drydock init`: the project's scenarios in
# three shards. Snapshots are never accepted in CI: a missing or changed one fails and is
# uploaded as *.snap.new for review.
name: drydock
on: [push, pull_request]
jobs:
  scenarios:
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        shard: [1, 2, 3]
    steps:
      - uses: actions/checkout@v4
      - uses: dtolnay/rust-toolchain@stable
      # Install drydock from its git repository: set the repository variable DRYDOCK_GIT
      # (Settings > Secrets and variables > Actions > Variables) to its URL.
      - run: cargo install --locked --git "$DRYDOCK_GIT" drydock
        env:
          DRYDOCK_GIT: ${{ vars.DRYDOCK_GIT }}
      - run: drydock run --jobs 2 --shard ${{ matrix.shard }}/3
      - if: failure()
        uses: actions/upload-artifact@v4
        with:
          name: drydock-${{ matrix.shard }}
          path: |
            scenarios/*.snap.new
            .drydock/logs/
            .drydock/reports/
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_settings_file_init_writes_is_valid() {
        for (cmd, url) in [
            (None, None),
            (Some("python \"app\".py"), None),
            (None, Some("http://127.0.0.1:8080")),
        ] {
            let text = settings_file(cmd, url);
            let s = config_file::parse("drydock.toml", &text).expect("valid");
            assert_eq!(s.sut_cmd.as_deref(), cmd, "{text}");
            assert_eq!(s.endpoint.as_deref(), url, "{text}");
        }
    }
}
