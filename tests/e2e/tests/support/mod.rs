//! Shared by the end-to-end tests (`e2e_*.rs`) and the fault and reliability tests
//! (`faults_*.rs`): the full stack (generated client + auth) against the loopback stand-in.
//!
//! - [`fixtures`]: test clients, business date, paths, a stand-in set up with them.
//! - Clients as a user builds them ([`client`], [`client_for`], [`client_with_policy`]) and with
//!   test-sized policies ([`Setup`], [`fault_client`]).
//! - Sample messages ([`message`], [`invalid_message`]).
//! - What the stand-in saw: renderings stable enough to snapshot ([`wire_text`], [`trace`],
//!   [`error_report`], with [`settings`]) and counts ([`wire`]).
#![allow(dead_code)]

#[path = "../../../standin/tests/common/fixtures.rs"]
mod fixtures;

use std::error::Error as _;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use nxtsoft_auth::{
    AuthError, Authenticator, ClientAuth, CredentialsBuilder, RefreshPolicy, RetryPolicy,
    TokenError, api_http_client,
};
use nxtsoft_client::types::{ApiError, PostResult, TransactionMessage, ValidationResult};
use nxtsoft_client::{Client, Error, Scope};
use nxtsoft_standin::{
    DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Endpoint, RecordedRequest, StandIn, StandInBuilder,
};

pub use fixtures::*;

/// The result of a generated client call.
pub type ApiResult<T> = Result<nxtsoft_client::ResponseValue<T>, Error<ApiError>>;

/// `millis` milliseconds.
pub fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// A credentials builder for `id` / `secret` at `standin`'s token endpoint, no scope requested.
pub fn credentials_for(standin: &StandIn, id: &str, secret: &str) -> CredentialsBuilder {
    nxtsoft_client::credentials(id.to_owned(), secret.to_owned()).token_url(standin.token_url())
}

/// Credentials for the demo client with `secret` and all the spec's scopes, for tests that
/// build clients themselves.
pub fn demo_credentials(standin: &StandIn, secret: &str) -> nxtsoft_client::Credentials {
    credentials_for(standin, DEMO_CLIENT_ID, secret)
        .scopes(Scope::ALL)
        .build()
        .expect("credentials")
}

/// The client as a user builds it: the demo client, both scopes, client_secret_post.
pub fn client(standin: &StandIn) -> Client {
    Client::authenticated(
        demo_credentials(standin, DEMO_CLIENT_SECRET),
        standin.base_url(),
    )
    .expect("client")
}

/// A client with a custom refresh policy (the demo client, both scopes).
pub fn client_with_policy(standin: &StandIn, policy: RefreshPolicy) -> Client {
    let authenticator = Authenticator::builder(demo_credentials(standin, DEMO_CLIENT_SECRET))
        .refresh_policy(policy)
        .build()
        .expect("authenticator");
    Client::with_authenticator(
        standin.base_url(),
        api_http_client().expect("http"),
        authenticator,
    )
    .expect("client")
}

/// A client for `id` / `secret` with `scopes` and `auth`.
pub fn client_for(
    standin: &StandIn,
    id: &str,
    secret: &str,
    scopes: &[&str],
    auth: ClientAuth,
) -> Client {
    let credentials = credentials_for(standin, id, secret)
        .scopes(scopes)
        .client_auth(auth)
        .build()
        .expect("credentials");
    Client::authenticated(credentials, standin.base_url()).expect("client")
}

/// A message every check accepts on [`business_date`]: the stand-in's
/// [`sample_message`](nxtsoft_standin::business::sample_message), typed.
pub fn message(reference: &str) -> TransactionMessage {
    serde_json::from_value(nxtsoft_standin::business::sample_message(
        reference,
        business_date(),
    ))
    .expect("a valid TransactionMessage")
}

/// A well-formed message the business checks refuse field by field: unknown account, zero
/// amount, a withdrawal code with a credit direction, an effective date 45 days back.
pub fn invalid_message(reference: &str) -> TransactionMessage {
    let mut message = message(reference);
    message.account.account_id = nxtsoft_standin::business::UNKNOWN_ACCOUNT_ID
        .parse()
        .expect("account id");
    message.amount = "0.00".parse().expect("amount");
    message.transaction_code = "WDL".parse().expect("code");
    message.effective_date = business_date() - chrono::Days::new(45);
    message
}

/// Filters for what varies between runs: the port of `127.0.0.1`, the `date` response
/// header, RFC 3339 timestamps (`posted_at`, which the stand-in takes from the wall clock),
/// the jittered delay before the next token request in an error's text, and how long a
/// token answer took.
pub fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"answered after \d+\.\d+ s", "answered after [elapsed] s");
    settings.add_filter(r"took: [0-9.]+(ns|µs|ms|s)\b", "took: [elapsed]");
    settings.add_filter(
        r"next token request in \d+\.\d s",
        "next token request in [delay] s",
    );
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[port]");
    settings.add_filter(r#""date": "[^"]+""#, r#""date": "[date]""#);
    settings.add_filter(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)",
        "[timestamp]",
    );
    settings
}

