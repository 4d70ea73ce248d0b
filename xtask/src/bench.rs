//! `cargo xtask bench`: codegen timings, the generated crate's release build time, and the
//! runtime benchmark (`nxtsoft-e2e`'s `bench` binary, release), written to `BENCHMARKS.md`.
//!
//! Exit status: non-zero when a step fails, or when a figure misses its target by a wide margin
//! (see [`TARGETS_TEXT`]). A figure that misses its target by less is reported, not fatal: one
//! noisy run on a shared 2-core machine should not fail, a regression should.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

/// What "wide" means, as written into `BENCHMARKS.md`.
const TARGETS_TEXT: &str = "A figure that misses its target is marked *missed*; the command exits non-zero only on a *wide* miss: \
throughput ratio below 0.90 (target 0.97), p99 more than +500 µs over raw at concurrency 64 (target +50 µs; at saturation p99 is queueing: the known gap of the generated code is +200 to +350 µs here, see the notes), \
any cold burst costing more than 1 token request (target exactly 1: each token is billed), more than windows + 2 \
token requests in the rotation run (target windows + 1), or a refresh p99 ratio above 1.5 (target 1.2). \
Token policy (default `RefreshPolicy`): more than windows + 2 token requests in its rotation scenario (target windows + 1), \
more calls waiting on the token endpoint after the cold start than there are workers (target 0), any expired token handed out \
or any caller error before the valid token's expiry minus the skew margin (target 0: these are correctness, not speed), \
or no token within 2 s of the end of an outage (target 1 s).";

/// Everything below this line of `BENCHMARKS.md` is hand-written and kept across runs.
const KEEP_MARKER: &str =
    "<!-- Everything below this line is hand-written; cargo xtask bench keeps it. -->";

