//! Integer bounds beyond 64 bits. Real specs write `minimum: -99999999999999999999` for "no
//! lower bound"; the loader reads such numbers as floats, and progenitor's model holds `i64`
//! bounds. A bound no 64-bit integer can violate is dropped; a bound no 64-bit integer can
//! satisfy is refused; a fractional bound becomes the nearest integer inside it.

use serde_json::{Map, Number, Value};

use super::Recorder;
use super::schemas;
use crate::error::GenerateError;

/// The `--strict` name of this pass.
pub const PASS: &str = "integer-bounds";

/// Rewrites every `integer` schema's `minimum`/`maximum` that is not an `i64`.
pub fn run(document: &mut Value, recorder: &mut Recorder<'_>) -> Result<(), GenerateError> {
    let mut dropped = Vec::new();
    let mut rounded = Vec::new();
    schemas::walk(document, &mut |pointer, schema| {
        if schema.get("type").and_then(Value::as_str) != Some("integer") {
            return Ok(());
        }
        for (key, lower) in [("minimum", true), ("maximum", false)] {
            match fix_bound(schema, key, lower) {
                Fixed::Unchanged => {}
                Fixed::Dropped => dropped.push(format!("{pointer}/{key}")),
                Fixed::Rounded => rounded.push(format!("{pointer}/{key}")),
                Fixed::Unsatisfiable(value) => {
                    return Err(GenerateError::Schema {
                        schema: pointer.to_owned(),
                        problem: format!(
                            "its `{key}: {value}` leaves no 64-bit integer that satisfies it."
                        ),
                        fix: "use `type: number` (or `type: string` with a pattern) for integers wider than 64 bits.".into(),
                    });
                }
            }
        }
        Ok(())
    })?;
    recorder.record(
        PASS,
        "integer bound beyond 64 bits dropped (every 64-bit integer is within it)",
        dropped,
    )?;
    recorder.record(PASS, "fractional integer bound rounded inwards", rounded)
}

enum Fixed {
    Unchanged,
    Dropped,
    Rounded,
    Unsatisfiable(String),
}

/// `i64::MAX + 1` as a float: any float at or beyond it is outside `i64`.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

fn fix_bound(schema: &mut Map<String, Value>, key: &str, lower: bool) -> Fixed {
    let Some(Value::Number(number)) = schema.get(key) else {
        return Fixed::Unchanged;
    };
    if number.as_i64().is_some() {
        return Fixed::Unchanged;
    }
    let value = number.as_f64().unwrap_or(f64::NAN);
    if value.is_nan() {
        return Fixed::Unchanged;
    }
    let text = number.to_string();
    // Beyond the range on the loose side: every i64 satisfies the bound.
    if (lower && value <= -TWO_POW_63) || (!lower && value >= TWO_POW_63) {
        schema.remove(key);
        return Fixed::Dropped;
    }
    // Beyond the range on the tight side: no i64 satisfies it.
    if (lower && value >= TWO_POW_63) || (!lower && value < -TWO_POW_63) {
        return Fixed::Unsatisfiable(text);
    }
    let inward = if lower { value.ceil() } else { value.floor() };
    // In range and integral after rounding: safe to convert (|inward| < 2^63).
    #[allow(clippy::cast_possible_truncation)]
    let integer = inward as i64;
    schema.insert(key.to_owned(), Value::Number(Number::from(integer)));
    Fixed::Rounded
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalise::Report;

    fn bounds(schema: Value) -> Result<Value, GenerateError> {
        let mut document = json!({"components": {"schemas": {"S": schema}}});
        let mut report = Report::default();
        run(&mut document, &mut Recorder::new(&mut report, false))?;
        Ok(document["components"]["schemas"]["S"].clone())
    }

    #[test]
    fn fractional_bounds_round_inwards_and_wide_ones_go() {
        let schema = json!({"type": "integer", "minimum": 0.5, "maximum": 9.7});
        assert_eq!(
            bounds(schema).unwrap(),
            json!({"type": "integer", "minimum": 1, "maximum": 9})
        );
        let schema = json!({"type": "integer", "minimum": -1e30, "maximum": 1e19});
        assert_eq!(bounds(schema).unwrap(), json!({"type": "integer"}));
        let number = json!({"type": "number", "minimum": -1e30});
        assert_eq!(bounds(number.clone()).unwrap(), number);
    }

    #[test]
    fn a_bound_no_i64_meets_is_refused() {
        let message = bounds(json!({"type": "integer", "maximum": -1e30}))
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("#/components/schemas/S") && message.contains("`maximum: "),
            "{message}"
        );
    }
}
