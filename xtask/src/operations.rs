//! Walking the spec's operations and resolving the `$ref`s they use.

use openapiv3::{
    Components, OpenAPI, Operation, Parameter, ReferenceOr, RequestBody, Response, Schema,
};

use crate::error::GenerateError;

/// One operation of the spec with where it lives.
#[derive(Debug, Clone, Copy)]
pub struct OperationRef<'a> {
    /// Upper-case HTTP method.
    pub method: &'static str,
    /// The path template.
    pub path: &'a str,
    /// The operation.
    pub operation: &'a Operation,
    /// Parameters declared on the path item (shared by its operations).
    pub path_parameters: &'a [ReferenceOr<Parameter>],
}

impl OperationRef<'_> {
    /// `POST /transactions/mock (validate_transaction)`, for messages.
    pub fn label(&self) -> String {
        label(self.method, self.path, self.operation)
    }

    /// The operationId, or an empty string when missing (preflight rejects that first).
    pub fn id(&self) -> &str {
        self.operation.operation_id.as_deref().unwrap_or_default()
    }

    /// An error about this operation.
    pub fn error(&self, problem: impl Into<String>, fix: impl Into<String>) -> GenerateError {
        GenerateError::Operation {
            operation: self.label(),
            problem: problem.into(),
            fix: fix.into(),
        }
    }
}

/// Every operation in document order. A path item given as a `$ref` is an error (progenitor
/// does not follow those).
pub fn operations(spec: &OpenAPI) -> Result<Vec<OperationRef<'_>>, GenerateError> {
    let mut found = Vec::new();
    for (path, item) in spec.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            return Err(GenerateError::Operation {
                operation: path.clone(),
                problem: "the path item is a `$ref`, which the generator does not follow.".into(),
                fix: "inline the path item under `paths`.".into(),
            });
        };
        for (method, operation) in item.iter() {
            found.push(OperationRef {
                method: upper_method(method),
                path,
                operation,
                path_parameters: &item.parameters,
            });
        }
    }
    Ok(found)
}

/// `POST /transactions/mock (validate_transaction)`: how messages and reports name an operation.
pub fn label(method: &str, path: &str, operation: &Operation) -> String {
    match &operation.operation_id {
        Some(id) => format!("{method} {path} ({id})"),
        None => format!("{method} {path}"),
    }
}

/// Calls `visit(method, path, operation)` for every operation, in document order, mutably.
/// Path items given as a `$ref` are skipped (preflight refuses them).
pub fn for_each_mut(spec: &mut OpenAPI, mut visit: impl FnMut(&'static str, &str, &mut Operation)) {
    for (path, item) in spec.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let slots = [
            ("GET", &mut item.get),
            ("PUT", &mut item.put),
            ("POST", &mut item.post),
            ("DELETE", &mut item.delete),
            ("OPTIONS", &mut item.options),
            ("HEAD", &mut item.head),
            ("PATCH", &mut item.patch),
            ("TRACE", &mut item.trace),
        ];
        for (method, slot) in slots {
            if let Some(operation) = slot.as_mut() {
                visit(method, path, operation);
            }
        }
    }
}

fn upper_method(method: &str) -> &'static str {
    match method {
        "get" => "GET",
        "put" => "PUT",
        "post" => "POST",
        "delete" => "DELETE",
        "options" => "OPTIONS",
        "head" => "HEAD",
        "patch" => "PATCH",
        _ => "TRACE",
    }
}

/// Resolves a local `#/components/<section>/<name>` reference.
fn resolve<'a, T>(
    item: &'a ReferenceOr<T>,
    section: &str,
    lookup: impl Fn(&'a Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
    components: Option<&'a Components>,
) -> Result<&'a T, String> {
    let mut current = item;
    for _ in 0..16 {
        match current {
            ReferenceOr::Item(item) => return Ok(item),
            ReferenceOr::Reference { reference } => {
                let prefix = format!("#/components/{section}/");
                let name = reference.strip_prefix(&prefix).ok_or_else(|| {
                    format!("the reference `{reference}` is not of the form `{prefix}<name>`")
                })?;
                current = components
                    .and_then(|c| lookup(c).get(name))
                    .ok_or_else(|| format!("the reference `{reference}` points at nothing"))?;
            }
        }
    }
    Err(format!(
        "the `$ref` chain starting at {section} is longer than 16 (a cycle?)"
    ))
}

/// Resolves a response `$ref`.
pub fn response<'a>(
    item: &'a ReferenceOr<Response>,
    components: Option<&'a Components>,
) -> Result<&'a Response, String> {
    resolve(item, "responses", |c| &c.responses, components)
}

/// Resolves a request body `$ref`.
pub fn request_body<'a>(
    item: &'a ReferenceOr<RequestBody>,
    components: Option<&'a Components>,
) -> Result<&'a RequestBody, String> {
    resolve(item, "requestBodies", |c| &c.request_bodies, components)
}

/// Resolves a parameter `$ref`.
pub fn parameter<'a>(
    item: &'a ReferenceOr<Parameter>,
    components: Option<&'a Components>,
) -> Result<&'a Parameter, String> {
    resolve(item, "parameters", |c| &c.parameters, components)
}

/// The name a schema is known by: the component name of a `$ref`, or `None` when inline.
pub fn schema_name(schema: &ReferenceOr<Schema>) -> Option<&str> {
    match schema {
        ReferenceOr::Reference { reference } => {
            Some(reference.rsplit('/').next().unwrap_or(reference.as_str()))
        }
        ReferenceOr::Item(_) => None,
    }
}

/// Whether a media type is JSON the way progenitor decides it.
pub fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.starts_with("application/json;")
}
