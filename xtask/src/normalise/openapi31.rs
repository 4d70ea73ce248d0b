//! OpenAPI 3.1 → 3.0.3, for the constructs real specs use. What has no 3.0 form is refused
//! with the schema's JSON pointer and the construct.

use serde_json::{Map, Value};

use super::Recorder;
use super::schemas::{self, token};
use crate::error::GenerateError;

/// The `--strict` name of this pass.
pub const PASS: &str = "openapi-3.1";

/// Schema keywords that only annotate: dropped when they sit beside a `$ref`.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "summary",
    "example",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "default",
    "$comment",
];

/// JSON Schema keywords with no OpenAPI 3.0 meaning that change nothing progenitor generates.
const DROPPED: &[&str] = &[
    "$schema",
    "$id",
    "$anchor",
    "$comment",
    "contentMediaType",
    "contentSchema",
];

/// JSON Schema 2020-12 constructs with no OpenAPI 3.0 form: refused.
const REFUSED: &[&str] = &[
    "prefixItems",
    "$defs",
    "$dynamicRef",
    "$dynamicAnchor",
    "unevaluatedProperties",
    "unevaluatedItems",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "patternProperties",
    "contains",
    "minContains",
    "maxContains",
    "propertyNames",
];

/// What was converted, one list of JSON pointers per kind.
#[derive(Debug, Default)]
struct Conversions {
    nullable: Vec<String>,
    single_type: Vec<String>,
    constant: Vec<String>,
    examples: Vec<String>,
    exclusive: Vec<String>,
    ref_siblings_dropped: Vec<String>,
    ref_wrapped: Vec<String>,
    keywords_dropped: Vec<String>,
    content_encoding: Vec<String>,
}

/// Converts `document` in place when it declares OpenAPI 3.1.x; a 3.0 document is untouched.
pub fn convert(document: &mut Value, recorder: &mut Recorder<'_>) -> Result<(), GenerateError> {
    let version = document
        .get("openapi")
        .and_then(Value::as_str)
        .map(|v| v.trim().to_owned())
        .unwrap_or_default();
    if !version.starts_with("3.1.") {
        return Ok(());
    }
    let Value::Object(root) = document else {
        return Ok(());
    };
    root.insert("openapi".into(), Value::String("3.0.3".into()));
    recorder.record(
        PASS,
        format!("OpenAPI {version} converted to 3.0.3"),
        vec![format!("openapi: {version}")],
    )?;

    let mut webhooks = Vec::new();
    if let Some(Value::Object(hooks)) = root.remove("webhooks") {
        webhooks.extend(
            hooks
                .keys()
                .map(|name| format!("#/webhooks/{}", token(name))),
        );
    }
    let mut fields = Vec::new();
    if root.remove("jsonSchemaDialect").is_some() {
        fields.push("#/jsonSchemaDialect".to_owned());
    }
    if let Some(Value::Object(info)) = root.get_mut("info") {
        if info.remove("summary").is_some() {
            fields.push("#/info/summary".to_owned());
        }
        if let Some(Value::Object(license)) = info.get_mut("license")
            && license.remove("identifier").is_some()
        {
            fields.push("#/info/license/identifier".to_owned());
        }
    }
    if let Some(Value::Object(components)) = root.get_mut("components")
        && components.remove("pathItems").is_some()
    {
        fields.push("#/components/pathItems".to_owned());
    }
    if !root.contains_key("paths") {
        root.insert("paths".into(), Value::Object(Map::new()));
        fields.push("#/paths (added, empty)".to_owned());
    }

    let mut done = Conversions::default();
    schemas::walk(document, &mut |pointer, schema| {
        convert_schema(pointer, schema, &mut done)
    })?;

    recorder.record(
        PASS,
        "`webhooks` dropped (the client does not receive webhooks)",
        webhooks,
    )?;
    recorder.record(PASS, "3.1-only document fields dropped", fields)?;
    recorder.record(
        PASS,
        "`type: [T, \"null\"]` (or a `null` branch of anyOf/oneOf) → `type: T, nullable: true`",
        done.nullable,
    )?;
    recorder.record(PASS, "`type: [T]` → `type: T`", done.single_type)?;
    recorder.record(PASS, "`const: v` → `enum: [v]`", done.constant)?;
    recorder.record(
        PASS,
        "schema `examples: [..]` → `example` (the first)",
        done.examples,
    )?;
    recorder.record(
        PASS,
        "numeric `exclusiveMinimum`/`exclusiveMaximum` → bound + `exclusive…: true`",
        done.exclusive,
    )?;
    recorder.record(
        PASS,
        "annotations beside `$ref` dropped (3.0 ignores them)",
        done.ref_siblings_dropped,
    )?;
    recorder.record(
        PASS,
        "`$ref` with constraints beside it → `allOf: [{$ref}]` plus the constraints",
        done.ref_wrapped,
    )?;
    recorder.record(
        PASS,
        "`contentEncoding: base64` → `format: byte`",
        done.content_encoding,
    )?;
    recorder.record(PASS, "JSON Schema keywords with no 3.0 meaning dropped ($schema, $id, $anchor, $comment, contentMediaType)", done.keywords_dropped)?;
    Ok(())
}

