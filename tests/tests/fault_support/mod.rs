//! Helpers for the fault matrix and the reliability tests (`faults_*.rs`): a stand-in with
//! a fixed business date, clients with test-sized policies, and what the stand-in saw.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use nxtsoft_auth::{AuthError, Authenticator, RefreshPolicy, RetryPolicy, TokenError};
use nxtsoft_client::types::{ApiError, TransactionMessage};
use nxtsoft_client::{Client, Error, Scope};
use nxtsoft_standin::{
    DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Endpoint, RegisteredClient, SCOPE_MOCK, StandIn,
};
use serde_json::json;

pub const VALIDATE_PATH: &str = "/transactions/mock";
pub const POST_PATH: &str = "/transactions/post";
pub const MOCK_ONLY_ID: &str = "mock-only";
pub const MOCK_ONLY_SECRET: &str = "mock-only-secret";

pub type ApiResult<T> = Result<nxtsoft_client::ResponseValue<T>, Error<ApiError>>;

pub fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

pub fn business_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 3).expect("valid date")
}

/// A stand-in with the demo client and a client allowed `transactions/mock` only.
pub async fn standin() -> StandIn {
    StandIn::builder()
        .client(StandIn::demo_client())
        .client(RegisteredClient::new(
            MOCK_ONLY_ID,
            MOCK_ONLY_SECRET,
            [SCOPE_MOCK],
        ))
        .business_date(business_date())
        .start()
        .await
        .expect("stand-in starts")
}

/// A message that validates and posts cleanly on [`business_date`].
pub fn message(reference: &str) -> TransactionMessage {
    serde_json::from_value(json!({
        "client_reference_id": reference,
        "account": {"account_id": "1000001", "account_type": "deposit"},
        "amount": "125.00",
        "currency": "USD",
        "direction": "credit",
        "transaction_code": "DEP",
        "effective_date": "2024-06-03",
        "descriptions": ["Payroll deposit"]
    }))
    .expect("a valid TransactionMessage")
}

/// How a test client is put together.
#[derive(Clone)]
pub struct Setup {
    pub client_id: String,
    pub secret: String,
    pub token_url: Option<String>,
    pub retry: RetryPolicy,
    pub refresh: RefreshPolicy,
    /// Per-request timeout of the API HTTP client.
    pub api_timeout: Option<Duration>,
    /// No timer may run while a request is in flight (for `tokio::time::pause`): no HTTP
    /// timeouts, no pooled connections.
    pub paused: bool,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            client_id: DEMO_CLIENT_ID.into(),
            secret: DEMO_CLIENT_SECRET.into(),
            token_url: None,
            // The default policy's numbers, with millisecond backoffs and short attempts.
            retry: RetryPolicy::default()
                .backoff(ms(1), ms(10))
                .attempt_timeout(Some(ms(500))),
            refresh: RefreshPolicy::default(),
            api_timeout: Some(Duration::from_secs(5)),
            paused: false,
        }
    }
}

impl Setup {
    /// For tests under `tokio::time::pause()`.
    pub fn paused() -> Setup {
        Setup {
            retry: RetryPolicy::default()
                .backoff(ms(1), ms(10))
                .attempt_timeout(None),
            api_timeout: None,
            paused: true,
            ..Setup::default()
        }
    }

    fn http(&self, timeout: Option<Duration>) -> reqwest::Client {
        let mut builder = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none());
        if self.paused {
            builder = builder.pool_max_idle_per_host(0);
        }
        if let Some(timeout) = timeout {
            builder = builder.timeout(timeout);
        }
        builder.build().expect("reqwest client")
    }

    pub fn authenticator(&self, standin: &StandIn) -> Authenticator {
        let token_url = self
            .token_url
            .clone()
            .unwrap_or_else(|| standin.token_url());
        let credentials = nxtsoft_client::credentials(self.client_id.clone(), self.secret.clone())
            .token_url(token_url)
            .build()
            .expect("credentials");
        Authenticator::builder(credentials)
            .retry_policy(self.retry)
            .refresh_policy(self.refresh)
            .token_http_client(self.http(None))
            .build()
            .expect("authenticator")
    }

    pub fn client(&self, standin: &StandIn) -> Client {
        Client::with_authenticator(
            standin.base_url(),
            self.http(self.api_timeout),
            self.authenticator(standin),
        )
        .expect("client")
    }
}

/// A client for the demo client with the default test setup.
pub fn client(standin: &StandIn) -> Client {
    Setup::default().client(standin)
}

/// Credentials for all the spec's scopes, for tests that build clients themselves.
pub fn credentials(standin: &StandIn, secret: &str) -> nxtsoft_client::Credentials {
    nxtsoft_client::credentials(DEMO_CLIENT_ID, secret.to_owned())
        .token_url(standin.token_url())
        .scopes(Scope::ALL)
        .build()
        .expect("credentials")
}

/// What reached the stand-in: requests by endpoint (counted on arrival, so a request whose
/// answer was delayed or dropped counts too) and transactions recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wire {
    pub token: usize,
    pub validate: usize,
    pub post: usize,
    pub transactions: usize,
}

pub fn wire(standin: &StandIn) -> Wire {
    let requests = standin.requests();
    let count = |f: &dyn Fn(&nxtsoft_standin::RecordedRequest) -> bool| {
        requests.iter().filter(|r| f(r)).count()
    };
    Wire {
        token: count(&|r| r.endpoint == Endpoint::Token),
        validate: count(&|r| r.path == VALIDATE_PATH),
        post: count(&|r| r.path == POST_PATH),
        transactions: standin.transactions().len(),
    }
}

pub fn wire_of(token: usize, validate: usize, post: usize, transactions: usize) -> Wire {
    Wire {
        token,
        validate,
        post,
        transactions,
    }
}

/// The typed token failure behind a call's error; panics if the call did not fail that way.
pub fn token_failure<T: std::fmt::Debug>(client: &Client, result: ApiResult<T>) -> Arc<AuthError> {
    let error = result.expect_err("the call should fail on the token");
    client
        .auth_error(&error)
        .unwrap_or_else(|| panic!("not a typed token failure: {error:?}"))
}

/// The token error inside an [`AuthError`].
pub fn token_error(error: &AuthError) -> &TokenError {
    error.token_error()
}

/// The documented error answer behind a call's error; panics otherwise.
pub fn error_response<T: std::fmt::Debug>(result: ApiResult<T>) -> (u16, ApiError) {
    match result {
        Err(Error::ErrorResponse(value)) => {
            let status = value.status().as_u16();
            (status, value.into_inner())
        }
        other => panic!("expected a documented error answer, got {other:?}"),
    }
}

/// Waits (in real time, up to 5 s) until `condition` holds; panics otherwise.
pub async fn eventually(what: &str, condition: impl Fn() -> bool) {
    for _ in 0..500 {
        if condition() {
            return;
        }
        tokio::time::sleep(ms(10)).await;
    }
    panic!("timed out waiting until {what}");
}
