//! One scenario run: workers getting a token over and over until the run's deadline, each
//! call tallied as it ends, and the figures of the run.

use std::ops::Range;
use std::sync::Mutex;
use std::time::Duration;

use hdrhistogram::Histogram;
use http::HeaderValue;
use nxtsoft_auth::Authenticator;
use tokio::time::Instant;

use super::endpoint::TokenEndpoint;
use crate::bench::BenchError;
use crate::bench::measure::{histogram, micros, nanos};
use crate::bench::server::lock;

/// A call slower than this waited on the token endpoint (a cached token takes microseconds,
/// the endpoint 20 ms).
pub(crate) const SLOW: Duration = Duration::from_millis(5);

/// Each worker's pause between two calls: "calling continuously" without spinning a core
/// (Tokio's timer granularity).
const PAUSE: Duration = Duration::from_millis(1);

/// How much later than the client the loopback server may start counting a token's lifetime.
/// The server counts from when the token request arrived, the client from when it sent it:
/// a fraction of a millisecond earlier on loopback, a few milliseconds when a shared machine
/// deschedules the server thread. An error this close to "expiry − margin" is not counted as
/// early (the distance itself is reported, see [`Figures::first_fail_from_expiry_ms`]).
const TRANSIT_ALLOWANCE: Duration = Duration::from_millis(5);

/// The instants a run is judged against, fixed before it starts.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// The workers start.
    pub(crate) start: Instant,
    /// No call starts from here on.
    pub(crate) deadline: Instant,
    /// The token endpoint answers `503` to requests sent within this range.
    pub(crate) outage: Option<Range<Instant>>,
    /// The default refresh policy's expiry margin for this run's tokens.
    pub(crate) margin: Duration,
}

/// One scenario's figures (latencies on the run's clock: virtual on a paused clock).
#[derive(Debug, Clone, Default)]
pub(crate) struct Figures {
    /// Token requests the endpoint received, refused ones included.
    pub(crate) token_requests: u64,
    /// Token requests it refused with `503`.
    pub(crate) refused: u64,
    /// Calls for a token.
    pub(crate) calls: u64,
    /// Median time to get a token (or an error).
    pub(crate) p50_us: f64,
    /// 99th percentile of it.
    pub(crate) p99_us: f64,
    /// Its maximum.
    pub(crate) max_us: f64,
    /// Calls that took longer than [`SLOW`].
    pub(crate) slow: u64,
    /// Calls that got an error.
    pub(crate) errors: u64,
    /// Calls handed a token at or after its expiry by the endpoint's count (or a token the
    /// endpoint never issued).
    pub(crate) expired: u64,
    /// The first failing call's end, in ms from the outage's start (from the run's start
    /// without an outage).
    pub(crate) first_fail_ms: Option<f64>,
    /// The last failing call's end, in ms from the outage's end (from the run's start
    /// without an outage).
    pub(crate) last_fail_ms: Option<f64>,
    /// Calls that waited on a fetch, by the authenticator's count.
    pub(crate) waits: u64,
    /// Of those, the calls that began after the first token was handed out.
    pub(crate) waits_after_first_token: Option<u64>,
    /// Failing calls that ended before "expiry − margin" of the token handed out last before
    /// the outage began (`None` without such a token).
    pub(crate) errors_before_margin: Option<u64>,
    /// When the first failing call ended, in ms from that token's expiry (negative: before).
    pub(crate) first_fail_from_expiry_ms: Option<f64>,
    /// The first token handed out after the outage ended, in ms from its end.
    pub(crate) recovery_ms: Option<f64>,
}

/// What the workers saw so far, updated call by call.
struct Tally {
    latencies: Histogram<u64>,
    calls: u64,
    slow: u64,
    errors: u64,
    expired: u64,
    first_error: Option<Instant>,
    last_error: Option<Instant>,
    /// The authenticator's wait count when the first token was handed out.
    cold_waits: Option<u64>,
    /// The expiry of the token handed out last before the outage began.
    valid_at_outage: Option<Instant>,
    errors_before_margin: u64,
    /// The first token handed out after the outage ended.
    recovered: Option<Instant>,
}

