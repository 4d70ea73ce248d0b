//! Building an [`Authenticator`]: over client credentials ([`AuthenticatorBuilder`]) or over
//! a custom token source ([`SourceAuthenticatorBuilder`]). Each has only the settings that
//! apply to it.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::authenticator::{Authenticator, DEFAULT_LIFETIME};
use crate::client_credentials::ClientCredentialsSource;
use crate::credentials::{Credentials, asset_id_header};
use crate::error::ConfigError;
use crate::http::token_http_client;
use crate::policy::{RefreshPolicy, RetryPolicy};
use crate::shared::SharedSetting;
use crate::source::TokenSource;
use crate::stats::Counters;

/// Builder for a client-credentials [`Authenticator`]; see [`Authenticator::builder`].
#[must_use]
pub struct AuthenticatorBuilder {
    credentials: Box<Credentials>,
    retry: RetryPolicy,
    http: Option<reqwest::Client>,
    default_lifetime: Duration,
    refresh: RefreshPolicy,
    shared: SharedSetting,
}

impl AuthenticatorBuilder {
    pub(crate) fn new(credentials: Credentials) -> Self {
        Self {
            credentials: Box::new(credentials),
            retry: RetryPolicy::default(),
            http: None,
            default_lifetime: DEFAULT_LIFETIME,
            refresh: RefreshPolicy::default(),
            shared: SharedSetting::default(),
        }
    }

    /// Sets the refresh policy.
    pub fn refresh_policy(mut self, policy: RefreshPolicy) -> Self {
        self.refresh = policy;
        self
    }

    /// Sets the token endpoint retry policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Uses this HTTP client for the token endpoint, for example for a private CA. Build it
    /// with `redirect(reqwest::redirect::Policy::none())`: a followed redirect would send the
    /// client secret elsewhere, and with `no_proxy()` for a plain-http loopback token URL.
    /// Without it, the authenticator builds its own: no redirects, 5 s connect timeout,
    /// 10 s per request, environment proxies honoured except for plain-http loopback URLs.
    pub fn token_http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Lifetime assumed when the token response has no `expires_in` (default
    /// [`DEFAULT_LIFETIME`]).
    pub fn default_lifetime(mut self, lifetime: Duration) -> Self {
        self.default_lifetime = lifetime;
        self
    }

    /// Shares tokens across the fleet through Redis (client credentials only; feature
    /// `redis`): see [`SharedCache`](crate::SharedCache) and the README's *Running a fleet*.
    #[cfg(feature = "redis")]
    pub fn shared_cache(mut self, cache: crate::SharedCache) -> Self {
        self.shared.cache = Some(cache);
        self
    }

    /// Builds the authenticator.
    pub fn build(self) -> Result<Authenticator, ConfigError> {
        self.refresh.validate()?;
        let counters = Arc::new(Counters::default());
        let credentials = *self.credentials;
        let asset_id = credentials.asset_id().cloned();
        let description = format!(
            "client credentials (client_id {:?}, token endpoint {})",
            credentials.client_id(),
            credentials.token_url().host_str().unwrap_or("")
        );
        let http = match self.http {
            Some(http) => http,
            None => token_http_client(credentials.token_url())?,
        };
        let shared_credentials = credentials.clone();
        let source = ClientCredentialsSource::new(
            credentials,
            http,
            self.retry,
            self.default_lifetime,
            Arc::clone(&counters),
        )?;
        let source = self
            .shared
            .wrap(source, &shared_credentials, &counters, &self.refresh)?;
        Ok(Authenticator::assemble(
            source,
            self.refresh,
            counters,
            description,
            asset_id,
        ))
    }
}

impl fmt::Debug for AuthenticatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthenticatorBuilder")
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("refresh", &self.refresh)
            .field("default_lifetime", &self.default_lifetime)
            .finish()
    }
}

/// Builder for an [`Authenticator`] over a custom [`TokenSource`]; see
/// [`Authenticator::source_builder`].
#[must_use]
pub struct SourceAuthenticatorBuilder {
    source: Arc<dyn TokenSource>,
    refresh: RefreshPolicy,
    asset_id: Option<String>,
}

impl SourceAuthenticatorBuilder {
    pub(crate) fn new(source: Arc<dyn TokenSource>) -> Self {
        Self {
            source,
            refresh: RefreshPolicy::default(),
            asset_id: None,
        }
    }

    /// Sends the partner's `assetID` on every request (see
    /// [`CredentialsBuilder::asset_id`](crate::CredentialsBuilder::asset_id)).
    pub fn asset_id(mut self, asset_id: impl Into<String>) -> Self {
        self.asset_id = Some(asset_id.into());
        self
    }

    /// Sets the refresh policy.
    pub fn refresh_policy(mut self, policy: RefreshPolicy) -> Self {
        self.refresh = policy;
        self
    }

    /// Builds the authenticator.
    pub fn build(self) -> Result<Authenticator, ConfigError> {
        self.refresh.validate()?;
        let asset_id = self.asset_id.as_deref().map(asset_id_header).transpose()?;
        Ok(Authenticator::assemble(
            self.source,
            self.refresh,
            Arc::new(Counters::default()),
            "custom token source".into(),
            asset_id,
        ))
    }
}

impl fmt::Debug for SourceAuthenticatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceAuthenticatorBuilder")
            .field("source", &"custom token source")
            .field("refresh", &self.refresh)
            .finish()
    }
}
