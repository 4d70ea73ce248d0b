//! The client secret and access tokens never appear in `Debug`, `Display`, errors, or
//! `tracing` output (captured at TRACE, including the HTTP stack's own logs).

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use base64::Engine as _;
use common::*;
use nxtsoft_auth::{
    AccessToken, Authenticator, ClientAuth, ConfigError, Credentials, EnvConfig, FetchedToken,
    RefreshPolicy, StaticToken, TokenError,
};
use reqwest::StatusCode;
use serde_json::json;
use tracing_subscriber::util::SubscriberInitExt as _;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN_1: &str = "tok-SECRET-one";
const TOKEN_2: &str = "tok-SECRET-two";

fn forbidden() -> Vec<String> {
    let basic = base64::engine::general_purpose::STANDARD
        .encode(format!("{CLIENT_ID}:{SECRET_FORM_ENCODED}"));
    vec![
        SECRET.to_owned(),
        SECRET_FORM_ENCODED.to_owned(),
        "p@ss".to_owned(),
        basic,
        "SECRET".to_owned(), // part of every test token
    ]
}

fn assert_clean(what: &str, text: &str) {
    for needle in forbidden() {
        assert!(!text.contains(&needle), "{what} leaks {needle:?}: {text}");
    }
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs a global TRACE subscriber (and the `log` bridge) writing into a buffer.
fn capture() -> Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED
        .get_or_init(|| {
            let captured = Captured::default();
            let writer = captured.clone();
            tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_ansi(false)
                .with_writer(move || writer.clone())
                .finish()
                .try_init()
                .expect("first subscriber");
            captured
        })
        .clone()
}

async fn token_endpoint(server: &MockServer) {
    for token in [TOKEN_1, TOKEN_2] {
        Mock::given(method("POST"))
            .and(path("/oauth2/token"))
            .respond_with(token_body(token, json!(2)))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(token_body(TOKEN_2, json!(3600)))
        .with_priority(2)
        .mount(server)
        .await;
}

#[tokio::test]
async fn nothing_secret_in_logs_debug_or_errors() {
    let captured = capture();

    // Success, 401 retry and background refresh, both client authentication methods.
    for client_auth in [ClientAuth::SecretPost, ClientAuth::SecretBasic] {
        let server = MockServer::start().await;
        token_endpoint(&server).await;
        Mock::given(path("/api"))
            .and(header("authorization", bearer(TOKEN_1).as_str()))
            .respond_with(ResponseTemplate::new(401))
            .mount(&server)
            .await;
        Mock::given(path("/api"))
            .respond_with(ResponseTemplate::new(200))
            .mount(&server)
            .await;
        let credentials = Credentials::builder(token_url(&server), CLIENT_ID, SECRET)
            .client_auth(client_auth)
            .build()
            .unwrap();
        // A long fixed lead, so the 2 s token is surely due for refresh after 1.6 s.
        let authenticator = Authenticator::builder(credentials.clone())
            .refresh_policy(
                RefreshPolicy::default()
                    .refresh_lead(0.25, Duration::from_secs(60))
                    .jitter_source(|| 0.0),
            )
            .build()
            .unwrap();
        let http = nxtsoft_auth::api_http_client().unwrap();
        let mut request = http
            .post(format!("{}/api", server.uri()))
            .body("{}")
            .build()
            .unwrap();
        authenticator.authorize(&mut request).await.unwrap();
        assert_clean("authorized request", &format!("{request:?}"));
        let response = authenticator.execute(&http, request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        // TOKEN_2 lives 2 s: refreshed in the background from 1.46 s on.
        tokio::time::sleep(Duration::from_millis(1600)).await;
        authenticator.header_value().await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(authenticator.stats().background_refreshes, 1);
        assert_clean("authenticator", &format!("{authenticator:?}"));
        assert_clean("credentials", &format!("{credentials:?}"));
    }

    // An error response that echoes the secret.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "invalid_client",
            "error_description": format!("wrong secret {SECRET} for {CLIENT_ID}")
        })))
        .mount(&server)
        .await;
    let authenticator = Authenticator::new(credentials(&server)).unwrap();
    let error = authenticator.header_value().await.unwrap_err();
    assert!(error.to_string().contains("[REDACTED]"), "{error}");
    check_error("OAuth error", &error);
    assert_clean("authenticator after failure", &format!("{authenticator:?}"));

    // A token that is not a valid header value.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(token_body("tok-SECRET\r\nX: y", json!(60)))
        .mount(&server)
        .await;
    let authenticator = Authenticator::new(credentials(&server)).unwrap();
    check_error(
        "invalid token",
        &authenticator.header_value().await.unwrap_err(),
    );

    // Transport failure.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let credentials = Credentials::builder(format!("http://{address}/t"), CLIENT_ID, SECRET)
        .build()
        .unwrap();
    let authenticator = Authenticator::builder(credentials)
        .retry_policy(nxtsoft_auth::RetryPolicy::default().max_attempts(1))
        .build()
        .unwrap();
    check_error(
        "transport",
        &authenticator.header_value().await.unwrap_err(),
    );

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("token fetched"), "capture works: {logs}");
    assert!(logs.contains("access token cached"));
    assert!(logs.contains("background_refresh"));
    assert!(logs.contains("re-sending the request once"));
    assert!(logs.contains("token fetch failed"));
    assert!(logs.contains("TRACE"), "TRACE level captured");
    assert_clean("tracing output", &logs);
}

