//! The OpenAPI description the stand-in serves, and a validator for its JSON schemas.
//!
//! The stand-in never uses the generated client's types: request bodies are checked against the
//! schemas of `openapi/nxtsoft.yaml` itself (embedded at compile time), so a generated type that
//! drifts from the spec is caught on the wire. Tests use the same validator to check that the
//! stand-in's answers have the shape the spec documents.
//!
//! The validator understands the subset of OpenAPI 3.0 schema objects listed in
//! [`SUPPORTED_KEYWORDS`]. Loading a description that uses any other validation keyword fails
//! with [`SpecError::UnsupportedKeyword`] rather than silently accepting more than the spec allows.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::OnceLock;

use serde_json::Value;

/// The OpenAPI description embedded in this crate (`openapi/nxtsoft.yaml`).
pub const SPEC_YAML: &str = include_str!("../../../openapi/nxtsoft.yaml");

/// Schema keywords that the validator enforces.
pub const SUPPORTED_KEYWORDS: &[&str] = &[
    "$ref",
    "type",
    "nullable",
    "enum",
    "required",
    "properties",
    "additionalProperties",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "items",
    "allOf",
    "anyOf",
    "oneOf",
];

/// Schema keywords that carry no validation meaning and are accepted as they are.
const ANNOTATION_KEYWORDS: &[&str] = &[
    "description",
    "title",
    "example",
    "default",
    "readOnly",
    "writeOnly",
    "deprecated",
    "externalDocs",
    "xml",
];

/// String formats the validator checks; number formats are annotations.
const STRING_FORMATS: &[&str] = &["date", "date-time"];
const NUMBER_FORMATS: &[&str] = &["int32", "int64", "float", "double"];

/// Deepest schema nesting (including `$ref` hops) the validator follows.
const MAX_DEPTH: usize = 64;

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
    /// A schema uses a keyword this validator does not enforce.
    #[error(
        "the schema at {location} uses `{keyword}`, which the stand-in's validator does not support"
    )]
    UnsupportedKeyword {
        /// Where in the document (a JSON pointer).
        location: String,
        /// The keyword.
        keyword: String,
    },
    /// A `pattern` is not a valid ECMA-262 regular expression.
    #[error("the pattern `{pattern}` at {location} does not compile: {reason}")]
    BadPattern {
        /// Where in the document (a JSON pointer).
        location: String,
        /// The pattern text.
        pattern: String,
        /// The compiler's message.
        reason: String,
    },
    /// A `$ref` points nowhere.
    #[error("the reference `{reference}` at {location} does not resolve")]
    BadRef {
        /// Where in the document (a JSON pointer).
        location: String,
        /// The reference text.
        reference: String,
    },
}

/// One way a JSON value breaks a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where in the value, e.g. `account.account_id` or `descriptions[2]`; `(body)` for the value itself.
    pub field: String,
    /// A stable code: `type`, `required`, `unknown_field`, `enum`, `min_length`, `max_length`,
    /// `pattern`, `format`, `minimum`, `maximum`, `min_items`, `max_items`, `all_of`, `any_of`,
    /// `one_of`, `too_deep` or `undocumented`.
    pub code: &'static str,
    /// A human-readable explanation.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.field, self.message, self.code)
    }
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
    request_schema: Option<Value>,
    responses: BTreeMap<String, Value>,
}

impl Operation {
    /// The status keys documented for this operation (`200`, `400`, `5XX`, ...).
    pub fn documented_statuses(&self) -> Vec<&str> {
        self.responses.keys().map(String::as_str).collect()
    }

    fn response_for(&self, status: u16) -> Option<&Value> {
        let exact = status.to_string();
        if let Some(r) = self.responses.get(&exact) {
            return Some(r);
        }
        let range = format!("{}XX", status / 100);
        self.responses
            .get(&range)
            .or_else(|| self.responses.get("default"))
    }
}

/// A loaded OpenAPI description.
#[derive(Debug)]
pub struct Spec {
    doc: Value,
    version: String,
    operations: Vec<Operation>,
    scopes: BTreeMap<String, String>,
    patterns: HashMap<String, regress::Regex>,
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

