//! Alerts: what an integration reports to humans (a Slack channel) when it cannot do its
//! job, e.g. an order held for a bad address.

use serde::Serialize;

use crate::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    pub at: Timestamp,
    pub channel: String,
    pub text: String,
}
