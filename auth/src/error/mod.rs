//! Error types. None of them ever prints a client secret or an access token.
//!
//! - [`AuthError`] (here): what a caller gets when no token could be attached.
//! - `token`: [`TokenError`], why a token could not be obtained.
//! - `config`: [`ConfigError`], what is wrong with the configuration.

mod config;
mod token;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub use self::config::ConfigError;
pub use self::token::{InvalidResponse, OAuthErrorCode, TokenError};

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
