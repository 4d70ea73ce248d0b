//! The [`Authenticator`]: what the generated client's hooks call for every request.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use http::HeaderValue;
use http::header::AUTHORIZATION;
use reqwest::StatusCode;
use tracing::Instrument as _;

use crate::builder::{AuthenticatorBuilder, SourceAuthenticatorBuilder};
use crate::cache::Cache;
use crate::challenge::rejects_scope;
use crate::credentials::{ASSET_ID_HEADER, Credentials};
use crate::error::{AuthError, ConfigError};
use crate::http::resend_copy;
use crate::policy::RefreshPolicy;
use crate::source::TokenSource;
use crate::stats::{Counters, Stats};
use crate::telemetry::{ApiCall, CallSpan};

/// How many distinct recent token failures [`Authenticator::recover_error`] can give back.
pub const RECENT_ERRORS: usize = 32;

/// Lifetime assumed when the token endpoint sends no `expires_in`: one hour, the usual
/// default of OAuth2 servers for client-credentials tokens (AWS Cognito, Okta, Entra ID).
/// Should the real lifetime be shorter, the API's 401 makes the authenticator fetch a new
/// token and re-send the request once.
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// Attaches access tokens to API requests, caches them, refreshes them ahead of expiry, and
/// retries a request once with a new token when the API answers 401.
///
/// Cheap to clone (all clones share one cache), `Send + Sync`. `Debug` shows the cache state
/// and counters, never a token or a secret.
///
/// # Typed errors through progenitor
/// progenitor's hooks can only fail with `Error::Custom(String)`. The authenticator keeps the
/// last [`RECENT_ERRORS`] distinct token failures, keyed by their `Display` text, so that
/// [`recover_error`](Self::recover_error) can turn such a string back into the typed
/// [`AuthError`] (with its `source()` chain): match on
/// [`TokenError`](crate::TokenError) and [`OAuthErrorCode`](crate::OAuthErrorCode), not on text.
///
/// # Policy
/// See [`RefreshPolicy`] (when tokens are refreshed) and [`RetryPolicy`](crate::RetryPolicy) (how the token
/// endpoint is retried). A 401 evicts only the rejected token (a newer cached token is kept),
/// fetches one new token shared with every concurrent caller, and re-sends the request once
/// if its body could be cloned. A 401 whose `WWW-Authenticate` challenge says
/// `error="insufficient_scope"` is returned as it is: a new token with the same scopes cannot
/// help. Nothing else is ever re-sent, so a payment cannot be duplicated by this layer; a 403
/// is returned as it is.
#[derive(Clone)]
pub struct Authenticator {
    inner: Arc<Inner>,
}

struct Inner {
    cache: Arc<Cache>,
    asset_id: Option<HeaderValue>,
    counters: Arc<Counters>,
    recent: Mutex<VecDeque<(String, Arc<AuthError>)>>,
    description: String,
}

impl Authenticator {
    /// An authenticator for OAuth2 client credentials, with the default policies and its own
    /// token endpoint HTTP client (rustls, redirects not followed, 5 s connect timeout,
    /// 10 s per attempt).
    pub fn new(credentials: Credentials) -> Result<Self, ConfigError> {
        Self::builder(credentials).build()
    }

    /// A builder for client credentials, to change policies or the token HTTP client.
    pub fn builder(credentials: Credentials) -> AuthenticatorBuilder {
        AuthenticatorBuilder::new(credentials)
    }

    /// An authenticator over a custom [`TokenSource`], with the default refresh policy.
    pub fn from_source(source: impl TokenSource) -> Self {
        Self::assemble(
            Arc::new(source),
            RefreshPolicy::default(),
            Arc::new(Counters::default()),
            "custom token source".into(),
            None,
        )
    }

    /// A builder over a custom [`TokenSource`] (to change the refresh policy). It has no
    /// token endpoint settings: the source does its own fetching.
    pub fn source_builder(source: impl TokenSource) -> SourceAuthenticatorBuilder {
        SourceAuthenticatorBuilder::new(Arc::new(source))
    }

