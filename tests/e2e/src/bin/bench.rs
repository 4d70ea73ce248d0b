//! `bench`: the runtime half of `cargo xtask bench` (run it through that command; it builds in
//! release mode and writes `BENCHMARKS.md` from the `--json` figures this binary writes).
//!
//! Against a fixed loopback server (`nxtsoft_e2e::bench_server`: no business logic, so the
//! client is what is measured) it measures, in one process:
//!
//! 1. **Overhead vs the limit**: requests/s and p50/p99 latency of (a) raw `reqwest` sending the
//!    same JSON with a static `Authorization: Bearer` header and parsing the same response type,
//!    and (b) the full stack (generated client + `nxtsoft_auth` hooks + token cache), at
//!    concurrency 1 and 64. Variants are interleaved within each round (their order alternates
//!    between rounds); figures are medians over the rounds, ratios are medians of the per-round
//!    ratios. Both variants use reqwest clients built by the same function (HTTP/1 only, same
//!    pool size, same timeouts).
//! 2. **Token economy**: a cold burst of concurrent calls on a new client (token requests, target
//!    exactly 1), and a paced run with short-lived tokens (token requests vs expiry windows;
//!    p99 of calls that overlapped a refresh vs all calls).
//!
//! The client runs on a single-threaded Tokio runtime on the main thread, the server on its own
//! thread and runtime: on a 2-core machine each gets one core, and the client's CPU cost shows
//! directly in the throughput.

#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use hdrhistogram::Histogram;
use nxtsoft_auth::{Authenticator, RefreshPolicy};
use nxtsoft_client::ClientInfo as _;
use nxtsoft_client::types::{TransactionMessage, ValidationResult};
use nxtsoft_e2e::bench_server::{FixedServer, FixedServerError, TOKEN_LEN, thread_cpu_time};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use serde_json::{Value, json};
use tokio::task::JoinSet;

/// The runtime benchmark of the NXTsoft client (see the crate docs of this binary).
#[derive(Debug, Parser)]
#[command(name = "bench")]
struct Args {
    /// Write every figure as JSON to this file.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Rounds of the overhead comparison (medians are taken over them).
    #[arg(long, default_value_t = 20)]
    rounds: usize,
    /// Milliseconds each variant runs per round and concurrency (short rounds pair the variants
    /// closely in time, so background load on a shared machine hits both alike).
    #[arg(long, default_value_t = 400)]
    round_ms: u64,
    /// Concurrent calls of the cold burst.
    #[arg(long, default_value_t = 1000)]
    burst: usize,
    /// Seconds of the token-rotation run.
    #[arg(long, default_value_t = 30)]
    rotation_secs: u64,
    /// Token lifetime (seconds) in the token-rotation run.
    #[arg(long, default_value_t = 2)]
    token_lifetime_secs: u64,
    /// How long the token endpoint takes to answer (milliseconds).
    #[arg(long, default_value_t = 20)]
    token_delay_ms: u64,
    /// Calls per second in the token-rotation run (paced, spread over 8 workers).
    #[arg(long, default_value_t = 4000)]
    rotation_rate: u64,
    /// Profiling mode: make only `--calls` sequential calls of this variant (after 100 warm-up
    /// calls) and nothing else, e.g. under `valgrind --tool=callgrind`.
    #[arg(long, value_enum, value_name = "VARIANT")]
    only: Option<Variant>,
    /// Calls of the profiling mode.
    #[arg(long, default_value_t = 1000)]
    calls: u64,
}

