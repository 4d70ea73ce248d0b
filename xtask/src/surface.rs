//! The API surface as reviewable text: one block per operation with its id, method, path,
//! scopes, request type and response types. Snapshotted, so a spec change shows as a diff.

use std::fmt::Write as _;

use openapiv3::{OpenAPI, ReferenceOr, StatusCode};

use crate::error::GenerateError;
use crate::operations;
use crate::security::SecurityModel;

/// Renders the surface of `spec`.
pub fn render(spec: &OpenAPI, security: &SecurityModel) -> Result<String, GenerateError> {
    let components = spec.components.as_ref();
    let mut out = String::new();
    let _ = writeln!(out, "api: {} {}", spec.info.title, spec.info.version);
    let _ = writeln!(out, "token_url: {}", security.token_url);
    for (scope, description) in &security.scopes {
        let _ = writeln!(out, "scope: {scope} ({description})");
    }
    for (op, scopes) in operations::operations(spec)?
        .iter()
        .zip(&security.operations)
    {
        let _ = writeln!(out, "\n{}: {} {}", op.id(), op.method, op.path);
        let _ = writeln!(out, "  scopes: [{}]", scopes.scopes.join(", "));
        for parameter in op.path_parameters.iter().chain(&op.operation.parameters) {
            if let Ok(parameter) = operations::parameter(parameter, components) {
                let data = parameter.parameter_data_ref();
                let kind = match parameter {
                    openapiv3::Parameter::Query { .. } => "query",
                    openapiv3::Parameter::Header { .. } => "header",
                    openapiv3::Parameter::Path { .. } => "path",
                    openapiv3::Parameter::Cookie { .. } => "cookie",
                };
                let required = if data.required {
                    "required"
                } else {
                    "optional"
                };
                let _ = writeln!(out, "  param {kind} {} ({required})", data.name);
            }
        }
        if let Some(body) = &op.operation.request_body {
            if let Ok(body) = operations::request_body(body, components) {
                for (media, content) in &body.content {
                    let _ = writeln!(
                        out,
                        "  request: {media} {}",
                        type_name(content.schema.as_ref())
                    );
                }
            }
        }
        let responses = op
            .operation
            .responses
            .responses
            .iter()
            .map(|(code, item)| {
                let label = match code {
                    StatusCode::Code(code) => code.to_string(),
                    StatusCode::Range(range) => format!("{range}XX"),
                };
                (label, item)
            })
            .chain(
                op.operation
                    .responses
                    .default
                    .iter()
                    .map(|item| ("default".to_owned(), item)),
            );
        for (label, item) in responses {
            let body = match operations::response(item, components) {
                Ok(response) => match response.content.first() {
                    Some((media, content)) => {
                        format!("{media} {}", type_name(content.schema.as_ref()))
                    }
                    None => "(no body)".to_owned(),
                },
                Err(why) => format!("(unresolved: {why})"),
            };
            let _ = writeln!(out, "  {label}: {body}");
        }
    }
    Ok(out)
}

fn type_name(schema: Option<&ReferenceOr<openapiv3::Schema>>) -> String {
    match schema {
        Some(schema) => operations::schema_name(schema)
            .unwrap_or("(inline schema)")
            .to_owned(),
        None => "(no schema)".to_owned(),
    }
}
