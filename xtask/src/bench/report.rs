//! `BENCHMARKS.md`: the machine, the verdicts, the runtime figures and the codegen timings
//! above the hand-written notes, which are kept across runs.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::Value;

use super::codegen::{Codegen, median};
use super::machine::Machine;
use super::policy_section::policy_section;
use super::verdicts::{TARGETS_TEXT, Verdict};

/// Everything below this line of `BENCHMARKS.md` is hand-written and kept across runs.
pub(super) const KEEP_MARKER: &str =
    "<!-- Everything below this line is hand-written; cargo xtask bench keeps it. -->";

/// A duration in whole milliseconds: `812 ms`.
fn ms(duration: Duration) -> String {
    format!("{:.0} ms", duration.as_secs_f64() * 1000.0)
}

/// The whole `BENCHMARKS.md`: the generated sections, [`KEEP_MARKER`], then `kept` (the
/// hand-written notes of the previous file).
pub(super) fn report(
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
    let rows = [
        ("openapi/nxtsoft.yaml".to_owned(), &codegen.ours_runs),
        (
            format!(
                "`xtask::large_spec::large_spec({0})` ({0} operations)",
                codegen.large_operations
            ),
            &codegen.large_runs,
        ),
        (
            format!(
                "`xtask::large_spec::vendor_spec({0})` ({0} operations, OpenAPI 3.1, every normalisation; target < 3 s)",
                codegen.vendor_operations
            ),
            &codegen.vendor_runs,
        ),
    ];
    for (spec, times) in rows {
        let runs = times.iter().map(|t| ms(*t)).collect::<Vec<_>>().join(", ");
        let _ = writeln!(out, "| {spec} | {} | {runs} |", ms(median(times)));
    }
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
