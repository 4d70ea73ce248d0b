//! [`SharedCache`]: where the fleet's token lives and how long to wait for it.

use std::fmt;
use std::time::Duration;

use secrecy::{ExposeSecret as _, SecretString};

use crate::error::ConfigError;

/// A fleet-wide token cache on Redis (or Valkey), for
/// [`AuthenticatorBuilder::shared_cache`](crate::AuthenticatorBuilder::shared_cache).
///
/// Defaults, and why:
/// * **250 ms** per Redis command (connection included): Redis on the same network answers in
///   about a millisecond, and a caller never waits on Redis longer than this before the token
///   endpoint is asked directly;
/// * fleet lock held at most **10 s** (a crashed holder blocks nobody longer than that, and a
///   token request with its retries usually ends well within it);
/// * waiters poll for the holder's token for at most **3 s**, then fetch on their own;
/// * fleet refresh point: the authenticator's [`RefreshPolicy`](crate::RefreshPolicy) refresh
///   point without its jitter (one process refreshes for the fleet, so there is no lockstep
///   to break): for a one-hour token, 3535 s after it was requested;
/// * clock skew margin **1 s** (at most 10 % of the lifetime), subtracted from the stored
///   absolute expiry, since processes share only wall clocks.
///
/// `Debug` never shows the URL (it may carry a password).
#[derive(Clone)]
pub struct SharedCache {
    pub(crate) url: SecretString,
    pub(crate) timeout: Duration,
    pub(crate) lock_ttl: Duration,
    pub(crate) lock_wait: Duration,
    pub(crate) refresh_fraction: Option<f64>,
    pub(crate) clock_skew: Duration,
}

impl SharedCache {
    /// A cache at `url`: `redis://[:password@]host[:port][/db]`, or `rediss://…` for TLS.
    /// Nothing is connected here; the first token need connects (and a Redis that is down
    /// only means tokens come from the token endpoint, as without a shared cache).
    pub fn new(url: impl Into<String>) -> Result<Self, ConfigError> {
        let url: String = url.into();
        super::check_cache_url(&url).map_err(|reason| ConfigError::InvalidUrl {
            what: "token cache URL",
            reason,
        })?;
        Ok(Self {
            url: SecretString::from(url.trim().to_owned()),
            timeout: Duration::from_millis(250),
            lock_ttl: Duration::from_secs(10),
            lock_wait: Duration::from_secs(3),
            refresh_fraction: None,
            clock_skew: Duration::from_secs(1),
        })
    }

    /// Longest wait for one Redis command, connecting included (default 250 ms).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// How long the fleet lock lives if its holder never releases it (default 10 s).
    pub fn lock_ttl(mut self, ttl: Duration) -> Self {
        self.lock_ttl = ttl.max(Duration::from_millis(1));
        self
    }

    /// How long a process waits for another process's token before fetching on its own
    /// (default 3 s).
    pub fn lock_wait(mut self, wait: Duration) -> Self {
        self.lock_wait = wait;
        self
    }

    /// Fraction of a token's lifetime after which the fleet refreshes it, instead of the
    /// refresh policy's (late) refresh point.
    pub fn refresh_fraction(mut self, fraction: f64) -> Self {
        self.refresh_fraction = Some(fraction);
        self
    }

    /// Clock skew margin between processes (default 1 s, applied up to 10 % of a token's
    /// lifetime).
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.clock_skew = skew;
        self
    }

    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        if self
            .refresh_fraction
            .is_some_and(|f| !(f.is_finite() && f > 0.0 && f <= 1.0))
        {
            return Err(ConfigError::InvalidPolicy(
                "shared cache refresh fraction must be in (0, 1]",
            ));
        }
        Ok(())
    }

    pub(crate) fn url_str(&self) -> &str {
        self.url.expose_secret()
    }
}

impl fmt::Debug for SharedCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedCache")
            .field("url", &"[REDACTED]")
            .field("timeout", &self.timeout)
            .field("lock_ttl", &self.lock_ttl)
            .field("lock_wait", &self.lock_wait)
            .field("refresh_fraction", &self.refresh_fraction)
            .field("clock_skew", &self.clock_skew)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_other_schemes_and_hides_the_url() {
        assert!(matches!(
            SharedCache::new("http://127.0.0.1:6379"),
            Err(ConfigError::InvalidUrl { .. })
        ));
        let cache = SharedCache::new("redis://:hunter2@127.0.0.1:6379").unwrap();
        assert!(!format!("{cache:?}").contains("hunter2"));
        assert!(cache.clone().refresh_fraction(0.0).validate().is_err());
        assert!(cache.refresh_fraction(1.0).validate().is_ok());
    }
}
