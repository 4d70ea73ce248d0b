//! The fleet section of `cargo xtask bench`: builds and runs `auth/examples/fleet_bench.rs`
//! (release), which measures token requests of 1, 4 and 16 processes with and without Redis,
//! the hot path with a shared cache configured, draws `docs/fleet-token-requests.svg`, and
//! writes the `## Fleet token economy` section of BENCHMARKS.md. Needs `redis-server` on PATH.

use std::path::Path;
use std::process::Command;

/// Runs the fleet benchmark; `quick` shortens it and leaves BENCHMARKS.md alone.
pub(super) fn run(root: &Path, quick: bool) -> Result<(), String> {
    println!("\n== Fleet token economy (auth/examples/fleet_bench.rs, release) ==");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let build = Command::new(&cargo)
        .current_dir(root)
        .args([
            "build",
            "--release",
            "-p",
            "nxtsoft-auth",
            "--features",
            "redis",
        ])
        .args(["--bin", "nxtsoft-fleet-worker", "--example", "fleet_bench"])
        .status()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if !build.success() {
        return Err("building the fleet benchmark failed".into());
    }
    let mut bench = Command::new(root.join("target/release/examples/fleet_bench"));
    bench.current_dir(root);
    if quick {
        bench.arg("--quick");
    } else {
        bench.args(["--markdown", "BENCHMARKS.md"]);
    }
    let status = bench
        .args(["--svg", "docs/fleet-token-requests.svg"])
        .status()
        .map_err(|e| format!("could not run the fleet benchmark: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(
            "the fleet benchmark failed (is redis-server installed? apt-get install redis-server)"
                .into(),
        )
    }
}