    pub(crate) fn assemble(
        source: Arc<dyn TokenSource>,
        refresh: RefreshPolicy,
        counters: Arc<Counters>,
        description: String,
        asset_id: Option<HeaderValue>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                cache: Arc::new(Cache::new(source, refresh, Arc::clone(&counters))),
                asset_id,
                counters,
                recent: Mutex::new(VecDeque::with_capacity(RECENT_ERRORS)),
                description,
            }),
        }
    }

    /// The `Authorization: Bearer …` header value of a usable token (marked sensitive),
    /// fetching a token if none is cached.
    pub async fn header_value(&self) -> Result<HeaderValue, AuthError> {
        self.inner
            .cache
            .header()
            .await
            .map_err(|error| self.remember(error))
    }

    /// Sets the `Authorization` header of `request`, and the partner's `assetID` header when
    /// one is configured. Called by the generated client's `pre` hook for every request.
    pub async fn authorize(&self, request: &mut reqwest::Request) -> Result<(), AuthError> {
        let header = self.header_value().await?;
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, header);
        if let Some(asset_id) = &self.inner.asset_id {
            headers.insert(ASSET_ID_HEADER, asset_id.clone());
        }
        Ok(())
    }

    /// Sends `request` with `client`. On a 401, evicts the token the request carried (only if
    /// it is still the cached one), gets a new token (one fetch shared by all callers) and
    /// re-sends the request once, if it could be cloned before sending. If no new token can
    /// be had, or the body could not be cloned, the 401 response is returned. Every other
    /// response, 403 included, is returned as it is. Called by the generated client's
    /// `exec` hook.
    pub async fn execute(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        self.send_with_resend(client, request).await.0
    }

    /// [`execute`](Self::execute), inside an `nxtsoft.api_call` span (level INFO) that records
    /// the operation id, method, path template, final status, duration and whether the
    /// request was re-sent after a 401, and never a header value or a body. The generated
    /// client's `exec` hook calls this.
    pub async fn execute_call(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
        call: ApiCall<'_>,
    ) -> reqwest::Result<reqwest::Response> {
        let Some(telemetry) = CallSpan::open(call) else {
            return self.send_with_resend(client, request).await.0;
        };
        let (result, resent) = self
            .send_with_resend(client, request)
            .instrument(telemetry.span().clone())
            .await;
        let status = result.as_ref().ok().map(|r| r.status().as_u16());
        telemetry.finish(status, resent);
        result
    }

    /// Sends, and re-sends once after a 401; also says whether it re-sent.
    async fn send_with_resend(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
    ) -> (reqwest::Result<reqwest::Response>, bool) {
        // Per request, only the copy a 401 re-send needs; the token the request carried is
        // read back from that copy, and only after a 401. Without a copy (a streaming body)
        // the header is kept alone, to evict the right token.
        let copy = resend_copy(&request);
        let sent_without_copy = match copy {
            Some(_) => None,
            None => request.headers().get(AUTHORIZATION).cloned(),
        };
        let response = match client.execute(request).await {
            Ok(response) => response,
            Err(error) => return (Err(error), false),
        };
        if response.status() != StatusCode::UNAUTHORIZED {
            return (Ok(response), false);
        }
        let sent = match &copy {
            Some(copy) => copy.headers().get(AUTHORIZATION).cloned(),
            None => sent_without_copy,
        };
        let Some(sent) = sent else {
            return (Ok(response), false);
        };
        if rejects_scope(response.headers()) {
            tracing::info!(
                "401 with error=\"insufficient_scope\": a new token would carry the same scopes; not re-sent"
            );
            return (Ok(response), false);
        }
        self.inner.cache.evict(&sent);
        let Some(mut copy) = copy else {
            tracing::debug!("401 for a request whose body cannot be cloned; not re-sent");
            return (Ok(response), false);
        };
        match self.inner.cache.header().await {
            Ok(fresh) if fresh != sent => {
                self.inner.counters.unauthorized_retries.bump();
                tracing::info!("re-sending the request once with a new token after a 401");
                copy.headers_mut().insert(AUTHORIZATION, fresh);
                drop(response);
                (client.execute(copy).await, true)
            }
            Ok(_) => {
                tracing::debug!("no newer token than the rejected one; returning the 401");
                (Ok(response), false)
            }
            Err(error) => {
                tracing::warn!(error = %error, "no new token after a 401; returning the 401");
                (Ok(response), false)
            }
        }
    }

    /// The typed error behind `message`, if `message` is the `Display` text of one of the
    /// last [`RECENT_ERRORS`] distinct token failures of this authenticator (what progenitor's
    /// `Error::Custom` carries).
    pub fn recover_error(&self, message: &str) -> Option<Arc<AuthError>> {
        let recent = self
            .inner
            .recent
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        recent
            .iter()
            .rev()
            .find(|(text, _)| text == message)
            .map(|(_, error)| Arc::clone(error))
    }

    fn remember(&self, error: AuthError) -> AuthError {
        let text = error.to_string();
        let mut recent = self
            .inner
            .recent
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        recent.retain(|(known, _)| *known != text);
        if recent.len() >= RECENT_ERRORS {
            recent.pop_front();
        }
        recent.push_back((text, Arc::new(error.clone())));
        error
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        self.inner.counters.snapshot()
    }
}

impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authenticator")
            .field("source", &self.inner.description)
            .field("cache", &*self.inner.cache)
            .field("stats", &self.stats())
            .finish()
    }
}
