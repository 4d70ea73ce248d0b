//! The OpenAPI description the stand-in serves, and validation against its schemas.
//!
//! The stand-in never uses the generated client's types: request bodies are checked against the
//! schemas of `openapi/nxtsoft.yaml` itself (embedded at compile time), so a generated type that
//! drifts from the spec is caught on the wire. Tests use the same checks to see that the
//! stand-in's answers have the shape the spec documents.
//!
//! On load, every schema is translated from OpenAPI 3.0 into JSON Schema 2020-12 (`spec/openapi.rs`
//! explains how) and compiled once with the `jsonschema` crate; a schema using a keyword
//! OpenAPI 3.0 does not define, a string `format` the validator does not check, or a `$ref`
//! outside `#/components/schemas/` fails the load instead of silently accepting more than the
//! spec allows.

mod openapi;
mod operations;
#[cfg(test)]
mod tests;
mod violation;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use jsonschema::{Draft, Validator};
use serde_json::{Map, Value};

pub use openapi::SUPPORTED_KEYWORDS;
pub use operations::Operation;
pub use violation::Violation;

/// The OpenAPI description embedded in this crate (`openapi/nxtsoft.yaml`).
pub const SPEC_YAML: &str = include_str!("../../../openapi/nxtsoft.yaml");

/// Why an OpenAPI description could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    /// The text is not YAML (or JSON) at all.
    #[error("the OpenAPI description is not valid YAML: {0}")]
    Yaml(String),
    /// A required part of the document is missing or has the wrong shape.
    #[error("the OpenAPI description is malformed at {location}: {reason}")]
    Malformed {
        /// Where in the document (a JSON pointer).
        location: String,
        /// What is wrong there.
        reason: String,
    },
    /// A schema uses a keyword (or a `format`) the stand-in cannot enforce.
    #[error(
        "the schema at {location} uses `{keyword}`, which the stand-in's validator does not support"
    )]
    UnsupportedKeyword {
        /// Where in the document (a JSON pointer).
        location: String,
        /// The keyword.
        keyword: String,
    },
    /// A `pattern` is not a valid regular expression.
    #[error("the pattern `{pattern}` at {location} does not compile: {reason}")]
    BadPattern {
        /// Where in the document (a JSON pointer).
        location: String,
        /// The pattern text.
        pattern: String,
        /// The compiler's message.
        reason: String,
    },
    /// A `$ref` points nowhere (or outside `#/components/`).
    #[error("the reference `{reference}` at {location} does not resolve")]
    BadRef {
        /// Where in the document (a JSON pointer).
        location: String,
        /// The reference text.
        reference: String,
    },
}

/// A schema of the description, compiled.
#[derive(Clone)]
struct Schema(Arc<Validator>);

impl fmt::Debug for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Schema(..)")
    }
}

/// A loaded OpenAPI description.
#[derive(Debug)]
pub struct Spec {
    version: String,
    operations: Vec<Operation>,
    scopes: BTreeMap<String, String>,
    schemas: BTreeMap<String, Schema>,
    compiler: Compiler,
}

static EMBEDDED: OnceLock<Result<Spec, SpecError>> = OnceLock::new();

impl Spec {
    /// The description embedded in this crate, loaded once.
    pub fn embedded() -> Result<&'static Spec, SpecError> {
        EMBEDDED
            .get_or_init(|| Spec::parse(SPEC_YAML))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Loads a description from YAML (or JSON) text, translating and compiling every schema.
    pub fn parse(text: &str) -> Result<Spec, SpecError> {
        let doc: Value =
            serde_saphyr::from_str(text).map_err(|e| SpecError::Yaml(e.to_string()))?;
        let version = doc
            .pointer("/info/version")
            .and_then(Value::as_str)
            .ok_or_else(|| malformed("/info/version", "missing or not a string"))?
            .to_owned();
        let compiler = Compiler::new(&doc)?;
        let mut schemas = BTreeMap::new();
        if let Some(named) = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        {
            for (name, schema) in named {
                let location = format!("/components/schemas/{}", escape_pointer(name));
                schemas.insert(name.clone(), compiler.compile(schema, &location)?);
            }
        }
        Ok(Spec {
            version,
            operations: operations::collect_operations(&doc, &compiler)?,
            scopes: operations::collect_scopes(&doc),
            schemas,
            compiler,
        })
    }

    /// `info.version`; the generated client sends it in an `api-version` header.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Every operation, in document order.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// The operation with this `operationId`.
    pub fn operation(&self, operation_id: &str) -> Option<&Operation> {
        self.operations
            .iter()
            .find(|op| op.operation_id == operation_id)
    }

    /// The operation served at this method and path.
    pub fn operation_at(&self, method: &str, path: &str) -> Option<&Operation> {
        self.operations
            .iter()
            .find(|op| op.path == path && op.method.eq_ignore_ascii_case(method))
    }

    /// Every OAuth2 scope the security schemes declare, with its description.
    pub fn scopes(&self) -> &BTreeMap<String, String> {
        &self.scopes
    }

    /// Checks `value` against `components/schemas/<name>`.
    pub fn validate_schema(&self, name: &str, value: &Value) -> Result<(), Vec<Violation>> {
        check(self.schemas.get(name), value, || {
            format!("no schema named `{name}`")
        })
    }

