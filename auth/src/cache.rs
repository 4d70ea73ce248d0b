//! The token cache: refresh-ahead, single flight for fetches and failures, failure backoff,
//! and eviction of a token the API rejected.
//!
//! Timeline of a token of lifetime `L`, measured on the monotonic clock from the moment its
//! request was sent:
//!
//! ```text
//! 0 ─────────── fresh ───────────▶ 0.75·L − jitter ── usable, refreshed in the background ──▶ L − margin ── expired ──▶ L
//! ```
//!
//! * fresh: served from the cache (one read lock, one header clone);
//! * usable: still served; the first caller starts ONE background fetch and nobody waits;
//! * past the hard deadline `L − margin`: callers wait on a single shared fetch.
//!
//! A fetch runs in a spawned task. Callers await a shared handle to it, so a caller that is
//! dropped never cancels the fetch or leaves the cache in a half state. A failed fetch is
//! remembered for a backoff: during it, callers with no usable token get that same error at
//! once, and no new request is made.

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use futures::FutureExt as _;
use futures::future::{BoxFuture, Shared};
use http::HeaderValue;
use tokio::time::Instant;
use tracing::Instrument as _;

use crate::error::{Chain, ConfigError, TokenError};
use crate::source::{FetchedToken, TokenSource};
use crate::stats::Counters;
use crate::token::AccessToken;

/// When to refresh a token, how long to keep using it, and how long to wait after failures.
///
/// Defaults, and why:
/// * refresh ahead at **75 %** of the lifetime, minus a random jitter of up to **5 %** of the
///   lifetime (at most 60 s), so a fleet started together does not refresh in lockstep. For a
///   one-hour token that leaves 14–15 minutes for a background refresh to succeed;
/// * hard deadline **`min(10 % of lifetime, 30 s)`** before expiry: enough for a request in
///   flight to reach the API with the token still valid, scaled down for short lifetimes
///   (a 10 s token is used for 9 s);
/// * after a failed fetch, no new fetch for **1 s**, doubling per consecutive failure up to
///   **30 s** (each delay jittered down by up to half), and never sooner than a
///   `Retry-After` the token endpoint sent;
/// * a 401 evicts the rejected token at most once per **5 s**: if the API keeps rejecting
///   brand-new tokens, a new token would not help and each would be billed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RefreshPolicy {
    refresh_fraction: f64,
    jitter_fraction: f64,
    max_jitter: Duration,
    margin_fraction: f64,
    max_margin: Duration,
    failure_backoff: Duration,
    max_failure_backoff: Duration,
    min_reject_interval: Duration,
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        Self {
            refresh_fraction: 0.75,
            jitter_fraction: 0.05,
            max_jitter: Duration::from_secs(60),
            margin_fraction: 0.10,
            max_margin: Duration::from_secs(30),
            failure_backoff: Duration::from_secs(1),
            max_failure_backoff: Duration::from_secs(30),
            min_reject_interval: Duration::from_secs(5),
        }
    }
}

impl RefreshPolicy {
    /// Fraction of the lifetime after which a background refresh starts (default 0.75).
    pub fn refresh_fraction(mut self, fraction: f64) -> Self {
        self.refresh_fraction = fraction;
        self
    }

    /// Random jitter subtracted from the refresh time: up to `fraction` of the lifetime,
    /// at most `max` (defaults 0.05 and 60 s). `0.0` disables it.
    pub fn jitter(mut self, fraction: f64, max: Duration) -> Self {
        self.jitter_fraction = fraction;
        self.max_jitter = max;
        self
    }

    /// Safety margin before expiry after which a token is no longer used: `fraction` of the
    /// lifetime, at most `max` (defaults 0.10 and 30 s).
    pub fn expiry_margin(mut self, fraction: f64, max: Duration) -> Self {
        self.margin_fraction = fraction;
        self.max_margin = max;
        self
    }

