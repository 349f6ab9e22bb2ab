//! JUnit XML: one testsuite per run, one testcase per scenario (classname = scenario
//! file, name = scenario name). A failed scenario carries every failed check; a scenario
//! that passed only just — a `wait_until` that used more than half its timeout, or
//! invariants that held only after re-judging — is a flaky pass (`<flakyFailure>` per
//! close call).

use std::time::Duration;

use drydock_runner::{CheckKind, ScenarioOutcome, SuiteOutcome};
use quick_junit::{
    NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestRerun, TestSuite,
};

use crate::RenderError;
use crate::text::kind_name;

/// The JUnit XML document of a run.
pub fn render(suite: &SuiteOutcome) -> Result<String, RenderError> {
    let mut report = Report::new("drydock");
    let mut test_suite = TestSuite::new("drydock run");
    let total_ms: u64 = suite.scenarios.iter().map(|s| s.duration_ms).sum();
    test_suite.set_time(Duration::from_millis(total_ms));
    for scenario in &suite.scenarios {
        test_suite.add_test_case(test_case(scenario));
    }
    report.set_time(Duration::from_millis(total_ms));
    report.add_test_suite(test_suite);
    report
        .to_string()
        .map_err(|e| RenderError(format!("cannot write the JUnit report: {e}")))
}

fn test_case(s: &ScenarioOutcome) -> TestCase {
    let status = if s.passed() {
        let mut status = TestCaseStatus::success();
        for retry in s.retries.iter().filter(|r| r.close_call) {
            let mut rerun = TestRerun::new(NonSuccessKind::Failure);
            rerun.set_message(format!(
                "{} held only after {} polls ({} ms)",
                retry.name, retry.polls, retry.waited_ms
            ));
            rerun.set_type("polling-retry");
            status.add_rerun(rerun);
        }
        status
    } else {
        let setup = s.failures().any(|c| c.kind == CheckKind::Setup);
        let kind = if setup {
            NonSuccessKind::Error
        } else {
            NonSuccessKind::Failure
        };
        let mut status = TestCaseStatus::non_success(kind);
        let failures: Vec<_> = s.failures().collect();
        let mut kinds: Vec<&str> = failures.iter().map(|c| kind_name(c.kind)).collect();
        kinds.dedup();
        status.set_message(format!(
            "{} of {} checks failed, first: {} {}",
            failures.len(),
            s.checks.len(),
            failures.first().map(|c| kind_name(c.kind)).unwrap_or(""),
            failures.first().map(|c| c.name.as_str()).unwrap_or("")
        ));
        status.set_type(kinds.join(","));
        let description: Vec<String> = failures
            .iter()
            .map(|c| format!("[{}] {}\n{}", kind_name(c.kind), c.name, c.detail))
            .collect();
        status.set_description(description.join("\n\n"));
        status
    };
    let mut case = TestCase::new(s.name.as_str(), status);
    case.set_classname(s.file.as_str());
    case.set_time(Duration::from_millis(s.duration_ms));
    case.set_assertions(s.checks.len());
    case.add_property(Property::new("seed", s.seed.to_string()));
    case.set_system_out(format!(
        "seed {}\nvirtual span {}\n{} requests, {} webhook deliveries\n",
        s.seed, s.virtual_span, s.requests, s.webhooks
    ));
    case
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_pass_after_retries_is_flaky_and_a_setup_failure_is_an_error() {
        let xml = super::render(&crate::sample::suite()).expect("renders");
        assert!(
            xml.contains(
                "<flakyFailure message=\"scenarios/evil.yaml:12:5 held only after 3 polls (20 ms)\""
            ),
            "{xml}"
        );
        assert!(
            xml.contains("<error message=\"1 of 1 checks failed, first: setup setup\""),
            "{xml}"
        );
        assert!(xml.contains("&lt;script&gt;"), "names are escaped: {xml}");
        assert!(!xml.contains("<script>"));
        assert!(
            xml.contains("tests=\"2\"") && xml.contains("errors=\"1\""),
            "{xml}"
        );
    }
}
