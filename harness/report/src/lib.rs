//! Reports of a run, rendered purely to text (the CLI writes the files):
//!
//! - [`junit`]: JUnit XML for CI dashboards (a pass that needed polling retries is flaky);
//! - [`json`]: a stable, documented JSON report with a committed JSON Schema;
//! - [`html`]: a self-contained go-live readiness report (inline CSS and SVG);
//! - [`har`]: HAR 1.2 of a scenario's journal, for browser devtools.
//!
//! Everything here reads a [`drydock_runner::SuiteOutcome`] (with each scenario's
//! [`drydock_runner::trace::Trace`]) and does no I/O.

pub mod har;
pub mod html;
pub mod json;
pub mod junit;
pub mod metrics;
#[cfg(test)]
mod sample;
mod svg;
mod text;

/// A report could not be rendered (an encoder failed).
#[derive(Debug)]
pub struct RenderError(pub String);

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RenderError {}
