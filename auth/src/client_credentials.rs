//! The OAuth2 client-credentials grant over HTTP: the token request (post or Basic client
//! authentication), retries with backoff and `Retry-After`, capped reading, and probes of a
//! single attempt during a known outage.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
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
use crate::policy::RetryPolicy;
use crate::redact::Redactor;
use crate::response::{oauth_error_in_success, parse_error, parse_success};
use crate::source::{FetchedToken, MAX_TOKEN_RESPONSE_BYTES, TokenSource};
use crate::stats::Counters;
use crate::token::AccessToken;

/// The OAuth2 client-credentials grant (RFC 6749 §4.4) over HTTP.
pub(crate) struct ClientCredentialsSource {
    credentials: Credentials,
    http: reqwest::Client,
    retry: RetryPolicy,
    default_lifetime: Duration,
    basic: Option<HeaderValue>,
    redactor: Redactor,
    counters: Arc<Counters>,
    /// The last fetch failed: the next ones make a single attempt each (the cache spaces
    /// them), until one succeeds.
    in_outage: AtomicBool,
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
        let redactor = Redactor::new(credentials.client_id(), credentials.secret_str());
        Ok(Self {
            credentials,
            http,
            retry,
            default_lifetime,
            basic,
            redactor,
            counters,
            in_outage: AtomicBool::new(false),
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
        let result = self.attempts().await;
        self.in_outage.store(result.is_err(), Ordering::Relaxed);
        result
    }

    async fn attempts(&self) -> Result<FetchedToken, TokenError> {
        let started = Instant::now();
        let deadline = started + self.retry.deadline_value();
        let max_attempts = if self.in_outage.load(Ordering::Relaxed) {
            1
        } else {
            self.retry.attempts()
        };
        let mut attempt = 1;
        loop {
            let sent_at = Instant::now();
            let timeout = self
                .retry
                .attempt_timeout_value()
                .map(|t| t.min(deadline.saturating_duration_since(sent_at)));
            self.counters.token_requests.bump();
            let error = match self.attempt(timeout).await {
                Ok((token, expires_in)) => {
                    let lifetime = expires_in.unwrap_or(self.default_lifetime);
                    tracing::debug!(
                        attempt,
                        lifetime_secs = lifetime.as_secs_f64(),
                        expires_in_sent = expires_in.is_some(),
                        "token fetched"
                    );
                    return Ok(FetchedToken::new(token, lifetime).with_requested_at(sent_at));
                }
                Err(error) => error,
            };
            let status = error.status().map(|s| s.as_u16());
            if !error.is_retryable() {
                tracing::warn!(attempt, status, error = %Chain(&error), "token request failed; not retryable");
                return Err(error);
            }
            if attempt >= max_attempts {
                tracing::warn!(attempt, status, error = %Chain(&error), "token request failed; attempts exhausted");
                return Err(error);
            }
            let backoff = self.retry.jittered_backoff(attempt);
            let delay = error
                .retry_after()
                .map_or(backoff, |asked| asked.max(backoff));
            if Instant::now() + delay >= deadline {
                tracing::warn!(attempt, status, error = %Chain(&error), delay_ms = delay.as_millis() as u64,
                    "token request failed; the next attempt would pass the fetch deadline");
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
                    Err(oauth_error_in_success(status, &body, &self.redactor).unwrap_or(error))
                }
            }
        } else {
            let retry_after = parse_retry_after(
                response.headers().get(RETRY_AFTER),
                self.retry.retry_after_cap(),
            );
            // An oversized or unreadable error body is ignored: the status still tells.
            let body = read_capped(response, MAX_TOKEN_RESPONSE_BYTES).await.ok();
            Err(parse_error(
                status,
                body.as_deref(),
                retry_after,
                &self.redactor,
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

/// `Retry-After` as delay-seconds or an HTTP-date (RFC 9110 §10.2.3), capped at `cap` in
/// either form; a date in the past is no wait at all.
pub(crate) fn parse_retry_after(value: Option<&HeaderValue>, cap: Duration) -> Option<Duration> {
    let text = value?.to_str().ok()?.trim();
    let asked = if text.bytes().all(|b| b.is_ascii_digit()) && !text.is_empty() {
        // Any number of digits: beyond u64 it is simply more than the cap.
        text.parse::<u64>().map_or(cap, Duration::from_secs)
    } else {
        let at = httpdate::parse_http_date(text).ok()?;
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO)
    };
    Some(asked.min(cap))
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))`, RFC 6749 §2.3.1.
fn basic_header(client_id: &str, secret: &str) -> Result<HeaderValue, ConfigError> {
    let id: String = form_urlencoded::byte_serialize(client_id.as_bytes()).collect();
    let secret: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
    // Base64 is always a valid header value; the error arm only keeps this free of panics.
    let mut value = HeaderValue::try_from(format!("Basic {encoded}")).map_err(|_| {
        ConfigError::InvalidClientSecret {
            reason: "the client id and secret cannot form a Basic header",
        }
    })?;
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
    fn retry_after_forms_are_capped() {
        let v = |s: &str| HeaderValue::from_str(s).unwrap();
        let cap = Duration::from_secs(60);
        let parse = |s: &str| parse_retry_after(Some(&v(s)), cap);
        assert_eq!(parse(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parse("soon"), None);
        assert_eq!(parse("-5"), None);
        assert_eq!(parse_retry_after(None, cap), None);
        // Seconds: a day, and more digits than u64 holds, are the cap.
        assert_eq!(parse("86400"), Some(cap));
        assert_eq!(parse("99999999999999999999999999"), Some(cap));
        // HTTP dates: past is no wait, near future is honoured, far future is the cap.
        let date = |offset: i64| {
            let now = SystemTime::now();
            let at = if offset >= 0 {
                now + Duration::from_secs(offset as u64)
            } else {
                now - Duration::from_secs(offset.unsigned_abs())
            };
            httpdate::fmt_http_date(at)
        };
        assert_eq!(parse(&date(-60)), Some(Duration::ZERO));
        let near = parse(&date(30)).unwrap();
        assert!(near > Duration::from_secs(25) && near <= Duration::from_secs(30));
        assert_eq!(parse(&date(3600)), Some(cap));
        assert_eq!(parse("Fri, 31 Dec 9999 23:59:59 GMT"), Some(cap));
        assert_eq!(
            parse_retry_after(Some(&v("120")), Duration::from_secs(300)),
            Some(Duration::from_secs(120))
        );
    }
}