    /// Wait after a failed fetch before the next one (`initial`, doubling per consecutive
    /// failure up to `max`; defaults 1 s and 30 s).
    pub fn failure_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.failure_backoff = initial;
        self.max_failure_backoff = max.max(initial);
        self
    }

    /// Minimum time between two 401-triggered evictions (default 5 s).
    pub fn min_reject_interval(mut self, interval: Duration) -> Self {
        self.min_reject_interval = interval;
        self
    }

    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        let fraction = |f: f64| f.is_finite() && (0.0..=1.0).contains(&f);
        if !fraction(self.refresh_fraction) || self.refresh_fraction == 0.0 {
            return Err(ConfigError::InvalidPolicy(
                "refresh fraction must be in (0, 1]",
            ));
        }
        if !fraction(self.jitter_fraction) {
            return Err(ConfigError::InvalidPolicy(
                "jitter fraction must be in [0, 1]",
            ));
        }
        if !fraction(self.margin_fraction) || self.margin_fraction == 1.0 {
            return Err(ConfigError::InvalidPolicy(
                "expiry margin fraction must be in [0, 1)",
            ));
        }
        Ok(())
    }

    /// Fresh-until and usable-until offsets for a token of this lifetime.
    pub(crate) fn windows(&self, lifetime: Duration) -> (Duration, Duration) {
        let margin = lifetime.mul_f64(self.margin_fraction).min(self.max_margin);
        let usable = lifetime.saturating_sub(margin);
        let jitter = lifetime
            .mul_f64(self.jitter_fraction)
            .min(self.max_jitter)
            .mul_f64(fastrand::f64());
        let fresh = lifetime
            .mul_f64(self.refresh_fraction)
            .saturating_sub(jitter)
            .min(usable);
        (fresh, usable)
    }

    fn backoff_after(&self, consecutive_failures: u32) -> Duration {
        let exponent = consecutive_failures.saturating_sub(1).min(31);
        let full = self
            .failure_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_failure_backoff);
        full.mul_f64(0.5 + 0.5 * fastrand::f64())
    }
}

struct Cached {
    token: AccessToken,
    fresh_until: Instant,
    usable_until: Instant,
}

type Outcome = Result<Arc<Cached>, Arc<TokenError>>;
type SharedFetch = Shared<BoxFuture<'static, Outcome>>;

struct Inflight {
    id: u64,
    future: SharedFetch,
}

struct Failure {
    error: Arc<TokenError>,
    retry_at: Instant,
    consecutive: u32,
}

#[derive(Default)]
struct State {
    current: Option<Arc<Cached>>,
    inflight: Option<Inflight>,
    failure: Option<Failure>,
    last_rejection: Option<Instant>,
    next_id: u64,
}

impl State {
    fn failure_blocks(&self, now: Instant) -> bool {
        self.failure.as_ref().is_some_and(|f| now < f.retry_at)
    }
}

pub(crate) struct Cache {
    state: RwLock<State>,
    source: Arc<dyn TokenSource>,
    policy: RefreshPolicy,
    counters: Arc<Counters>,
}

const TASK_LOST: &str = "the token fetch task was cancelled or panicked";

