//! Why the demo stopped, and the message the binary prints for each cause.

use std::sync::Arc;

use nxtsoft_auth::{AuthError, ConfigError, EnvConfig};
use nxtsoft_client::types::ApiError;
use nxtsoft_client::types::error::ConversionError;
use nxtsoft_standin::StartError;

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
                body.error.as_str(),
                body.message.as_str()
            );
            if let Some(id) = &body.request_id {
                text.push_str(&format!(" (request id {id})"));
            }
            text
        }
        other => other.to_string(),
    }
}
