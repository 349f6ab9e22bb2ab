//! Posts alerts to the Slack incoming webhook (alert-sink persona).

use serde_json::json;

use crate::client::{CallError, HttpClient, Replay, Service};

#[derive(Clone)]
pub(crate) struct SlackApi {
    http: HttpClient,
    url: String,
}

impl SlackApi {
    pub(crate) fn new(http: HttpClient, url: &str) -> SlackApi {
        SlackApi {
            http,
            url: url.to_owned(),
        }
    }

    /// Sends `text`; failures are logged, because an alert that cannot be delivered
    /// must not stop the order pipeline that raised it.
    pub(crate) async fn alert(&self, text: &str) {
        tracing::warn!(alert = text, "raising alert");
        if let Err(err) = self.post(text).await {
            tracing::error!(error = %err, alert = text, "alert could not be delivered");
        }
    }

    async fn post(&self, text: &str) -> Result<(), CallError> {
        let body = json!({"text": text});
        self.http
            .send_ignoring_body(Service::Slack, "POST incoming webhook", Replay::Safe, |c| {
                c.post(&self.url).json(&body)
            })
            .await
    }
}