/// Why the benchmark could not run.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// Rendering a spec failed.
    #[error("rendering {spec} failed: {source}")]
    Render {
        /// Which spec.
        spec: String,
        /// The cause.
        #[source]
        source: xtask::GenerateError,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A command could not be started or failed.
    #[error("`{command}` failed: {detail}")]
    Command {
        /// The command line.
        command: String,
        /// Its status or the start error.
        detail: String,
    },
    /// The runtime figures are missing or malformed.
    #[error("runtime figures: {0}")]
    Figures(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BenchError + '_ {
    move |source| BenchError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Runs the whole benchmark. `quick` shortens every phase (a smoke run) and does not write
/// `BENCHMARKS.md`.
pub fn run(quick: bool) -> ExitCode {
    match run_inner(quick) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run_inner(quick: bool) -> Result<bool, BenchError> {
    let root = xtask::workspace_root();
    let started = Instant::now();
    let machine = machine();
    println!("== Machine ==\n{}", machine.lines());

    println!("\n== Codegen (xtask::render, in memory; xtask built as `cargo xtask` builds it) ==");
    let codegen = codegen(&root, quick)?;

    println!("\n== Release build of the bench binary and its dependencies (not timed) ==");
    cargo(
        &root,
        &["build", "--release", "-p", "nxtsoft-e2e", "--bin", "bench"],
    )?;
    println!(
        "\n== Generated crate release build (deps already built; generated/src/lib.rs touched) =="
    );
    let build = generated_build_time(&root)?;
    println!(
        "cargo build --release -p nxtsoft-client: {:.1} s",
        build.as_secs_f64()
    );

    println!("\n== Runtime (cargo run --release -p nxtsoft-e2e --bin bench) ==");
    let out_dir = root.join("target/bench");
    std::fs::create_dir_all(&out_dir).map_err(io(&out_dir))?;
    let json_path = out_dir.join("runtime.json");
    let _ = std::fs::remove_file(&json_path);
    let json_arg = json_path.to_string_lossy().into_owned();
    let mut args = vec![
        "run",
        "--quiet",
        "--release",
        "-p",
        "nxtsoft-e2e",
        "--bin",
        "bench",
        "--",
        "--json",
        json_arg.as_str(),
    ];
    if quick {
        args.extend([
            "--rounds",
            "2",
            "--round-ms",
            "300",
            "--rotation-secs",
            "6",
            "--policy-rotation-secs",
            "6",
        ]);
    }
    cargo(&root, &args)?;
    let text = std::fs::read_to_string(&json_path).map_err(io(&json_path))?;
    let runtime: Value =
        serde_json::from_str(&text).map_err(|error| BenchError::Figures(error.to_string()))?;

    let verdicts = verdicts(&runtime)?;
    let total = started.elapsed();
    println!("\n== Targets ==");
    for verdict in &verdicts {
        println!(
            "{:<55} {:>12}  target {:<16} {}",
            verdict.name,
            verdict.value,
            verdict.target,
            verdict.outcome.label()
        );
    }
    println!("{TARGETS_TEXT}");
    println!("whole benchmark: {:.0} s", total.as_secs_f64());

    if quick {
        println!("quick run: BENCHMARKS.md not written");
    } else {
        let path = root.join("BENCHMARKS.md");
        let kept = std::fs::read_to_string(&path)
            .ok()
            .and_then(|old| old.split_once(KEEP_MARKER).map(|(_, tail)| tail.to_owned()))
            .unwrap_or_default();
        let report = report(&machine, &codegen, build, &runtime, &verdicts, total, &kept);
        std::fs::write(&path, report).map_err(io(&path))?;
        println!("wrote {}", path.display());
    }
    crate::bench_fleet::run(&root, quick).map_err(BenchError::Figures)?;
    let wide = verdicts
        .iter()
        .filter(|v| v.outcome == Outcome::WideMiss)
        .count();
    if wide > 0 {
        eprintln!("error: {wide} figure(s) missed their target by a wide margin");
    }
    Ok(wide == 0)
}

struct Machine {
    cpus: usize,
    cpu_model: String,
    rustc: String,
    os: String,
    date: String,
}

impl Machine {
    fn lines(&self) -> String {
        format!(
            "cpus: {}\ncpu: {}\nrustc: {}\nos: {}\ndate: {}",
            self.cpus, self.cpu_model, self.rustc, self.os, self.date
        )
    }
}

fn machine() -> Machine {
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    let cpu_model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let rustc = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map_or_else(|| "unknown".into(), |v| v.trim().to_owned());
    Machine {
        cpus,
        cpu_model,
        rustc,
        os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        date: utc_now(),
    }
}

/// `YYYY-MM-DD HH:MM UTC` from the system clock (days to a civil date by the usual
/// era/day-of-era arithmetic of the proleptic Gregorian calendar).
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let (hour, minute) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC")
}

struct Codegen {
    profile: &'static str,
    ours_runs: Vec<Duration>,
    large_runs: Vec<Duration>,
    large_operations: usize,
    vendor_runs: Vec<Duration>,
    vendor_operations: usize,
}

fn median(runs: &[Duration]) -> Duration {
    let mut sorted = runs.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

fn codegen(root: &Path, quick: bool) -> Result<Codegen, BenchError> {
    let large_operations = 300;
    let ours = root.join("openapi/nxtsoft.yaml");
    let scratch = tempfile::tempdir().map_err(io(root))?;
    let large = scratch
        .path()
        .join(format!("large-{large_operations}.yaml"));
    std::fs::write(&large, xtask::large_spec::large_spec(large_operations)).map_err(io(&large))?;
    let vendor_operations = 1000;
    let vendor = scratch
        .path()
        .join(format!("vendor-{vendor_operations}.yaml"));
    std::fs::write(&vendor, xtask::large_spec::vendor_spec(vendor_operations))
        .map_err(io(&vendor))?;
    let (ours_n, large_n) = if quick { (3, 1) } else { (5, 3) };
    let time = |spec: &Path, label: &str, runs: usize| -> Result<Vec<Duration>, BenchError> {
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let start = Instant::now();
            let files = xtask::render(spec).map_err(|source| BenchError::Render {
                spec: label.to_owned(),
                source,
            })?;
            times.push(start.elapsed());
            std::hint::black_box(files);
        }
        println!(
            "{label}: median {:.0} ms of {runs} runs ({})",
            median(&times).as_secs_f64() * 1000.0,
            times
                .iter()
                .map(|t| format!("{:.0}", t.as_secs_f64() * 1000.0))
                .collect::<Vec<_>>()
                .join(", ")
        );
        Ok(times)
    };
    let ours_runs = time(&ours, "openapi/nxtsoft.yaml", ours_n)?;
    let large_runs = time(&large, &format!("large_spec({large_operations})"), large_n)?;
    let vendor_runs = time(
        &vendor,
        &format!("vendor_spec({vendor_operations}), every normalisation"),
        large_n,
    )?;
    Ok(Codegen {
        profile: if cfg!(debug_assertions) {
            "debug (the profile `cargo xtask generate` runs in)"
        } else {
            "release"
        },
        ours_runs,
        large_runs,
        large_operations,
        vendor_runs,
        vendor_operations,
    })
}

fn cargo_path() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Runs `cargo <args>` in the workspace with the terminal attached.
fn cargo(root: &Path, args: &[&str]) -> Result<(), BenchError> {
    let command = format!("cargo {}", args.join(" "));
    let status = Command::new(cargo_path())
        .args(args)
        .current_dir(root)
        .status()
        .map_err(|error| BenchError::Command {
            command: command.clone(),
            detail: error.to_string(),
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(BenchError::Command {
            command,
            detail: status.to_string(),
        })
    }
}

/// Touches `generated/src/lib.rs` (its content is unchanged) and times the release build of
/// the generated crate alone. A build that had to wait for cargo's lock (another cargo on the
/// shared target dir) is measured again, up to three times.
fn generated_build_time(root: &Path) -> Result<Duration, BenchError> {
    let lib = root.join("generated/src/lib.rs");
    let args = ["build", "--release", "-p", "nxtsoft-client"];
    let command = format!("cargo {}", args.join(" "));
    let mut last = Duration::ZERO;
    for attempt in 1..=3 {
        std::fs::File::options()
            .append(true)
            .open(&lib)
            .and_then(|file| file.set_modified(SystemTime::now()))
            .map_err(io(&lib))?;
        let start = Instant::now();
        let output = Command::new(cargo_path())
            .args(args)
            .current_dir(root)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .map_err(|error| BenchError::Command {
                command: command.clone(),
                detail: error.to_string(),
            })?;
        last = start.elapsed();
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            return Err(BenchError::Command {
                command,
                detail: format!("{}\n{stderr}", output.status),
            });
        }
        if !stderr.contains("Blocking waiting for file lock") {
            return Ok(last);
        }
        println!("attempt {attempt} waited for cargo's lock; measuring again");
    }
    Ok(last)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Met,
    Missed,
    WideMiss,
}

impl Outcome {
    fn label(self) -> &'static str {
        match self {
            Outcome::Met => "met",
            Outcome::Missed => "MISSED (within the wide margin)",
            Outcome::WideMiss => "WIDE MISS",
        }
    }

    fn judge(met: bool, wide: bool) -> Outcome {
        match (met, wide) {
            (true, _) => Outcome::Met,
            (false, false) => Outcome::Missed,
            (false, true) => Outcome::WideMiss,
        }
    }
}

struct Verdict {
    name: String,
    value: String,
    target: String,
    outcome: Outcome,
}

fn number(value: &Value, pointer: &str) -> Result<f64, BenchError> {
    value
        .pointer(pointer)
        .and_then(Value::as_f64)
        .ok_or_else(|| BenchError::Figures(format!("no number at {pointer}")))
}

fn overhead_index(runtime: &Value, concurrency: u64) -> Result<usize, BenchError> {
    runtime
        .pointer("/overhead")
        .and_then(Value::as_array)
        .and_then(|rows| {
            rows.iter()
                .position(|row| row["concurrency"].as_u64() == Some(concurrency))
        })
        .ok_or_else(|| {
            BenchError::Figures(format!("no overhead row for concurrency {concurrency}"))
        })
}

fn verdicts(runtime: &Value) -> Result<Vec<Verdict>, BenchError> {
    let mut verdicts = Vec::new();
    for concurrency in [1, 64] {
        let i = overhead_index(runtime, concurrency)?;
        let ratio = number(runtime, &format!("/overhead/{i}/rps_ratio"))?;
        verdicts.push(Verdict {
            name: format!("throughput ratio full/raw, concurrency {concurrency}"),
            value: format!("{ratio:.3}"),
            target: "≥ 0.97".into(),
            outcome: Outcome::judge(ratio >= 0.97, ratio < 0.90),
        });
    }
    let i = overhead_index(runtime, 64)?;
    let delta = number(runtime, &format!("/overhead/{i}/p99_delta_us"))?;
    verdicts.push(Verdict {
        name: "p99 full − raw, concurrency 64".into(),
        value: format!("{delta:+.1} µs"),
        target: "≤ +50 µs".into(),
        outcome: Outcome::judge(delta <= 50.0, delta > 500.0),
    });
    let burst = number(runtime, "/burst/token_requests")?;
    let calls = number(runtime, "/burst/calls")?;
    verdicts.push(Verdict {
        name: format!("token requests, cold burst of {calls:.0} calls"),
        value: format!("{burst:.0}"),
        target: "= 1".into(),
        outcome: Outcome::judge(burst == 1.0, burst != 1.0),
    });
    let tokens = number(runtime, "/rotation/token_requests")?;
    let windows = number(runtime, "/rotation/expiry_windows")?;
    verdicts.push(Verdict {
        name: format!("token requests, rotation run ({windows:.0} expiry windows)"),
        value: format!("{tokens:.0}"),
        target: format!("≤ {:.0}", windows + 1.0),
        outcome: Outcome::judge(tokens <= windows + 1.0, tokens > windows + 2.0),
    });
    let ratio = number(runtime, "/rotation/p99_ratio")?;
    verdicts.push(Verdict {
        name: "p99 during a refresh / p99 of all calls".into(),
        value: format!("{ratio:.3}"),
        target: "≤ 1.2".into(),
        outcome: Outcome::judge(ratio <= 1.2, ratio > 1.5 || ratio.is_nan()),
    });
    verdicts.extend(policy_verdicts(runtime)?);
    Ok(verdicts)
}

/// The keys of the token-policy scenarios, in their order.
const POLICY_SCENARIOS: [&str; 4] = ["rotation", "outage_with_token", "outage_4s", "outage_60s"];

/// The figures of the token-policy scenario `key`.
fn scenario<'a>(runtime: &'a Value, key: &str) -> Result<&'a Value, BenchError> {
    runtime
        .pointer("/policy/scenarios")
        .and_then(Value::as_array)
        .and_then(|rows| rows.iter().find(|row| row["key"] == key))
        .ok_or_else(|| BenchError::Figures(format!("no token-policy scenario {key}")))
}

