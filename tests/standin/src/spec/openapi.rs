//! OpenAPI 3.0 schema objects translated, once, into JSON Schema (draft 2020-12).
//!
//! OpenAPI 3.0 schemas are a dialect of JSON Schema draft 4/5. The differences this module
//! translates are the ones a validator would otherwise get wrong:
//!
//! - `nullable: true` becomes `null` among the allowed `type`s (and in `enum`, if any); without a
//!   `type` the schema becomes `anyOf: [<schema>, {type: null}]`.
//! - `$ref: '#/components/schemas/<Name>'` becomes `$ref: '#/$defs/<Name>'`; the keywords next to
//!   a `$ref` are dropped, as OpenAPI 3.0 ignores them. Any other reference is refused.
//! - Boolean `exclusiveMinimum`/`exclusiveMaximum` become the numeric form of 2020-12.
//! - The numeric `format`s of OpenAPI (`int32`, `int64`, `float`, `double`) and its annotations
//!   (`example`, `xml`, `externalDocs`, `discriminator`, `x-*`) are dropped; a string `format`
//!   the validator does not know is refused.
//! - Any keyword that OpenAPI 3.0 does not define is refused, so a typo (`minLenght`) cannot
//!   silently accept more than the spec allows.

use serde_json::{Map, Value, json};

use super::{SpecError, escape_pointer, malformed};

/// The keywords of an OpenAPI 3.0 schema object (besides `x-*` extensions).
pub const SUPPORTED_KEYWORDS: &[&str] = &[
    "$ref",
    "title",
    "description",
    "default",
    "type",
    "nullable",
    "enum",
    "format",
    "multipleOf",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "items",
    "minProperties",
    "maxProperties",
    "required",
    "properties",
    "additionalProperties",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "readOnly",
    "writeOnly",
    "deprecated",
    "example",
    "xml",
    "externalDocs",
    "discriminator",
];

/// OpenAPI-only keywords with no validation meaning, dropped in translation.
const DROPPED: &[&str] = &[
    "example",
    "xml",
    "externalDocs",
    "discriminator",
    "nullable",
];

/// OpenAPI's numeric formats: annotations only.
const NUMBER_FORMATS: &[&str] = &["int32", "int64", "float", "double"];

/// The prefix of the only references a schema may use.
const SCHEMAS_PREFIX: &str = "#/components/schemas/";

/// Translates one schema object; `location` (a JSON pointer) names it in errors, and
/// `known_format` tells which string formats the validator checks.
pub(super) fn translate(
    schema: &Value,
    location: &str,
    known_format: &dyn Fn(&str) -> bool,
) -> Result<Value, SpecError> {
    let obj = schema
        .as_object()
        .ok_or_else(|| malformed(location, "a schema must be a mapping"))?;
    if let Some(reference) = obj.get("$ref") {
        let name = reference
            .as_str()
            .and_then(|r| r.strip_prefix(SCHEMAS_PREFIX))
            .ok_or_else(|| SpecError::BadRef {
                location: location.to_owned(),
                reference: reference.to_string(),
            })?;
        return Ok(json!({ "$ref": format!("#/$defs/{name}") }));
    }
    let mut out = Map::new();
    for (key, value) in obj {
        let here = format!("{location}/{}", escape_pointer(key));
        if key.starts_with("x-") || DROPPED.contains(&key.as_str()) {
            continue;
        }
        if !SUPPORTED_KEYWORDS.contains(&key.as_str()) {
            return Err(SpecError::UnsupportedKeyword {
                location: location.to_owned(),
                keyword: key.clone(),
            });
        }
        let translated = match key.as_str() {
            "properties" => {
                let props = value
                    .as_object()
                    .ok_or_else(|| malformed(&here, "properties must be a mapping"))?;
                let mut map = Map::new();
                for (name, prop) in props {
                    let at = format!("{here}/{}", escape_pointer(name));
                    map.insert(name.clone(), translate(prop, &at, known_format)?);
                }
                Value::Object(map)
            }
            "items" | "not" => translate(value, &here, known_format)?,
            "additionalProperties" if value.is_object() => translate(value, &here, known_format)?,
            "allOf" | "anyOf" | "oneOf" => {
                let subs = value
                    .as_array()
                    .ok_or_else(|| malformed(&here, "must be a list of schemas"))?;
                let mut list = Vec::with_capacity(subs.len());
                for (i, sub) in subs.iter().enumerate() {
                    list.push(translate(sub, &format!("{here}/{i}"), known_format)?);
                }
                Value::Array(list)
            }
            "format" => {
                let format = value.as_str().unwrap_or_default();
                if NUMBER_FORMATS.contains(&format) {
                    continue;
                }
                if !known_format(format) {
                    return Err(SpecError::UnsupportedKeyword {
                        location: location.to_owned(),
                        keyword: format!("format: {format}"),
                    });
                }
                value.clone()
            }
            "exclusiveMinimum" | "exclusiveMaximum" if value.is_boolean() => continue,
            _ => value.clone(),
        };
        out.insert(key.clone(), translated);
    }
    exclusive_bounds(obj, &mut out);
    match obj.get("nullable") {
        Some(Value::Bool(true)) => Ok(nullable(out)),
        Some(Value::Bool(false)) | None => Ok(Value::Object(out)),
        Some(_) => Err(malformed(
            &format!("{location}/nullable"),
            "must be a boolean",
        )),
    }
}

/// OpenAPI 3.0's `exclusiveMinimum: true` next to `minimum: n` is 2020-12's `exclusiveMinimum: n`.
fn exclusive_bounds(obj: &Map<String, Value>, out: &mut Map<String, Value>) {
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if obj.get(flag) == Some(&Value::Bool(true))
            && let Some(limit) = out.remove(bound)
        {
            out.insert(flag.to_owned(), limit);
        }
    }
}

/// Lets `null` through a translated schema.
fn nullable(mut schema: Map<String, Value>) -> Value {
    if let Some(Value::Array(options)) = schema.get_mut("enum")
        && !options.contains(&Value::Null)
    {
        options.push(Value::Null);
    }
    match schema.remove("type") {
        Some(Value::String(ty)) => {
            schema.insert("type".to_owned(), json!([ty, "null"]));
            Value::Object(schema)
        }
        Some(other) => {
            schema.insert("type".to_owned(), other);
            json!({ "anyOf": [Value::Object(schema), {"type": "null"}] })
        }
        None => json!({ "anyOf": [Value::Object(schema), {"type": "null"}] }),
    }
}
