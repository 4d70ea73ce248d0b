//! The two clients under test, built alike, and the call each makes.

use std::sync::Arc;
use std::time::Duration;

use nxtsoft_auth::Authenticator;
use nxtsoft_client::ClientInfo as _;
use nxtsoft_client::types::{TransactionMessage, ValidationResult};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use serde_json::json;

use super::BenchError;
use super::server::{FixedServer, TOKEN_LEN};

/// The message every call sends (the same JSON for both variants).
pub(crate) fn message() -> Result<TransactionMessage, BenchError> {
    serde_json::from_value(json!({
        "client_reference_id": "bench-0001",
        "account": {"account_id": "100200300", "account_type": "deposit"},
        "amount": "125.00",
        "currency": "USD",
        "direction": "debit",
        "transaction_code": "DDA01",
        "effective_date": "2025-01-15",
    }))
    .map_err(BenchError::Message)
}

/// The HTTP client settings of both variants.
pub(crate) fn http_client() -> Result<reqwest::Client, BenchError> {
    Ok(reqwest::Client::builder()
        .http1_only()
        .pool_max_idle_per_host(64)
        .tcp_nodelay(true)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .build()?)
}

pub(crate) fn credentials(server: &FixedServer) -> Result<nxtsoft_auth::Credentials, BenchError> {
    Ok(nxtsoft_client::credentials("bench-client", "bench-secret")
        .token_url(server.token_url())
        .build()?)
}

/// (a) raw reqwest with a static token, or (b) the full stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Variant {
    Raw,
    Full,
    /// Profiling only (`--only raw-auth`): raw reqwest through the auth hooks
    /// (`authorize` + `execute`) without the generated client, to split the full stack's cost
    /// between `nxtsoft_auth` and the progenitor code.
    RawAuth,
}

pub(crate) struct Targets {
    pub(crate) raw_http: reqwest::Client,
    pub(crate) raw_url: String,
    pub(crate) raw_auth: HeaderValue,
    pub(crate) full: nxtsoft_client::Client,
    pub(crate) message: TransactionMessage,
}

impl Targets {
    /// The raw request both raw variants send: the same headers the generated client sends,
    /// and a message owned per call (as the generated builder, which takes its body by value).
    pub(crate) fn raw_request(&self) -> Result<reqwest::Request, BenchError> {
        let message = self.message.clone();
        Ok(self
            .raw_http
            .post(&self.raw_url)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(
                "api-version",
                HeaderValue::from_static(nxtsoft_client::Client::api_version()),
            )
            .json(&message)
            .build()?)
    }

    pub(crate) async fn call(&self, variant: Variant) -> Result<(), BenchError> {
        match variant {
            Variant::Raw | Variant::RawAuth => {
                let mut request = self.raw_request()?;
                let response = if variant == Variant::Raw {
                    request
                        .headers_mut()
                        .insert(AUTHORIZATION, self.raw_auth.clone());
                    self.raw_http.execute(request).await?
                } else {
                    let auth = self.full.authenticator();
                    auth.authorize(&mut request)
                        .await
                        .map_err(|error| BenchError::Client(error.to_string()))?;
                    auth.execute(&self.raw_http, request).await?
                };
                if !response.status().is_success() {
                    return Err(BenchError::Status(response.status()));
                }
                let _: ValidationResult = response.json().await?;
            }
            Variant::Full => {
                let response = self
                    .full
                    .validate_transaction()
                    .body(self.message.clone())
                    .send()
                    .await
                    .map_err(|error| BenchError::Client(error.to_string()))?;
                let _: ValidationResult = response.into_inner();
            }
        }
        Ok(())
    }
}

/// Both variants against `server`, each with its own reqwest client of the same settings.
pub(crate) fn targets(
    server: &FixedServer,
    message: &TransactionMessage,
) -> Result<Arc<Targets>, BenchError> {
    server.set_token_lifetime(Duration::from_secs(3600));
    let static_token = format!("Bearer {}", "s".repeat(TOKEN_LEN));
    let mut raw_auth = HeaderValue::from_str(&static_token)
        .map_err(|error| BenchError::Failed(format!("static token header: {error}")))?;
    raw_auth.set_sensitive(true);
    let authenticator = Authenticator::new(credentials(server)?)?;
    Ok(Arc::new(Targets {
        raw_http: http_client()?,
        raw_url: server.api_url(),
        raw_auth,
        full: nxtsoft_client::Client::with_authenticator(
            &server.base_url(),
            http_client()?,
            authenticator,
        )?,
        message: message.clone(),
    }))
}
