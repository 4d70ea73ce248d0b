//! Codegen timings (`xtask::render` in memory), `cargo` invocations and the generated crate's
//! release build time.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use super::{BenchError, io};

/// The codegen timings: every run of `xtask::render` on each spec.
pub(super) struct Codegen {
    /// The profile xtask was built in.
    pub(super) profile: &'static str,
    /// Runs on `openapi/nxtsoft.yaml`.
    pub(super) ours_runs: Vec<Duration>,
    /// Runs on `xtask::large_spec::large_spec(large_operations)`.
    pub(super) large_runs: Vec<Duration>,
    /// The operation count of the large spec.
    pub(super) large_operations: usize,
    /// Runs on `xtask::large_spec::vendor_spec(vendor_operations)`.
    pub(super) vendor_runs: Vec<Duration>,
    /// The operation count of the vendor-style spec.
    pub(super) vendor_operations: usize,
}

/// The median of `runs` (the upper one of an even count; zero for none).
pub(super) fn median(runs: &[Duration]) -> Duration {
    let mut sorted = runs.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

/// Times `xtask::render` on our spec, a large one and a vendor-style one (fewer runs when
/// `quick`), printing each spec's runs.
pub(super) fn codegen(root: &Path, quick: bool) -> Result<Codegen, BenchError> {
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

/// The `cargo` to run: `$CARGO` when set.
fn cargo_path() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Runs `cargo <args>` in the workspace with the terminal attached.
pub(super) fn cargo(root: &Path, args: &[&str]) -> Result<(), BenchError> {
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
pub(super) fn generated_build_time(root: &Path) -> Result<Duration, BenchError> {
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
