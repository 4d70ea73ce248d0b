//! Each test is a row of the fault matrix (`fault_fleet_<name>`, listed in the README's
//! *Failure behaviour* table).
//! Redis failing under a running fleet of real OS processes: callers never see an error, and
//! token requests stay bounded by what the fleet would make without Redis.
#![cfg(feature = "redis")]

mod fleet_support;

use std::time::Duration;

use fleet_support::{Fleet, OTHER_SECRET, Outcome, RedisServer, TokenServer, sleep, windows};

const LIFETIME: Duration = Duration::from_secs(2);
const LONG: Duration = Duration::from_secs(3600);
const PROCESSES: usize = 3;
const WORKERS: usize = 4;

/// Never worse than the same fleet without Redis: one token per process and window, one more
/// when the refresh jitter brings a refresh into the run's last window, and one per process
/// for a fetch interrupted by the fault.
fn assert_bounded(outcome: &Outcome, server: &TokenServer, duration: Duration) {
    outcome.assert_no_caller_error();
    let bound = PROCESSES as u64 * (windows(duration, LIFETIME) + 2);
    let requests = server.token_requests();
    eprintln!("{requests} token requests (bound {bound})");
    assert!(
        requests <= bound,
        "{requests} token requests > {bound}: {:#?}",
        outcome.reports
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_fleet_redis_down_at_start() {
    let server = TokenServer::start(LIFETIME).await;
    let duration = Duration::from_secs(3);
    let outcome = Fleet::new(PROCESSES, WORKERS, duration)
        .redis_url(RedisServer::unused_url())
        .run(&server);
    assert_bounded(&outcome, &server, duration);
    assert!(outcome.sum("/shared/errors") >= PROCESSES as u64);
    assert!(outcome.sum("/shared/fallbacks") >= PROCESSES as u64);
    assert_eq!(outcome.sum("/shared/hits"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_fleet_redis_killed_mid_run() {
    let mut redis = RedisServer::start();
    let server = TokenServer::start(LIFETIME).await;
    let duration = Duration::from_secs(4);
    let running = Fleet::new(PROCESSES, WORKERS, duration)
        .redis(&redis)
        .spawn(&server);
    sleep(Duration::from_millis(1200));
    redis.kill();
    let outcome = running.finish();
    assert_bounded(&outcome, &server, duration);
    assert!(outcome.sum("/shared/errors") > 0, "{:#?}", outcome.reports);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_fleet_redis_restarted_empty() {
    let mut redis = RedisServer::start();
    let server = TokenServer::start(LIFETIME).await;
    let duration = Duration::from_secs(5);
    let running = Fleet::new(PROCESSES, WORKERS, duration)
        .redis(&redis)
        .spawn(&server);
    sleep(Duration::from_millis(1200));
    redis.restart();
    let outcome = running.finish();
    assert_bounded(&outcome, &server, duration);
    // The processes reconnected by themselves and kept sharing after the restart.
    assert!(
        outcome.sum("/shared/publishes") >= 2,
        "{:#?}",
        outcome.reports
    );
    assert!(outcome.sum("/shared/hits") > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_fleet_redis_paused() {
    let redis = RedisServer::start();
    let server = TokenServer::start(LIFETIME).await;
    let duration = Duration::from_secs(5);
    let running = Fleet::new(PROCESSES, WORKERS, duration)
        .redis(&redis)
        .spawn(&server);
    sleep(Duration::from_millis(1000));
    redis.pause();
    sleep(Duration::from_millis(2000));
    redis.resume();
    let outcome = running.finish();
    assert_bounded(&outcome, &server, duration);
    assert!(outcome.sum("/shared/errors") > 0, "{:#?}", outcome.reports);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_fleet_redis_out_of_memory() {
    let redis = RedisServer::start();
    // Every write is refused with OOM; reads still work.
    redis.config("maxmemory-policy", "noeviction");
    redis.config("maxmemory", "1");
    let server = TokenServer::start(LIFETIME).await;
    let duration = Duration::from_secs(3);
    let outcome = Fleet::new(PROCESSES, WORKERS, duration)
        .redis(&redis)
        .run(&server);
    assert_bounded(&outcome, &server, duration);
    assert!(
        outcome.sum("/shared/errors") >= PROCESSES as u64,
        "{:#?}",
        outcome.reports
    );
    assert_eq!(outcome.sum("/shared/publishes"), 0);
}

/// One process publishes a long-lived token; returns the Redis key it used.
fn prime(redis: &RedisServer, server: &TokenServer, secret: &'static str) -> String {
    let before = redis.token_keys();
    Fleet::new(1, 1, Duration::from_millis(200))
        .redis(redis)
        .secret(secret)
        .run(server)
        .assert_no_caller_error();
    let after = redis.token_keys();
    after
        .into_iter()
        .find(|k| !before.contains(k))
        .expect("the primed entry")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_fleet_tampered_entry() {
    let redis = RedisServer::start();
    let server = TokenServer::start(LONG).await;
    let key = prime(&redis, &server, fleet_support::SECRET);
    let mut value = redis.get(&key).expect("entry");
    let last = value.len() - 1;
    value[last] ^= 0x01;
    redis.set(&key, &value, LONG);

    let outcome = Fleet::new(PROCESSES, WORKERS, Duration::from_millis(1500))
        .redis(&redis)
        .run(&server);
    outcome.assert_no_caller_error();
    assert!(outcome.sum("/shared/invalid_entries") >= 1);
    assert!(
        server.token_requests() <= 1 + 2,
        "prime + one fleet fetch (+1 race)"
    );
    assert_ne!(
        redis.get(&key),
        Some(value),
        "the tampered entry was replaced"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_fleet_entry_under_another_secret() {
    let redis = RedisServer::start();
    let server = TokenServer::start(LONG).await;
    let ours = prime(&redis, &server, fleet_support::SECRET);
    let theirs = prime(&redis, &server, OTHER_SECRET);
    assert_ne!(ours, theirs, "another secret, another key");
    let foreign = redis.get(&theirs).expect("their entry");
    redis.set(&ours, &foreign, LONG);

    let outcome = Fleet::new(PROCESSES, WORKERS, Duration::from_millis(1500))
        .redis(&redis)
        .run(&server);
    outcome.assert_no_caller_error();
    assert!(outcome.sum("/shared/invalid_entries") >= 1);
    assert!(
        server.token_requests() <= 2 + 2,
        "two primes + one fleet fetch (+1 race)"
    );

    // Old and new secret side by side: each fleet keeps its own entry, nobody refetches.
    let before = server.token_requests();
    let old = Fleet::new(2, WORKERS, Duration::from_millis(1500)).redis(&redis);
    let new = old.clone().secret(OTHER_SECRET);
    let (old, new) = (old.spawn(&server), new.spawn(&server));
    let (old, new) = (old.finish(), new.finish());
    old.assert_no_caller_error();
    new.assert_no_caller_error();
    assert_eq!(server.token_requests(), before, "{old:#?} {new:#?}");
    assert_eq!(redis.token_keys().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_fleet_lock_holder_killed() {
    let redis = RedisServer::start();
    let server = TokenServer::start(LONG).await;
    // The first process takes the lock, and its token request hangs: kill it there.
    server.slow_next(Duration::from_secs(20));
    let holder = Fleet::new(1, 1, Duration::from_secs(20))
        .redis(&redis)
        .spawn(&server);
    let lock = wait_for_lock(&redis);
    // The lock is taken before the token request is sent: let the request arrive first.
    wait_for(
        || server.token_requests() >= 1,
        "the lock holder's token request",
    );
    holder.kill();
    assert_eq!(server.token_requests(), 1, "the killed holder's request");

    let outcome = Fleet::new(PROCESSES, WORKERS, Duration::from_millis(2500))
        .redis(&redis)
        .lock_wait(Duration::from_secs(1))
        .run(&server);
    outcome.assert_no_caller_error();
    assert_eq!(outcome.sum("/shared/lock_waits"), PROCESSES as u64);
    assert!(outcome.sum("/shared/fallbacks") >= 1);
    // The first to give up publishes; the others usually find its token.
    let requests = server.token_requests();
    eprintln!("{requests} token requests after a killed lock holder");
    assert!(
        requests <= 1 + PROCESSES as u64,
        "{requests}: {:#?}",
        outcome.reports
    );
    assert!(
        redis.get(&lock).is_some(),
        "the dead holder's lock is not ours to release"
    );
}

/// The lock key, once a process has taken it.
/// Polls `condition` for up to 10 s; panics naming `what` if it never holds.
fn wait_for(condition: impl Fn() -> bool, what: &str) {
    for _ in 0..500 {
        if condition() {
            return;
        }
        sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting for {what}");
}

fn wait_for_lock(redis: &RedisServer) -> String {
    for _ in 0..500 {
        if let Some((key, _)) = redis.dump().into_iter().find(|(k, _)| k.ends_with(":lock")) {
            return key;
        }
        sleep(Duration::from_millis(20));
    }
    panic!("no process took the fleet lock");
}
