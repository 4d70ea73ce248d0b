//! A loopback stand-in for NXTsoft: its auth server (AWS Cognito's `/oauth2/token`, client
//! credentials grant) and its transactions API (`openapi/nxtsoft.yaml`), in one in-process HTTP
//! server on `127.0.0.1`, for tests and demos that must not touch the network.
//!
//! ```no_run
//! # async fn demo() -> Result<(), nxtsoft_standin::StartError> {
//! use std::time::Duration;
//! use nxtsoft_standin::{Fault, RegisteredClient, StandIn};
//!
//! let standin = StandIn::builder()
//!     .client(RegisteredClient::new("my-client", "my-secret", ["transactions/mock", "transactions/post"]))
//!     .token_lifetime(Duration::from_secs(3600))
//!     .start()
//!     .await?;
//! // Point the client under test at standin.token_url() and standin.base_url(), then script failures:
//! standin.inject_token_faults(1, Fault::status_with_retry_after(http::StatusCode::SERVICE_UNAVAILABLE, "1"));
//! // ... and read what happened:
//! assert_eq!(standin.stats().tokens_issued, 0);
//! # Ok(()) }
//! ```
//!
//! # What it serves
//! - `POST /oauth2/token` ([`StandIn::token_url`]): see [the token endpoint](#the-token-endpoint) below.
//! - `POST /transactions/mock` (`validate_transaction`, scope `transactions/mock`) and
//!   `POST /transactions/post` (`post_transaction`, scope `transactions/post`) under
//!   [`StandIn::base_url`]. Bodies are checked against the spec's own schemas ([`spec::Spec`]),
//!   never against generated types, so a generated type that drifts from the spec is caught.
//!
//! # The token endpoint
//! - Only `POST` with `Content-Type: application/x-www-form-urlencoded` (else `invalid_request`);
//!   a repeated parameter is `invalid_request` (RFC 6749 §3.2).
//! - `grant_type` missing: `invalid_request`; other than `client_credentials`: `unsupported_grant_type`.
//! - Client authentication by `client_secret_post` (`client_id` + `client_secret` in the form) or
//!   `client_secret_basic` (`Authorization: Basic base64(urlencode(id):urlencode(secret))`,
//!   RFC 6749 §2.3.1). Both at once: `invalid_request`. A `client_id` in the form next to Basic
//!   credentials is accepted only if it names the same client.
//! - Unknown client or wrong secret: `invalid_client`, with `400` when the client authenticated in
//!   the form (or not at all), and `401` with `WWW-Authenticate: Basic realm="nxtsoft-standin"` when
//!   it used the `Authorization` header, as RFC 6749 §5.2 requires for that case.
//! - A client registered [`without_client_credentials`](RegisteredClient::without_client_credentials):
//!   `unauthorized_client`.
//! - `scope` (space-separated): every scope must be allowed for the client, else `invalid_scope`;
//!   absent or empty: every allowed scope is granted.
//! - Success: `200 {"access_token": "<JWT>", "expires_in": N, "token_type": "Bearer"}` with
//!   `Cache-Control: no-store`. The JWT payload carries `client_id`, `scope`, `exp`, `iat`, `jti`
//!   (and Cognito's `sub`, `token_use`, `iss`, `auth_time`, `version`); its signature is random
//!   bytes: tokens are recognised by lookup, never by verification.
//! - Errors: `{"error": "<code>", "error_description": "..."}`.
//!
//! # The API
//! In this order: an unknown path is `404`; a wrong method `405`; a missing, malformed, unknown,
//! revoked or expired bearer token `401` with `WWW-Authenticate: Bearer ... error="invalid_token"`;
//! a token without the operation's scope `403` with `WWW-Authenticate: Bearer
//! error="insufficient_scope"`; a body that is not `application/json`, not JSON, or not of the
//! spec's `TransactionMessage` shape `400` (with `details`, one [`spec::Violation`] per problem).
//! Every error body is an `ApiError`, every answer carries `x-request-id` (a numbered UUID: `00000000-0000-4000-a000-000000000001`, ...).
//!
//! Then the business checks ([`business`]): account known, open and of the stated type; amount
//! above zero and at most [`business::MAX_AMOUNT_CENTS`]; currency `USD`; transaction code known and
//! of the right direction; effective date within [`business::MAX_DAYS_IN_PAST`] /
//! [`business::MAX_DAYS_IN_FUTURE`] days of the business date (a future date within the window is a
//! warning, and posts as `pending`). `validate_transaction` answers `200` with the findings
//! (`valid: false` when any is an error); `post_transaction` answers `422` `validation_failed`
//! with the findings as `details`, or records the transaction. Posting is idempotent by
//! `client_reference_id`: a repeat answers the first result (with `idempotent-replayed: true`)
//! and records nothing.
//!
//! Token expiry is judged on tokio's clock, so `tokio::time::pause()` / `advance()` expire tokens
//! in tests without waiting.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod answer;
mod api;
pub mod business;
pub mod fault;
mod intercept;
mod oauth;
mod server;
pub mod spec;
mod state;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use fault::{Fault, FaultBody};
pub use intercept::MAX_REQUEST_BODY;
pub use oauth::{MAX_TOKEN_LIFETIME, TOKEN_PATH};
pub use state::{
    Endpoint, IssuedToken, PostedTransaction, RecordedRequest, RegisteredClient, Stats,
};