/// Runs `workers` callers of `authenticator` from now until `plan.deadline` and returns what
/// they got. The workers share this task (the authenticator spawns its fetches).
pub(crate) async fn drive(
    plan: &Plan,
    workers: usize,
    authenticator: &Authenticator,
    endpoint: &dyn TokenEndpoint,
) -> Result<Figures, BenchError> {
    let tally = Mutex::new(Tally::new()?);
    let worker = || async {
        while Instant::now() < plan.deadline {
            let asked = Instant::now();
            let header = authenticator.header_value().await.ok();
            let done = Instant::now();
            let call = Call {
                header: header.as_ref(),
                took: done.saturating_duration_since(asked),
                done,
            };
            lock(&tally).record(plan, endpoint, authenticator, call);
            tokio::time::sleep(PAUSE).await;
        }
    };
    futures::future::join_all((0..workers).map(|_| worker())).await;
    let tally = tally.into_inner().map_err(|_| {
        BenchError::Failed("a policy worker panicked while recording a call".into())
    })?;
    Ok(tally.figures(plan, endpoint, authenticator))
}

/// One call for a token, as it ended.
struct Call<'a> {
    header: Option<&'a HeaderValue>,
    took: Duration,
    done: Instant,
}

impl Tally {
    /// Nothing seen yet.
    fn new() -> Result<Self, BenchError> {
        Ok(Self {
            latencies: histogram()?,
            calls: 0,
            slow: 0,
            errors: 0,
            expired: 0,
            first_error: None,
            last_error: None,
            cold_waits: None,
            valid_at_outage: None,
            errors_before_margin: 0,
            recovered: None,
        })
    }

    /// Tallies one call.
    fn record(
        &mut self,
        plan: &Plan,
        endpoint: &dyn TokenEndpoint,
        authenticator: &Authenticator,
        call: Call<'_>,
    ) {
        self.calls += 1;
        self.latencies.saturating_record(nanos(call.took));
        if call.took > SLOW {
            self.slow += 1;
        }
        match call.header {
            Some(header) => {
                let expiry = endpoint.expiry(header);
                self.served(plan, authenticator, expiry, call.done);
            }
            None => self.failed(plan, call.done),
        }
    }

    /// A call was handed a token expiring at `expiry` (by the endpoint's count).
    fn served(
        &mut self,
        plan: &Plan,
        authenticator: &Authenticator,
        expiry: Option<Instant>,
        done: Instant,
    ) {
        if expiry.is_none_or(|expiry| done >= expiry) {
            self.expired += 1;
        }
        if self.cold_waits.is_none() {
            self.cold_waits = Some(authenticator.stats().waits);
        }
        let Some(outage) = &plan.outage else { return };
        if done < outage.start {
            self.valid_at_outage = expiry;
        } else if done >= outage.end && self.recovered.is_none() {
            self.recovered = Some(done);
        }
    }

    /// A call got an error.
    fn failed(&mut self, plan: &Plan, done: Instant) {
        self.errors += 1;
        self.first_error.get_or_insert(done);
        self.last_error = Some(done);
        let early = self
            .valid_at_outage
            .is_some_and(|expiry| done + plan.margin + TRANSIT_ALLOWANCE < expiry);
        if early {
            self.errors_before_margin += 1;
        }
    }

