//! The token-policy phase: `nxtsoft_auth`'s **default** [`RefreshPolicy`](nxtsoft_auth::RefreshPolicy),
//! untuned, against a token endpoint that takes 20 ms to answer and answers `503` during a
//! switchable outage. Four scenarios, each one [`Scenario`] run by one driver:
//!
//! 1. **rotation**: 2 s tokens, 20 s, 8 workers (target: token requests ≤ expiry windows + 1,
//!    no call waits on the token endpoint after the cold start, no expired token handed out);
//! 2. **outage while a token is valid**: 4 s tokens, the endpoint refuses for 4 s from 3.5 s in,
//!    before the token's refresh point (target: no caller error before the token's expiry
//!    minus the skew margin);
//! 3. **4 s outage without a token** (target: about one token request per second meanwhile,
//!    a token within 1 s of the endpoint coming back);
//! 4. **60 s outage without a token**, the same on Tokio's paused clock against an in-process
//!    token source (a minute of virtual time costs a fraction of a second).
//!
//! Scenarios 1 to 3 run in real time against the loopback server over HTTP, through the
//! client-credentials source with its default retry policy (so a first failing fetch makes up
//! to 3 attempts, later ones one each). "Getting a token" is
//! [`Authenticator::header_value`](nxtsoft_auth::Authenticator::header_value), the call that
//! yields the `Authorization` header of a request.
//!
//! - `endpoint`: the two token endpoints (loopback, in-process) behind one trait.
//! - `drive`: one run of one scenario and its figures.

mod drive;
mod endpoint;

use std::time::Duration;

use serde_json::{Value, json};
use tokio::time::Instant;

use self::drive::{Figures, Plan, SLOW, drive};
use self::endpoint::{InProcess, Loopback, TokenEndpoint};
use super::server::FixedServer;
use super::{Args, BenchError};

/// On which clock, and against which token endpoint, a scenario runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Clock {
    /// Real time, the loopback server's token endpoint over HTTP.
    Real,
    /// Tokio's paused clock on a runtime of its own, an in-process token source.
    Paused,
}

impl Clock {
    /// Its name in the table and the JSON figures.
    fn label(self) -> &'static str {
        match self {
            Clock::Real => "real",
            Clock::Paused => "paused",
        }
    }
}

/// When the token endpoint refuses, from the start of the run.
#[derive(Debug, Clone, Copy)]
struct Outage {
    /// When it starts.
    after: Duration,
    /// How long it lasts.
    lasts: Duration,
}

/// One scenario: everything the driver and the report need.
#[derive(Debug, Clone, Copy)]
struct Scenario {
    /// Its key in the JSON figures.
    key: &'static str,
    /// Its name in the table.
    title: &'static str,
    /// Lifetime of every token the endpoint issues.
    lifetime: Duration,
    /// How long the workers call.
    run: Duration,
    /// How many callers.
    workers: usize,
    /// When the token endpoint refuses, if ever.
    outage: Option<Outage>,
    /// On which clock, against which endpoint.
    clock: Clock,
}

/// Callers in every scenario.
const WORKERS: usize = 8;

/// The four scenarios; `--policy-rotation-secs` sets the length of the first.
fn scenarios(args: &Args) -> [Scenario; 4] {
    let secs = Duration::from_secs;
    let tokenless = |key, title, lasts: Duration, clock| Scenario {
        key,
        title,
        lifetime: secs(3600),
        run: lasts + secs(3),
        workers: WORKERS,
        outage: Some(Outage {
            after: Duration::ZERO,
            lasts,
        }),
        clock,
    };
    [
        Scenario {
            key: "rotation",
            title: "rotation, 2 s tokens",
            lifetime: secs(2),
            run: secs(args.policy_rotation_secs.max(1)),
            workers: WORKERS,
            outage: None,
            clock: Clock::Real,
        },
        // The refresh point of a 4 s token is at least 3.68 s in: the outage starts while the
        // first token is valid and before anyone tries to refresh it.
        Scenario {
            key: "outage_with_token",
            title: "4 s outage, token valid",
            lifetime: secs(4),
            run: secs(9) + Duration::from_millis(500),
            workers: WORKERS,
            outage: Some(Outage {
                after: Duration::from_millis(3500),
                lasts: secs(4),
            }),
            clock: Clock::Real,
        },
        tokenless("outage_4s", "4 s outage, no token", secs(4), Clock::Real),
        tokenless(
            "outage_60s",
            "60 s outage, no token",
            secs(60),
            Clock::Paused,
        ),
    ]
}

/// The default refresh policy's expiry margin for tokens of `lifetime`: 2 % of it, at most
/// 5 s (`RefreshPolicy` documents it but does not expose it).
fn default_margin(lifetime: Duration) -> Duration {
    lifetime.mul_f64(0.02).min(Duration::from_secs(5))
}

