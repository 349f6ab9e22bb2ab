//! Interrupting a run: drydock's own SIGINT/SIGTERM handler raises it, and every scenario
//! playing stops at once — its integration stopped, its world removed, the scenario
//! counted as failed ("interrupted") — and no further scenario starts.

use tokio::sync::watch;

/// Raises the interruption (held by whoever listens for signals).
#[derive(Debug)]
pub struct Interrupter(watch::Sender<bool>);

/// Tells a run whether it was interrupted; cloned into every scenario.
#[derive(Debug, Clone)]
pub struct Interrupt(watch::Receiver<bool>);

/// A linked pair: raising the `Interrupter` interrupts every clone of the `Interrupt`.
pub fn interrupt() -> (Interrupter, Interrupt) {
    let (tx, rx) = watch::channel(false);
    (Interrupter(tx), Interrupt(rx))
}

impl Interrupter {
    pub fn raise(&self) {
        let _ = self.0.send(true);
    }
}

impl Interrupt {
    /// An interrupt that never comes (for runs nobody can interrupt).
    pub fn never() -> Interrupt {
        let (_, rx) = interrupt();
        rx
    }

    pub fn is_raised(&self) -> bool {
        *self.0.borrow()
    }

    /// Waits until the run is interrupted (forever if it never is).
    pub async fn raised(&mut self) {
        if self.0.wait_for(|raised| *raised).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

impl Default for Interrupt {
    fn default() -> Self {
        Interrupt::never()
    }
}