/// Verdicts on the token-policy scenarios (default `RefreshPolicy`).
fn policy_verdicts(runtime: &Value) -> Result<Vec<Verdict>, BenchError> {
    let rotation = scenario(runtime, "rotation")?;
    let tokens = number(rotation, "/token_requests")?;
    let windows = number(rotation, "/expiry_windows")?;
    let waits = number(rotation, "/waits_after_first_token")?;
    let workers = number(rotation, "/workers")?;
    let mut verdicts = vec![
        Verdict {
            name: format!("policy: token requests, rotation ({windows:.0} expiry windows)"),
            value: format!("{tokens:.0}"),
            target: format!("≤ {:.0}", windows + 1.0),
            outcome: Outcome::judge(tokens <= windows + 1.0, tokens > windows + 2.0),
        },
        Verdict {
            name: "policy: calls waiting on the token endpoint after the cold start, rotation"
                .into(),
            value: format!("{waits:.0}"),
            target: "= 0".into(),
            outcome: Outcome::judge(waits == 0.0, waits > workers),
        },
    ];
    let mut expired = 0.0;
    for key in POLICY_SCENARIOS {
        expired += number(scenario(runtime, key)?, "/expired")?;
    }
    verdicts.push(Verdict {
        name: format!(
            "policy: expired tokens handed out, {} scenarios",
            POLICY_SCENARIOS.len()
        ),
        value: format!("{expired:.0}"),
        target: "= 0".into(),
        outcome: Outcome::judge(expired == 0.0, expired > 0.0),
    });
    let with_token = scenario(runtime, "outage_with_token")?;
    let early = number(with_token, "/errors_before_margin")?;
    let margin = number(with_token, "/margin_ms")?;
    verdicts.push(Verdict {
        name: format!(
            "policy: caller errors before expiry − {margin:.0} ms, outage while a token is valid"
        ),
        value: format!("{early:.0}"),
        target: "= 0".into(),
        outcome: Outcome::judge(early == 0.0, early > 0.0),
    });
    for key in ["outage_4s", "outage_60s"] {
        let row = scenario(runtime, key)?;
        let recovery = row["recovery_ms"].as_f64();
        verdicts.push(Verdict {
            name: format!(
                "policy: first token after the end of a {:.0} s outage ({} clock)",
                number(row, "/outage_ms")? / 1000.0,
                row["clock"].as_str().unwrap_or("?")
            ),
            value: recovery.map_or_else(|| "none".into(), |ms| format!("{ms:+.0} ms")),
            target: "≤ +1000 ms".into(),
            outcome: recovery.map_or(Outcome::WideMiss, |ms| {
                Outcome::judge(ms <= 1000.0, ms > 2000.0)
            }),
        });
    }
    Ok(verdicts)
}

