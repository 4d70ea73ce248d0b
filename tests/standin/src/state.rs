//! The stand-in's shared state, and the snapshots of it that tests read.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use chrono::NaiveDate;
use serde_json::Value;

use crate::fault::Fault;
use crate::spec::Spec;

/// A client registered with the stand-in's auth server, like a Cognito app client.
#[derive(Clone, PartialEq, Eq)]
pub struct RegisteredClient {
    id: String,
    secret: String,
    scopes: Vec<String>,
    client_credentials: bool,
    asset_id: Option<String>,
}

impl RegisteredClient {
    /// A confidential client allowed the `client_credentials` grant for `scopes`.
    pub fn new<S: Into<String>>(
        id: impl Into<String>,
        secret: impl Into<String>,
        scopes: impl IntoIterator<Item = S>,
    ) -> RegisteredClient {
        RegisteredClient {
            id: id.into(),
            secret: secret.into(),
            scopes: scopes.into_iter().map(Into::into).collect(),
            client_credentials: true,
            asset_id: None,
        }
    }

    /// The same client, identified on the API by this partner `assetID`: its API requests
    /// must then carry it in the `assetID` header (400 `missing_asset_id` without it, 403
    /// `invalid_asset_id` with another value).
    pub fn with_asset_id(mut self, asset_id: impl Into<String>) -> RegisteredClient {
        self.asset_id = Some(asset_id.into());
        self
    }

    /// The partner `assetID` this client's API requests must carry, if any.
    pub fn asset_id(&self) -> Option<&str> {
        self.asset_id.as_deref()
    }

    /// The same client, but not allowed the `client_credentials` grant: its token requests get
    /// `unauthorized_client`.
    pub fn without_client_credentials(mut self) -> RegisteredClient {
        self.client_credentials = false;
        self
    }

    /// The client id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The client secret.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The scopes this client may be granted.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// Whether the client may use the `client_credentials` grant.
    pub fn allows_client_credentials(&self) -> bool {
        self.client_credentials
    }
}

impl fmt::Debug for RegisteredClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegisteredClient")
            .field("id", &self.id)
            .field("secret", &"[redacted]")
            .field("scopes", &self.scopes)
            .field("client_credentials", &self.client_credentials)
            .field("asset_id", &self.asset_id.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

/// Counters of what the stand-in has answered, read with [`StandIn::stats`](crate::StandIn::stats).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Every request to the token endpoint, whatever the answer.
    pub token_requests: u64,
    /// Tokens issued.
    pub tokens_issued: u64,
    /// Token requests refused, by OAuth error code (`invalid_client`, `invalid_scope`, ...).
    pub token_errors: BTreeMap<String, u64>,
    /// Token requests answered by an injected fault (a delay followed by a normal answer counts
    /// here and under its outcome).
    pub token_faults: u64,
    /// Every request to an API path, whatever the answer.
    pub api_calls: u64,
    /// API answers by HTTP status (dropped connections have none and are not counted here).
    pub api_calls_by_status: BTreeMap<u16, u64>,
    /// API requests answered by an injected fault.
    pub api_faults: u64,
    /// Successful validations (`200` from `validate_transaction`, valid or not).
    pub validations: u64,
    /// Distinct transactions recorded by `post_transaction`.
    pub transactions_posted: u64,
    /// Posts answered with the result of an earlier post with the same `client_reference_id`.
    pub idempotent_replays: u64,
    /// Requests to paths the stand-in does not serve.
    pub unknown_path_requests: u64,
}

impl Stats {
    /// How many token requests were refused with `code`.
    pub fn token_error(&self, code: &str) -> u64 {
        self.token_errors.get(code).copied().unwrap_or(0)
    }

    /// How many API answers had `status`.
    pub fn api_status(&self, status: u16) -> u64 {
        self.api_calls_by_status.get(&status).copied().unwrap_or(0)
    }
}

/// Which part of the stand-in a request reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /oauth2/token`.
    Token,
    /// One of the spec's API paths.
    Api,
    /// Any other path (answered `404`).
    Unknown,
}

