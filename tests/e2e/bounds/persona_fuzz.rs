//! Generated requests to every persona endpoint, answered in-process: valid values,
//! boundary values (0, -1, u32/i64 maxima, huge and tiny decimals, empty, unicode and very
//! long strings) and garbage (wrong types, missing fields, broken JSON). After each one:
//! nothing panicked, the status is 2xx or 4xx (no fault is active), a 4xx is in the
//! provider's error shape, and `World::check_consistency` finds nothing.

use std::sync::Arc;

use drydock_simulator::WorldHandle;
use proptest::prelude::*;

use super::draw::{Draw, encode};
use super::endpoints::{ENDPOINTS, known, request};
use super::{call, in_provider_shape, stocked_world};
fn check_one(world: &Arc<WorldHandle>, seeds: &[u32]) -> Result<(), TestCaseError> {
    let mut d = Draw { seeds, next: 0 };
    let endpoint = d.below(ENDPOINTS);
    let k = known(world);
    let (kind, method, path, body) = request(endpoint, &mut d, &k);
    let bytes = encode(&body, &mut d);
    let sent = String::from_utf8_lossy(&bytes)
        .chars()
        .take(300)
        .collect::<String>();
    let response = call(world, kind, method.clone(), &path, bytes);
    let what = format!("{method} {} {path} {sent}", kind.name());
    prop_assert!(
        (200..300).contains(&response.status) || (400..500).contains(&response.status),
        "{what}: status {} {}",
        response.status,
        response.body_text()
    );
    if response.status >= 400 {
        prop_assert!(
            in_provider_shape(kind, &response),
            "{what}: {} not in the provider's shape: {}",
            response.status,
            response.body_text()
        );
    }
    let problems = world.read(|w| w.check_consistency());
    prop_assert!(problems.is_empty(), "{what}: {problems:#?}");
    Ok(())
}

/// A stocked world and the runtime its personas need, for calls made without sockets.
fn stocked_world_in_runtime() -> (tokio::runtime::Runtime, Arc<WorldHandle>) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let world = rt.block_on(stocked_world());
    (rt, world)
}

proptest! {
    // 48 worlds of 64 requests each: about 70 calls per endpoint, a few seconds in debug.
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, rng_seed: proptest::test_runner::RngSeed::Fixed(0x5eed_d0c0), ..ProptestConfig::default() })]

    #[test]
    fn every_persona_endpoint_answers_generated_requests_without_breaking_the_world(
        requests in proptest::collection::vec(proptest::collection::vec(any::<u32>(), 24), 64),
    ) {
        let (rt, world) = stocked_world_in_runtime();
        let _inside = rt.enter();
        for seeds in &requests {
            check_one(&world, seeds)?;
        }
    }
}

/// Every endpoint is reached: each index yields a request its persona routes (a
/// generator that only produced 404s would prove nothing).
#[test]
fn the_generator_reaches_every_endpoint() {
    let (rt, world) = stocked_world_in_runtime();
    let _inside = rt.enter();
    let valid = [0u32; 24];
    for n in 0..ENDPOINTS {
        let mut d = Draw {
            seeds: &valid,
            next: 0,
        };
        let k = known(&world);
        let (kind, method, path, body) = request(n, &mut d, &k);
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        let response = call(&world, kind, method.clone(), &path, bytes);
        assert!(
            response.operation.is_some(),
            "endpoint {n} ({method} {path}) was not routed: {} {}",
            response.status,
            response.body_text()
        );
    }
}