/// Renders the requests the stand-in received: method, path, headers sorted by name with the
/// secret ones redacted (a bearer token becomes `Bearer [token N]`, N its issue order at the
/// stand-in; Basic credentials are decoded and their secret redacted), then the body (JSON
/// pretty-printed, a form with its `client_secret` redacted).
pub fn wire_text(standin: &StandIn, requests: &[RecordedRequest]) -> String {
    let tokens = issued_tokens(standin);
    let mut out = String::new();
    for request in requests {
        let kind = match request.endpoint {
            Endpoint::Token => "token endpoint",
            Endpoint::Api => "API",
            Endpoint::Unknown => "unknown path",
        };
        writeln!(out, "#{} ({kind})", request.seq).expect("write");
        let query = request
            .query
            .as_deref()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        writeln!(out, "{} {}{query}", request.method, request.path).expect("write");
        let mut headers = request.headers.clone();
        headers.sort();
        for (name, value) in headers {
            writeln!(out, "{name}: {}", redact_header(&name, &value, &tokens)).expect("write");
        }
        writeln!(out).expect("write");
        let content_type = request.header("content-type").unwrap_or_default();
        if content_type.starts_with("application/json") {
            let json = request.body_json().expect("JSON body");
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&json).expect("json")
            )
            .expect("write");
        } else if content_type.starts_with("application/x-www-form-urlencoded") {
            for (name, value) in url::form_urlencoded::parse(&request.body) {
                let value = if name == "client_secret" {
                    "[secret]".into()
                } else {
                    value
                };
                writeln!(out, "{name}={value}").expect("write");
            }
        } else {
            writeln!(out, "{}", request.body_text()).expect("write");
        }
        writeln!(out).expect("write");
    }
    out
}

/// The access tokens the stand-in issued, in issue order.
fn issued_tokens(standin: &StandIn) -> Vec<String> {
    standin
        .issued_tokens()
        .into_iter()
        .map(|t| t.access_token)
        .collect()
}

fn redact_header(name: &str, value: &str, tokens: &[String]) -> String {
    if name != "authorization" {
        return value.to_owned();
    }
    let (scheme, credentials) = value.split_once(' ').unwrap_or((value, ""));
    if scheme.eq_ignore_ascii_case("bearer") {
        match tokens.iter().position(|t| t == credentials) {
            Some(index) => format!("{scheme} [token {}]", index + 1),
            None => format!("{scheme} [token not issued by the stand-in]"),
        }
    } else if scheme.eq_ignore_ascii_case("basic") {
        let decoded = STANDARD.decode(credentials).expect("base64");
        let decoded = String::from_utf8(decoded).expect("utf-8");
        let (id, _secret) = decoded.split_once(':').expect("id:secret");
        format!("{scheme} base64({id}:[secret])")
    } else {
        "[redacted]".into()
    }
}

/// What a user sees for `error`: its `Display`, every `source()` below it, and for a token
/// failure the typed error that [`Client::auth_error`] recovers (variant, OAuth fields, status,
/// retryability, and its own chain). For an error answer, the typed `ApiError` body too.
pub fn error_report(client: &Client, error: &Error<ApiError>) -> String {
    let mut out = String::new();
    writeln!(out, "Display: {error}").expect("write");
    let mut source = error.source();
    while let Some(cause) = source {
        writeln!(out, "  caused by: {cause}").expect("write");
        source = cause.source();
    }
    writeln!(out, "status: {:?}", error.status().map(|s| s.as_u16())).expect("write");
    if let Error::ErrorResponse(response) = error {
        writeln!(
            out,
            "ApiError body: {}",
            serde_json::to_string_pretty(response.as_ref()).expect("json")
        )
        .expect("write");
    }
    match client.auth_error(error) {
        None => writeln!(out, "auth_error: None").expect("write"),
        Some(auth) => {
            writeln!(out, "auth_error: {auth}").expect("write");
            let token = auth.token_error();
            writeln!(out, "  token error: {}", describe_token_error(token)).expect("write");
            writeln!(
                out,
                "  oauth code: {:?}, status: {:?}, retryable: {}",
                auth.oauth_code().map(|c| c.as_str()),
                token.status().map(|s| s.as_u16()),
                token.is_retryable()
            )
            .expect("write");
            let mut source = token.source();
            while let Some(cause) = source {
                writeln!(out, "  caused by: {cause}").expect("write");
                source = cause.source();
            }
        }
    }
    out
}

fn describe_token_error(error: &TokenError) -> String {
    match error {
        TokenError::OAuth {
            code,
            description,
            uri,
            status,
            retry_after,
        } => format!(
            "OAuth {{ code: {code}, description: {description:?}, uri: {uri:?}, status: {}, retry_after: {retry_after:?} }}",
            status.as_u16()
        ),
        TokenError::UnexpectedStatus {
            status,
            retry_after,
        } => format!(
            "UnexpectedStatus {{ status: {}, retry_after: {retry_after:?} }}",
            status.as_u16()
        ),
        TokenError::Transport(_) => "Transport(reqwest::Error)".into(),
        TokenError::Timeout(_) => "Timeout(reqwest::Error)".into(),
        TokenError::BodyTooLarge { limit } => format!("BodyTooLarge {{ limit: {limit} }}"),
        TokenError::InvalidResponse(why) => format!("InvalidResponse({why})"),
        TokenError::Source(_) => "Source(..)".into(),
        TokenError::Internal(why) => format!("Internal({why:?})"),
        other => format!("{other:?}"),
    }
}

