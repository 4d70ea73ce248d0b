//! Finding every schema in an untyped OpenAPI document, for the passes that rewrite schemas
//! before the typed model exists.

use serde_json::{Map, Value};

use crate::error::GenerateError;

/// A visitor: called with the schema's JSON pointer (`#/components/schemas/Pet`) and the schema.
pub type Visit<'v> = dyn FnMut(&str, &mut Map<String, Value>) -> Result<(), GenerateError> + 'v;

/// Calls `visit` for every schema object in `document`, each before its subschemas (so a
/// visitor's rewrite is itself walked). Example payloads and extensions are not entered.
pub fn walk(document: &mut Value, visit: &mut Visit<'_>) -> Result<(), GenerateError> {
    walk_document(document, "#", visit)
}

/// The JSON-pointer token for `key` (`/` and `~` escaped).
pub fn token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn walk_document(
    value: &mut Value,
    pointer: &str,
    visit: &mut Visit<'_>,
) -> Result<(), GenerateError> {
    match value {
        Value::Object(map) => {
            let is_schemas = pointer == "#/components/schemas";
            for (key, child) in map.iter_mut() {
                if key == "example" || key == "examples" || key.starts_with("x-") {
                    continue;
                }
                let child_pointer = format!("{pointer}/{}", token(key));
                if is_schemas || key == "schema" {
                    walk_schema(child, &child_pointer, visit)?;
                } else {
                    walk_document(child, &child_pointer, visit)?;
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter_mut().enumerate() {
                walk_document(child, &format!("{pointer}/{index}"), visit)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Keys whose value is a map of subschemas.
const SCHEMA_MAPS: &[&str] = &["properties", "patternProperties", "$defs", "definitions"];
/// Keys whose value is a list of subschemas.
const SCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keys whose value is one subschema.
const SCHEMA_SINGLES: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "if",
    "then",
    "else",
];

fn walk_schema(
    value: &mut Value,
    pointer: &str,
    visit: &mut Visit<'_>,
) -> Result<(), GenerateError> {
    let Value::Object(map) = value else {
        return Ok(());
    };
    visit(pointer, map)?;
    for (key, child) in map.iter_mut() {
        let key_pointer = format!("{pointer}/{}", token(key));
        if SCHEMA_MAPS.contains(&key.as_str()) {
            if let Value::Object(children) = child {
                for (name, schema) in children.iter_mut() {
                    walk_schema(schema, &format!("{key_pointer}/{}", token(name)), visit)?;
                }
            }
        } else if SCHEMA_LISTS.contains(&key.as_str()) {
            if let Value::Array(children) = child {
                for (index, schema) in children.iter_mut().enumerate() {
                    walk_schema(schema, &format!("{key_pointer}/{index}"), visit)?;
                }
            }
        } else if SCHEMA_SINGLES.contains(&key.as_str()) {
            walk_schema(child, &key_pointer, visit)?;
        }
    }
    Ok(())
}
