//! A fleet of real OS processes sharing one token through a real `redis-server`: token
//! requests per refresh window with and without Redis, the cold start, and what Redis holds.
#![cfg(feature = "redis")]

mod fleet_support;

use std::time::Duration;

use fleet_support::{Fleet, RedisServer, SECRET, TokenServer, windows};

const LIFETIME: Duration = Duration::from_secs(2);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleet_with_redis_makes_one_token_request_per_window_without_it_one_per_process() {
    let redis = RedisServer::start();
    let processes = 6;
    let duration = Duration::from_secs(6);
    let windows = windows(duration, LIFETIME);

    let shared = TokenServer::start(LIFETIME).await;
    let with_redis = Fleet::new(processes, 8, duration)
        .redis(&redis)
        .run(&shared);
    with_redis.assert_no_caller_error();
    let requests_with = shared.token_requests();
    let dump = redis.dump(); // before the 2 s entry expires

    let alone = TokenServer::start(LIFETIME).await;
    let without_redis = Fleet::new(processes, 8, duration).run(&alone);
    without_redis.assert_no_caller_error();
    let requests_without = alone.token_requests();

    eprintln!(
        "{processes} processes, {windows} windows: {requests_with} token requests with Redis, {requests_without} without"
    );
    assert!(
        requests_with <= windows + 2,
        "with Redis: {requests_with} token requests for {windows} windows: {:#?}",
        with_redis.reports
    );
    assert!(
        requests_without >= processes as u64 * windows,
        "without Redis: {requests_without} token requests, {processes} processes x {windows} windows"
    );
    assert_eq!(with_redis.sum("/token_requests"), requests_with);
    assert!(with_redis.sum("/shared/hits") > 0);
    assert_eq!(with_redis.sum("/shared/errors"), 0);
    assert_eq!(without_redis.sum("/shared/hits"), 0);

    // Hygiene: Redis holds neither the secret nor any token in clear.
    assert!(!dump.is_empty(), "the fleet's entry is in Redis");
    let issued = shared.issued();
    for (key, value) in &dump {
        let texts = [key.as_bytes(), value.as_slice()];
        for text in texts {
            assert!(
                !contains(text, SECRET.as_bytes()),
                "secret in Redis under {key}"
            );
            for token in &issued {
                assert!(
                    !contains(text, token.as_bytes()),
                    "plaintext token in Redis under {key}"
                );
            }
        }
        assert!(
            key.starts_with("nxtsoft-auth:{") && key.contains("}:"),
            "{key}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cold_fleet_makes_one_token_request() {
    let redis = RedisServer::start();
    let server = TokenServer::start(Duration::from_secs(3600)).await;
    // A loaded CI machine must not turn a slow first Redis answer into a second token request.
    let outcome = Fleet::new(6, 8, Duration::from_millis(1500))
        .redis(&redis)
        .redis_timeout(Duration::from_secs(2))
        .run(&server);
    outcome.assert_no_caller_error();
    assert_eq!(server.token_requests(), 1, "{:#?}", outcome.reports);
    assert_eq!(outcome.sum("/shared/publishes"), 1);
    assert_eq!(
        outcome.sum("/shared/hits") + 1,
        6,
        "every other process read the entry"
    );
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
