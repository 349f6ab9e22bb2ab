//! Webhook delivery: turns world events into each subscriber's signed request, posts it
//! to the integration, journals every attempt, and schedules retries on the virtual clock
//! with the provider's own schedule when the integration does not answer 2xx.

use std::sync::Arc;
use std::time::Instant;

use drydock_core::faults::WebhookEffect;
use drydock_core::{NodeId, Timestamp, World, WorldEvent, WorldEventKind};

use crate::handle::{WorldHandle, WorldSettings};
use crate::journal::{Direction, JournalEntry, body_text, keep_headers};
use crate::persona::{self, Persona};
use crate::providers::ProviderId;

/// A webhook on its way, kept between attempts. Its id and provider webhook id stay the
/// same across retries, as the providers' do.
#[derive(Debug, Clone)]
pub struct PendingDelivery {
    pub id: u64,
    /// The node that sends it (its journal lane, its signing secret).
    pub node: NodeId,
    pub provider: ProviderId,
    pub topic: String,
    pub url: String,
    pub body: Vec<u8>,
    pub webhook_id: String,
    pub event_at: Timestamp,
    pub attempt: u32,
    /// A per-subscription signing secret (EasyPost webhooks may carry their own).
    pub secret: Option<String>,
    /// Forged by a `bad_signature` fault: signed wrongly, sent once, never retried.
    pub forged: bool,
}

/// A webhook the persona wants sent, before it has a delivery id.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub node: NodeId,
    pub provider: ProviderId,
    pub topic: String,
    pub url: String,
    pub body: Vec<u8>,
    pub webhook_id: String,
    pub secret: Option<String>,
}

/// Every webhook an event causes at the node it concerns (`event.node`), one per
/// subscriber of that node, rendered in its provider's format. A node with no
/// subscriptions at all delivers to the default webhook base, if set.
pub(crate) fn render_event(
    world: &World,
    personas: &[Arc<Persona>],
    event: &WorldEvent,
    settings: &WorldSettings,
) -> Vec<Outgoing> {
    let mut out = Vec::new();
    for persona in personas.iter().filter(|p| p.node == event.node) {
        let provider = persona.provider();
        let Some((topic, body)) = provider.webhook(world, &persona.node, event) else {
            continue;
        };
        let mut targets = provider.subscribers(world, &persona.node, topic);
        if let Some(base) = &settings.default_webhook_base
            && !provider.has_subscriptions(world, &persona.node)
        {
            targets.push((
                format!("{}/webhooks/{}", base.trim_end_matches('/'), persona.node),
                None,
            ));
        }
        out.extend(targets.into_iter().map(|(url, secret)| Outgoing {
            node: persona.node.clone(),
            provider: persona.provider,
            topic: topic.to_string(),
            url,
            body: body.clone(),
            webhook_id: String::new(),
            secret,
        }));
    }
    out
}

/// Delivers everything `events` call for, one after another, in event order.
pub async fn deliver_all(handle: &Arc<WorldHandle>, events: Vec<WorldEvent>) {
    let _delivering = handle.activity.delivering();
    for event in events {
        let deliveries = match event.kind {
            WorldEventKind::RedeliveryDue { delivery_id } => {
                let pending = handle
                    .pending
                    .lock()
                    .ok()
                    .and_then(|mut p| p.remove(&delivery_id));
                pending.into_iter().map(|d| (d, false)).collect::<Vec<_>>()
            }
            _ => {
                let outgoing =
                    handle.read(|w| render_event(w, &handle.personas, &event, &handle.settings));
                let outgoing = handle.with_world(|w| {
                    outgoing
                        .into_iter()
                        .map(|mut o| {
                            if o.webhook_id.is_empty() {
                                o.webhook_id = w.next_uuid();
                            }
                            o
                        })
                        .collect::<Vec<_>>()
                });
                outgoing
                    .0
                    .into_iter()
                    .map(|o| PendingDelivery {
                        id: handle.next_delivery_id(),
                        node: o.node,
                        provider: o.provider,
                        topic: o.topic,
                        url: o.url,
                        body: o.body,
                        webhook_id: o.webhook_id,
                        event_at: event.at,
                        attempt: 0,
                        secret: o.secret,
                        forged: false,
                    })
                    .map(|d| (d, true))
                    .collect()
            }
        };
        for (delivery, fresh) in deliveries {
            if fresh {
                send_new(handle, delivery).await;
            } else {
                attempt(handle, delivery).await;
            }
        }
    }
}

