//! One process of a fleet, for the fleet tests and the fleet benchmark: `workers` tasks call
//! the API through one [`Authenticator`] for `duration`, then print one JSON line with what
//! happened (calls, caller errors, the authenticator's counters).
//!
//! Configured by environment variables (all set by the test or benchmark that spawns it):
//! `FLEET_TOKEN_URL`, `FLEET_API_URL`, `FLEET_CLIENT_ID`, `FLEET_CLIENT_SECRET`,
//! `FLEET_WORKERS`, `FLEET_DURATION_MS`, `FLEET_PAUSE_MS` (between two calls of a worker),
//! and optionally `FLEET_REDIS_URL`, `FLEET_LOCK_WAIT_MS`, `FLEET_REDIS_TIMEOUT_MS`.
#![forbid(unsafe_code)]

use std::process::ExitCode;
use std::time::Duration;

use nxtsoft_auth::{Authenticator, Credentials, SharedCache};
use tokio::time::Instant;

fn var(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("{name} is not set"))
}

fn millis(name: &str, default: u64) -> Result<Duration, String> {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .map(Duration::from_millis)
            .map_err(|_| format!("{name} is not a number of milliseconds")),
        Err(_) => Ok(Duration::from_millis(default)),
    }
}

#[derive(Default)]
struct Tally {
    calls: u64,
    errors: u64,
}

async fn run() -> Result<serde_json::Value, String> {
    let credentials = Credentials::builder(
        var("FLEET_TOKEN_URL")?,
        var("FLEET_CLIENT_ID")?,
        var("FLEET_CLIENT_SECRET")?,
    )
    .build()
    .map_err(|e| e.to_string())?;
    let mut builder = Authenticator::builder(credentials);
    if let Ok(url) = std::env::var("FLEET_REDIS_URL") {
        let cache = SharedCache::new(url)
            .map_err(|e| e.to_string())?
            .lock_wait(millis("FLEET_LOCK_WAIT_MS", 3000)?)
            .timeout(millis("FLEET_REDIS_TIMEOUT_MS", 250)?);
        builder = builder.shared_cache(cache);
    }
    let authenticator = builder.build().map_err(|e| e.to_string())?;
    let api = var("FLEET_API_URL")?;
    let workers: usize = var("FLEET_WORKERS")?
        .parse()
        .map_err(|_| "FLEET_WORKERS is not a number")?;
    let duration = millis("FLEET_DURATION_MS", 5000)?;
    let pause = millis("FLEET_PAUSE_MS", 50)?;
    let http = nxtsoft_auth::api_http_client().map_err(|e| e.to_string())?;
    let end = Instant::now() + duration;
    let mut tasks = Vec::with_capacity(workers);
    for _ in 0..workers {
        let (authenticator, http, api) = (authenticator.clone(), http.clone(), api.clone());
        tasks.push(tokio::spawn(async move {
            let mut tally = Tally::default();
            while Instant::now() < end {
                tally.calls += 1;
                let outcome = async {
                    let mut request = http.get(&api).build().map_err(|e| e.to_string())?;
                    authenticator
                        .authorize(&mut request)
                        .await
                        .map_err(|e| e.to_string())?;
                    let response = authenticator
                        .execute(&http, request)
                        .await
                        .map_err(|e| e.to_string())?;
                    match response.status().as_u16() {
                        200 => Ok(()),
                        status => Err(format!("API answered {status}")),
                    }
                }
                .await;
                if let Err(error) = outcome {
                    tally.errors += 1;
                    eprintln!("fleet worker: caller error: {error}");
                }
                tokio::time::sleep(pause).await;
            }
            tally
        }));
    }
    let mut total = Tally::default();
    for task in tasks {
        let tally = task.await.map_err(|e| e.to_string())?;
        total.calls += tally.calls;
        total.errors += tally.errors;
    }
    let stats = authenticator.stats();
    let shared = stats.shared_store;
    Ok(serde_json::json!({
        "calls": total.calls,
        "errors": total.errors,
        "token_requests": stats.token_requests,
        "fetches": stats.fetches,
        "unauthorized_retries": stats.unauthorized_retries,
        "shared": {
            "hits": shared.hits,
            "misses": shared.misses,
            "errors": shared.errors,
            "lock_waits": shared.lock_waits,
            "fallbacks": shared.fallbacks,
            "publishes": shared.publishes,
            "invalid_entries": shared.invalid_entries,
            "revocations": shared.revocations,
        },
    }))
}

fn main() -> ExitCode {
    // A runtime built by hand: the library's tokio features ("rt", "time", "sync", and "net"
    // with `redis`) are all this needs, without the macros.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("fleet worker: could not start a Tokio runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("fleet worker: {error}");
            ExitCode::FAILURE
        }
    }
}
