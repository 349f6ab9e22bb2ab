//! Named, switchable defects: deliberate bugs the reference integration can be told to
//! have, so the test suite can prove that every bundled drill catches the bug it is about.
//! Selected with `DRYDOCK_REF_DEFECTS=name,name` or `drydock run --defect name`.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// One deliberate bug. The names are the stable, kebab-case spelling users type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Defect {
    /// After a label purchase whose response was lost, buys again instead of looking the
    /// shipment up first.
    SecondLabelAfterTimeout,
    /// Retries a rate-limited or failing provider at once, ignoring `Retry-After`.
    IgnoresRetryAfter,
    /// Accepts webhooks without checking their signature.
    SkipsSignatureCheck,
    /// Handles a redelivered webhook as if it were new.
    ProcessesDuplicateWebhooks,
    /// Gives up on an order when a provider is down, without holding it or alerting.
    DropsOrderDuringOutage,
    /// Keeps calling a retired API version and reads the old field names.
    IgnoresApiVersionChange,
    /// Sends the shipping address to the carrier exactly as the storefront gave it.
    SendsUnnormalizedAddresses,
    /// Verifies Shopify's and EasyPost's webhook signatures but not ShipBob's.
    SkipsShipBobSignatureCheck,
    /// Tells the customer an expected delivery a day later than the carrier's.
    PushesWrongEta,
    /// Never shows the customer "Out for Delivery".
    SkipsOutForDelivery,
    /// Sets storefront stock to what the warehouse can sell, forgetting orders the
    /// storefront took that have not reached the warehouse yet.
    IgnoresOrdersNotAtWarehouse,
    /// Holds every order whose address has a unit line, without asking the carrier.
    HoldsValidAddresses,
    /// Sends every order to the first declared warehouse, whatever its stock or distance.
    AlwaysFirstWarehouse,
    /// Keeps an order waiting for its warehouse while that one is down, although another
    /// warehouse could ship it.
    NoRerouteOnOutage,
}

impl Defect {
    pub const ALL: [Defect; 14] = [
        Defect::SecondLabelAfterTimeout,
        Defect::IgnoresRetryAfter,
        Defect::SkipsSignatureCheck,
        Defect::ProcessesDuplicateWebhooks,
        Defect::DropsOrderDuringOutage,
        Defect::IgnoresApiVersionChange,
        Defect::SendsUnnormalizedAddresses,
        Defect::SkipsShipBobSignatureCheck,
        Defect::PushesWrongEta,
        Defect::SkipsOutForDelivery,
        Defect::IgnoresOrdersNotAtWarehouse,
        Defect::HoldsValidAddresses,
        Defect::AlwaysFirstWarehouse,
        Defect::NoRerouteOnOutage,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Defect::SecondLabelAfterTimeout => "second-label-after-timeout",
            Defect::IgnoresRetryAfter => "ignores-retry-after",
            Defect::SkipsSignatureCheck => "skips-signature-check",
            Defect::ProcessesDuplicateWebhooks => "processes-duplicate-webhooks",
            Defect::DropsOrderDuringOutage => "drops-order-during-outage",
            Defect::IgnoresApiVersionChange => "ignores-api-version-change",
            Defect::SendsUnnormalizedAddresses => "sends-unnormalized-addresses",
            Defect::SkipsShipBobSignatureCheck => "skips-shipbob-signature-check",
            Defect::PushesWrongEta => "pushes-wrong-eta",
            Defect::SkipsOutForDelivery => "skips-out-for-delivery",
            Defect::IgnoresOrdersNotAtWarehouse => "ignores-orders-not-at-warehouse",
            Defect::HoldsValidAddresses => "holds-valid-addresses",
            Defect::AlwaysFirstWarehouse => "always-first-warehouse",
            Defect::NoRerouteOnOutage => "no-reroute-on-outage",
        }
    }

    /// One line for `--help` and reports.
    pub fn summary(self) -> &'static str {
        match self {
            Defect::SecondLabelAfterTimeout => {
                "buys a second label when a label purchase times out after the carrier committed it"
            }
            Defect::IgnoresRetryAfter => "retries at once, ignoring Retry-After",
            Defect::SkipsSignatureCheck => "accepts webhooks without verifying their signature",
            Defect::ProcessesDuplicateWebhooks => "handles a redelivered webhook a second time",
            Defect::DropsOrderDuringOutage => {
                "gives up on an order during an outage without holding it or alerting"
            }
            Defect::IgnoresApiVersionChange => {
                "keeps using a retired API version and its old field names"
            }
            Defect::SendsUnnormalizedAddresses => {
                "sends the storefront's raw address to the carrier without normalizing it"
            }
            Defect::SkipsShipBobSignatureCheck => {
                "verifies Shopify and EasyPost webhook signatures but not ShipBob's"
            }
            Defect::PushesWrongEta => {
                "shows the customer an expected delivery one day later than the carrier's"
            }
            Defect::SkipsOutForDelivery => "never shows the customer \"Out for Delivery\"",
            Defect::IgnoresOrdersNotAtWarehouse => {
                "sets storefront stock to the warehouse's sellable count, ignoring orders not yet at the warehouse"
            }
            Defect::HoldsValidAddresses => {
                "holds every order with a unit line in its address without asking the carrier"
            }
            Defect::AlwaysFirstWarehouse => {
                "sends every order to the first warehouse, ignoring its stock and the customer's region"
            }
            Defect::NoRerouteOnOutage => {
                "holds orders for a warehouse that is down instead of routing them to another that can ship them"
            }
        }
    }
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The answer to a name that is not a defect: lists the ones that are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown defect {0:?}; known defects: {known}", known = known_names())]
pub struct UnknownDefect(pub String);

