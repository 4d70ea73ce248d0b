//! Every number of the token policy, with its default and the reason for it: when a token is
//! refreshed and stops being used ([`RefreshPolicy`], here), and how the token endpoint is
//! retried ([`RetryPolicy`], in `retry`).

mod retry;

pub use retry::RetryPolicy;

use std::fmt;
use std::time::Duration;

use crate::error::ConfigError;

/// A source of randomness in `[0, 1)` for jitter. The default is `fastrand::f64`; tests
/// inject a constant to assert exact instants.
pub type JitterFn = fn() -> f64;

/// When a token is refreshed, how long it is used, and what happens after a failed fetch.
///
/// Timeline of a token of lifetime `L`, measured on the monotonic clock from the moment its
/// request was sent:
///
/// ```text
/// 0 ──── fresh ────▶ refresh point ── usable (one background refresh) ──▶ deadline ── dead ──▶ L
///                    = deadline − lead − jitter                           = L − margin
/// ```
///
/// Defaults, and why (every token request is billed):
/// * **margin** `min(2 % of L, 5 s)`: the token stops being used this long before it expires,
///   enough for a request in flight to reach the API while the token is still valid. A
///   one-hour token is used for 3595 s, a 2 s token for 1.96 s.
/// * **lead** `min(3 % of L, 60 s)` plus a random **jitter** of up to `min(3 % of L, 30 s)`:
///   the background refresh starts this long before the deadline. For a one-hour token that
///   is 60 to 90 s before the deadline, about 60 attempts of the outage cadence below for a
///   refresh to succeed while callers keep the current token, and it costs at most
///   1.027 token requests per hour per process (a lazy cache needs 1.0, refreshing at 75 %
///   needed 1.33). The jitter keeps a fleet started together from refreshing in lockstep.
/// * after a **transient** failure (a 5xx, 408, 429, timeout, connection failure, a lost or
///   abandoned fetch), the next fetch is due after the **outage retry interval**, 950 ms
///   jittered down by up to 10 %: about one token request per second while no token can be
///   had, and a token within a second of the endpoint coming back, however long the outage.
///   A `Retry-After` the endpoint sent is honoured, capped by [`RetryPolicy::max_retry_after`].
/// * after a **permanent** failure (`invalid_client`, `invalid_scope`, an unusable answer...),
///   nothing changes without a configuration change: the next fetch waits **1 s**, doubling
///   per consecutive failure up to **30 s** (each delay jittered down by up to half).
/// * a caller waits for a token at most **30 s** ([`max_wait`](Self::max_wait)), even when a
///   custom token source never answers: the fetch is then abandoned with a typed timeout and
///   the next call starts a new one.
/// * a 401 evicts the rejected token at most once per **5 s**: if the API keeps rejecting
///   brand-new tokens, a new token would not help and each would be billed.
#[derive(Clone, Copy)]
pub struct RefreshPolicy {
    margin_fraction: f64,
    max_margin: Duration,
    lead_fraction: f64,
    max_lead: Duration,
    jitter_fraction: f64,
    max_jitter: Duration,
    outage_retry_interval: Duration,
    failure_backoff: Duration,
    max_failure_backoff: Duration,
    min_reject_interval: Duration,
    max_wait: Option<Duration>,
    jitter: JitterFn,
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        Self {
            margin_fraction: 0.02,
            max_margin: Duration::from_secs(5),
            lead_fraction: 0.03,
            max_lead: Duration::from_secs(60),
            jitter_fraction: 0.03,
            max_jitter: Duration::from_secs(30),
            outage_retry_interval: Duration::from_millis(950),
            failure_backoff: Duration::from_secs(1),
            max_failure_backoff: Duration::from_secs(30),
            min_reject_interval: Duration::from_secs(5),
            max_wait: Some(Duration::from_secs(30)),
            jitter: fastrand::f64,
        }
    }
}

impl fmt::Debug for RefreshPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshPolicy")
            .field("margin", &(self.margin_fraction, self.max_margin))
            .field("lead", &(self.lead_fraction, self.max_lead))
            .field("jitter", &(self.jitter_fraction, self.max_jitter))
            .field("outage_retry_interval", &self.outage_retry_interval)
            .field(
                "failure_backoff",
                &(self.failure_backoff, self.max_failure_backoff),
            )
            .field("min_reject_interval", &self.min_reject_interval)
            .field("max_wait", &self.max_wait)
            .finish()
    }
}

