//! Turning a checked spec into the generated crate's source files (the generated half of it:
//! the hand-written `lib.rs` and `hooks.rs` are not written here).

use std::panic::{self, AssertUnwindSafe};

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;

use crate::error::GenerateError;
use crate::output::GeneratedFiles;
use crate::security::{self, SecurityModel};

/// Generates the files that come from `spec` (already checked by `preflight`), keyed relative to
/// the client crate's directory: `src/client.rs` (progenitor's client), `src/security.rs` (the
/// token URL and scopes), the typed httpmock extension `mock/src/mock.rs` of the mock crate
/// (see [`crate::mock`]) and the commands `cli/src/commands.rs` of the CLI crate (see
/// [`crate::cli`]), each starting with `header`. The crates' other files are hand-written.
pub fn generate(
    spec: &OpenAPI,
    header: &str,
    security: &SecurityModel,
) -> Result<GeneratedFiles, GenerateError> {
    let mut files = GeneratedFiles::new();
    // progenitor's per-method snippets are not compilable on their own (they use `client` and
    // `body` without defining them): show them as text rather than as ignored doctests.
    let client = format_tokens(client_tokens(spec)?)?.replace("```ignore\n", "```text\n");
    files.insert("src/client.rs".into(), format!("{header}{client}"));
    let security = format_tokens(security::emit(security)?)?;
    files.insert("src/security.rs".into(), format!("{header}{security}"));
    let mock = format_tokens(crate::mock::tokens(spec)?)?;
    files.insert(crate::mock::PATH.into(), format!("{header}{mock}"));
    let commands = crate::cli::without_schema_bound(&format_tokens(crate::cli::tokens(spec)?)?)?;
    files.insert(crate::cli::PATH.into(), format!("{header}{commands}"));
    Ok(files)
}

/// progenitor's client, with the hooks this workspace expects and a panic turned into an error.
fn client_tokens(spec: &OpenAPI) -> Result<TokenStream, GenerateError> {
    run_progenitor(|generator| generator.generate_tokens(spec))
}

/// The settings every progenitor generator here uses: the mock and CLI generators must see the
/// same types and builders as the client they drive.
fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote!(nxtsoft_auth::Authenticator))
        .with_derive("PartialEq");
    settings
}

/// Runs one of progenitor's generators on a fresh [`Generator`] with [`settings`], turning its
/// errors and panics into a [`GenerateError`].
pub(crate) fn run_progenitor(
    generate: impl FnOnce(&mut Generator) -> Result<TokenStream, progenitor::Error>,
) -> Result<TokenStream, GenerateError> {
    let settings = settings();
    let previous_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        generate(&mut Generator::new(&settings))
    }));
    panic::set_hook(previous_hook);
    match outcome {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(error)) => Err(GenerateError::Progenitor {
            message: error.to_string(),
        }),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(no message)".to_owned());
            Err(GenerateError::ProgenitorPanic {
                message: message.lines().next().unwrap_or_default().to_owned(),
            })
        }
    }
}

/// Formats tokens with prettyplease: deterministic and independent of the installed rustfmt.
pub(crate) fn format_tokens(tokens: TokenStream) -> Result<String, GenerateError> {
    let file: syn::File = syn::parse2(tokens).map_err(|error| GenerateError::InvalidRust {
        message: error.to_string(),
    })?;
    Ok(prettyplease::unparse(&file))
}
