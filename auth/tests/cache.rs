//! The token cache: single flight, outage bounds, refresh-ahead, failure handling,
//! cancellation safety. Time-dependent tests run on a paused clock.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use futures::FutureExt as _;
use nxtsoft_auth::{Authenticator, RefreshPolicy, TokenError};
use reqwest::StatusCode;
use serde_json::json;
use tokio::time::{Instant, advance};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const HUNDRED_SECONDS: Duration = Duration::from_secs(100);

/// Lets spawned tasks (the fetch task) run.
async fn settle() {
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
}

/// The default policy with the jitter fixed at 0, so instants are exact.
fn exact_authenticator(source: &ScriptedSource) -> Authenticator {
    Authenticator::source_builder(source.clone())
        .refresh_policy(RefreshPolicy::default().jitter_source(|| 0.0))
        .build()
        .unwrap()
}

/// `header_value()` polled once: `Some` if it completed without waiting.
fn without_waiting(authenticator: &Authenticator) -> Option<String> {
    authenticator
        .header_value()
        .now_or_never()
        .map(|result| result.unwrap().to_str().unwrap().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_cold_callers_cause_one_token_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(token_body("tok", json!(3600)).set_delay(Duration::from_millis(200)))
        .mount(&server)
        .await;
    let authenticator = Authenticator::new(credentials(&server)).unwrap();
    let callers: Vec<_> = (0..1000)
        .map(|_| {
            let authenticator = authenticator.clone();
            tokio::spawn(async move { header_of(&authenticator).await.unwrap() })
        })
        .collect();
    for caller in callers {
        assert_eq!(caller.await.unwrap(), bearer("tok"));
    }
    assert_eq!(token_requests(&server).await, 1);
    let stats = authenticator.stats();
    assert_eq!(stats.token_requests, 1);
    assert_eq!(stats.fetches, 1);
    assert_eq!(stats.waits + stats.cache_hits, 1000);
}

#[tokio::test(start_paused = true)]
async fn a_thousand_callers_during_an_outage_cause_one_fetch_of_three_requests() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let authenticator = paused_authenticator(credentials(&server));
    let burst = || {
        let callers: Vec<_> = (0..1000)
            .map(|_| {
                let authenticator = authenticator.clone();
                tokio::spawn(async move { authenticator.header_value().await.unwrap_err() })
            })
            .collect();
        futures::future::join_all(callers)
    };
    let errors: Vec<_> = burst().await.into_iter().map(Result::unwrap).collect();
    assert_eq!(
        token_requests(&server).await,
        3,
        "one fetch, three attempts"
    );
    let first = errors[0].token_error() as *const TokenError;
    assert!(
        errors.iter().all(|e| std::ptr::eq(e.token_error(), first)),
        "everyone shares the one failure"
    );
    assert_eq!(
        errors[0].token_error().status(),
        Some(StatusCode::SERVICE_UNAVAILABLE)
    );

    // Right after the failure: the failure is served, nothing is sent.
    burst().await;
    assert_eq!(token_requests(&server).await, 3);

    // After the outage retry interval (at most 950 ms): exactly one more fetch, of a single
    // attempt: during a known outage the cache's cadence spaces the attempts.
    advance(Duration::from_secs(1)).await;
    let errors: Vec<_> = burst().await.into_iter().map(Result::unwrap).collect();
    assert_eq!(token_requests(&server).await, 4);
    let next = errors[0]
        .next_attempt_in()
        .expect("the next attempt is scheduled");
    assert!(
        next > Duration::from_millis(800) && next <= Duration::from_millis(1000),
        "{next:?}"
    );
    assert!(
        errors[0].to_string().contains("next token request in"),
        "{}",
        errors[0]
    );
    let stats = authenticator.stats();
    assert_eq!(
        (stats.fetches, stats.fetch_failures, stats.token_requests),
        (2, 2, 4)
    );
}