    /// Loads a description from YAML (or JSON) text and checks every schema it contains.
    pub fn parse(text: &str) -> Result<Spec, SpecError> {
        let doc: Value = serde_yaml::from_str(text).map_err(|e| SpecError::Yaml(e.to_string()))?;
        let version = doc
            .pointer("/info/version")
            .and_then(Value::as_str)
            .ok_or_else(|| malformed("/info/version", "missing or not a string"))?
            .to_owned();
        let mut spec = Spec {
            version,
            operations: Vec::new(),
            scopes: BTreeMap::new(),
            patterns: HashMap::new(),
            doc: Value::Null,
        };
        spec.scopes = collect_scopes(&doc);
        spec.operations = collect_operations(&doc)?;
        let mut patterns = HashMap::new();
        if let Some(schemas) = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        {
            for (name, schema) in schemas {
                let loc = format!("/components/schemas/{}", escape_pointer(name));
                check_schema(&doc, schema, &loc, &mut patterns)?;
            }
        }
        for op in &spec.operations {
            let base = format!(
                "/paths/{}/{}",
                escape_pointer(&op.path),
                op.method.to_lowercase()
            );
            if let Some(schema) = &op.request_schema {
                check_schema(&doc, schema, &format!("{base}/requestBody"), &mut patterns)?;
            }
            for (status, response) in &op.responses {
                if let Some(schema) = response.pointer("/content/application~1json/schema") {
                    let loc = format!("{base}/responses/{status}");
                    check_schema(&doc, schema, &loc, &mut patterns)?;
                }
            }
        }
        spec.patterns = patterns;
        spec.doc = doc;
        Ok(spec)
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
        let pointer = format!("/components/schemas/{}", escape_pointer(name));
        match self.doc.pointer(&pointer) {
            Some(schema) => self.validate_against(schema, value),
            None => Err(vec![undocumented(format!("no schema named `{name}`"))]),
        }
    }

    /// Checks `value` against the request body schema of an operation.
    pub fn validate_request(
        &self,
        operation_id: &str,
        value: &Value,
    ) -> Result<(), Vec<Violation>> {
        let schema = self
            .operation(operation_id)
            .and_then(|op| op.request_schema.as_ref());
        match schema {
            Some(schema) => self.validate_against(schema, value),
            None => Err(vec![undocumented(format!(
                "operation `{operation_id}` documents no JSON request body"
            ))]),
        }
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
            .and_then(|r| r.pointer("/content/application~1json/schema"));
        match schema {
            Some(schema) => self.validate_against(schema, value),
            None => Err(vec![undocumented(format!(
                "operation `{operation_id}` documents no JSON body for status {status}"
            ))]),
        }
    }

    /// The header names the operation documents for `status`, lower-cased.
    pub fn response_headers(&self, operation_id: &str, status: u16) -> Vec<String> {
        self.operation(operation_id)
            .and_then(|op| op.response_for(status))
            .and_then(|r| r.get("headers"))
            .and_then(Value::as_object)
            .map(|h| h.keys().map(|k| k.to_ascii_lowercase()).collect())
            .unwrap_or_default()
    }

    /// Checks `value` against an arbitrary schema object of this document (`$ref`s resolve
    /// against it).
    pub fn validate_against(&self, schema: &Value, value: &Value) -> Result<(), Vec<Violation>> {
        let mut out = Vec::new();
        let mut path = Vec::new();
        self.check(schema, value, &mut path, &mut out, 0);
        if out.is_empty() { Ok(()) } else { Err(out) }
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> Option<&'a Value> {
        let mut current = schema;
        for _ in 0..MAX_DEPTH {
            match current.get("$ref").and_then(Value::as_str) {
                Some(r) => current = self.doc.pointer(r.strip_prefix('#')?)?,
                None => return Some(current),
            }
        }
        None
    }

    fn check(
        &self,
        schema: &Value,
        value: &Value,
        path: &mut Vec<Seg>,
        out: &mut Vec<Violation>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            out.push(violation(path, "too_deep", "the value nests too deeply"));
            return;
        }
        let Some(schema) = self.resolve(schema) else {
            out.push(violation(
                path,
                "too_deep",
                "the schema reference does not resolve",
            ));
            return;
        };
        let Some(obj) = schema.as_object() else {
            return;
        };

