//! With the `metrics` feature, the token counters are exported through the `metrics` facade
//! under [`METRIC_NAMES`], with the same values `stats()` shows.

mod common;

use common::*;
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use nxtsoft_auth::{Authenticator, METRIC_NAMES};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer};

#[tokio::test]
async fn token_counters_reach_the_metrics_recorder() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    recorder
        .install()
        .expect("the only recorder of this test binary");

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(token_body("tok", json!(3600)))
        .mount(&server)
        .await;
    let authenticator = Authenticator::new(credentials(&server)).unwrap();
    for _ in 0..3 {
        authenticator.header_value().await.unwrap();
    }

    let exported: std::collections::HashMap<String, u64> = snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .filter_map(|(key, _, _, value)| match value {
            DebugValue::Counter(count) => Some((key.key().name().to_owned(), count)),
            _ => None,
        })
        .collect();
    let stats = authenticator.stats();
    let get = |name: &str| exported.get(name).copied().unwrap_or(0);
    assert_eq!(
        get("nxtsoft_auth_token_requests_total"),
        stats.token_requests
    );
    assert_eq!(get("nxtsoft_auth_token_requests_total"), 1);
    assert_eq!(get("nxtsoft_auth_fetches_total"), stats.fetches);
    assert_eq!(get("nxtsoft_auth_cache_hits_total"), stats.cache_hits);
    assert_eq!(get("nxtsoft_auth_cache_hits_total"), 2);
    assert_eq!(get("nxtsoft_auth_waits_total"), stats.waits);
    for name in exported.keys() {
        assert!(
            METRIC_NAMES.contains(&name.as_str()),
            "unknown metric {name}"
        );
    }
}
