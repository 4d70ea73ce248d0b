//! The token endpoint on the wire: client authentication, scopes, parsing, typed errors,
//! retries. Servers are wiremock on 127.0.0.1.

mod common;

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use common::*;
use nxtsoft_auth::{
    Authenticator, ClientAuth, Credentials, MAX_TOKEN_RESPONSE_BYTES, OAuthErrorCode, TokenError,
};
use reqwest::StatusCode;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn form(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

async fn token_error(authenticator: &Authenticator) -> std::sync::Arc<TokenError> {
    match authenticator.header_value().await {
        Err(error) => std::sync::Arc::clone(error.token_error_arc()),
        Ok(_) => panic!("expected a token error"),
    }
}

#[tokio::test]
async fn client_secret_post_on_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(token_body("tok-1", json!(3600)))
        .expect(1)
        .mount(&server)
        .await;
    let credentials = Credentials::builder(token_url(&server), CLIENT_ID, SECRET)
        .scope("transactions/post")
        .scope("extra:scope")
        .build()
        .unwrap();
    let authenticator = Authenticator::new(credentials).unwrap();
    assert_eq!(header_of(&authenticator).await.unwrap(), bearer("tok-1"));

    let requests = server.received_requests().await.unwrap();
    let request = &requests[0];
    assert_eq!(
        request.headers.get("content-type").unwrap(),
        "application/x-www-form-urlencoded"
    );
    assert_eq!(request.headers.get("accept").unwrap(), "application/json");
    assert!(
        request.headers.get("authorization").is_none(),
        "never both methods"
    );
    let raw = String::from_utf8(request.body.clone()).unwrap();
    assert!(
        raw.contains(&format!("client_secret={SECRET_FORM_ENCODED}")),
        "{raw}"
    );
    let form = form(&request.body);
    assert_eq!(field(&form, "grant_type"), Some("client_credentials"));
    assert_eq!(field(&form, "client_id"), Some(CLIENT_ID));
    assert_eq!(field(&form, "client_secret"), Some(SECRET));
    assert_eq!(field(&form, "scope"), Some("transactions/post extra:scope"));
    assert_eq!(form.len(), 4);
}

#[tokio::test]
async fn client_secret_basic_on_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(token_body("tok-1", json!(3600)))
        .mount(&server)
        .await;
    let credentials = Credentials::builder(token_url(&server), "client:1 é", SECRET)
        .client_auth(ClientAuth::SecretBasic)
        .build()
        .unwrap();
    let authenticator = Authenticator::new(credentials).unwrap();
    header_of(&authenticator).await.unwrap();

    let request = &server.received_requests().await.unwrap()[0];
    let authorization = request
        .headers
        .get("authorization")
        .unwrap()
        .to_str()
        .unwrap();
    let encoded = authorization.strip_prefix("Basic ").unwrap();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap();
    // RFC 6749 §2.3.1: each part form-urlencoded, then joined with ':'.
    assert_eq!(
        String::from_utf8(decoded).unwrap(),
        "client%3A1+%C3%A9:p%40ss%2Bw%2Frd%3A%25%26%3D"
    );
    let form = form(&request.body);
    assert_eq!(field(&form, "grant_type"), Some("client_credentials"));
    assert_eq!(field(&form, "client_id"), None, "never both methods");
    assert_eq!(field(&form, "client_secret"), None);
    assert_eq!(field(&form, "scope"), None, "no scope requested, none sent");
}

#[tokio::test]
async fn token_type_case_insensitive_but_must_be_bearer() {
    for (token_type, ok) in [
        ("bearer", true),
        ("BeArEr", true),
        ("mac", false),
        ("DPoP", false),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"access_token": "tok", "token_type": token_type, "expires_in": 60}),
            ))
            .mount(&server)
            .await;
        let authenticator = Authenticator::new(credentials(&server)).unwrap();
        match header_of(&authenticator).await {
            Ok(header) => {
                assert!(ok, "{token_type} accepted");
                assert_eq!(header, bearer("tok"));
            }
            Err(error) => {
                assert!(!ok, "{token_type} refused: {error}");
                assert!(matches!(
                    error.token_error(),
                    TokenError::InvalidResponse(_)
                ));
                assert_eq!(token_requests(&server).await, 1, "not retried");
            }
        }
    }
}

#[tokio::test]
async fn access_token_with_crlf_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "evil\r\nX-Injected: yes",
            "token_type": "Bearer",
            "expires_in": 60
        })))
        .mount(&server)
        .await;
    let authenticator = Authenticator::new(credentials(&server)).unwrap();
    let error = token_error(&authenticator).await;
    assert!(
        matches!(*error, TokenError::InvalidResponse(_)),
        "{error:?}"
    );
    assert!(!error.to_string().contains("evil"));
    assert!(!format!("{error:?}").contains("evil"));
    assert_eq!(token_requests(&server).await, 1);
}

