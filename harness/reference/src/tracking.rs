//! Maps carrier tracker statuses to Shopify fulfillment event statuses and ranks them,
//! so out-of-order carrier events never move a fulfillment backwards. Pure: no I/O.

use crate::easypost::TrackingDetail;

/// The Shopify fulfillment event status for an EasyPost tracker status, or `None`
/// when the status says nothing the customer needs (pre_transit, unknown, ...).
pub(crate) fn shopify_event_status(easypost_status: &str) -> Option<&'static str> {
    match easypost_status {
        "in_transit" => Some("in_transit"),
        "out_for_delivery" => Some("out_for_delivery"),
        "available_for_pickup" => Some("ready_for_pickup"),
        "delivered" => Some("delivered"),
        "failure" | "return_to_sender" => Some("failure"),
        _ => None,
    }
}

/// Progress order of the statuses we push. Equal ranks are alternatives (a parcel is
/// either out for delivery or waiting at a pickup point), so neither replaces the other.
pub(crate) fn rank(shopify_status: &str) -> u8 {
    match shopify_status {
        "in_transit" => 1,
        "out_for_delivery" | "ready_for_pickup" => 2,
        "failure" => 3,
        "delivered" => 4,
        _ => 0,
    }
}

/// Rank of "delivered": nothing follows it.
pub(crate) const FINAL_RANK: u8 = 4;

/// True when `status` moves the fulfillment forward from the last pushed rank.
pub(crate) fn advances(last_rank: Option<u8>, status: &str) -> bool {
    last_rank.is_none_or(|last| rank(status) > last)
}

/// True when an update with `status`, whose newest scan is at `at`, should be pushed
/// after the last pushed one (`last_rank`, scanned at `last_at`): it must move the status
/// forward, and must not be older than what was pushed (an out-of-order older update).
/// `allow_repeat` is the `processes-duplicate-webhooks` defect: an equal status is pushed again.
pub(crate) fn should_push(
    last_rank: Option<u8>,
    last_at: Option<jiff::Timestamp>,
    status: &str,
    at: Option<jiff::Timestamp>,
    allow_repeat: bool,
) -> bool {
    let forward = match last_rank {
        None => true,
        // DEFECT processes-duplicate-webhooks: a repeated status counts as news.
        Some(last) if allow_repeat => rank(status) >= last,
        Some(_) => advances(last_rank, status),
    };
    let not_older = match (last_at, at) {
        (Some(last), Some(at)) => at >= last,
        _ => true,
    };
    forward && not_older
}

/// The instant of a tracking detail's `datetime`, if it parses.
pub(crate) fn instant_of(detail: &TrackingDetail) -> Option<jiff::Timestamp> {
    detail.datetime.as_deref()?.parse().ok()
}

/// An RFC 3339 instant moved one day on (the `pushes-wrong-eta` defect's estimate).
pub(crate) fn a_day_later(raw: &str) -> Option<String> {
    let at: jiff::Timestamp = raw.parse().ok()?;
    at.checked_add(jiff::SignedDuration::from_hours(24))
        .ok()
        .map(|t| t.to_string())
}

/// The most recent `datetime` among the tracking details (RFC 3339), as sent.
pub(crate) fn newest_datetime(details: &[TrackingDetail]) -> Option<&TrackingDetail> {
    details
        .iter()
        .filter_map(|d| {
            let raw = d.datetime.as_deref()?;
            let at: jiff::Timestamp = raw.parse().ok()?;
            Some((at, d))
        })
        .max_by_key(|(at, _)| *at)
        .map(|(_, d)| d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail(at: &str, message: &str) -> TrackingDetail {
        TrackingDetail {
            message: Some(message.into()),
            datetime: Some(at.into()),
        }
    }

    #[test]
    fn maps_easypost_statuses() {
        assert_eq!(shopify_event_status("in_transit"), Some("in_transit"));
        assert_eq!(
            shopify_event_status("out_for_delivery"),
            Some("out_for_delivery")
        );
        assert_eq!(
            shopify_event_status("available_for_pickup"),
            Some("ready_for_pickup")
        );
        assert_eq!(shopify_event_status("delivered"), Some("delivered"));
        assert_eq!(shopify_event_status("return_to_sender"), Some("failure"));
        assert_eq!(shopify_event_status("failure"), Some("failure"));
        assert_eq!(shopify_event_status("pre_transit"), None);
        assert_eq!(shopify_event_status("unknown"), None);
    }

    #[test]
    fn never_moves_backwards() {
        assert!(advances(None, "in_transit"));
        assert!(advances(Some(rank("in_transit")), "out_for_delivery"));
        assert!(!advances(Some(rank("delivered")), "in_transit"));
        assert!(!advances(
            Some(rank("out_for_delivery")),
            "out_for_delivery"
        ));
        assert!(!advances(
            Some(rank("out_for_delivery")),
            "ready_for_pickup"
        ));
        assert!(advances(Some(rank("failure")), "delivered"));
    }

    #[test]
    fn an_older_update_never_replaces_a_newer_one() {
        let at = |s: &str| s.parse::<jiff::Timestamp>().ok();
        let noon = at("2026-12-02T12:00:00Z");
        let morning = at("2026-12-02T08:00:00Z");
        assert!(should_push(None, None, "in_transit", morning, false));
        assert!(should_push(Some(1), morning, "delivered", noon, false));
        // Delivered arrived first; the older in-transit scan must not move it back.
        assert!(!should_push(Some(4), noon, "in_transit", morning, false));
        // A higher status stamped before the last pushed scan is out of order too.
        assert!(!should_push(
            Some(1),
            noon,
            "out_for_delivery",
            morning,
            false
        ));
        // A duplicate: refused, unless the duplicate defect is on.
        assert!(!should_push(Some(2), noon, "out_for_delivery", noon, false));
        assert!(should_push(Some(2), noon, "out_for_delivery", noon, true));
    }

    #[test]
    fn newest_detail_compares_instants_not_strings() {
        let details = vec![
            detail("2026-11-30T09:00:00Z", "accepted"),
            detail("2026-11-30T12:00:00+02:00", "in transit"),
            detail("2026-11-30T11:00:00Z", "out for delivery"),
        ];
        let newest = newest_datetime(&details).and_then(|d| d.message.as_deref());
        assert_eq!(newest, Some("out for delivery"));
        assert!(newest_datetime(&[]).is_none());
    }
}
