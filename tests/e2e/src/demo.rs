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

mod error;
mod flow;
mod render;

use std::io::Write;

use chrono::{NaiveDate, Utc};
use nxtsoft_auth::{ClientAuth, Credentials, EnvConfig};
use nxtsoft_client::{Client, Scope};
use nxtsoft_standin::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, StandIn};

pub use self::error::{DemoError, explain};
pub use self::flow::{FlowReport, Samples, run_flow};

/// Every variable [`EnvConfig`] reads; setting any of them selects the real endpoints.
pub const ENV_VARS: [&str; 8] = EnvConfig::ALL;

/// Where the demo sends its requests.
#[derive(Debug)]
pub enum Target {
    /// A stand-in started in this process (no `NXTSOFT_*` variable is set).
    StandIn,
    /// The endpoints the `NXTSOFT_*` variables name.
    Remote(Box<EnvConfig>),
}

impl Target {
    /// Reads the process environment; see [`Target::from_lookup`]. A variable that is set
    /// counts as set even when its value is not valid UTF-8 (it is then a configuration
    /// error naming it, never a silent fallback to the stand-in).
    pub fn from_env() -> Result<Target, DemoError> {
        let set = |name: &&str| {
            std::env::var_os(name).is_some_and(|value| !value.to_string_lossy().trim().is_empty())
        };
        if !ENV_VARS.iter().any(set) {
            return Ok(Target::StandIn);
        }
        EnvConfig::from_env(nxtsoft_client::security::TOKEN_URL)
            .map(|env| Target::Remote(Box::new(env)))
            .map_err(DemoError::Config)
    }

    /// [`Target::StandIn`] when none of [`ENV_VARS`] is set (empty counts as unset), else the
    /// configuration they make, or why they do not make one.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Target, DemoError> {
        let set = |name: &str| lookup(name).is_some_and(|v| !v.trim().is_empty());
        if !ENV_VARS.iter().any(|name| set(name)) {
            return Ok(Target::StandIn);
        }
        EnvConfig::from_lookup(nxtsoft_client::security::TOKEN_URL, lookup)
            .map(|env| Target::Remote(Box::new(env)))
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
        Target::Remote(env) => run_remote(*env, out).await,
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