        if value.is_null() && obj.get("nullable").and_then(Value::as_bool) == Some(true) {
            return;
        }
        if let Some(ty) = obj.get("type").and_then(Value::as_str)
            && !type_matches(ty, value)
        {
            let msg = format!("must be {} {ty}, not {}", article(ty), kind_of(value));
            out.push(violation(path, "type", &msg));
            return;
        }
        if let Some(allowed) = obj.get("enum").and_then(Value::as_array)
            && !allowed.contains(value)
        {
            let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
            let msg = format!("must be one of {}, not {value}", list.join(", "));
            out.push(violation(path, "enum", &msg));
        }
        for (key, code) in [
            ("allOf", "all_of"),
            ("anyOf", "any_of"),
            ("oneOf", "one_of"),
        ] {
            let Some(subs) = obj.get(key).and_then(Value::as_array) else {
                continue;
            };
            let mut matched = 0;
            let mut all_inner = Vec::new();
            for sub in subs {
                let mut inner = Vec::new();
                self.check(sub, value, path, &mut inner, depth + 1);
                if inner.is_empty() {
                    matched += 1;
                }
                all_inner.extend(inner);
            }
            match key {
                "allOf" => out.extend(all_inner),
                "anyOf" if matched == 0 => {
                    out.push(violation(path, code, "matches none of the allowed shapes"))
                }
                "oneOf" if matched != 1 => {
                    let msg =
                        format!("must match exactly one of the allowed shapes, matches {matched}");
                    out.push(violation(path, code, &msg));
                }
                _ => {}
            }
        }
        match value {
            Value::String(s) => self.check_string(obj, s, path, out),
            Value::Number(n) => check_number(obj, n, path, out),
            Value::Array(items) => {
                let len = items.len();
                if let Some(min) = obj.get("minItems").and_then(Value::as_u64)
                    && (len as u64) < min
                {
                    let msg = format!("must have at least {min} items, has {len}");
                    out.push(violation(path, "min_items", &msg));
                }
                if let Some(max) = obj.get("maxItems").and_then(Value::as_u64)
                    && (len as u64) > max
                {
                    let msg = format!("must have at most {max} items, has {len}");
                    out.push(violation(path, "max_items", &msg));
                }
                if let Some(item_schema) = obj.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        path.push(Seg::Index(i));
                        self.check(item_schema, item, path, out, depth + 1);
                        path.pop();
                    }
                }
            }
            Value::Object(map) => {
                if let Some(required) = obj.get("required").and_then(Value::as_array) {
                    for name in required.iter().filter_map(Value::as_str) {
                        if !map.contains_key(name) {
                            path.push(Seg::Key(name.to_owned()));
                            out.push(violation(path, "required", "is required"));
                            path.pop();
                        }
                    }
                }
                let props = obj.get("properties").and_then(Value::as_object);
                for (name, field_value) in map {
                    path.push(Seg::Key(name.clone()));
                    match props.and_then(|p| p.get(name)) {
                        Some(prop_schema) => {
                            self.check(prop_schema, field_value, path, out, depth + 1)
                        }
                        None => match obj.get("additionalProperties") {
                            Some(Value::Bool(false)) => {
                                out.push(violation(path, "unknown_field", "is not a known field"))
                            }
                            Some(extra @ Value::Object(_)) => {
                                self.check(extra, field_value, path, out, depth + 1)
                            }
                            _ => {}
                        },
                    }
                    path.pop();
                }
            }
            Value::Null | Value::Bool(_) => {}
        }
    }

    fn check_string(
        &self,
        obj: &serde_json::Map<String, Value>,
        s: &str,
        path: &[Seg],
        out: &mut Vec<Violation>,
    ) {
        // JSON Schema counts characters (code points), not bytes.
        let len = s.chars().count() as u64;
        if let Some(min) = obj.get("minLength").and_then(Value::as_u64)
            && len < min
        {
            let msg = format!("must be at least {min} characters long, is {len}");
            out.push(violation(path, "min_length", &msg));
        }
        if let Some(max) = obj.get("maxLength").and_then(Value::as_u64)
            && len > max
        {
            let msg = format!("must be at most {max} characters long, is {len}");
            out.push(violation(path, "max_length", &msg));
        }
        if let Some(pattern) = obj.get("pattern").and_then(Value::as_str) {
            // Every pattern was compiled when the description was loaded.
            let matches = self
                .patterns
                .get(pattern)
                .is_some_and(|re| re.find(s).is_some());
            if !matches {
                let msg = format!("must match the pattern `{pattern}`");
                out.push(violation(path, "pattern", &msg));
            }
        }
        match obj.get("format").and_then(Value::as_str) {
            Some("date") if !is_full_date(s) => {
                out.push(violation(path, "format", "must be a date like 2024-05-31"))
            }
            Some("date-time") if chrono::DateTime::parse_from_rfc3339(s).is_err() => {
                out.push(violation(
                    path,
                    "format",
                    "must be an RFC 3339 date-time like 2024-05-31T12:00:00Z",
                ))
            }
            _ => {}
        }
    }
}

