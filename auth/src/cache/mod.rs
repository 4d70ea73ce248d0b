//! The token cache: refresh-ahead, single flight for fetches and failures, failure backoff,
//! bounded waits, and eviction of a token the API rejected.
//!
//! When a token is fresh, usable or dead is decided by one pure function,
//! [`Cached::freshness`], on instants computed once by [`RefreshPolicy::schedule`]:
//! * fresh: served from the cache (one read lock, one header clone);
//! * refresh due: still served; the first caller starts ONE background fetch and nobody waits;
//! * dead: callers wait on a single shared fetch, at most the policy's `max_wait`.
//!
//! A fetch runs in a spawned task. Callers await a shared handle to it, so a caller that is
//! dropped never cancels the fetch. Whatever happens to the task (it finishes, fails, panics,
//! or is dropped unpolled because its runtime shut down), its in-flight marker is cleared: a
//! guard owned by the task's future does it on drop. A failed fetch is remembered for a
//! backoff: during it, callers with no usable token get that same error at once, with the
//! time of the next attempt, and no new request is made.

mod state;

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use futures::FutureExt as _;
use http::HeaderValue;
use tokio::time::Instant;
use tracing::Instrument as _;

use crate::error::{AuthError, Chain, TokenError};
use crate::policy::RefreshPolicy;
use crate::source::{FetchedToken, TokenSource};
use crate::stats::Counters;

pub(crate) use self::state::Cached;
use self::state::{
    Decision, Failure, FetchFailure, Freshness, Inflight, Outcome, SharedFetch, State,
};

