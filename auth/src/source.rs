//! Where tokens come from: the [`TokenSource`] trait, a static source, and the OAuth2
//! client-credentials HTTP source with its retry policy.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use bytes::{Bytes, BytesMut};
use futures::future::BoxFuture;
use http::HeaderValue;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use reqwest::Response;
use tokio::time::Instant;
use tracing::Instrument as _;
use url::form_urlencoded;

use crate::credentials::{ClientAuth, Credentials};
use crate::error::{Chain, ConfigError, TokenError};
use crate::response::{MAX_LIFETIME, oauth_error_in_success, parse_error, parse_success};
use crate::stats::Counters;
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
    pub fn refresh_at(mut self, at: Instant) -> Self {
        self.refresh_at = Some(at);
        self
    }

    /// The latest refresh time asked for with [`refresh_at`](Self::refresh_at), if any.
    pub fn refresh_at_instant(&self) -> Option<Instant> {
        self.refresh_at
    }

    /// Sets when the token was requested (the lifetime is measured from this instant; use the
    /// time the request was sent, not when the answer arrived).
    pub fn requested_at(mut self, requested_at: Instant) -> Self {
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

    /// When it was requested.
    pub fn requested_at_instant(&self) -> Instant {
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

/// Retries of one token fetch: exponential backoff with full jitter, honouring
/// `Retry-After`, within an overall deadline. Only 408, 429, 5xx, connection failures and
/// timeouts are retried; permanent OAuth errors never are.
///
/// Defaults: 3 attempts, backoff drawn from `[0, 250 ms · 2^(n-1)]` capped at 5 s,
/// `Retry-After` honoured up to 10 s (a longer one ends the fetch, and the cache then waits
/// at least that long before the next), 20 s overall deadline, 10 s per attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    deadline: Duration,
    attempt_timeout: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(10),
            deadline: Duration::from_secs(20),
            attempt_timeout: Some(Duration::from_secs(10)),
        }
    }
}

impl RetryPolicy {
    /// Total attempts per fetch, first one included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Backoff before the first retry (upper bound of the jitter range) and its cap.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Longest `Retry-After` honoured; a longer one ends the fetch with the error.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Overall deadline of one fetch, retries and waits included.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Timeout of each HTTP attempt (clamped to what is left of the deadline). `None` leaves
    /// it to the HTTP client's own timeout, and the deadline is then only checked between
    /// attempts.
    pub fn attempt_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// The configured number of attempts per fetch.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    fn jittered_backoff(&self, retry: u32) -> Duration {
        let ceiling = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)))
            .min(self.max_backoff);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// The token endpoint's HTTP client: no redirects followed, connect and request timeouts.
