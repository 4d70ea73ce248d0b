//! What a schema violation looks like in the stand-in's answers: a field path as a caller
//! writes it (`account.account_id`, `descriptions[2]`), a stable code and a message.

use std::fmt;

use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::{Location, LocationSegment};
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

/// One way a JSON value breaks a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where in the value, e.g. `account.account_id` or `descriptions[2]`; `(body)` for the value itself.
    pub field: String,
    /// A stable code: `type`, `required`, `unknown_field`, `enum`, `min_length`, `max_length`,
    /// `pattern`, `format`, `minimum`, `maximum`, `min_items`, `max_items`, `any_of`, `one_of`,
    /// `schema` (any other keyword) or `undocumented` (no schema to check against).
    pub code: &'static str,
    /// A human-readable explanation.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.field, self.message, self.code)
    }
}

/// Every violation of `value` against a compiled schema, in the validator's order.
pub(super) fn check(validator: &Validator, value: &Value) -> Result<(), Vec<Violation>> {
    let violations: Vec<Violation> = validator.iter_errors(value).flat_map(convert).collect();
    if violations.is_empty() {
        Ok(())
    } else {
        Err(violations)
    }
}

/// A violation for a value that has no documented schema.
pub(super) fn undocumented(message: String) -> Violation {
    Violation {
        field: BODY.to_owned(),
        code: "undocumented",
        message,
    }
}

/// How the value itself (the empty path) is named.
const BODY: &str = "(body)";

/// One validator error as violations: one per missing or unknown field, else one.
fn convert(error: ValidationError<'_>) -> Vec<Violation> {
    let path = error.instance_path();
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_owned);
            vec![Violation {
                field: field(path, Some(&name)),
                code: "required",
                message: "is required".to_owned(),
            }]
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|name| Violation {
                field: field(path, Some(name)),
                code: "unknown_field",
                message: "is not a known field".to_owned(),
            })
            .collect(),
        kind => vec![Violation {
            field: field(path, None),
            code: code(kind),
            message: error.to_string(),
        }],
    }
}

fn code(kind: &ValidationErrorKind) -> &'static str {
    use ValidationErrorKind as K;
    match kind {
        K::Type { .. } => "type",
        K::Enum { .. } | K::Constant { .. } => "enum",
        K::MinLength { .. } => "min_length",
        K::MaxLength { .. } => "max_length",
        K::Pattern { .. } => "pattern",
        K::Format { .. } => "format",
        K::Minimum { .. } | K::ExclusiveMinimum { .. } => "minimum",
        K::Maximum { .. } | K::ExclusiveMaximum { .. } => "maximum",
        K::MinItems { .. } => "min_items",
        K::MaxItems { .. } => "max_items",
        K::AnyOf { .. } => "any_of",
        K::OneOfNotValid { .. } | K::OneOfMultipleValid { .. } => "one_of",
        _ => "schema",
    }
}

/// `account.account_id`, `descriptions[2]`, or `(body)` for the empty path.
fn field(path: &Location, last: Option<&str>) -> String {
    let mut out = String::new();
    let segments = path
        .iter()
        .chain(last.map(|name| LocationSegment::Property(name.into())));
    for segment in segments {
        match segment {
            LocationSegment::Property(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&name);
            }
            LocationSegment::Index(index) => {
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
        }
    }
    if out.is_empty() { BODY.to_owned() } else { out }
}
