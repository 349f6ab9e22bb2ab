//! Thin typed calls to the EasyPost v2 API (carrier persona): address verification,
//! shipments, label purchase, refunds and webhook subscription; plus the Tracker and
//! Event wire structs. The cheapest-rate choice lives here because it reads wire rates.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::address::PostalAddress;
use crate::client::{CallError, HttpClient, Replay, Service};
use crate::config::{EasyPostConfig, ShipFrom};
use crate::labels::{self, AfterBuy, AfterLookUp};

/// Buy → look up → buy rounds before a purchase is given up as failed.
const PURCHASE_ROUNDS: usize = 3;

#[derive(Clone)]
pub(crate) struct EasyPostApi {
    http: HttpClient,
    base: String,
    key: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Address {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) verifications: Option<Verifications>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Verifications {
    #[serde(default)]
    pub(crate) delivery: Option<Verification>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Verification {
    pub(crate) success: bool,
    #[serde(default)]
    pub(crate) errors: Vec<VerificationError>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct VerificationError {
    #[serde(default)]
    pub(crate) code: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Shipment {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) rates: Vec<Rate>,
    #[serde(default)]
    pub(crate) tracking_code: Option<String>,
    #[serde(default)]
    pub(crate) postage_label: Option<PostageLabel>,
    #[serde(default)]
    pub(crate) selected_rate: Option<Rate>,
}

#[derive(Clone, Debug, Deserialize)]
pub(crate) struct Rate {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) carrier: String,
    #[serde(default)]
    pub(crate) rate: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct PostageLabel {
    #[serde(default)]
    pub(crate) label_url: Option<String>,
}

/// `Event.result` for `tracker.updated`.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct Tracker {
    pub(crate) tracking_code: String,
    #[serde(default)]
    pub(crate) status: String,
    #[serde(default)]
    pub(crate) est_delivery_date: Option<String>,
    #[serde(default)]
    pub(crate) updated_at: Option<String>,
    #[serde(default)]
    pub(crate) tracking_details: Vec<TrackingDetail>,
}

#[derive(Clone, Debug, Deserialize)]
pub(crate) struct TrackingDetail {
    #[serde(default)]
    pub(crate) message: Option<String>,
    #[serde(default)]
    pub(crate) datetime: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Event {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) description: String,
    #[serde(default)]
    pub(crate) result: Value,
}

/// The `address` object sent for verification; absent lines are left out, not null.
#[derive(Serialize)]
struct AddressBody<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    company: Option<&'a str>,
    street1: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    street2: Option<&'a str>,
    city: &'a str,
    state: &'a str,
    zip: &'a str,
    country: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
}

impl<'a> From<&'a PostalAddress> for AddressBody<'a> {
    fn from(a: &'a PostalAddress) -> Self {
        AddressBody {
            name: &a.name,
            company: a.company.as_deref(),
            street1: &a.street1,
            street2: a.street2.as_deref(),
            city: &a.city,
            state: &a.state,
            zip: &a.zip,
            country: &a.country,
            phone: a.phone.as_deref(),
            email: a.email.as_deref(),
        }
    }
}

/// A bought label: what the warehouse and the storefront need to know about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Label {
    pub(crate) shipment_id: String,
    pub(crate) tracking_code: String,
    pub(crate) label_url: Option<String>,
    pub(crate) carrier: String,
}

/// Parses a decimal price such as "7.58" into ten-thousandths, so rates compare exactly.
pub(crate) fn parse_price(raw: &str) -> Option<u64> {
    let raw = raw.trim();
    let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || !digits(fraction) || fraction.len() > 4 {
        return None;
    }
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let padded = format!("{fraction:0<4}");
    let fraction: u64 = padded.parse().ok()?;
    whole.checked_mul(10_000)?.checked_add(fraction)
}

/// The cheapest rate whose price parses; ties keep the carrier's order.
pub(crate) fn cheapest(rates: &[Rate]) -> Option<&Rate> {
    rates
        .iter()
        .filter_map(|rate| parse_price(&rate.rate).map(|price| (price, rate)))
        .min_by_key(|(price, _)| *price)
        .map(|(_, rate)| rate)
}

impl EasyPostApi {
    pub(crate) fn new(http: HttpClient, config: &EasyPostConfig) -> EasyPostApi {
        EasyPostApi {
            http,
            base: config.base_url.clone(),
            key: config.api_key.clone(),
        }
    }

