//! Load with rotation (issue 5, item 3): 64 concurrent workers for a bounded number of
//! requests while tokens expire every 2 s. Asserts counts, never durations: zero failed
//! requests, zero 401s seen by callers, token requests within one of the number of refresh
//! windows the run spanned, and no growth in cached state or memory.

mod support;

use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use nxtsoft_auth::RefreshPolicy;
use support::*;
use tokio::time::Instant;

const WORKERS: usize = 64;
const MAX_REQUESTS_PER_WORKER: u64 = 500;
const LIFETIME: Duration = Duration::from_secs(2);
/// Three token lifetimes.
const RUN: Duration = Duration::from_secs(6);

/// Resident set size of this process, from `/proc/self/statm` (Linux), in bytes.
fn rss() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_workers_through_token_rotation() {
    let standin = standin().await;
    standin.set_token_lifetime(LIFETIME);
    // No jitter, so the refresh windows can be counted: a token is fresh for 75 % of its
    // lifetime (1.5 s), then refreshed in the background while still usable until 1.8 s.
    let setup = Setup {
        refresh: RefreshPolicy::default().jitter(0.0, Duration::ZERO),
        ..Setup::default()
    };
    let client = setup.client(&standin);
    let ok = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let unauthorized = Arc::new(AtomicU64::new(0));

    let started = Instant::now();
    let deadline = started + RUN;
    let workers: Vec<_> = (0..WORKERS)
        .map(|worker| {
            let client = client.clone();
            let (ok, failed, unauthorized) = (ok.clone(), failed.clone(), unauthorized.clone());
            tokio::spawn(async move {
                for n in 0..MAX_REQUESTS_PER_WORKER {
                    if Instant::now() >= deadline {
                        break;
                    }
                    let reference = format!("load-{worker}-{n}");
                    match validate(&client, &reference).await {
                        Ok(_) => ok.fetch_add(1, Ordering::Relaxed),
                        Err(error) => {
                            if error.status().is_some_and(|s| s == 401) {
                                unauthorized.fetch_add(1, Ordering::Relaxed);
                            }
                            eprintln!("request failed: {error}");
                            failed.fetch_add(1, Ordering::Relaxed)
                        }
                    };
                }
            })
        })
        .collect();

    // Sample the cached state and memory once per second; drain the stand-in's request log
    // (it keeps every request by design) so only the client side is measured.
    let mut debug_lengths = Vec::new();
    let mut rss_samples = Vec::new();
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_secs(1)).await;
        drop(standin.take_requests());
        let debug = format!("{:?}", client.authenticator());
        assert_eq!(
            debug.matches("token:").count(),
            1,
            "one cached token: {debug}"
        );
        assert!(!debug.contains("last_failure"), "{debug}");
        debug_lengths.push(debug.len());
        rss_samples.extend(rss());
    }
    for worker in workers {
        worker.await.expect("worker");
    }
    let elapsed = started.elapsed();

    let (ok, failed, unauthorized) = (
        ok.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed),
        unauthorized.load(Ordering::Relaxed),
    );
    let wire = standin.stats();
    let auth = client.authenticator().stats();
    // Refresh windows the run spanned: a token is replaced every 1.5 s (75 % of 2 s); the
    // first token opens the first window.
    let refresh_period = LIFETIME.mul_f64(0.75);
    let windows = (elapsed.as_secs_f64() / refresh_period.as_secs_f64()).ceil() as u64;
    let _ = writeln!(
        std::io::stdout(),
        "\nload: {ok} ok, {failed} failed, {unauthorized} 401s seen by callers, {} token requests \
         for {windows} refresh windows, {} API 401s on the wire, {} re-sends, {} waits, \
         {} background refreshes, rss samples {rss_samples:?}, Debug lengths {debug_lengths:?}",
        wire.token_requests,
        wire.api_status(401),
        auth.unauthorized_retries,
        auth.waits,
        auth.background_refreshes,
    );

    assert_eq!(failed, 0, "zero failed requests");
    assert_eq!(unauthorized, 0, "zero 401s seen by callers");
    assert!(
        ok >= WORKERS as u64,
        "every worker got through at least once"
    );
    assert_eq!(
        wire.validations, ok,
        "every success reached the stand-in once"
    );
    assert_eq!(
        wire.api_status(401),
        auth.unauthorized_retries,
        "every 401 on the wire was absorbed by one re-send"
    );
    assert_eq!(
        wire.token_requests, wire.tokens_issued,
        "no failed token request"
    );
    assert_eq!(auth.token_requests, wire.token_requests);
    assert!(
        wire.token_requests + 1 >= windows && wire.token_requests <= windows + 1,
        "{} token requests for {windows} refresh windows",
        wire.token_requests
    );
    assert!(
        wire.token_requests >= (RUN.as_secs() / LIFETIME.as_secs()),
        "tokens rotated"
    );
    // Cached state does not grow: the Debug view (one token, its windows, the counters)
    // stays within a few characters as counters gain digits.
    let (min, max) = (
        debug_lengths.iter().min().copied().unwrap_or_default(),
        debug_lengths.iter().max().copied().unwrap_or_default(),
    );
    assert!(max - min <= 32, "cached state grew: {debug_lengths:?}");
    // No runaway memory: after the first second, the process grows by less than 64 MiB
    // (a leak of a few KiB per request would exceed it). Allocator noise makes a tighter
    // bound on RSS unreliable; the bounded cached state above is the precise check.
    if let (Some(first), Some(last)) = (rss_samples.first(), rss_samples.last()) {
        let growth = last.saturating_sub(*first);
        assert!(
            growth <= 64 * 1024 * 1024,
            "memory grew by {growth} bytes: {rss_samples:?}"
        );
    }
    standin.shutdown().await;
}
