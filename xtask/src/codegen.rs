//! Turning a checked spec into the generated crate's source files.

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;

use openapiv3::{OpenAPI, ReferenceOr};
use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;

use crate::error::GenerateError;
use crate::operations;
use crate::security::{self, SecurityModel};

/// The generated files, keyed by their path relative to the output crate directory.
pub type GeneratedFiles = BTreeMap<PathBuf, String>;

/// First line of every generated file; also how stale generated files are recognised.
pub const HEADER_PREFIX: &str = "// Generated from ";

/// Generates every file of the client crate from `spec` (already checked by `preflight`).
/// `spec_label` is how the header names the spec (a path relative to the workspace).
pub fn generate(
    spec: &OpenAPI,
    spec_label: &str,
    security: &SecurityModel,
) -> Result<GeneratedFiles, GenerateError> {
    let header = format!(
        "{HEADER_PREFIX}{spec_label} by `cargo xtask generate`; do not edit.\n// Change the spec or the xtask and run `cargo xtask generate` instead.\n\n"
    );
    let mut files = GeneratedFiles::new();
    files.insert("src/lib.rs".into(), header.clone() + &lib_rs(spec));
    // progenitor's per-method snippets are not compilable on their own (they use `client` and
    // `body` without defining them): show them as text rather than as ignored doctests.
    let client = format_tokens(client_tokens(spec)?)?.replace("```ignore\n", "```text\n");
    files.insert("src/client.rs".into(), header.clone() + &client);
    files.insert(
        "src/hooks.rs".into(),
        header.clone() + &format_tokens(hooks_tokens())?,
    );
    files.insert(
        "src/security.rs".into(),
        header + &format_tokens(security::emit(security)?)?,
    );
    Ok(files)
}

/// progenitor's client, with the hooks this workspace expects and a panic turned into an error.
fn client_tokens(spec: &OpenAPI) -> Result<TokenStream, GenerateError> {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote!(nxtsoft_auth::Authenticator))
        .with_derive("PartialEq");
    let previous_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        Generator::new(&settings).generate_tokens(spec)
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

/// The glue the orphan rule forces into the crate that defines `Client`: it only delegates to
/// `nxtsoft_auth`, where all the logic lives.
fn hooks_tokens() -> TokenStream {
    quote! {
        //! Glue between progenitor's hooks and `nxtsoft_auth`: every request gets a bearer token,
        //! and a `401` gets one fresh token and one re-send. All logic lives in `nxtsoft_auth`.

        use std::sync::Arc;

        use nxtsoft_auth::{AuthError, Authenticator, ConfigError, Credentials, CredentialsBuilder};
        use progenitor_client::{ClientHooks, OperationInfo};

        use crate::{Client, Error};

        impl ClientHooks<Authenticator> for Client {
            async fn pre<E>(&self, request: &mut reqwest::Request, _info: &OperationInfo) -> Result<(), Error<E>> {
                self.inner.authorize(request).await.map_err(|error| Error::Custom(error.to_string()))
            }

            async fn exec(&self, request: reqwest::Request, _info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
                self.inner.execute(&self.client, request).await
            }
        }

        impl Client {
            /// A client for the API at `base_url` that authenticates with `credentials`.
            ///
            /// `base_url` must be `https`, except for loopback hosts.
            pub fn authenticated(credentials: Credentials, base_url: &str) -> Result<Self, ConfigError> {
                Self::authenticated_with_client(credentials, base_url, nxtsoft_auth::api_http_client_for(base_url)?)
            }

            /// Like [`Client::authenticated`], sending API requests with your own `reqwest::Client`.
            pub fn authenticated_with_client(credentials: Credentials, base_url: &str, http: reqwest::Client) -> Result<Self, ConfigError> {
                Self::with_authenticator(base_url, http, Authenticator::new(credentials)?)
            }

            /// A client that takes its tokens from `authenticator` (for example one shared by
            /// several clients, or one over your own `TokenSource`).
            pub fn with_authenticator(base_url: &str, http: reqwest::Client, authenticator: Authenticator) -> Result<Self, ConfigError> {
                let base_url = nxtsoft_auth::check_base_url(base_url)?;
                Ok(Self::new_with_client(base_url.as_str().trim_end_matches('/'), http, authenticator))
            }

            /// A client configured from `NXTSOFT_*` environment variables (see `nxtsoft_auth::EnvConfig`);
            /// the token URL defaults to the spec's.
            pub fn from_env() -> Result<Self, ConfigError> {
                let env = nxtsoft_auth::EnvConfig::from_env(crate::security::TOKEN_URL)?;
                Self::authenticated(env.credentials, &env.api_base_url)
            }

            /// The authenticator: token counters, and the token cache this client shares.
            pub fn authenticator(&self) -> &Authenticator {
                &self.inner
            }

            /// The typed token failure behind an [`Error::Custom`] this client returned, if it
            /// was one (progenitor's hooks can only return a string).
            pub fn auth_error<E>(&self, error: &Error<E>) -> Option<Arc<AuthError>> {
                match error {
                    Error::Custom(message) => self.inner.recover_error(message),
                    _ => None,
                }
            }
        }

        /// Credentials for this API, with the spec's token URL preset.
        pub fn credentials(client_id: impl Into<String>, client_secret: impl Into<secrecy::SecretString>) -> CredentialsBuilder {
            Credentials::builder(crate::security::TOKEN_URL, client_id, client_secret)
        }
    }
}