impl Scenario {
    /// Its instants, for a run starting `start`.
    fn plan(&self, start: Instant) -> Plan {
        Plan {
            start,
            deadline: start + self.run,
            outage: self
                .outage
                .map(|o| start + o.after..start + o.after + o.lasts),
            margin: default_margin(self.lifetime),
        }
    }

    /// Token lifetimes the run spans, rounded up.
    fn windows(&self) -> u64 {
        self.run
            .as_millis()
            .div_ceil(self.lifetime.as_millis().max(1))
            .try_into()
            .unwrap_or(u64::MAX)
    }
}

/// Runs the four scenarios, prints one table row each, and returns their figures.
pub(crate) async fn policy(args: &Args, server: &FixedServer) -> Result<Value, BenchError> {
    let latency = Duration::from_millis(args.token_delay_ms);
    println!(
        "\n== Token policy: default RefreshPolicy, token endpoint answering after {} ms ==",
        latency.as_millis()
    );
    println!("{}", header());
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for scenario in scenarios(args) {
        let figures = match scenario.clock {
            Clock::Real => real(scenario, server).await?,
            Clock::Paused => paused(scenario, latency).await?,
        };
        println!("{}", row(&scenario, &figures));
        notes.push(note(&scenario, &figures));
        rows.push(figures_json(&scenario, &figures));
    }
    for note in notes {
        println!("{note}");
    }
    Ok(json!({
        "policy": "defaults (v2: margin 2 %, lead 3 % + up to 3 % jitter, outage retry 950 ms)",
        "token_delay_ms": args.token_delay_ms,
        "workers": WORKERS,
        "slow_ms": SLOW.as_millis(),
        "scenarios": rows,
    }))
}

/// A real-time scenario against the loopback server.
async fn real(scenario: Scenario, server: &FixedServer) -> Result<Figures, BenchError> {
    let endpoint = Loopback::new(server, scenario.lifetime);
    let authenticator = endpoint.authenticator()?;
    run(scenario, &endpoint, &authenticator).await
}

/// A scenario on Tokio's paused clock: a current-thread runtime of its own (on a blocking
/// thread, as a runtime cannot be entered from inside another), and an in-process token source
/// that takes `latency` to answer. The runtime starts paused (`tokio::time::pause()` from its
/// first instant): pausing it later leaves the clock off the timer's millisecond grid, and
/// every sleep then lasts a millisecond longer.
async fn paused(scenario: Scenario, latency: Duration) -> Result<Figures, BenchError> {
    tokio::task::spawn_blocking(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .map_err(BenchError::Runtime)?;
        runtime.block_on(async {
            let endpoint = InProcess::new(scenario.lifetime, latency);
            let authenticator = endpoint.authenticator();
            run(scenario, &*endpoint, &authenticator).await
        })
    })
    .await?
}

/// The driver of every scenario: its outage is set, then its workers run.
async fn run(
    scenario: Scenario,
    endpoint: &dyn TokenEndpoint,
    authenticator: &nxtsoft_auth::Authenticator,
) -> Result<Figures, BenchError> {
    let plan = scenario.plan(Instant::now());
    if let Some(outage) = &plan.outage {
        endpoint.set_outage(outage.clone());
    }
    drive(&plan, scenario.workers, authenticator, endpoint).await
}

/// The table's header line.
fn header() -> String {
    format!(
        "{:<26} {:>6} {:>7} {:>7} {:>8} {:>8} {:>9} {:>6} {:>6} {:>7} {:>11} {:>10}",
        "scenario",
        "clock",
        "tok.req",
        "calls",
        "p50 µs",
        "p99 µs",
        "max µs",
        ">5 ms",
        "errors",
        "expired",
        "first fail",
        "last fail"
    )
}

/// The scenario's table row.
fn row(scenario: &Scenario, f: &Figures) -> String {
    format!(
        "{:<26} {:>6} {:>7} {:>7} {:>8.1} {:>8.1} {:>9.1} {:>6} {:>6} {:>7} {:>11} {:>10}",
        scenario.title,
        scenario.clock.label(),
        f.token_requests,
        f.calls,
        f.p50_us,
        f.p99_us,
        f.max_us,
        f.slow,
        f.errors,
        f.expired,
        signed_ms(f.first_fail_ms),
        signed_ms(f.last_fail_ms),
    )
}

/// `+420 ms`, `-3 ms`, or `-` for none.
fn signed_ms(ms: Option<f64>) -> String {
    ms.map_or_else(|| "-".into(), |ms| format!("{ms:+.0} ms"))
}