/// The instants of one token's life, as offsets from when its request was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Schedule {
    /// From here on, the first caller starts one background refresh.
    pub(crate) refresh_at: Duration,
    /// From here on, the token is no longer handed out.
    pub(crate) usable_until: Duration,
}

impl RefreshPolicy {
    /// Safety margin before expiry after which a token is no longer used: `fraction` of the
    /// lifetime, at most `max` (defaults 0.02 and 5 s).
    pub fn expiry_margin(mut self, fraction: f64, max: Duration) -> Self {
        self.margin_fraction = fraction;
        self.max_margin = max;
        self
    }

    /// How long before the deadline the background refresh starts: `fraction` of the
    /// lifetime, at most `max` (defaults 0.03 and 60 s), plus the jitter.
    pub fn refresh_lead(mut self, fraction: f64, max: Duration) -> Self {
        self.lead_fraction = fraction;
        self.max_lead = max;
        self
    }

    /// Random extra lead: up to `fraction` of the lifetime, at most `max` (defaults 0.03 and
    /// 30 s). `0.0` disables it.
    pub fn jitter(mut self, fraction: f64, max: Duration) -> Self {
        self.jitter_fraction = fraction;
        self.max_jitter = max;
        self
    }

    /// The random source of every jitter, returning values in `[0, 1)` (default
    /// `fastrand::f64`). Tests pass a constant to assert exact instants.
    pub fn jitter_source(mut self, jitter: JitterFn) -> Self {
        self.jitter = jitter;
        self
    }

    /// Wait after a transient failure before the next fetch (default 950 ms, jittered down by
    /// up to 10 %).
    pub fn outage_retry_interval(mut self, interval: Duration) -> Self {
        self.outage_retry_interval = interval;
        self
    }

    /// Wait after a permanent failure before the next fetch (`initial`, doubling per
    /// consecutive failure up to `max`; defaults 1 s and 30 s).
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