    /// Checks `value` against the request body schema of an operation.
    pub fn validate_request(
        &self,
        operation_id: &str,
        value: &Value,
    ) -> Result<(), Vec<Violation>> {
        let schema = self
            .operation(operation_id)
            .and_then(|op| op.request.as_ref());
        check(schema, value, || {
            format!("operation `{operation_id}` documents no JSON request body")
        })
    }

    /// Checks `value` against the JSON body the operation documents for `status`
    /// (an exact status, else its `NXX` range, else `default`).
    pub fn validate_response(
        &self,
        operation_id: &str,
        status: u16,
        value: &Value,
    ) -> Result<(), Vec<Violation>> {
        let schema = self
            .operation(operation_id)
            .and_then(|op| op.response_for(status))
            .and_then(|response| response.schema.as_ref());
        check(schema, value, || {
            format!("operation `{operation_id}` documents no JSON body for status {status}")
        })
    }

    /// The header names the operation documents for `status`, lower-cased.
    pub fn response_headers(&self, operation_id: &str, status: u16) -> Vec<String> {
        self.operation(operation_id)
            .and_then(|op| op.response_for(status))
            .map(|response| response.headers.clone())
            .unwrap_or_default()
    }

    /// Checks `value` against an arbitrary OpenAPI schema object of this document (`$ref`s
    /// resolve against it), translating and compiling it first.
    pub fn validate_against(&self, schema: &Value, value: &Value) -> Result<(), Vec<Violation>> {
        match self.compiler.compile(schema, "(schema)") {
            Ok(schema) => violation::check(&schema.0, value),
            Err(error) => Err(vec![violation::undocumented(error.to_string())]),
        }
    }
}

/// Checks `value` against `schema`; without one, a single `undocumented` violation saying `why`.
fn check(
    schema: Option<&Schema>,
    value: &Value,
    why: impl FnOnce() -> String,
) -> Result<(), Vec<Violation>> {
    match schema {
        Some(schema) => violation::check(&schema.0, value),
        None => Err(vec![violation::undocumented(why())]),
    }
}

/// Translates and compiles schemas of one document.
struct Compiler {
    /// `components/schemas`, translated, as the `$defs` every compiled schema carries.
    defs: Value,
}

impl fmt::Debug for Compiler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Compiler").finish_non_exhaustive()
    }
}

impl Compiler {
    fn new(doc: &Value) -> Result<Compiler, SpecError> {
        let mut defs = Map::new();
        if let Some(named) = doc.pointer("/components/schemas") {
            let named = named
                .as_object()
                .ok_or_else(|| malformed("/components/schemas", "must be a mapping"))?;
            for (name, schema) in named {
                let location = format!("/components/schemas/{}", escape_pointer(name));
                defs.insert(name.clone(), translate(schema, &location)?);
            }
        }
        let defs = Value::Object(defs);
        let compiler = Compiler { defs };
        // Every `$ref` must land on a defined schema.
        if let Some(missing) = compiler.dangling_ref(&compiler.defs) {
            return Err(missing);
        }
        Ok(compiler)
    }

    fn compile(&self, schema: &Value, location: &str) -> Result<Schema, SpecError> {
        let mut root = match translate(schema, location)? {
            Value::Object(root) => root,
            other => return Err(malformed(location, &format!("not a schema: {other}"))),
        };
        if let Some(missing) = self.dangling_ref(&Value::Object(root.clone())) {
            return Err(missing);
        }
        root.insert("$defs".to_owned(), self.defs.clone());
        let validator = options()
            .build(&Value::Object(root))
            .map_err(|error| compile_error(location, &error))?;
        Ok(Schema(Arc::new(validator)))
    }

    /// The first translated `$ref` (`#/$defs/<name>`) in `value` with no such definition.
    fn dangling_ref(&self, value: &Value) -> Option<SpecError> {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    let name = reference.strip_prefix("#/$defs/").unwrap_or(reference);
                    if self.defs.get(name).is_none() {
                        return Some(SpecError::BadRef {
                            location: "/components/schemas".to_owned(),
                            reference: format!("#/components/schemas/{name}"),
                        });
                    }
                }
                map.values().find_map(|v| self.dangling_ref(v))
            }
            Value::Array(list) => list.iter().find_map(|v| self.dangling_ref(v)),
            _ => None,
        }
    }
}

/// The validator's settings: draft 2020-12, with `format` asserted.
fn options() -> jsonschema::ValidationOptions<'static> {
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
}

fn translate(schema: &Value, location: &str) -> Result<Value, SpecError> {
    let settings = options();
    openapi::translate(schema, location, &|format| {
        settings.is_known_format(Draft::Draft202012, format)
    })
}

/// A schema that translated but does not compile (in practice: a bad `pattern`).
fn compile_error(location: &str, error: &jsonschema::ValidationError<'_>) -> SpecError {
    match error.instance().as_ref() {
        Value::String(pattern) if error.instance_path().as_str().ends_with("/pattern") => {
            SpecError::BadPattern {
                location: location.to_owned(),
                pattern: pattern.clone(),
                reason: error.to_string(),
            }
        }
        _ => malformed(location, &error.to_string()),
    }
}

fn malformed(location: &str, reason: &str) -> SpecError {
    SpecError::Malformed {
        location: location.to_owned(),
        reason: reason.to_owned(),
    }
}

fn escape_pointer(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}
