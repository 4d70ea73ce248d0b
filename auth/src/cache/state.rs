//! What the cache holds: a token and the instants of its life ([`Cached`], with the one
//! freshness decision), the fetch in flight, the remembered failure, and what a caller on the
//! slow path does.

use std::sync::Arc;

use futures::future::{BoxFuture, Shared};
use http::HeaderValue;
use tokio::time::Instant;

use crate::error::{AuthError, TokenError};
use crate::token::AccessToken;

/// A cached token and the instants of its life.
pub(crate) struct Cached {
    pub(super) token: AccessToken,
    pub(super) refresh_at: Instant,
    pub(super) usable_until: Instant,
}

/// Where a cached token stands at some instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Freshness {
    /// Served; nothing else to do.
    Fresh,
    /// Still served, and a background refresh is due.
    RefreshDue,
    /// Past its usable deadline: never handed out again.
    Dead,
}

impl Cached {
    /// The one decision both the fast and the slow path make.
    pub(crate) fn freshness(&self, now: Instant) -> Freshness {
        if now < self.refresh_at {
            Freshness::Fresh
        } else if now < self.usable_until {
            Freshness::RefreshDue
        } else {
            Freshness::Dead
        }
    }
}

/// A failed fetch as its callers see it: the error, and when the next fetch may start.
#[derive(Clone)]
pub(super) struct FetchFailure {
    pub(super) error: Arc<TokenError>,
    pub(super) retry_at: Option<Instant>,
}

impl FetchFailure {
    pub(super) fn unscheduled(error: TokenError) -> Self {
        Self {
            error: Arc::new(error),
            retry_at: None,
        }
    }

    pub(super) fn to_auth_error(&self, now: Instant) -> AuthError {
        AuthError::new(
            Arc::clone(&self.error),
            self.retry_at.map(|at| at.saturating_duration_since(now)),
        )
    }
}

pub(super) type Outcome = Result<Arc<Cached>, FetchFailure>;
pub(super) type SharedFetch = Shared<BoxFuture<'static, Outcome>>;

pub(super) struct Inflight {
    pub(super) id: u64,
    pub(super) future: SharedFetch,
}

pub(super) struct Failure {
    pub(super) error: Arc<TokenError>,
    pub(super) retry_at: Instant,
    pub(super) consecutive: u32,
}

#[derive(Default)]
pub(super) struct State {
    pub(super) current: Option<Arc<Cached>>,
    pub(super) inflight: Option<Inflight>,
    pub(super) failure: Option<Failure>,
    pub(super) last_rejection: Option<Instant>,
    pub(super) next_id: u64,
}

impl State {
    pub(super) fn failure_blocks(&self, now: Instant) -> bool {
        self.failure.as_ref().is_some_and(|f| now < f.retry_at)
    }

    /// A fresh token, or one whose refresh is already under way or held back by a backoff.
    pub(super) fn servable_without_work(&self, now: Instant) -> Option<&Cached> {
        let cached = self.current.as_deref()?;
        match cached.freshness(now) {
            Freshness::Fresh => Some(cached),
            Freshness::RefreshDue if self.inflight.is_some() || self.failure_blocks(now) => {
                Some(cached)
            }
            _ => None,
        }
    }
}

/// What a caller on the slow path does.
pub(super) enum Decision {
    Serve(HeaderValue),
    Fail(FetchFailure),
    Wait(u64, SharedFetch),
}
