//! The token endpoint of a policy scenario, as the scenario sees it: the loopback server over
//! HTTP (real time), or an in-process token source (on Tokio's paused clock, where real I/O
//! cannot run). Both take the same time to answer, answer `503` during a switchable outage,
//! count token requests, and know when each token they issued expires.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use http::HeaderValue;
use nxtsoft_auth::{AccessToken, Authenticator, FetchedToken, TokenError, TokenSource};
use reqwest::StatusCode;
use tokio::time::Instant;

use crate::bench::BenchError;
use crate::bench::server::{FixedServer, lock};
use crate::bench::targets::credentials;

/// What a scenario needs from its token endpoint.
pub(crate) trait TokenEndpoint {
    /// Refuses (`503`) every token request sent within `outage`.
    fn set_outage(&self, outage: Range<Instant>);
    /// Token requests since the scenario began, refused ones included (each is billed).
    fn requests(&self) -> u64;
    /// Token requests refused since the scenario began.
    fn refused(&self) -> u64;
    /// When the token of this `Authorization` header value expires, by the endpoint's count;
    /// `None` for a token the endpoint never issued.
    fn expiry(&self, header: &HeaderValue) -> Option<Instant>;
}

/// The loopback server's token endpoint, its counters taken from when the scenario began. Its
/// outage is lifted when this is dropped.
pub(crate) struct Loopback<'a> {
    server: &'a FixedServer,
    requests_before: u64,
    refused_before: u64,
}

impl<'a> Loopback<'a> {
    /// The server's token endpoint, issuing tokens of `lifetime` from now on, with no outage.
    pub(crate) fn new(server: &'a FixedServer, lifetime: Duration) -> Self {
        server.set_token_lifetime(lifetime);
        server.set_token_outage(None);
        Self {
            server,
            requests_before: server.token_requests(),
            refused_before: server.refused_token_requests(),
        }
    }

    /// A new client-credentials authenticator against this endpoint, with every default (the
    /// refresh and retry policies included).
    pub(crate) fn authenticator(&self) -> Result<Authenticator, BenchError> {
        Ok(Authenticator::new(credentials(self.server)?)?)
    }
}

impl Drop for Loopback<'_> {
    fn drop(&mut self) {
        self.server.set_token_outage(None);
    }
}

impl TokenEndpoint for Loopback<'_> {
    fn set_outage(&self, outage: Range<Instant>) {
        self.server
            .set_token_outage(Some(outage.start.into_std()..outage.end.into_std()));
    }

    fn requests(&self) -> u64 {
        self.server.token_requests() - self.requests_before
    }

    fn refused(&self) -> u64 {
        self.server.refused_token_requests() - self.refused_before
    }

    fn expiry(&self, header: &HeaderValue) -> Option<Instant> {
        let token = header.to_str().ok()?;
        self.server.token_expiry(token).map(Instant::from_std)
    }
}

/// What every in-process token starts with; the rest is its number, from 1.
const IN_PROCESS_PREFIX: &str = "in-process-";

/// An in-process token endpoint for Tokio's paused clock: it takes `latency` to answer, issues
/// numbered tokens of one lifetime (counted from when each was requested, as the client counts
/// it), and refuses requests sent during its outage with a `503`, as the loopback server does.
pub(crate) struct InProcess {
    lifetime: Duration,
    latency: Duration,
    requests: AtomicU64,
    refused: AtomicU64,
    outage: Mutex<Option<Range<Instant>>>,
    /// When each token was requested, by number (token `n` at index `n - 1`).
    issued: Mutex<Vec<Instant>>,
}

impl InProcess {
    /// An endpoint issuing tokens of `lifetime` after `latency`, with no outage.
    pub(crate) fn new(lifetime: Duration, latency: Duration) -> Arc<Self> {
        Arc::new(Self {
            lifetime,
            latency,
            requests: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            outage: Mutex::new(None),
            issued: Mutex::new(Vec::new()),
        })
    }

    /// A new authenticator over this endpoint, with the default refresh policy.
    pub(crate) fn authenticator(self: &Arc<Self>) -> Authenticator {
        Authenticator::from_source(Source(Arc::clone(self)))
    }

    async fn fetch(&self) -> Result<FetchedToken, TokenError> {
        let sent = Instant::now();
        self.requests.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(self.latency).await;
        if lock(&self.outage)
            .as_ref()
            .is_some_and(|outage| outage.contains(&sent))
        {
            self.refused.fetch_add(1, Ordering::Relaxed);
            return Err(TokenError::UnexpectedStatus {
                status: StatusCode::SERVICE_UNAVAILABLE,
                retry_after: None,
            });
        }
        let number = {
            let mut issued = lock(&self.issued);
            issued.push(sent);
            issued.len()
        };
        let token = AccessToken::new(format!("{IN_PROCESS_PREFIX}{number}"))
            .map_err(TokenError::InvalidResponse)?;
        Ok(FetchedToken::new(token, self.lifetime).with_requested_at(sent))
    }
}

impl TokenEndpoint for InProcess {
    fn set_outage(&self, outage: Range<Instant>) {
        *lock(&self.outage) = Some(outage);
    }

    fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }

    fn expiry(&self, header: &HeaderValue) -> Option<Instant> {
        let token = header.to_str().ok()?.strip_prefix("Bearer ")?;
        let number = token.strip_prefix(IN_PROCESS_PREFIX)?;
        let index = number.parse::<usize>().ok()?.checked_sub(1)?;
        let requested = *lock(&self.issued).get(index)?;
        requested.checked_add(self.lifetime)
    }
}

/// The [`TokenSource`] face of an [`InProcess`] endpoint.
struct Source(Arc<InProcess>);

impl TokenSource for Source {
    fn fetch(&self) -> BoxFuture<'_, Result<FetchedToken, TokenError>> {
        Box::pin(self.0.fetch())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The in-process endpoint issues numbered tokens, knows their expiry, and refuses
    /// requests sent during its outage.
    #[tokio::test(start_paused = true)]
    async fn in_process_endpoint_issues_expires_and_refuses() {
        let lifetime = Duration::from_secs(4);
        let endpoint = InProcess::new(lifetime, Duration::from_millis(20));
        let start = Instant::now();
        let header = endpoint.authenticator().header_value().await.unwrap();
        assert_eq!(header.to_str().unwrap(), "Bearer in-process-1");
        assert_eq!(endpoint.expiry(&header), Some(start + lifetime));
        assert_eq!(
            endpoint.expiry(&HeaderValue::from_static("Bearer in-process-2")),
            None
        );

        let now = Instant::now();
        endpoint.set_outage(now..now + Duration::from_secs(1));
        assert!(endpoint.authenticator().header_value().await.is_err());
        assert_eq!((endpoint.requests(), endpoint.refused()), (2, 1));
    }
}
