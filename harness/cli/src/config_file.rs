//! `drydock.toml`, a project's settings for `drydock run`: the same settings as the flags
//! (flags override the file). Unknown keys and bad values are refused with
//! `file:line:column` and a hint. The file is read into plain [`ProjectSettings`] and then
//! merged into the run's arguments, so the run configuration is built and validated in
//! one place and the runner never sees toml types.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::args::RunArgs;

/// The file `drydock run` reads from the directory it runs in.
pub const FILE_NAME: &str = "drydock.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    scenarios: Option<Vec<PathBuf>>,
    #[serde(default)]
    integration: IntegrationSection,
    #[serde(default)]
    run: RunSection,
    #[serde(default)]
    reports: ReportsSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct IntegrationSection {
    sut_cmd: Option<Spanned<String>>,
    endpoint: Option<Spanned<String>>,
    port_base: Option<u16>,
    ready_timeout: Option<u64>,
    quiet_ms: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunSection {
    jobs: Option<Spanned<u16>>,
    filter: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportsSection {
    junit: Option<PathBuf>,
    json: Option<PathBuf>,
    html: Option<PathBuf>,
    har: Option<PathBuf>,
}

/// What a project's file sets; `None` leaves the flag's default.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ProjectSettings {
    pub scenarios: Vec<PathBuf>,
    pub sut_cmd: Option<String>,
    pub endpoint: Option<String>,
    pub port_base: Option<u16>,
    pub ready_timeout: Option<u64>,
    pub quiet_ms: Option<u64>,
    pub jobs: Option<u16>,
    pub filter: Vec<String>,
    pub junit: Option<PathBuf>,
    pub json: Option<PathBuf>,
    pub html: Option<PathBuf>,
    pub har: Option<PathBuf>,
}

/// A mistake in the file, at its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}\n  hint: {}",
            self.file, self.line, self.column, self.message, self.hint
        )
    }
}

const HINT: &str = "keys: scenarios, [integration] sut_cmd endpoint port_base ready_timeout \
quiet_ms, [run] jobs filter, [reports] junit json html har (see `drydock init`)";

/// Reads `path` when it exists; `Ok(None)` when it does not.
pub fn load(path: &Path) -> Result<Option<ProjectSettings>, ConfigError> {
    let shown = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&shown, &text).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ConfigError {
            file: shown,
            line: 1,
            column: 1,
            message: format!("cannot read it: {e}"),
            hint: "check the file's permissions".into(),
        }),
    }
}

/// Parses and validates the text of a `drydock.toml`.
pub fn parse(file: &str, text: &str) -> Result<ProjectSettings, ConfigError> {
    let at = |span: Option<Range<usize>>, message: String, hint: &str| {
        let (line, column) = position(text, span.map_or(0, |s| s.start));
        ConfigError {
            file: file.to_string(),
            line,
            column,
            message,
            hint: hint.to_string(),
        }
    };
    let raw: FileSettings =
        toml::from_str(text).map_err(|e| at(e.span(), e.message().trim().to_string(), HINT))?;
    if let (Some(_), Some(endpoint)) = (&raw.integration.sut_cmd, &raw.integration.endpoint) {
        return Err(at(
            Some(endpoint.span()),
            "`sut_cmd` and `endpoint` are both set".into(),
            "keep `sut_cmd` for drydock to start your integration, or `endpoint` for one already running",
        ));
    }
    if let Some(jobs) = &raw.run.jobs
        && !(1..=64).contains(jobs.get_ref())
    {
        return Err(at(
            Some(jobs.span()),
            format!("`jobs = {}` is out of range", jobs.get_ref()),
            "play 1 to 64 scenarios at once",
        ));
    }
    Ok(ProjectSettings {
        scenarios: raw.scenarios.unwrap_or_default(),
        sut_cmd: raw.integration.sut_cmd.map(Spanned::into_inner),
        endpoint: raw.integration.endpoint.map(Spanned::into_inner),
        port_base: raw.integration.port_base,
        ready_timeout: raw.integration.ready_timeout,
        quiet_ms: raw.integration.quiet_ms,
        jobs: raw.run.jobs.map(Spanned::into_inner),
        filter: raw.run.filter.unwrap_or_default(),
        junit: raw.reports.junit,
        json: raw.reports.json,
        html: raw.reports.html,
        har: raw.reports.har,
    })
}

/// 1-based line and column (in characters) of a byte offset.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let end = (0..=offset.min(text.len()))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

