//! One timed run of one variant at one concurrency, and what it yields.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use tokio::task::JoinSet;

use super::BenchError;
use super::server::{FixedServer, thread_cpu_time};
use super::targets::{Targets, Variant};

pub(crate) fn histogram() -> Result<Histogram<u64>, BenchError> {
    Histogram::new_with_bounds(1, 60_000_000_000, 3)
        .map_err(|error| BenchError::Histogram(error.to_string()))
}

pub(crate) fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

pub(crate) fn micros(histogram: &Histogram<u64>, quantile: f64) -> f64 {
    histogram.value_at_quantile(quantile) as f64 / 1000.0
}

/// One variant at one concurrency for one round.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Figures {
    pub(crate) rps: f64,
    pub(crate) p50_us: f64,
    pub(crate) p99_us: f64,
    /// CPU time of the client thread per request (NaN where `/proc` is not available).
    pub(crate) client_cpu_us: f64,
    /// CPU time of the server thread per request.
    pub(crate) server_cpu_us: f64,
}

/// CPU time used so far by the calling thread (the client: its runtime is single-threaded).
pub(crate) fn client_cpu_time() -> Option<Duration> {
    thread_cpu_time(std::path::Path::new("/proc/thread-self/stat"))
}

pub(crate) fn cpu_per_request(
    before: Option<Duration>,
    after: Option<Duration>,
    requests: u64,
) -> f64 {
    match (before, after) {
        (Some(before), Some(after)) if requests > 0 => {
            after.saturating_sub(before).as_secs_f64() * 1e6 / requests as f64
        }
        _ => f64::NAN,
    }
}

pub(crate) async fn measure(
    server: &FixedServer,
    targets: &Arc<Targets>,
    variant: Variant,
    concurrency: usize,
    duration: Duration,
) -> Result<Figures, BenchError> {
    let client_before = client_cpu_time();
    let server_before = server.cpu_time();
    let start = Instant::now();
    let deadline = start + duration;
    let mut workers = JoinSet::new();
    for _ in 0..concurrency {
        let targets = Arc::clone(targets);
        workers.spawn(async move {
            let mut latencies = histogram()?;
            let mut calls = 0_u64;
            loop {
                let sent = Instant::now();
                if sent >= deadline {
                    break;
                }
                targets.call(variant).await?;
                latencies.saturating_record(nanos(sent.elapsed()));
                calls += 1;
            }
            Ok::<_, BenchError>((calls, latencies))
        });
    }
    let mut total = 0_u64;
    let mut latencies = histogram()?;
    while let Some(joined) = workers.join_next().await {
        let (calls, worker) = joined??;
        total += calls;
        latencies
            .add(&worker)
            .map_err(|error| BenchError::Histogram(error.to_string()))?;
    }
    let elapsed = start.elapsed().as_secs_f64();
    Ok(Figures {
        rps: total as f64 / elapsed,
        p50_us: micros(&latencies, 0.50),
        p99_us: micros(&latencies, 0.99),
        client_cpu_us: cpu_per_request(client_before, client_cpu_time(), total),
        server_cpu_us: cpu_per_request(server_before, server.cpu_time(), total),
    })
}

pub(crate) fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}