    async fn post<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: &Value,
        replay: Replay,
    ) -> Result<T, CallError> {
        let url = format!("{}{path}", self.base);
        let what = format!("POST {path}");
        self.http
            .send(Service::EasyPost, &what, replay, |c| {
                c.post(&url).bearer_auth(&self.key).json(body)
            })
            .await
            .map(|answer| answer.value)
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, CallError> {
        let url = format!("{}{path}", self.base);
        let what = format!("GET {path}");
        self.http
            .send(Service::EasyPost, &what, Replay::Safe, |c| {
                c.get(&url).bearer_auth(&self.key)
            })
            .await
            .map(|answer| answer.value)
    }

    pub(crate) async fn subscribe_webhook(&self, url: &str) -> Result<(), CallError> {
        self.post::<Value>("/webhooks", &json!({"webhook": {"url": url}}), Replay::Safe)
            .await
            .map(drop)
    }

    pub(crate) async fn verify_address(
        &self,
        address: &PostalAddress,
    ) -> Result<Address, CallError> {
        let body = json!({"address": AddressBody::from(address), "verify": true});
        self.post("/addresses", &body, Replay::Safe).await
    }

    /// Stores the address at the carrier without asking for verification.
    pub(crate) async fn create_address(
        &self,
        address: &PostalAddress,
    ) -> Result<Address, CallError> {
        let body = json!({"address": AddressBody::from(address)});
        self.post("/addresses", &body, Replay::Safe).await
    }

    pub(crate) async fn create_shipment(
        &self,
        to_address_id: &str,
        from: &ShipFrom,
        weight_oz: u32,
        reference: &str,
    ) -> Result<Shipment, CallError> {
        let body = json!({"shipment": {
            "to_address": {"id": to_address_id},
            "from_address": {
                "name": from.name,
                "street1": from.street1,
                "city": from.city,
                "state": from.state,
                "zip": from.zip,
                "country": from.country,
            },
            "parcel": {"weight": weight_oz},
            "reference": reference,
        }});
        // A repeated create only makes an unused shipment: nothing is bought.
        self.post("/shipments", &body, Replay::Safe).await
    }

    /// Buys `rate` on the shipment, at most once: an answer that is lost, unreadable or
    /// incomplete is followed by a lookup of the shipment, and its postage is used if
    /// the purchase went through; only a shipment without postage is bought again.
    pub(crate) async fn buy(&self, shipment_id: &str, rate: &Rate) -> Result<Label, CallError> {
        let mut last_err = None;
        for _ in 0..PURCHASE_ROUNDS {
            let answer = self.buy_once(shipment_id, rate).await;
            match labels::after_buy(&answer, rate) {
                AfterBuy::Use(label) => return Ok(label),
                AfterBuy::Fail => {
                    return Err(answer
                        .err()
                        .unwrap_or_else(|| unreadable_label(shipment_id)));
                }
                AfterBuy::LookUp => {
                    tracing::warn!(
                        shipment_id,
                        "label purchase outcome unknown; looking the shipment up"
                    );
                    last_err = answer.err();
                }
            }
            match self.resume(shipment_id).await? {
                Some(label) => return Ok(label),
                None => tracing::info!(shipment_id, "no postage on the shipment; buying again"),
            }
        }
        Err(last_err.unwrap_or_else(|| unreadable_label(shipment_id)))
    }

    /// Looks the shipment up: its label if postage was bought, else `None`.
    pub(crate) async fn resume(&self, shipment_id: &str) -> Result<Option<Label>, CallError> {
        let shipment: Shipment = self.get(&format!("/shipments/{shipment_id}")).await?;
        Ok(match labels::after_lookup(&shipment, None) {
            AfterLookUp::Use(label) => Some(label),
            AfterLookUp::Buy => None,
        })
    }

    /// The shipment's rates, to buy a shipment found without postage.
    pub(crate) async fn rates(&self, shipment_id: &str) -> Result<Vec<Rate>, CallError> {
        let shipment: Shipment = self.get(&format!("/shipments/{shipment_id}")).await?;
        Ok(shipment.rates)
    }

    /// One purchase call; a lost or unreadable answer is returned, never resent blind.
    pub(crate) async fn buy_once(
        &self,
        shipment_id: &str,
        rate: &Rate,
    ) -> Result<Shipment, CallError> {
        let path = format!("/shipments/{shipment_id}/buy");
        self.post(
            &path,
            &json!({"rate": {"id": rate.id}}),
            Replay::LookUpFirst,
        )
        .await
    }

    /// Trackers for a tracking code: polled so a dropped `tracker.updated` is caught up.
    pub(crate) async fn trackers(&self, tracking_code: &str) -> Result<Vec<Tracker>, CallError> {
        #[derive(Deserialize)]
        struct Body {
            #[serde(default)]
            trackers: Vec<Tracker>,
        }
        let body: Body = self
            .get(&format!("/trackers?tracking_code={tracking_code}"))
            .await?;
        Ok(body.trackers)
    }

    pub(crate) async fn refund(&self, shipment_id: &str) -> Result<(), CallError> {
        let path = format!("/shipments/{shipment_id}/refund");
        self.post::<Value>(&path, &json!({}), Replay::Safe)
            .await
            .map(drop)
    }
}

/// A purchase that ended without a usable label and without a transport or status error.
fn unreadable_label(shipment_id: &str) -> CallError {
    let source = serde_json::Error::io(std::io::Error::other(
        "the purchase answer carried no tracking code or postage label",
    ));
    CallError::Decode {
        service: Service::EasyPost,
        what: format!("POST /shipments/{shipment_id}/buy"),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(id: &str, price: &str) -> Rate {
        Rate {
            id: id.into(),
            carrier: "USPS".into(),
            rate: price.into(),
        }
    }

    #[test]
    fn parses_prices_exactly() {
        assert_eq!(parse_price("7.58"), Some(75_800));
        assert_eq!(parse_price("10"), Some(100_000));
        assert_eq!(parse_price("0.5"), Some(5_000));
        assert_eq!(parse_price(" 12.3456 "), Some(123_456));
        assert_eq!(parse_price("abc"), None);
        assert_eq!(parse_price(""), None);
        assert_eq!(parse_price("-1.00"), None);
    }

    #[test]
    fn picks_the_cheapest_numerically_not_lexically() {
        let rates = vec![
            rate("rate_a", "10.20"),
            rate("rate_b", "9.99"),
            rate("rate_c", "n/a"),
        ];
        assert_eq!(cheapest(&rates).map(|r| r.id.as_str()), Some("rate_b"));
        assert!(cheapest(&[]).is_none());
    }
}
