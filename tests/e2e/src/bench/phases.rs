//! The benchmark's phases: the overhead comparison, the cold burst, the token rotation, and
//! the profiling mode.

use std::sync::Arc;
use std::time::{Duration, Instant};

use nxtsoft_auth::{Authenticator, RefreshPolicy};
use nxtsoft_client::types::TransactionMessage;
use serde_json::{Value, json};
use tokio::task::JoinSet;

use super::measure::{Figures, histogram, measure, median, micros, nanos};
use super::server::FixedServer;
use super::targets::{Variant, credentials, http_client, targets};
use super::{Args, BenchError};

pub(crate) async fn profile(
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

pub(crate) async fn overhead(
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

pub(crate) async fn burst(
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

/// The refresh policy of the rotation run: the defaults, untuned (token policy v2 needs none).
pub(crate) fn short_lifetime_policy() -> RefreshPolicy {
    RefreshPolicy::default()
}

pub(crate) async fn rotation(
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
        "policy": "defaults (v2: margin 2 %, lead 3 % + up to 3 % jitter)",
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
