//! Every error a user of the full stack (generated client + auth) can hit against the
//! stand-in, as they see it: the `Display` of the client's error with its whole `source()`
//! chain, the typed token error [`nxtsoft_client::Client::auth_error`] recovers, and the
//! stand-in's own counts of token requests and API calls.
//!
//! Expired and revoked tokens are healed by one re-send with a fresh token; the snapshots show
//! both the healed result (with the requests that healed it) and the error when it cannot heal.

mod support;

use std::time::Duration;

use http::StatusCode;
use nxtsoft_auth::{ClientAuth, OAuthErrorCode, RefreshPolicy, TokenError};
use nxtsoft_client::Client;
use nxtsoft_standin::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Fault, SCOPE_MOCK, SCOPE_POST};
use support::{
    MOCK_ONLY_ID, MOCK_ONLY_SECRET, SeparateClock, client, client_for, client_with_policy,
    closed_port, credentials_for, error_report, invalid_message, post, settings, standin,
    standin_builder, trace, validate,
};

fn snapshot(name: &str, text: String) {
    settings().bind(|| insta::assert_snapshot!(name, text));
}

#[tokio::test]
async fn bad_credentials_are_invalid_client_and_never_retried() {
    let standin = standin().await;
    let client = client_for(
        &standin,
        DEMO_CLIENT_ID,
        "wrong-secret",
        &[],
        ClientAuth::SecretPost,
    );
    let error = validate(&client, "bad-credentials-1")
        .await
        .expect_err("refused");
    let auth = client.auth_error(&error).expect("a typed token error");
    assert_eq!(auth.oauth_code(), Some(&OAuthErrorCode::InvalidClient));
    let report = error_report(&client, &error);
    assert!(!report.contains("wrong-secret"), "{report}");

    let stats = standin.stats();
    assert_eq!(stats.token_requests, 1);
    assert_eq!(stats.token_error("invalid_client"), 1);
    assert_eq!(stats.api_calls, 0);
    snapshot("bad_credentials_post", report);
}

#[tokio::test]
async fn bad_credentials_with_client_secret_basic_are_a_401_invalid_client() {
    let standin = standin().await;
    let client = client_for(
        &standin,
        DEMO_CLIENT_ID,
        "wrong-secret",
        &[],
        ClientAuth::SecretBasic,
    );
    let error = validate(&client, "bad-credentials-1")
        .await
        .expect_err("refused");
    let auth = client.auth_error(&error).expect("a typed token error");
    assert_eq!(auth.oauth_code(), Some(&OAuthErrorCode::InvalidClient));
    assert_eq!(auth.token_error().status(), Some(StatusCode::UNAUTHORIZED));
    let stats = standin.stats();
    assert_eq!(stats.token_requests, 1);
    assert_eq!(stats.token_error("invalid_client"), 1);
    assert_eq!(stats.api_calls, 0);
    snapshot("bad_credentials_basic", error_report(&client, &error));
}

#[tokio::test]
async fn a_scope_the_client_is_not_allowed_is_invalid_scope() {
    let standin = standin().await;
    let client = client_for(
        &standin,
        MOCK_ONLY_ID,
        MOCK_ONLY_SECRET,
        &[SCOPE_POST],
        ClientAuth::SecretPost,
    );
    let error = post(&client, "invalid-scope-1").await.expect_err("refused");
    let auth = client.auth_error(&error).expect("a typed token error");
    assert_eq!(auth.oauth_code(), Some(&OAuthErrorCode::InvalidScope));
    let stats = standin.stats();
    assert_eq!(stats.token_requests, 1);
    assert_eq!(stats.token_error("invalid_scope"), 1);
    assert_eq!(stats.api_calls, 0);
    snapshot("invalid_scope", error_report(&client, &error));
}

/// A token without the operation's scope: a 403 from the API, returned as is (a new token
/// would carry the same scopes, so it is not retried).
#[tokio::test]
async fn a_missing_scope_is_a_403_and_not_retried() {
    let standin = standin().await;
    let client = client_for(
        &standin,
        MOCK_ONLY_ID,
        MOCK_ONLY_SECRET,
        &[SCOPE_MOCK],
        ClientAuth::SecretPost,
    );
    let error = post(&client, "missing-scope-1")
        .await
        .expect_err("forbidden");
    assert_eq!(error.status(), Some(StatusCode::FORBIDDEN));
    assert!(client.auth_error(&error).is_none());
    let stats = standin.stats();
    assert_eq!(stats.token_requests, 1);
    assert_eq!(stats.api_calls, 1);
    assert_eq!(stats.api_status(403), 1);
    assert_eq!(client.authenticator().stats().unauthorized_retries, 0);
    snapshot("missing_scope_403", error_report(&client, &error));
}