/// `+420 ms`, or `-` for none (JSON `null`).
fn signed_ms(value: &Value) -> String {
    value
        .as_f64()
        .map_or_else(|| "-".into(), |ms| format!("{ms:+.0} ms"))
}

/// The `## 3. Token policy` section: one table row per scenario, then each scenario's own
/// figures.
fn policy_section(runtime: &Value) -> String {
    let mut out = String::new();
    let policy = runtime.pointer("/policy").cloned().unwrap_or(Value::Null);
    let _ = writeln!(
        out,
        "## 3. Token policy\n\n`nxtsoft_auth` with its `RefreshPolicy` untuned, i.e. its {}, against a token endpoint that answers after {} ms \
         and answers `503` during an outage. {} workers each get a token (`Authenticator::header_value`, the call that yields a request's \
         `Authorization` header), pause 1 ms, and again. *real*: the loopback server over HTTP, through the client-credentials source with \
         its default retry policy (a first failing fetch makes up to 3 attempts). *paused*: Tokio's paused clock and an in-process token \
         source with the same latency (times are virtual). Latencies are of getting a token (or an error). *Expired*: a token handed out \
         at or after its expiry as the endpoint counts it. *First fail*: the first failing call, from the start of the outage; \
         *last fail*: the last one, from its end.\n",
        policy["policy"].as_str().unwrap_or("?"),
        policy["token_delay_ms"],
        policy["workers"],
    );
    let _ = writeln!(
        out,
        "| Scenario | Clock | Token requests | Calls | p50 µs | p99 µs | max µs | > {} ms | Errors | Expired | First fail | Last fail |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|",
        policy["slow_ms"]
    );
    let rows = policy["scenarios"].as_array().cloned().unwrap_or_default();
    let one = |row: &Value, key: &str| {
        row[key]
            .as_f64()
            .map_or_else(|| "?".into(), |v| format!("{v:.1}"))
    };
    for row in &rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            row["title"].as_str().unwrap_or("?"),
            row["clock"].as_str().unwrap_or("?"),
            row["token_requests"],
            row["calls"],
            one(row, "p50_us"),
            one(row, "p99_us"),
            one(row, "max_us"),
            row["over_5ms"],
            row["errors"],
            row["expired"],
            signed_ms(&row["first_fail_ms"]),
            signed_ms(&row["last_fail_ms"]),
        );
    }
    out.push('\n');
    for row in &rows {
        let _ = writeln!(out, "- {}", policy_note(row));
    }
    out.push('\n');
    out
}

