//! Error types. None of them ever prints a client secret or an access token.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;

/// A token could not be attached to a request.
///
/// This is what [`Authenticator::authorize`](crate::Authenticator::authorize) returns. It is
/// cheap to clone (the cause is shared). Its `Display` is a complete, one-paragraph report:
/// what failed, the underlying cause chain (because progenitor keeps only this text), what to
/// check, and when the next token request is due. Since the text already holds the whole
/// chain, `source()` is `None` (so chain printers do not repeat it); the typed cause is
/// [`token_error`](Self::token_error), whose own `source()` chain keeps the transport error.
///
/// The generated client has to pass this error through progenitor's `Error::Custom(String)`;
/// [`Authenticator::recover_error`](crate::Authenticator::recover_error) turns that string back
/// into this typed value.
#[derive(Debug, Clone)]
pub struct AuthError {
    error: Arc<TokenError>,
    next_attempt_in: Option<Duration>,
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no access token: {}. {}",
            Chain(&*self.error),
            self.error.hint()
        )?;
        if let Some(next) = self.next_attempt_in {
            write!(f, " (next token request in {:.1} s)", next.as_secs_f64())?;
        }
        Ok(())
    }
}

impl std::error::Error for AuthError {}

impl AuthError {
    /// `error`, with the delay before the next token request (rounded to 0.1 s, so the texts
    /// of the callers that share one failure stay few).
    pub(crate) fn new(error: Arc<TokenError>, next_attempt_in: Option<Duration>) -> Self {
        let next_attempt_in = next_attempt_in
            .map(|d| Duration::from_millis(d.as_millis().div_ceil(100) as u64 * 100));
        Self {
            error,
            next_attempt_in,
        }
    }

    /// The token failure behind this error.
    pub fn token_error(&self) -> &TokenError {
        &self.error
    }

    /// The shared token failure behind this error.
    pub fn token_error_arc(&self) -> &Arc<TokenError> {
        &self.error
    }

    /// The RFC 6749 §5.2 error code, when the token endpoint sent one.
    pub fn oauth_code(&self) -> Option<&OAuthErrorCode> {
        self.error.oauth_code()
    }

    /// How long after this error the next token request was due, when one is scheduled:
    /// until then, callers with no usable token get this failure again without a request.
    pub fn next_attempt_in(&self) -> Option<Duration> {
        self.next_attempt_in
    }
}

/// RFC 6749 §5.2 `error` codes of a token endpoint error response.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OAuthErrorCode {
    /// `invalid_request`: the request is malformed.
    InvalidRequest,
    /// `invalid_client`: client authentication failed (unknown client, wrong secret, wrong method).
    InvalidClient,
    /// `invalid_grant`: the grant is invalid, expired or revoked.
    InvalidGrant,
    /// `unauthorized_client`: this client may not use the client-credentials grant.
    UnauthorizedClient,
    /// `unsupported_grant_type`: the server does not support the grant type.
    UnsupportedGrantType,
    /// `invalid_scope`: a requested scope is invalid, unknown or not allowed for this client.
    InvalidScope,
    /// Any other code (for example `temporarily_unavailable` or a vendor extension).
    Other(String),
}

impl OAuthErrorCode {
    /// Maps the wire value of `error` to a code.
    pub fn from_wire(code: &str) -> Self {
        match code {
            "invalid_request" => Self::InvalidRequest,
            "invalid_client" => Self::InvalidClient,
            "invalid_grant" => Self::InvalidGrant,
            "unauthorized_client" => Self::UnauthorizedClient,
            "unsupported_grant_type" => Self::UnsupportedGrantType,
            "invalid_scope" => Self::InvalidScope,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The wire value of this code.
    pub fn as_str(&self) -> &str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidScope => "invalid_scope",
            Self::Other(code) => code,
        }
    }

    /// Whether retrying the same request cannot succeed. These codes are never retried,
    /// whatever the HTTP status.
    pub fn is_permanent(&self) -> bool {
        !matches!(self, Self::Other(_))
    }
}

