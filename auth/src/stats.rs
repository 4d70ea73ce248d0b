//! Counters a user can read (each token request is billed).

use std::sync::atomic::{AtomicU64, Ordering};

/// One counter: read through [`Stats`], and with the `metrics` feature also exported through
/// the [`metrics`](https://docs.rs/metrics) facade under `name`.
#[derive(Debug)]
pub(crate) struct Counter {
    value: AtomicU64,
    #[cfg_attr(not(feature = "metrics"), allow(dead_code))]
    name: &'static str,
}

impl Counter {
    const fn named(name: &'static str) -> Self {
        Self {
            value: AtomicU64::new(0),
            name,
        }
    }

    pub(crate) fn bump(&self) {
        self.value.fetch_add(1, Ordering::Relaxed);
        #[cfg(feature = "metrics")]
        metrics::counter!(self.name).increment(1);
    }

    fn get(&self) -> u64 {
        self.value.load(Ordering::Relaxed)
    }
}

/// The names the counters are exported under with the `metrics` feature (Prometheus style:
/// `_total` counters, prefixed `nxtsoft_auth_`).
pub const METRIC_NAMES: [&str; 8] = [
    "nxtsoft_auth_token_requests_total",
    "nxtsoft_auth_fetches_total",
    "nxtsoft_auth_fetch_failures_total",
    "nxtsoft_auth_cache_hits_total",
    "nxtsoft_auth_waits_total",
    "nxtsoft_auth_background_refreshes_total",
    "nxtsoft_auth_refresh_failures_total",
    "nxtsoft_auth_unauthorized_retries_total",
];

#[derive(Debug)]
pub(crate) struct Counters {
    pub(crate) token_requests: Counter,
    pub(crate) fetches: Counter,
    pub(crate) fetch_failures: Counter,
    pub(crate) cache_hits: Counter,
    pub(crate) waits: Counter,
    pub(crate) background_refreshes: Counter,
    pub(crate) refresh_failures: Counter,
    pub(crate) unauthorized_retries: Counter,
    pub(crate) shared_store: crate::shared::SharedCounters,
}

impl Default for Counters {
    fn default() -> Self {
        Self {
            token_requests: Counter::named(METRIC_NAMES[0]),
            fetches: Counter::named(METRIC_NAMES[1]),
            fetch_failures: Counter::named(METRIC_NAMES[2]),
            cache_hits: Counter::named(METRIC_NAMES[3]),
            waits: Counter::named(METRIC_NAMES[4]),
            background_refreshes: Counter::named(METRIC_NAMES[5]),
            refresh_failures: Counter::named(METRIC_NAMES[6]),
            unauthorized_retries: Counter::named(METRIC_NAMES[7]),
            shared_store: crate::shared::SharedCounters::default(),
        }
    }
}

impl Counters {
    pub(crate) fn snapshot(&self) -> Stats {
        Stats {
            token_requests: self.token_requests.get(),
            fetches: self.fetches.get(),
            fetch_failures: self.fetch_failures.get(),
            cache_hits: self.cache_hits.get(),
            waits: self.waits.get(),
            background_refreshes: self.background_refreshes.get(),
            refresh_failures: self.refresh_failures.get(),
            unauthorized_retries: self.unauthorized_retries.get(),
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