/// One scenario's own figures, in a sentence.
fn policy_note(row: &Value) -> String {
    let title = row["title"].as_str().unwrap_or("?");
    if row["outage_ms"].is_null() {
        return format!(
            "**{title}** ({} s): {} token requests for {} expiry windows; calls waiting on the token endpoint: {} at the cold start, {} after it.",
            row["run_secs"],
            row["token_requests"],
            row["expiry_windows"],
            row["waits"]
                .as_u64()
                .unwrap_or(0)
                .saturating_sub(row["waits_after_first_token"].as_u64().unwrap_or(0)),
            row["waits_after_first_token"],
        );
    }
    let early = if row["errors_before_margin"].is_null() {
        String::new()
    } else {
        format!(
            " Caller errors before the valid token's expiry − {} ms: **{}** (the first error came {} from that expiry).",
            row["margin_ms"],
            row["errors_before_margin"],
            signed_ms(&row["first_fail_from_expiry_ms"]),
        )
    };
    format!(
        "**{title}** ({} s from {} ms into a {} s run):{early} {} refused token requests, {:.2} per second of outage; first token after the outage: **{}**.",
        row["outage_ms"].as_f64().unwrap_or(f64::NAN) / 1000.0,
        row["outage_after_ms"],
        row["run_secs"],
        row["refused_token_requests"],
        row["refused_per_s"].as_f64().unwrap_or(f64::NAN),
        signed_ms(&row["recovery_ms"]),
    )
}

fn ms(duration: Duration) -> String {
    format!("{:.0} ms", duration.as_secs_f64() * 1000.0)
}