pub(crate) fn token_http_client() -> Result<reqwest::Client, ConfigError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .user_agent(concat!("nxtsoft-auth/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(ConfigError::HttpClient)
}

/// The OAuth2 client-credentials grant (RFC 6749 §4.4) over HTTP.
pub(crate) struct ClientCredentialsSource {
    credentials: Credentials,
    http: reqwest::Client,
    retry: RetryPolicy,
    default_lifetime: Duration,
    basic: Option<HeaderValue>,
    counters: Arc<Counters>,
}

impl ClientCredentialsSource {
    pub(crate) fn new(
        credentials: Credentials,
        http: reqwest::Client,
        retry: RetryPolicy,
        default_lifetime: Duration,
        counters: Arc<Counters>,
    ) -> Result<Self, ConfigError> {
        let basic = match credentials.client_auth() {
            ClientAuth::SecretPost => None,
            ClientAuth::SecretBasic => Some(basic_header(
                credentials.client_id(),
                credentials.secret_str(),
            )?),
        };
        Ok(Self {
            credentials,
            http,
            retry,
            default_lifetime,
            basic,
            counters,
        })
    }

    fn form_body(&self) -> String {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("grant_type", "client_credentials");
        if let Some(scope) = self.credentials.scope_param() {
            form.append_pair("scope", &scope);
        }
        if self.basic.is_none() {
            form.append_pair("client_id", self.credentials.client_id());
            form.append_pair("client_secret", self.credentials.secret_str());
        }
        form.finish()
    }

    async fn fetch_with_retries(&self) -> Result<FetchedToken, TokenError> {
        let started = Instant::now();
        let deadline = started + self.retry.deadline;
        let mut attempt = 1;
        loop {
            let sent_at = Instant::now();
            let timeout = self
                .retry
                .attempt_timeout
                .map(|t| t.min(deadline.saturating_duration_since(sent_at)));
            Counters::bump(&self.counters.token_requests);
            let error = match self.attempt(timeout).await {
                Ok((token, expires_in)) => {
                    let lifetime = expires_in.unwrap_or(self.default_lifetime);
                    tracing::debug!(
                        attempt,
                        lifetime_secs = lifetime.as_secs_f64(),
                        expires_in_sent = expires_in.is_some(),
                        "token fetched"
                    );
                    return Ok(FetchedToken::new(token, lifetime).requested_at(sent_at));
                }
                Err(error) => error,
            };
            let status = error.status().map(|s| s.as_u16());
            if !error.is_retryable() {
                tracing::warn!(attempt, status, error = %Chain(&error), "token request failed; not retryable");
                return Err(error);
            }
            if attempt >= self.retry.max_attempts {
                tracing::warn!(attempt, status, error = %Chain(&error), "token request failed; attempts exhausted");
                return Err(error);
            }
            let delay = match error.retry_after() {
                Some(asked) if asked > self.retry.max_retry_after => {
                    tracing::warn!(
                        attempt,
                        status,
                        retry_after_secs = asked.as_secs(),
                        "token endpoint asked to wait longer than allowed; giving up"
                    );
                    return Err(error);
                }
                Some(asked) => asked.max(self.retry.jittered_backoff(attempt)),
                None => self.retry.jittered_backoff(attempt),
            };
            if Instant::now() + delay >= deadline {
                tracing::warn!(attempt, status, error = %Chain(&error), "token request failed; deadline reached");
                return Err(error);
            }
            tracing::debug!(attempt, status, error = %Chain(&error), delay_ms = delay.as_millis() as u64,
                "token request failed; retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    async fn attempt(
        &self,
        timeout: Option<Duration>,
    ) -> Result<(AccessToken, Option<Duration>), TokenError> {
        let mut request = self
            .http
            .post(self.credentials.token_url().clone())
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(self.form_body());
        if let Some(basic) = &self.basic {
            request = request.header(AUTHORIZATION, basic.clone());
        }
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        if status.is_success() {
            let body = read_capped(response, MAX_TOKEN_RESPONSE_BYTES).await?;
            match parse_success(&body) {
                Ok(parsed) => Ok((parsed.token, parsed.expires_in)),
                Err(error) => {
                    Err(
                        oauth_error_in_success(status, &body, self.credentials.secret_str())
                            .unwrap_or(error),
                    )
                }
            }
        } else {
            let retry_after = parse_retry_after(response.headers().get(RETRY_AFTER));
            // An oversized or unreadable error body is ignored: the status still tells.
            let body = read_capped(response, MAX_TOKEN_RESPONSE_BYTES).await.ok();
            Err(parse_error(
                status,
                body.as_deref(),
                retry_after,
                self.credentials.secret_str(),
            ))
        }
    }
}

impl TokenSource for ClientCredentialsSource {
    fn fetch(&self) -> BoxFuture<'_, Result<FetchedToken, TokenError>> {
        let span = tracing::info_span!(
            "nxtsoft_auth.token_fetch",
            token_host = self.credentials.token_url().host_str().unwrap_or(""),
            client_id = self.credentials.client_id(),
        );
        Box::pin(self.fetch_with_retries().instrument(span))
    }
}

fn transport(error: reqwest::Error) -> TokenError {
    if error.is_timeout() {
        TokenError::Timeout(error)
    } else {
        TokenError::Transport(error)
    }
}

/// Reads a body of at most `limit` bytes, chunk by chunk; refuses a larger one as soon as
/// it is known to be larger (from `Content-Length`, or while reading).
async fn read_capped(mut response: Response, limit: usize) -> Result<Bytes, TokenError> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(TokenError::BodyTooLarge { limit });
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        if body.len() + chunk.len() > limit {
            return Err(TokenError::BodyTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// `Retry-After` as delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
pub(crate) fn parse_retry_after(value: Option<&HeaderValue>) -> Option<Duration> {
    let text = value?.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds.min(MAX_LIFETIME.as_secs())));
    }
    let at = httpdate::parse_http_date(text).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))`, RFC 6749 §2.3.1.
fn basic_header(client_id: &str, secret: &str) -> Result<HeaderValue, ConfigError> {
    let id: String = form_urlencoded::byte_serialize(client_id.as_bytes()).collect();
    let secret: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
    let mut value = HeaderValue::try_from(format!("Basic {encoded}"))
        .map_err(|_| ConfigError::InvalidPolicy("client credentials cannot form a Basic header"))?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header_form_encodes_before_base64() {
        let value = basic_header("my client", "p@ss+w/rd:%&=").unwrap();
        assert!(value.is_sensitive());
        let encoded = value.to_str().unwrap().strip_prefix("Basic ").unwrap();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap();
        assert_eq!(decoded, b"my+client:p%40ss%2Bw%2Frd%3A%25%26%3D");
    }

    #[test]
    fn retry_after_forms() {
        let v = |s: &str| HeaderValue::from_str(s).unwrap();
        assert_eq!(
            parse_retry_after(Some(&v(" 7 "))),
            Some(Duration::from_secs(7))
        );
        assert_eq!(parse_retry_after(Some(&v("soon"))), None);
        assert_eq!(parse_retry_after(None), None);
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(60));
        assert_eq!(parse_retry_after(Some(&v(&past))), Some(Duration::ZERO));
        let future = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
        let delay = parse_retry_after(Some(&v(&future))).unwrap();
        assert!(delay > Duration::from_secs(100) && delay <= Duration::from_secs(120));
    }

    #[test]
    fn backoff_is_bounded_and_grows() {
        let policy =
            RetryPolicy::default().backoff(Duration::from_millis(100), Duration::from_secs(1));
        for _ in 0..200 {
            assert!(policy.jittered_backoff(1) <= Duration::from_millis(100));
            assert!(policy.jittered_backoff(3) <= Duration::from_millis(400));
            assert!(policy.jittered_backoff(30) <= Duration::from_secs(1));
        }
    }
}
