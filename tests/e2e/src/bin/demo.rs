//! `cargo xtask demo`: the typed NXTsoft client end to end.
//!
//! With no `NXTSOFT_*` variable set, it runs against a loopback stand-in started in this
//! process; with them set, against the endpoints they name. See [`nxtsoft_e2e::demo`].
//! Logs go to stderr (`RUST_LOG`, default `warn`).

#![forbid(unsafe_code)]

use std::process::ExitCode;

use nxtsoft_e2e::demo::{self, Target};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let outcome = match Target::from_env() {
        Ok(target) => demo::run(target, &mut std::io::stdout()).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{}", demo::explain(&error));
            ExitCode::FAILURE
        }
    }
}
