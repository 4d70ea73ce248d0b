//! Helpers shared by the integration tests. Every server is on 127.0.0.1, port 0.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::future::BoxFuture;
use nxtsoft_auth::{
    AccessToken, Authenticator, Credentials, FetchedToken, RefreshPolicy, RetryPolicy, TokenError,
    TokenSource,
};
use reqwest::StatusCode;
use serde_json::json;
use tokio::sync::Semaphore;
use wiremock::{MockServer, ResponseTemplate};

pub const CLIENT_ID: &str = "client-1";
/// A secret with every character that form encoding and Basic auth get wrong.
pub const SECRET: &str = "p@ss+w/rd:%&=";
pub const SECRET_FORM_ENCODED: &str = "p%40ss%2Bw%2Frd%3A%25%26%3D";

pub fn token_url(server: &MockServer) -> String {
    format!("{}/oauth2/token", server.uri())
}

pub fn credentials(server: &MockServer) -> Credentials {
    Credentials::builder(token_url(server), CLIENT_ID, SECRET)
        .build()
        .unwrap()
}

pub fn token_body(token: &str, expires_in: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": expires_in,
    }))
}

/// A token endpoint client that leaves no timer pending while it waits for the server:
/// with `tokio::time::pause()`, a pending timer would make the paused clock jump while the
/// test waits on real loopback I/O.
pub fn untimed_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(None)
        .build()
        .unwrap()
}

pub fn untimed_retry() -> RetryPolicy {
    RetryPolicy::default().attempt_timeout(None)
}

/// An authenticator for the given mock token endpoint, safe to use with a paused clock.
pub fn paused_authenticator(credentials: Credentials) -> Authenticator {
    Authenticator::builder(credentials)
        .token_http_client(untimed_client())
        .retry_policy(untimed_retry())
        .refresh_policy(untimed_refresh())
        .build()
        .unwrap()
}

/// The default refresh policy without its wait bound (a pending timer, see
/// [`untimed_client`]).
pub fn untimed_refresh() -> RefreshPolicy {
    RefreshPolicy::default().max_wait(None)
}

pub async fn token_requests(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/oauth2/token")
        .count()
}

/// One scripted answer of a [`ScriptedSource`].
pub enum Step {
    Token(&'static str, Duration),
    Fail(StatusCode),
    Panic,
}

/// A [`TokenSource`] that answers from a script (the last step repeats), optionally held
/// at a gate the test opens, and counts its calls.
#[derive(Clone)]
pub struct ScriptedSource {
    pub calls: Arc<AtomicUsize>,
    script: Arc<Mutex<VecDeque<Step>>>,
    pub gate: Arc<Semaphore>,
}

impl ScriptedSource {
    /// Ungated: every fetch answers at once.
    pub fn new(steps: Vec<Step>) -> Self {
        let source = Self::gated(steps);
        source.gate.add_permits(Semaphore::MAX_PERMITS / 2);
        source
    }

    /// Gated: each fetch waits for one permit (`open(n)`).
    pub fn gated(steps: Vec<Step>) -> Self {
        Self {
            calls: Arc::new(AtomicUsize::new(0)),
            script: Arc::new(Mutex::new(steps.into())),
            gate: Arc::new(Semaphore::new(0)),
        }
    }

    pub fn open(&self, fetches: usize) {
        self.gate.add_permits(fetches);
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn next(&self) -> Step {
        let mut script = self.script.lock().unwrap();
        let step = if script.len() > 1 {
            script.pop_front()
        } else {
            script.front().map(|s| match s {
                Step::Token(t, l) => Step::Token(t, *l),
                Step::Fail(s) => Step::Fail(*s),
                Step::Panic => Step::Panic,
            })
        };
        step.expect("empty script")
    }
}

impl TokenSource for ScriptedSource {
    fn fetch(&self) -> BoxFuture<'_, Result<FetchedToken, TokenError>> {
        Box::pin(async move {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let requested_at = tokio::time::Instant::now();
            self.gate.acquire().await.unwrap().forget();
            match self.next() {
                Step::Token(token, lifetime) => Ok(FetchedToken::new(
                    AccessToken::new(token).unwrap(),
                    lifetime,
                )
                .with_requested_at(requested_at)),
                Step::Fail(status) => Err(TokenError::UnexpectedStatus {
                    status,
                    retry_after: None,
                }),
                Step::Panic => panic!("scripted panic in token source"),
            }
        })
    }
}

pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

pub async fn header_of(authenticator: &Authenticator) -> Result<String, nxtsoft_auth::AuthError> {
    authenticator
        .header_value()
        .await
        .map(|h| h.to_str().unwrap().to_owned())
}
