//! The demo behind `cargo xtask demo` (the `demo` binary): the typed client, end to end.
//!
//! With no `NXTSOFT_*` variable set, it starts a [`StandIn`] in this process and talks to it;
//! with any of them set, it talks to the endpoints they name (see [`nxtsoft_auth::EnvConfig`]),
//! and a partial or invalid configuration is an error, never a silent fallback to the stand-in.
//! Either way it validates a valid and an invalid sample transaction, posts the valid one
//! twice (the second post is answered from the first: posting is idempotent by client
//! reference id), and prints the typed results and the token counters.
//!
//! The flow is a library function ([`run_flow`]) writing to any [`Write`], so a test can run it
//! against a stand-in with a fixed business date and snapshot what it prints.

use std::io::Write;
use std::sync::Arc;

use chrono::{NaiveDate, SecondsFormat, Utc};
use nxtsoft_auth::{AuthError, ClientAuth, ConfigError, Credentials, EnvConfig};
use nxtsoft_client::types::error::ConversionError;
use nxtsoft_client::types::{
    AccountRef, AccountType, ApiError, Direction, FieldMessage, TransactionMessage,
};
use nxtsoft_client::{Client, ResponseValue, Scope};

use nxtsoft_standin::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, StandIn, StartError, business};

/// Every variable [`EnvConfig`] reads; setting any of them selects the real endpoints.
pub const ENV_VARS: [&str; 6] = [
    EnvConfig::CLIENT_ID,
    EnvConfig::CLIENT_SECRET,
    EnvConfig::API_BASE_URL,
    EnvConfig::TOKEN_URL,
    EnvConfig::SCOPES,
    EnvConfig::CLIENT_AUTH,
];

