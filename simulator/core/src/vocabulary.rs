//! The state words of the world, each list defined once by its enum: customer-visible
//! stages, warehouse states, carrier tracking statuses, fulfillment hold reasons. A
//! scenario condition deserializes straight into the enum, the schema lists the enum's
//! words, and messages, snapshots and reports print the same words, so no second list
//! can drift from the first.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use crate::carrier::TrackingStatus;
use crate::timeline::Stage;
use crate::warehouse::Stage as WarehouseStage;

/// An enum whose values are written as words.
pub trait Vocabulary: Copy + Sized + 'static {
    /// What one word names, after "a" in messages: `customer-visible stage`.
    const WHAT: &'static str;
    /// Every value, in the order messages list them.
    const ALL: &'static [Self];

    /// The word authors write.
    fn word(self) -> &'static str;

    /// The value a word names; a vocabulary may accept aliases beyond its words.
    fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.word() == text)
    }

    /// Every word, in order.
    fn words() -> Vec<&'static str> {
        Self::ALL.iter().map(|v| v.word()).collect()
    }
}

/// Separates a message from its hint in a deserialization error, so a parser that
/// reports positions can show them apart (`drydock_scenario` does).
pub const HINT_SEPARATOR: &str = "\nhint: ";

/// The message for a word that is not in `V`, with the words it may be.
pub fn not_a<V: Vocabulary>(text: &str, extra: &[&str]) -> String {
    let mut words: Vec<&str> = extra.to_vec();
    words.extend(V::words());
    format!(
        "`{text}` is not a {}{HINT_SEPARATOR}write one of {}",
        V::WHAT,
        words.join(", ")
    )
}

/// Reads a word of `V`, refusing anything else with the list of words.
pub fn deserialize<'de, D: Deserializer<'de>, V: Vocabulary>(d: D) -> Result<V, D::Error> {
    let text = d.deserialize_str(Text)?;
    V::parse(&text).ok_or_else(|| de::Error::custom(not_a::<V>(&text, &[])))
}

/// The JSON Schema of a vocabulary: its words (plus `extra` ones such as `none`).
pub fn schema<V: Vocabulary>(extra: &[&str]) -> schemars::Schema {
    let mut words: Vec<&str> = extra.to_vec();
    words.extend(V::words());
    schemars::json_schema!({
        "type": "string",
        "enum": words,
        "description": format!("A {}.", V::WHAT),
    })
}

/// A word of `V`, or `none` for "there is no such thing (yet)": no tracker, no hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrNone<V> {
    None,
    Is(V),
}

impl<V: Vocabulary> OrNone<V> {
    pub fn word(self) -> &'static str {
        match self {
            OrNone::None => "none",
            OrNone::Is(v) => v.word(),
        }
    }

    pub fn parse(text: &str) -> Option<OrNone<V>> {
        if text == "none" {
            Some(OrNone::None)
        } else {
            V::parse(text).map(OrNone::Is)
        }
    }

    /// `none` and every word of `V`.
    pub fn words() -> Vec<&'static str> {
        let mut words = vec!["none"];
        words.extend(V::words());
        words
    }
}

impl<'de, V: Vocabulary> serde::Deserialize<'de> for OrNone<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = d.deserialize_str(Text)?;
        OrNone::parse(&text).ok_or_else(|| de::Error::custom(not_a::<V>(&text, &["none"])))
    }
}

impl<V: Vocabulary + schemars::JsonSchema> schemars::JsonSchema for OrNone<V> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("{}OrNone", V::schema_name()).into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schema::<V>(&["none"])
    }
}

/// A string, borrowed or owned.
struct Text;

impl Visitor<'_> for Text {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a word")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
}

/// The reasons Shopify accepts for a fulfillment hold (`fulfillment_hold.reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldReason {
    AwaitingPayment,
    AwaitingReturnItems,
    HighRiskOfFraud,
    IncorrectAddress,
    InventoryOutOfStock,
    OnlineStorePostPurchaseCrossSell,
    Other,
    UnknownDeliveryDate,
}

impl Vocabulary for HoldReason {
    const WHAT: &'static str = "fulfillment hold reason";
    const ALL: &'static [Self] = &[
        HoldReason::AwaitingPayment,
        HoldReason::AwaitingReturnItems,
        HoldReason::HighRiskOfFraud,
        HoldReason::IncorrectAddress,
        HoldReason::InventoryOutOfStock,
        HoldReason::OnlineStorePostPurchaseCrossSell,
        HoldReason::Other,
        HoldReason::UnknownDeliveryDate,
    ];

    fn word(self) -> &'static str {
        match self {
            HoldReason::AwaitingPayment => "awaiting_payment",
            HoldReason::AwaitingReturnItems => "awaiting_return_items",
            HoldReason::HighRiskOfFraud => "high_risk_of_fraud",
            HoldReason::IncorrectAddress => "incorrect_address",
            HoldReason::InventoryOutOfStock => "inventory_out_of_stock",
            HoldReason::OnlineStorePostPurchaseCrossSell => "online_store_post_purchase_cross_sell",
            HoldReason::Other => "other",
            HoldReason::UnknownDeliveryDate => "unknown_delivery_date",
        }
    }
}

