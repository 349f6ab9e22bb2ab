//! Every route the reference docs list (each provider's own table) is served: on a
//! fresh world, called with the persona's credentials, the persona routes it to one of
//! its operations (the journal records which), where an unknown path gets none. Ids stand
//! in as `1`, so "no such order" is a fine answer; "no such route" is not.

use drydock_simulator::ProviderId;
use reqwest::{Method, RequestBuilder};

use super::{easypost, send, shipbob, shopify, world};

#[tokio::test]
async fn every_documented_route_is_served() {
    let w = world().await;
    let routed = |method: &str, path: &str| {
        w.journal
            .entries()
            .iter()
            .rev()
            .find(|e| e.method == method && e.target.ends_with(path))
            .and_then(|e| e.topic.clone())
    };
    let request = |persona: &str, method: Method, path: &str| -> RequestBuilder {
        match persona {
            "shopify" => shopify(&w, method, path),
            "easypost" => easypost(&w, method, &format!("/{path}")),
            _ => shipbob(&w, method, &format!("/{path}")),
        }
    };
    let mut unserved = Vec::new();
    for surface in ProviderId::ALL.map(|p| p.get().surface()) {
        if surface.persona == "slack" {
            let posted = send(
                super::client()
                    .post(&w.endpoints.slack)
                    .json(&serde_json::json!({"text": "route check"})),
            )
            .await;
            assert_eq!(posted.status, 200, "{}", posted.text);
            continue;
        }
        let unknown = "no/such/route.json";
        send(request(surface.persona, Method::GET, unknown)).await;
        assert_eq!(
            routed("GET", unknown),
            None,
            "{} routes nonsense",
            surface.persona
        );
        for route in surface.routes {
            let method = Method::from_bytes(route.method.as_bytes()).expect("a method");
            let path = route.path.replace("{id}", "1");
            send(request(surface.persona, method, &path)).await;
            if routed(route.method, &path).is_none() {
                unserved.push(format!(
                    "{} {} {}",
                    surface.persona, route.method, route.path
                ));
            }
        }
    }
    assert!(
        unserved.is_empty(),
        "documented but not served: {unserved:?}"
    );
}
