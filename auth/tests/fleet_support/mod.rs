//! Shared by the `fleet_*` tests: a real `redis-server` per test, a counting token endpoint
//! and API, and a fleet of real OS processes (the `nxtsoft-fleet-worker` binary).
#![allow(dead_code)] // each test file uses a different part

pub mod redis_server;
pub mod token_server;

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

pub use redis_server::RedisServer;
pub use token_server::TokenServer;

pub const CLIENT_ID: &str = "fleet-client";
pub const SECRET: &str = "fleet-secret-Zq8vN3xR7uW1";
/// A second valid secret of the same client (a rotation in progress).
pub const OTHER_SECRET: &str = "fleet-rotated-secret-Hk5pT9mL2cV6";

/// The fleet process binary: cargo's path for tests; next to the benchmark example's own
/// directory (`target/<profile>/`) for the benchmark.
pub fn worker_binary() -> std::path::PathBuf {
    if let Some(path) = option_env!("CARGO_BIN_EXE_nxtsoft-fleet-worker") {
        return path.into();
    }
    let exe = std::env::current_exe().expect("the benchmark's own path");
    let profile_dir = exe
        .parent()
        .and_then(std::path::Path::parent)
        .expect("target/<profile>/examples/");
    profile_dir.join("nxtsoft-fleet-worker")
}

/// What one fleet run asks of its processes.
#[derive(Clone, Debug)]
pub struct Fleet {
    pub processes: usize,
    pub workers: usize,
    pub duration: Duration,
    pub pause: Duration,
    pub redis: Option<String>,
    pub secret: &'static str,
    pub lock_wait: Duration,
    /// Per Redis command; `None` keeps the library default (250 ms).
    pub redis_timeout: Option<Duration>,
}

impl Fleet {
    pub fn new(processes: usize, workers: usize, duration: Duration) -> Self {
        Self {
            processes,
            workers,
            duration,
            pause: Duration::from_millis(50),
            redis: None,
            secret: SECRET,
            lock_wait: Duration::from_secs(3), // the library default
            redis_timeout: None,
        }
    }

    pub fn redis(mut self, redis: &RedisServer) -> Self {
        self.redis = Some(redis.url());
        self
    }

    pub fn redis_url(mut self, url: String) -> Self {
        self.redis = Some(url);
        self
    }

    pub fn lock_wait(mut self, wait: Duration) -> Self {
        self.lock_wait = wait;
        self
    }

    /// A longer Redis timeout, for counts that must not depend on how loaded the machine is.
    pub fn redis_timeout(mut self, timeout: Duration) -> Self {
        self.redis_timeout = Some(timeout);
        self
    }

    pub fn secret(mut self, secret: &'static str) -> Self {
        self.secret = secret;
        self
    }

    /// Starts every process at once; `finish` waits for them.
    pub fn spawn(&self, server: &TokenServer) -> Running {
        let children = (0..self.processes)
            .map(|_| {
                let mut command = Command::new(worker_binary());
                command
                    .env("FLEET_TOKEN_URL", server.token_url())
                    .env("FLEET_API_URL", server.api_url())
                    .env("FLEET_CLIENT_ID", CLIENT_ID)
                    .env("FLEET_CLIENT_SECRET", self.secret)
                    .env("FLEET_WORKERS", self.workers.to_string())
                    .env("FLEET_DURATION_MS", self.duration.as_millis().to_string())
                    .env("FLEET_PAUSE_MS", self.pause.as_millis().to_string())
                    .env("FLEET_LOCK_WAIT_MS", self.lock_wait.as_millis().to_string())
                    .env_remove("FLEET_REDIS_URL")
                    .env_remove("FLEET_REDIS_TIMEOUT_MS")
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped());
                if let Some(url) = &self.redis {
                    command.env("FLEET_REDIS_URL", url);
                }
                if let Some(timeout) = self.redis_timeout {
                    command.env("FLEET_REDIS_TIMEOUT_MS", timeout.as_millis().to_string());
                }
                command.spawn().expect("start a fleet worker process")
            })
            .collect();
        Running { children }
    }

    /// Runs the fleet to its end.
    pub fn run(&self, server: &TokenServer) -> Outcome {
        self.spawn(server).finish()
    }
}

/// Processes of a fleet run, still going.
pub struct Running {
    children: Vec<std::process::Child>,
}

impl Running {
    /// SIGKILL to every process of the run.
    pub fn kill(mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn finish(self) -> Outcome {
        let reports = self
            .children
            .into_iter()
            .map(|child| {
                let output = child.wait_with_output().expect("wait for a fleet worker");
                let stderr = String::from_utf8_lossy(&output.stderr);
                assert!(output.status.success(), "fleet worker failed: {stderr}");
                let stdout = String::from_utf8_lossy(&output.stdout);
                let report: Value = serde_json::from_str(stdout.trim())
                    .unwrap_or_else(|e| panic!("fleet worker report {stdout:?}: {e}"));
                if report["errors"].as_u64() != Some(0) {
                    eprintln!("fleet worker stderr:\n{stderr}");
                }
                report
            })
            .collect();
        Outcome { reports }
    }
}

/// What the processes of one run reported.
#[derive(Debug)]
pub struct Outcome {
    pub reports: Vec<Value>,
}

impl Outcome {
    /// Sum of one numeric field over the processes (`/shared/hits` style pointers).
    pub fn sum(&self, pointer: &str) -> u64 {
        self.reports
            .iter()
            .map(|r| r.pointer(pointer).and_then(Value::as_u64).expect(pointer))
            .sum()
    }

    /// Every process made calls and none of them failed.
    pub fn assert_no_caller_error(&self) {
        assert!(self.sum("/calls") > 0, "{:#?}", self.reports);
        assert_eq!(self.sum("/errors"), 0, "caller errors: {:#?}", self.reports);
    }
}

/// The share of a short token's lifetime after which the default policy refreshes it for a
/// fleet: usable until `L − 2 %`, refreshed `3 %` before that (no jitter for a fleet; a lone
/// process adds up to 3 % more jitter, so it refreshes no later than this).
pub const REFRESH_FRACTION: f64 = 0.95;

/// Refresh windows of a run: how many tokens one process needs at least for `duration` with
/// tokens of `lifetime` refreshed at [`REFRESH_FRACTION`] of it.
pub fn windows(duration: Duration, lifetime: Duration) -> u64 {
    let per_token = lifetime.mul_f64(REFRESH_FRACTION).as_secs_f64();
    (duration.as_secs_f64() / per_token).ceil() as u64
}

pub fn sleep(duration: Duration) {
    std::thread::sleep(duration);
}