fn check_error(what: &str, error: &nxtsoft_auth::AuthError) {
    assert_clean(what, &error.to_string());
    assert_clean(what, &format!("{error:?}"));
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(cause) = source {
        assert_clean(what, &cause.to_string());
        assert_clean(what, &format!("{cause:?}"));
        source = cause.source();
    }
}

#[test]
fn debug_and_display_of_every_type_redact() {
    let token = AccessToken::new("tok-SECRET-x").unwrap();
    assert_clean("token", &format!("{token:?}"));
    assert_clean("header", &format!("{:?}", token.header_value()));
    let fetched = FetchedToken::new(token.clone(), Duration::from_secs(60));
    assert_clean("fetched", &format!("{fetched:?}"));
    assert_clean("static", &format!("{:?}", StaticToken::new(token.clone())));
    let authenticator = Authenticator::from_source(StaticToken::new(token));
    assert_clean("authenticator", &format!("{authenticator:?}"));

    let builder = Credentials::builder("https://a.example/t", CLIENT_ID, SECRET);
    assert_clean("credentials builder", &format!("{builder:?}"));
    let credentials = builder.build().unwrap();
    assert_clean("credentials", &format!("{credentials:?}"));
    assert_clean(
        "authenticator builder",
        &format!("{:?}", Authenticator::builder(credentials)),
    );
    let env = EnvConfig::from_lookup("https://a.example/t", |name| match name {
        "NXTSOFT_CLIENT_ID" => Some(CLIENT_ID.into()),
        "NXTSOFT_CLIENT_SECRET" => Some(SECRET.into()),
        "NXTSOFT_API_BASE_URL" => Some("https://api.example".into()),
        _ => None,
    })
    .unwrap();
    assert_clean("env config", &format!("{env:?}"));

    let token_errors = [
        TokenError::UnexpectedStatus {
            status: StatusCode::BAD_GATEWAY,
            retry_after: Some(Duration::from_secs(1)),
        },
        TokenError::BodyTooLarge { limit: 10 },
        TokenError::Source("custom".into()),
        TokenError::Abandoned,
        TokenError::FetchTimedOut {
            waited: Duration::from_secs(30),
        },
        TokenError::ExpiredOnArrival {
            lifetime: Duration::from_secs(1),
            took: Duration::from_millis(1500),
        },
        TokenError::Internal("x"),
    ];
    for error in &token_errors {
        assert_clean("token error", &format!("{error} {error:?}"));
    }
    let config_errors = [
        Credentials::builder("https://u:p@ss@a.example/t", CLIENT_ID, SECRET)
            .build()
            .unwrap_err(),
        Credentials::builder("http://a.example/t", CLIENT_ID, SECRET)
            .build()
            .unwrap_err(),
        Credentials::builder("https://a.example/t", "", SECRET)
            .build()
            .unwrap_err(),
        Credentials::builder("https://a.example/t", CLIENT_ID, "")
            .build()
            .unwrap_err(),
        Credentials::builder("https://a.example/t", CLIENT_ID, SECRET)
            .scope("a b")
            .build()
            .unwrap_err(),
        EnvConfig::from_lookup("https://a.example/t", |_| None).unwrap_err(),
        EnvConfig::from_lookup("https://a.example/t", |name| match name {
            "NXTSOFT_CLIENT_AUTH" => Some(SECRET.into()),
            _ => Some("https://a.example/x".into()),
        })
        .unwrap_err(),
        Authenticator::builder(
            Credentials::builder("https://a.example/t", CLIENT_ID, SECRET)
                .build()
                .unwrap(),
        )
        .refresh_policy(
            nxtsoft_auth::RefreshPolicy::default().refresh_lead(2.0, std::time::Duration::ZERO),
        )
        .build()
        .unwrap_err(),
    ];
    for error in &config_errors {
        assert_clean("config error", &format!("{error} {error:?}"));
    }
    assert!(matches!(config_errors[6], ConfigError::InvalidVar { .. }));
}