fn refuse(pointer: &str, construct: &str, fix: &str) -> GenerateError {
    GenerateError::Schema {
        schema: pointer.to_owned(),
        problem: format!("it uses {construct}, an OpenAPI 3.1 construct with no OpenAPI 3.0 form."),
        fix: fix.to_owned(),
    }
}

const REWRITE: &str = "rewrite that schema in the 3.0 subset (or replace it with an overlay action, see README \"Bringing your own spec\").";

fn convert_schema(
    pointer: &str,
    schema: &mut Map<String, Value>,
    done: &mut Conversions,
) -> Result<(), GenerateError> {
    if let Some(keyword) = REFUSED.iter().find(|k| schema.contains_key(**k)) {
        return Err(refuse(pointer, &format!("`{keyword}`"), REWRITE));
    }
    if schema.contains_key("$ref") {
        return convert_ref(pointer, schema, done);
    }
    if DROPPED.iter().any(|k| schema.contains_key(*k)) {
        schema.retain(|key, _| !DROPPED.contains(&key.as_str()));
        done.keywords_dropped.push(pointer.to_owned());
    }
    if let Some(encoding) = schema.remove("contentEncoding") {
        if encoding.as_str() == Some("base64") {
            schema.insert("format".into(), Value::String("byte".into()));
            done.content_encoding.push(pointer.to_owned());
        } else {
            done.keywords_dropped.push(pointer.to_owned());
        }
    }
    convert_type(pointer, schema, done)?;
    convert_null_branch(pointer, schema, done);
    if let Some(value) = schema.remove("const") {
        schema.insert("enum".into(), Value::Array(vec![value]));
        done.constant.push(pointer.to_owned());
    }
    if let Some(examples) = schema.remove("examples") {
        if let Some(first) = examples.as_array().and_then(|all| all.first()) {
            schema.entry("example").or_insert_with(|| first.clone());
        }
        done.examples.push(pointer.to_owned());
    }
    let min = exclusive_bound(schema, "exclusiveMinimum", "minimum", true);
    let max = exclusive_bound(schema, "exclusiveMaximum", "maximum", false);
    if min || max {
        done.exclusive.push(pointer.to_owned());
    }
    Ok(())
}

fn convert_ref(
    pointer: &str,
    schema: &mut Map<String, Value>,
    done: &mut Conversions,
) -> Result<(), GenerateError> {
    if schema.len() == 1 {
        return Ok(());
    }
    let constraints: Vec<String> = schema
        .keys()
        .filter(|key| *key != "$ref" && !ANNOTATIONS.contains(&key.as_str()))
        .cloned()
        .collect();
    if constraints.is_empty() {
        schema.retain(|key, _| key == "$ref");
        done.ref_siblings_dropped.push(pointer.to_owned());
        return Ok(());
    }
    let reference = schema.remove("$ref").unwrap_or_default();
    let mut only_ref = Map::new();
    only_ref.insert("$ref".into(), reference);
    schema.insert("allOf".into(), Value::Array(vec![Value::Object(only_ref)]));
    done.ref_wrapped.push(pointer.to_owned());
    // The remaining keywords are converted like any schema's (the `$ref` now sits in allOf).
    convert_schema(pointer, schema, done)
}

