//! A listener whose connections a persona can cut, so a fault can end a call the way a
//! crashed or overloaded provider does: the socket closes with a reset and no answer.
//! Every listener's connections use it (see `serving.rs`).

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use crate::connections::Liveness;

/// Handed to each request (as its connect info): cutting it kills the connection.
#[derive(Debug, Clone, Default)]
pub struct Severer(Arc<AtomicBool>);

impl Severer {
    pub fn cut(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    fn is_cut(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// A connection's socket: it can be cut, and it tells the listener when bytes arrive
/// (so an idle keep-alive connection can be told from a slow one).
pub(crate) struct SeverableStream {
    inner: TcpStream,
    severer: Severer,
    liveness: Arc<Liveness>,
}

impl SeverableStream {
    pub(crate) fn new(inner: TcpStream, severer: Severer, liveness: Arc<Liveness>) -> Self {
        SeverableStream {
            inner,
            severer,
            liveness,
        }
    }

    /// Once cut: linger 0 makes the close a reset, and every operation fails.
    fn check(&self) -> io::Result<()> {
        if self.severer.is_cut() {
            // A zero linger does not block on drop (the reason tokio deprecates linger);
            // it turns the close into the reset a crashed provider produces.
            #[allow(deprecated)]
            let _ = self.inner.set_linger(Some(std::time::Duration::ZERO));
            return Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "connection cut by a fault",
            ));
        }
        Ok(())
    }
}

impl AsyncRead for SeverableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.check()?;
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.liveness.saw_bytes();
        }
        polled
    }
}

impl AsyncWrite for SeverableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.check()?;
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