#[tokio::test]
async fn ten_megabyte_body_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'a'; 10 * 1024 * 1024]))
        .mount(&server)
        .await;
    let authenticator = Authenticator::new(credentials(&server)).unwrap();
    let error = token_error(&authenticator).await;
    assert!(
        matches!(*error, TokenError::BodyTooLarge { limit } if limit == MAX_TOKEN_RESPONSE_BYTES),
        "{error:?}"
    );
    assert_eq!(token_requests(&server).await, 1);
}

/// A chunked body with no length: the cap is enforced while reading. The server streams
/// up to 1 GiB; reading it all would take far longer than refusing it.
#[tokio::test]
async fn endless_chunked_body_is_refused_while_reading() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = vec![0u8; 4096];
        let _ = socket.read(&mut request).await.unwrap();
        socket
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
            .await
            .unwrap();
        let chunk = format!("{:x}\r\n{}\r\n", 16 * 1024, "a".repeat(16 * 1024));
        let mut sent = 0usize;
        while sent < 1 << 30 {
            if socket.write_all(chunk.as_bytes()).await.is_err() {
                break;
            }
            sent += 16 * 1024;
        }
        sent
    });
    let credentials = Credentials::builder(format!("http://{address}/token"), CLIENT_ID, SECRET)
        .build()
        .unwrap();
    let authenticator = Authenticator::new(credentials).unwrap();
    let error = token_error(&authenticator).await;
    assert!(
        matches!(*error, TokenError::BodyTooLarge { .. }),
        "{error:?}"
    );
    drop(authenticator);
    let sent = server.await.unwrap();
    assert!(
        sent < 1 << 30,
        "the client stopped reading ({sent} bytes sent)"
    );
}

#[tokio::test]
async fn redirect_is_not_followed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/elsewhere", server.uri())),
        )
        .mount(&server)
        .await;
    Mock::given(path("/elsewhere"))
        .respond_with(token_body("stolen", json!(60)))
        .expect(0)
        .mount(&server)
        .await;
    let authenticator = Authenticator::new(credentials(&server)).unwrap();
    let error = token_error(&authenticator).await;
    assert!(
        matches!(*error, TokenError::UnexpectedStatus { status, .. } if status == StatusCode::FOUND),
        "{error:?}"
    );
    assert!(error.to_string().contains("redirects are not followed"));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn every_oauth_error_code_is_typed_and_not_retried() {
    let cases = [
        ("invalid_request", OAuthErrorCode::InvalidRequest, 400),
        ("invalid_client", OAuthErrorCode::InvalidClient, 401),
        ("invalid_grant", OAuthErrorCode::InvalidGrant, 400),
        (
            "unauthorized_client",
            OAuthErrorCode::UnauthorizedClient,
            400,
        ),
        (
            "unsupported_grant_type",
            OAuthErrorCode::UnsupportedGrantType,
            400,
        ),
        ("invalid_scope", OAuthErrorCode::InvalidScope, 400),
        // A permanent code is not retried even with a retryable status.
        ("invalid_client", OAuthErrorCode::InvalidClient, 503),
        (
            "vendor_specific",
            OAuthErrorCode::Other("vendor_specific".into()),
            400,
        ),
    ];
    for (wire, code, status) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status).set_body_json(json!({
                "error": wire,
                "error_description": "described",
                "error_uri": "https://docs.example/errors"
            })))
            .mount(&server)
            .await;
        let authenticator = Authenticator::new(credentials(&server)).unwrap();
        let error = token_error(&authenticator).await;
        match &*error {
            TokenError::OAuth {
                code: got,
                description,
                uri,
                status: got_status,
                ..
            } => {
                assert_eq!(*got, code);
                assert_eq!(description.as_deref(), Some("described"));
                assert_eq!(uri.as_deref(), Some("https://docs.example/errors"));
                assert_eq!(got_status.as_u16(), status);
            }
            other => panic!("{wire}: {other:?}"),
        }
        assert!(!error.is_retryable());
        assert_eq!(
            token_requests(&server).await,
            1,
            "{wire} at {status} not retried"
        );
        // The failure is shared and remembered: an immediate second caller gets it too,
        // without a new request.
        let again = token_error(&authenticator).await;
        assert!(std::sync::Arc::ptr_eq(&error, &again));
        assert_eq!(token_requests(&server).await, 1);
    }
}