/// A token the server expired while the client still holds it as fresh (the server's clock
/// moved on, the client's did not): one 401, one new token, one re-send, success.
#[tokio::test]
async fn an_expired_token_is_healed_by_one_resend() {
    let server = SeparateClock::start(standin_builder().token_lifetime(Duration::from_secs(3600)));
    let standin = server.standin();
    let client = client(standin);
    validate(&client, "expired-1").await.expect("first call");
    server.advance(Duration::from_secs(3600));
    let healed = validate(&client, "expired-2")
        .await
        .expect("healed by one re-send");
    assert!(healed.valid);

    let stats = standin.stats();
    assert_eq!(stats.token_requests, 2);
    assert_eq!(stats.api_calls, 3);
    assert_eq!(stats.api_status(200), 2);
    assert_eq!(stats.api_status(401), 1);
    let auth = client.authenticator().stats();
    assert_eq!(auth.token_requests, 2);
    assert_eq!(auth.unauthorized_retries, 1);
    let text = format!(
        "result: HTTP {} valid={}\nrequests:\n{}",
        healed.status().as_u16(),
        healed.valid,
        trace(standin, &standin.take_requests())
    );
    snapshot("expired_token_healed", text);
}

/// A server whose tokens are expired as soon as issued (`expires_in: 0`): such a token is
/// refused on arrival with a typed error, and nothing is sent to the API with it (it would
/// only earn a 401). Never a loop.
#[tokio::test]
async fn tokens_expired_on_arrival_cannot_heal() {
    let standin = standin_builder()
        .token_lifetime(Duration::ZERO)
        .start()
        .await
        .expect("stand-in starts");
    let client = client(&standin);
    let error = validate(&client, "expired-1")
        .await
        .expect_err("no usable token");
    let auth_error = client.auth_error(&error).expect("a token failure");
    assert!(
        matches!(
            auth_error.token_error(),
            TokenError::ExpiredOnArrival { lifetime, .. } if lifetime.is_zero()
        ),
        "{auth_error:?}"
    );
    let stats = standin.stats();
    assert_eq!(stats.token_requests, 1);
    assert_eq!(stats.api_calls, 0);
    assert_eq!(client.authenticator().stats().unauthorized_retries, 0);
    let text = format!(
        "{}requests:\n{}",
        error_report(&client, &error),
        trace(&standin, &standin.take_requests())
    );
    snapshot("expired_on_arrival_not_healed", text);
}

#[tokio::test]
async fn a_revoked_token_is_healed_by_one_resend() {
    let standin = standin().await;
    let client = client(&standin);
    validate(&client, "revoked-1").await.expect("first call");
    assert_eq!(standin.revoke_all_tokens(), 1);
    let healed = validate(&client, "revoked-2")
        .await
        .expect("healed by one re-send");
    assert!(healed.valid);

    let stats = standin.stats();
    assert_eq!(stats.token_requests, 2);
    assert_eq!(stats.api_calls, 3);
    assert_eq!(stats.api_status(200), 2);
    assert_eq!(stats.api_status(401), 1);
    assert_eq!(client.authenticator().stats().unauthorized_retries, 1);
    let text = format!(
        "result: HTTP {} valid={}\nrequests:\n{}",
        healed.status().as_u16(),
        healed.valid,
        trace(&standin, &standin.take_requests())
    );
    snapshot("revoked_token_healed", text);
}

/// Revoked again soon after a 401 already replaced a token: the authenticator evicts a
/// rejected token at most once per `min_reject_interval` (5 s by default; an hour here so the
/// test does not depend on how fast it runs), so the 401 is returned instead of buying
/// another token.
#[tokio::test]
async fn a_token_revoked_twice_in_a_row_is_not_healed_twice() {
    let standin = standin().await;
    let client = client_with_policy(
        &standin,
        RefreshPolicy::default().min_reject_interval(Duration::from_secs(3600)),
    );
    validate(&client, "revoked-1").await.expect("first call");
    standin.revoke_all_tokens();
    validate(&client, "revoked-2").await.expect("healed once");
    standin.revoke_all_tokens();
    let error = validate(&client, "revoked-3")
        .await
        .expect_err("not healed twice");
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));

    let stats = standin.stats();
    assert_eq!(stats.token_requests, 2);
    assert_eq!(stats.api_calls, 4);
    assert_eq!(stats.api_status(200), 2);
    assert_eq!(stats.api_status(401), 2);
    assert_eq!(client.authenticator().stats().unauthorized_retries, 1);
    let text = format!(
        "{}requests:\n{}",
        error_report(&client, &error),
        trace(&standin, &standin.take_requests())
    );
    snapshot("revoked_twice_not_healed", text);
}

/// An API that answers 401 whatever the token: one new token, one re-send, then the second
/// 401 is returned. Never a loop.
#[tokio::test]
async fn an_api_that_always_answers_401_gets_one_resend_only() {
    let standin = standin().await;
    let client = client(&standin);
    standin.inject_api_faults(2, Fault::status(StatusCode::UNAUTHORIZED));
    let error = validate(&client, "always-401-1").await.expect_err("401");
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    let stats = standin.stats();
    assert_eq!(stats.token_requests, 2);
    assert_eq!(stats.api_calls, 2);
    assert_eq!(stats.api_faults, 2);
    assert_eq!(stats.api_status(401), 2);
    assert_eq!(standin.pending_faults(), (0, 0));
    let text = format!(
        "{}requests:\n{}",
        error_report(&client, &error),
        trace(&standin, &standin.take_requests())
    );
    snapshot("always_401", text);
}