impl fmt::Display for OAuthErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a token could not be obtained from a [`TokenSource`](crate::TokenSource).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The token endpoint answered with an RFC 6749 §5.2 error response.
    #[error("token endpoint returned OAuth error `{code}` (HTTP {status}){}{}",
        description.as_deref().map(|d| format!(": {d}")).unwrap_or_default(),
        uri.as_deref().map(|u| format!(" (see {u})")).unwrap_or_default())]
    OAuth {
        /// The `error` code.
        code: OAuthErrorCode,
        /// The `error_description`, if any (control characters replaced).
        description: Option<String>,
        /// The `error_uri`, if any.
        uri: Option<String>,
        /// The HTTP status of the error response.
        status: StatusCode,
        /// The `Retry-After` delay the server asked for, if any.
        retry_after: Option<Duration>,
    },
    /// The token endpoint answered with a status that is neither success nor an OAuth error
    /// response (a 5xx, a 429, a redirect that was not followed, ...).
    #[error("token endpoint returned unexpected HTTP status {status}{}",
        if status.is_redirection() { " (redirects are not followed)" } else { "" })]
    UnexpectedStatus {
        /// The HTTP status.
        status: StatusCode,
        /// The `Retry-After` delay the server asked for, if any.
        retry_after: Option<Duration>,
    },
    /// The token request could not be sent or its response could not be read.
    #[error("token request failed")]
    Transport(#[source] reqwest::Error),
    /// The token request timed out.
    #[error("token request timed out")]
    Timeout(#[source] reqwest::Error),
    /// The token endpoint's response body is larger than the limit.
    #[error("token endpoint response body exceeds {limit} bytes")]
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The token endpoint's success response is not a usable Bearer token response.
    #[error("invalid token response: {0}")]
    InvalidResponse(InvalidResponse),
    /// A custom [`TokenSource`](crate::TokenSource) failed.
    #[error("token source failed")]
    Source(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
    /// The fetch was abandoned before it finished: the Tokio runtime that ran it shut down
    /// (a `#[tokio::test]`, a per-call runtime or a `select!` whose runtime ended), or a
    /// waiter gave up on a fetch that no longer made progress. Nothing is remembered: the
    /// next call starts a new fetch.
    #[error(
        "the token fetch was abandoned before it finished (the Tokio runtime that ran it shut down)"
    )]
    Abandoned,
    /// The token source did not finish within the refresh policy's `max_wait`.
    #[error("the token source did not answer within {}", fmt_duration(*waited))]
    FetchTimedOut {
        /// How long the fetch ran before it was abandoned.
        waited: Duration,
    },
    /// The token arrived with no usable lifetime left: its lifetime (minus the safety margin)
    /// had run out while it was being fetched, or `expires_in` was 0. Handing it out would
    /// only earn a 401.
    #[error("the token endpoint issued a token valid for {} but answered after {}, so it was already past its usable deadline",
        fmt_duration(*lifetime), fmt_duration(*took))]
    ExpiredOnArrival {
        /// The lifetime the endpoint granted.
        lifetime: Duration,
        /// How long the fetch took, from sending the request.
        took: Duration,
    },
    /// The authenticator could not run the fetch (no Tokio runtime, or the token source
    /// panicked).
    #[error("token fetch could not run: {0}")]
    Internal(&'static str),
}

fn fmt_duration(duration: Duration) -> String {
    format!("{:.3} s", duration.as_secs_f64())
}