    /// Longest a caller waits for a token, and longest one fetch may run (default 30 s).
    /// `None` removes the bound: only for tests that run on a paused Tokio clock while
    /// waiting on real I/O, where any pending timer makes the clock jump ahead.
    pub fn max_wait(mut self, max_wait: Option<Duration>) -> Self {
        self.max_wait = max_wait;
        self
    }

    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        let fraction = |f: f64| f.is_finite() && (0.0..=1.0).contains(&f);
        if !fraction(self.margin_fraction) || self.margin_fraction == 1.0 {
            return Err(ConfigError::InvalidPolicy(
                "expiry margin fraction must be in [0, 1)",
            ));
        }
        if !fraction(self.lead_fraction) {
            return Err(ConfigError::InvalidPolicy(
                "refresh lead fraction must be in [0, 1]",
            ));
        }
        if !fraction(self.jitter_fraction) {
            return Err(ConfigError::InvalidPolicy(
                "jitter fraction must be in [0, 1]",
            ));
        }
        if self.max_wait.is_some_and(|wait| wait.is_zero()) {
            return Err(ConfigError::InvalidPolicy("max wait must be above zero"));
        }
        Ok(())
    }

    fn draw(&self) -> f64 {
        let value = (self.jitter)();
        if value.is_finite() {
            value.clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    /// When a token of this lifetime is refreshed and until when it is used.
    pub(crate) fn schedule(&self, lifetime: Duration) -> Schedule {
        let margin = lifetime.mul_f64(self.margin_fraction).min(self.max_margin);
        let usable_until = lifetime.saturating_sub(margin);
        let lead = lifetime.mul_f64(self.lead_fraction).min(self.max_lead);
        let jitter = lifetime
            .mul_f64(self.jitter_fraction)
            .min(self.max_jitter)
            .mul_f64(self.draw());
        Schedule {
            refresh_at: usable_until.saturating_sub(lead + jitter),
            usable_until,
        }
    }

    /// The refresh point of a token shared by a fleet: [`schedule`](Self::schedule) without
    /// the jitter (one process refreshes for all of them).
    #[cfg(feature = "redis")]
    pub(crate) fn fleet_refresh_after(&self, lifetime: Duration) -> Duration {
        Self {
            jitter: || 0.0,
            ..*self
        }
        .schedule(lifetime)
        .refresh_at
    }

    /// Wait before the next fetch after `consecutive` failures ending with one of this kind.
    pub(crate) fn backoff(&self, transient: bool, consecutive: u32) -> Duration {
        if transient {
            return self.outage_retry_interval.mul_f64(1.0 - 0.1 * self.draw());
        }
        let exponent = consecutive.saturating_sub(1).min(31);
        self.failure_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_failure_backoff)
            .mul_f64(1.0 - 0.5 * self.draw())
    }

    pub(crate) fn min_reject_interval_value(&self) -> Duration {
        self.min_reject_interval
    }

    pub(crate) fn max_wait_value(&self) -> Option<Duration> {
        self.max_wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(jitter: JitterFn) -> RefreshPolicy {
        RefreshPolicy::default().jitter_source(jitter)
    }

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    #[test]
    fn schedule_of_a_two_second_token() {
        let none = exact(|| 0.0).schedule(secs(2.0));
        assert_eq!(none.usable_until, secs(1.96));
        assert_eq!(none.refresh_at, secs(1.90));
        let full = exact(|| 1.0).schedule(secs(2.0));
        assert_eq!(full.usable_until, secs(1.96));
        assert_eq!(full.refresh_at, secs(1.84));
    }

    #[test]
    fn schedule_of_a_one_minute_token() {
        let none = exact(|| 0.0).schedule(secs(60.0));
        assert_eq!(none.usable_until, secs(58.8));
        assert_eq!(none.refresh_at, secs(57.0));
        let half = exact(|| 0.5).schedule(secs(60.0));
        assert_eq!(half.refresh_at, secs(56.1));
    }

    #[test]
    fn schedule_of_a_one_hour_token() {
        let none = exact(|| 0.0).schedule(secs(3600.0));
        assert_eq!(none.usable_until, secs(3595.0));
        assert_eq!(none.refresh_at, secs(3535.0));
        let full = exact(|| 1.0).schedule(secs(3600.0));
        assert_eq!(full.refresh_at, secs(3505.0));
        // At most 1.05 token requests per hour per process, even with the largest jitter.
        assert!(3600.0 / full.refresh_at.as_secs_f64() < 1.03);
    }

    #[test]
    fn schedule_of_degenerate_lifetimes() {
        let policy = exact(|| 0.5);
        assert_eq!(
            policy.schedule(Duration::ZERO),
            Schedule {
                refresh_at: Duration::ZERO,
                usable_until: Duration::ZERO
            }
        );
        let one_ms = policy.schedule(Duration::from_millis(1));
        assert!(one_ms.refresh_at <= one_ms.usable_until);
    }

    #[test]
    fn jitter_out_of_range_is_clamped() {
        let wild = exact(|| f64::NAN).schedule(secs(60.0));
        assert_eq!(wild.refresh_at, secs(57.0));
        let big = exact(|| 7.0).schedule(secs(60.0));
        assert_eq!(big.refresh_at, secs(55.2));
    }

    #[test]
    fn transient_failures_retry_about_once_a_second() {
        assert_eq!(exact(|| 0.0).backoff(true, 1), Duration::from_millis(950));
        assert_eq!(exact(|| 1.0).backoff(true, 1), Duration::from_millis(855));
        // However many failures came before.
        assert_eq!(exact(|| 0.0).backoff(true, 60), Duration::from_millis(950));
    }

    #[test]
    fn permanent_failures_back_off_doubling_to_a_cap() {
        let policy = exact(|| 0.0);
        assert_eq!(policy.backoff(false, 1), Duration::from_secs(1));
        assert_eq!(policy.backoff(false, 3), Duration::from_secs(4));
        assert_eq!(policy.backoff(false, 40), Duration::from_secs(30));
        assert_eq!(exact(|| 1.0).backoff(false, 3), Duration::from_secs(2));
    }

    #[test]
    fn policy_validation() {
        assert!(RefreshPolicy::default().validate().is_ok());
        for bad in [
            RefreshPolicy::default().expiry_margin(1.0, Duration::ZERO),
            RefreshPolicy::default().expiry_margin(f64::NAN, Duration::ZERO),
            RefreshPolicy::default().refresh_lead(1.5, Duration::ZERO),
            RefreshPolicy::default().jitter(-0.1, Duration::ZERO),
            RefreshPolicy::default().max_wait(Some(Duration::ZERO)),
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
    }
}
