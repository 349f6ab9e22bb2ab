//! Idempotent label purchase, pure: what a buy answer (or a lookup of the shipment)
//! means for the next step. A label counts only with a tracking code and a postage
//! label; anything less after a buy is an unknown outcome, resolved by looking the
//! shipment up (`GET /shipments/{id}`) before ever buying again. No I/O.

use crate::client::CallError;
use crate::easypost::{Label, Rate, Shipment};

/// What to do after a buy attempt.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum AfterBuy {
    /// The answer is complete: this is the label.
    Use(Label),
    /// The purchase may have happened (answer lost, unreadable, incomplete, or "postage
    /// already exists"): look the shipment up.
    LookUp,
    /// The carrier refused or stayed unavailable: nothing was bought.
    Fail,
}

/// What to do after looking the shipment up.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum AfterLookUp {
    /// Postage exists: use it, never buy a second one.
    Use(Label),
    /// No postage on the shipment: the buy never took effect; buy (the same shipment) again.
    Buy,
}

/// The label a shipment carries, if it is complete.
pub(crate) fn label_of(shipment: &Shipment, rate: Option<&Rate>) -> Option<Label> {
    let tracking_code = shipment
        .tracking_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())?;
    let label_url = shipment
        .postage_label
        .as_ref()?
        .label_url
        .clone()
        .filter(|u| !u.trim().is_empty());
    let carrier = shipment
        .selected_rate
        .as_ref()
        .map(|r| r.carrier.clone())
        .filter(|c| !c.is_empty())
        .or_else(|| rate.map(|r| r.carrier.clone()))
        .unwrap_or_default();
    Some(Label {
        shipment_id: shipment.id.clone(),
        tracking_code: tracking_code.to_owned(),
        label_url,
        carrier,
    })
}

pub(crate) fn after_buy(answer: &Result<Shipment, CallError>, rate: &Rate) -> AfterBuy {
    match answer {
        Ok(shipment) => match label_of(shipment, Some(rate)) {
            Some(label) => AfterBuy::Use(label),
            None => AfterBuy::LookUp,
        },
        Err(err) if err.body().contains("SHIPMENT.POSTAGE.EXISTS") => AfterBuy::LookUp,
        Err(err) if err.outcome_unknown() => AfterBuy::LookUp,
        Err(_) => AfterBuy::Fail,
    }
}

pub(crate) fn after_lookup(shipment: &Shipment, rate: Option<&Rate>) -> AfterLookUp {
    match label_of(shipment, rate) {
        Some(label) => AfterLookUp::Use(label),
        None => AfterLookUp::Buy,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::easypost::PostageLabel;

    fn rate() -> Rate {
        Rate {
            id: "rate_1".into(),
            carrier: "USPS".into(),
            rate: "7.58".into(),
        }
    }

    fn bought(tracking: Option<&str>, label_url: Option<&str>) -> Shipment {
        Shipment {
            id: "shp_1".into(),
            rates: vec![rate()],
            tracking_code: tracking.map(str::to_owned),
            postage_label: label_url.map(|u| PostageLabel {
                label_url: Some(u.to_owned()),
            }),
            selected_rate: None,
        }
    }

    fn decode_error() -> CallError {
        let source =
            serde_json::from_slice::<serde_json::Value>(b"{\"id\":").expect_err("truncated json");
        CallError::Decode {
            service: crate::client::Service::EasyPost,
            what: "POST /shipments/shp_1/buy".into(),
            source,
        }
    }

    fn status_error(status: u16, body: &str) -> CallError {
        CallError::Status {
            service: crate::client::Service::EasyPost,
            what: "POST /shipments/shp_1/buy".into(),
            status: reqwest::StatusCode::from_u16(status).expect("valid status"),
            attempts: 1,
            body: body.into(),
            link: None,
        }
    }

    #[test]
    fn a_complete_answer_is_the_label() {
        let answer = Ok(bought(Some("9400"), Some("http://l/1.png")));
        let AfterBuy::Use(label) = after_buy(&answer, &rate()) else {
            panic!("expected a label");
        };
        assert_eq!(label.tracking_code, "9400");
        assert_eq!(label.carrier, "USPS");
        assert_eq!(label.shipment_id, "shp_1");
    }

    #[test]
    fn incomplete_or_unreadable_answers_are_looked_up_not_rebought() {
        assert_eq!(
            after_buy(&Ok(bought(None, Some("http://l/1.png"))), &rate()),
            AfterBuy::LookUp
        );
        assert_eq!(
            after_buy(&Ok(bought(Some("9400"), None)), &rate()),
            AfterBuy::LookUp
        );
        assert_eq!(after_buy(&Err(decode_error()), &rate()), AfterBuy::LookUp);
        let exists = status_error(
            422,
            r#"{"error":{"code":"SHIPMENT.POSTAGE.EXISTS","message":"Postage already exists"}}"#,
        );
        assert_eq!(after_buy(&Err(exists), &rate()), AfterBuy::LookUp);
    }

    #[test]
    fn a_plain_failure_bought_nothing() {
        let unavailable = status_error(503, r#"{"error":{"code":"SERVICE.UNAVAILABLE"}}"#);
        assert_eq!(after_buy(&Err(unavailable), &rate()), AfterBuy::Fail);
    }

    #[test]
    fn lookup_uses_existing_postage_or_buys_the_same_shipment() {
        assert!(matches!(
            after_lookup(&bought(Some("9400"), Some("http://l/1.png")), None),
            AfterLookUp::Use(label) if label.tracking_code == "9400"
        ));
        assert_eq!(after_lookup(&bought(None, None), None), AfterLookUp::Buy);
    }
}
