//! Shared-store counters, read through [`Stats::shared_store`](crate::Stats::shared_store).

use std::sync::atomic::{AtomicU64, Ordering};

/// The live counters (one set per authenticator).
#[derive(Debug, Default)]
pub(crate) struct SharedCounters {
    pub(crate) hits: AtomicU64,
    pub(crate) misses: AtomicU64,
    pub(crate) errors: AtomicU64,
    pub(crate) lock_waits: AtomicU64,
    pub(crate) fallbacks: AtomicU64,
    pub(crate) publishes: AtomicU64,
    pub(crate) invalid_entries: AtomicU64,
    pub(crate) revocations: AtomicU64,
}

impl SharedCounters {
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> SharedStoreStats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        SharedStoreStats {
            hits: get(&self.hits),
            misses: get(&self.misses),
            errors: get(&self.errors),
            lock_waits: get(&self.lock_waits),
            fallbacks: get(&self.fallbacks),
            publishes: get(&self.publishes),
            invalid_entries: get(&self.invalid_entries),
            revocations: get(&self.revocations),
        }
    }
}

/// Counters of the fleet-wide token cache (all zero when none is configured). The in-process
/// cache consults the shared store only when it needs a token, so these count token needs, not
/// API requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SharedStoreStats {
    /// Tokens served from the shared store (no token request made by this process).
    pub hits: u64,
    /// Token needs the shared store could not serve at once (no entry, or past the fleet
    /// refresh point).
    pub misses: u64,
    /// Redis commands that failed or timed out.
    pub errors: u64,
    /// Token needs that found another process fetching and waited for its token.
    pub lock_waits: u64,
    /// Token fetched from the token endpoint without the fleet lock: Redis failed, or another
    /// process held the lock longer than the configured wait.
    pub fallbacks: u64,
    /// Tokens this process published to the shared store.
    pub publishes: u64,
    /// Entries ignored because they did not decrypt and authenticate (tampered, or written
    /// under another secret) or did not parse.
    pub invalid_entries: u64,
    /// Rejected (401) tokens this process removed from the shared store.
    pub revocations: u64,
}
