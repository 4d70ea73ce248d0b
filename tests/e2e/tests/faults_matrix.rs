//! The fault matrix (issue 5): one test per named fault, each asserting what the caller sees
//! (a typed token failure, a progenitor `Error` variant, or success) AND what reached the
//! stand-in (token requests, API requests, transactions recorded).
//!
//! Every test is named `fault_<name>` after an entry of [`FAULTS`] (the `fleet_` ones live in
//! `auth/tests/fleet_*.rs`, next to the shared store they exercise);
//! `fault_matrix_lists_every_fault_test` checks the two agree and prints the matrix size.

mod support;

use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use nxtsoft_auth::{OAuthErrorCode, RefreshPolicy, RetryPolicy, TokenError};
use nxtsoft_client::{Client, Error};
use nxtsoft_standin::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Fault, FaultBody, StandIn};
use reqwest::StatusCode;
use support::*;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::time::Instant;

/// The named faults, in README table order; `fault_<name>` is each one's test.
const FAULTS: &[&str] = &[
    "token_endpoint_down",
    "token_endpoint_refusing",
    "token_endpoint_timing_out",
    "token_endpoint_dripping_slowly",
    "token_endpoint_closing_mid_body",
    "token_endpoint_html",
    "token_endpoint_200_with_error_body",
    "token_endpoint_429_with_retry_after",
    "token_endpoint_429_without_retry_after",
    "token_endpoint_5xx_burst",
    "token_endpoint_invalid_json",
    "token_endpoint_huge_body",
    "token_endpoint_redirect",
    "token_endpoint_echoing_the_secret",
    "token_endpoint_retry_after_far_future",
    "token_endpoint_expires_in_beyond_f64",
    "token_dead_on_arrival",
    "token_endpoint_never_answering",
    "token_endpoint_outage_while_a_token_is_valid",
    "token_endpoint_long_outage_without_a_token",
    "fetch_lost_with_its_runtime",
    "proxy_in_the_environment",
    "environment_variable_not_utf8",
    "environment_secret_with_newline",
    "api_401_once",
    "api_401_always",
    "api_401_insufficient_scope",
    "api_401_invalid_token_challenge",
    "api_403",
    "api_5xx",
    "api_429",
    "api_timeout",
    "api_malformed_success_body",
    "api_connection_reset_after_send",
    "token_revoked_mid_run",
    "clock_jump_past_expiry",
    "fleet_redis_down_at_start",
    "fleet_redis_killed_mid_run",
    "fleet_redis_restarted_empty",
    "fleet_redis_paused",
    "fleet_redis_out_of_memory",
    "fleet_tampered_entry",
    "fleet_entry_under_another_secret",
    "fleet_lock_holder_killed",
    "fleet_token_revoked",
];

/// The fleet faults need real `redis-server` processes and fleets of OS processes: their tests
/// live with the shared store, in the auth crate.
const FLEET_SOURCES: [&str; 2] = [
    include_str!("../../../auth/tests/fleet_faults.rs"),
    include_str!("../../../auth/tests/fleet_revocation.rs"),
];

#[test]
fn fault_matrix_lists_every_fault_test() {
    let source = [include_str!("faults_matrix.rs")]
        .into_iter()
        .chain(FLEET_SOURCES)
        .collect::<Vec<_>>()
        .join("\n");
    let declared = source
        .lines()
        .filter(|line| line.starts_with("async fn fault_"))
        .count();
    for name in FAULTS {
        assert!(
            source.contains(&format!("async fn fault_{name}()")),
            "fault {name} has no test `fault_{name}`"
        );
    }
    assert_eq!(
        declared,
        FAULTS.len(),
        "every `fault_` test must be listed in FAULTS"
    );
    // The README's "Failure behaviour" table documents exactly these faults, in this order.
    let readme = include_str!("../../../README.md");
    let table: Vec<&str> = readme
        .lines()
        .skip_while(|line| *line != "## Failure behaviour")
        .skip(1)
        .take_while(|line| !line.starts_with("## "))
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|row| row.split_once('`').map(|(name, _)| name))
        .collect();
    assert_eq!(
        table, FAULTS,
        "README's Failure behaviour table and FAULTS differ"
    );
    // Straight to stdout, past the test harness's capture, so every run shows the size.
    let mut out = std::io::stdout();
    let _ = writeln!(out, "\nfault matrix: {} faults", FAULTS.len());
    for name in FAULTS {
        let _ = writeln!(out, "  - {name}");
    }
}

// ---------------------------------------------------------------- token endpoint

#[tokio::test]
async fn fault_token_endpoint_down() {
    let standin = standin().await;
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr")
    };
    let setup = Setup {
        token_url: Some(format!("http://{closed}/oauth2/token")),
        ..Setup::default()
    };
    let client = setup.client(&standin);

    let failure = token_failure(&client, validate(&client, "d-1").await);
    assert!(
        matches!(token_error(&failure), TokenError::Transport(_)),
        "{failure:?}"
    );
    assert_eq!(
        client.authenticator().stats().token_requests,
        3,
        "3 attempts"
    );
    // The failure is shared for the backoff: an immediate second call makes no request.
    let again = token_failure(&client, validate(&client, "d-1").await);
    assert!(matches!(token_error(&again), TokenError::Transport(_)));
    assert_eq!(client.authenticator().stats().token_requests, 3);
    assert_eq!(
        wire(&standin),
        wire_of(0, 0, 0, 0),
        "nothing reached the API"
    );
}

