//! Loading the description and checking values against its schemas.

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
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: string, minLenght: 1}\n";
    assert!(matches!(
        Spec::parse(text),
        Err(SpecError::UnsupportedKeyword { .. })
    ));
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: string, format: money}\n";
    assert!(matches!(
        Spec::parse(text),
        Err(SpecError::UnsupportedKeyword { .. })
    ));
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n";
    assert!(matches!(Spec::parse(text), Err(SpecError::BadRef { .. })));
    assert!(matches!(Spec::parse(": ["), Err(SpecError::Yaml(_))));
}

/// A one-schema description: `A` is `schema` (YAML flow syntax).
fn one_schema(schema: &str) -> Spec {
    let text = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    A: {schema}\n    B: {{$ref: '#/components/schemas/A'}}\n"
    );
    match Spec::parse(&text) {
        Ok(spec) => spec,
        Err(e) => panic!("{schema}: {e}"),
    }
}

fn codes_of(spec: &Spec, name: &str, value: &Value) -> Vec<&'static str> {
    match spec.validate_schema(name, value) {
        Ok(()) => Vec::new(),
        Err(vs) => vs.into_iter().map(|v| v.code).collect(),
    }
}

#[test]
fn openapi_specifics_are_translated() {
    let spec = one_schema("{type: string, nullable: true, enum: [x], example: x}");
    assert_eq!(codes_of(&spec, "A", &json!(null)), Vec::<&str>::new());
    assert_eq!(codes_of(&spec, "A", &json!("x")), Vec::<&str>::new());
    assert_eq!(codes_of(&spec, "A", &json!("y")), vec!["enum"]);
    assert_eq!(codes_of(&spec, "B", &json!(null)), Vec::<&str>::new());
    assert_eq!(codes_of(&spec, "B", &json!(7)), vec!["type", "enum"]);

    let spec = one_schema("{type: number, minimum: 0, exclusiveMinimum: true, format: double}");
    assert_eq!(codes_of(&spec, "A", &json!(0)), vec!["minimum"]);
    assert_eq!(codes_of(&spec, "A", &json!(0.5)), Vec::<&str>::new());
    assert_eq!(codes_of(&spec, "A", &json!(null)), vec!["type"]);
}

#[test]
fn a_bad_pattern_is_refused_on_load() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: string, pattern: '(['}\n";
    assert!(
        matches!(Spec::parse(text), Err(SpecError::BadPattern { .. })),
        "{:?}",
        Spec::parse(text).err()
    );
}
