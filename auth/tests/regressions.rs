//! Regression tests of the adversarial review (issue 9): a fetch lost with its runtime, a
//! token dead on arrival, waits without bound, and 401 challenges. Each asserts what the
//! caller sees and what reached the token source or server.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::*;
use futures::FutureExt as _;
use futures::future::BoxFuture;
use nxtsoft_auth::{Authenticator, FetchedToken, RefreshPolicy, TokenError, TokenSource};
use serde_json::json;
use tokio::time::advance;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const HOUR: Duration = Duration::from_secs(3600);

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Shape 1: one client in a `static` shared by several `#[tokio::test]`s, each with its own
/// current-thread runtime. The first test ends while its fetch is under way.
#[test]
fn lost_fetch_static_client_shared_by_tests_with_their_own_runtimes() {
    static SOURCE: std::sync::LazyLock<ScriptedSource> =
        std::sync::LazyLock::new(|| ScriptedSource::gated(vec![Step::Token("t1", HOUR)]));
    static CLIENT: std::sync::LazyLock<Authenticator> =
        std::sync::LazyLock::new(|| Authenticator::from_source(SOURCE.clone()));

    // "Test 1": its call is still waiting on the token source when the test (and its
    // runtime) ends.
    runtime().block_on(async {
        let waited = tokio::time::timeout(Duration::from_millis(20), CLIENT.header_value()).await;
        assert!(waited.is_err(), "still fetching");
    });
    assert_eq!(SOURCE.calls(), 1);

    // "Test 2", on a new runtime: a new fetch, not a join on the dead one.
    SOURCE.open(1);
    let header = runtime().block_on(CLIENT.header_value()).unwrap();
    assert_eq!(header.to_str().unwrap(), "Bearer t1");
    assert_eq!(SOURCE.calls(), 2);
}

/// Shape 2: a synchronous facade that builds a runtime per call. Each call after the first
/// starts a background refresh that its runtime drops unpolled; when the token dies, the
/// next call must still get one.
#[test]
fn lost_fetch_sync_facade_with_a_runtime_per_call() {
    let source = ScriptedSource::new(vec![Step::Token("t", Duration::from_millis(300))]);
    let authenticator = Authenticator::source_builder(source.clone())
        // Refresh due from the start: every call spawns a background refresh.
        .refresh_policy(RefreshPolicy::default().refresh_lead(1.0, HOUR))
        .build()
        .unwrap();
    let call = |authenticator: &Authenticator| runtime().block_on(authenticator.header_value());
    for _ in 0..3 {
        call(&authenticator).unwrap();
    }
    // The token (300 ms) is dead now; every refresh task was dropped with its runtime.
    std::thread::sleep(Duration::from_millis(400));
    let header = call(&authenticator).expect("a new fetch, not a stuck marker");
    assert_eq!(header.to_str().unwrap(), "Bearer t");
    assert!(source.calls() >= 2, "{}", source.calls());
}

/// Shape 3: `now_or_never` (or a `select!` that picks another branch) around a call, then
/// the runtime ends: the fetch task is dropped before it is ever polled.
#[test]
fn lost_fetch_now_or_never_then_runtime_shutdown() {
    let source = ScriptedSource::new(vec![Step::Token("t1", HOUR)]);
    let authenticator = Authenticator::from_source(source.clone());
    runtime().block_on(async {
        assert!(authenticator.header_value().now_or_never().is_none());
    });
    assert_eq!(source.calls(), 0, "the task never ran");
    let header = runtime().block_on(authenticator.header_value()).unwrap();
    assert_eq!(header.to_str().unwrap(), "Bearer t1");
    assert_eq!(source.calls(), 1);
    assert_eq!(
        authenticator.stats().fetch_failures,
        0,
        "nothing was remembered"
    );
}

#[test]
fn a_lost_fetch_says_what_happened() {
    let text = TokenError::Abandoned.to_string();
    assert!(text.contains("runtime that ran it shut down"), "{text}");
    let hint = TokenError::Abandoned.hint();
    assert!(hint.contains("next call starts a new fetch"), "{hint}");
    assert!(!hint.contains("inside a Tokio runtime"), "{hint}");
}

/// A 1 s token from an endpoint that took 1.5 s: refused with a typed error, not handed out.
#[tokio::test(start_paused = true)]
async fn a_token_past_its_deadline_on_arrival_is_refused() {
    let source = ScriptedSource::gated(vec![
        Step::Token("late", Duration::from_secs(1)),
        Step::Token("t2", HOUR),
    ]);
    let authenticator = Authenticator::from_source(source.clone());
    let waiting = {
        let authenticator = authenticator.clone();
        tokio::spawn(async move { authenticator.header_value().await })
    };
    while source.calls() == 0 {
        tokio::task::yield_now().await;
    }
    advance(Duration::from_millis(1500)).await;
    source.open(1);
    let error = waiting.await.unwrap().unwrap_err();
    match error.token_error() {
        TokenError::ExpiredOnArrival { lifetime, took } => {
            assert_eq!(*lifetime, Duration::from_secs(1));
            assert_eq!(*took, Duration::from_millis(1500));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        error
            .to_string()
            .contains("already past its usable deadline"),
        "{error}"
    );
    assert!(error.next_attempt_in().is_some());
    // The next attempt (about a second later) gets a good token.
    advance(Duration::from_secs(1)).await;
    source.open(1);
    assert_eq!(header_of(&authenticator).await.unwrap(), bearer("t2"));
    assert_eq!(source.calls(), 2);
}

/// `expires_in: 0` is a token with no life: the same typed error, and it is never cached.
#[tokio::test]
async fn expires_in_zero_is_dead_on_arrival() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(token_body("zero", json!(0)))
        .mount(&server)
        .await;
    let authenticator = Authenticator::new(credentials(&server)).unwrap();
    let error = authenticator.header_value().await.unwrap_err();
    assert!(
        matches!(error.token_error(), TokenError::ExpiredOnArrival { lifetime, .. } if lifetime.is_zero()),
        "{error:?}"
    );
    assert_eq!(token_requests(&server).await, 1);
}

