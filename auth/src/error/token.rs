//! Why a token could not be obtained: [`TokenError`], the RFC 6749 error codes and what is
//! wrong with an unusable answer.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

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

fn retryable_status(status: StatusCode) -> bool {
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

impl std::error::Error for InvalidResponse {}
