//! `cargo xtask bench`: codegen timings, the generated crate's release build time, and the
//! runtime benchmark (`nxtsoft-e2e`'s `bench` binary, release), written to `BENCHMARKS.md`.
//!
//! Exit status: non-zero when a step fails, or when a figure misses its target by a wide margin
//! (see [`TARGETS_TEXT`]). A figure that misses its target by less is reported, not fatal: one
//! noisy run on a shared 2-core machine should not fail, a regression should.
//!
//! This module runs the steps in order; `machine`, `codegen`, `verdicts`, `report` (with
//! `policy_section`) and `fleet` do them.

mod codegen;
#[cfg(test)]
mod fixture;
mod fleet;
mod machine;
mod policy_section;
mod report;
mod verdicts;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use serde_json::Value;

use codegen::{cargo, codegen, generated_build_time};
use machine::machine;
use report::{KEEP_MARKER, report};
use verdicts::{Outcome, TARGETS_TEXT, verdicts};

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

/// Maps an I/O error on `path` to [`BenchError::Io`].
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

/// The benchmark proper: `Ok(false)` when a figure missed its target by a wide margin.
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
    fleet::run(&root, quick).map_err(BenchError::Figures)?;
    let wide = verdicts
        .iter()
        .filter(|v| v.outcome == Outcome::WideMiss)
        .count();
    if wide > 0 {
        eprintln!("error: {wide} figure(s) missed their target by a wide margin");
    }
    Ok(wide == 0)
}
