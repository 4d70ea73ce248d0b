//! How one token fetch is retried: [`RetryPolicy`].

use std::time::Duration;

/// Retries within one token fetch: exponential backoff with full jitter, honouring
/// `Retry-After`, within an overall deadline. Only 408, 429, 5xx, connection failures and
/// timeouts are retried; permanent OAuth errors never are.
///
/// Defaults: 3 attempts, backoff drawn from `[0, 250 ms · 2^(n-1)]` capped at 5 s, 20 s
/// overall deadline, 10 s per attempt. After a fetch has failed, the next fetches make one
/// attempt each until one succeeds: the [`RefreshPolicy`](super::RefreshPolicy)'s outage cadence spaces them.
///
/// **`Retry-After`** (seconds or an HTTP date) is capped at [`max_retry_after`](Self::max_retry_after),
/// **60 s** by default, whatever form it takes: one answer from a misbehaving endpoint or proxy
/// must not stop token fetching for hours (an uncapped far-future date would, for good). A
/// capped wait that fits in the deadline is waited out within the fetch; a longer one ends
/// the fetch, and the cache waits that long before the next. For comparison, the AWS SDKs'
/// standard retry mode caps a backoff at 20 s and gRPC's connection backoff at 120 s; 60 s
/// honours a throttling endpoint's usual one-minute windows and stays well inside a
/// one-hour token's refresh lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    deadline: Duration,
    attempt_timeout: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
            deadline: Duration::from_secs(20),
            attempt_timeout: Some(Duration::from_secs(10)),
        }
    }
}

impl RetryPolicy {
    /// Total attempts per fetch, first one included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Backoff before the first retry (upper bound of the jitter range) and its cap.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The cap of every `Retry-After`, in either form (default 60 s).
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Overall deadline of one fetch, retries and waits included.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Timeout of each HTTP attempt (clamped to what is left of the deadline). `None` leaves
    /// it to the HTTP client's own timeout, and the deadline is then only checked between
    /// attempts.
    pub fn attempt_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// The configured number of attempts per fetch.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    pub(crate) fn retry_after_cap(&self) -> Duration {
        self.max_retry_after
    }

    pub(crate) fn deadline_value(&self) -> Duration {
        self.deadline
    }

    pub(crate) fn attempt_timeout_value(&self) -> Option<Duration> {
        self.attempt_timeout
    }

    pub(crate) fn jittered_backoff(&self, retry: u32) -> Duration {
        let ceiling = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)))
            .min(self.max_backoff);
        ceiling.mul_f64(fastrand::f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_backoff_is_bounded_and_grows() {
        let policy =
            RetryPolicy::default().backoff(Duration::from_millis(100), Duration::from_secs(1));
        for _ in 0..200 {
            assert!(policy.jittered_backoff(1) <= Duration::from_millis(100));
            assert!(policy.jittered_backoff(3) <= Duration::from_millis(400));
            assert!(policy.jittered_backoff(30) <= Duration::from_secs(1));
        }
    }
}