/// Why the benchmark could not run.
#[derive(Debug, thiserror::Error)]
enum BenchError {
    #[error(transparent)]
    Server(#[from] FixedServerError),
    #[error("client configuration: {0}")]
    Config(#[from] nxtsoft_auth::ConfigError),
    #[error("raw reqwest call failed: {0}")]
    Http(#[from] reqwest::Error),
    #[error("raw reqwest call answered {0}")]
    Status(reqwest::StatusCode),
    #[error("generated client call failed: {0}")]
    Client(String),
    #[error("the benchmark message does not parse: {0}")]
    Message(#[source] serde_json::Error),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start the client runtime: {0}")]
    Runtime(#[source] std::io::Error),
    #[error("histogram: {0}")]
    Histogram(String),
    #[error("a benchmark task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error("{0}")]
    Failed(String),
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return fail(&BenchError::Runtime(error)),
    };
    match runtime.block_on(run(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&error),
    }
}

fn fail(error: &BenchError) -> ExitCode {
    eprintln!("bench: error: {error}");
    ExitCode::FAILURE
}

async fn run(args: &Args) -> Result<(), BenchError> {
    let server = FixedServer::start(
        Duration::from_secs(3600),
        Duration::from_millis(args.token_delay_ms),
    )?;
    let message = message()?;
    if let Some(variant) = args.only {
        return profile(args, &server, &message, variant).await;
    }
    println!(
        "fixed loopback server at {} (token endpoint answers after {} ms)",
        server.base_url(),
        args.token_delay_ms
    );

    let overhead = overhead(args, &server, &message).await?;
    let burst = burst(args, &server, &message).await?;
    let rotation = rotation(args, &server, &message).await?;

    let figures = json!({
        "settings": {
            "rounds": args.rounds,
            "round_ms": args.round_ms,
            "burst": args.burst,
            "rotation_secs": args.rotation_secs,
            "token_lifetime_secs": args.token_lifetime_secs,
            "token_delay_ms": args.token_delay_ms,
            "rotation_rate": args.rotation_rate,
            "client_runtime": "tokio current_thread (main thread)",
            "server_runtime": "tokio current_thread (own thread)",
            "http": "HTTP/1.1, reqwest pool_max_idle_per_host 64, TCP_NODELAY",
        },
        "overhead": overhead,
        "burst": burst,
        "rotation": rotation,
    });
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&figures).map_err(BenchError::Message)?;
        std::fs::write(path, text).map_err(|source| BenchError::Write {
            path: path.clone(),
            source,
        })?;
        println!("figures written to {}", path.display());
    }
    Ok(())
}

/// The message every call sends (the same JSON for both variants).
fn message() -> Result<TransactionMessage, BenchError> {
    serde_json::from_value(json!({
        "client_reference_id": "bench-0001",
        "account": {"account_id": "100200300", "account_type": "deposit"},
        "amount": "125.00",
        "currency": "USD",
        "direction": "debit",
        "transaction_code": "DDA01",
        "effective_date": "2025-01-15",
    }))
    .map_err(BenchError::Message)
}

/// The HTTP client settings of both variants.
fn http_client() -> Result<reqwest::Client, BenchError> {
    Ok(reqwest::Client::builder()
        .http1_only()
        .pool_max_idle_per_host(64)
        .tcp_nodelay(true)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .build()?)
}

fn credentials(server: &FixedServer) -> Result<nxtsoft_auth::Credentials, BenchError> {
    Ok(nxtsoft_client::credentials("bench-client", "bench-secret")
        .token_url(server.token_url())
        .build()?)
}

/// (a) raw reqwest with a static token, or (b) the full stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Variant {
    Raw,
    Full,
    /// Profiling only (`--only raw-auth`): raw reqwest through the auth hooks
    /// (`authorize` + `execute`) without the generated client, to split the full stack's cost
    /// between `nxtsoft_auth` and the progenitor code.
    RawAuth,
}

struct Targets {
    raw_http: reqwest::Client,
    raw_url: String,
    raw_auth: HeaderValue,
    full: nxtsoft_client::Client,
    message: TransactionMessage,
}

impl Targets {
    /// The raw request both raw variants send: the same headers the generated client sends,
    /// and a message owned per call (as the generated builder, which takes its body by value).
    fn raw_request(&self) -> Result<reqwest::Request, BenchError> {
        let message = self.message.clone();
        Ok(self
            .raw_http
            .post(&self.raw_url)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(
                "api-version",
                HeaderValue::from_static(nxtsoft_client::Client::api_version()),
            )
            .json(&message)
            .build()?)
    }

