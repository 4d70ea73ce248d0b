//! The typed mocks: progenitor's httpmock generator turned on the same spec as the client, so a
//! user's test says in types what an operation is called with and what it answers.

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;

use crate::codegen::run_progenitor;
use crate::error::GenerateError;

/// Where the mock module is written, relative to the client crate's directory: the mock crate
/// `generated/mock/` (package `nxtsoft-client-mock`) includes it from its hand-written `lib.rs`.
pub const PATH: &str = "mock/src/mock.rs";

/// The Rust path the generated mocks name the client's types by.
const CLIENT_CRATE: &str = "nxtsoft_client";

/// progenitor's httpmock extension for `spec`: a `MockServerExt` trait with one method per
/// operation and typed `When`/`Then` wrappers in `operations`.
pub fn tokens(spec: &OpenAPI) -> Result<TokenStream, GenerateError> {
    run_progenitor(|generator| generator.httpmock(spec, CLIENT_CRATE))
}
