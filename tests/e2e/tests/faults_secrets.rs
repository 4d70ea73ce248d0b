//! Secret hygiene (issue 5, item 5): a demo-like run (validate, post, a business error, a
//! revoked token answered by one 401 re-send, a token endpoint that echoes the secret) with
//! every `tracing` event at TRACE captured (all targets, `log` records of reqwest and hyper
//! included), and every `Debug`, `Display` and error chain the caller can print: neither the
//! client secret nor any issued token appears anywhere. And plain `http://` to a non-loopback
//! host is refused for the token URL and the API base before anything is sent.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use nxtsoft_client::{Client, ConfigError, Error, Scope};
use nxtsoft_standin::business::UNKNOWN_ACCOUNT_ID;
use nxtsoft_standin::{Fault, FaultBody, RegisteredClient, SCOPE_MOCK, SCOPE_POST, StandIn};
use reqwest::StatusCode;
use support::*;

const CLIENT_ID: &str = "hygiene-client";
const SECRET: &str = "hyg13ne-S3cret-Zq9xR7w2";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `Display`, `Debug` and the whole `source()` chain of an error.
fn everything_about(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = format!("{error}\n{error:?}\n");
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!("{cause}\n{cause:?}\n"));
        source = cause.source();
    }
    text
}

fn credentials(standin: &StandIn) -> nxtsoft_client::Credentials {
    nxtsoft_client::credentials(CLIENT_ID, SECRET)
        .token_url(standin.token_url())
        .scopes(Scope::ALL)
        .build()
        .expect("credentials")
}

#[tokio::test]
async fn no_secret_or_token_in_logs_debug_display_or_errors() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        // Every target at TRACE, except the stand-in itself: it is the test's server, and it
        // logs the faults this test scripts (one of which echoes the secret on purpose).
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "trace,nxtsoft_standin=off",
        ))
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .try_init()
        .expect("the only subscriber of this test binary");

    let standin = StandIn::builder()
        .client(RegisteredClient::new(
            CLIENT_ID,
            SECRET,
            [SCOPE_MOCK, SCOPE_POST],
        ))
        .business_date(business_date())
        .start()
        .await
        .expect("stand-in");
    let mut seen = String::new();
    let client = Client::authenticated(credentials(&standin), standin.base_url()).expect("client");
    seen.push_str(&format!("{client:?}\n{:?}\n", credentials(&standin)));

    let validated = validate(&client, "s-1").await.expect("validate");
    seen.push_str(&format!("{validated:?}\n"));
    let posted = post(&client, "s-2").await.expect("post");
    seen.push_str(&format!("{posted:?}\n"));

    // A business error.
    let mut bad = message("s-3");
    bad.account.account_id = UNKNOWN_ACCOUNT_ID.parse().expect("account id");
    let error = client
        .post_transaction()
        .body(bad)
        .send()
        .await
        .expect_err("unknown account");
    assert_eq!(error.status(), Some(StatusCode::UNPROCESSABLE_ENTITY));
    seen.push_str(&everything_about(&error));

    // A revoked token: one 401, one new token, one re-send.
    standin.revoke_all_tokens();
    let posted = post(&client, "s-4")
        .await
        .expect("post after the 401 re-send");
    seen.push_str(&format!("{posted:?}\n"));
    assert_eq!(client.authenticator().stats().unauthorized_retries, 1);

    // A token endpoint that echoes the secret in its error description, and an API 401 that
    // reaches the caller.
    standin.inject_token_faults(
        1,
        Fault::Status {
            status: StatusCode::BAD_REQUEST,
            retry_after: None,
            body: Some(FaultBody::Raw {
                content_type: "application/json".into(),
                bytes: Bytes::from(format!(
                    r#"{{"error":"invalid_request","error_description":"bad client_secret {SECRET}"}}"#
                )),
            }),
        },
    );
    let second = Client::authenticated(credentials(&standin), standin.base_url()).expect("client");
    let error = validate(&second, "s-5").await.expect_err("token refused");
    let auth = second.auth_error(&error).expect("typed token failure");
    assert!(auth.to_string().contains("[REDACTED]"), "{auth}");
    seen.push_str(&everything_about(&error));
    seen.push_str(&everything_about(&*auth));
    seen.push_str(&format!("{second:?}\n{:?}\n", second.authenticator()));

    standin.inject_api_faults(2, Fault::status(StatusCode::UNAUTHORIZED));
    let third = Client::authenticated(credentials(&standin), standin.base_url()).expect("client");
    let error = post(&third, "s-6").await.expect_err("401 twice");
    assert!(matches!(&error, Error::ErrorResponse(v) if v.status() == 401));
    seen.push_str(&everything_about(&error));
    seen.push_str(&format!("{third:?}\n{:?}\n", third.authenticator()));

    let tokens: Vec<String> = standin
        .issued_tokens()
        .into_iter()
        .map(|t| t.access_token)
        .collect();
    assert!(tokens.len() >= 4, "{} tokens issued", tokens.len());
    standin.shutdown().await;

    let logs = captured.text();
    // The capture works: our spans, reqwest's `log` records, the stand-in's events.
    for expected in [
        " nxtsoft_auth",
        " reqwest::",
        " hyper_util::",
        "TRACE",
        "re-sending the request once",
    ] {
        assert!(logs.contains(expected), "{expected:?} not captured");
    }
    for (what, text) in [("logs", &logs), ("Debug/Display/errors", &seen)] {
        let leaks: Vec<&str> = text.lines().filter(|l| l.contains(SECRET)).collect();
        assert!(
            leaks.is_empty(),
            "the client secret leaked into {what}: {leaks:#?}"
        );
        for token in &tokens {
            assert!(!text.contains(token.as_str()), "a token leaked into {what}");
            let signature = token.rsplit('.').next().unwrap_or(token);
            assert!(
                !text.contains(signature),
                "a token's signature leaked into {what}"
            );
        }
        assert!(
            !text.contains("Bearer ey"),
            "a bearer header leaked into {what}"
        );
    }
}

#[test]
fn plain_http_to_a_non_loopback_host_is_refused_before_sending() {
    for url in [
        "http://auth.nxtsoft.com/oauth2/token",
        "http://10.1.2.3:8080/oauth2/token",
        "http://localhost.example.com/oauth2/token",
    ] {
        match nxtsoft_client::credentials(CLIENT_ID, SECRET)
            .token_url(url)
            .build()
        {
            Err(ConfigError::InvalidUrl { what, reason }) => {
                assert_eq!(what, "token URL");
                assert!(reason.contains("https"), "{reason}");
            }
            other => panic!("{url}: {other:?}"),
        }
    }
    let good = || {
        nxtsoft_client::credentials(CLIENT_ID, SECRET)
            .build()
            .expect("the spec's https token URL")
    };
    for base in ["http://api.nxtsoft.com", "http://192.168.1.10:8443/v1"] {
        match Client::authenticated(good(), base) {
            Err(ConfigError::InvalidUrl { what, reason }) => {
                assert_eq!(what, "API base URL");
                assert!(!reason.contains(SECRET));
            }
            Err(other) => panic!("{base}: {other:?}"),
            Ok(_) => panic!("{base}: accepted"),
        }
    }
    assert!(Client::authenticated(good(), "https://api.nxtsoft.com").is_ok());
    assert!(Client::authenticated(good(), "http://127.0.0.1:8080").is_ok());
}