/// Why the demo stopped. [`explain`] turns it into the message the binary prints.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DemoError {
    /// The client configuration is not usable (for example `NXTSOFT_*` variables that are set
    /// but do not make a usable configuration).
    #[error("the client configuration cannot be used")]
    Config(#[source] ConfigError),
    /// The loopback stand-in did not start.
    #[error("the loopback stand-in did not start")]
    StandIn(#[source] StartError),
    /// A sample transaction was refused by the generated types (a bug in the demo).
    #[error("the sample transaction's {field} is refused by the typed client")]
    Sample {
        /// The field.
        field: &'static str,
        /// The generated type's complaint.
        #[source]
        source: ConversionError,
    },
    /// No access token could be had for a call.
    #[error("{step}")]
    Token {
        /// What the demo was doing.
        step: &'static str,
        /// The typed token failure.
        #[source]
        source: Arc<AuthError>,
    },
    /// An API call failed.
    #[error("{step}: {}", describe_api_error(.source))]
    Api {
        /// What the demo was doing.
        step: &'static str,
        /// The client's error (boxed: it is large).
        #[source]
        source: Box<nxtsoft_client::Error<ApiError>>,
    },
    /// Writing the output failed (for example a closed pipe).
    #[error("could not write the demo's output")]
    Output(#[from] std::io::Error),
}

/// The one-paragraph message for `error`: what failed, every cause, and what to do about it.
pub fn explain(error: &DemoError) -> String {
    let mut text = format!("error: {error}");
    let mut source = std::error::Error::source(error);
    if matches!(error, DemoError::Api { .. }) {
        // The client error is already described above; its causes are not.
        source = source.and_then(std::error::Error::source);
    }
    while let Some(cause) = source {
        // A cause whose text is already in the message (an `AuthError` spells out its whole
        // chain) is not repeated.
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    let hint = match error {
        DemoError::Config(_) => format!(
            "The demo uses the real NXTsoft endpoints as soon as any NXTSOFT_* variable is set, \
             and then needs {}, {} and {} ({}, {} and {} are optional); unset them all to run \
             against the loopback stand-in instead.",
            EnvConfig::CLIENT_ID,
            EnvConfig::CLIENT_SECRET,
            EnvConfig::API_BASE_URL,
            EnvConfig::TOKEN_URL,
            EnvConfig::SCOPES,
            EnvConfig::CLIENT_AUTH
        ),
        DemoError::Api { source, .. } => api_hint(source),
        DemoError::Token { .. }
        | DemoError::StandIn(_)
        | DemoError::Sample { .. }
        | DemoError::Output(_) => String::new(),
    };
    if !text.ends_with('.') {
        text.push('.');
    }
    if !hint.is_empty() {
        text.push(' ');
        text.push_str(&hint);
    }
    text
}

/// What to check after an API failure.
fn api_hint(error: &nxtsoft_client::Error<ApiError>) -> String {
    match error.status().map(|s| s.as_u16()) {
        Some(401) => "The API refused even a freshly fetched token: check that the token URL and \
             the API base URL belong to the same NXTsoft environment."
            .into(),
        Some(403) => format!(
            "The client lacks the operation's scope: request it in {} (or request none to get \
             every scope the client is allowed).",
            EnvConfig::SCOPES
        ),
        Some(status) if status >= 500 => {
            "NXTsoft answered with a server error; try again later.".into()
        }
        Some(_) => "The request was refused; see the message above.".into(),
        None => format!(
            "Check {} and that the API is reachable from this host.",
            EnvConfig::API_BASE_URL
        ),
    }
}

/// `HTTP 403 insufficient_scope: message (request id ...)` for an error answer, the client's
/// own text otherwise.
fn describe_api_error(error: &nxtsoft_client::Error<ApiError>) -> String {
    match error {
        nxtsoft_client::Error::ErrorResponse(response) => {
            let body = response.as_ref();
            let mut text = format!(
                "HTTP {} {}: {}",
                response.status().as_u16(),
                body.error,
                body.message
            );
            if let Some(id) = &body.request_id {
                text.push_str(&format!(" (request id {id})"));
            }
            text
        }
        other => other.to_string(),
    }
}

/// Where the demo sends its requests.
#[derive(Debug)]
pub enum Target {
    /// A stand-in started in this process (no `NXTSOFT_*` variable is set).
    StandIn,
    /// The endpoints the `NXTSOFT_*` variables name.
    Remote(EnvConfig),
}

impl Target {
    /// Reads the process environment; see [`Target::from_lookup`].
    pub fn from_env() -> Result<Target, DemoError> {
        Target::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`Target::StandIn`] when none of [`ENV_VARS`] is set (empty counts as unset), else the
    /// configuration they make, or why they do not make one.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Target, DemoError> {
        let set = |name: &str| lookup(name).is_some_and(|v| !v.trim().is_empty());
        if !ENV_VARS.iter().any(|name| set(name)) {
            return Ok(Target::StandIn);
        }
        EnvConfig::from_lookup(nxtsoft_client::security::TOKEN_URL, lookup)
            .map(Target::Remote)
            .map_err(DemoError::Config)
    }
}

/// Runs the demo against `target`, writing to `out`.
pub async fn run(target: Target, out: &mut dyn Write) -> Result<(), DemoError> {
    match target {
        Target::StandIn => {
            let standin = StandIn::start_default().await.map_err(DemoError::StandIn)?;
            run_with_standin(&standin, Utc::now().date_naive(), out).await?;
            standin.shutdown().await;
            Ok(())
        }
        Target::Remote(env) => run_remote(env, out).await,
    }
}

/// Runs the demo against the endpoints of `env`, with client reference ids unique to this run.
pub async fn run_remote(env: EnvConfig, out: &mut dyn Write) -> Result<(), DemoError> {
    writeln!(
        out,
        "Using the real NXTsoft endpoints named by the NXTSOFT_* variables:"
    )?;
    describe_endpoints(out, &env.credentials, &env.api_base_url)?;
    let client =
        Client::authenticated(env.credentials, &env.api_base_url).map_err(DemoError::Config)?;
    let now = Utc::now();
    let prefix = format!("demo-{}", now.format("%Y%m%dT%H%M%SZ"));
    let samples = Samples::new(now.date_naive(), &prefix)?;
    run_flow(&client, &samples, out).await?;
    Ok(())
}

/// Runs the demo against a running stand-in, with sample transactions effective on
/// `business_date` and client reference ids `demo-valid` / `demo-invalid`; ends with the
/// stand-in's own counters.
pub async fn run_with_standin(
    standin: &StandIn,
    business_date: NaiveDate,
    out: &mut dyn Write,
) -> Result<FlowReport, DemoError> {
    writeln!(
        out,
        "No NXTSOFT_* variable is set: using the loopback stand-in started in this process."
    )?;
    let credentials = nxtsoft_client::credentials(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
        .token_url(standin.token_url())
        .scopes(Scope::ALL)
        .build()
        .map_err(DemoError::Config)?;
    describe_endpoints(out, &credentials, standin.base_url())?;
    let client =
        Client::authenticated(credentials, standin.base_url()).map_err(DemoError::Config)?;
    let samples = Samples::new(business_date, "demo")?;
    let report = run_flow(&client, &samples, out).await?;

    let stats = standin.stats();
    let by_status: Vec<String> = stats
        .api_calls_by_status
        .iter()
        .map(|(status, count)| format!("{count} x {status}"))
        .collect();
    writeln!(out)?;
    writeln!(out, "The stand-in's own counters (server side):")?;
    writeln!(
        out,
        "  token requests        {} ({} token(s) issued)",
        stats.token_requests, stats.tokens_issued
    )?;
    writeln!(
        out,
        "  API calls             {} ({})",
        stats.api_calls,
        by_status.join(", ")
    )?;
    writeln!(
        out,
        "  transactions posted   {} ({} idempotent replay(s))",
        stats.transactions_posted, stats.idempotent_replays
    )?;
    Ok(report)
}

/// Prints the endpoints and the client's identity; never the secret.
fn describe_endpoints(
    out: &mut dyn Write,
    credentials: &Credentials,
    api_base_url: &str,
) -> Result<(), DemoError> {
    let client_auth = match credentials.client_auth() {
        ClientAuth::SecretBasic => "client_secret_basic",
        _ => "client_secret_post",
    };
    let scopes = credentials
        .scope_param()
        .unwrap_or_else(|| "(none requested: every scope the client is allowed)".into());
    writeln!(out, "  token URL      {}", credentials.token_url())?;
    writeln!(out, "  API base URL   {}", api_base_url.trim())?;
    writeln!(
        out,
        "  client id      {} ({client_auth}; the secret is never printed)",
        credentials.client_id()
    )?;
    writeln!(out, "  scopes         {scopes}")?;
    Ok(())
}

/// The demo's two sample transactions.
#[derive(Debug, Clone)]
pub struct Samples {
    /// A transaction every check accepts: a 125.00 USD deposit to deposit account `1000001`.
    pub valid: TransactionMessage,
    /// A well-formed transaction the business checks refuse field by field: an unknown account,
    /// a zero amount, and a withdrawal code with a credit direction.
    pub invalid: TransactionMessage,
}

impl Samples {
    /// The samples, effective on `effective_date`, with client reference ids
    /// `<prefix>-valid` and `<prefix>-invalid`.
    pub fn new(effective_date: NaiveDate, prefix: &str) -> Result<Samples, DemoError> {
        // The typed twin of [`business::sample_message`](nxtsoft_standin::business::sample_message).
        let valid = message(
            &format!("{prefix}-valid"),
            business::SAMPLE_ACCOUNT_ID,
            business::SAMPLE_AMOUNT,
            Direction::Credit,
            business::SAMPLE_TRANSACTION_CODE,
            effective_date,
            business::SAMPLE_DESCRIPTION,
        )?;
        let invalid = message(
            &format!("{prefix}-invalid"),
            business::UNKNOWN_ACCOUNT_ID,
            "0.00",
            Direction::Credit,
            "WDL",
            effective_date,
            "Refund",
        )?;
        Ok(Samples { valid, invalid })
    }
}

fn message(
    reference: &str,
    account: &str,
    amount: &str,
    direction: Direction,
    code: &str,
    effective_date: NaiveDate,
    description: &str,
) -> Result<TransactionMessage, DemoError> {
    let field = |field: &'static str| move |source| DemoError::Sample { field, source };
    Ok(TransactionMessage {
        account: AccountRef {
            account_id: account.parse().map_err(field("account id"))?,
            account_type: AccountType::Deposit,
        },
        amount: amount.parse().map_err(field("amount"))?,
        client_reference_id: reference.parse().map_err(field("client reference id"))?,
        currency: "USD".parse().map_err(field("currency"))?,
        descriptions: vec![description.parse().map_err(field("description"))?],
        direction,
        effective_date,
        transaction_code: code.parse().map_err(field("transaction code"))?,
    })
}

/// What [`run_flow`] did, as the client counted it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowReport {
    /// API calls sent (re-sends after a 401 not included).
    pub api_calls: u64,
    /// The authenticator's counters at the end.
    pub auth: nxtsoft_auth::Stats,
}

/// The demo's steps with one client: validate both samples, post the valid one twice, print
/// the typed results and the token counters.
pub async fn run_flow(
    client: &Client,
    samples: &Samples,
    out: &mut dyn Write,
) -> Result<FlowReport, DemoError> {
    let mut api_calls = 0;

    writeln!(out)?;
    writeln!(
        out,
        "1. Validate a valid transaction (validate_transaction, scope transactions/mock)"
    )?;
    describe_message(out, &samples.valid)?;
    api_calls += 1;
    let result = client
        .validate_transaction()
        .body(samples.valid.clone())
        .send()
        .await
        .map_err(|e| call_error(client, "validating the valid transaction", e))?;
    describe_validation(out, &result)?;

    writeln!(out)?;
    writeln!(out, "2. Validate an invalid transaction")?;
    describe_message(out, &samples.invalid)?;
    api_calls += 1;
    let result = client
        .validate_transaction()
        .body(samples.invalid.clone())
        .send()
        .await
        .map_err(|e| call_error(client, "validating the invalid transaction", e))?;
    describe_validation(out, &result)?;
    if let Err(refused) = "12.345".parse::<nxtsoft_client::types::TransactionMessageAmount>() {
        writeln!(
            out,
            "   (A malformed amount such as 12.345 never reaches the API: the typed client refuses it: {refused}.)"
        )?;
    }

    writeln!(out)?;
    writeln!(
        out,
        "3. Post the valid transaction (post_transaction, scope transactions/post)"
    )?;
    api_calls += 1;
    let first = client
        .post_transaction()
        .body(samples.valid.clone())
        .send()
        .await
        .map_err(|e| call_error(client, "posting the valid transaction", e))?
        .into_inner();
    describe_post(out, &first)?;

    writeln!(out)?;
    writeln!(
        out,
        "4. Post it again with the same client reference id ({})",
        *samples.valid.client_reference_id
    )?;
    api_calls += 1;
    let again = client
        .post_transaction()
        .body(samples.valid.clone())
        .send()
        .await
        .map_err(|e| call_error(client, "posting the valid transaction again", e))?
        .into_inner();
    describe_post(out, &again)?;
    if again.transaction_id == first.transaction_id {
        writeln!(
            out,
            "   Same transaction {}: posting is idempotent, nothing was recorded twice.",
            again.transaction_id
        )?;
    } else {
        writeln!(
            out,
            "   WARNING: a second transaction {} was recorded (the first was {}).",
            again.transaction_id, first.transaction_id
        )?;
    }

    let auth = client.authenticator().stats();
    writeln!(out)?;
    writeln!(out, "Token counters (client side):")?;
    writeln!(
        out,
        "  token requests        {} (each one is billed)",
        auth.token_requests
    )?;
    writeln!(out, "  API calls             {api_calls}")?;
    writeln!(
        out,
        "  served from cache     {} (waited for a fetch: {})",
        auth.cache_hits, auth.waits
    )?;
    writeln!(out, "  re-sent after a 401   {}", auth.unauthorized_retries)?;
    if auth.token_requests == 1 {
        writeln!(out, "One token served all {api_calls} API calls.")?;
    } else {
        writeln!(
            out,
            "{} token requests for {api_calls} API calls.",
            auth.token_requests
        )?;
    }
    Ok(FlowReport { api_calls, auth })
}

fn call_error(
    client: &Client,
    step: &'static str,
    error: nxtsoft_client::Error<ApiError>,
) -> DemoError {
    match client.auth_error(&error) {
        Some(source) => DemoError::Token { step, source },
        None => DemoError::Api {
            step,
            source: Box::new(error),
        },
    }
}

fn describe_message(out: &mut dyn Write, m: &TransactionMessage) -> Result<(), DemoError> {
    let (verb, preposition) = match m.direction {
        Direction::Credit => ("credit", "to"),
        Direction::Debit => ("debit", "from"),
    };
    writeln!(
        out,
        "   {} {} {} {preposition} {} account {}, code {}, effective {}, reference {}",
        verb,
        *m.amount,
        *m.currency,
        m.account.account_type,
        *m.account.account_id,
        *m.transaction_code,
        m.effective_date,
        *m.client_reference_id
    )?;
    Ok(())
}

fn describe_validation(
    out: &mut dyn Write,
    response: &ResponseValue<nxtsoft_client::types::ValidationResult>,
) -> Result<(), DemoError> {
    let result = response.as_ref();
    let verdict = if result.valid { "valid" } else { "NOT valid" };
    let count = result.messages.len();
    let findings = match count {
        0 => "no findings".to_owned(),
        1 => "1 finding:".to_owned(),
        n => format!("{n} findings:"),
    };
    writeln!(
        out,
        "   -> {verdict} (HTTP {}), {findings}",
        response.status().as_u16()
    )?;
    describe_findings(out, &result.messages)
}

fn describe_findings(out: &mut dyn Write, findings: &[FieldMessage]) -> Result<(), DemoError> {
    let width = findings.iter().map(|f| f.field.len()).max().unwrap_or(0);
    for finding in findings {
        writeln!(
            out,
            "      {:<7}  {:<width$}  {}: {}",
            finding.severity.to_string(),
            finding.field,
            finding.code,
            finding.message
        )?;
    }
    Ok(())
}

fn describe_post(
    out: &mut dyn Write,
    result: &nxtsoft_client::types::PostResult,
) -> Result<(), DemoError> {
    let posted_at = result
        .posted_at
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_else(|| "(not given)".into());
    writeln!(
        out,
        "   -> {}: transaction {} for reference {}, posted at {posted_at}",
        result.status, result.transaction_id, result.client_reference_id
    )?;
    Ok(())
}
