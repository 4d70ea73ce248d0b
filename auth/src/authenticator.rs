//! The [`Authenticator`]: what the generated client's hooks call for every request.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use http::HeaderValue;
use http::header::AUTHORIZATION;
use reqwest::StatusCode;
use tracing::Instrument as _;

use crate::cache::Cache;
use crate::challenge::rejects_scope;
use crate::credentials::{ASSET_ID_HEADER, Credentials, asset_id_header};
use crate::error::{AuthError, ConfigError};
use crate::policy::{RefreshPolicy, RetryPolicy};
use crate::shared::SharedSetting;
use crate::source::{ClientCredentialsSource, TokenSource, token_http_client};
use crate::stats::{Counters, Stats};
use crate::telemetry::{ApiCall, CallSpan};
use crate::url_policy::{bypasses_proxy, check_base_url};

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
/// See [`RefreshPolicy`] (when tokens are refreshed) and [`RetryPolicy`] (how the token
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
        AuthenticatorBuilder {
            credentials: Box::new(credentials),
            retry: RetryPolicy::default(),
            http: None,
            default_lifetime: DEFAULT_LIFETIME,
            refresh: RefreshPolicy::default(),
            shared: SharedSetting::default(),
        }
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
        SourceAuthenticatorBuilder {
            source: Arc::new(source),
            refresh: RefreshPolicy::default(),
            asset_id: None,
        }
    }

    fn assemble(
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
        let telemetry = CallSpan::open(call);
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

/// Bodies up to this size are copied for a possible re-send (cheaper than what
/// `reqwest::Request::try_clone` does); larger ones are shared through `try_clone`.
const COPIED_BODY_MAX: usize = 4096;

/// A copy of `request` to re-send after a 401, or `None` when its body is a stream.
///
/// `reqwest::Request::try_clone` builds a timeout entry in the copy's extension map and then
/// overwrites the whole map: an allocation and a hash map for every request, even without a
/// timeout. For a small body (every JSON message of this API), this copies what the public API
/// can set (method, URL, headers, version, timeout, body) and nothing more. reqwest keeps
/// request extensions private, and its builders put nothing but the timeout there.
fn resend_copy(request: &reqwest::Request) -> Option<reqwest::Request> {
    let body = match request.body() {
        None => None,
        Some(body) => {
            let bytes = body.as_bytes()?;
            if bytes.len() > COPIED_BODY_MAX {
                return request.try_clone();
            }
            Some(reqwest::Body::from(bytes.to_vec()))
        }
    };
    let mut copy = reqwest::Request::new(request.method().clone(), request.url().clone());
    *copy.headers_mut() = request.headers().clone();
    *copy.version_mut() = request.version();
    if let Some(timeout) = request.timeout() {
        *copy.timeout_mut() = Some(*timeout);
    }
    *copy.body_mut() = body;
    Some(copy)
}

/// The HTTP client for API requests: rustls, redirects not followed (a banking API should not
/// redirect, and a redirect must not carry the token elsewhere), 10 s connect timeout, 60 s
/// request timeout, TCP keep-alive, idle connections kept 90 s. Proxies from the environment
/// are honoured; prefer [`api_http_client_for`], which bypasses them for a plain-http
/// loopback API.
pub fn api_http_client() -> Result<reqwest::Client, ConfigError> {
    api_client_builder()
        .build()
        .map_err(ConfigError::HttpClient)
}

/// [`api_http_client`] for the API at `base_url`: a plain-http loopback base URL never goes
/// through a proxy (the bearer token would travel to it in cleartext); `https` keeps
/// honouring `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY`.
pub fn api_http_client_for(base_url: &str) -> Result<reqwest::Client, ConfigError> {
    let base_url = check_base_url(base_url)?;
    let builder = api_client_builder();
    let builder = if bypasses_proxy(&base_url) {
        builder.no_proxy()
    } else {
        builder
    };
    builder.build().map_err(ConfigError::HttpClient)
}

fn api_client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .tcp_keepalive(Duration::from_secs(60))
        .pool_idle_timeout(Duration::from_secs(90))
        .user_agent(concat!("nxtsoft-auth/", env!("CARGO_PKG_VERSION")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: reqwest::Body, timeout: Option<Duration>) -> reqwest::Request {
        let http = reqwest::Client::new();
        let mut builder = http
            .post("http://127.0.0.1:9/transactions/mock?x=1")
            .header(AUTHORIZATION, "Bearer abc")
            .header("api-version", "1")
            .header("x-multi", "a")
            .header("x-multi", "b")
            .version(http::Version::HTTP_11)
            .body(body);
        if let Some(timeout) = timeout {
            builder = builder.timeout(timeout);
        }
        builder.build().unwrap()
    }

    fn same(copy: &reqwest::Request, original: &reqwest::Request) {
        assert_eq!(copy.method(), original.method());
        assert_eq!(copy.url(), original.url());
        assert_eq!(copy.headers(), original.headers());
        assert_eq!(copy.version(), original.version());
        assert_eq!(copy.timeout(), original.timeout());
        assert_eq!(
            copy.body().and_then(reqwest::Body::as_bytes),
            original.body().and_then(reqwest::Body::as_bytes)
        );
    }

    #[test]
    fn resend_copy_keeps_everything_a_resend_needs() {
        for timeout in [None, Some(Duration::from_secs(7))] {
            let small = request(reqwest::Body::from(r#"{"a":1}"#), timeout);
            same(&resend_copy(&small).unwrap(), &small);
            let large = request(
                reqwest::Body::from(vec![b'x'; COPIED_BODY_MAX + 1]),
                timeout,
            );
            same(&resend_copy(&large).unwrap(), &large);
        }
        let mut empty = request(reqwest::Body::from(""), None);
        *empty.body_mut() = None;
        let copy = resend_copy(&empty).unwrap();
        assert!(copy.body().is_none());
        same(&copy, &empty);
    }

    #[test]
    fn no_resend_copy_of_a_streaming_body() {
        let stream = futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from("x"))]);
        let streaming = request(reqwest::Body::wrap_stream(stream), None);
        assert!(resend_copy(&streaming).is_none());
    }
}