/// The crate root: docs with an example of the spec's first operation, and the module tree.
fn lib_rs(spec: &OpenAPI) -> String {
    let title = &spec.info.title;
    let version = &spec.info.version;
    let example = first_operation_example(spec);
    format!(
        r#"//! Typed client for the {title} ({version}).
//!
//! Generated by progenitor; every request passes through [`nxtsoft_auth::Authenticator`],
//! which adds a cached OAuth2 client-credentials token and answers a `401` with one fresh
//! token and one re-send.
//!
//! ```no_run
//! # async fn example({example_args}) -> Result<(), Box<dyn std::error::Error>> {{
//! let client = nxtsoft_client::Client::from_env()?;
{example_call}//! # Ok(())
//! # }}
//! ```
#![forbid(unsafe_code)]

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, missing_docs, unused_imports)]
#[allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]
mod client;
#[rustfmt::skip]
mod hooks;
#[rustfmt::skip]
pub mod security;

pub use client::*;
pub use hooks::credentials;
pub use nxtsoft_auth::{{AuthError, Authenticator, ConfigError, Credentials, CredentialsBuilder}};
pub use security::Scope;
"#,
        example_args = example.0,
        example_call = example.1,
    )
}

/// `(function arguments, call expression)` for the crate docs' example.
fn first_operation_example(spec: &OpenAPI) -> (String, String) {
    let Some(op) = operations::operations(spec)
        .ok()
        .and_then(|ops| ops.into_iter().next())
    else {
        return (String::new(), "//! let _ = client;\n".to_owned());
    };
    let components = spec.components.as_ref();
    let body_type = op
        .operation
        .request_body
        .as_ref()
        .and_then(|body| operations::request_body(body, components).ok())
        .and_then(|body| body.content.first())
        .and_then(|(_, content)| content.schema.as_ref())
        .and_then(|schema| match schema {
            ReferenceOr::Reference { .. } => operations::schema_name(schema),
            ReferenceOr::Item(_) => None,
        })
        .filter(|name| {
            name.starts_with(|c: char| c.is_ascii_uppercase())
                && name.chars().all(|c| c.is_ascii_alphanumeric())
        });
    let (args, call) = match body_type {
        Some(name) => (
            format!("body: nxtsoft_client::types::{name}"),
            format!("{}().body(body)", op.id()),
        ),
        None => (String::new(), format!("{}()", op.id())),
    };
    let lines = format!(
        "//! let response = client.{call}.send().await?;\n//! println!(\"{{:?}}\", response.into_inner());\n"
    );
    (args, lines)
}

/// Formats tokens with prettyplease: deterministic and independent of the installed rustfmt.
fn format_tokens(tokens: TokenStream) -> Result<String, GenerateError> {
    let file: syn::File = syn::parse2(tokens).map_err(|error| GenerateError::InvalidRust {
        message: error.to_string(),
    })?;
    Ok(prettyplease::unparse(&file))
}