#[tokio::test(start_paused = true)]
async fn a_sustained_outage_costs_about_one_request_a_second() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let authenticator = paused_authenticator(credentials(&server));
    let start = Instant::now();
    let mut calls = 0;
    // A caller every 100 ms for a minute.
    while start.elapsed() < Duration::from_secs(60) {
        assert!(authenticator.header_value().await.is_err());
        calls += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let stats = authenticator.stats();
    // One fetch every 855..950 ms (plus the 100 ms caller cadence): 60 to 71 fetches; the
    // first made 3 attempts, every later one a single attempt.
    assert!((60..=71).contains(&stats.fetches), "{stats:?}");
    assert_eq!(stats.token_requests, stats.fetches + 2);
    assert_eq!(token_requests(&server).await as u64, stats.token_requests);
    assert!(calls > 500);
}

#[tokio::test(start_paused = true)]
async fn permanent_errors_back_off_doubling() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"})))
        .mount(&server)
        .await;
    let authenticator = paused_authenticator(credentials(&server));
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        let error = authenticator.header_value().await.unwrap_err();
        assert!(error.next_attempt_in().is_some());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let stats = authenticator.stats();
    // Backoffs of 1, 2, 4, 8, 16, 30 s (each jittered to between half and all of it)
    // allow 6 to 8 fetches in a minute, each a single request (never retried).
    assert!((6..=8).contains(&stats.fetches), "{stats:?}");
    assert_eq!(stats.token_requests, stats.fetches);
}

#[tokio::test(start_paused = true)]
async fn refresh_ahead_no_caller_waits_while_the_token_is_usable() {
    let source = ScriptedSource::gated(vec![
        Step::Token("t1", HUNDRED_SECONDS),
        Step::Token("t2", HUNDRED_SECONDS),
    ]);
    let authenticator = exact_authenticator(&source);
    source.open(1);
    assert_eq!(header_of(&authenticator).await.unwrap(), bearer("t1"));

    // Fresh (before 95 s = 100 − 2 margin − 3 lead): served, no fetch.
    advance(Duration::from_millis(94_900)).await;
    assert_eq!(
        without_waiting(&authenticator).as_deref(),
        Some("Bearer t1")
    );
    settle().await;
    assert_eq!(source.calls(), 1);

    // Refresh window (95 s .. 98 s): served at once while ONE background fetch runs, here
    // held at the gate.
    advance(Duration::from_millis(100)).await;
    for _ in 0..1000 {
        assert_eq!(
            without_waiting(&authenticator).as_deref(),
            Some("Bearer t1")
        );
    }
    settle().await;
    assert_eq!(source.calls(), 2, "one background refresh");
    advance(Duration::from_millis(2_900)).await; // 97.9 s
    assert_eq!(
        without_waiting(&authenticator).as_deref(),
        Some("Bearer t1")
    );

    source.open(1);
    settle().await;
    assert_eq!(
        without_waiting(&authenticator).as_deref(),
        Some("Bearer t2")
    );
    let stats = authenticator.stats();
    assert_eq!(stats.waits, 1, "only the very first caller waited");
    assert_eq!(stats.background_refreshes, 1);
    assert_eq!(stats.fetches, 2);
    assert_eq!(source.calls(), 2);
}

