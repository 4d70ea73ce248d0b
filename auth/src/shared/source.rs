//! [`SharedTokenSource`]: the decorator that puts the fleet's store in front of a token source.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::future::BoxFuture;
use sha2::{Digest as _, Sha256};
use tokio::time::Instant;

use super::config::SharedCache;
use super::counters::SharedCounters;
use super::crypto::{Entry, Sealer};
use super::key::Keys;
use super::lock::{new_owner, poll_interval};
use super::store::{Store, StoreError};
use super::warn::RateLimitedWarn;
use crate::credentials::Credentials;
use crate::error::{Chain, ConfigError, TokenError};
use crate::policy::RefreshPolicy;
use crate::source::{FetchedToken, TokenSource};
use crate::stats::Counters;
use crate::token::AccessToken;

/// Rejected tokens remembered (by hash), so a stale copy in Redis is never served again.
const REJECTED_KEPT: usize = 8;
/// At most one WARN per this interval for Redis trouble, and one for invalid entries.
const WARN_INTERVAL: Duration = Duration::from_secs(10);

/// A [`TokenSource`] that shares the tokens of `inner` across a fleet through Redis.
pub(crate) struct SharedTokenSource<S> {
    inner: S,
    core: Arc<Core>,
}

/// What the spawned 401 clean-up needs too.
struct Core {
    store: Store,
    keys: Keys,
    sealer: Sealer,
    config: SharedCache,
    /// Where the fleet refresh point comes from, unless the cache overrides it.
    policy: RefreshPolicy,
    counters: Arc<Counters>,
    rejected: Mutex<VecDeque<[u8; 32]>>,
    store_warn: RateLimitedWarn,
    entry_warn: RateLimitedWarn,
}

/// What the store holds for us right now.
enum Look {
    /// A token before the fleet refresh point: serve it.
    Fresh(FetchedToken),
    /// Nothing usable (no entry, expired, past the refresh point, invalid or rejected).
    Stale,
}

impl<S: TokenSource> SharedTokenSource<S> {
    pub(crate) fn new(
        inner: S,
        config: SharedCache,
        credentials: &Credentials,
        counters: &Arc<Counters>,
        policy: RefreshPolicy,
    ) -> Result<Self, ConfigError> {
        config.validate()?;
        let store = Store::new(config.url_str(), config.timeout).map_err(|error| {
            ConfigError::InvalidUrl {
                what: "token cache URL",
                reason: format!("the redis client refused it ({:?})", error.kind()),
            }
        })?;
        let keys = Keys::derive(credentials);
        let sealer = Sealer::new(credentials, &keys);
        Ok(Self {
            inner,
            core: Arc::new(Core {
                store,
                keys,
                sealer,
                config,
                policy,
                counters: Arc::clone(counters),
                rejected: Mutex::new(VecDeque::with_capacity(REJECTED_KEPT)),
                store_warn: RateLimitedWarn::new(WARN_INTERVAL),
                entry_warn: RateLimitedWarn::new(WARN_INTERVAL),
            }),
        })
    }

    async fn fetch_shared(&self) -> Result<FetchedToken, TokenError> {
        let core = &*self.core;
        let give_up_at = Instant::now() + core.config.lock_wait;
        let mut first = true;
        loop {
            match core.look().await {
                Ok(Look::Fresh(token)) => {
                    SharedCounters::bump(&core.shared().hits);
                    return Ok(token);
                }
                Ok(Look::Stale) => {}
                Err(error) => return self.fall_back(&error).await,
            }
            if first {
                SharedCounters::bump(&core.shared().misses);
            }
            let owner = new_owner();
            match core
                .store
                .try_lock(&core.keys.lock, &owner, core.config.lock_ttl)
                .await
            {
                Ok(true) => return self.fetch_as_owner(&owner).await,
                Ok(false) => {}
                Err(error) => return self.fall_back(&error).await,
            }
            if first {
                SharedCounters::bump(&core.shared().lock_waits);
                tracing::debug!("another process is fetching the fleet's token; waiting for it");
                first = false;
            }
            if Instant::now() >= give_up_at {
                SharedCounters::bump(&core.shared().fallbacks);
                tracing::warn!(
                    waited_ms = core.config.lock_wait.as_millis() as u64,
                    "the fleet's token fetch did not finish in time; fetching on our own"
                );
                let fetched = self.inner.fetch().await?;
                // Publish for the others; the lock stays with its holder.
                return Ok(core.publish(fetched, &owner).await);
            }
            tokio::time::sleep(poll_interval()).await;
        }
    }

    /// Holding the lock: re-check, fetch, publish, release.
    async fn fetch_as_owner(&self, owner: &str) -> Result<FetchedToken, TokenError> {
        let core = &*self.core;
        if let Ok(Look::Fresh(token)) = core.look().await {
            core.release(owner).await;
            SharedCounters::bump(&core.shared().hits);
            return Ok(token);
        }
        let fetched = match self.inner.fetch().await {
            Ok(fetched) => fetched,
            Err(error) => {
                core.release(owner).await;
                return Err(error);
            }
        };
        Ok(core.publish(fetched, owner).await)
    }

    async fn fall_back(&self, error: &StoreError) -> Result<FetchedToken, TokenError> {
        let core = &*self.core;
        SharedCounters::bump(&core.shared().errors);
        SharedCounters::bump(&core.shared().fallbacks);
        core.warn_store(error);
        self.inner.fetch().await
    }
}

impl Core {
    fn shared(&self) -> &SharedCounters {
        &self.counters.shared_store
    }

    fn warn_store(&self, error: &StoreError) {
        if let Some(events) = self.store_warn.due() {
            tracing::warn!(
                error = %Chain(error),
                events,
                "token cache (Redis) unavailable; using the token endpoint directly"
            );
        }
    }

