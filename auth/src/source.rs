//! Where tokens come from: the [`TokenSource`] trait and a static source. The OAuth2
//! client-credentials source over HTTP is in `client_credentials`.

use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;

use crate::error::TokenError;
use crate::response::MAX_LIFETIME;
use crate::token::AccessToken;

/// Largest token endpoint response body read; larger bodies are refused without being read.
pub const MAX_TOKEN_RESPONSE_BYTES: usize = 64 * 1024;

/// A token, its lifetime, and when it was requested (the lifetime runs from then).
#[derive(Debug, Clone)]
pub struct FetchedToken {
    token: AccessToken,
    lifetime: Duration,
    requested_at: Instant,
    refresh_at: Option<Instant>,
}

impl FetchedToken {
    /// A token valid for `lifetime` from now. Lifetimes above one day are clamped to one day
    /// (the token is then simply fetched again from its source after about 18 hours).
    pub fn new(token: AccessToken, lifetime: Duration) -> Self {
        Self {
            token,
            lifetime: lifetime.min(MAX_LIFETIME),
            requested_at: Instant::now(),
            refresh_at: None,
        }
    }

    /// Asks the cache to refresh the token no later than `at` (it may refresh earlier, by its
    /// own policy). A fleet-wide cache uses this so every process refreshes at the fleet's
    /// refresh point.
    pub fn with_refresh_at(mut self, at: Instant) -> Self {
        self.refresh_at = Some(at);
        self
    }

    /// The latest refresh time asked for with [`with_refresh_at`](Self::with_refresh_at), if any.
    pub fn refresh_at(&self) -> Option<Instant> {
        self.refresh_at
    }

    /// Sets when the token was requested (the lifetime is measured from this instant; use the
    /// time the request was sent, not when the answer arrived).
    pub fn with_requested_at(mut self, requested_at: Instant) -> Self {
        self.requested_at = requested_at;
        self
    }

    /// The token.
    pub fn token(&self) -> &AccessToken {
        &self.token
    }

    /// Its lifetime.
    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// When it was requested: its lifetime runs from this instant.
    pub fn requested_at(&self) -> Instant {
        self.requested_at
    }
}

/// A supplier of access tokens, for example a fixed token in tests or a token shared across
/// a fleet. The [`Authenticator`](crate::Authenticator) caches what it returns, calls it at
/// most once at a time, and refreshes ahead of expiry.
///
/// The trait is object safe: `fetch` returns a boxed future.
///
/// ```
/// use futures::future::BoxFuture;
/// use nxtsoft_auth::{AccessToken, FetchedToken, TokenError, TokenSource};
/// use std::time::Duration;
///
/// struct FromVault;
/// impl TokenSource for FromVault {
///     fn fetch(&self) -> BoxFuture<'_, Result<FetchedToken, TokenError>> {
///         Box::pin(async {
///             let token = AccessToken::new("token-from-vault")
///                 .map_err(TokenError::InvalidResponse)?;
///             Ok(FetchedToken::new(token, Duration::from_secs(300)))
///         })
///     }
/// }
/// let authenticator = nxtsoft_auth::Authenticator::from_source(FromVault);
/// ```
pub trait TokenSource: Send + Sync + 'static {
    /// Fetches a new token.
    fn fetch(&self) -> BoxFuture<'_, Result<FetchedToken, TokenError>>;

    /// Told when the API rejected `token` (a 401) and the cache evicted it, so a source that
    /// shares tokens can stop handing it out. Called with the cache locked: must not block
    /// (spawn any I/O). The default does nothing.
    fn rejected(&self, token: &AccessToken) {
        let _ = token;
    }
}

/// A [`TokenSource`] that always returns the same token, with the longest lifetime (one day,
/// renewed from this source).
#[derive(Debug, Clone)]
pub struct StaticToken(AccessToken);

impl StaticToken {
    /// Wraps a token.
    pub fn new(token: AccessToken) -> Self {
        Self(token)
    }
}

impl TokenSource for StaticToken {
    fn fetch(&self) -> BoxFuture<'_, Result<FetchedToken, TokenError>> {
        let token = FetchedToken::new(self.0.clone(), MAX_LIFETIME);
        Box::pin(async move { Ok(token) })
    }
}
