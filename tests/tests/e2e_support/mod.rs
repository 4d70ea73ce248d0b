//! Shared by the end-to-end tests (`e2e_*.rs`): the full stack (generated client + auth)
//! against the loopback stand-in, and renderings of what it did that are stable enough to
//! snapshot (wire requests with secrets and volatile values redacted, error chains).
#![allow(dead_code)]

use std::error::Error as _;
use std::fmt::Write as _;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::NaiveDate;
use nxtsoft_auth::{
    Authenticator, ClientAuth, CredentialsBuilder, RefreshPolicy, TokenError, api_http_client,
};
use nxtsoft_client::types::{AccountRef, AccountType, ApiError, Direction, TransactionMessage};
use nxtsoft_client::{Client, Error, Scope};
use nxtsoft_standin::{
    DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Endpoint, RecordedRequest, RegisteredClient, SCOPE_MOCK,
    SCOPE_POST, StandIn, StandInBuilder,
};

/// The stand-in's fixed business date: sample messages are effective on it.
pub fn business_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 3).expect("valid date")
}

/// A client allowed only `transactions/mock`.
pub const MOCK_ONLY_ID: &str = "mock-only";
/// Its secret.
pub const MOCK_ONLY_SECRET: &str = "mock-only-secret";
/// A client allowed only `transactions/post`.
pub const POST_ONLY_ID: &str = "post-only";
/// Its secret.
pub const POST_ONLY_SECRET: &str = "post-only-secret";

/// The stand-in's builder: the demo client, a mock-only and a post-only client, a fixed
/// business date, `127.0.0.1:0`.
pub fn standin_builder() -> StandInBuilder {
    StandIn::builder()
        .client(StandIn::demo_client())
        .client(RegisteredClient::new(
            MOCK_ONLY_ID,
            MOCK_ONLY_SECRET,
            [SCOPE_MOCK],
        ))
        .client(RegisteredClient::new(
            POST_ONLY_ID,
            POST_ONLY_SECRET,
            [SCOPE_POST],
        ))
        .business_date(business_date())
}

/// A started [`standin_builder`].
pub async fn standin() -> StandIn {
    standin_builder().start().await.expect("stand-in starts")
}

/// Credentials for `id` / `secret` at `standin`'s token endpoint, no scope requested.
pub fn credentials(standin: &StandIn, id: &str, secret: &str) -> CredentialsBuilder {
    nxtsoft_client::credentials(id.to_owned(), secret.to_owned()).token_url(standin.token_url())
}

/// The client as a user builds it: the demo client, both scopes, client_secret_post.
pub fn client(standin: &StandIn) -> Client {
    let credentials = credentials(standin, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
        .scopes(Scope::ALL)
        .build()
        .expect("credentials");
    Client::authenticated(credentials, standin.base_url()).expect("client")
}

/// A client with a custom refresh policy (the demo client, both scopes).
pub fn client_with_policy(standin: &StandIn, policy: RefreshPolicy) -> Client {
    let credentials = credentials(standin, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
        .scopes(Scope::ALL)
        .build()
        .expect("credentials");
    let authenticator = Authenticator::builder(credentials)
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
    let credentials = credentials(standin, id, secret)
        .scopes(scopes)
        .client_auth(auth)
        .build()
        .expect("credentials");
    Client::authenticated(credentials, standin.base_url()).expect("client")
}

/// A message every check accepts on [`business_date`]: a 125.00 USD deposit.
pub fn valid_message(reference: &str) -> TransactionMessage {
    TransactionMessage {
        account: AccountRef {
            account_id: "1000001".parse().expect("account id"),
            account_type: AccountType::Deposit,
        },
        amount: "125.00".parse().expect("amount"),
        client_reference_id: reference.parse().expect("reference"),
        currency: "USD".parse().expect("currency"),
        descriptions: vec!["Payroll deposit".parse().expect("description")],
        direction: Direction::Credit,
        effective_date: business_date(),
        transaction_code: "DEP".parse().expect("code"),
    }
}

/// A well-formed message the business checks refuse field by field: unknown account, zero
/// amount, a withdrawal code with a credit direction, an effective date 45 days back.
pub fn invalid_message(reference: &str) -> TransactionMessage {
    let mut message = valid_message(reference);
    message.account.account_id = nxtsoft_standin::business::UNKNOWN_ACCOUNT_ID
        .parse()
        .expect("account id");
    message.amount = "0.00".parse().expect("amount");
    message.transaction_code = "WDL".parse().expect("code");
    message.effective_date = business_date() - chrono::Days::new(45);
    message
}

/// Filters for what varies between runs: the port of `127.0.0.1`, the `date` response
/// header, and RFC 3339 timestamps (`posted_at`, which the stand-in takes from the wall clock).
pub fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
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
pub fn wire(standin: &StandIn, requests: &[RecordedRequest]) -> String {
    let tokens: Vec<String> = standin
        .issued_tokens()
        .into_iter()
        .map(|t| t.access_token)
        .collect();
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
    let tokens: Vec<String> = standin
        .issued_tokens()
        .into_iter()
        .map(|t| t.access_token)
        .collect();
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