    /// The run's figures, with the endpoint's and the authenticator's counters.
    fn figures(
        &self,
        plan: &Plan,
        endpoint: &dyn TokenEndpoint,
        authenticator: &Authenticator,
    ) -> Figures {
        let waits = authenticator.stats().waits;
        let (from_start, from_end) = match &plan.outage {
            Some(outage) => (outage.start, outage.end),
            None => (plan.start, plan.start),
        };
        Figures {
            token_requests: endpoint.requests(),
            refused: endpoint.refused(),
            calls: self.calls,
            p50_us: micros(&self.latencies, 0.50),
            p99_us: micros(&self.latencies, 0.99),
            max_us: self.latencies.max() as f64 / 1000.0,
            slow: self.slow,
            errors: self.errors,
            expired: self.expired,
            first_fail_ms: self.first_error.map(|at| offset_ms(at, from_start)),
            last_fail_ms: self.last_error.map(|at| offset_ms(at, from_end)),
            waits,
            waits_after_first_token: self.cold_waits.map(|cold| waits.saturating_sub(cold)),
            errors_before_margin: self.valid_at_outage.map(|_| self.errors_before_margin),
            first_fail_from_expiry_ms: self
                .valid_at_outage
                .zip(self.first_error)
                .map(|(expiry, first)| offset_ms(first, expiry)),
            recovery_ms: plan
                .outage
                .as_ref()
                .zip(self.recovered)
                .map(|(outage, at)| offset_ms(at, outage.end)),
        }
    }
}

/// `at − from` in milliseconds, negative when `at` comes first.
fn offset_ms(at: Instant, from: Instant) -> f64 {
    let after = at.saturating_duration_since(from).as_secs_f64();
    let before = from.saturating_duration_since(at).as_secs_f64();
    (after - before) * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::policy::endpoint::InProcess;

    #[test]
    fn offsets_are_signed() {
        let now = Instant::now();
        let later = now + Duration::from_millis(1500);
        assert_eq!(offset_ms(later, now), 1500.0);
        assert_eq!(offset_ms(now, later), -1500.0);
    }

    /// With no outage every call is served, only the cold start waits, and no token is
    /// handed out expired, on a paused clock (2 s tokens, 5 s).
    #[tokio::test(start_paused = true)]
    async fn a_quiet_run_is_tallied() {
        let endpoint = InProcess::new(Duration::from_secs(2), Duration::from_millis(20));
        let authenticator = endpoint.authenticator();
        let start = Instant::now();
        let plan = Plan {
            start,
            deadline: start + Duration::from_secs(5),
            outage: None,
            margin: Duration::from_millis(40),
        };
        let figures = drive(&plan, 4, &authenticator, &*endpoint).await.unwrap();
        assert_eq!((figures.errors, figures.expired), (0, 0), "{figures:?}");
        assert_eq!(figures.slow, 4, "only the 4 cold calls wait: {figures:?}");
        assert_eq!(figures.waits_after_first_token, Some(0));
        assert!((3..=4).contains(&figures.token_requests), "{figures:?}");
        assert_eq!(figures.errors_before_margin, None);
        assert_eq!(figures.recovery_ms, None);
    }

    /// An outage from the start: errors during it, none before (no token was valid), and a
    /// token within a second of its end.
    #[tokio::test(start_paused = true)]
    async fn an_outage_without_a_token_is_tallied() {
        let endpoint = InProcess::new(Duration::from_secs(3600), Duration::from_millis(20));
        let authenticator = endpoint.authenticator();
        let start = Instant::now();
        let outage = start..start + Duration::from_secs(3);
        endpoint.set_outage(outage.clone());
        let plan = Plan {
            start,
            deadline: start + Duration::from_secs(5),
            outage: Some(outage),
            margin: Duration::from_secs(5),
        };
        let figures = drive(&plan, 2, &authenticator, &*endpoint).await.unwrap();
        assert!(figures.errors > 0);
        assert_eq!(figures.first_fail_ms, Some(20.0), "{figures:?}");
        assert!(figures.last_fail_ms.is_some_and(|ms| ms < 1000.0));
        assert!(
            figures
                .recovery_ms
                .is_some_and(|ms| (0.0..1000.0).contains(&ms))
        );
        assert_eq!(figures.errors_before_margin, None);
        assert_eq!(figures.refused, figures.token_requests - 1);
    }
}