#[tokio::test]
async fn fault_token_endpoint_refusing() {
    let standin = standin().await;
    let setup = Setup {
        secret: "wrong-secret".into(),
        ..Setup::default()
    };
    let client = setup.client(&standin);
    let failure = token_failure(&client, post(&client, "r-1").await);
    assert_eq!(failure.oauth_code(), Some(&OAuthErrorCode::InvalidClient));
    assert_eq!(
        token_error(&failure).status(),
        Some(StatusCode::BAD_REQUEST)
    );
    assert!(!token_error(&failure).is_retryable());
    let again = token_failure(&client, post(&client, "r-1").await);
    assert_eq!(again.oauth_code(), Some(&OAuthErrorCode::InvalidClient));
    assert_eq!(standin.stats().token_error("invalid_client"), 1);
    assert_eq!(
        wire(&standin),
        wire_of(1, 0, 0, 0),
        "refused once, never retried"
    );
}

#[tokio::test]
async fn fault_token_endpoint_timing_out() {
    let standin = standin().await;
    standin.inject_token_faults(3, Fault::delay(Duration::from_secs(30)));
    let setup = Setup {
        retry: Setup::default().retry.attempt_timeout(Some(ms(150))),
        ..Setup::default()
    };
    let client = setup.client(&standin);
    let failure = token_failure(&client, validate(&client, "t-1").await);
    assert!(
        matches!(token_error(&failure), TokenError::Timeout(_)),
        "{failure:?}"
    );
    assert!(token_error(&failure).is_retryable());
    assert_eq!(client.authenticator().stats().token_requests, 3);
    eventually("3 token requests arrived", || wire(&standin).token == 3).await;
    assert_eq!(wire(&standin), wire_of(3, 0, 0, 0));
    assert_eq!(standin.stats().tokens_issued, 0, "no answer came in time");
}

#[tokio::test]
async fn fault_token_endpoint_dripping_slowly() {
    let standin = standin().await;
    // One byte every 20 ms: a token answer of ~1 KiB would take 20 s.
    standin.inject_token_faults(
        3,
        Fault::SlowDrip {
            chunk_size: 1,
            interval: ms(20),
        },
    );
    let setup = Setup {
        retry: Setup::default().retry.attempt_timeout(Some(ms(300))),
        ..Setup::default()
    };
    let client = setup.client(&standin);
    let failure = token_failure(&client, validate(&client, "s-1").await);
    assert!(
        matches!(token_error(&failure), TokenError::Timeout(_)),
        "the attempt timeout covers reading the body: {failure:?}"
    );
    assert_eq!(client.authenticator().stats().token_requests, 3);
    assert_eq!(wire(&standin), wire_of(3, 0, 0, 0));
}

#[tokio::test]
async fn fault_token_endpoint_closing_mid_body() {
    let standin = standin().await;
    // A token endpoint that announces 400 bytes, sends 20, and closes.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let served = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = served.clone();
    let server = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 400\r\n\r\n{\"access_token\":\"eyJ")
                .await;
            drop(stream);
        }
    });
    let setup = Setup {
        token_url: Some(format!("http://{addr}/oauth2/token")),
        ..Setup::default()
    };
    let client = setup.client(&standin);
    let failure = token_failure(&client, validate(&client, "c-1").await);
    assert!(
        matches!(token_error(&failure), TokenError::Transport(_)),
        "{failure:?}"
    );
    assert!(token_error(&failure).is_retryable());
    assert_eq!(served.load(std::sync::atomic::Ordering::SeqCst), 3);
    assert_eq!(client.authenticator().stats().token_requests, 3);
    assert_eq!(wire(&standin), wire_of(0, 0, 0, 0));
    server.abort();
}

