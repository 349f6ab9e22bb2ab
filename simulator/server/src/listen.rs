//! Which loopback ports a world's personas listen on.

use std::net::{Ipv4Addr, SocketAddr};

use tokio::net::TcpListener;

use crate::SimulatorError;
use crate::personas::PersonaKind;

/// Ephemeral ports (parallel worlds, tests) or fixed ports from a base
/// (`drydock serve`: control on base, personas on base+1..base+4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortPlan {
    Ephemeral,
    Base(u16),
}

impl PortPlan {
    pub fn control(&self) -> u16 {
        match self {
            PortPlan::Ephemeral => 0,
            PortPlan::Base(base) => *base,
        }
    }

    pub fn persona(&self, kind: PersonaKind) -> u16 {
        match self {
            PortPlan::Ephemeral => 0,
            PortPlan::Base(base) => base.saturating_add(kind.port_offset()),
        }
    }
}

pub async fn bind_loopback(port: u16, what: &str) -> Result<TcpListener, SimulatorError> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpListener::bind(addr)
        .await
        .map_err(|source| SimulatorError::Bind {
            what: what.to_string(),
            addr,
            source,
        })
}