impl ProjectSettings {
    /// Fills every setting of `args` that was not given on the command line
    /// (`given(id)` says whether the flag with that clap id was). The integration is one
    /// choice: a `--sut-cmd`, `--endpoint` or `--defect` flag replaces the file's.
    pub fn apply(self, args: &mut RunArgs, given: impl Fn(&str) -> bool) {
        let integration = &mut args.integration;
        if !["sut_cmd", "endpoint", "defect"].iter().any(|id| given(id)) {
            integration.sut_cmd = self.sut_cmd;
            integration.endpoint = self.endpoint;
        }
        let set = |id: &str, value: Option<u64>, slot: &mut u64| {
            if let Some(v) = value.filter(|_| !given(id)) {
                *slot = v;
            }
        };
        set(
            "ready_timeout",
            self.ready_timeout,
            &mut integration.ready_timeout,
        );
        set("quiet_ms", self.quiet_ms, &mut integration.quiet_ms);
        if let Some(p) = self.port_base.filter(|_| !given("port_base")) {
            integration.port_base = p;
        }
        if let Some(j) = self.jobs.filter(|_| !given("jobs")) {
            args.jobs = j;
        }
        if !given("paths") && !self.scenarios.is_empty() {
            args.paths = self.scenarios;
        }
        if !given("filter") && !self.filter.is_empty() {
            args.filter = self.filter;
        }
        for (id, from_file, slot) in [
            ("junit", self.junit, &mut args.junit),
            ("json", self.json, &mut args.json),
            ("html", self.html, &mut args.html),
            ("har", self.har, &mut args.har),
        ] {
            if !given(id) && from_file.is_some() {
                *slot = from_file;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_file_is_read_into_plain_settings() {
        let text = "scenarios = [\"suite\"]\n[integration]\nsut_cmd = \"python app.py\"\nquiet_ms = 300\n\
[run]\njobs = 2\nfilter = [\"smoke\"]\n[reports]\njunit = \"out/junit.xml\"\n";
        let s = parse("drydock.toml", text).expect("valid");
        assert_eq!(s.scenarios, [PathBuf::from("suite")]);
        assert_eq!(s.sut_cmd.as_deref(), Some("python app.py"));
        assert_eq!((s.quiet_ms, s.jobs), (Some(300), Some(2)));
        assert_eq!(s.junit, Some(PathBuf::from("out/junit.xml")));
    }

    /// `drydock run ARGS` merged with `file`: what the run would use.
    fn merged(args: &[&str], file: &str) -> RunArgs {
        use clap::{CommandFactory, FromArgMatches};
        let argv = ["drydock", "run"].iter().chain(args);
        let matches = crate::args::Cli::command()
            .try_get_matches_from(argv)
            .expect("valid flags");
        let cli = crate::args::Cli::from_arg_matches(&matches).expect("valid flags");
        let crate::args::Command::Run(mut run) = cli.command else {
            panic!("a run")
        };
        let given = crate::given(&matches, "run");
        parse("drydock.toml", file)
            .expect("valid file")
            .apply(&mut run, |id| given.contains(id));
        run
    }

    #[test]
    fn flags_override_the_file_and_fill_nothing_else() {
        let file = "[integration]\nsut_cmd = \"python app.py\"\nquiet_ms = 300\nready_timeout = 7\n[run]\njobs = 3\n";
        let none = merged(&[], file);
        assert_eq!(none.integration.sut_cmd.as_deref(), Some("python app.py"));
        assert_eq!(
            (
                none.integration.quiet_ms,
                none.integration.ready_timeout,
                none.jobs
            ),
            (300, 7, 3)
        );
        let some = merged(&["--quiet-ms", "50", "-j", "1"], file);
        assert_eq!(
            (
                some.integration.quiet_ms,
                some.integration.ready_timeout,
                some.jobs
            ),
            (50, 7, 1)
        );
        let defect = merged(&["--defect", "ignores-retry-after"], file);
        assert_eq!(
            defect.integration.sut_cmd, None,
            "a --defect flag replaces the file's integration"
        );
        let endpoint = merged(&["--endpoint", "http://127.0.0.1:8080"], file);
        assert_eq!(endpoint.integration.sut_cmd, None);
    }

    #[test]
    fn mistakes_are_located() {
        for (text, line, column, words) in [
            (
                "[integration]\nquite_ms = 5\n",
                2,
                1,
                "unknown field `quite_ms`",
            ),
            ("[run]\njobs = 0\n", 2, 8, "out of range"),
            ("[run]\njobs = \"two\"\n", 2, 8, "invalid type"),
            (
                "[integration]\nsut_cmd = \"x\"\nendpoint = \"http://127.0.0.1:1\"\n",
                3,
                12,
                "both set",
            ),
            ("[integration\n", 1, 13, ""),
        ] {
            let e = parse("drydock.toml", text).expect_err(text);
            assert_eq!((e.line, e.column), (line, column), "{text}: {e}");
            assert!(e.message.contains(words), "{text}: {e}");
        }
    }
}