async fn scripted(server: &MockServer, statuses: &[ResponseTemplate]) {
    for response in statuses {
        Mock::given(method("POST"))
            .respond_with(response.clone())
            .up_to_n_times(1)
            .with_priority(1)
            .mount(server)
            .await;
    }
}

#[tokio::test(start_paused = true)]
async fn retry_after_seconds_is_honoured() {
    let server = MockServer::start().await;
    scripted(
        &server,
        &[ResponseTemplate::new(429).insert_header("retry-after", "3")],
    )
    .await;
    Mock::given(method("POST"))
        .respond_with(token_body("tok", json!(3600)))
        .with_priority(2)
        .mount(&server)
        .await;
    let authenticator = paused_authenticator(credentials(&server));
    let started = Instant::now();
    assert_eq!(header_of(&authenticator).await.unwrap(), bearer("tok"));
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(3), "{waited:?}");
    assert!(waited < Duration::from_secs(4), "{waited:?}");
    assert_eq!(token_requests(&server).await, 2);
    assert_eq!(authenticator.stats().token_requests, 2);
    assert_eq!(authenticator.stats().fetches, 1);
}

#[tokio::test(start_paused = true)]
async fn retry_after_http_date_is_honoured() {
    let server = MockServer::start().await;
    let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(6));
    scripted(
        &server,
        &[ResponseTemplate::new(503).insert_header("retry-after", at.as_str())],
    )
    .await;
    Mock::given(method("POST"))
        .respond_with(token_body("tok", json!(3600)))
        .with_priority(2)
        .mount(&server)
        .await;
    let authenticator = paused_authenticator(credentials(&server));
    let started = Instant::now();
    assert_eq!(header_of(&authenticator).await.unwrap(), bearer("tok"));
    let waited = started.elapsed();
    // HTTP dates have one-second resolution.
    assert!(waited >= Duration::from_secs(4), "{waited:?}");
    assert!(waited <= Duration::from_secs(7), "{waited:?}");
    assert_eq!(token_requests(&server).await, 2);
}

#[tokio::test(start_paused = true)]
async fn retry_after_beyond_the_cap_is_capped_ends_the_fetch_and_delays_the_next() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "7200"))
        .mount(&server)
        .await;
    let authenticator = paused_authenticator(credentials(&server));
    let started = Instant::now();
    let error = token_error(&authenticator).await;
    assert_eq!(error.retry_after(), Some(Duration::from_secs(60)), "capped");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "no sleeping for 60 s: it does not fit in the fetch deadline"
    );
    assert_eq!(token_requests(&server).await, 1);
    // The cache respects the (capped) wish: nothing is sent before 60 s.
    tokio::time::advance(Duration::from_secs(59)).await;
    token_error(&authenticator).await;
    assert_eq!(token_requests(&server).await, 1);
    tokio::time::advance(Duration::from_secs(2)).await;
    token_error(&authenticator).await;
    assert_eq!(token_requests(&server).await, 2);
}

#[tokio::test(start_paused = true)]
async fn server_errors_are_retried_then_surfaced() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_string("<html>oops</html>"))
        .mount(&server)
        .await;
    let authenticator = paused_authenticator(credentials(&server));
    let error = token_error(&authenticator).await;
    assert!(
        matches!(*error, TokenError::UnexpectedStatus { status, .. } if status == StatusCode::INTERNAL_SERVER_ERROR),
        "{error:?}"
    );
    assert_eq!(
        token_requests(&server).await,
        3,
        "3 attempts, then the error"
    );
    assert_eq!(authenticator.stats().token_requests, 3);
    assert_eq!(authenticator.stats().fetch_failures, 1);
}

#[tokio::test(start_paused = true)]
async fn transient_errors_then_success() {
    let server = MockServer::start().await;
    scripted(
        &server,
        &[ResponseTemplate::new(503), ResponseTemplate::new(408)],
    )
    .await;
    Mock::given(method("POST"))
        .respond_with(token_body("tok", json!(3600)))
        .with_priority(2)
        .mount(&server)
        .await;
    let authenticator = paused_authenticator(credentials(&server));
    let started = Instant::now();
    assert_eq!(header_of(&authenticator).await.unwrap(), bearer("tok"));
    // Full jitter: at most 250 ms, then at most 500 ms.
    assert!(started.elapsed() <= Duration::from_millis(750));
    assert_eq!(token_requests(&server).await, 3);
}

