//! The providers the simulator can run a node of, per role, and the ids of the nodes
//! every world has: the scenario checks get them from the simulator's registry as data,
//! so a node declared with a provider of another role is refused where it is written.

use drydock_scenario::NodeProviders;
use drydock_simulator::personas::PersonaKind;

/// What the simulator's registry offers for each role.
pub fn node_providers() -> NodeProviders {
    let mut providers = NodeProviders::default();
    for kind in PersonaKind::ALL {
        let name = kind.name().to_string();
        match kind.role() {
            "storefront" => providers.channel.push(name),
            "warehouse" => providers.warehouse.push(name),
            "carrier" => providers.carrier.push(name),
            _ => providers.fixed_ids.push(name),
        }
    }
    providers
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