fn known_names() -> String {
    Defect::ALL
        .iter()
        .map(|d| d.name())
        .collect::<Vec<_>>()
        .join(", ")
}

impl FromStr for Defect {
    type Err = UnknownDefect;
    fn from_str(raw: &str) -> Result<Defect, UnknownDefect> {
        let wanted = raw.trim();
        Defect::ALL
            .into_iter()
            .find(|d| d.name() == wanted)
            .ok_or_else(|| UnknownDefect(wanted.to_owned()))
    }
}

/// The set of defects switched on; empty for the correct integration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Defects(BTreeSet<Defect>);

impl Defects {
    pub fn none() -> Defects {
        Defects::default()
    }

    pub fn has(&self, defect: Defect) -> bool {
        self.0.contains(&defect)
    }

    pub fn iter(&self) -> impl Iterator<Item = Defect> + '_ {
        self.0.iter().copied()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Parses a comma-separated list, e.g. `ignores-retry-after,skips-signature-check`.
    pub fn parse_list(raw: &str) -> Result<Defects, UnknownDefect> {
        raw.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Defect::from_str)
            .collect::<Result<BTreeSet<_>, _>>()
            .map(Defects)
    }

    /// The comma-separated form [`Defects::parse_list`] reads.
    pub fn to_list(&self) -> String {
        self.iter().map(Defect::name).collect::<Vec<_>>().join(",")
    }
}

impl FromIterator<Defect> for Defects {
    fn from_iter<I: IntoIterator<Item = Defect>>(iter: I) -> Defects {
        Defects(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips() {
        for defect in Defect::ALL {
            assert_eq!(defect.name().parse::<Defect>(), Ok(defect));
        }
        let all: Defects = Defect::ALL.into_iter().collect();
        assert_eq!(Defects::parse_list(&all.to_list()), Ok(all));
    }

    #[test]
    fn unknown_name_lists_the_known_ones() {
        let err = Defects::parse_list("ignores-retry-after, oversells").expect_err("unknown");
        assert!(err.to_string().contains("\"oversells\""));
        assert!(err.to_string().contains("skips-signature-check"));
    }
}