fn check_number(
    obj: &serde_json::Map<String, Value>,
    n: &serde_json::Number,
    path: &[Seg],
    out: &mut Vec<Violation>,
) {
    let Some(x) = n.as_f64() else { return };
    if let Some(min) = obj.get("minimum").and_then(Value::as_f64)
        && x < min
    {
        out.push(violation(
            path,
            "minimum",
            &format!("must be at least {min}"),
        ));
    }
    if let Some(max) = obj.get("maximum").and_then(Value::as_f64)
        && x > max
    {
        out.push(violation(
            path,
            "maximum",
            &format!("must be at most {max}"),
        ));
    }
}

/// A full-date of RFC 3339: exactly `YYYY-MM-DD`, and a real calendar date.
fn is_full_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
        && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

fn type_matches(ty: &str, value: &Value) -> bool {
    match ty {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "number" => value.is_number(),
        "integer" => {
            value.is_i64()
                || value.is_u64()
                || value
                    .as_f64()
                    .is_some_and(|f| f.fract() == 0.0 && f.is_finite())
        }
        _ => false,
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn article(ty: &str) -> &'static str {
    if matches!(
        ty.as_bytes().first(),
        Some(b'a' | b'e' | b'i' | b'o' | b'u')
    ) {
        "an"
    } else {
        "a"
    }
}

#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

fn render_path(path: &[Seg]) -> String {
    if path.is_empty() {
        return "(body)".to_owned();
    }
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => {
                s.push('[');
                s.push_str(&i.to_string());
                s.push(']');
            }
        }
    }
    s
}

fn violation(path: &[Seg], code: &'static str, message: &str) -> Violation {
    Violation {
        field: render_path(path),
        code,
        message: message.to_owned(),
    }
}

fn undocumented(message: String) -> Violation {
    Violation {
        field: "(body)".to_owned(),
        code: "undocumented",
        message,
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

fn collect_scopes(doc: &Value) -> BTreeMap<String, String> {
    let mut scopes = BTreeMap::new();
    let Some(schemes) = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
    else {
        return scopes;
    };
    for scheme in schemes.values() {
        let Some(flows) = scheme.get("flows").and_then(Value::as_object) else {
            continue;
        };
        for flow in flows.values() {
            if let Some(map) = flow.get("scopes").and_then(Value::as_object) {
                for (name, description) in map {
                    let description = description.as_str().unwrap_or_default().to_owned();
                    scopes.insert(name.clone(), description);
                }
            }
        }
    }
    scopes
}

fn scopes_of(security: &Value) -> Vec<String> {
    let mut scopes = Vec::new();
    for requirement in security.as_array().into_iter().flatten() {
        for list in requirement.as_object().into_iter().flat_map(|m| m.values()) {
            for scope in list
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !scopes.iter().any(|s| s == scope) {
                    scopes.push(scope.to_owned());
                }
            }
        }
    }
    scopes
}

fn collect_operations(doc: &Value) -> Result<Vec<Operation>, SpecError> {
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| malformed("/paths", "missing or not a mapping"))?;
    let global_security = doc.get("security");
    let mut ops = Vec::new();
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            let Some(op) = item.get(method) else { continue };
            let loc = format!("/paths/{}/{method}", escape_pointer(path));
            let operation_id = op
                .get("operationId")
                .and_then(Value::as_str)
                .ok_or_else(|| malformed(&loc, "operation without an operationId"))?
                .to_owned();
            let security = op.get("security").or(global_security);
            let scopes = security.map(scopes_of).unwrap_or_default();
            let request_schema = op
                .pointer("/requestBody/content/application~1json/schema")
                .cloned();
            let request_schema_name = request_schema
                .as_ref()
                .and_then(|s| s.get("$ref"))
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .map(str::to_owned);
            let mut responses = BTreeMap::new();
            if let Some(map) = op.get("responses").and_then(Value::as_object) {
                for (status, response) in map {
                    let resolved = resolve_in(doc, response, &format!("{loc}/responses/{status}"))?;
                    responses.insert(status.clone(), resolved.clone());
                }
            }
            ops.push(Operation {
                operation_id,
                method: method.to_uppercase(),
                path: path.clone(),
                scopes,
                request_schema_name,
                request_schema,
                responses,
            });
        }
    }
    Ok(ops)
}