impl TokenError {
    /// The RFC 6749 §5.2 error code, if this is an OAuth error response.
    pub fn oauth_code(&self) -> Option<&OAuthErrorCode> {
        match self {
            TokenError::OAuth { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The HTTP status of the token endpoint's answer, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            TokenError::OAuth { status, .. } | TokenError::UnexpectedStatus { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// The delay the token endpoint asked for with `Retry-After`, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            TokenError::OAuth { retry_after, .. }
            | TokenError::UnexpectedStatus { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// What to check or do about this failure, as one sentence.
    pub fn hint(&self) -> &'static str {
        match self {
            TokenError::OAuth { code, status, .. }
                if !code.is_permanent() && retryable_status(*status) =>
            {
                "The token endpoint is unavailable after retries; calls will try again after a backoff"
            }
            TokenError::OAuth { code, .. } => match code {
                OAuthErrorCode::InvalidClient => {
                    "Check the client id and secret, and the client authentication method (client_secret_post or client_secret_basic)"
                }
                OAuthErrorCode::InvalidScope => {
                    "Request only scopes this client is allowed to use, or none to get all of them"
                }
                OAuthErrorCode::UnauthorizedClient => {
                    "This client is not allowed the client-credentials grant: ask the provider to enable it"
                }
                OAuthErrorCode::InvalidGrant
                | OAuthErrorCode::UnsupportedGrantType
                | OAuthErrorCode::InvalidRequest => {
                    "Check that the token URL is the provider's OAuth2 client-credentials token endpoint"
                }
                OAuthErrorCode::Other(_) => {
                    "The token endpoint refused the request; see its description"
                }
            },
            TokenError::UnexpectedStatus { status, .. } if status.is_redirection() => {
                "The token URL redirects: configure the final URL"
            }
            TokenError::UnexpectedStatus { status, .. } if retryable_status(*status) => {
                "The token endpoint is unavailable after retries; calls will try again after a backoff"
            }
            TokenError::UnexpectedStatus { .. } => {
                "Check that the token URL is the provider's OAuth2 token endpoint"
            }
            TokenError::Transport(_) => {
                "Check that the token URL is right and reachable from this host"
            }
            TokenError::Timeout(_) => {
                "The token endpoint did not answer in time; calls will try again after a backoff"
            }
            TokenError::BodyTooLarge { .. } | TokenError::InvalidResponse(_) => {
                "The token URL does not answer like an OAuth2 token endpoint: check it"
            }
            TokenError::Source(_) => "The custom token source failed",
            TokenError::Abandoned => {
                "Nothing is wrong with the credentials; the next call starts a new fetch. Keep one long-lived Tokio runtime for the client to avoid paying for lost fetches"
            }
            TokenError::FetchTimedOut { .. } => {
                "The token source or its HTTP client hangs (no timeout?); the fetch was abandoned and the next call starts a new one"
            }
            TokenError::ExpiredOnArrival { .. } => {
                "The token endpoint is too slow for the lifetime it grants (or sent expires_in 0); calls will try again shortly"
            }
            TokenError::Internal(_) => {
                "Call the client from inside a Tokio runtime; if a custom token source panicked, fix it"
            }
        }
    }

    /// Whether the request may succeed if repeated: 408, 429, 5xx, connection failures,
    /// timeouts, abandoned fetches and tokens that arrived too late. Permanent OAuth error
    /// codes are never retryable. The cache retries these about once a second; the others
    /// with a doubling backoff.
    pub fn is_retryable(&self) -> bool {
        match self {
            TokenError::OAuth { code, status, .. } => {
                !code.is_permanent() && retryable_status(*status)
            }
            TokenError::UnexpectedStatus { status, .. } => retryable_status(*status),
            TokenError::Transport(_)
            | TokenError::Timeout(_)
            | TokenError::Abandoned
            | TokenError::FetchTimedOut { .. }
            | TokenError::ExpiredOnArrival { .. } => true,
            TokenError::BodyTooLarge { .. }
            | TokenError::InvalidResponse(_)
            | TokenError::Source(_)
            | TokenError::Internal(_) => false,
        }
    }
}

pub(crate) fn retryable_status(status: StatusCode) -> bool {
    status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || status.is_server_error()
}

/// What is wrong with a token endpoint success response. The message never quotes the
/// response, so it cannot leak a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidResponse {
    reason: &'static str,
}

impl InvalidResponse {
    pub(crate) fn new(reason: &'static str) -> Self {
        Self { reason }
    }

    /// A short description of the problem.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

impl fmt::Display for InvalidResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason)
    }
}

/// Invalid configuration: credentials, URLs, environment variables or policy values.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required environment variable is not set (or is empty).
    #[error("environment variable {name} is not set")]
    MissingVar {
        /// The variable's name.
        name: &'static str,
    },
    /// An environment variable has a value that cannot be used.
    #[error("environment variable {name} is invalid: {reason}")]
    InvalidVar {
        /// The variable's name.
        name: &'static str,
        /// Why the value is refused (never quotes a secret).
        reason: String,
    },
    /// A URL is malformed or not allowed (plain `http` to a non-loopback host, embedded
    /// credentials, ...).
    #[error("invalid {what}: {reason}")]
    InvalidUrl {
        /// Which URL ("token URL", "API base URL").
        what: &'static str,
        /// Why it is refused.
        reason: String,
    },
    /// The client id is empty.
    #[error("client id is empty")]
    EmptyClientId,
    /// The client secret is empty.
    #[error("client secret is empty")]
    EmptyClientSecret,
    /// The client id cannot be used as given (it is never trimmed or altered).
    #[error("client id {reason}")]
    InvalidClientId {
        /// Why it is refused.
        reason: &'static str,
    },
    /// The client secret cannot be used as given (it is never trimmed or altered).
    #[error("client secret {reason}")]
    InvalidClientSecret {
        /// Why it is refused (never quotes the secret).
        reason: &'static str,
    },
    /// The partner's `assetID` cannot be sent as given.
    #[error("assetID {reason}")]
    InvalidAssetId {
        /// Why it is refused (never quotes the value).
        reason: &'static str,
    },
    /// A scope is not a valid RFC 6749 §3.3 scope token.
    #[error(
        "invalid scope {scope:?}: scopes are non-empty printable ASCII without spaces, quotes or backslashes"
    )]
    InvalidScope {
        /// The refused scope.
        scope: String,
    },
    /// A policy value is out of range.
    #[error("invalid policy: {0}")]
    InvalidPolicy(&'static str),
    /// The HTTP client could not be built.
    #[error("could not build the HTTP client")]
    HttpClient(#[source] reqwest::Error),
}

/// Displays an error with its `source()` chain (`outer: inner: innermost`), for log events.
pub(crate) struct Chain<'a>(pub(crate) &'a (dyn std::error::Error + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}
