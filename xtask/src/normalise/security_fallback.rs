//! A spec without an OAuth2 `clientCredentials` scheme (many published specs omit or mangle
//! `securitySchemes`) still yields an authenticating client: the token URL and scopes come from
//! `security.yaml` beside the spec (`openapi/security.yaml` for ours), or, without that file,
//! from NXTsoft's documented defaults. Either way the report carries a warning.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use openapiv3::OpenAPI;
use serde::Deserialize;

use super::Recorder;
use crate::error::GenerateError;
use crate::operations;
use crate::security::{self, OperationScopes, SecurityModel};

/// The `--strict` name of this pass.
pub const PASS: &str = "security";

/// The file name of the fallback, looked up beside the spec.
pub const FILE_NAME: &str = "security.yaml";

/// NXTsoft's documented token URL, used when neither the spec nor the file gives one.
pub const DEFAULT_TOKEN_URL: &str = "https://auth.nxtsoft.com/oauth2/token";

/// NXTsoft's scopes: `transactions/mock` is documented, `transactions/post` seen in a sample token.
pub const DEFAULT_SCOPES: &[(&str, &str)] = &[
    ("transactions/mock", "Post a validation message."),
    (
        "transactions/post",
        "Post a transaction (seen in a sample token).",
    ),
];

/// The fallback file: what the spec's `clientCredentials` flow would have said.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SecurityFile {
    token_url: String,
    #[serde(default)]
    scopes: IndexMap<String, String>,
}

/// The spec's client-credentials model, or the fallback's (with a warning) when it has none.
pub fn read(
    spec: &OpenAPI,
    spec_path: &Path,
    recorder: &mut Recorder<'_>,
) -> Result<SecurityModel, GenerateError> {
    if security::has_client_credentials(spec) || recorder.strict() {
        return security::read(spec);
    }
    let file = spec_path
        .parent()
        .map_or_else(|| PathBuf::from(FILE_NAME), |dir| dir.join(FILE_NAME));
    let (source, token_url, scopes) = match std::fs::read_to_string(&file) {
        Ok(text) => {
            let parsed: SecurityFile =
                serde_saphyr::from_str(&text).map_err(|error| GenerateError::SecurityFile {
                    path: file.clone(),
                    message: error.to_string().replace('\n', " "),
                })?;
            (
                format!("`{FILE_NAME}` beside the spec"),
                parsed.token_url,
                parsed.scopes.into_iter().collect(),
            )
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => (
            "the built-in default (NXTsoft's documented token URL)".to_owned(),
            DEFAULT_TOKEN_URL.to_owned(),
            DEFAULT_SCOPES
                .iter()
                .map(|(name, description)| ((*name).to_owned(), (*description).to_owned()))
                .collect(),
        ),
        Err(error) => {
            return Err(GenerateError::SecurityFile {
                path: file,
                message: error.to_string(),
            });
        }
    };
    let operations = operations::operations(spec)?
        .iter()
        .map(|op| OperationScopes {
            operation_id: op.id().to_owned(),
            method: op.method.to_owned(),
            path: op.path.to_owned(),
            scopes: Vec::new(),
        })
        .collect();
    recorder.warn(
        PASS,
        format!("no OAuth2 clientCredentials scheme in the spec: token URL {token_url} and scopes from {source}"),
        vec!["#/components/securitySchemes".to_owned()],
    )?;
    Ok(SecurityModel {
        scheme: "fallback".to_owned(),
        token_url,
        scopes,
        operations,
        fallback: Some(source),
    })
}