fn resolve_in<'a>(
    doc: &'a Value,
    value: &'a Value,
    location: &str,
) -> Result<&'a Value, SpecError> {
    let mut current = value;
    for _ in 0..MAX_DEPTH {
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

fn check_schema(
    doc: &Value,
    schema: &Value,
    location: &str,
    patterns: &mut HashMap<String, regress::Regex>,
) -> Result<(), SpecError> {
    let Some(obj) = schema.as_object() else {
        return Err(malformed(location, "a schema must be a mapping"));
    };
    if obj.contains_key("$ref") {
        // Resolving is enough: the target is checked where it is defined.
        resolve_in(doc, schema, location)?;
        return Ok(());
    }
    for (key, value) in obj {
        let loc = format!("{location}/{}", escape_pointer(key));
        if key.starts_with("x-") || ANNOTATION_KEYWORDS.contains(&key.as_str()) {
            continue;
        }
        if !SUPPORTED_KEYWORDS.contains(&key.as_str()) {
            return Err(SpecError::UnsupportedKeyword {
                location: location.to_owned(),
                keyword: key.clone(),
            });
        }
        match key.as_str() {
            "type" => {
                let ok = value.as_str().is_some_and(|t| {
                    ["object", "array", "string", "boolean", "number", "integer"].contains(&t)
                });
                if !ok {
                    return Err(malformed(&loc, "unknown type"));
                }
            }
            "pattern" => {
                let pattern = value
                    .as_str()
                    .ok_or_else(|| malformed(&loc, "a pattern must be a string"))?;
                let re = regress::Regex::new(pattern).map_err(|e| SpecError::BadPattern {
                    location: loc.clone(),
                    pattern: pattern.to_owned(),
                    reason: e.to_string(),
                })?;
                patterns.insert(pattern.to_owned(), re);
            }
            "format" => {
                let f = value.as_str().unwrap_or_default();
                let ty = obj.get("type").and_then(Value::as_str).unwrap_or_default();
                let known = match ty {
                    "string" => STRING_FORMATS.contains(&f),
                    "number" | "integer" => NUMBER_FORMATS.contains(&f),
                    _ => false,
                };
                if !known {
                    return Err(SpecError::UnsupportedKeyword {
                        location: location.to_owned(),
                        keyword: format!("format: {f}"),
                    });
                }
            }
            "properties" => {
                let props = value
                    .as_object()
                    .ok_or_else(|| malformed(&loc, "properties must be a mapping"))?;
                for (name, prop) in props {
                    check_schema(
                        doc,
                        prop,
                        &format!("{loc}/{}", escape_pointer(name)),
                        patterns,
                    )?;
                }
            }
            "items" => check_schema(doc, value, &loc, patterns)?,
            "additionalProperties" => {
                if value.is_object() {
                    check_schema(doc, value, &loc, patterns)?;
                } else if !value.is_boolean() {
                    return Err(malformed(&loc, "must be a boolean or a schema"));
                }
            }
            "allOf" | "anyOf" | "oneOf" => {
                let subs = value
                    .as_array()
                    .ok_or_else(|| malformed(&loc, "must be a list of schemas"))?;
                for (i, sub) in subs.iter().enumerate() {
                    check_schema(doc, sub, &format!("{loc}/{i}"), patterns)?;
                }
            }
            "required" | "enum" if !value.is_array() => {
                return Err(malformed(&loc, "must be a list"));
            }
            "minLength" | "maxLength" | "minItems" | "maxItems" if !value.is_u64() => {
                return Err(malformed(&loc, "must be a non-negative integer"));
            }
            "minimum" | "maximum" if !value.is_number() => {
                return Err(malformed(&loc, "must be a number"));
            }
            "nullable" if !value.is_boolean() => {
                return Err(malformed(&loc, "must be a boolean"));
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> &'static Spec {
        match Spec::embedded() {
            Ok(s) => s,
            Err(e) => panic!("embedded spec does not load: {e}"),
        }
    }

    /// The business sample with only the schema's required fields.
    fn good() -> Value {
        let Some(date) = chrono::NaiveDate::from_ymd_opt(2024, 5, 31) else {
            panic!("2024-05-31 is a date");
        };
        let mut message = crate::business::sample_message("ref-1", date);
        if let Some(fields) = message.as_object_mut() {
            fields.remove("currency");
            fields.remove("descriptions");
        }
        message
    }

    fn codes(v: &Value) -> Vec<(String, &'static str)> {
        match spec().validate_schema("TransactionMessage", v) {
            Ok(()) => Vec::new(),
            Err(vs) => vs.into_iter().map(|v| (v.field, v.code)).collect(),
        }
    }

    #[test]
    fn embedded_spec_loads_with_both_operations() {
        let s = spec();
        assert_eq!(s.version(), "0.1.0-reconstructed");
        let v = s
            .operation("validate_transaction")
            .map(|o| o.scopes.clone());
        assert_eq!(v, Some(vec!["transactions/mock".to_owned()]));
        let p = s
            .operation_at("post", "/transactions/post")
            .map(|o| o.operation_id.as_str());
        assert_eq!(p, Some("post_transaction"));
        assert!(s.scopes().contains_key("transactions/post"));
    }

    #[test]
    fn a_good_message_passes() {
        assert_eq!(codes(&good()), vec![]);
    }

    #[test]
    fn each_rule_is_enforced() {
        let cases: Vec<(Value, (&str, &str))> = vec![
            (json!(5), ("(body)", "type")),
            (json!({"amount": 1}), ("amount", "type")),
            (json!({"amount": "1.234"}), ("amount", "pattern")),
            (json!({"amount": "1e5"}), ("amount", "pattern")),
            (json!({"direction": "sideways"}), ("direction", "enum")),
            (
                json!({"effective_date": "2024-02-30"}),
                ("effective_date", "format"),
            ),
            (
                json!({"effective_date": "2024-2-3"}),
                ("effective_date", "format"),
            ),
            (
                json!({"client_reference_id": ""}),
                ("client_reference_id", "min_length"),
            ),
            (
                json!({"client_reference_id": "a b"}),
                ("client_reference_id", "pattern"),
            ),
            (
                json!({"transaction_code": "123456789"}),
                ("transaction_code", "max_length"),
            ),
            (json!({"extra": true}), ("extra", "unknown_field")),
            (
                json!({"account": {"account_id": "1", "account_type": "deposit", "x": 1}}),
                ("account.x", "unknown_field"),
            ),
            (
                json!({"account": {"account_type": "deposit"}}),
                ("account.account_id", "required"),
            ),
            (
                json!({"descriptions": ["a", "b", "c", "d", "e"]}),
                ("descriptions", "max_items"),
            ),
            (
                json!({"descriptions": ["ok", 7]}),
                ("descriptions[1]", "type"),
            ),
            (json!({"currency": "usd"}), ("currency", "pattern")),
        ];
        for (patch, expected) in cases {
            let mut msg = good();
            match (msg.as_object_mut(), patch.as_object()) {
                (Some(m), Some(p)) => {
                    for (k, v) in p {
                        m.insert(k.clone(), v.clone());
                    }
                }
                _ => msg = patch.clone(),
            }
            let found = codes(&msg);
            let want = (expected.0.to_owned(), expected.1);
            assert!(
                found.contains(&want),
                "{patch}: expected {want:?}, got {found:?}"
            );
        }
        let mut missing = good();
        if let Some(m) = missing.as_object_mut() {
            m.remove("amount");
        }
        assert_eq!(codes(&missing), vec![("amount".to_owned(), "required")]);
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        let mut msg = good();
        msg["descriptions"] = json!(["é".repeat(80)]);
        assert_eq!(codes(&msg), vec![]);
        msg["descriptions"] = json!(["é".repeat(81)]);
        assert_eq!(
            codes(&msg),
            vec![("descriptions[0]".to_owned(), "max_length")]
        );
    }

    #[test]
    fn responses_are_checked_by_status_and_range() {
        let s = spec();
        let err = json!({"error": "x", "message": "y"});
        assert_eq!(s.validate_response("post_transaction", 503, &err), Ok(()));
        assert!(
            s.validate_response("post_transaction", 503, &json!({"error": "x"}))
                .is_err()
        );
        assert!(s.validate_response("post_transaction", 302, &err).is_err());
        assert_eq!(
            s.response_headers("validate_transaction", 401),
            vec!["www-authenticate"]
        );
    }

    #[test]
    fn unsupported_keywords_are_refused() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: object, minProperties: 1}\n";
        assert!(matches!(
            Spec::parse(text),
            Err(SpecError::UnsupportedKeyword { .. })
        ));
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: string, format: uuid}\n";
        assert!(matches!(
            Spec::parse(text),
            Err(SpecError::UnsupportedKeyword { .. })
        ));
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n";
        assert!(matches!(Spec::parse(text), Err(SpecError::BadRef { .. })));
        assert!(matches!(Spec::parse(": ["), Err(SpecError::Yaml(_))));
    }
}