#[tokio::test(start_paused = true)]
async fn past_the_hard_deadline_callers_wait_on_one_fetch() {
    let source = ScriptedSource::gated(vec![
        Step::Token("t1", HUNDRED_SECONDS),
        Step::Token("t2", HUNDRED_SECONDS),
    ]);
    let authenticator = exact_authenticator(&source);
    source.open(1);
    header_of(&authenticator).await.unwrap();
    // Nobody called during the refresh window; at 98 s (100 s − 2 s margin) the token is
    // not used any more.
    advance(Duration::from_secs(98)).await;
    let waiting: Vec<_> = (0..100)
        .map(|_| {
            let authenticator = authenticator.clone();
            tokio::spawn(async move { header_of(&authenticator).await.unwrap() })
        })
        .collect();
    settle().await;
    assert!(waiting.iter().all(|w| !w.is_finished()), "they wait");
    source.open(1);
    for caller in waiting {
        assert_eq!(caller.await.unwrap(), bearer("t2"));
    }
    assert_eq!(source.calls(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_failed_refresh_keeps_the_old_token_until_its_deadline() {
    let source = ScriptedSource::new(vec![
        Step::Token("t1", HUNDRED_SECONDS),
        Step::Fail(StatusCode::SERVICE_UNAVAILABLE),
    ]);
    let authenticator = exact_authenticator(&source);
    let start = Instant::now();
    header_of(&authenticator).await.unwrap();
    advance(Duration::from_secs(95)).await;
    // Every 100 ms until just before the 98 s deadline: the old token, no waiting.
    while Instant::now() < start + Duration::from_millis(97_950) {
        assert_eq!(
            without_waiting(&authenticator).as_deref(),
            Some("Bearer t1")
        );
        settle().await;
        advance(Duration::from_millis(100)).await;
    }
    // Refreshes were retried at the outage cadence (950 ms with this jitter, rounded up to
    // the callers' 100 ms steps), not in a hot loop: at 95, 96 and 97 s.
    assert_eq!(source.calls(), 1 + 3);
    let stats = authenticator.stats();
    assert_eq!(stats.refresh_failures as usize, source.calls() - 1);

    // Now 98 s: past the deadline.
    let error = authenticator.header_value().await.unwrap_err();
    assert_eq!(
        error.token_error().status(),
        Some(StatusCode::SERVICE_UNAVAILABLE)
    );
}

#[tokio::test(start_paused = true)]
async fn a_dropped_caller_does_not_cancel_or_poison_the_fetch() {
    let source = ScriptedSource::gated(vec![Step::Token("t1", HUNDRED_SECONDS)]);
    let authenticator = Authenticator::from_source(source.clone());

    let mut caller = Box::pin(header_of(&authenticator));
    assert!(futures::poll!(&mut caller).is_pending());
    settle().await;
    assert_eq!(source.calls(), 1);
    drop(caller);

    // A second caller, aborted while waiting.
    let aborted = {
        let authenticator = authenticator.clone();
        tokio::spawn(async move { header_of(&authenticator).await })
    };
    settle().await;
    aborted.abort();

    source.open(1);
    settle().await;
    // The fetch finished on its own and filled the cache.
    assert_eq!(
        without_waiting(&authenticator).as_deref(),
        Some("Bearer t1")
    );
    assert_eq!(source.calls(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_panicking_source_is_an_error_not_a_stuck_cache() {
    let source = ScriptedSource::new(vec![Step::Panic, Step::Token("t1", HUNDRED_SECONDS)]);
    let authenticator = Authenticator::from_source(source.clone());
    let error = authenticator.header_value().await.unwrap_err();
    assert!(
        matches!(error.token_error(), TokenError::Internal(_)),
        "{error:?}"
    );
    advance(Duration::from_secs(1)).await;
    assert_eq!(header_of(&authenticator).await.unwrap(), bearer("t1"));
    assert_eq!(source.calls(), 2);
}

#[tokio::test]
async fn clones_share_one_cache() {
    let source = ScriptedSource::new(vec![Step::Token("t1", HUNDRED_SECONDS)]);
    let authenticator = Authenticator::from_source(source.clone());
    let clone = authenticator.clone();
    header_of(&authenticator).await.unwrap();
    header_of(&clone).await.unwrap();
    assert_eq!(source.calls(), 1);
    let stats = clone.stats();
    assert_eq!((stats.fetches, stats.cache_hits, stats.waits), (1, 1, 1));
    assert_eq!(
        stats.token_requests, 0,
        "a custom source makes no counted HTTP requests"
    );
}

#[test]
fn authenticator_is_send_sync_clone_debug() {
    fn check<T: Send + Sync + Clone + std::fmt::Debug + 'static>() {}
    check::<Authenticator>();
    check::<Arc<nxtsoft_auth::AuthError>>();
}