impl Cache {
    pub(crate) fn new(
        source: Arc<dyn TokenSource>,
        policy: RefreshPolicy,
        counters: Arc<Counters>,
    ) -> Self {
        Self {
            state: RwLock::new(State::default()),
            source,
            policy,
            counters,
        }
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// The `Authorization` header value of a usable token, fetching one if needed.
    pub(crate) async fn header(self: &Arc<Self>) -> Result<HeaderValue, Arc<TokenError>> {
        let now = Instant::now();
        {
            let state = self.read();
            if let Some(cached) = &state.current
                && (now < cached.fresh_until
                    || (now < cached.usable_until
                        && (state.inflight.is_some() || state.failure_blocks(now))))
            {
                Counters::bump(&self.counters.cache_hits);
                return Ok(cached.token.header_value().clone());
            }
        }
        self.header_slow(now).await
    }

    async fn header_slow(self: &Arc<Self>, now: Instant) -> Result<HeaderValue, Arc<TokenError>> {
        let fetch = {
            let mut state = self.write();
            if let Some(cached) = state.current.clone() {
                if now < cached.usable_until {
                    if now >= cached.fresh_until
                        && state.inflight.is_none()
                        && !state.failure_blocks(now)
                    {
                        tracing::debug!(
                            "token past its refresh time; refreshing in the background"
                        );
                        Counters::bump(&self.counters.background_refreshes);
                        // The handle is kept in the state; nobody waits on it.
                        drop(self.start_fetch(&mut state, true));
                    }
                    Counters::bump(&self.counters.cache_hits);
                    return Ok(cached.token.header_value().clone());
                }
                state.current = None;
            }
            if let Some(inflight) = &state.inflight {
                inflight.future.clone()
            } else if let Some(failure) = state.failure.as_ref().filter(|f| now < f.retry_at) {
                return Err(Arc::clone(&failure.error));
            } else {
                self.start_fetch(&mut state, false)
            }
        };
        Counters::bump(&self.counters.waits);
        fetch
            .await
            .map(|cached| cached.token.header_value().clone())
    }

    /// Starts a fetch in a spawned task and records it as in flight.
    fn start_fetch(self: &Arc<Self>, state: &mut State, background: bool) -> SharedFetch {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            let error = Arc::new(TokenError::Internal("no Tokio runtime is running"));
            return futures::future::ready(Err(error)).boxed().shared();
        };
        let id = state.next_id;
        state.next_id += 1;
        Counters::bump(&self.counters.fetches);
        let span = if background {
            tracing::info_span!("nxtsoft_auth.background_refresh", fetch = id)
        } else {
            tracing::info_span!("nxtsoft_auth.fetch", fetch = id)
        };
        let cache = Arc::clone(self);
        let task = async move {
            let mut guard = FinishGuard {
                cache: Arc::clone(&cache),
                id,
                armed: true,
            };
            let outcome = match cache.source.fetch().await {
                Ok(fetched) => Ok(Arc::new(cache.schedule(fetched))),
                Err(error) => Err(Arc::new(error)),
            };
            guard.armed = false;
            cache.finish(id, &outcome);
            outcome
        };
        let join = runtime.spawn(task.instrument(span));
        let future = async move {
            join.await
                .unwrap_or_else(|_| Err(Arc::new(TokenError::Internal(TASK_LOST))))
        }
        .boxed()
        .shared();
        state.inflight = Some(Inflight {
            id,
            future: future.clone(),
        });
        future
    }

    fn schedule(&self, fetched: FetchedToken) -> Cached {
        let (fresh, usable) = self.policy.windows(fetched.lifetime());
        let start = fetched.requested_at_instant();
        let at = |offset: Duration| start.checked_add(offset).unwrap_or(start);
        Cached {
            fresh_until: fetched
                .refresh_at_instant()
                .map_or(at(fresh), |h| h.min(at(fresh))),
            usable_until: at(usable),
            token: fetched.token().clone(),
        }
    }

    fn finish(&self, id: u64, outcome: &Outcome) {
        let now = Instant::now();
        let mut state = self.write();
        if state.inflight.as_ref().is_some_and(|i| i.id == id) {
            state.inflight = None;
        }
        match outcome {
            Ok(cached) => {
                tracing::info!(
                    fresh_for_secs = cached
                        .fresh_until
                        .saturating_duration_since(now)
                        .as_secs_f64(),
                    usable_for_secs = cached
                        .usable_until
                        .saturating_duration_since(now)
                        .as_secs_f64(),
                    "access token cached"
                );
                state.current = Some(Arc::clone(cached));
                state.failure = None;
            }
            Err(error) => {
                Counters::bump(&self.counters.fetch_failures);
                let kept_old = state.current.as_ref().is_some_and(|c| now < c.usable_until);
                if kept_old {
                    Counters::bump(&self.counters.refresh_failures);
                }
                let consecutive = state.failure.as_ref().map_or(1, |f| f.consecutive + 1);
                let backoff = self
                    .policy
                    .backoff_after(consecutive)
                    .max(error.retry_after().unwrap_or_default());
                tracing::warn!(
                    error = %Chain(&**error),
                    consecutive,
                    kept_old_token = kept_old,
                    next_attempt_in_ms = backoff.as_millis() as u64,
                    "token fetch failed"
                );
                state.failure = Some(Failure {
                    error: Arc::clone(error),
                    retry_at: now + backoff,
                    consecutive,
                });
            }
        }
    }