/// A request as the stand-in received it, for wire snapshots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// Order of arrival, from 1.
    pub seq: u64,
    /// Which part of the stand-in it reached.
    pub endpoint: Endpoint,
    /// The method, e.g. `POST`.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// Every header in arrival order, names lower-cased; values that are not UTF-8 are decoded lossily.
    pub headers: Vec<(String, String)>,
    /// The body as received (cut at the stand-in's 1 MiB request limit).
    pub body: Bytes,
}

impl RecordedRequest {
    /// The first value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (lossy for bytes that are not UTF-8).
    pub fn body_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// An access token the stand-in issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    /// The token itself (a JWT-shaped string).
    pub access_token: String,
    /// The client it was issued to.
    pub client_id: String,
    /// The scopes it carries.
    pub scopes: Vec<String>,
    /// Its `jti` claim.
    pub jti: String,
    /// The lifetime it was issued with.
    pub lifetime: Duration,
    /// Whether it has been revoked.
    pub revoked: bool,
    /// Whether it has expired on the stand-in's (tokio) clock.
    pub expired: bool,
}

/// A transaction recorded by `post_transaction`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedTransaction {
    /// The caller's reference.
    pub client_reference_id: String,
    /// The stand-in's id: a UUID, as NXTsoft's object ids are, numbered in posting order
    /// (`00000000-0000-4000-8000-000000000001`, ...) so runs are reproducible.
    pub transaction_id: String,
    /// `posted`, or `pending` for a future effective date.
    pub status: String,
    /// When it was posted (RFC 3339, UTC, whole seconds).
    pub posted_at: String,
    /// The client whose token posted it.
    pub client_id: String,
    /// The message as posted.
    pub message: Value,
}

pub(crate) struct TokenRecord {
    pub(crate) client_id: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) jti: String,
    pub(crate) lifetime: Duration,
    pub(crate) expires_at: tokio::time::Instant,
    pub(crate) revoked: bool,
    pub(crate) seq: u64,
}

pub(crate) struct Inner {
    pub(crate) clients: Vec<RegisteredClient>,
    pub(crate) token_lifetime: Duration,
    pub(crate) tokens: HashMap<String, TokenRecord>,
    pub(crate) token_faults: VecDeque<Fault>,
    pub(crate) api_faults: VecDeque<Fault>,
    pub(crate) stats: Stats,
    pub(crate) requests: Vec<RecordedRequest>,
    pub(crate) next_request_seq: u64,
    pub(crate) next_api_request_id: u64,
    pub(crate) transactions: Vec<PostedTransaction>,
    pub(crate) by_reference: HashMap<String, usize>,
    pub(crate) business_date: Option<NaiveDate>,
    pub(crate) issuer: String,
}

pub(crate) struct Shared {
    pub(crate) spec: &'static Spec,
    inner: Mutex<Inner>,
}

impl Shared {
    pub(crate) fn new(spec: &'static Spec, inner: Inner) -> Shared {
        Shared {
            spec,
            inner: Mutex::new(inner),
        }
    }

    /// Locks the state. A panic while locked cannot leave it inconsistent in a way that matters
    /// to a test double, so a poisoned lock is simply taken over.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Inner {
    pub(crate) fn new(clients: Vec<RegisteredClient>, token_lifetime: Duration) -> Inner {
        Inner {
            clients,
            token_lifetime,
            tokens: HashMap::new(),
            token_faults: VecDeque::new(),
            api_faults: VecDeque::new(),
            stats: Stats::default(),
            requests: Vec::new(),
            next_request_seq: 0,
            next_api_request_id: 0,
            transactions: Vec::new(),
            by_reference: HashMap::new(),
            business_date: None,
            issuer: String::new(),
        }
    }

    /// Counts one request that reached `endpoint`, whatever its answer.
    pub(crate) fn count_request(&mut self, endpoint: Endpoint) {
        match endpoint {
            Endpoint::Token => self.stats.token_requests += 1,
            Endpoint::Api => self.stats.api_calls += 1,
            Endpoint::Unknown => self.stats.unknown_path_requests += 1,
        }
    }

    pub(crate) fn count_token_error(&mut self, code: &str) {
        *self.stats.token_errors.entry(code.to_owned()).or_insert(0) += 1;
    }
}
