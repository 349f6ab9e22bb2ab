//! Inventory sync: every storefront channel shows what all warehouses together can
//! sell minus what the channels already accepted but no warehouse has been told about
//! yet. Runs every `inventory_poll` and whenever the pipeline asks (`StockTrigger`).
//! With several warehouses, one that cannot be read counts with the stock it last had.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;

use crate::client::CallError;
use crate::nodes::Nodes;
use crate::shipbob::Stock;
use crate::state::SharedBook;

/// Each warehouse's sellable units per SKU as last read (by warehouse index).
#[derive(Clone, Default)]
pub(crate) struct KnownStock(Arc<Mutex<HashMap<usize, HashMap<String, i64>>>>);

impl KnownStock {
    /// Remembers what the warehouse just said; returns it per SKU.
    pub(crate) fn record(&self, warehouse: usize, levels: &[Stock]) -> HashMap<String, i64> {
        let mut by_sku: HashMap<String, i64> = HashMap::new();
        for item in levels {
            *by_sku.entry(item.sku.clone()).or_default() += item.sellable;
        }
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(warehouse, by_sku.clone());
        by_sku
    }

    pub(crate) fn get(&self, warehouse: usize) -> Option<HashMap<String, i64>> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&warehouse)
            .cloned()
    }
}

/// What startup learned from one storefront: where stock lives and which item is which SKU.
#[derive(Clone, Debug, Default)]
pub(crate) struct Catalog {
    pub(crate) location_id: u64,
    /// sku -> inventory_item_id
    pub(crate) items: HashMap<String, u64>,
}

/// Lets the pipeline ask for a stock push right after it changed a reservation.
#[derive(Clone, Default)]
pub(crate) struct StockTrigger(Arc<TriggerState>);

#[derive(Default)]
struct TriggerState {
    notify: Notify,
    /// A push was asked for and has not started yet.
    asked: AtomicBool,
    /// A sync is running.
    syncing: AtomicBool,
}

impl StockTrigger {
    pub(crate) fn push_soon(&self) {
        self.0.asked.store(true, Ordering::SeqCst);
        self.0.notify.notify_one();
    }

    /// A push was asked for, or a sync is running: the storefront may be about to change.
    pub(crate) fn pending(&self) -> bool {
        self.0.asked.load(Ordering::SeqCst) || self.0.syncing.load(Ordering::SeqCst)
    }
}

/// The storefront quantity for one SKU; never negative.
pub(crate) fn desired_available(sellable: i64, pending: u32) -> i64 {
    sellable.saturating_sub(i64::from(pending)).max(0)
}

/// The `(inventory_item_id, available)` writes needed to bring the storefront in line.
/// SKUs the warehouse does not list, or the storefront does not sell, are left alone.
pub(crate) fn plan_updates(
    warehouse: &[Stock],
    pending: &HashMap<String, u32>,
    catalog: &HashMap<String, u64>,
    current: &HashMap<u64, i64>,
) -> Vec<(u64, i64)> {
    let mut sellable: HashMap<&str, i64> = HashMap::new();
    for item in warehouse {
        *sellable.entry(item.sku.as_str()).or_default() += item.sellable;
    }
    let mut updates: Vec<(u64, i64)> = sellable
        .into_iter()
        .filter_map(|(sku, sellable)| {
            let item_id = *catalog.get(sku)?;
            let desired = desired_available(sellable, pending.get(sku).copied().unwrap_or(0));
            (current.get(&item_id) != Some(&desired)).then_some((item_id, desired))
        })
        .collect();
    updates.sort_unstable();
    updates
}

#[derive(Clone)]
pub(crate) struct StockSync {
    pub(crate) nodes: Nodes,
    pub(crate) book: SharedBook,
    /// One catalog per channel, in the channels' order.
    pub(crate) catalogs: Arc<Vec<Catalog>>,
    pub(crate) known: KnownStock,
    /// Defect `ignores-orders-not-at-warehouse`: subtract nothing for orders in flight.
    pub(crate) forget_pending: bool,
}