#[tokio::test(start_paused = true)]
async fn connection_failures_are_retried() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let credentials = Credentials::builder(format!("http://{address}/token"), CLIENT_ID, SECRET)
        .build()
        .unwrap();
    let authenticator = paused_authenticator(credentials);
    let error = token_error(&authenticator).await;
    assert!(matches!(*error, TokenError::Transport(_)), "{error:?}");
    assert!(error.is_retryable());
    assert!(std::error::Error::source(&*error).is_some(), "cause kept");
    assert_eq!(authenticator.stats().token_requests, 3);
}

#[tokio::test]
async fn attempt_timeout_is_a_typed_retryable_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(token_body("tok", json!(60)).set_delay(Duration::from_millis(500)))
        .mount(&server)
        .await;
    let authenticator = Authenticator::builder(credentials(&server))
        .retry_policy(
            nxtsoft_auth::RetryPolicy::default()
                .max_attempts(2)
                .backoff(Duration::from_millis(1), Duration::from_millis(1))
                .attempt_timeout(Some(Duration::from_millis(50))),
        )
        .build()
        .unwrap();
    let error = token_error(&authenticator).await;
    assert!(matches!(*error, TokenError::Timeout(_)), "{error:?}");
    assert_eq!(authenticator.stats().token_requests, 2);
}

async fn lifetime_server(expires_in: serde_json::Value) -> (MockServer, Authenticator) {
    let server = MockServer::start().await;
    let body = if expires_in.is_null() {
        ResponseTemplate::new(200)
            .set_body_json(json!({"access_token": "tok", "token_type": "Bearer"}))
    } else {
        token_body("tok", expires_in)
    };
    Mock::given(method("POST"))
        .respond_with(body)
        .mount(&server)
        .await;
    let authenticator = paused_authenticator(credentials(&server));
    (server, authenticator)
}

/// Calls once at `at` (from the first fetch) and returns how many token requests were made.
async fn requests_after(server: &MockServer, authenticator: &Authenticator, at: Duration) -> usize {
    let start = Instant::now();
    tokio::time::advance(at.saturating_sub(start.elapsed())).await;
    header_of(authenticator).await.unwrap();
    token_requests(server).await
}

#[tokio::test(start_paused = true)]
async fn expires_in_as_a_string() {
    let (server, authenticator) = lifetime_server(json!("60")).await;
    header_of(&authenticator).await.unwrap();
    // 60 s: fresh until 55.2–57 s, usable until 58.8 s.
    assert_eq!(
        requests_after(&server, &authenticator, Duration::from_secs(40)).await,
        1
    );
    tokio::time::advance(Duration::from_secs(19)).await;
    header_of(&authenticator).await.unwrap();
    assert_eq!(token_requests(&server).await, 2);
}

#[tokio::test(start_paused = true)]
async fn expires_in_missing_means_one_hour() {
    let (server, authenticator) = lifetime_server(serde_json::Value::Null).await;
    header_of(&authenticator).await.unwrap();
    tokio::time::advance(Duration::from_secs(2600)).await;
    header_of(&authenticator).await.unwrap();
    assert_eq!(token_requests(&server).await, 1, "cached while fresh");
    tokio::time::advance(Duration::from_secs(3596 - 2600)).await;
    header_of(&authenticator).await.unwrap();
    assert_eq!(token_requests(&server).await, 2, "past 3600 s − 5 s margin");
}

#[tokio::test(start_paused = true)]
async fn expires_in_zero_is_refused_and_never_cached() {
    let (server, authenticator) = lifetime_server(json!(0)).await;
    for expected_requests in [1, 1, 2] {
        let error = authenticator.header_value().await.unwrap_err();
        assert!(
            matches!(error.token_error(), TokenError::ExpiredOnArrival { .. }),
            "{error:?}"
        );
        assert_eq!(token_requests(&server).await, expected_requests);
        if expected_requests == 1 {
            // The second call shares the remembered failure; the third is a new fetch.
            tokio::time::advance(Duration::from_millis(500)).await;
        }
    }
}

#[tokio::test(start_paused = true)]
async fn expires_in_huge_is_clamped_to_a_day() {
    for huge in [
        json!(1e300),
        json!(u64::MAX),
        json!("99999999999999999999999999"),
    ] {
        let (server, authenticator) = lifetime_server(huge).await;
        header_of(&authenticator).await.unwrap();
        tokio::time::advance(Duration::from_secs(64_000)).await;
        header_of(&authenticator).await.unwrap();
        assert_eq!(token_requests(&server).await, 1);
        tokio::time::advance(Duration::from_secs(86_400 - 64_000 - 4)).await;
        header_of(&authenticator).await.unwrap();
        assert_eq!(
            token_requests(&server).await,
            2,
            "re-fetched before a day is over"
        );
    }
}
