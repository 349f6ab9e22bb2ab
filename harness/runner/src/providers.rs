//! The providers the simulator can run a node of, per role, and the ids of the nodes
//! every world has: the scenario checks get them from the simulator's registry as data,
//! so a node declared with a provider of another role is refused where it is written.

use drydock_scenario::NodeProviders;
use drydock_simulator::Role;
use drydock_simulator::registry::providers_of;

/// What the simulator's registry offers for each role.
pub fn node_providers() -> NodeProviders {
    let names = |role| providers_of(role).into_iter().map(String::from).collect();
    NodeProviders {
        channel: names(Role::Channel),
        warehouse: names(Role::Warehouse),
        carrier: names(Role::Carrier),
        // The alerts node every world has, named after its provider.
        fixed_ids: names(Role::Alerts),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_has_a_provider_and_the_alerts_node_is_fixed() {
        let p = node_providers();
        assert!(!p.channel.is_empty() && !p.warehouse.is_empty() && !p.carrier.is_empty());
        assert_eq!(p.fixed_ids.len(), 1, "{p:?}");
    }
}