impl Vocabulary for Stage {
    const WHAT: &'static str = "customer-visible stage";
    const ALL: &'static [Self] = &[
        Stage::Received,
        Stage::Processing,
        Stage::OnHold,
        Stage::Shipped,
        Stage::OutForDelivery,
        Stage::Delivered,
        Stage::Failed,
        Stage::Cancelled,
    ];

    fn word(self) -> &'static str {
        match self {
            Stage::Received => "received",
            Stage::Processing => "processing",
            Stage::OnHold => "on_hold",
            Stage::Shipped => "shipped",
            Stage::OutForDelivery => "out_for_delivery",
            Stage::Delivered => "delivered",
            Stage::Failed => "failed",
            Stage::Cancelled => "cancelled",
        }
    }

    /// Also the label the customer reads (`Order Received`) and a few aliases.
    fn parse(text: &str) -> Option<Stage> {
        Stage::parse(text)
    }
}

impl Vocabulary for WarehouseStage {
    const WHAT: &'static str = "warehouse state";
    const ALL: &'static [Self] = &[
        WarehouseStage::Processing,
        WarehouseStage::Picked,
        WarehouseStage::Packed,
        WarehouseStage::Shipped,
        WarehouseStage::Cancelled,
        WarehouseStage::Exception,
    ];

    fn word(self) -> &'static str {
        match self {
            WarehouseStage::Processing => "processing",
            WarehouseStage::Picked => "picked",
            WarehouseStage::Packed => "packed",
            WarehouseStage::Shipped => "shipped",
            WarehouseStage::Cancelled => "cancelled",
            WarehouseStage::Exception => "exception",
        }
    }
}

impl Vocabulary for TrackingStatus {
    const WHAT: &'static str = "tracking status";
    const ALL: &'static [Self] = &[
        TrackingStatus::Unknown,
        TrackingStatus::PreTransit,
        TrackingStatus::InTransit,
        TrackingStatus::OutForDelivery,
        TrackingStatus::AvailableForPickup,
        TrackingStatus::Delivered,
        TrackingStatus::ReturnToSender,
        TrackingStatus::Failure,
        TrackingStatus::Cancelled,
        TrackingStatus::Error,
    ];

    fn word(self) -> &'static str {
        self.as_str()
    }
}

/// Deserializes and describes each vocabulary by its words.
macro_rules! words_in_serde_and_schema {
    ($($t:ty => $name:literal),*) => {$(
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                deserialize::<D, $t>(d)
            }
        }

        impl schemars::JsonSchema for $t {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                $name.into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schema::<$t>(&[])
            }
        }
    )*};
}

words_in_serde_and_schema!(
    HoldReason => "HoldReason",
    Stage => "Stage",
    WarehouseStage => "WarehouseState",
    TrackingStatus => "TrackingStatus"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_vocabulary_lists_every_value_once_and_reads_its_own_words() {
        fn round_trip<V: Vocabulary + PartialEq + fmt::Debug>() {
            let mut words = V::words();
            for (v, word) in V::ALL.iter().zip(&words) {
                assert_eq!(V::parse(word), Some(*v), "{word}");
            }
            words.sort_unstable();
            words.dedup();
            assert_eq!(words.len(), V::ALL.len(), "{}", V::WHAT);
        }
        round_trip::<HoldReason>();
        round_trip::<Stage>();
        round_trip::<WarehouseStage>();
        round_trip::<TrackingStatus>();
    }

    #[test]
    fn a_word_outside_the_vocabulary_is_refused_with_the_words() {
        let held: Result<OrNone<HoldReason>, _> = serde_json::from_str("\"bad_address\"");
        let e = held.expect_err("not a reason").to_string();
        assert!(
            e.starts_with("`bad_address` is not a fulfillment hold reason"),
            "{e}"
        );
        assert!(e.contains("none, awaiting_payment"), "{e}");
        let stage: Stage = serde_json::from_str("\"Order Received\"").expect("a label");
        assert_eq!(stage, Stage::Received);
        let none: OrNone<TrackingStatus> = serde_json::from_str("\"none\"").expect("none");
        assert_eq!(none, OrNone::None);
    }
}