    /// Evicts `rejected` if it is still the cached token (a newer one is kept). Returns
    /// whether it was evicted.
    pub(crate) fn evict(&self, rejected: &HeaderValue) -> bool {
        let now = Instant::now();
        let mut state = self.write();
        let is_current = state
            .current
            .as_ref()
            .is_some_and(|c| c.token.header_value() == rejected);
        if !is_current {
            return false;
        }
        if state.last_rejection.is_some_and(|last| {
            now.saturating_duration_since(last) < self.policy.min_reject_interval
        }) {
            tracing::warn!("API rejected the token again soon after an eviction; not evicting");
            return false;
        }
        tracing::info!("API rejected the cached token (401); evicting it");
        if let Some(evicted) = state.current.take() {
            self.source.rejected(&evicted.token);
        }
        state.last_rejection = Some(now);
        true
    }
}

impl fmt::Debug for Cache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let now = Instant::now();
        let state = self.read();
        let mut s = f.debug_struct("TokenCache");
        match &state.current {
            Some(c) => s
                .field("token", &"[REDACTED]")
                .field("fresh_for", &c.fresh_until.saturating_duration_since(now))
                .field("usable_for", &c.usable_until.saturating_duration_since(now)),
            None => s.field("token", &None::<()>),
        };
        s.field("fetch_in_flight", &state.inflight.is_some());
        if let Some(failure) = &state.failure {
            s.field("last_failure", &failure.error.to_string())
                .field("consecutive_failures", &failure.consecutive);
        }
        s.finish()
    }
}

/// Records a failure if the fetch task ends without finishing (panic in the source, or the
/// runtime shutting down), so the in-flight marker can never be left behind.
struct FinishGuard {
    cache: Arc<Cache>,
    id: u64,
    armed: bool,
}

impl Drop for FinishGuard {
    fn drop(&mut self) {
        if self.armed {
            self.cache
                .finish(self.id, &Err(Arc::new(TokenError::Internal(TASK_LOST))));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_scale_with_lifetime() {
        let policy = RefreshPolicy::default();
        let hour = Duration::from_secs(3600);
        for _ in 0..100 {
            let (fresh, usable) = policy.windows(hour);
            assert_eq!(usable, Duration::from_secs(3570));
            assert!(fresh <= Duration::from_secs(2700) && fresh >= Duration::from_secs(2640));
            let (fresh, usable) = policy.windows(Duration::from_secs(10));
            assert_eq!(usable, Duration::from_secs(9));
            assert!(fresh <= Duration::from_millis(7500) && fresh >= Duration::from_millis(7000));
        }
        assert_eq!(
            policy.windows(Duration::ZERO),
            (Duration::ZERO, Duration::ZERO)
        );
    }

    #[test]
    fn failure_backoff_doubles_with_cap() {
        let policy = RefreshPolicy::default();
        for _ in 0..100 {
            let b1 = policy.backoff_after(1);
            assert!(b1 >= Duration::from_millis(500) && b1 <= Duration::from_secs(1));
            let b3 = policy.backoff_after(3);
            assert!(b3 >= Duration::from_secs(2) && b3 <= Duration::from_secs(4));
            assert!(policy.backoff_after(40) <= Duration::from_secs(30));
        }
    }

    #[test]
    fn policy_validation() {
        assert!(RefreshPolicy::default().validate().is_ok());
        assert!(
            RefreshPolicy::default()
                .refresh_fraction(0.0)
                .validate()
                .is_err()
        );
        assert!(
            RefreshPolicy::default()
                .refresh_fraction(f64::NAN)
                .validate()
                .is_err()
        );
        assert!(
            RefreshPolicy::default()
                .jitter(1.5, Duration::ZERO)
                .validate()
                .is_err()
        );
        assert!(
            RefreshPolicy::default()
                .expiry_margin(1.0, Duration::ZERO)
                .validate()
                .is_err()
        );
    }
}
