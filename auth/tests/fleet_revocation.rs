//! The API revokes the fleet's token: every process heals through one new token for the
//! whole fleet, and no caller sees an error.
#![cfg(feature = "redis")]

mod fleet_support;

use std::time::Duration;

use fleet_support::{Fleet, RedisServer, SECRET, TokenServer, sleep};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_fleet_token_revoked() {
    let redis = RedisServer::start();
    let server = TokenServer::start(Duration::from_secs(3600)).await;
    let processes = 4;
    let running = Fleet::new(processes, 4, Duration::from_secs(4))
        .redis(&redis)
        .spawn(&server);
    sleep(Duration::from_millis(1500));
    assert_eq!(server.token_requests(), 1, "cold start");
    server.revoke_all();
    let outcome = running.finish();
    outcome.assert_no_caller_error();
    // Each process saw the 401 once and re-sent with the new token.
    assert!(
        outcome.sum("/unauthorized_retries") >= processes as u64,
        "{:#?}",
        outcome.reports
    );
    // One token for the cold start, one to heal; a process whose 401 races the first
    // process's fetch may remove the revoked entry itself and fetch once more.
    let requests = server.token_requests();
    eprintln!("revocation: {requests} token requests in all");
    assert!(
        requests <= 3,
        "{requests} token requests: {:#?}",
        outcome.reports
    );
    assert!(outcome.sum("/shared/revocations") >= 1);

    for (key, value) in redis.dump() {
        assert!(!key.contains(SECRET) && !String::from_utf8_lossy(&value).contains(SECRET));
        for token in server.issued() {
            assert!(!String::from_utf8_lossy(&value).contains(&token));
        }
    }
}