fn report(
    machine: &Machine,
    codegen: &Codegen,
    build: Duration,
    runtime: &Value,
    verdicts: &[Verdict],
    total: Duration,
    kept: &str,
) -> String {
    let get = |pointer: &str| runtime.pointer(pointer).cloned().unwrap_or(Value::Null);
    let f = |pointer: &str, digits: usize| match runtime.pointer(pointer).and_then(Value::as_f64) {
        Some(v) => format!("{v:.digits$}"),
        None => "?".into(),
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Benchmarks\n\nWritten by `cargo xtask bench` (release build of the runtime benchmark; the whole command took {:.0} s). \
         Run it again to refresh every figure above the hand-written notes.\n",
        total.as_secs_f64()
    );
    let _ = writeln!(out, "## Machine\n\n| | |\n|---|---|");
    let _ = writeln!(out, "| CPUs (available parallelism) | {} |", machine.cpus);
    let _ = writeln!(out, "| CPU | {} |", machine.cpu_model);
    let _ = writeln!(out, "| rustc | {} |", machine.rustc);
    let _ = writeln!(out, "| OS | {} |", machine.os);
    let _ = writeln!(out, "| Date | {} |", machine.date);
    let _ = writeln!(out, "| Command | `cargo xtask bench` |\n");

    let _ = writeln!(
        out,
        "## Targets\n\n| Figure | Value | Target | Result |\n|---|---|---|---|"
    );
    for v in verdicts {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            v.name,
            v.value,
            v.target,
            v.outcome.label()
        );
    }
    let _ = writeln!(out, "\n{TARGETS_TEXT}\n");

    let _ = writeln!(
        out,
        "## 1. Overhead vs the limit\n\n(a) raw reqwest: the same JSON body (serde of the same `TransactionMessage`), the same headers, a static \
         `Authorization: Bearer` of the same length, the response parsed into the same `ValidationResult`. (b) the full stack: \
         `client.validate_transaction().body(msg.clone()).send()` through the generated client, the auth hooks and the token cache. \
         Both use reqwest clients built by one function (HTTP/1.1 only, pool of 64 idle connections per host, TCP_NODELAY, same timeouts). \
         The fixed loopback server answers `POST /transactions/mock` with a fixed small body. Client: single-threaded Tokio runtime; \
         server: its own thread and single-threaded runtime (one core each on 2 cores). Variants are interleaved in every round \
         (order alternating); {} rounds of {} ms per variant and concurrency; figures are medians over rounds, ratios medians of \
         the per-round ratios.\n",
        get("/settings/rounds"),
        get("/settings/round_ms")
    );
    let _ = writeln!(
        out,
        "| Concurrency | raw req/s | full req/s | ratio b/a | raw p50 µs | full p50 µs | raw p99 µs | full p99 µs | p99 b−a µs | client CPU µs/req raw → full |\n|---|---|---|---|---|---|---|---|---|---|"
    );
    if let Some(rows) = runtime.pointer("/overhead").and_then(Value::as_array) {
        for (i, row) in rows.iter().enumerate() {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} → {} |",
                row["concurrency"],
                f(&format!("/overhead/{i}/raw/rps"), 0),
                f(&format!("/overhead/{i}/full/rps"), 0),
                f(&format!("/overhead/{i}/rps_ratio"), 3),
                f(&format!("/overhead/{i}/raw/p50_us"), 1),
                f(&format!("/overhead/{i}/full/p50_us"), 1),
                f(&format!("/overhead/{i}/raw/p99_us"), 1),
                f(&format!("/overhead/{i}/full/p99_us"), 1),
                f(&format!("/overhead/{i}/p99_delta_us"), 1),
                f(&format!("/overhead/{i}/raw/client_cpu_us"), 1),
                f(&format!("/overhead/{i}/full/client_cpu_us"), 1),
            );
        }
        let _ = writeln!(out, "\nPer round (raw req/s → full req/s):\n");
        for (i, row) in rows.iter().enumerate() {
            let rounds = |variant: &str| {
                runtime
                    .pointer(&format!("/overhead/{i}/{variant}/rounds"))
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            };
            let pairs: Vec<String> = rounds("raw")
                .iter()
                .zip(rounds("full").iter())
                .map(|(a, b)| {
                    format!(
                        "{:.0} → {:.0}",
                        a["rps"].as_f64().unwrap_or(f64::NAN),
                        b["rps"].as_f64().unwrap_or(f64::NAN)
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "- concurrency {}: {}",
                row["concurrency"],
                pairs.join("; ")
            );
        }
    }

    let _ = writeln!(
        out,
        "\n## 2. Token economy\n\nThe token endpoint answers after {} ms.\n\n\
         **Cold burst**: {} concurrent calls on a new client: **{}** token request(s) at the server \
         ({} counted by the client; {} callers waited on the one fetch; all calls done in {} ms).\n",
        get("/settings/token_delay_ms"),
        get("/burst/calls"),
        get("/burst/token_requests"),
        get("/burst/client_token_requests"),
        get("/burst/waits"),
        f("/burst/elapsed_ms", 1)
    );
    let _ = writeln!(
        out,
        "**Rotation**: {} s of calls paced at {} calls/s (8 workers) with {} s tokens, refresh policy: {}.\n\n\
         | Figure | Value |\n|---|---|\n\
         | calls | {} |\n| token requests | {} |\n| expiry windows (run ÷ lifetime, rounded up) | {} |\n\
         | background refreshes / waits on a fetch | {} / {} |\n| calls that overlapped a refresh in flight | {} |\n\
         | p50 / p99 of all calls | {} / {} µs |\n| p50 / p99 of calls during a refresh | {} / {} µs |\n\
         | p99 ratio (during refresh / all) | {} |\n",
        get("/rotation/run_secs"),
        get("/rotation/rate"),
        get("/rotation/token_lifetime_secs"),
        get("/rotation/policy").as_str().unwrap_or("?"),
        get("/rotation/calls"),
        get("/rotation/token_requests"),
        get("/rotation/expiry_windows"),
        get("/rotation/background_refreshes"),
        get("/rotation/waits"),
        get("/rotation/calls_during_refresh"),
        f("/rotation/p50_all_us", 1),
        f("/rotation/p99_all_us", 1),
        f("/rotation/p50_during_refresh_us", 1),
        f("/rotation/p99_during_refresh_us", 1),
        f("/rotation/p99_ratio", 3),
    );

    out.push_str(&policy_section(runtime));
    let _ = writeln!(
        out,
        "## 4. Codegen\n\n`xtask::render` (load, overlays, normalisation, preflight, progenitor, prettyplease; what `cargo xtask generate` does before writing), \
         xtask built in {}.\n\n| Spec | Median | Runs |\n|---|---|---|",
        codegen.profile
    );
    let runs = |times: &[Duration]| times.iter().map(|t| ms(*t)).collect::<Vec<_>>().join(", ");
    let _ = writeln!(
        out,
        "| openapi/nxtsoft.yaml | {} | {} |",
        ms(median(&codegen.ours_runs)),
        runs(&codegen.ours_runs)
    );
    let _ = writeln!(
        out,
        "| `xtask::large_spec::large_spec({})` ({} operations) | {} | {} |",
        codegen.large_operations,
        codegen.large_operations,
        ms(median(&codegen.large_runs)),
        runs(&codegen.large_runs)
    );
    let _ = writeln!(
        out,
        "| `xtask::large_spec::vendor_spec({})` ({} operations, OpenAPI 3.1, every normalisation; target < 3 s) | {} | {} |",
        codegen.vendor_operations,
        codegen.vendor_operations,
        ms(median(&codegen.vendor_runs)),
        runs(&codegen.vendor_runs)
    );
    let _ = writeln!(
        out,
        "\nGenerated crate build: `cargo build --release -p nxtsoft-client` after its dependencies are built \
         (generated/src/lib.rs touched, content unchanged): **{:.1} s**.\n",
        build.as_secs_f64()
    );
    let _ = writeln!(out, "{KEEP_MARKER}");
    if kept.trim().is_empty() {
        out.push('\n');
    } else {
        out.push_str(kept);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Token-policy figures as the bench binary writes them; `recovery_60s` and `early` vary.
    fn policy(recovery_60s: Value, early: u64) -> Value {
        let outage = |key: &str, title: &str, ms: u64, recovery: Value| {
            json!({
                "key": key, "title": title, "clock": if ms == 60_000 { "paused" } else { "real" },
                "lifetime_secs": 3600, "run_secs": (ms + 3000) as f64 / 1000.0, "workers": 8,
                "expiry_windows": 1, "outage_after_ms": 0, "outage_ms": ms, "margin_ms": 5000,
                "token_requests": 8, "refused_token_requests": 7, "refused_per_s": 1.75,
                "calls": 20_000, "p50_us": 0.3, "p99_us": 0.9, "max_us": 812_000.0,
                "over_5ms": 9, "errors": 15_000, "expired": 0, "first_fail_ms": 300.0,
                "last_fail_ms": 910.0, "waits": 9, "waits_after_first_token": 0,
                "errors_before_margin": null, "first_fail_from_expiry_ms": null,
                "recovery_ms": recovery,
            })
        };
        json!({"policy": {
            "policy": "defaults", "token_delay_ms": 20, "workers": 8, "slow_ms": 5,
            "scenarios": [
                {
                    "key": "rotation", "title": "rotation, 2 s tokens", "clock": "real",
                    "lifetime_secs": 2, "run_secs": 20.0, "workers": 8, "expiry_windows": 10,
                    "outage_after_ms": null, "outage_ms": null, "margin_ms": 40,
                    "token_requests": 11, "refused_token_requests": 0, "refused_per_s": null,
                    "calls": 150_000, "p50_us": 0.3, "p99_us": 0.8, "max_us": 21_500.0,
                    "over_5ms": 8, "errors": 0, "expired": 0, "first_fail_ms": null,
                    "last_fail_ms": null, "waits": 8, "waits_after_first_token": 0,
                    "errors_before_margin": null, "first_fail_from_expiry_ms": null,
                    "recovery_ms": null,
                },
                {
                    "key": "outage_with_token", "title": "4 s outage, token valid",
                    "clock": "real", "lifetime_secs": 4, "run_secs": 9.5, "workers": 8,
                    "expiry_windows": 3, "outage_after_ms": 3500, "outage_ms": 4000,
                    "margin_ms": 80, "token_requests": 9, "refused_token_requests": 7,
                    "refused_per_s": 1.75, "calls": 60_000, "p50_us": 0.3, "p99_us": 0.9,
                    "max_us": 500_000.0, "over_5ms": 16, "errors": 20_000, "expired": 0,
                    "first_fail_ms": 420.0, "last_fail_ms": 950.0, "waits": 16,
                    "waits_after_first_token": 8, "errors_before_margin": early,
                    "first_fail_from_expiry_ms": 4.2, "recovery_ms": 951.0,
                },
                outage("outage_4s", "4 s outage, no token", 4000, json!(905.0)),
                outage("outage_60s", "60 s outage, no token", 60_000, recovery_60s),
            ],
        }})
    }

    fn outcomes(runtime: &Value) -> Vec<(String, Outcome)> {
        policy_verdicts(runtime)
            .unwrap()
            .into_iter()
            .map(|v| (v.value, v.outcome))
            .collect()
    }

    #[test]
    fn policy_figures_on_target_are_met() {
        let got = outcomes(&policy(json!(930.0), 0));
        let values: Vec<&str> = got.iter().map(|(value, _)| value.as_str()).collect();
        assert_eq!(values, ["11", "0", "0", "0", "+905 ms", "+930 ms"]);
        assert!(got.iter().all(|(_, outcome)| *outcome == Outcome::Met));
    }

    #[test]
    fn policy_misses_are_judged() {
        // A slow recovery is reported; none at all, or an early error, is a wide miss.
        let got = outcomes(&policy(json!(1200.0), 0));
        assert_eq!(got[5], ("+1200 ms".into(), Outcome::Missed));
        let got = outcomes(&policy(Value::Null, 2));
        assert_eq!(got[3], ("2".into(), Outcome::WideMiss));
        assert_eq!(got[5], ("none".into(), Outcome::WideMiss));
    }

    #[test]
    fn missing_policy_figures_are_an_error() {
        let error = policy_verdicts(&json!({})).err().unwrap();
        assert!(
            error
                .to_string()
                .contains("no token-policy scenario rotation")
        );
    }

    #[test]
    fn policy_section_has_a_row_and_a_note_per_scenario() {
        let section = policy_section(&policy(json!(930.0), 0));
        assert!(section.starts_with("## 3. Token policy\n"));
        assert!(section.contains(
            "| rotation, 2 s tokens | real | 11 | 150000 | 0.3 | 0.8 | 21500.0 | 8 | 0 | 0 | - | - |"
        ));
        assert!(section.contains("| 4 s outage, token valid | real | 9 | 60000 | 0.3 | 0.9 | 500000.0 | 16 | 20000 | 0 | +420 ms | +950 ms |"));
        assert!(
            section
                .contains("calls waiting on the token endpoint: 8 at the cold start, 0 after it")
        );
        assert!(section.contains("Caller errors before the valid token's expiry − 80 ms: **0** (the first error came +4 ms from that expiry)"));
        assert!(section.contains("first token after the outage: **+930 ms**"));
        assert_eq!(section.matches("\n- **").count(), 4);
    }
}
