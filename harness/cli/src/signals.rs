//! drydock's own SIGINT (Ctrl-C) and SIGTERM: a run stops every integration it started,
//! removes its worlds and prints its closing line; nothing it started outlives it.

use tokio::signal::unix::{SignalKind, signal};

/// Resolves when drydock receives SIGINT or SIGTERM.
pub async fn received() {
    let term = async {
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}

/// Raises `interrupter` when a signal arrives; the returned task ends with the run.
pub fn interrupt_on_signal(
    interrupter: drydock_runner::interrupt::Interrupter,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        received().await;
        eprintln!("drydock: interrupted; stopping the integrations it started");
        interrupter.raise();
    })
}
