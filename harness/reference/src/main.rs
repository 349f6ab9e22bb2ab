//! `drydock-reference`: runs the reference integration on 127.0.0.1:$PORT until Ctrl-C.

use std::process::ExitCode;

use drydock_reference::{Config, ConfigError};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    let Some(port) = config.port else {
        eprintln!("error: {}", ConfigError::Missing { var: "PORT" });
        return ExitCode::from(2);
    };
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!(
                "error: failed to listen on 127.0.0.1:{port}: {err} (is another process using PORT?)"
            );
            return ExitCode::from(1);
        }
    };
    tracing::info!(port, "drydock-reference listening");
    let shutdown = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot wait for Ctrl-C; stopping");
        }
    };
    match drydock_reference::serve(config, listener, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(1)
        }
    }
}
