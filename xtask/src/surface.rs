//! The API surface as reviewable text: one block per operation with its id, method, path,
//! scopes, request type and response types. Snapshotted, so a spec change shows as a diff.

use std::fmt::Write as _;

use openapiv3::{OpenAPI, ReferenceOr, StatusCode};

use crate::error::GenerateError;
use crate::operations;
use crate::security::SecurityModel;

/// Renders the surface of `spec`, after the report of what overlays and normalisation did.
pub fn render(
    spec: &OpenAPI,
    security: &SecurityModel,
    report: &[String],
) -> Result<String, GenerateError> {
    let components = spec.components.as_ref();
    let mut out = String::new();
    let _ = writeln!(out, "api: {} {}", spec.info.title, spec.info.version);
    for line in report {
        let _ = writeln!(out, "{line}");
    }
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
        if let Some(body) = &op.operation.request_body
            && let Ok(body) = operations::request_body(body, components)
        {
            for (media, content) in &body.content {
                let _ = writeln!(
                    out,
                    "  request: {media} {}",
                    type_name(content.schema.as_ref())
                );
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
    render_schemas(spec, &mut out);
    Ok(out)
}

/// One line per component schema field, so a changed field shows in the snapshot.
fn render_schemas(spec: &OpenAPI, out: &mut String) {
    let Some(components) = &spec.components else {
        return;
    };
    for (name, schema) in &components.schemas {
        let value = serde_json::to_value(schema).unwrap_or_default();
        let _ = writeln!(out, "\nschema {name}: {}", describe(&value));
        let required: Vec<&str> = value
            .get("required")
            .and_then(|r| r.as_array())
            .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        if let Some(properties) = value.get("properties").and_then(|p| p.as_object()) {
            // Sorted, so the surface does not depend on how serde_json orders maps.
            let mut properties: Vec<_> = properties.iter().collect();
            properties.sort_by_key(|(field, _)| *field);
            for (field, field_schema) in properties {
                let presence = if required.contains(&field.as_str()) {
                    "required"
                } else {
                    "optional"
                };
                let _ = writeln!(out, "  {field}: {} ({presence})", describe(field_schema));
            }
        }
    }
}

/// `string (date)`, `array of FieldMessage`, `enum [debit, credit]`, `ref AccountRef`.
fn describe(schema: &serde_json::Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(|r| r.as_str()) {
        return reference.rsplit('/').next().unwrap_or(reference).to_owned();
    }
    if let Some(values) = schema.get("enum").and_then(|e| e.as_array()) {
        let values: Vec<String> = values
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect();
        return format!("enum [{}]", values.join(", "));
    }
    let kind = schema.get("type").and_then(|t| t.as_str()).unwrap_or("any");
    match (kind, schema.get("format").and_then(|f| f.as_str())) {
        ("array", _) => format!(
            "array of {}",
            schema
                .get("items")
                .map_or_else(|| "any".to_owned(), describe)
        ),
        (kind, Some(format)) => format!("{kind} ({format})"),
        (kind, None) => kind.to_owned(),
    }
}

fn type_name(schema: Option<&ReferenceOr<openapiv3::Schema>>) -> String {
    match schema {
        Some(schema) => operations::schema_name(schema)
            .unwrap_or("(inline schema)")
            .to_owned(),
        None => "(no schema)".to_owned(),
    }
}
