//! `cargo xtask`: the workspace's tasks. Run `cargo xtask --help`.
#![forbid(unsafe_code)]

mod bench;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clap::{Parser, Subcommand};
use xtask::{ChangeCause, Drift};

/// Workspace tasks for the NXTsoft client.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", version, about)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Regenerate the client crate from the OpenAPI spec.
    Generate {
        /// Do not write: exit 1 with a unified diff if the crate differs from the spec.
        #[arg(long)]
        check: bool,
        /// The spec to generate from [default: openapi/nxtsoft.yaml].
        #[arg(long, value_name = "PATH")]
        spec: Option<PathBuf>,
        /// The crate directory to write `src/` into [default: generated].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Refuse a spec that needs normalisation instead of normalising it.
        #[arg(long)]
        strict: bool,
    },
    /// Print the API surface (operations, scopes, types) of the spec.
    Surface {
        /// The spec [default: openapi/nxtsoft.yaml].
        #[arg(long, value_name = "PATH")]
        spec: Option<PathBuf>,
        /// Refuse a spec that needs normalisation instead of normalising it.
        #[arg(long)]
        strict: bool,
    },
    /// Run the demo: the full client against the loopback stand-in (or NXTsoft when NXTSOFT_* is set).
    Demo,
    /// Benchmark codegen, the generated crate's build and the client against raw reqwest;
    /// writes BENCHMARKS.md (release build; a few minutes on 2 cores).
    Bench {
        /// A short smoke run (fewer, shorter rounds; BENCHMARKS.md is not written).
        #[arg(long)]
        quick: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = xtask::workspace_root();
    let default_spec = || root.join("openapi/nxtsoft.yaml");
    match cli.task {
        Task::Generate {
            check,
            spec,
            out,
            strict,
        } => {
            let spec = spec.unwrap_or_else(default_spec);
            let out = out.unwrap_or_else(|| root.join("generated"));
            run_generate(&spec, &out, check, xtask::Options { strict })
        }
        Task::Surface { spec, strict } => {
            match xtask::surface_with(
                &spec.unwrap_or_else(default_spec),
                xtask::Options { strict },
            ) {
                Ok(text) => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                Err(error) => fail(&error),
            }
        }
        Task::Demo => delegate(&[
            "run",
            "--quiet",
            "--package",
            "nxtsoft-e2e",
            "--bin",
            "demo",
        ]),
        Task::Bench { quick } => bench::run(quick),
    }
}

/// Prints what was done to the spec (on stderr).
fn print_report(report: &[String]) {
    for line in report {
        eprintln!("{line}");
    }
}

/// Renders, then writes (or with `check`, compares), printing the report first.
fn run_generate(spec: &Path, out: &Path, check: bool, options: xtask::Options) -> ExitCode {
    if !check {
        return match xtask::generate_with(spec, out, options) {
            Ok((changed, report)) => {
                print_report(&report);
                if changed == 0 {
                    println!("{} is up to date with {}", out.display(), spec.display());
                } else {
                    println!(
                        "wrote {changed} file(s) under {} from {}",
                        out.display(),
                        spec.display()
                    );
                }
                ExitCode::SUCCESS
            }
            Err(error) => fail(&error),
        };
    }
    let drift = match xtask::check_with(spec, out, options) {
        Ok((drift, report)) => {
            print_report(&report);
            drift
        }
        Err(error) => return fail(&error),
    };
    if drift.is_empty() {
        println!("{} is up to date with {}", out.display(), spec.display());
        return ExitCode::SUCCESS;
    }
    for item in &drift {
        print!("{item}");
    }
    eprintln!(
        "error: {} is stale: {} file(s) differ from what {} generates{}. Run `cargo xtask generate` and commit the result.",
        out.display(),
        drift.len(),
        spec.display(),
        drift_reason(&drift)
    );
    ExitCode::FAILURE
}

/// Why the files differ, as far as their headers tell: a changed spec, or a hand edit (change
/// the spec or the xtask instead).
fn drift_reason(drift: &[Drift]) -> &'static str {
    let causes = || {
        drift.iter().filter_map(|item| match item {
            Drift::Changed { cause, .. } => Some(cause),
            Drift::Missing { .. } | Drift::Stale { .. } => None,
        })
    };
    if causes().any(|cause| matches!(cause, ChangeCause::DifferentSpec { .. })) {
        " (they were generated from a different spec)"
    } else if causes().any(|cause| matches!(cause, ChangeCause::EditedByHand)) {
        " (generated code was edited by hand: change the spec or the xtask instead)"
    } else {
        ""
    }
}

fn fail(error: &xtask::GenerateError) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::FAILURE
}

/// Runs `cargo <args>` in the workspace, passing through its exit status.
fn delegate(args: &[&str]) -> ExitCode {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    match Command::new(cargo)
        .args(args)
        .current_dir(xtask::workspace_root())
        .status()
    {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(status) => ExitCode::from(u8::try_from(status.code().unwrap_or(1)).unwrap_or(1)),
        Err(error) => {
            eprintln!("error: cannot run cargo: {error}");
            ExitCode::FAILURE
        }
    }
}
