//! The virtual clock and its agenda of scheduled happenings (warehouse steps, carrier
//! scans, webhook redeliveries). Time only moves when the world is told to advance, and
//! due items fire one at a time in (time, insertion) order, so runs are deterministic.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::Timestamp;

/// Something the world will do by itself at a virtual instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scheduled {
    /// The warehouse moves an order to its next stage (pick, pack, ship).
    WarehouseStep { order_id: u64 },
    /// The carrier scans a parcel: the tracker moves to `status`.
    CarrierScan {
        tracker_id: String,
        status: crate::carrier::TrackingStatus,
        message: String,
    },
    /// A webhook delivery that failed is due to be tried again. The id belongs to the
    /// shell that delivers webhooks; the core only keeps the time and the node whose
    /// webhook it is.
    Redelivery {
        node: crate::nodes::NodeId,
        delivery_id: u64,
    },
}

/// The virtual clock: the current instant and what is due later.
#[derive(Debug, Clone, Serialize)]
pub struct Agenda {
    now: Timestamp,
    #[serde(skip)]
    seq: u64,
    #[serde(serialize_with = "serialize_pending")]
    pending: BTreeMap<(Timestamp, u64), Scheduled>,
}

fn serialize_pending<S: serde::Serializer>(
    pending: &BTreeMap<(Timestamp, u64), Scheduled>,
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(pending.len()))?;
    for ((at, _), item) in pending {
        seq.serialize_element(&serde_json::json!({ "at": at, "item": item }))?;
    }
    seq.end()
}

impl Agenda {
    pub fn starting_at(now: Timestamp) -> Self {
        Agenda {
            now,
            seq: 0,
            pending: BTreeMap::new(),
        }
    }

    pub fn now(&self) -> Timestamp {
        self.now
    }

    pub fn schedule(&mut self, at: Timestamp, item: Scheduled) {
        let at = at.max(self.now);
        self.seq += 1;
        self.pending.insert((at, self.seq), item);
    }

    /// Removes every pending item that `keep` rejects (e.g. steps of a cancelled order).
    pub fn retain(&mut self, mut keep: impl FnMut(&Scheduled) -> bool) {
        self.pending.retain(|_, item| keep(item));
    }

    /// The instant of the next pending item, if any.
    pub fn next_due(&self) -> Option<Timestamp> {
        self.pending.keys().next().map(|(at, _)| *at)
    }

    /// Takes the earliest item due at or before `until` and moves the clock to its time.
    pub fn pop_due(&mut self, until: Timestamp) -> Option<Scheduled> {
        let (&key, _) = self.pending.iter().next()?;
        if key.0 > until {
            return None;
        }
        let item = self.pending.remove(&key)?;
        self.now = self.now.max(key.0);
        Some(item)
    }

    /// Moves the clock forward to `to` (never backwards).
    pub fn move_to(&mut self, to: Timestamp) {
        self.now = self.now.max(to);
    }

    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redelivery(delivery_id: u64) -> Scheduled {
        Scheduled::Redelivery {
            node: crate::nodes::NodeId::known("shop"),
            delivery_id,
        }
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("test timestamp")
    }

    #[test]
    fn due_items_fire_in_time_then_insertion_order() {
        let mut agenda = Agenda::starting_at(ts("2026-01-01T00:00:00Z"));
        agenda.schedule(ts("2026-01-01T02:00:00Z"), redelivery(2));
        agenda.schedule(ts("2026-01-01T01:00:00Z"), redelivery(1));
        agenda.schedule(ts("2026-01-01T02:00:00Z"), redelivery(3));
        let until = ts("2026-01-01T03:00:00Z");
        let mut fired = vec![];
        while let Some(Scheduled::Redelivery { delivery_id, .. }) = agenda.pop_due(until) {
            fired.push((delivery_id, agenda.now()));
        }
        assert_eq!(
            fired,
            vec![
                (1, ts("2026-01-01T01:00:00Z")),
                (2, ts("2026-01-01T02:00:00Z")),
                (3, ts("2026-01-01T02:00:00Z")),
            ]
        );
    }

    #[test]
    fn items_after_the_horizon_stay_pending_and_clock_never_goes_back() {
        let mut agenda = Agenda::starting_at(ts("2026-01-01T00:00:00Z"));
        agenda.schedule(ts("2026-01-02T00:00:00Z"), redelivery(1));
        assert!(agenda.pop_due(ts("2026-01-01T12:00:00Z")).is_none());
        agenda.move_to(ts("2026-01-01T12:00:00Z"));
        agenda.move_to(ts("2026-01-01T06:00:00Z"));
        assert_eq!(agenda.now(), ts("2026-01-01T12:00:00Z"));
        assert_eq!(agenda.pending_len(), 1);
    }

    #[test]
    fn scheduling_in_the_past_means_now() {
        let mut agenda = Agenda::starting_at(ts("2026-01-01T10:00:00Z"));
        agenda.schedule(ts("2026-01-01T09:00:00Z"), redelivery(1));
        assert_eq!(agenda.next_due(), Some(ts("2026-01-01T10:00:00Z")));
    }
}
