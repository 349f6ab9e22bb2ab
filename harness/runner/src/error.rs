//! Errors that stop a scenario from running at all (as opposed to checks that fail).

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("no scenario files found in {0} (scenario files end in .yaml or .yml)")]
    NoScenarios(String),
    #[error(
        "no scenario's name or tag contains {filters}; the suite has: {names}\n  hint: check the spelling, or drop --filter to run everything"
    )]
    NothingMatches { filters: String, names: String },
    #[error("the simulator could not start a world: {0}")]
    Simulator(#[from] drydock_simulator::SimulatorError),
    #[error("the integration could not be started: {0}")]
    SutStart(String),
    #[error("the integration at {url} did not become ready within {secs}s: {detail}")]
    SutNotReady {
        url: String,
        secs: u64,
        detail: String,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}
