//! The alert sink speaks Slack's incoming-webhook dialect: plain-text answers `ok`,
//! `invalid_payload`, `no_text` and `no_service`, and each accepted message becomes an
//! alert in the world.

use super::{Reply, client, send, world};

async fn post(url: &str, body: &str) -> Reply {
    send(
        client()
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_string()),
    )
    .await
}

#[tokio::test]
async fn message_with_text_is_ok_and_recorded_as_an_alert() {
    let world = world().await;
    let reply = post(
        &world.endpoints.slack,
        r#"{"text": "order #1001 held: bad address"}"#,
    )
    .await;
    assert_eq!((reply.status, reply.text.as_str()), (200, "ok"));
    assert!(
        reply
            .header_all("content-type")
            .iter()
            .any(|c| c.starts_with("text/plain")),
        "{:?}",
        reply.headers
    );
    let alerts = world.read(|w| w.alerts.iter().map(|a| a.text.clone()).collect::<Vec<_>>());
    assert_eq!(alerts, ["order #1001 held: bad address"]);
}

#[tokio::test]
async fn blocks_only_message_is_ok() {
    let world = world().await;
    let body = r#"{"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*held*"}}]}"#;
    let reply = post(&world.endpoints.slack, body).await;
    assert_eq!((reply.status, reply.text.as_str()), (200, "ok"));
}

#[tokio::test]
async fn malformed_json_is_400_invalid_payload() {
    let world = world().await;
    let reply = post(&world.endpoints.slack, "{\"text\": ").await;
    assert_eq!(
        (reply.status, reply.text.as_str()),
        (400, "invalid_payload")
    );
}

#[tokio::test]
async fn message_without_text_is_400_no_text() {
    let world = world().await;
    for body in [r#"{}"#, r#"{"text": "   "}"#] {
        let reply = post(&world.endpoints.slack, body).await;
        assert_eq!(
            (reply.status, reply.text.as_str()),
            (400, "no_text"),
            "{body}"
        );
    }
    assert!(world.read(|w| w.alerts.is_empty()));
}

#[tokio::test]
async fn wrong_token_or_path_is_404_no_service() {
    let world = world().await;
    let wrong_token = format!("{}x", world.endpoints.slack);
    let base = world
        .endpoints
        .slack
        .split("/services/")
        .next()
        .expect("base")
        .to_string();
    for url in [
        wrong_token,
        format!("{base}/services/T0/B0/nope"),
        format!("{base}/api/chat.postMessage"),
    ] {
        let reply = post(&url, r#"{"text": "hi"}"#).await;
        assert_eq!(
            (reply.status, reply.text.as_str()),
            (404, "no_service"),
            "{url}"
        );
    }
}
