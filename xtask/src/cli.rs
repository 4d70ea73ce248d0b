//! The `nxtsoft` command line: progenitor's clap generator turned on the same spec as the
//! client, one subcommand per operation. The binary around it (`generated/cli/src/main.rs`:
//! configuration, output, exit codes, `auth check`) is hand-written.

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;

use crate::codegen::run_progenitor;
use crate::error::GenerateError;

/// Where the generated commands are written, relative to the client crate's directory: the CLI
/// crate `generated/cli/` (package `nxtsoft-cli`) includes it from its hand-written `main.rs`.
pub const PATH: &str = "cli/src/commands.rs";

/// The Rust path the generated commands name the client by.
const CLIENT_CRATE: &str = "nxtsoft_client";

/// The bound progenitor puts on every value its `CliConfig` prints. It serves Oxide's table
/// output; the client's types do not derive `JsonSchema` (and need not: `nxtsoft` prints JSON),
/// so the bound is dropped from the formatted source.
const SCHEMA_BOUND: &str = "schemars::JsonSchema + ";

/// progenitor's CLI for `spec`: a `Cli` with a clap `Command` and an `execute_*` method per
/// operation, and the `CliConfig` trait the binary implements.
pub fn tokens(spec: &OpenAPI) -> Result<TokenStream, GenerateError> {
    run_progenitor(|generator| generator.cli(spec, CLIENT_CRATE))
}

/// The formatted commands without the `JsonSchema` bound; an error if progenitor no longer
/// writes that bound (its output changed: this function must be revisited).
pub fn without_schema_bound(formatted: &str) -> Result<String, GenerateError> {
    if !formatted.contains(SCHEMA_BOUND) {
        return Err(GenerateError::UnexpectedOutput {
            message: format!(
                "the generated CLI no longer bounds its output by `{}` (xtask/src/cli.rs removes it)",
                SCHEMA_BOUND.trim_end_matches(" + ")
            ),
        });
    }
    Ok(formatted.replace(SCHEMA_BOUND, ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_bound_is_removed() {
        let source = "fn f<T>() where T: schemars::JsonSchema + serde::Serialize {}";
        assert_eq!(
            without_schema_bound(source).unwrap(),
            "fn f<T>() where T: serde::Serialize {}"
        );
    }

    #[test]
    fn output_without_the_bound_is_an_error_not_a_silent_pass() {
        let error = without_schema_bound("fn f<T>() where T: serde::Serialize {}").unwrap_err();
        assert!(matches!(error, GenerateError::UnexpectedOutput { .. }));
        assert!(
            error.to_string().contains("schemars::JsonSchema"),
            "{error}"
        );
    }
}