/// A first delivery: webhook faults may drop, delay, duplicate, hold or forge it.
async fn send_new(handle: &Arc<WorldHandle>, delivery: PendingDelivery) {
    let (fired, _) = handle.with_world(|w| {
        if w.faults.active().is_empty() {
            return None;
        }
        let body = String::from_utf8_lossy(&delivery.body);
        let now = w.now();
        w.faults.on_webhook(
            delivery.node.as_str(),
            delivery.provider.name(),
            &delivery.topic,
            &body,
            now,
        )
    });
    let Some(fired) = fired else {
        return attempt(handle, delivery).await;
    };
    persona::journal_fault(handle, delivery.node.as_str(), &fired);
    match fired.effect {
        WebhookEffect::Dropped => {}
        WebhookEffect::Delayed { delay } => {
            let wait = delay.as_core();
            let due = drydock_core::limits::later(handle.now(), wait);
            let id = delivery.id;
            let node = delivery.node.clone();
            if let Ok(mut pending) = handle.pending.lock() {
                pending.insert(id, delivery);
            }
            handle.with_world(|w| w.schedule_redelivery(&node, due, id));
        }
        WebhookEffect::Duplicate => {
            let copy = PendingDelivery {
                id: handle.next_delivery_id(),
                ..delivery.clone()
            };
            attempt(handle, delivery).await;
            attempt(handle, copy).await;
        }
        WebhookEffect::BadSignature => {
            let forged = PendingDelivery {
                id: handle.next_delivery_id(),
                webhook_id: handle.with_world(|w| w.next_uuid()).0,
                forged: true,
                ..delivery.clone()
            };
            attempt(handle, forged).await;
            attempt(handle, delivery).await;
        }
        WebhookEffect::OutOfOrder => {
            let held = handle
                .held
                .lock()
                .map(|mut held| {
                    held.push(delivery);
                    held.len()
                })
                .unwrap_or_default();
            // Two held back: the newer goes first.
            if held >= 2 {
                release_held(handle).await;
            }
        }
    }
}

/// Delivers what an `out_of_order` fault still holds, newest first.
pub async fn release_held(handle: &Arc<WorldHandle>) {
    let _delivering = handle.activity.delivering();
    let held = handle
        .held
        .lock()
        .map(|mut h| std::mem::take(&mut *h))
        .unwrap_or_default();
    for d in held.into_iter().rev() {
        attempt(handle, d).await;
    }
}

async fn attempt(handle: &Arc<WorldHandle>, mut delivery: PendingDelivery) {
    delivery.attempt += 1;
    let now = handle.now();
    let provider = delivery.provider.get();
    let mut headers = match handle.persona(delivery.node.as_str()) {
        Some(persona) => provider.webhook_headers(handle, &persona, &delivery),
        None => Vec::new(),
    };
    if delivery.forged
        && let Some((name, wrong)) = provider.forged_signature()
    {
        for (n, value) in headers.iter_mut() {
            if *n == name {
                value.clone_from(&wrong);
            }
        }
    }
    let mut request = handle.http.post(&delivery.url).body(delivery.body.clone());
    for (name, value) in &headers {
        request = request.header(name.as_str(), value.as_str());
    }
    handle.activity.touch();
    let started = Instant::now();
    // Subscriptions are checked when made; this also covers the default webhook base and
    // anything that reached the world another way.
    let refused = handle.settings.webhook_targets.check(&delivery.url).err();
    let outcome = match &refused {
        Some(why) => Err(format!("not sent: the target {why}")),
        None => request.send().await.map_err(|e| describe(&e)),
    };
    let duration_ms = started.elapsed().as_millis() as u64;
    let (status, response_headers, response_body, error) = match outcome {
        Ok(response) => {
            let status = response.status().as_u16();
            let kept = keep_headers(
                response
                    .headers()
                    .iter()
                    .filter_map(|(n, v)| Some((n.as_str(), v.to_str().ok()?))),
            );
            let body = response.text().await.unwrap_or_default();
            (Some(status), kept, body, None)
        }
        Err(e) => (None, Vec::new(), String::new(), Some(e)),
    };
    handle.activity.touch();
    handle.journal.record(JournalEntry {
        seq: 0,
        direction: Direction::Webhook,
        persona: delivery.node.to_string(),
        virtual_time: now,
        real_ms: handle.real_ms(),
        method: "POST".into(),
        target: delivery.url.clone(),
        topic: Some(delivery.topic.clone()),
        request_headers: headers,
        request_body: body_text(&delivery.body),
        status,
        response_headers,
        response_body,
        error,
        duration_ms,
        delivery_id: Some(delivery.id),
        attempt: Some(delivery.attempt),
        forged: delivery.forged,
    });
    let delivered = status.is_some_and(|s| (200..300).contains(&s));
    if delivered || delivery.forged || refused.is_some() {
        return;
    }
    let schedule = provider.retry_schedule();
    let Some(wait) = schedule.get(delivery.attempt as usize - 1).copied() else {
        tracing::info!(url = %delivery.url, topic = %delivery.topic, "webhook given up after {} attempts", delivery.attempt);
        return;
    };
    let id = delivery.id;
    let node = delivery.node.clone();
    if let Ok(mut pending) = handle.pending.lock() {
        pending.insert(id, delivery);
    }
    handle.with_world(|w| w.schedule_redelivery(&node, drydock_core::limits::later(now, wait), id));
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "connection refused".into()
    } else {
        format!("request failed: {e}")
    }
}