#[tokio::test]
async fn fault_token_endpoint_html() {
    let standin = standin().await;
    // A load balancer's 502 page: retried (5xx), then reported by status.
    standin.inject_token_faults(
        3,
        Fault::Status {
            status: StatusCode::BAD_GATEWAY,
            retry_after: None,
            body: Some(FaultBody::Html),
        },
    );
    let setup = Setup {
        refresh: RefreshPolicy::default()
            .failure_backoff(ms(1), ms(1))
            .outage_retry_interval(ms(1)),
        ..Setup::default()
    };
    let client = setup.client(&standin);
    let failure = token_failure(&client, validate(&client, "h-1").await);
    assert!(
        matches!(
            token_error(&failure),
            TokenError::UnexpectedStatus { status, .. } if *status == StatusCode::BAD_GATEWAY
        ),
        "{failure:?}"
    );
    assert_eq!(wire(&standin), wire_of(3, 0, 0, 0));

    // An HTML page with 200 (a captive portal, a login page): not a token, not retried.
    standin.inject_token_faults(1, Fault::Body(FaultBody::Html));
    tokio::time::sleep(ms(5)).await; // past the 1 ms outage retry interval
    let failure = token_failure(&client, validate(&client, "h-1").await);
    match token_error(&failure) {
        TokenError::InvalidResponse(why) => assert!(why.reason().contains("not JSON"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(wire(&standin), wire_of(4, 0, 0, 0));
}

#[tokio::test]
async fn fault_token_endpoint_200_with_error_body() {
    let standin = standin().await;
    standin.inject_token_faults(
        1,
        Fault::Body(FaultBody::Raw {
            content_type: "application/json".into(),
            bytes: Bytes::from_static(
                br#"{"error":"invalid_client","error_description":"client is disabled"}"#,
            ),
        }),
    );
    let client = fault_client(&standin);
    let failure = token_failure(&client, validate(&client, "e-1").await);
    // Reported as the OAuth error it is (not "access_token is missing"), and not retried.
    assert_eq!(failure.oauth_code(), Some(&OAuthErrorCode::InvalidClient));
    assert_eq!(token_error(&failure).status(), Some(StatusCode::OK));
    assert!(
        failure.to_string().contains("client is disabled"),
        "{failure}"
    );
    assert_eq!(wire(&standin), wire_of(1, 0, 0, 0));
}

#[tokio::test(start_paused = true)]
async fn fault_token_endpoint_429_with_retry_after() {
    let standin = standin().await;
    let client = Setup::paused().client(&standin);

    // Retry-After: 2 is honoured: the retry comes 2 s (tokio clock) later and succeeds.
    standin.inject_token_faults(
        1,
        Fault::status_with_retry_after(StatusCode::TOO_MANY_REQUESTS, "2"),
    );
    let started = Instant::now();
    let response = validate(&client, "ra-1")
        .await
        .expect("succeeds after the Retry-After wait");
    assert!(response.into_inner().valid);
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "waited as asked"
    );
    assert_eq!(wire(&standin), wire_of(2, 1, 0, 0));

    // Retry-After: 60 (the cap) does not fit in the 20 s fetch deadline: the fetch gives up
    // at once, and no token request is made before those 60 s are over.
    let client = Setup::paused().client(&standin);
    standin.inject_token_faults(
        1,
        Fault::status_with_retry_after(StatusCode::TOO_MANY_REQUESTS, "60"),
    );
    let failure = token_failure(&client, validate(&client, "ra-2").await);
    assert_eq!(
        token_error(&failure).status(),
        Some(StatusCode::TOO_MANY_REQUESTS)
    );
    assert_eq!(
        token_error(&failure).retry_after(),
        Some(Duration::from_secs(60))
    );
    assert_eq!(wire(&standin), wire_of(3, 1, 0, 0));
    tokio::time::advance(Duration::from_secs(30)).await;
    token_failure(&client, validate(&client, "ra-2").await);
    assert_eq!(
        wire(&standin),
        wire_of(3, 1, 0, 0),
        "still waiting as asked"
    );
    tokio::time::advance(Duration::from_secs(31)).await;
    validate(&client, "ra-2")
        .await
        .expect("succeeds once the wait is over");
    assert_eq!(wire(&standin), wire_of(4, 2, 0, 0));
}

#[tokio::test(start_paused = true)]
async fn fault_token_endpoint_429_without_retry_after() {
    let standin = standin().await;
    let client = Setup::paused().client(&standin);
    standin.inject_token_faults(3, Fault::status(StatusCode::TOO_MANY_REQUESTS));
    let failure = token_failure(&client, validate(&client, "n-1").await);
    assert_eq!(
        failure.oauth_code(),
        Some(&OAuthErrorCode::Other("temporarily_unavailable".into()))
    );
    assert_eq!(
        token_error(&failure).status(),
        Some(StatusCode::TOO_MANY_REQUESTS)
    );
    assert_eq!(
        wire(&standin),
        wire_of(3, 0, 0, 0),
        "3 attempts with backoff"
    );

    // During a known outage each fetch is a single attempt, about once a second: one more
    // 429 fails that probe, and the next probe a second later succeeds.
    tokio::time::advance(Duration::from_secs(1)).await;
    standin.inject_token_faults(1, Fault::status(StatusCode::TOO_MANY_REQUESTS));
    token_failure(&client, validate(&client, "n-1").await);
    assert_eq!(wire(&standin), wire_of(4, 0, 0, 0), "a single attempt");
    tokio::time::advance(Duration::from_secs(1)).await;
    validate(&client, "n-1")
        .await
        .expect("the next probe succeeds");
    assert_eq!(wire(&standin), wire_of(5, 1, 0, 0));
}

#[tokio::test(start_paused = true)]
async fn fault_token_endpoint_5xx_burst() {
    let standin = standin().await;
    // A burst shorter than the attempts: invisible to the caller.
    standin.inject_token_faults(2, Fault::status(StatusCode::INTERNAL_SERVER_ERROR));
    let client = Setup::paused().client(&standin);
    post(&client, "b-1").await.expect("third attempt succeeds");
    assert_eq!(wire(&standin), wire_of(3, 0, 1, 1));

    // A burst longer than the attempts: the error, shared during the backoff, then recovery.
    standin.inject_token_faults(5, Fault::status(StatusCode::SERVICE_UNAVAILABLE));
    let client = Setup::paused().client(&standin);
    let failure = token_failure(&client, post(&client, "b-2").await);
    assert_eq!(
        token_error(&failure).status(),
        Some(StatusCode::SERVICE_UNAVAILABLE)
    );
    assert_eq!(wire(&standin), wire_of(6, 0, 1, 1));
    let again = token_failure(&client, post(&client, "b-2").await);
    assert_eq!(
        token_error(&again).status(),
        Some(StatusCode::SERVICE_UNAVAILABLE)
    );
    assert_eq!(
        wire(&standin),
        wire_of(6, 0, 1, 1),
        "no request during the backoff"
    );
    // Then one single-attempt probe about every second: two more 503s, then recovery,
    // within a second of the endpoint answering again.
    for token_requests in [7, 8] {
        tokio::time::advance(Duration::from_secs(1)).await;
        token_failure(&client, post(&client, "b-2").await);
        assert_eq!(wire(&standin), wire_of(token_requests, 0, 1, 1));
    }
    tokio::time::advance(Duration::from_secs(1)).await;
    post(&client, "b-2")
        .await
        .expect("recovers after the burst");
    assert_eq!(wire(&standin), wire_of(9, 0, 2, 2));
    assert_eq!(client.authenticator().stats().fetch_failures, 3);
}

#[tokio::test]
async fn fault_token_endpoint_invalid_json() {
    let standin = standin().await;
    standin.inject_token_faults(1, Fault::Body(FaultBody::Malformed));
    let client = fault_client(&standin);
    let failure = token_failure(&client, validate(&client, "j-1").await);
    match token_error(&failure) {
        TokenError::InvalidResponse(why) => assert!(why.reason().contains("not JSON"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(wire(&standin), wire_of(1, 0, 0, 0), "not retried");
}

#[tokio::test]
async fn fault_token_endpoint_huge_body() {
    let standin = standin().await;
    standin.inject_token_faults(1, Fault::Body(FaultBody::Huge(4 * 1024 * 1024)));
    let client = fault_client(&standin);
    let failure = token_failure(&client, validate(&client, "g-1").await);
    assert!(
        matches!(token_error(&failure), TokenError::BodyTooLarge { limit } if *limit == nxtsoft_auth::MAX_TOKEN_RESPONSE_BYTES),
        "{failure:?}"
    );
    assert_eq!(wire(&standin), wire_of(1, 0, 0, 0), "not retried");
}

#[tokio::test]
async fn fault_token_endpoint_redirect() {
    let standin = standin().await;
    // Redirected to the token endpoint itself: a followed redirect would show as a second
    // token request (and would carry the client secret wherever `Location` says).
    standin.inject_token_faults(
        1,
        Fault::Redirect {
            location: standin.token_url(),
        },
    );
    let client = fault_client(&standin);
    let failure = token_failure(&client, validate(&client, "x-1").await);
    assert!(
        matches!(token_error(&failure), TokenError::UnexpectedStatus { status, .. } if *status == StatusCode::FOUND),
        "{failure:?}"
    );
    assert!(
        failure.to_string().contains("redirects are not followed"),
        "{failure}"
    );
    assert_eq!(
        wire(&standin),
        wire_of(1, 0, 0, 0),
        "not followed, not retried"
    );
}

// ---------------------------------------------------------------- API

#[tokio::test]
async fn fault_api_401_once() {
    let standin = standin().await;
    standin.inject_api_faults(1, Fault::status(StatusCode::UNAUTHORIZED));
    let client = fault_client(&standin);
    let posted = post(&client, "u-1")
        .await
        .expect("re-sent once with a new token");
    assert_eq!(posted.into_inner().client_reference_id.as_str(), "u-1");
    assert_eq!(wire(&standin), wire_of(2, 0, 2, 1));
    assert_eq!(client.authenticator().stats().unauthorized_retries, 1);
    let posts: Vec<_> = standin
        .requests()
        .into_iter()
        .filter(|r| r.path == POST_PATH)
        .collect();
    assert_ne!(
        posts[0].header("authorization"),
        posts[1].header("authorization"),
        "the re-send carries the new token"
    );
}

#[tokio::test]
async fn fault_api_401_always() {
    let standin = standin().await;
    standin.inject_api_faults(10, Fault::status(StatusCode::UNAUTHORIZED));
    let client = fault_client(&standin);
    let (status, body) = error_response(post(&client, "a-1").await);
    assert_eq!(status, 401);
    assert_eq!(body.error.as_str(), "injected_fault");
    assert_eq!(
        wire(&standin),
        wire_of(2, 0, 2, 0),
        "one new token, one re-send"
    );
    // Within 5 s of the last eviction, a 401 is returned as is: no new token, no re-send.
    let (status, _) = error_response(post(&client, "a-1").await);
    assert_eq!(status, 401);
    assert_eq!(wire(&standin), wire_of(2, 0, 3, 0));
    assert_eq!(client.authenticator().stats().unauthorized_retries, 1);
}

#[tokio::test]
async fn fault_api_403() {
    let standin = standin().await;
    let setup = Setup {
        client_id: MOCK_ONLY_ID.into(),
        secret: MOCK_ONLY_SECRET.into(),
        ..Setup::default()
    };
    let client = setup.client(&standin);
    let (status, body) = error_response(post(&client, "f-1").await);
    assert_eq!((status, body.error.as_str()), (403, "insufficient_scope"));
    assert_eq!(wire(&standin), wire_of(1, 0, 1, 0), "a 403 is not retried");
    assert_eq!(client.authenticator().stats().unauthorized_retries, 0);
}

#[tokio::test]
async fn fault_api_5xx() {
    let standin = standin().await;
    standin.inject_api_faults(1, Fault::status(StatusCode::INTERNAL_SERVER_ERROR));
    let client = fault_client(&standin);
    let (status, body) = error_response(post(&client, "5-1").await);
    assert_eq!((status, body.error.as_str()), (500, "server_error"));
    assert_eq!(
        wire(&standin),
        wire_of(1, 0, 1, 0),
        "a post is never re-sent on 5xx"
    );
}

#[tokio::test]
async fn fault_api_429() {
    let standin = standin().await;
    standin.inject_api_faults(
        1,
        Fault::status_with_retry_after(StatusCode::TOO_MANY_REQUESTS, "3"),
    );
    let client = fault_client(&standin);
    match post(&client, "q-1").await {
        Err(Error::UnexpectedResponse(response)) => {
            assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(
                response.headers().get("retry-after").map(|v| v.as_bytes()),
                Some(&b"3"[..]),
                "the caller can honour Retry-After"
            );
        }
        other => panic!("expected the 429 answer, got {other:?}"),
    }
    assert_eq!(
        wire(&standin),
        wire_of(1, 0, 1, 0),
        "a post is never re-sent on 429"
    );
}

#[tokio::test]
async fn fault_api_timeout() {
    let standin = standin().await;
    let setup = Setup {
        api_timeout: Some(ms(200)),
        ..Setup::default()
    };
    let client = setup.client(&standin);

    // No answer in time: the client gives up at 200 ms (the stand-in, seeing the connection
    // closed, drops the request unprocessed).
    standin.inject_api_faults(1, Fault::delay(Duration::from_secs(1)));
    match post(&client, "o-1").await {
        Err(Error::CommunicationError(error)) => assert!(error.is_timeout(), "{error:?}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    let after_first = wire(&standin);
    assert_eq!(after_first.post, 1, "never re-sent");
    assert!(after_first.transactions <= 1);

    // Processed, but the answer is too slow to read: the post IS recorded, the caller sees
    // a timeout while reading the body, and nothing is re-sent.
    standin.inject_api_faults(
        1,
        Fault::SlowDrip {
            chunk_size: 1,
            interval: ms(50),
        },
    );
    match post(&client, "o-2").await {
        Err(Error::ResponseBodyError(error)) => assert!(error.is_timeout(), "{error:?}"),
        other => panic!("expected a timeout reading the answer, got {other:?}"),
    }
    let recorded: Vec<_> = standin
        .transactions()
        .into_iter()
        .map(|t| t.client_reference_id)
        .collect();
    assert!(recorded.contains(&"o-2".to_owned()), "{recorded:?}");
    assert_eq!(wire(&standin).post, 2, "never re-sent");
    assert_eq!(wire(&standin).token, 1);
}

#[tokio::test]
async fn fault_api_malformed_success_body() {
    let standin = standin().await;
    standin.inject_api_faults(1, Fault::Body(FaultBody::Malformed));
    let client = fault_client(&standin);
    match validate(&client, "m-1").await {
        Err(Error::InvalidResponsePayload(bytes, _)) => {
            assert_eq!(&bytes[..], b"{\"access_token\": \"eyJ");
        }
        other => panic!("expected an invalid payload, got {other:?}"),
    }
    assert_eq!(wire(&standin), wire_of(1, 1, 0, 0), "not re-sent");
}

#[tokio::test]
async fn fault_api_connection_reset_after_send() {
    let standin = standin().await;
    standin.inject_api_faults(1, Fault::DropConnection);
    let client = fault_client(&standin);
    match post(&client, "k-1").await {
        Err(Error::CommunicationError(error)) => assert!(!error.is_timeout(), "{error:?}"),
        other => panic!("expected a communication error, got {other:?}"),
    }
    let posts: Vec<_> = standin
        .requests()
        .into_iter()
        .filter(|r| r.path == POST_PATH)
        .collect();
    assert!(
        !posts[0].body.is_empty(),
        "the request had been sent in full"
    );
    assert_eq!(wire(&standin), wire_of(1, 0, 1, 0), "never re-sent");
}

// ---------------------------------------------------------------- lifecycle

#[tokio::test]
async fn fault_token_revoked_mid_run() {
    let standin = standin().await;
    let client = fault_client(&standin);
    post(&client, "v-1").await.expect("first post");
    assert_eq!(standin.revoke_all_tokens(), 1);
    post(&client, "v-2")
        .await
        .expect("second post, after one 401 and a new token");
    validate(&client, "v-3")
        .await
        .expect("the new token is cached");
    assert_eq!(wire(&standin), wire_of(2, 1, 3, 2));
    assert_eq!(standin.stats().api_status(401), 1);
    assert_eq!(client.authenticator().stats().unauthorized_retries, 1);
}

#[tokio::test(start_paused = true)]
async fn fault_clock_jump_past_expiry() {
    let standin = standin().await;
    standin.set_token_lifetime(Duration::from_secs(60));
    let client = Setup::paused().client(&standin);
    validate(&client, "w-1").await.expect("first call");
    tokio::time::advance(Duration::from_secs(61)).await;
    let tokens = standin.issued_tokens();
    assert!(tokens[0].expired, "expired on the stand-in's clock too");
    validate(&client, "w-2")
        .await
        .expect("a new token is fetched before the call, not after a 401");
    assert_eq!(wire(&standin), wire_of(2, 2, 0, 0));
    assert_eq!(standin.stats().api_status(401), 0);
    let stats = client.authenticator().stats();
    assert_eq!((stats.fetches, stats.unauthorized_retries), (2, 0));
}

// ---------------------------------------------------------------- adversarial review (issue 9)

/// The demo's secret as every wire form the token endpoint could echo back.
fn echoed_secret_forms() -> (String, Vec<String>) {
    use base64::Engine as _;
    let encoded: String =
        url::form_urlencoded::byte_serialize(DEMO_CLIENT_SECRET.as_bytes()).collect();
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{DEMO_CLIENT_ID}:{encoded}"));
    let echo = format!(
        "client_id={DEMO_CLIENT_ID}&client_secret={encoded} | Authorization: Basic {basic} | {DEMO_CLIENT_SECRET}"
    );
    (echo, vec![DEMO_CLIENT_SECRET.to_owned(), encoded, basic])
}

#[tokio::test]
async fn fault_token_endpoint_echoing_the_secret() {
    let standin = standin().await;
    let (echo, forms) = echoed_secret_forms();
    // The echo twice: once whole, once cut by the 512-character limit inside the secret.
    let cut = format!("{}{DEMO_CLIENT_SECRET}", "x".repeat(512 - 4));
    let body = serde_json::json!({
        "error": "invalid_client",
        "error_description": format!("{echo} {echo}"),
        "error_uri": cut,
    });
    standin.inject_token_faults(
        1,
        Fault::Status {
            status: StatusCode::UNAUTHORIZED,
            retry_after: None,
            body: Some(FaultBody::Raw {
                content_type: "application/json".into(),
                bytes: Bytes::from(body.to_string()),
            }),
        },
    );
    let client = fault_client(&standin);
    let error = validate(&client, "echo-1").await.expect_err("refused");
    let failure = client.auth_error(&error).expect("typed");
    assert!(failure.to_string().contains("[REDACTED]"), "{failure}");
    let texts = [
        error.to_string(),
        format!("{error:?}"),
        failure.to_string(),
        format!("{failure:?}"),
        format!("{:?}", client.authenticator()),
    ];
    for text in &texts {
        for form in &forms {
            assert!(!text.contains(form.as_str()), "leaks {form:?}: {text}");
        }
        // The cut fell 4 characters into the secret: redacted before cutting, so no
        // "x…xdemo" remains.
        assert!(!text.contains("xdemo"), "a cut secret leaks: {text}");
    }
    assert_eq!(wire(&standin), wire_of(1, 0, 0, 0));
}

#[tokio::test(start_paused = true)]
async fn fault_token_endpoint_retry_after_far_future() {
    let standin = standin().await;
    let client = Setup::paused().client(&standin);
    // A proxy's 503 asking to come back in the year 9999: capped at 60 s.
    standin.inject_token_faults(
        1,
        Fault::status_with_retry_after(
            StatusCode::SERVICE_UNAVAILABLE,
            "Fri, 31 Dec 9999 23:59:59 GMT",
        ),
    );
    let failure = token_failure(&client, validate(&client, "far-1").await);
    assert_eq!(
        token_error(&failure).retry_after(),
        Some(Duration::from_secs(60))
    );
    let next = failure.next_attempt_in().expect("scheduled");
    assert!(next <= Duration::from_secs(60), "{next:?}");
    assert_eq!(wire(&standin), wire_of(1, 0, 0, 0));
    tokio::time::advance(Duration::from_secs(60)).await;
    validate(&client, "far-1")
        .await
        .expect("fetching resumes after the capped wait");
    assert_eq!(wire(&standin), wire_of(2, 1, 0, 0));
}

#[tokio::test]
async fn fault_token_endpoint_expires_in_beyond_f64() {
    let standin = standin().await;
    standin.inject_token_faults(
        1,
        Fault::Body(FaultBody::Raw {
            content_type: "application/json".into(),
            bytes: Bytes::from_static(
                br#"{"access_token":"huge-lifetime","token_type":"Bearer","expires_in":1e400}"#,
            ),
        }),
    );
    let client = fault_client(&standin);
    // The token is accepted, its lifetime capped at 24 h: one token request for two calls.
    // (The stand-in did not issue this token, so the API refuses it: a 401, one eviction,
    // one real token, one re-send.)
    validate(&client, "huge-1").await.expect("healed");
    validate(&client, "huge-2").await.expect("cached");
    assert_eq!(wire(&standin), wire_of(2, 3, 0, 0));
}

#[tokio::test(start_paused = true)]
async fn fault_token_dead_on_arrival() {
    let standin = standin_builder()
        .token_lifetime(Duration::from_secs(1))
        .start()
        .await
        .expect("stand-in starts");
    let client = Setup::paused().client(&standin);
    // A 1 s token from an endpoint that takes 1.5 s to answer.
    standin.inject_token_faults(1, Fault::delay(ms(1500)));
    let failure = token_failure(&client, validate(&client, "doa-1").await);
    assert!(
        matches!(token_error(&failure), TokenError::ExpiredOnArrival { .. }),
        "{failure:?}"
    );
    assert_eq!(wire(&standin), wire_of(1, 0, 0, 0), "nothing sent with it");
    tokio::time::advance(Duration::from_secs(1)).await;
    validate(&client, "doa-1").await.expect("a timely token");
    assert_eq!(wire(&standin), wire_of(2, 1, 0, 0));
}

#[tokio::test]
async fn fault_token_endpoint_never_answering() {
    let standin = standin().await;
    standin.inject_token_faults(2, Fault::delay(Duration::from_secs(3600)));
    // A token HTTP client without any timeout: only the wait bound ends the wait.
    let setup = Setup {
        retry: RetryPolicy::default().attempt_timeout(None),
        refresh: RefreshPolicy::default()
            .max_wait(Some(ms(300)))
            .outage_retry_interval(Duration::ZERO),
        ..Setup::default()
    };
    let client = setup.client(&standin);
    for round in 1..=2 {
        let failure = token_failure(&client, validate(&client, "hang-1").await);
        assert!(
            matches!(token_error(&failure), TokenError::FetchTimedOut { .. }),
            "{failure:?}"
        );
        assert_eq!(wire(&standin).token, round, "the next call tries again");
    }
    validate(&client, "hang-1").await.expect("answers again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_fetch_lost_with_its_runtime() {
    let standin = standin().await;
    let client = Arc::new(fault_client(&standin));
    // Another runtime starts a call and shuts down before the fetch task ever runs (a
    // per-call runtime around `now_or_never`, a `#[tokio::test]` that ends).
    let other = Arc::clone(&client);
    tokio::task::spawn_blocking(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            use futures::FutureExt as _;
            assert!(validate(&other, "lost-1").now_or_never().is_none());
        });
    })
    .await
    .expect("other runtime");
    // This runtime's call starts a new fetch instead of joining the dead one.
    validate(&client, "lost-1").await.expect("a new fetch");
    assert_eq!(wire(&standin), wire_of(1, 1, 0, 0));
    assert_eq!(client.authenticator().stats().fetch_failures, 0);
}

/// Accepts connections on loopback and records the first bytes of each (a stand-in proxy
/// that forwards nothing and answers 502).
async fn recording_proxy() -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buffer = vec![0; 4096];
            let read = stream.read(&mut buffer).await.unwrap_or(0);
            let head = String::from_utf8_lossy(&buffer[..read]).into_owned();
            record.lock().expect("lock").push(head);
            let _ = stream
                .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
                .await;
        }
    });
    (url, seen)
}

/// Runs the demo binary against `api`/`token_url` with `extra` environment.
async fn demo_with_env(token_url: &str, api: &str, extra: &[(&str, &str)]) -> std::process::Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_demo"));
    command
        .env_clear()
        .env("NXTSOFT_CLIENT_ID", DEMO_CLIENT_ID)
        .env("NXTSOFT_CLIENT_SECRET", DEMO_CLIENT_SECRET)
        .env("NXTSOFT_TOKEN_URL", token_url)
        .env("NXTSOFT_API_BASE_URL", api);
    for (name, value) in extra {
        command.env(name, value);
    }
    command.output().await.expect("demo runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_proxy_in_the_environment() {
    let standin = standin().await;
    let (proxy, seen) = recording_proxy().await;
    let proxies = [
        ("HTTP_PROXY", proxy.as_str()),
        ("http_proxy", proxy.as_str()),
        ("ALL_PROXY", proxy.as_str()),
        ("HTTPS_PROXY", proxy.as_str()),
    ];
    // Plain-http loopback URLs: the secret and the bearer token never go to the proxy.
    let output = demo_with_env(&standin.token_url(), standin.base_url(), &proxies).await;
    assert!(
        seen.lock().expect("lock").is_empty(),
        "the proxy saw: {:?}",
        seen.lock()
    );
    assert!(
        wire(&standin).token >= 1,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(wire(&standin).validate >= 1);

    // An https token URL keeps honouring the proxy (corporate egress): the CONNECT goes to
    // the proxy, which refuses it; nothing reaches any other host.
    let output = demo_with_env(
        "https://auth.nxtsoft.invalid/oauth2/token",
        standin.base_url(),
        &proxies,
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    let seen = seen.lock().expect("lock").clone();
    assert!(
        seen.iter()
            .any(|head| head.starts_with("CONNECT auth.nxtsoft.invalid:443")),
        "{seen:?}"
    );
    assert!(seen.iter().all(|head| !head.contains(DEMO_CLIENT_SECRET)));
}

#[tokio::test]
async fn fault_environment_variable_not_utf8() {
    use std::os::unix::ffi::OsStrExt as _;
    let standin = standin().await;
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_demo"))
        .env_clear()
        .env(
            "NXTSOFT_CLIENT_ID",
            std::ffi::OsStr::from_bytes(b"demo-\xff"),
        )
        .env("NXTSOFT_CLIENT_SECRET", DEMO_CLIENT_SECRET)
        .env("NXTSOFT_TOKEN_URL", standin.token_url())
        .env("NXTSOFT_API_BASE_URL", standin.base_url())
        .output()
        .await
        .expect("demo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("NXTSOFT_CLIENT_ID") && stderr.contains("not valid UTF-8"),
        "{stderr}"
    );
    assert!(!stdout.contains("stand-in"), "no fallback: {stdout}");
    assert_eq!(wire(&standin), wire_of(0, 0, 0, 0));
}

#[tokio::test]
async fn fault_environment_secret_with_newline() {
    let standin = standin().await;
    let secret = format!("{DEMO_CLIENT_SECRET}\n");
    let output = demo_with_env(
        &standin.token_url(),
        standin.base_url(),
        &[("NXTSOFT_CLIENT_SECRET", secret.as_str())],
    )
    .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("NXTSOFT_CLIENT_SECRET") && stderr.contains("control character"),
        "{stderr}"
    );
    assert!(!stderr.contains(DEMO_CLIENT_SECRET), "{stderr}");
    assert_eq!(
        wire(&standin),
        wire_of(0, 0, 0, 0),
        "never sent, never trimmed"
    );
}

/// A client whose API is a wiremock server that answers its first request with a 401 and
/// `challenge`, and every later one with a 200; tokens come from the stand-in.
async fn api_with_challenge(standin: &StandIn, challenge: &str) -> (wiremock::MockServer, Client) {
    use wiremock::matchers::path;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let api = MockServer::start().await;
    Mock::given(path(VALIDATE_PATH))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("www-authenticate", challenge)
                .set_body_json(serde_json::json!({"error": "unauthorized", "message": challenge})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&api)
        .await;
    let ok = serde_json::json!({"valid": true, "client_reference_id": "c-1", "messages": []});
    Mock::given(path(VALIDATE_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok))
        .with_priority(2)
        .mount(&api)
        .await;
    let client = Client::with_authenticator(
        &api.uri(),
        nxtsoft_auth::api_http_client_for(&api.uri()).expect("http"),
        Setup::default().authenticator(standin),
    )
    .expect("client");
    (api, client)
}

#[tokio::test]
async fn fault_api_401_insufficient_scope() {
    let standin = standin().await;
    let (api, client) = api_with_challenge(
        &standin,
        r#"Bearer error="insufficient_scope", scope="transactions/post""#,
    )
    .await;
    let error = validate(&client, "c-1").await.expect_err("401");
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(
        api.received_requests().await.expect("recorded").len(),
        1,
        "not re-sent"
    );
    assert_eq!(
        wire(&standin).token,
        1,
        "no new token: it would carry the same scopes"
    );
    assert_eq!(client.authenticator().stats().unauthorized_retries, 0);
}

#[tokio::test]
async fn fault_api_401_invalid_token_challenge() {
    let standin = standin().await;
    let (api, client) = api_with_challenge(&standin, r#"Bearer error="invalid_token""#).await;
    validate(&client, "c-1")
        .await
        .expect("healed by one re-send");
    assert_eq!(api.received_requests().await.expect("recorded").len(), 2);
    assert_eq!(wire(&standin).token, 2, "the rejected token was replaced");
    assert_eq!(client.authenticator().stats().unauthorized_retries, 1);
}

// ---------------------------------------------------------------- token policy v2 (issue 14)

#[tokio::test(start_paused = true)]
async fn fault_token_endpoint_outage_while_a_token_is_valid() {
    let standin = standin_builder()
        .token_lifetime(Duration::from_secs(100))
        .start()
        .await
        .expect("stand-in starts");
    let setup = Setup {
        refresh: RefreshPolicy::default().jitter_source(|| 0.0),
        ..Setup::paused()
    };
    let client = setup.client(&standin);
    let start = Instant::now();
    validate(&client, "o-1").await.expect("first token");
    // From the refresh point (95 s) on, the endpoint answers 503 to everything.
    tokio::time::advance(Duration::from_secs(95)).await;
    standin.inject_token_faults(1000, Fault::status(StatusCode::SERVICE_UNAVAILABLE));
    let mut calls = 0;
    // Until the skew margin (100 s − 2 s), every call succeeds with the old token.
    while start.elapsed() < Duration::from_millis(97_900) {
        validate(&client, "o-1")
            .await
            .expect("served through the outage");
        calls += 1;
        tokio::time::advance(ms(100)).await;
    }
    assert!(calls >= 29, "{calls}");
    let token_requests = wire(&standin).token;
    // One background refresh of 3 attempts, then single-attempt probes about once a second.
    assert!((4..=7).contains(&token_requests), "{token_requests}");
    // Past the margin: the old token is no longer handed out.
    tokio::time::advance(ms(200)).await;
    token_failure(&client, validate(&client, "o-1").await);
    assert_eq!(
        wire(&standin).validate,
        calls + 1,
        "no call without a usable token"
    );
}

#[tokio::test(start_paused = true)]
async fn fault_token_endpoint_long_outage_without_a_token() {
    let standin = standin().await;
    let client = Setup::paused().client(&standin);
    // A 60 s outage with no token: a caller every 100 ms.
    standin.inject_token_faults(10_000, Fault::status(StatusCode::SERVICE_UNAVAILABLE));
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        token_failure(&client, validate(&client, "l-1").await);
        tokio::time::advance(ms(100)).await;
    }
    let during = wire(&standin).token;
    // About one token request a second: the first fetch's 3 attempts, then one probe per
    // 855..950 ms (rounded up to the callers' 100 ms steps).
    assert!(
        (60..=73).contains(&during),
        "{during} token requests in 60 s"
    );
    // The endpoint comes back: a token within a second.
    standin.clear_faults();
    let back = Instant::now();
    loop {
        if validate(&client, "l-1").await.is_ok() {
            break;
        }
        tokio::time::advance(ms(100)).await;
    }
    assert!(
        back.elapsed() <= Duration::from_secs(1),
        "{:?}",
        back.elapsed()
    );
    assert_eq!(wire(&standin).token, during + 1);
}
