//! Fleet-wide token sharing: a Redis (or Valkey) store in front of the token endpoint, so a
//! fleet of processes makes one token request per refresh window instead of one per process.
//!
//! The in-process cache stays the hot path: it asks its [`TokenSource`](crate::TokenSource)
//! only on a miss, at its refresh point, or after a 401. With a shared cache configured
//! ([`AuthenticatorBuilder::shared_cache`](crate::AuthenticatorBuilder::shared_cache), cargo
//! feature `redis`), that source is a decorator around the token endpoint which:
//!
//! 1. reads the fleet's entry; an entry not past the fleet refresh point is served (its
//!    wall-clock expiry converted to the local monotonic clock, minus a skew margin);
//! 2. otherwise takes a short lock (`SET NX PX`, random owner), re-reads, fetches from the
//!    token endpoint, publishes the new entry and releases the lock (owner-checked scripts);
//! 3. while another process holds the lock, polls for its entry for a bounded time, then
//!    fetches on its own;
//! 4. on any Redis error or timeout, fetches from the token endpoint as if Redis were not
//!    configured (counted in [`SharedStoreStats`], with a rate-limited WARN).
//!
//! Entries are encrypted and authenticated (XChaCha20-Poly1305 under a key derived with
//! HKDF-SHA256 from the client secret), under a key that hashes the token URL, client id,
//! sorted scopes and authentication method plus a one-way fingerprint of the secret, hash-tagged
//! so the token and lock keys share a Redis Cluster slot.

#[cfg(feature = "redis")]
mod config;
mod counters;
#[cfg(feature = "redis")]
mod crypto;
#[cfg(feature = "redis")]
mod key;
#[cfg(feature = "redis")]
mod lock;
#[cfg(feature = "redis")]
mod source;
#[cfg(feature = "redis")]
mod store;
#[cfg(feature = "redis")]
mod warn;

use std::sync::Arc;

#[cfg(feature = "redis")]
pub use config::SharedCache;
pub(crate) use counters::SharedCounters;
pub use counters::SharedStoreStats;

use crate::credentials::Credentials;
use crate::error::ConfigError;
use crate::policy::RefreshPolicy;
use crate::source::TokenSource;
use crate::stats::Counters;

/// Checks that a token cache URL is `redis://` or `rediss://` with a host. The reason never
/// quotes the URL (it may carry a password).
pub(crate) fn check_cache_url(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url.trim()).map_err(|error| {
        format!("not a URL ({error}); expected redis://host:port or rediss://host:port")
    })?;
    if !matches!(parsed.scheme(), "redis" | "rediss") {
        return Err(format!(
            "scheme {:?} is not supported; use redis:// or rediss:// (TLS)",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("the URL has no host; expected redis://host:port".into());
    }
    Ok(())
}

/// The shared cache an [`AuthenticatorBuilder`](crate::AuthenticatorBuilder) was given (always
/// empty without the `redis` feature).
#[derive(Default)]
pub(crate) struct SharedSetting {
    #[cfg(feature = "redis")]
    pub(crate) cache: Option<SharedCache>,
}

impl SharedSetting {
    /// `source` alone, or wrapped in the shared store when one is configured.
    pub(crate) fn wrap<S: TokenSource>(
        self,
        source: S,
        credentials: &Credentials,
        counters: &Arc<Counters>,
        policy: &RefreshPolicy,
    ) -> Result<Arc<dyn TokenSource>, ConfigError> {
        #[cfg(feature = "redis")]
        if let Some(cache) = self.cache {
            let shared =
                source::SharedTokenSource::new(source, cache, credentials, counters, *policy)?;
            return Ok(Arc::new(shared));
        }
        let _ = (credentials, counters, policy);
        Ok(Arc::new(source))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_urls() {
        for good in [
            "redis://127.0.0.1:6379",
            "rediss://cache.internal:6380/2",
            "redis://:pw@h",
        ] {
            assert_eq!(check_cache_url(good), Ok(()), "{good}");
        }
        for bad in ["http://h:6379", "h:6379", "redis://", "unix:///tmp/r.sock"] {
            let reason = check_cache_url(bad).unwrap_err();
            assert!(!reason.contains("pw"), "{reason}");
        }
        let reason = check_cache_url("memcached://user:hunter2@h").unwrap_err();
        assert!(!reason.contains("hunter2"), "{reason}");
    }
}