/// A token endpoint (or proxy) that echoes the whole request back in its error: the form
/// body (the secret form-urlencoded), the `Authorization` header (Basic credentials), and the
/// raw secret, once placed so that the 512-character limit cuts through it.
struct EchoEverything {
    secret: &'static str,
}

impl wiremock::Respond for EchoEverything {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let body = String::from_utf8_lossy(&request.body).into_owned();
        let authorization = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        // The description holds the whole echo; the URI is padded so that the length limit
        // falls 4 characters into the raw secret.
        let prefix = "https://e.example/?";
        let pad = "x".repeat(512 - prefix.len() - 4);
        ResponseTemplate::new(400).set_body_json(json!({
            "error": "invalid_client",
            "error_description": format!("{body} | {authorization} | {}", self.secret),
            "error_uri": format!("{prefix}{pad}{}", self.secret),
        }))
    }
}

#[tokio::test]
async fn an_endpoint_echoing_the_whole_request_cannot_leak_the_secret() {
    let captured = capture();
    // Spaces, control characters and everything form encoding changes.
    const NASTY: &str = "pa ss\n\t+w/rd%&=\u{7}\"q\\";
    let encoded: String = url::form_urlencoded::byte_serialize(NASTY.as_bytes()).collect();
    let id_encoded: String = url::form_urlencoded::byte_serialize(CLIENT_ID.as_bytes()).collect();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{id_encoded}:{encoded}"));
    let leaks = |text: &str| -> Option<String> {
        [
            NASTY,
            encoded.as_str(),
            basic.as_str(),
            "pa s",
            "pa+s",
            "pa%20s",
        ]
        .into_iter()
        .find(|needle| text.contains(needle))
        .map(str::to_owned)
    };
    for client_auth in [ClientAuth::SecretPost, ClientAuth::SecretBasic] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(EchoEverything { secret: NASTY })
            .mount(&server)
            .await;
        let credentials = Credentials::builder(token_url(&server), CLIENT_ID, NASTY)
            .client_auth(client_auth)
            .build()
            .unwrap();
        let authenticator = Authenticator::new(credentials).unwrap();
        let error = authenticator.header_value().await.unwrap_err();
        let recovered = authenticator.recover_error(&error.to_string()).unwrap();
        assert!(
            error.to_string().contains("[REDACTED]"),
            "the echo was redacted, not dropped: {error}"
        );
        for (what, text) in [
            ("Display", error.to_string()),
            ("Debug", format!("{error:?}")),
            ("token error Debug", format!("{:?}", error.token_error())),
            ("recovered", format!("{recovered} {recovered:?}")),
            ("authenticator Debug", format!("{authenticator:?}")),
        ] {
            assert_eq!(leaks(&text), None, "{client_auth:?} {what}: {text}");
        }
    }
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("token fetch failed"), "capture works");
    assert_eq!(leaks(&logs), None, "TRACE logs");
}
