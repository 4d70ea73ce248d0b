//! The fault matrix (issue 5): one test per named fault, each asserting what the caller sees
//! (a typed token failure, a progenitor `Error` variant, or success) AND what reached the
//! stand-in (token requests, API requests, transactions recorded).
//!
//! Every test is named `fault_<name>` after an entry of [`FAULTS`];
//! `fault_matrix_lists_every_fault_test` checks the two agree and prints the matrix size.

mod support;

use std::io::Write as _;
use std::time::Duration;

use bytes::Bytes;
use nxtsoft_auth::{OAuthErrorCode, RefreshPolicy, TokenError};
use nxtsoft_client::Error;
use nxtsoft_standin::{Fault, FaultBody};
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
    "api_401_once",
    "api_401_always",
    "api_403",
    "api_5xx",
    "api_429",
    "api_timeout",
    "api_malformed_success_body",
    "api_connection_reset_after_send",
    "token_revoked_mid_run",
    "clock_jump_past_expiry",
];

#[test]
fn fault_matrix_lists_every_fault_test() {
    let source = include_str!("faults_matrix.rs");
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
        refresh: RefreshPolicy::default().failure_backoff(ms(1), ms(1)),
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
    tokio::time::sleep(ms(5)).await; // past the 1 ms failure backoff
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

    // Retry-After: 60 is beyond the 10 s cap: the fetch gives up at once, and no token
    // request is made before those 60 s are over.
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

    // After the failure backoff (at most 1 s), a single 429 is retried away.
    tokio::time::advance(Duration::from_secs(1)).await;
    standin.inject_token_faults(1, Fault::status(StatusCode::TOO_MANY_REQUESTS));
    validate(&client, "n-1")
        .await
        .expect("second attempt succeeds");
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
    tokio::time::advance(Duration::from_secs(1)).await;
    post(&client, "b-2")
        .await
        .expect("recovers after the burst");
    assert_eq!(wire(&standin), wire_of(9, 0, 2, 2));
    assert_eq!(client.authenticator().stats().fetch_failures, 1);
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
    assert_eq!(body.error, "injected_fault");
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
