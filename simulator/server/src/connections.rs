//! The connections of one listener: how many are open, which are busy, and which to
//! shed when the listener is full. A full listener first closes connections that are
//! idle or still sending their headers, oldest first; only when every connection is busy
//! does a newcomer get a 503 (in the listener's dialect) and a closed socket.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

/// What the shell knows about one open connection.
#[derive(Debug)]
pub(crate) struct Liveness {
    /// A request is being handled (its headers are in; it is not idle).
    busy: AtomicBool,
    /// Milliseconds (since the listener started) of the last byte read or answer sent.
    last_seen_ms: AtomicU64,
    epoch: Instant,
    /// Told when the listener sheds this connection.
    pub(crate) shed: Notify,
}

impl Liveness {
    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Bytes arrived (headers or body).
    pub(crate) fn saw_bytes(&self) {
        self.last_seen_ms.store(self.now_ms(), Ordering::Relaxed);
    }

    pub(crate) fn is_busy(&self) -> bool {
        self.busy.load(Ordering::SeqCst)
    }

    /// Marks a request in progress until the guard drops.
    pub(crate) fn begin_request(self: &Arc<Self>) -> RequestGuard {
        self.busy.store(true, Ordering::SeqCst);
        RequestGuard(Arc::clone(self))
    }

    /// How long the connection has been idle (nothing read, nothing in progress).
    pub(crate) fn idle_for(&self) -> Duration {
        if self.is_busy() {
            return Duration::ZERO;
        }
        let seen = self.last_seen_ms.load(Ordering::Relaxed);
        Duration::from_millis(self.now_ms().saturating_sub(seen))
    }
}

pub(crate) struct RequestGuard(Arc<Liveness>);

impl Drop for RequestGuard {
    fn drop(&mut self) {
        self.0.saw_bytes();
        self.0.busy.store(false, Ordering::SeqCst);
    }
}

/// The open connections of one listener.
#[derive(Debug)]
pub(crate) struct Connections {
    max: usize,
    epoch: Instant,
    next: AtomicU64,
    open: Mutex<BTreeMap<u64, Arc<Liveness>>>,
    /// Connections being answered 503 right now (bounded by `max` too).
    refusing: AtomicUsize,
}

/// A connection counted as open until dropped.
pub(crate) struct Admitted {
    id: u64,
    pub(crate) liveness: Arc<Liveness>,
    table: Arc<Connections>,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        self.table.open().remove(&self.id);
    }
}

/// A connection being refused; counted until dropped.
pub(crate) struct Refusing(Arc<Connections>);

impl Drop for Refusing {
    fn drop(&mut self) {
        self.0.refusing.fetch_sub(1, Ordering::SeqCst);
    }
}

pub(crate) enum Admission {
    Serve(Admitted),
    /// Every connection is busy: answer 503 and close.
    Refuse(Refusing),
    /// Even the refusals are at the cap: close at once.
    Drop,
}

impl Connections {
    pub(crate) fn new(max: usize) -> Arc<Connections> {
        Arc::new(Connections {
            max: max.max(1),
            epoch: Instant::now(),
            next: AtomicU64::new(0),
            open: Mutex::new(BTreeMap::new()),
            refusing: AtomicUsize::new(0),
        })
    }

    fn open(&self) -> MutexGuard<'_, BTreeMap<u64, Arc<Liveness>>> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Makes room for a new connection if it can (shedding the oldest idle one).
    pub(crate) fn admit(self: &Arc<Self>) -> Admission {
        let mut open = self.open();
        if open.len() >= self.max && !shed_oldest_idle(&mut open) {
            drop(open);
            if self.refusing.fetch_add(1, Ordering::SeqCst) >= self.max {
                self.refusing.fetch_sub(1, Ordering::SeqCst);
                return Admission::Drop;
            }
            return Admission::Refuse(Refusing(Arc::clone(self)));
        }
        let id = self.next.fetch_add(1, Ordering::SeqCst);
        let liveness = Arc::new(Liveness {
            busy: AtomicBool::new(false),
            last_seen_ms: AtomicU64::new(0),
            epoch: self.epoch,
            shed: Notify::new(),
        });
        liveness.saw_bytes();
        open.insert(id, Arc::clone(&liveness));
        Admission::Serve(Admitted {
            id,
            liveness,
            table: Arc::clone(self),
        })
    }

    /// Sheds the oldest idle connection (when the process runs out of file descriptors).
    pub(crate) fn shed_one(&self) -> bool {
        shed_oldest_idle(&mut self.open())
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.open().len()
    }
}

/// Closes the oldest connection with no request in progress; false when all are busy.
fn shed_oldest_idle(open: &mut BTreeMap<u64, Arc<Liveness>>) -> bool {
    let victim = open.iter().find(|(_, l)| !l.is_busy()).map(|(id, _)| *id);
    match victim.and_then(|id| open.remove(&id)) {
        Some(liveness) => {
            liveness.shed.notify_one();
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_listener_sheds_the_oldest_idle_connection_then_refuses() {
        let table = Connections::new(2);
        let Admission::Serve(first) = table.admit() else {
            panic!("room for the first")
        };
        let Admission::Serve(second) = table.admit() else {
            panic!("room for the second")
        };
        let _busy = second.liveness.begin_request();
        let Admission::Serve(third) = table.admit() else {
            panic!("the idle first one makes room")
        };
        assert_eq!(table.len(), 2);
        let _also_busy = third.liveness.begin_request();
        assert!(matches!(table.admit(), Admission::Refuse(_)));
        drop(first);
        assert_eq!(table.len(), 2, "a shed connection no longer counts");
    }
}
