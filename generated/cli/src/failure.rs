//! Why `nxtsoft` failed, and the exit code each kind of failure gets.

use std::process::ExitCode;
use std::sync::Arc;

use nxtsoft_client::auth::TokenError;
use nxtsoft_client::{AuthError, ConfigError, Error, types};

/// The exit codes, as `--help` lists them.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  success
  2  configuration or usage: a missing or invalid NXTSOFT_* variable, a bad argument, an
     unreadable or invalid JSON body
  3  authentication: the token endpoint refused the credentials or sent no usable token
  4  API: the API answered with an error (its JSON body is printed on stdout) or with
     something the spec does not describe
  5  network: the token endpoint or the API could not be reached or timed out";

/// A failure of one `nxtsoft` run.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The configuration from the environment is missing or invalid.
    #[error("configuration: {0}. Set the NXTSOFT_* variables (see `nxtsoft --help`).")]
    Config(#[from] ConfigError),
    /// The input (a JSON body, an argument) cannot be used.
    #[error("input: {0:#}")]
    Usage(anyhow::Error),
    /// No token: the token endpoint refused or answered something unusable.
    #[error("authentication: {0}")]
    Auth(Arc<AuthError>),
    /// The token endpoint or the API could not be reached.
    #[error("network: {0}")]
    Network(String),
    /// The API answered with an error or an undocumented response.
    #[error("API: {0}")]
    Api(String),
}

impl Failure {
    /// The process exit code for this failure.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            Failure::Config(_) | Failure::Usage(_) => 2,
            Failure::Auth(_) => 3,
            Failure::Api(_) => 4,
            Failure::Network(_) => 5,
        })
    }

    /// A token failure: a network failure when the token endpoint could not be reached,
    /// an authentication failure otherwise.
    pub fn from_auth(error: Arc<AuthError>) -> Self {
        match error.token_error() {
            TokenError::Transport(_) | TokenError::Timeout(_) => {
                Failure::Network(error.to_string())
            }
            _ => Failure::Auth(error),
        }
    }

    /// Classifies what an operation returned: the client's typed error when it is one,
    /// else a usage failure (the generated commands fail that way on an unreadable body file).
    pub fn from_operation(error: anyhow::Error, client: &nxtsoft_client::Client) -> Self {
        let Some(api_error) = error.downcast_ref::<Error<types::ApiError>>() else {
            return Failure::Usage(error);
        };
        if let Some(auth) = client.auth_error(api_error) {
            return Failure::from_auth(auth);
        }
        match api_error {
            Error::InvalidRequest(message) => Failure::Usage(anyhow::anyhow!("{message}")),
            Error::CommunicationError(source) | Error::ResponseBodyError(source) => {
                Failure::Network(chain(source))
            }
            Error::Custom(message) => Failure::Api(message.clone()),
            Error::ErrorResponse(response) => Failure::Api(format!(
                "HTTP {}: {}",
                response.status(),
                response.message.as_str()
            )),
            other => Failure::Api(other.to_string()),
        }
    }
}

/// An error and its sources on one line.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