pub(crate) struct Cache {
    state: RwLock<State>,
    source: Arc<dyn TokenSource>,
    policy: RefreshPolicy,
    counters: Arc<Counters>,
}

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
    pub(crate) async fn header(self: &Arc<Self>) -> Result<HeaderValue, AuthError> {
        if let Some(cached) = self.read().servable_without_work(Instant::now()) {
            self.counters.cache_hits.bump();
            return Ok(cached.token.header_value().clone());
        }
        self.header_slow().await
    }

    async fn header_slow(self: &Arc<Self>) -> Result<HeaderValue, AuthError> {
        // A fetch abandoned by its runtime is joined again once: the second round starts a
        // new fetch on this caller's runtime.
        let mut rounds = 0;
        loop {
            rounds += 1;
            let (id, fetch) = match self.decide(Instant::now()) {
                Decision::Serve(header) => {
                    self.counters.cache_hits.bump();
                    return Ok(header);
                }
                Decision::Fail(failure) => return Err(failure.to_auth_error(Instant::now())),
                Decision::Wait(id, fetch) => (id, fetch),
            };
            if rounds == 1 {
                self.counters.waits.bump();
            }
            // The fetch task bounds itself to `max_wait`; this is the net for a task whose
            // runtime stopped making progress.
            let outcome = match self.policy.max_wait_value() {
                Some(max_wait) => {
                    let net = max_wait + Duration::from_secs(1);
                    match tokio::time::timeout(net, fetch).await {
                        Ok(outcome) => outcome,
                        Err(_) => {
                            self.abandon(id);
                            let error = TokenError::FetchTimedOut { waited: net };
                            return Err(AuthError::new(Arc::new(error), None));
                        }
                    }
                }
                None => fetch.await,
            };
            match outcome {
                Ok(cached) => return Ok(cached.token.header_value().clone()),
                Err(failure) if rounds == 1 && matches!(*failure.error, TokenError::Abandoned) => {
                    continue;
                }
                Err(failure) => return Err(failure.to_auth_error(Instant::now())),
            }
        }
    }

    fn decide(self: &Arc<Self>, now: Instant) -> Decision {
        let mut state = self.write();
        if let Some(cached) = state.current.clone() {
            match cached.freshness(now) {
                Freshness::Fresh => return Decision::Serve(cached.token.header_value().clone()),
                Freshness::RefreshDue => {
                    if state.inflight.is_none() && !state.failure_blocks(now) {
                        tracing::debug!(
                            "token past its refresh point; refreshing in the background"
                        );
                        self.counters.background_refreshes.bump();
                        // The handle is kept in the state; nobody waits on it.
                        if let Err(failure) = self.start_fetch(&mut state, true) {
                            tracing::warn!(error = %Chain(&*failure.error), "background refresh not started");
                        }
                    }
                    return Decision::Serve(cached.token.header_value().clone());
                }
                Freshness::Dead => state.current = None,
            }
        }
        if let Some(inflight) = &state.inflight {
            return Decision::Wait(inflight.id, inflight.future.clone());
        }
        if let Some(failure) = state.failure.as_ref().filter(|f| now < f.retry_at) {
            return Decision::Fail(FetchFailure {
                error: Arc::clone(&failure.error),
                retry_at: Some(failure.retry_at),
            });
        }
        match self.start_fetch(&mut state, false) {
            Ok((id, fetch)) => Decision::Wait(id, fetch),
            Err(failure) => Decision::Fail(failure),
        }
    }

    /// Starts a fetch in a spawned task and records it as in flight.
    fn start_fetch(
        self: &Arc<Self>,
        state: &mut State,
        background: bool,
    ) -> Result<(u64, SharedFetch), FetchFailure> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
            FetchFailure::unscheduled(TokenError::Internal("no Tokio runtime is running"))
        })?;
        let id = state.next_id;
        state.next_id += 1;
        self.counters.fetches.bump();
        let span = if background {
            tracing::info_span!("nxtsoft_auth.background_refresh", fetch = id)
        } else {
            tracing::info_span!("nxtsoft_auth.fetch", fetch = id)
        };
        // Owned by the task's future from here on: dropped with it, even if it is never
        // polled, so the in-flight marker cannot outlive the task.
        let guard = FinishGuard {
            cache: Arc::clone(self),
            id,
            armed: true,
        };
        let task = async move {
            let mut guard = guard;
            let cache = Arc::clone(&guard.cache);
            let fetch = std::panic::AssertUnwindSafe(cache.source.fetch()).catch_unwind();
            let bounded = match cache.policy.max_wait_value() {
                Some(max_wait) => tokio::time::timeout(max_wait, fetch)
                    .await
                    .map_err(|_| TokenError::FetchTimedOut { waited: max_wait }),
                None => Ok(fetch.await),
            };
            let result = match bounded {
                Ok(Ok(Ok(fetched))) => cache.accept(fetched),
                Ok(Ok(Err(error))) => Err(error),
                Ok(Err(_panic)) => Err(TokenError::Internal("the token source panicked")),
                Err(timed_out) => Err(timed_out),
            };
            guard.armed = false;
            cache.finish(id, result)
        };
        let join = runtime.spawn(task.instrument(span));
        let future = async move {
            join.await.unwrap_or_else(|error| {
                Err(FetchFailure::unscheduled(if error.is_panic() {
                    TokenError::Internal("the token source panicked")
                } else {
                    TokenError::Abandoned
                }))
            })
        }
        .boxed()
        .shared();
        state.inflight = Some(Inflight {
            id,
            future: future.clone(),
        });
        Ok((id, future))
    }

    /// Schedules a fetched token; refuses one that is already past its usable deadline.
    fn accept(&self, fetched: FetchedToken) -> Result<Cached, TokenError> {
        let schedule = self.policy.schedule(fetched.lifetime());
        let start = fetched.requested_at();
        let at = |offset: Duration| start.checked_add(offset).unwrap_or(start);
        let computed_refresh = at(schedule.refresh_at);
        let cached = Cached {
            // A shared store may ask for an earlier, fleet-wide refresh point.
            refresh_at: fetched
                .refresh_at()
                .map_or(computed_refresh, |hint| hint.min(computed_refresh)),
            usable_until: at(schedule.usable_until),
            token: fetched.token().clone(),
        };
        let now = Instant::now();
        if cached.freshness(now) == Freshness::Dead {
            return Err(TokenError::ExpiredOnArrival {
                lifetime: fetched.lifetime(),
                took: now.saturating_duration_since(start),
            });
        }
        Ok(cached)
    }

    fn finish(&self, id: u64, result: Result<Cached, TokenError>) -> Outcome {
        let now = Instant::now();
        let mut state = self.write();
        if state.inflight.as_ref().is_some_and(|i| i.id == id) {
            state.inflight = None;
        }
        match result {
            Ok(cached) => {
                tracing::info!(
                    refresh_in_secs = cached
                        .refresh_at
                        .saturating_duration_since(now)
                        .as_secs_f64(),
                    usable_for_secs = cached
                        .usable_until
                        .saturating_duration_since(now)
                        .as_secs_f64(),
                    "access token cached"
                );
                let cached = Arc::new(cached);
                state.current = Some(Arc::clone(&cached));
                state.failure = None;
                Ok(cached)
            }
            Err(error) => {
                self.counters.fetch_failures.bump();
                let kept_old = state
                    .current
                    .as_ref()
                    .is_some_and(|c| c.freshness(now) != Freshness::Dead);
                if kept_old {
                    self.counters.refresh_failures.bump();
                }
                let consecutive = state.failure.as_ref().map_or(1, |f| f.consecutive + 1);
                let backoff = self
                    .policy
                    .backoff(error.is_retryable(), consecutive)
                    .max(error.retry_after().unwrap_or_default());
                tracing::warn!(
                    error = %Chain(&error),
                    consecutive,
                    kept_old_token = kept_old,
                    next_attempt_in_ms = backoff.as_millis() as u64,
                    "token fetch failed"
                );
                let error = Arc::new(error);
                let retry_at = now + backoff;
                state.failure = Some(Failure {
                    error: Arc::clone(&error),
                    retry_at,
                    consecutive,
                });
                Err(FetchFailure {
                    error,
                    retry_at: Some(retry_at),
                })
            }
        }
    }

    /// Forgets fetch `id` if it is still the one in flight: the next caller starts anew.
    fn abandon(&self, id: u64) {
        let mut state = self.write();
        if state.inflight.as_ref().is_some_and(|i| i.id == id) {
            tracing::warn!(
                fetch = id,
                "token fetch abandoned: it ended without finishing"
            );
            state.inflight = None;
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
            now.saturating_duration_since(last) < self.policy.min_reject_interval_value()
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
                .field("refresh_in", &c.refresh_at.saturating_duration_since(now))
                .field("usable_for", &c.usable_until.saturating_duration_since(now)),
            None => s.field("token", &None::<()>),
        };
        s.field("fetch_in_flight", &state.inflight.is_some());
        if let Some(failure) = &state.failure {
            s.field("last_failure", &failure.error.to_string())
                .field("consecutive_failures", &failure.consecutive)
                .field(
                    "next_attempt_in",
                    &failure.retry_at.saturating_duration_since(now),
                );
        }
        s.finish()
    }
}