/// A custom source that never answers.
struct Hanging(Arc<AtomicUsize>);

impl TokenSource for Hanging {
    fn fetch(&self) -> BoxFuture<'_, Result<FetchedToken, TokenError>> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(futures::future::pending())
    }
}

#[tokio::test(start_paused = true)]
async fn a_token_source_that_never_answers_is_a_typed_timeout() {
    let calls = Arc::new(AtomicUsize::new(0));
    let authenticator = Authenticator::from_source(Hanging(Arc::clone(&calls)));
    let start = tokio::time::Instant::now();
    let error = authenticator.header_value().await.unwrap_err();
    assert_eq!(
        start.elapsed(),
        Duration::from_secs(30),
        "the documented bound"
    );
    assert!(
        matches!(error.token_error(), TokenError::FetchTimedOut { waited } if *waited == Duration::from_secs(30)),
        "{error:?}"
    );
    // The next call, after the outage interval, tries again.
    advance(Duration::from_secs(1)).await;
    assert!(authenticator.header_value().await.is_err());
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_token_endpoint_that_never_answers_with_a_client_without_timeouts() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(token_body("never", json!(60)).set_delay(Duration::from_secs(3600)))
        .mount(&server)
        .await;
    let authenticator = Authenticator::builder(credentials(&server))
        .token_http_client(untimed_client())
        .retry_policy(untimed_retry())
        .refresh_policy(
            RefreshPolicy::default()
                .max_wait(Some(Duration::from_millis(300)))
                .outage_retry_interval(Duration::ZERO),
        )
        .build()
        .unwrap();
    for round in 1..=2 {
        let error = authenticator.header_value().await.unwrap_err();
        assert!(
            matches!(error.token_error(), TokenError::FetchTimedOut { .. }),
            "{error:?}"
        );
        assert_eq!(
            token_requests(&server).await,
            round,
            "a new request each call"
        );
    }
}

async fn api_answering_401(challenge: &str) -> (MockServer, Authenticator) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(token_body("tok", json!(3600)))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(token_body("tok2", json!(3600)))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(path("/api"))
        .and(header("authorization", "Bearer tok"))
        .respond_with(ResponseTemplate::new(401).insert_header("www-authenticate", challenge))
        .mount(&server)
        .await;
    Mock::given(path("/api"))
        .and(header("authorization", "Bearer tok2"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let authenticator = Authenticator::builder(credentials(&server))
        .refresh_policy(RefreshPolicy::default().min_reject_interval(Duration::ZERO))
        .build()
        .unwrap();
    (server, authenticator)
}

async fn send(server: &MockServer, authenticator: &Authenticator) -> reqwest::StatusCode {
    let http = nxtsoft_auth::api_http_client_for(&server.uri()).unwrap();
    let mut request = http
        .post(format!("{}/api", server.uri()))
        .body("{}")
        .build()
        .unwrap();
    authenticator.authorize(&mut request).await.unwrap();
    authenticator
        .execute(&http, request)
        .await
        .unwrap()
        .status()
}

async fn api_requests(server: &MockServer) -> usize {
    let requests = server.received_requests().await.unwrap();
    requests.iter().filter(|r| r.url.path() == "/api").count()
}

#[tokio::test]
async fn a_401_for_insufficient_scope_costs_no_token_and_no_resend() {
    let (server, authenticator) = api_answering_401(
        r#"Bearer realm="api", error="insufficient_scope", scope="transactions/post""#,
    )
    .await;
    assert_eq!(send(&server, &authenticator).await, 401);
    assert_eq!(token_requests(&server).await, 1);
    assert_eq!(api_requests(&server).await, 1);
    assert_eq!(authenticator.stats().unauthorized_retries, 0);
    // The token was not evicted: the next call uses it without a token request.
    assert_eq!(send(&server, &authenticator).await, 401);
    assert_eq!(token_requests(&server).await, 1);
}

#[tokio::test]
async fn a_401_for_an_invalid_token_evicts_and_resends_once() {
    for challenge in [r#"Bearer error="invalid_token""#, "Bearer"] {
        let (server, authenticator) = api_answering_401(challenge).await;
        assert_eq!(send(&server, &authenticator).await, 200, "{challenge}");
        assert_eq!(token_requests(&server).await, 2, "{challenge}");
        assert_eq!(api_requests(&server).await, 2, "{challenge}");
        assert_eq!(authenticator.stats().unauthorized_retries, 1);
    }
}