/// The scope of `validate_transaction`.
pub const SCOPE_MOCK: &str = "transactions/mock";
/// The scope of `post_transaction`.
pub const SCOPE_POST: &str = "transactions/post";
/// The id of the client [`StandIn::start_default`] registers.
pub const DEMO_CLIENT_ID: &str = "demo-client";
/// The secret of the client [`StandIn::start_default`] registers.
pub const DEMO_CLIENT_SECRET: &str = "demo-secret";
/// The token lifetime unless configured otherwise (Cognito's default: one hour).
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// Why the stand-in could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The embedded OpenAPI description did not load.
    #[error("the stand-in's OpenAPI description did not load: {0}")]
    Spec(#[from] spec::SpecError),
    /// The address is not a loopback address; the stand-in never listens beyond this machine.
    #[error("the stand-in only listens on loopback addresses, not {0}")]
    NotLoopback(SocketAddr),
    /// The listening socket could not be bound.
    #[error("the stand-in could not listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// Configures and starts a [`StandIn`].
#[derive(Debug, Clone)]
pub struct StandInBuilder {
    clients: Vec<RegisteredClient>,
    token_lifetime: Duration,
    business_date: Option<NaiveDate>,
    addr: SocketAddr,
}

impl StandInBuilder {
    /// Registers a client (call once per client).
    pub fn client(mut self, client: RegisteredClient) -> StandInBuilder {
        self.clients.push(client);
        self
    }

    /// The lifetime of the tokens issued (default [`DEFAULT_TOKEN_LIFETIME`], at most
    /// [`MAX_TOKEN_LIFETIME`]); whole seconds are reported in `expires_in`.
    pub fn token_lifetime(mut self, lifetime: Duration) -> StandInBuilder {
        self.token_lifetime = lifetime;
        self
    }

    /// Fixes the business date the effective-date rules are judged against (default: today, UTC,
    /// at each request). Useful for snapshot tests with fixed dates.
    pub fn business_date(mut self, date: NaiveDate) -> StandInBuilder {
        self.business_date = Some(date);
        self
    }

    /// The address to listen on (default `127.0.0.1:0`: a free port). Must be a loopback address.
    pub fn bind(mut self, addr: SocketAddr) -> StandInBuilder {
        self.addr = addr;
        self
    }

    /// Binds the socket and starts serving on the current tokio runtime.
    pub async fn start(self) -> Result<StandIn, StartError> {
        if !self.addr.ip().is_loopback() {
            return Err(StartError::NotLoopback(self.addr));
        }
        let spec = spec::Spec::embedded()?;
        let listener = server::bind(self.addr)
            .await
            .map_err(|source| StartError::Bind {
                addr: self.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: self.addr,
            source,
        })?;
        let base_url = format!("http://{addr}");
        let mut inner = state::Inner::new(self.clients, self.token_lifetime);
        inner.business_date = self.business_date;
        inner.issuer = base_url.clone();
        let shared = Arc::new(state::Shared::new(spec, inner));
        let (shutdown, receiver) = watch::channel(false);
        let router = server::router(shared.clone());
        let task = tokio::spawn(server::run(listener, router, receiver));
        tracing::debug!(%addr, "nxtsoft stand-in listening");
        Ok(StandIn {
            shared,
            addr,
            base_url,
            shutdown,
            task: Some(task),
        })
    }
}

/// A running stand-in. Dropping it stops the server: it stops accepting at once and lets answers
/// in flight finish for up to five seconds; [`StandIn::shutdown`] does the same and waits for it.
pub struct StandIn {
    shared: Arc<state::Shared>,
    addr: SocketAddr,
    base_url: String,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for StandIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StandIn")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl StandIn {
    /// A builder listening on `127.0.0.1:0` with no clients and [`DEFAULT_TOKEN_LIFETIME`].
    pub fn builder() -> StandInBuilder {
        StandInBuilder {
            clients: Vec::new(),
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
            business_date: None,
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        }
    }

    /// The demo client: [`DEMO_CLIENT_ID`] / [`DEMO_CLIENT_SECRET`], allowed both scopes.
    pub fn demo_client() -> RegisteredClient {
        RegisteredClient::new(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, [SCOPE_MOCK, SCOPE_POST])
    }

    /// Starts a stand-in on `127.0.0.1:0` with the [demo client](StandIn::demo_client) registered.
    pub async fn start_default() -> Result<StandIn, StartError> {
        StandIn::builder()
            .client(StandIn::demo_client())
            .start()
            .await
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API's base URL, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The token endpoint's URL, e.g. `http://127.0.0.1:41234/oauth2/token`.
    pub fn token_url(&self) -> String {
        format!("{}{}", self.base_url, TOKEN_PATH)
    }

    /// Registers another client while running.
    pub fn register_client(&self, client: RegisteredClient) {
        self.shared.lock().clients.push(client);
    }

    /// Changes the lifetime of tokens issued from now on (issued tokens keep theirs).
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.shared.lock().token_lifetime = lifetime;
    }

    /// The lifetime of tokens issued now.
    pub fn token_lifetime(&self) -> Duration {
        self.shared.lock().token_lifetime
    }

    /// Fixes (or with `None`, unfixes) the business date; see [`StandInBuilder::business_date`].
    pub fn set_business_date(&self, date: Option<NaiveDate>) {
        self.shared.lock().business_date = date;
    }

    /// Revokes one token; `false` if the stand-in never issued it.
    pub fn revoke_token(&self, access_token: &str) -> bool {
        match self.shared.lock().tokens.get_mut(access_token) {
            Some(token) => {
                token.revoked = true;
                true
            }
            None => false,
        }
    }

    /// Revokes every token issued so far; returns how many were not revoked yet.
    pub fn revoke_all_tokens(&self) -> usize {
        let mut inner = self.shared.lock();
        let mut count = 0;
        for token in inner.tokens.values_mut().filter(|t| !t.revoked) {
            token.revoked = true;
            count += 1;
        }
        count
    }

    /// Every token issued so far, oldest first.
    pub fn issued_tokens(&self) -> Vec<IssuedToken> {
        let inner = self.shared.lock();
        let now = tokio::time::Instant::now();
        let mut tokens: Vec<(u64, IssuedToken)> = inner
            .tokens
            .iter()
            .map(|(access_token, t)| {
                let token = IssuedToken {
                    access_token: access_token.clone(),
                    client_id: t.client_id.clone(),
                    scopes: t.scopes.clone(),
                    jti: t.jti.clone(),
                    lifetime: t.lifetime,
                    revoked: t.revoked,
                    expired: now >= t.expires_at,
                };
                (t.seq, token)
            })
            .collect();
        tokens.sort_by_key(|(seq, _)| *seq);
        tokens.into_iter().map(|(_, t)| t).collect()
    }

    /// Queues `fault` for the next `count` token endpoint requests (after any faults already queued).
    pub fn inject_token_faults(&self, count: usize, fault: Fault) {
        let mut inner = self.shared.lock();
        inner.token_faults.extend(std::iter::repeat_n(fault, count));
    }

    /// Queues `fault` for the next `count` API requests (after any faults already queued).
    pub fn inject_api_faults(&self, count: usize, fault: Fault) {
        let mut inner = self.shared.lock();
        inner.api_faults.extend(std::iter::repeat_n(fault, count));
    }

    /// How many token and API faults are still queued.
    pub fn pending_faults(&self) -> (usize, usize) {
        let inner = self.shared.lock();
        (inner.token_faults.len(), inner.api_faults.len())
    }

    /// Forgets every queued fault.
    pub fn clear_faults(&self) {
        let mut inner = self.shared.lock();
        inner.token_faults.clear();
        inner.api_faults.clear();
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        self.shared.lock().stats.clone()
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Every request received so far, forgetting them.
    pub fn take_requests(&self) -> Vec<RecordedRequest> {
        std::mem::take(&mut self.shared.lock().requests)
    }

    /// Every transaction recorded, in posting order.
    pub fn transactions(&self) -> Vec<PostedTransaction> {
        self.shared.lock().transactions.clone()
    }

    /// The OpenAPI description the stand-in serves.
    pub fn spec(&self) -> &'static spec::Spec {
        self.shared.spec
    }

    /// Stops the server and waits until it has stopped (in-flight answers get up to five seconds).
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}