/// Ends a fetch whose task was dropped before it finished (unpolled or mid-way, because its
/// runtime shut down): the in-flight marker goes, and nothing is remembered, so the next call
/// simply starts a new fetch. (A panicking token source is caught inside the task and
/// remembered as a failure like any other.)
struct FinishGuard {
    cache: Arc<Cache>,
    id: u64,
    armed: bool,
}

impl Drop for FinishGuard {
    fn drop(&mut self) {
        if self.armed {
            self.cache.abandon(self.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::AccessToken;

    fn cached(refresh_in: u64, usable_for: u64) -> (Cached, Instant) {
        let now = Instant::now();
        let token = AccessToken::new("t").unwrap();
        let at = |s: u64| now + Duration::from_secs(s);
        (
            Cached {
                token,
                refresh_at: at(refresh_in),
                usable_until: at(usable_for),
            },
            now,
        )
    }

    #[test]
    fn freshness_is_decided_by_the_two_instants() {
        let (token, now) = cached(10, 20);
        let after = |s: u64| now + Duration::from_secs(s);
        assert_eq!(token.freshness(now), Freshness::Fresh);
        assert_eq!(token.freshness(after(9)), Freshness::Fresh);
        assert_eq!(token.freshness(after(10)), Freshness::RefreshDue);
        assert_eq!(token.freshness(after(19)), Freshness::RefreshDue);
        assert_eq!(token.freshness(after(20)), Freshness::Dead);
    }
}
