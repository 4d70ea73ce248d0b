//! The authenticator's request-side API used directly: `execute` on a request that carries no
//! token, and `recover_error`. The contract through the real generated client's hooks (Bearer
//! injection, 401 handling, typed errors via `Error::Custom`) is tested where the hooks live,
//! in `generated/tests/hooks.rs`.

mod common;

use std::time::Duration;

use common::*;
use nxtsoft_auth::{Authenticator, RefreshPolicy, TokenError};
use reqwest::StatusCode;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_request_without_a_token_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/payments"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let source = ScriptedSource::new(vec![Step::Token("t1", Duration::from_secs(3600))]);
    let authenticator = Authenticator::from_source(source.clone());
    let http = nxtsoft_auth::api_http_client().unwrap();
    let request = http
        .post(format!("{}/payments", server.uri()))
        .json(&json!({"amount": "12.34", "reference": "r-1"}))
        .build()
        .unwrap();
    let response = authenticator.execute(&http, request).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert_eq!(source.calls(), 0);
}

#[tokio::test]
async fn recover_error_keeps_the_source_chain_and_is_bounded() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let refused =
        nxtsoft_auth::Credentials::builder(format!("http://{address}/token"), CLIENT_ID, SECRET)
            .build()
            .unwrap();
    let authenticator = Authenticator::builder(refused)
        .retry_policy(nxtsoft_auth::RetryPolicy::default().max_attempts(1))
        .build()
        .unwrap();
    let error = authenticator.header_value().await.unwrap_err();
    let typed = authenticator.recover_error(&error.to_string()).unwrap();
    assert!(matches!(typed.token_error(), TokenError::Transport(_)));
    assert!(
        std::error::Error::source(&*typed).is_none(),
        "the message holds the chain"
    );
    let reqwest_error = std::error::Error::source(typed.token_error()).expect("cause kept");
    assert!(reqwest_error.downcast_ref::<reqwest::Error>().is_some());
    // The message progenitor carries names the root cause and what to check.
    let message = typed.to_string();
    assert!(
        message.starts_with("no access token: token request failed: "),
        "{message}"
    );
    assert!(message.contains("Connection refused"), "{message}");
    assert!(
        message.contains(
            "Check that the token URL is right and reachable from this host (next token request in "
        ),
        "{message}"
    );
    assert!(
        typed
            .next_attempt_in()
            .is_some_and(|d| d <= Duration::from_secs(1))
    );

    // Distinct failures beyond the bound push out the oldest.
    let server = MockServer::start().await;
    for n in 0..nxtsoft_auth::RECENT_ERRORS + 5 {
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(400).set_body_json(json!({
                "error": "invalid_request", "error_description": format!("failure {n}")
            })))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
    }
    let authenticator = Authenticator::builder(credentials(&server))
        .refresh_policy(RefreshPolicy::default().failure_backoff(Duration::ZERO, Duration::ZERO))
        .build()
        .unwrap();
    let mut messages = Vec::new();
    for _ in 0..nxtsoft_auth::RECENT_ERRORS + 5 {
        messages.push(authenticator.header_value().await.unwrap_err().to_string());
    }
    assert!(messages[0].contains("failure 0"));
    assert!(
        authenticator.recover_error(&messages[0]).is_none(),
        "oldest forgotten"
    );
    assert!(authenticator.recover_error(&messages[4]).is_none());
    for message in &messages[5..] {
        assert!(authenticator.recover_error(message).is_some(), "{message}");
    }
}