    /// Reads and judges the fleet's entry.
    async fn look(&self) -> Result<Look, StoreError> {
        let Some(bytes) = self.store.get(&self.keys.token).await? else {
            return Ok(Look::Stale);
        };
        let entry = match self.sealer.open(&bytes) {
            Ok(entry) => entry,
            Err(error) => {
                SharedCounters::bump(&self.shared().invalid_entries);
                if let Some(events) = self.entry_warn.due() {
                    tracing::warn!(%error, events, "ignoring the token cache entry");
                }
                return Ok(Look::Stale);
            }
        };
        if self.was_rejected(&entry.token) {
            // A token the API refused is still stored: remove it (only if unchanged).
            match self.store.delete_if(&self.keys.token, &bytes).await {
                Ok(true) => SharedCounters::bump(&self.shared().revocations),
                Ok(false) => {}
                Err(error) => {
                    SharedCounters::bump(&self.shared().errors);
                    self.warn_store(&error);
                }
            }
            return Ok(Look::Stale);
        }
        let now = wall_ms();
        let margin = self
            .config
            .clock_skew
            .min(Duration::from_millis(entry.expires_ms.saturating_sub(entry.issued_ms)) / 10);
        let usable_until = entry.expires_ms.saturating_sub(margin.as_millis() as u64);
        if now >= entry.refresh_ms || now >= usable_until {
            return Ok(Look::Stale);
        }
        let local = Instant::now();
        let lifetime = Duration::from_millis(usable_until - now);
        let refresh_in = Duration::from_millis(entry.refresh_ms - now);
        Ok(Look::Fresh(
            FetchedToken::new(entry.token, lifetime)
                .with_requested_at(local)
                .with_refresh_at(local + refresh_in),
        ))
    }

    /// Publishes a token this process fetched, releases the lock, and returns the token with
    /// the fleet refresh point set.
    async fn publish(&self, fetched: FetchedToken, owner: &str) -> FetchedToken {
        let lifetime = fetched.lifetime();
        let age = fetched.requested_at().elapsed();
        let issued_ms = wall_ms().saturating_sub(age.as_millis() as u64);
        let refresh_after = match self.config.refresh_fraction {
            Some(fraction) => lifetime.mul_f64(fraction),
            None => self.policy.fleet_refresh_after(lifetime),
        };
        let entry = Entry {
            token: fetched.token().clone(),
            issued_ms,
            refresh_ms: issued_ms + refresh_after.as_millis() as u64,
            expires_ms: issued_ms + lifetime.as_millis() as u64,
        };
        let refresh_at = fetched.requested_at() + refresh_after;
        let ttl = lifetime.saturating_sub(age);
        let published = match self.sealer.seal(&entry) {
            Some(sealed) if !ttl.is_zero() => {
                self.store
                    .publish_and_release(&self.keys.token, &sealed, ttl, &self.keys.lock, owner)
                    .await
            }
            _ => {
                self.release(owner).await;
                return fetched.with_refresh_at(refresh_at);
            }
        };
        match published {
            Ok(()) => SharedCounters::bump(&self.shared().publishes),
            Err(error) => {
                SharedCounters::bump(&self.shared().errors);
                self.warn_store(&error);
            }
        }
        fetched.with_refresh_at(refresh_at)
    }

    async fn release(&self, owner: &str) {
        if let Err(error) = self
            .store
            .delete_if(&self.keys.lock, owner.as_bytes())
            .await
        {
            SharedCounters::bump(&self.shared().errors);
            self.warn_store(&error);
        }
    }

    fn was_rejected(&self, token: &AccessToken) -> bool {
        let hash = token_hash(token);
        self.rejected
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&hash)
    }

    fn remember_rejected(&self, token: &AccessToken) {
        let mut rejected = self.rejected.lock().unwrap_or_else(PoisonError::into_inner);
        if rejected.len() >= REJECTED_KEPT {
            rejected.pop_front();
        }
        rejected.push_back(token_hash(token));
    }

    /// Removes `token` from the store if the store still holds it.
    async fn forget(&self, token: &AccessToken) {
        let bytes = match self.store.get(&self.keys.token).await {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return,
            Err(error) => {
                SharedCounters::bump(&self.shared().errors);
                self.warn_store(&error);
                return;
            }
        };
        let Ok(entry) = self.sealer.open(&bytes) else {
            return;
        };
        if entry.token != *token {
            return; // a newer token: keep it
        }
        match self.store.delete_if(&self.keys.token, &bytes).await {
            Ok(true) => {
                SharedCounters::bump(&self.shared().revocations);
                tracing::info!("removed the rejected token from the token cache");
            }
            Ok(false) => {}
            Err(error) => {
                SharedCounters::bump(&self.shared().errors);
                self.warn_store(&error);
            }
        }
    }
}

impl<S: TokenSource> TokenSource for SharedTokenSource<S> {
    fn fetch(&self) -> BoxFuture<'_, Result<FetchedToken, TokenError>> {
        Box::pin(self.fetch_shared())
    }

    fn rejected(&self, token: &AccessToken) {
        self.inner.rejected(token);
        self.core.remember_rejected(token);
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return; // the next fetch still skips and removes it
        };
        let core = Arc::clone(&self.core);
        let token = token.clone();
        runtime.spawn(async move { core.forget(&token).await });
    }
}

fn token_hash(token: &AccessToken) -> [u8; 32] {
    Sha256::digest(token.expose_secret().as_bytes()).into()
}

/// Milliseconds since the Unix epoch (0 for a clock set before 1970).
fn wall_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