impl StockSync {
    /// Syncs every `poll`, or sooner when triggered; never returns.
    pub(crate) async fn run(self, trigger: StockTrigger, poll: Duration) {
        let mut ticker = tokio::time::interval(poll.max(Duration::from_millis(1)));
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                () = trigger.0.notify.notified() => {}
            }
            trigger.0.syncing.store(true, Ordering::SeqCst);
            trigger.0.asked.store(false, Ordering::SeqCst);
            if let Err(err) = self.sync_once().await {
                tracing::warn!(error = %err, "inventory sync failed; will try again");
            }
            trigger.0.syncing.store(false, Ordering::SeqCst);
        }
    }

    /// Every warehouse's stock. With one warehouse a failed read fails the sync (there
    /// is nothing else to go by); with several, each is asked once and one that does
    /// not answer counts with what it last said, so an outage at one does not keep the
    /// sync (and so the integration) busy retrying, nor freeze the others' stock.
    async fn warehouse_stock(&self) -> Result<Vec<Stock>, CallError> {
        if let [only] = self.nodes.warehouses.as_slice() {
            let levels = only.api.inventory_levels().await?;
            self.known.record(0, &levels);
            return Ok(levels);
        }
        let mut all = Vec::new();
        for (index, warehouse) in self.nodes.warehouses.iter().enumerate() {
            // A warehouse still paced after a failure is not waited for: the sync (which
            // counts as work in hand) would keep the integration busy the whole outage.
            let answer = if warehouse.api.held_back() {
                Err(None)
            } else {
                warehouse
                    .api
                    .probing()
                    .inventory_levels()
                    .await
                    .map_err(Some)
            };
            match answer {
                Ok(levels) => {
                    self.known.record(index, &levels);
                    all.extend(levels);
                }
                Err(err) => {
                    if let Some(err) = err {
                        tracing::debug!(warehouse = %warehouse.id, error = %err, "stock unreadable; using what it last said");
                    }
                    let last = self.known.get(index).unwrap_or_default();
                    all.extend(
                        last.into_iter()
                            .map(|(sku, sellable)| Stock { sku, sellable }),
                    );
                }
            }
        }
        Ok(all)
    }

    pub(crate) async fn sync_once(&self) -> Result<(), CallError> {
        // Reservations first, warehouses second: an order handed over in between is then
        // subtracted twice (briefly under-selling) rather than not at all (overselling).
        let pending = if self.forget_pending {
            // DEFECT ignores-orders-not-at-warehouse: units the storefront sold that the
            // warehouse has not committed yet are offered again.
            HashMap::new()
        } else {
            self.book.lock().pending_by_sku()
        };
        let warehouse = self.warehouse_stock().await?;
        for (channel, catalog) in self.nodes.channels.iter().zip(self.catalogs.iter()) {
            let item_ids: Vec<u64> = {
                let mut ids: Vec<u64> = catalog.items.values().copied().collect();
                ids.sort_unstable();
                ids.dedup();
                ids
            };
            if item_ids.is_empty() {
                continue;
            }
            let current: HashMap<u64, i64> = channel
                .api
                .inventory_levels(&item_ids, catalog.location_id)
                .await?
                .into_iter()
                .filter_map(|level| Some((level.inventory_item_id, level.available?)))
                .collect();
            for (item_id, available) in plan_updates(&warehouse, &pending, &catalog.items, &current)
            {
                tracing::info!(channel = %channel.id, item_id, available, "pushing stock to the storefront");
                if let Err(err) = channel
                    .api
                    .set_inventory_level(catalog.location_id, item_id, available)
                    .await
                {
                    tracing::warn!(item_id, error = %err, "stock push failed");
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(sku: &str, sellable: i64) -> Stock {
        Stock {
            sku: sku.into(),
            sellable,
        }
    }

    #[test]
    fn desired_subtracts_pending_and_floors_at_zero() {
        assert_eq!(desired_available(10, 3), 7);
        assert_eq!(desired_available(2, 5), 0);
        assert_eq!(desired_available(-4, 0), 0);
    }

    #[test]
    fn plans_only_differing_known_skus() {
        let warehouse = vec![item("MUG", 10), item("TEE", 4), item("HAT", 9)];
        let pending = HashMap::from([("MUG".to_owned(), 2)]);
        let catalog = HashMap::from([
            ("MUG".to_owned(), 11),
            ("TEE".to_owned(), 12),
            ("CAP".to_owned(), 13),
        ]);
        let current = HashMap::from([(11, 10), (12, 4), (13, 1)]);
        assert_eq!(
            plan_updates(&warehouse, &pending, &catalog, &current),
            vec![(11, 8)]
        );
    }

    #[test]
    fn stock_drift_in_the_warehouse_is_pushed() {
        // A cycle count took 3 mugs away: the storefront still shows 10.
        let catalog = HashMap::from([("MUG".to_owned(), 11)]);
        let current = HashMap::from([(11, 10)]);
        let plan = plan_updates(&[item("MUG", 7)], &HashMap::new(), &catalog, &current);
        assert_eq!(plan, vec![(11, 7)]);
    }

    #[test]
    fn missing_storefront_level_is_written() {
        let warehouse = vec![item("MUG", 3)];
        let catalog = HashMap::from([("MUG".to_owned(), 11)]);
        let plan = plan_updates(&warehouse, &HashMap::new(), &catalog, &HashMap::new());
        assert_eq!(plan, vec![(11, 3)]);
    }
}
