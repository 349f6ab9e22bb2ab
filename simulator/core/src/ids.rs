//! Deterministic identifiers and randomness. Every id a persona hands out comes from here,
//! derived from the world's seed, so the same seed gives the same ids in every run.

use serde::Serialize;

/// SplitMix64: tiny, fast, and good enough for ids and simulated choices (not crypto).
#[derive(Debug, Clone, Serialize)]
pub struct SeededRng {
    state: u64,
}

impl SeededRng {
    pub fn new(seed: u64) -> Self {
        SeededRng {
            state: seed ^ 0x9E37_79B9_7F4A_7C15,
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..bound` (bound > 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound.max(1)
    }
}

/// Hands out the ids of every persona: numeric ids in the Shopify and ShipBob styles,
/// prefixed hex ids in the EasyPost style, and tracking numbers.
#[derive(Debug, Clone, Serialize)]
pub struct IdGen {
    rng: SeededRng,
    channel_next: u64,
    warehouse_next: u64,
    tracking_next: u64,
    /// Mixed into EasyPost ids and UUIDs of an id space (0 outside one).
    mask: u64,
}

/// The storefront location of every world in an id space.
pub const STABLE_LOCATION_ID: u64 = 6_000_000_000_000;

/// The ids of a SKU's product, variant and inventory item (Shopify) and inventory item
/// (ShipBob) in every world of an id space: a long-running integration may cache its
/// catalog, as it would with a real shop.
pub fn stable_catalog_ids(sku: &str) -> (u64, u64, u64, u64) {
    // FNV-1a: stable across builds and platforms.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in sku.as_bytes() {
        h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
    }
    let slot = h % 100_000_000;
    let base = STABLE_LOCATION_ID + 4 + slot * 4;
    (base, base + 1, base + 2, 300_000_000 + h % 9_000_000)
}

impl IdGen {
    pub fn new(seed: u64) -> Self {
        // Offsets keep ids of different seeds apart, so an integration that keeps state
        // between runs is less likely to confuse two worlds.
        let offset = seed % 10_000;
        IdGen {
            rng: SeededRng::new(seed),
            channel_next: 5_500_000_000_000 + offset * 100_000,
            warehouse_next: 310_000_000 + offset * 1_000,
            tracking_next: offset * 100_000,
            mask: 0,
        }
    }

    /// The ids of a world in id space `space`: numeric ids, order numbers, tracking
    /// numbers, EasyPost ids and UUIDs that no other space hands out, so a long-running
    /// integration that sees world after world never meets an id twice. The seeded
    /// draws are the same as [`IdGen::new`]'s.
    pub fn in_space(seed: u64, space: u64) -> Self {
        let mut ids = IdGen::new(seed);
        ids.channel_next = 7_000_000_000_000 + (space % 10_000_000) * 100_000_000;
        ids.warehouse_next = 400_000_000 + (space % 170_000) * 10_000;
        ids.tracking_next = 1_000_000_000 + (space % 8_000_000) * 1_000;
        ids.mask = SeededRng::new(space ^ 0x1D5_9ACE).next_u64();
        ids
    }

    /// A channel's numeric id, 13 digits as storefronts give them (orders, line items,
    /// fulfillments, ...).
    pub fn channel_id(&mut self) -> u64 {
        self.channel_next += 1;
        self.channel_next
    }

    /// A warehouse's numeric id, 9 digits as 3PLs give them (orders, shipments,
    /// inventory items).
    pub fn warehouse_id(&mut self) -> u64 {
        self.warehouse_next += 1;
        self.warehouse_next
    }

    /// A carrier's id: the object prefix (`shp`, `adr`, ...) and 32 hex digits, as
    /// carrier aggregators give them.
    pub fn carrier_id(&mut self, prefix: &str) -> String {
        format!(
            "{prefix}_{:016x}{:016x}",
            self.rng.next_u64() ^ self.mask,
            self.rng.next_u64()
        )
    }

    /// A USPS-style 22-digit tracking number, unique within the world.
    pub fn tracking_number(&mut self) -> String {
        self.tracking_next += 1;
        format!(
            "9400{:08}{:010}",
            self.rng.below(100_000_000),
            self.tracking_next
        )
    }

    /// A v4-shaped UUID for webhook ids.
    pub fn uuid(&mut self) -> String {
        let a = self.rng.next_u64() ^ self.mask;
        let b = self.rng.next_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0x0fff,
            ((b >> 48) & 0x3fff) | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }

    pub fn rng(&mut self) -> &mut SeededRng {
        &mut self.rng
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_ids() {
        let mut a = IdGen::new(7);
        let mut b = IdGen::new(7);
        for _ in 0..10 {
            assert_eq!(a.carrier_id("shp"), b.carrier_id("shp"));
            assert_eq!(a.channel_id(), b.channel_id());
            assert_eq!(a.tracking_number(), b.tracking_number());
        }
    }

    #[test]
    fn id_spaces_never_share_ids_but_draw_the_same() {
        let mut a = IdGen::in_space(7, 1);
        let mut b = IdGen::in_space(7, 2);
        let mut plain = IdGen::new(7);
        assert_ne!(a.channel_id(), b.channel_id());
        assert_ne!(a.warehouse_id(), b.warehouse_id());
        assert_ne!(a.carrier_id("shp"), b.carrier_id("shp"));
        assert_ne!(a.uuid(), b.uuid());
        assert_ne!(a.tracking_number(), b.tracking_number());
        plain.carrier_id("shp");
        plain.uuid();
        plain.tracking_number();
        assert_eq!(a.rng().below(1000), plain.rng().below(1000));
        assert_eq!(stable_catalog_ids("MUG"), stable_catalog_ids("MUG"));
        assert_ne!(stable_catalog_ids("MUG").0, stable_catalog_ids("TEE").0);
    }

    #[test]
    fn different_seeds_differ() {
        assert_ne!(
            IdGen::new(1).carrier_id("shp"),
            IdGen::new(2).carrier_id("shp")
        );
    }

    #[test]
    fn carrier_ids_carry_prefix_and_32_hex_digits() {
        let id = IdGen::new(1).carrier_id("trk");
        assert!(id.starts_with("trk_"));
        assert_eq!(id.len(), 4 + 32);
        assert!(id[4..].chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn uuid_has_version_4_shape() {
        let id = IdGen::new(3).uuid();
        let parts: Vec<_> = id.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            vec![8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4'));
    }

    #[test]
    fn tracking_numbers_are_22_digits() {
        let n = IdGen::new(9).tracking_number();
        assert_eq!(n.len(), 22, "{n}");
        assert!(n.chars().all(|c| c.is_ascii_digit()));
    }
}
