//! Which loopback ports a world's personas listen on.

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, SocketAddr};

use tokio::net::TcpListener;

use crate::SimulatorError;
use crate::providers::Role;

/// Ephemeral ports (parallel worlds, tests) or fixed ports from a base (`drydock serve`:
/// control on base; the first channel, carrier, warehouse and the alerts on base+1..base+4
/// as always; every other node base+5, base+6, ... in declaration order).
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

    /// The port of each node, given the nodes' roles in declaration order.
    pub fn nodes(&self, roles: &[Role]) -> Vec<u16> {
        let PortPlan::Base(base) = *self else {
            return vec![0; roles.len()];
        };
        let mut seen = BTreeSet::new();
        let mut next: u16 = 5;
        roles
            .iter()
            .map(|role| {
                let offset = if seen.insert(*role) {
                    first_offset(*role)
                } else {
                    next = next.saturating_add(1);
                    next - 1
                };
                base.saturating_add(offset)
            })
            .collect()
    }
}

/// Where the first node of a role listens, relative to the base: the ports drydock has
/// always used.
fn first_offset(role: Role) -> u16 {
    match role {
        Role::Channel => 1,
        Role::Carrier => 2,
        Role::Warehouse => 3,
        Role::Alerts => 4,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_nodes_keep_their_ports_and_the_rest_follow_in_order() {
        use Role::*;
        let roles = [
            Channel, Channel, Warehouse, Warehouse, Carrier, Carrier, Alerts,
        ];
        assert_eq!(
            PortPlan::Base(4780).nodes(&roles),
            [4781, 4785, 4783, 4786, 4782, 4787, 4784]
        );
        assert_eq!(PortPlan::Ephemeral.nodes(&roles), [0; 7]);
    }
}