/// The figures of the scenario's own target, in one line.
fn note(scenario: &Scenario, f: &Figures) -> String {
    let Some(outage) = scenario.outage else {
        let after = f.waits_after_first_token;
        return format!(
            "{}: {} token requests for {} expiry windows; calls waiting on the token endpoint: {} at the cold start, {} after it",
            scenario.title,
            f.token_requests,
            scenario.windows(),
            f.waits - after.unwrap_or(0),
            after.map_or_else(|| "-".into(), |w| w.to_string()),
        );
    };
    let early = f.errors_before_margin.map_or_else(String::new, |n| {
        format!(
            "caller errors before the valid token's expiry − {} ms: {n} (first error {} from that expiry); ",
            default_margin(scenario.lifetime).as_millis(),
            signed_ms(f.first_fail_from_expiry_ms),
        )
    });
    format!(
        "{}: {early}{} refused token requests, {:.2} per second of outage; first token after the outage {}",
        scenario.title,
        f.refused,
        f.refused as f64 / outage.lasts.as_secs_f64(),
        signed_ms(f.recovery_ms),
    )
}

/// The scenario and its figures, as `cargo xtask bench` reads them.
fn figures_json(scenario: &Scenario, f: &Figures) -> Value {
    let outage = scenario.outage;
    json!({
        "key": scenario.key,
        "title": scenario.title,
        "clock": scenario.clock.label(),
        "lifetime_secs": scenario.lifetime.as_secs(),
        "run_secs": scenario.run.as_secs_f64(),
        "workers": scenario.workers,
        "expiry_windows": scenario.windows(),
        "outage_after_ms": outage.map(|o| o.after.as_millis()),
        "outage_ms": outage.map(|o| o.lasts.as_millis()),
        "margin_ms": default_margin(scenario.lifetime).as_millis(),
        "token_requests": f.token_requests,
        "refused_token_requests": f.refused,
        "refused_per_s": outage.map(|o| f.refused as f64 / o.lasts.as_secs_f64()),
        "calls": f.calls,
        "p50_us": f.p50_us,
        "p99_us": f.p99_us,
        "max_us": f.max_us,
        "over_5ms": f.slow,
        "errors": f.errors,
        "expired": f.expired,
        "first_fail_ms": f.first_fail_ms,
        "last_fail_ms": f.last_fail_ms,
        "waits": f.waits,
        "waits_after_first_token": f.waits_after_first_token,
        "errors_before_margin": f.errors_before_margin,
        "first_fail_from_expiry_ms": f.first_fail_from_expiry_ms,
        "recovery_ms": f.recovery_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser as _;

    #[test]
    fn the_four_scenarios() {
        let args = Args::parse_from(["bench", "--policy-rotation-secs", "6"]);
        let [rotation, with_token, short, long] = scenarios(&args);
        assert_eq!(
            (rotation.run, rotation.windows()),
            (Duration::from_secs(6), 3)
        );
        assert_eq!(
            default_margin(with_token.lifetime),
            Duration::from_millis(80)
        );
        let start = Instant::now();
        let outage = with_token.plan(start).outage.unwrap();
        assert_eq!(outage.start - start, Duration::from_millis(3500));
        assert_eq!(outage.end - outage.start, Duration::from_secs(4));
        assert_eq!(short.clock, Clock::Real);
        assert_eq!(long.clock, Clock::Paused);
        assert_eq!(long.run, Duration::from_secs(63));
        assert_eq!(default_margin(long.lifetime), Duration::from_secs(5));
    }

    /// A paused scenario runs on its own runtime, in virtual time: the first error comes
    /// exactly one token-endpoint latency in, a token within a second of the outage's end.
    #[tokio::test]
    async fn a_paused_scenario_runs_in_virtual_time() {
        let scenario = Scenario {
            key: "short",
            title: "2 s outage, no token",
            lifetime: Duration::from_secs(3600),
            run: Duration::from_secs(4),
            workers: 2,
            outage: Some(Outage {
                after: Duration::ZERO,
                lasts: Duration::from_secs(2),
            }),
            clock: Clock::Paused,
        };
        let figures = paused(scenario, Duration::from_millis(20)).await.unwrap();
        assert_eq!(figures.first_fail_ms, Some(20.0), "{figures:?}");
        // The histogram keeps 3 significant digits.
        assert!(
            (20_000.0..20_030.0).contains(&figures.max_us),
            "{figures:?}"
        );
        assert!(
            figures.recovery_ms.is_some_and(|ms| ms < 1000.0),
            "{figures:?}"
        );
        assert_eq!(figures.expired, 0);
    }

    #[test]
    fn offsets_print_signed_or_as_a_dash() {
        assert_eq!(signed_ms(Some(420.4)), "+420 ms");
        assert_eq!(signed_ms(Some(-3.0)), "-3 ms");
        assert_eq!(signed_ms(None), "-");
    }
}
