//! Thin typed calls to the EasyPost v2 API (carrier persona): address verification,
//! shipments, label purchase, refunds and webhook subscription; plus the Tracker and
//! Event wire structs. The cheapest-rate choice lives here because it reads wire rates.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::address::PostalAddress;
use crate::client::{CallError, HttpClient, Service};
use crate::config::{EasyPostConfig, ShipFrom};

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
    ) -> Result<T, CallError> {
        let url = format!("{}{path}", self.base);
        let what = format!("POST {path}");
        self.http
            .send(Service::EasyPost, &what, |c| {
                c.post(&url).bearer_auth(&self.key).json(body)
            })
            .await?
            .json()
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, CallError> {
        let url = format!("{}{path}", self.base);
        let what = format!("GET {path}");
        self.http
            .send(Service::EasyPost, &what, |c| {
                c.get(&url).bearer_auth(&self.key)
            })
            .await?
            .json()
    }

    pub(crate) async fn subscribe_webhook(&self, url: &str) -> Result<(), CallError> {
        self.post::<Value>("/webhooks", &json!({"webhook": {"url": url}}))
            .await
            .map(drop)
    }

    pub(crate) async fn verify_address(
        &self,
        address: &PostalAddress,
    ) -> Result<Address, CallError> {
        let body = json!({"address": AddressBody::from(address), "verify": true});
        self.post("/addresses", &body).await
    }

    /// Stores the address at the carrier without asking for verification.
    pub(crate) async fn create_address(
        &self,
        address: &PostalAddress,
    ) -> Result<Address, CallError> {
        let body = json!({"address": AddressBody::from(address)});
        self.post("/addresses", &body).await
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
        self.post("/shipments", &body).await
    }

    /// Buys `rate`; a retry that finds postage already bought reads the shipment back.
    pub(crate) async fn buy(&self, shipment_id: &str, rate: &Rate) -> Result<Label, CallError> {
        let path = format!("/shipments/{shipment_id}/buy");
        let bought: Shipment = match self.post(&path, &json!({"rate": {"id": rate.id}})).await {
            Ok(shipment) => shipment,
            Err(err) if err.body().contains("SHIPMENT.POSTAGE.EXISTS") => {
                self.get(&format!("/shipments/{shipment_id}")).await?
            }
            Err(err) => return Err(err),
        };
        let carrier = bought
            .selected_rate
            .as_ref()
            .map(|r| r.carrier.clone())
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| rate.carrier.clone());
        Ok(Label {
            tracking_code: bought.tracking_code.unwrap_or_default(),
            label_url: bought.postage_label.and_then(|l| l.label_url),
            shipment_id: bought.id,
            carrier,
        })
    }

    pub(crate) async fn refund(&self, shipment_id: &str) -> Result<(), CallError> {
        let path = format!("/shipments/{shipment_id}/refund");
        self.post::<Value>(&path, &json!({})).await.map(drop)
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