/// A loopback port nothing listens on: bind, read the port, close.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    port
}

/// A stand-in running on its own runtime, in its own thread, with a paused clock that moves
/// only when [`SeparateClock::advance`] says so, while the client runs on the test's clock.
///
/// This is how a token can expire at the server while the client still holds it as fresh,
/// as after a laptop resumes from sleep (the monotonic clock the client measures lifetimes
/// with does not count suspended time) or with a server that expires tokens early.
pub struct SeparateClock {
    standin: Option<StandIn>,
    commands: Option<tokio::sync::mpsc::UnboundedSender<(Duration, std::sync::mpsc::Sender<()>)>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SeparateClock {
    /// Starts `builder` on the separate runtime.
    pub fn start(builder: StandInBuilder) -> SeparateClock {
        let (ready, started) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .start_paused(true)
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let standin = builder.start().await.expect("stand-in starts");
                let (commands, mut receiver) = tokio::sync::mpsc::unbounded_channel::<(
                    Duration,
                    std::sync::mpsc::Sender<()>,
                )>();
                ready.send((standin, commands)).expect("test thread waits");
                while let Some((by, done)) = receiver.recv().await {
                    tokio::time::advance(by).await;
                    let _ = done.send(());
                }
            });
        });
        let (standin, commands) = started.recv().expect("stand-in thread starts");
        SeparateClock {
            standin: Some(standin),
            commands: Some(commands),
            thread: Some(thread),
        }
    }

    /// The stand-in.
    pub fn standin(&self) -> &StandIn {
        self.standin.as_ref().expect("running")
    }

    /// Moves the stand-in's clock (only its clock) forward by `by`.
    pub fn advance(&self, by: Duration) {
        let (done, advanced) = std::sync::mpsc::channel();
        self.commands
            .as_ref()
            .expect("running")
            .send((by, done))
            .expect("stand-in thread runs");
        advanced.recv().expect("clock advanced");
    }
}

impl Drop for SeparateClock {
    fn drop(&mut self) {
        drop(self.standin.take());
        drop(self.commands.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One line per request the stand-in received: order, method, path, and which credentials it
/// carried (`Bearer [token N]`, N the token's issue order), for tests where the bodies do not
/// matter but the order of token requests and re-sends does.
pub fn trace(standin: &StandIn, requests: &[RecordedRequest]) -> String {
    let tokens = issued_tokens(standin);
    let mut out = String::new();
    for request in requests {
        let credentials = request
            .header("authorization")
            .map(|v| redact_header("authorization", v, &tokens))
            .unwrap_or_else(|| "(no Authorization)".into());
        writeln!(
            out,
            "#{} {} {} {credentials}",
            request.seq, request.method, request.path
        )
        .expect("write");
    }
    out
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
        // Under a paused clock, the wait bound's timer would make the clock jump while the
        // fetch waits on real loopback I/O.
        let refresh = if self.paused {
            self.refresh.max_wait(None)
        } else {
            self.refresh
        };
        Authenticator::builder(credentials)
            .retry_policy(self.retry)
            .refresh_policy(refresh)
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

/// A client for the demo client with the default test setup ([`Setup::default`]): test-sized
/// retry backoffs and attempt timeouts, no scope requested.
pub fn fault_client(standin: &StandIn) -> Client {
    Setup::default().client(standin)
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

/// What has reached `standin` so far.
pub fn wire(standin: &StandIn) -> Wire {
    let requests = standin.requests();
    let count = |f: &dyn Fn(&RecordedRequest) -> bool| requests.iter().filter(|r| f(r)).count();
    Wire {
        token: count(&|r| r.endpoint == Endpoint::Token),
        validate: count(&|r| r.path == VALIDATE_PATH),
        post: count(&|r| r.path == POST_PATH),
        transactions: standin.transactions().len(),
    }
}

/// A [`Wire`] from its counts, in field order.
pub fn wire_of(token: usize, validate: usize, post: usize, transactions: usize) -> Wire {
    Wire {
        token,
        validate,
        post,
        transactions,
    }
}

/// `validate_transaction` of the sample [`message`] with this reference.
pub async fn validate(client: &Client, reference: &str) -> ApiResult<ValidationResult> {
    client
        .validate_transaction()
        .body(message(reference))
        .send()
        .await
}

/// `post_transaction` of the sample [`message`] with this reference.
pub async fn post(client: &Client, reference: &str) -> ApiResult<PostResult> {
    client
        .post_transaction()
        .body(message(reference))
        .send()
        .await
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
