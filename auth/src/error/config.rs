//! [`ConfigError`]: what is wrong with the configuration.

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
