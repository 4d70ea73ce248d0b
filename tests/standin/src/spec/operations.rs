//! The operations and scopes of the description: what the stand-in routes and authorises.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Compiler, Schema, SpecError, escape_pointer, malformed};

/// Deepest chain of `$ref`s to responses that is followed.
const MAX_REF_HOPS: usize = 64;

/// One documented answer of an operation.
#[derive(Debug, Clone)]
pub(super) struct Response {
    /// Its JSON body's schema, if it documents one.
    pub(super) schema: Option<Schema>,
    /// The header names it documents, lower-cased.
    pub(super) headers: Vec<String>,
}

/// One operation of the description.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The `operationId`, e.g. `validate_transaction`.
    pub operation_id: String,
    /// The HTTP method in upper case, e.g. `POST`.
    pub method: String,
    /// The path, e.g. `/transactions/mock`.
    pub path: String,
    /// The OAuth2 scopes the operation requires.
    pub scopes: Vec<String>,
    /// The name of the `components/schemas` entry of the JSON request body, if it is a `$ref`.
    pub request_schema_name: Option<String>,
    pub(super) request: Option<Schema>,
    responses: BTreeMap<String, Response>,
}

impl Operation {
    /// The status keys documented for this operation (`200`, `400`, `5XX`, ...).
    pub fn documented_statuses(&self) -> Vec<&str> {
        self.responses.keys().map(String::as_str).collect()
    }

    /// The answer documented for `status`: exact, else its `NXX` range, else `default`.
    pub(super) fn response_for(&self, status: u16) -> Option<&Response> {
        let range = format!("{}XX", status / 100);
        self.responses
            .get(&status.to_string())
            .or_else(|| self.responses.get(&range))
            .or_else(|| self.responses.get("default"))
    }
}

pub(super) fn collect_scopes(doc: &Value) -> BTreeMap<String, String> {
    let flows = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|schemes| schemes.values())
        .filter_map(|scheme| scheme.get("flows").and_then(Value::as_object))
        .flat_map(|flows| flows.values());
    let mut scopes = BTreeMap::new();
    for map in flows.filter_map(|flow| flow.get("scopes").and_then(Value::as_object)) {
        for (name, description) in map {
            let description = description.as_str().unwrap_or_default().to_owned();
            scopes.insert(name.clone(), description);
        }
    }
    scopes
}

fn scopes_of(security: &Value) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    let lists = security
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|requirement| requirement.values());
    for scope in lists
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(Value::as_str)
    {
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_owned());
        }
    }
    scopes
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

pub(super) fn collect_operations(
    doc: &Value,
    compiler: &Compiler,
) -> Result<Vec<Operation>, SpecError> {
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| malformed("/paths", "missing or not a mapping"))?;
    let global_security = doc.get("security");
    let mut ops = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let loc = format!("/paths/{}/{method}", escape_pointer(path));
            let operation_id = op
                .get("operationId")
                .and_then(Value::as_str)
                .ok_or_else(|| malformed(&loc, "operation without an operationId"))?
                .to_owned();
            let security = op.get("security").or(global_security);
            let request_schema = op.pointer("/requestBody/content/application~1json/schema");
            let request_schema_name = request_schema
                .and_then(|s| s.get("$ref"))
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .map(str::to_owned);
            let request = request_schema
                .map(|schema| compiler.compile(schema, &format!("{loc}/requestBody")))
                .transpose()?;
            let mut responses = BTreeMap::new();
            for (status, response) in op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let at = format!("{loc}/responses/{status}");
                let response = resolve_in(doc, response, &at)?;
                let schema = response
                    .pointer("/content/application~1json/schema")
                    .map(|schema| compiler.compile(schema, &at))
                    .transpose()?;
                let headers = response
                    .get("headers")
                    .and_then(Value::as_object)
                    .map(|h| h.keys().map(|k| k.to_ascii_lowercase()).collect())
                    .unwrap_or_default();
                responses.insert(status.clone(), Response { schema, headers });
            }
            ops.push(Operation {
                operation_id,
                method: method.to_uppercase(),
                path: path.clone(),
                scopes: security.map(scopes_of).unwrap_or_default(),
                request_schema_name,
                request,
                responses,
            });
        }
    }
    Ok(ops)
}

/// Follows `$ref`s (to `#/components/responses/...` and the like) within the document.
fn resolve_in<'a>(
    doc: &'a Value,
    value: &'a Value,
    location: &str,
) -> Result<&'a Value, SpecError> {
    let mut current = value;
    for _ in 0..MAX_REF_HOPS {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
            return Ok(current);
        };
        current = reference
            .strip_prefix('#')
            .and_then(|p| doc.pointer(p))
            .ok_or_else(|| SpecError::BadRef {
                location: location.to_owned(),
                reference: reference.to_owned(),
            })?;
    }
    Err(malformed(location, "reference chain too long"))
}