    async fn call(&self, variant: Variant) -> Result<(), BenchError> {
        match variant {
            Variant::Raw | Variant::RawAuth => {
                let mut request = self.raw_request()?;
                let response = if variant == Variant::Raw {
                    request
                        .headers_mut()
                        .insert(AUTHORIZATION, self.raw_auth.clone());
                    self.raw_http.execute(request).await?
                } else {
                    let auth = self.full.authenticator();
                    auth.authorize(&mut request)
                        .await
                        .map_err(|error| BenchError::Client(error.to_string()))?;
                    auth.execute(&self.raw_http, request).await?
                };
                if !response.status().is_success() {
                    return Err(BenchError::Status(response.status()));
                }
                let _: ValidationResult = response.json().await?;
            }
            Variant::Full => {
                let response = self
                    .full
                    .validate_transaction()
                    .body(self.message.clone())
                    .send()
                    .await
                    .map_err(|error| BenchError::Client(error.to_string()))?;
                let _: ValidationResult = response.into_inner();
            }
        }
        Ok(())
    }
}

fn histogram() -> Result<Histogram<u64>, BenchError> {
    Histogram::new_with_bounds(1, 60_000_000_000, 3)
        .map_err(|error| BenchError::Histogram(error.to_string()))
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

fn micros(histogram: &Histogram<u64>, quantile: f64) -> f64 {
    histogram.value_at_quantile(quantile) as f64 / 1000.0
}

/// One variant at one concurrency for one round.
#[derive(Debug, Clone, Copy)]
struct Figures {
    rps: f64,
    p50_us: f64,
    p99_us: f64,
    /// CPU time of the client thread per request (NaN where `/proc` is not available).
    client_cpu_us: f64,
    /// CPU time of the server thread per request.
    server_cpu_us: f64,
}

/// CPU time used so far by the calling thread (the client: its runtime is single-threaded).
fn client_cpu_time() -> Option<Duration> {
    thread_cpu_time(std::path::Path::new("/proc/thread-self/stat"))
}

fn cpu_per_request(before: Option<Duration>, after: Option<Duration>, requests: u64) -> f64 {
    match (before, after) {
        (Some(before), Some(after)) if requests > 0 => {
            after.saturating_sub(before).as_secs_f64() * 1e6 / requests as f64
        }
        _ => f64::NAN,
    }
}

async fn measure(
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

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Both variants against `server`, each with its own reqwest client of the same settings.
fn targets(server: &FixedServer, message: &TransactionMessage) -> Result<Arc<Targets>, BenchError> {
    server.set_token_lifetime(Duration::from_secs(3600));
    let static_token = format!("Bearer {}", "s".repeat(TOKEN_LEN));
    let mut raw_auth = HeaderValue::from_str(&static_token)
        .map_err(|error| BenchError::Failed(format!("static token header: {error}")))?;
    raw_auth.set_sensitive(true);
    let authenticator = Authenticator::new(credentials(server)?)?;
    Ok(Arc::new(Targets {
        raw_http: http_client()?,
        raw_url: server.api_url(),
        raw_auth,
        full: nxtsoft_client::Client::with_authenticator(
            &server.base_url(),
            http_client()?,
            authenticator,
        )?,
        message: message.clone(),
    }))
}

async fn profile(
    args: &Args,
    server: &FixedServer,
    message: &TransactionMessage,
    variant: Variant,
) -> Result<(), BenchError> {
    let targets = targets(server, message)?;
    for _ in 0..100 {
        targets.call(variant).await?;
    }
    let start = Instant::now();
    for _ in 0..args.calls {
        targets.call(variant).await?;
    }
    println!(
        "{variant:?}: {} calls in {:.3} s",
        args.calls,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn overhead(
    args: &Args,
    server: &FixedServer,
    message: &TransactionMessage,
) -> Result<Value, BenchError> {
    let targets = targets(server, message)?;
    let round = Duration::from_millis(args.round_ms);
    println!("\n== Overhead vs the limit: raw reqwest (a) vs full stack (b) ==");
    println!("warming up both variants (64 connections each)");
    for variant in [Variant::Raw, Variant::Full] {
        measure(server, &targets, variant, 64, round / 2).await?;
    }
    let mut results = Vec::new();
    for concurrency in [1_usize, 64] {
        let mut raw = Vec::new();
        let mut full = Vec::new();
        for round_index in 0..args.rounds {
            let order = if round_index % 2 == 0 {
                [Variant::Raw, Variant::Full]
            } else {
                [Variant::Full, Variant::Raw]
            };
            let mut pair = [None, None];
            for variant in order {
                let figures = measure(server, &targets, variant, concurrency, round).await?;
                pair[usize::from(variant == Variant::Full)] = Some(figures);
            }
            let [Some(a), Some(b)] = pair else {
                return Err(BenchError::Failed("a variant did not run".into()));
            };
            println!(
                "c={concurrency:<2} round {}/{}: raw {:>6.0} req/s p50 {:>6.1} p99 {:>6.1} µs cpu {:>4.1} µs | full {:>6.0} req/s p50 {:>6.1} p99 {:>6.1} µs cpu {:>4.1} µs | ratio {:.3}, p99 {:+.1} µs",
                round_index + 1,
                args.rounds,
                a.rps,
                a.p50_us,
                a.p99_us,
                a.client_cpu_us,
                b.rps,
                b.p50_us,
                b.p99_us,
                b.client_cpu_us,
                b.rps / a.rps,
                b.p99_us - a.p99_us
            );
            raw.push(a);
            full.push(b);
        }
        let summary = |figures: &[Figures]| {
            json!({
                "rps": median(figures.iter().map(|f| f.rps).collect()),
                "p50_us": median(figures.iter().map(|f| f.p50_us).collect()),
                "p99_us": median(figures.iter().map(|f| f.p99_us).collect()),
                "client_cpu_us": median(figures.iter().map(|f| f.client_cpu_us).collect()),
                "server_cpu_us": median(figures.iter().map(|f| f.server_cpu_us).collect()),
                "rounds": figures.iter().map(|f| json!({"rps": f.rps, "p50_us": f.p50_us, "p99_us": f.p99_us, "client_cpu_us": f.client_cpu_us, "server_cpu_us": f.server_cpu_us})).collect::<Vec<_>>(),
            })
        };
        let pairs = raw.iter().zip(&full);
        let rps_ratio = median(pairs.clone().map(|(a, b)| b.rps / a.rps).collect());
        let p50_ratio = median(pairs.clone().map(|(a, b)| b.p50_us / a.p50_us).collect());
        let p99_delta = median(pairs.clone().map(|(a, b)| b.p99_us - a.p99_us).collect());
        let cpu_delta = median(
            pairs
                .map(|(a, b)| b.client_cpu_us - a.client_cpu_us)
                .collect(),
        );
        println!(
            "c={concurrency:<2} median: throughput ratio b/a {rps_ratio:.3}, p50 ratio b/a {p50_ratio:.3}, p99 b−a {p99_delta:+.1} µs, client CPU per request b−a {cpu_delta:+.2} µs"
        );
        results.push(json!({
            "concurrency": concurrency,
            "raw": summary(&raw),
            "full": summary(&full),
            "rps_ratio": rps_ratio,
            "p50_ratio": p50_ratio,
            "p99_delta_us": p99_delta,
            "client_cpu_delta_us": cpu_delta,
        }));
    }
    let stats = targets.full.authenticator().stats();
    println!(
        "full stack: {} token request(s), {} cache hits",
        stats.token_requests, stats.cache_hits
    );
    Ok(Value::Array(results))
}

async fn burst(
    args: &Args,
    server: &FixedServer,
    message: &TransactionMessage,
) -> Result<Value, BenchError> {
    println!(
        "\n== Token economy: cold burst of {} concurrent calls ==",
        args.burst
    );
    server.set_token_lifetime(Duration::from_secs(3600));
    let before = server.token_requests();
    let client = nxtsoft_client::Client::with_authenticator(
        &server.base_url(),
        http_client()?,
        Authenticator::new(credentials(server)?)?,
    )?;
    let started = Instant::now();
    let calls = (0..args.burst).map(|_| client.validate_transaction().body(message.clone()).send());
    let results = futures::future::join_all(calls).await;
    let elapsed = started.elapsed();
    let failed = results.iter().filter(|r| r.is_err()).count();
    if let Some(Err(error)) = results.iter().find(|r| r.is_err()) {
        return Err(BenchError::Failed(format!(
            "{failed} of {} burst calls failed, first: {error}",
            args.burst
        )));
    }
    let token_requests = server.token_requests() - before;
    let stats = client.authenticator().stats();
    println!(
        "{} calls ok in {:.1} ms: {token_requests} token request(s) at the server ({} counted by the client, {} callers waited on the one fetch)",
        args.burst,
        elapsed.as_secs_f64() * 1000.0,
        stats.token_requests,
        stats.waits
    );
    Ok(json!({
        "calls": args.burst,
        "token_requests": token_requests,
        "client_token_requests": stats.token_requests,
        "waits": stats.waits,
        "elapsed_ms": elapsed.as_secs_f64() * 1000.0,
    }))
}

/// The refresh policy of the rotation run: for 2 s tokens and a token endpoint that answers
/// in tens of milliseconds, refresh at 95 % of the lifetime (no jitter: one client) and stop
/// using a token 2 % (40 ms) before expiry.
fn short_lifetime_policy() -> RefreshPolicy {
    RefreshPolicy::default()
        .refresh_fraction(0.95)
        .jitter(0.0, Duration::ZERO)
        .expiry_margin(0.02, Duration::from_secs(30))
}

async fn rotation(
    args: &Args,
    server: &FixedServer,
    message: &TransactionMessage,
) -> Result<Value, BenchError> {
    let lifetime = Duration::from_secs(args.token_lifetime_secs.max(1));
    let run = Duration::from_secs(args.rotation_secs.max(1));
    println!(
        "\n== Token economy: {} s at {} calls/s with {} s tokens ==",
        run.as_secs(),
        args.rotation_rate,
        lifetime.as_secs()
    );
    server.set_token_lifetime(lifetime);
    let tokens_before = server.token_requests();
    let windows_before = server.token_windows().len();
    let authenticator = Authenticator::builder(credentials(server)?)
        .refresh_policy(short_lifetime_policy())
        .build()?;
    let client = Arc::new(nxtsoft_client::Client::with_authenticator(
        &server.base_url(),
        http_client()?,
        authenticator,
    )?);
    const WORKERS: u64 = 8;
    let period = Duration::from_secs_f64(WORKERS as f64 / args.rotation_rate.max(1) as f64);
    let start = Instant::now();
    let deadline = start + run;
    let mut workers = JoinSet::new();
    for worker in 0..WORKERS {
        let client = Arc::clone(&client);
        let message = message.clone();
        workers.spawn(async move {
            let offset = period.mul_f64(worker as f64 / WORKERS as f64);
            let mut ticks = tokio::time::interval_at((start + offset).into(), period);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            let mut calls = Vec::new();
            loop {
                ticks.tick().await;
                let sent = Instant::now();
                if sent >= deadline {
                    break;
                }
                client
                    .validate_transaction()
                    .body(message.clone())
                    .send()
                    .await
                    .map_err(|error| BenchError::Client(error.to_string()))?;
                calls.push((sent, sent.elapsed()));
            }
            Ok::<_, BenchError>(calls)
        });
    }
    let mut calls = Vec::new();
    while let Some(joined) = workers.join_next().await {
        calls.extend(joined??);
    }
    let token_requests = server.token_requests() - tokens_before;
    let windows = server.token_windows();
    // The first window is the cold fetch (callers wait on it); the others are refreshes.
    let refreshes = windows.get(windows_before + 1..).unwrap_or_default();
    let mut all = histogram()?;
    let mut during = histogram()?;
    for (sent, latency) in &calls {
        let ns = nanos(*latency);
        all.saturating_record(ns);
        let done = *sent + *latency;
        if refreshes.iter().any(|w| *sent <= w.end && done >= w.start) {
            during.saturating_record(ns);
        }
    }
    let expiry_windows = run.as_secs().div_ceil(lifetime.as_secs());
    let p99_all = micros(&all, 0.99);
    let p99_during = micros(&during, 0.99);
    let ratio = p99_during / p99_all;
    let stats = client.authenticator().stats();
    println!(
        "{} calls: {token_requests} token requests for {expiry_windows} expiry windows ({} background refreshes, {} waits on a fetch)",
        calls.len(),
        stats.background_refreshes,
        stats.waits
    );
    println!(
        "p99 of all calls {p99_all:.1} µs, of the {} calls that overlapped a refresh {p99_during:.1} µs: ratio {ratio:.3}",
        during.len()
    );
    Ok(json!({
        "run_secs": run.as_secs(),
        "token_lifetime_secs": lifetime.as_secs(),
        "rate": args.rotation_rate,
        "policy": "refresh_fraction 0.95, no jitter, expiry margin 2 % (40 ms for 2 s tokens)",
        "calls": calls.len(),
        "token_requests": token_requests,
        "expiry_windows": expiry_windows,
        "background_refreshes": stats.background_refreshes,
        "waits": stats.waits,
        "calls_during_refresh": during.len(),
        "p50_all_us": micros(&all, 0.50),
        "p99_all_us": p99_all,
        "p50_during_refresh_us": micros(&during, 0.50),
        "p99_during_refresh_us": p99_during,
        "p99_ratio": ratio,
    }))
}