fn convert_type(
    pointer: &str,
    schema: &mut Map<String, Value>,
    done: &mut Conversions,
) -> Result<(), GenerateError> {
    match schema.get("type") {
        Some(Value::Array(types)) => {
            let nullable = types.iter().any(|t| t.as_str() == Some("null"));
            let rest: Vec<&Value> = types
                .iter()
                .filter(|t| t.as_str() != Some("null"))
                .collect();
            let single = match rest.as_slice() {
                [one] => (*one).clone(),
                [] => {
                    return Err(refuse(
                        pointer,
                        "`type: [\"null\"]` (a value that is always null)",
                        REWRITE,
                    ));
                }
                several => {
                    let names: Vec<String> = several.iter().map(|t| t.to_string()).collect();
                    return Err(refuse(
                        pointer,
                        &format!("a `type` array with several types ({})", names.join(", ")),
                        "give the schema one type, or split it into `oneOf` branches with one type each.",
                    ));
                }
            };
            schema.insert("type".into(), single);
            if nullable {
                schema.insert("nullable".into(), Value::Bool(true));
                done.nullable.push(pointer.to_owned());
            } else {
                done.single_type.push(pointer.to_owned());
            }
        }
        Some(Value::String(kind)) if kind == "null" => {
            return Err(refuse(
                pointer,
                "`type: \"null\"` outside an anyOf/oneOf",
                REWRITE,
            ));
        }
        _ => {}
    }
    Ok(())
}

/// `anyOf: [X, {type: "null"}]` → `allOf: [X], nullable: true` (or the other branches kept, nullable).
fn convert_null_branch(pointer: &str, schema: &mut Map<String, Value>, done: &mut Conversions) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = schema.get_mut(key) else {
            continue;
        };
        let before = branches.len();
        branches.retain(|branch| !is_null_schema(branch));
        if branches.len() == before || branches.is_empty() {
            continue;
        }
        if branches.len() == 1 {
            let only = branches.remove(0);
            schema.remove(key);
            schema.insert("allOf".into(), Value::Array(vec![only]));
        }
        schema.insert("nullable".into(), Value::Bool(true));
        done.nullable.push(pointer.to_owned());
    }
}

fn is_null_schema(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
        && schema.as_object().is_some_and(|map| {
            map.keys()
                .all(|key| key == "type" || ANNOTATIONS.contains(&key.as_str()))
        })
}

/// A numeric `exclusiveMinimum: n` becomes `minimum: n, exclusiveMinimum: true` (keeping the
/// stricter bound when both are given). Returns whether it changed anything.
fn exclusive_bound(
    schema: &mut Map<String, Value>,
    exclusive: &str,
    bound: &str,
    lower: bool,
) -> bool {
    let Some(Value::Number(limit)) = schema.get(exclusive).cloned() else {
        return false;
    };
    let stricter = match schema.get(bound).and_then(Value::as_f64) {
        None => true,
        Some(existing) => {
            let limit = limit.as_f64().unwrap_or_default();
            if lower {
                limit >= existing
            } else {
                limit <= existing
            }
        }
    };
    if stricter {
        schema.insert(bound.to_owned(), Value::Number(limit));
        schema.insert(exclusive.to_owned(), Value::Bool(true));
    } else {
        schema.remove(exclusive);
    }
    true
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalise::Report;

    fn convert_doc(schema: Value) -> Result<Value, GenerateError> {
        let mut document = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
                                  "paths": {}, "components": {"schemas": {"S": schema}}});
        let mut report = Report::default();
        convert(&mut document, &mut Recorder::new(&mut report, false))?;
        Ok(document["components"]["schemas"]["S"].clone())
    }

    #[test]
    fn refused_constructs_name_the_schema_and_the_keyword() {
        for keyword in REFUSED {
            let schema = json!({"type": "object", "properties": {"p": {*keyword: {}}}});
            let message = convert_doc(schema).unwrap_err().to_string();
            assert!(
                message.contains("#/components/schemas/S/properties/p"),
                "{message}"
            );
            assert!(message.contains(&format!("`{keyword}`")), "{message}");
        }
    }

    #[test]
    fn a_null_branch_among_several_keeps_the_others_nullable() {
        let schema = json!({"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]});
        assert_eq!(
            convert_doc(schema).unwrap(),
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
        );
    }

    #[test]
    fn the_stricter_of_two_lower_bounds_wins() {
        let weaker_exclusive = json!({"type": "number", "minimum": 5, "exclusiveMinimum": 1});
        assert_eq!(
            convert_doc(weaker_exclusive).unwrap(),
            json!({"type": "number", "minimum": 5})
        );
        let stricter_exclusive = json!({"type": "number", "maximum": 5, "exclusiveMaximum": 1});
        assert_eq!(
            convert_doc(stricter_exclusive).unwrap(),
            json!({"type": "number", "maximum": 1, "exclusiveMaximum": true})
        );
    }

    #[test]
    fn a_30_document_is_untouched() {
        let mut document =
            json!({"openapi": "3.0.3", "components": {"schemas": {"S": {"const": 1}}}});
        let before = document.clone();
        let mut report = Report::default();
        convert(&mut document, &mut Recorder::new(&mut report, false)).unwrap();
        assert_eq!(document, before);
        assert!(report.is_empty());
    }
}