/// Posting a message the business checks refuse: a typed 422 `ApiError` with one detail per
/// field, and nothing recorded.
#[tokio::test]
async fn posting_an_invalid_message_is_a_typed_422() {
    let standin = standin().await;
    let client = client(&standin);
    let error = client
        .post_transaction()
        .body(invalid_message("invalid-post-1"))
        .send()
        .await
        .expect_err("422");
    let nxtsoft_client::Error::ErrorResponse(response) = &error else {
        panic!("expected an error answer, got {error}");
    };
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(response.as_ref().error.as_str(), "validation_failed");
    assert_eq!(response.as_ref().details.len(), 4);
    let stats = standin.stats();
    assert_eq!(stats.token_requests, 1);
    assert_eq!(stats.api_calls, 1);
    assert_eq!(stats.api_status(422), 1);
    assert_eq!(stats.transactions_posted, 0);
    snapshot("validation_failed_422", error_report(&client, &error));
}

/// A 5xx from the API is returned as a typed error, `Retry-After` readable in its headers;
/// the client does not re-send (the request may have been processed).
#[tokio::test]
async fn a_server_error_is_returned_and_not_resent() {
    let standin = standin().await;
    let client = client(&standin);
    standin.inject_api_faults(
        1,
        Fault::status_with_retry_after(StatusCode::SERVICE_UNAVAILABLE, "7"),
    );
    let error = post(&client, "server-error-1").await.expect_err("503");
    let nxtsoft_client::Error::ErrorResponse(response) = &error else {
        panic!("expected an error answer, got {error}");
    };
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        response.headers().get("retry-after").map(|v| v.as_bytes()),
        Some(&b"7"[..])
    );
    let stats = standin.stats();
    assert_eq!(stats.token_requests, 1);
    assert_eq!(stats.api_calls, 1);
    assert_eq!(stats.api_status(503), 1);
    assert_eq!(stats.transactions_posted, 0);
    snapshot("server_error_503", error_report(&client, &error));
}

/// The token endpoint failing with 5xx: retried (3 attempts by default), then a typed error.
#[tokio::test]
async fn a_token_endpoint_server_error_is_retried_then_typed() {
    let standin = standin().await;
    let client = client(&standin);
    standin.inject_token_faults(3, Fault::status(StatusCode::SERVICE_UNAVAILABLE));
    let error = validate(&client, "token-down-1")
        .await
        .expect_err("no token");
    let auth = client.auth_error(&error).expect("a typed token error");
    assert_eq!(
        auth.token_error().status(),
        Some(StatusCode::SERVICE_UNAVAILABLE)
    );
    let stats = standin.stats();
    assert_eq!(stats.token_requests, 3);
    assert_eq!(stats.token_faults, 3);
    assert_eq!(stats.tokens_issued, 0);
    assert_eq!(stats.api_calls, 0);
    assert_eq!(client.authenticator().stats().token_requests, 3);
    snapshot("token_endpoint_503", error_report(&client, &error));
}

/// An API host nobody listens on (a closed loopback port): a communication error whose chain
/// ends in the operating system's "connection refused". The token was fetched first.
#[tokio::test]
async fn an_unreachable_api_host_is_a_communication_error() {
    let standin = standin().await;
    let port = closed_port();
    let credentials = credentials_for(&standin, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
        .build()
        .expect("credentials");
    let client =
        Client::authenticated(credentials, &format!("http://127.0.0.1:{port}")).expect("client");
    let error = validate(&client, "unreachable-1")
        .await
        .expect_err("unreachable");
    assert!(matches!(
        error,
        nxtsoft_client::Error::CommunicationError(_)
    ));
    assert!(client.auth_error(&error).is_none());
    let stats = standin.stats();
    assert_eq!(stats.token_requests, 1);
    assert_eq!(stats.api_calls, 0);
    snapshot("unreachable_api_host", error_report(&client, &error));
}

/// A token endpoint nobody listens on: retried (connection failures are transient), then a
/// typed transport error whose chain ends in "connection refused". No API call is made.
#[tokio::test]
async fn an_unreachable_token_endpoint_is_a_typed_transport_error() {
    let standin = standin().await;
    let port = closed_port();
    let credentials = credentials_for(&standin, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
        .token_url(format!("http://127.0.0.1:{port}/oauth2/token"))
        .build()
        .expect("credentials");
    let client = Client::authenticated(credentials, standin.base_url()).expect("client");
    let error = validate(&client, "unreachable-1")
        .await
        .expect_err("unreachable");
    let auth = client.auth_error(&error).expect("a typed token error");
    assert!(matches!(auth.token_error(), TokenError::Transport(_)));
    assert_eq!(client.authenticator().stats().token_requests, 3);
    let stats = standin.stats();
    assert_eq!(stats.token_requests, 0);
    assert_eq!(stats.api_calls, 0);
    snapshot("unreachable_token_endpoint", error_report(&client, &error));
}
