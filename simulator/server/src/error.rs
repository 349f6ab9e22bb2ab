//! Errors of the simulator shell (binding ports, unknown worlds).

#[derive(Debug, thiserror::Error)]
pub enum SimulatorError {
    #[error(
        "cannot bind {what} on {addr}: {source} (is another drydock running? pick other ports with --port-base)"
    )]
    Bind {
        what: String,
        addr: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot create the journal {path}: {source} (is the folder writable?)")]
    Journal {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "node `{node}`: `{provider}` is not a {role} provider drydock knows (known: {})",
        known.join(", ")
    )]
    UnknownProvider {
        node: String,
        role: &'static str,
        provider: String,
        known: Vec<&'static str>,
    },
    #[error("invalid node: {0}")]
    BadNode(String),
    #[error("world {0} does not exist")]
    UnknownWorld(String),
    #[error("invalid world: {0}")]
    InvalidWorld(#[from] drydock_core::WorldError),
}
