//! Counters a user can read (each token request is billed).

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) token_requests: AtomicU64,
    pub(crate) fetches: AtomicU64,
    pub(crate) fetch_failures: AtomicU64,
    pub(crate) cache_hits: AtomicU64,
    pub(crate) waits: AtomicU64,
    pub(crate) background_refreshes: AtomicU64,
    pub(crate) refresh_failures: AtomicU64,
    pub(crate) unauthorized_retries: AtomicU64,
    pub(crate) shared_store: crate::shared::SharedCounters,
}

impl Counters {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> Stats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Stats {
            token_requests: get(&self.token_requests),
            fetches: get(&self.fetches),
            fetch_failures: get(&self.fetch_failures),
            cache_hits: get(&self.cache_hits),
            waits: get(&self.waits),
            background_refreshes: get(&self.background_refreshes),
            refresh_failures: get(&self.refresh_failures),
            unauthorized_retries: get(&self.unauthorized_retries),
            shared_store: self.shared_store.snapshot(),
        }
    }
}

/// A snapshot of an [`Authenticator`](crate::Authenticator)'s counters, from
/// [`Authenticator::stats`](crate::Authenticator::stats).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Stats {
    /// The fleet-wide token cache's counters (all zero without one).
    pub shared_store: crate::SharedStoreStats,
    /// HTTP requests sent to the token endpoint, retries included (what the provider bills).
    /// Always 0 with a custom [`TokenSource`](crate::TokenSource).
    pub token_requests: u64,
    /// Token fetches started (each may make several HTTP requests when retrying).
    pub fetches: u64,
    /// Token fetches that failed.
    pub fetch_failures: u64,
    /// Requests served from the cache without waiting.
    pub cache_hits: u64,
    /// Requests that had to wait for a fetch (no usable token was cached).
    pub waits: u64,
    /// Fetches started in the background while the cached token was still usable.
    pub background_refreshes: u64,
    /// Background refreshes that failed (the old token kept being served).
    pub refresh_failures: u64,
    /// API requests re-sent once with a new token after a 401.
    pub unauthorized_retries: u64,
}
