//! Hostile input: whatever a token endpoint sends, parsing ends in a value or a typed error,
//! never a panic, and never an error message that quotes the token.

use proptest::prelude::*;
use serde_json::{Map, Value};

use super::*;

fn redactor(secret: &str) -> Redactor {
    Redactor::new("client", secret)
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        Just(Value::from(-0.0)),
        ".{0,24}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(".{0,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Values in the fields the parser reads, each of any JSON shape.
fn field() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        json_value().prop_map(Some),
        "[ -~]{0,40}".prop_map(|s| Some(Value::String(s))),
        prop_oneof![
            Just("bearer"),
            Just("Bearer "),
            Just("-0"),
            Just("-0.0"),
            Just("1e400"),
            Just("NaN"),
            Just("inf"),
            Just("3600"),
        ]
        .prop_map(|s| Some(Value::from(s))),
    ]
}

fn token_response() -> impl Strategy<Value = (Map<String, Value>, Option<String>)> {
    (
        prop::option::of("[!-~]{12,64}"),
        field(),
        field(),
        field(),
        field(),
    )
        .prop_map(|(token, token_type, expires_in, error, extra)| {
            let mut object = Map::new();
            if let Some(token) = &token {
                object.insert("access_token".into(), Value::from(token.as_str()));
            }
            for (key, value) in [
                ("token_type", token_type),
                ("expires_in", expires_in),
                ("error", error),
                ("scope", extra),
            ] {
                if let Some(value) = value {
                    object.insert(key.into(), value);
                }
            }
            (object, token)
        })
}

fn status() -> impl Strategy<Value = StatusCode> {
    (100u16..=999).prop_map(|code| StatusCode::from_u16(code).unwrap_or(StatusCode::OK))
}

fn check_success(body: &[u8]) -> Result<TokenResponse, TokenError> {
    let result = parse_success(body);
    match &result {
        Ok(parsed) => {
            assert!(!parsed.token.expose_secret().is_empty());
            assert!(parsed.expires_in.is_none_or(|d| d <= MAX_LIFETIME));
        }
        Err(error) => assert!(
            matches!(error, TokenError::InvalidResponse(_)),
            "untyped: {error:?}"
        ),
    }
    result
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..256), status in status()) {
        let _ = check_success(&body);
        let error = parse_error(status, Some(&body), None, &redactor("s3cr3t"));
        let typed = matches!(error, TokenError::OAuth { .. } | TokenError::UnexpectedStatus { .. });
        prop_assert!(typed, "{:?}", error);
        if let Some(error) = oauth_error_in_success(status, &body, &redactor("s3cr3t")) {
            let typed = matches!(error, TokenError::OAuth { .. });
            prop_assert!(typed, "{:?}", error);
        }
    }

    #[test]
    fn arbitrary_json_never_panics(value in json_value(), status in status()) {
        let body = serde_json::to_vec(&value).unwrap();
        let _ = check_success(&body);
        let _ = parse_error(status, Some(&body), None, &redactor("s3cr3t"));
        let _ = oauth_error_in_success(status, &body, &redactor("s3cr3t"));
    }

    #[test]
    fn token_shaped_responses_parse_or_fail_typed_without_quoting_the_token(
        (object, token) in token_response(),
        status in status(),
    ) {
        let body = serde_json::to_vec(&Value::Object(object.clone())).unwrap();
        match check_success(&body) {
            Ok(parsed) => {
                prop_assert_eq!(Some(parsed.token.expose_secret()), token.as_deref());
                let debug = format!("{:?}", parsed.token);
                prop_assert!(!debug.contains(parsed.token.expose_secret()), "{}", debug);
            }
            Err(error) => {
                if let Some(token) = &token {
                    let text = format!("{error} {error:?}");
                    prop_assert!(!text.contains(token.as_str()), "{}", text);
                }
            }
        }
        let error = parse_error(status, Some(&body), None, &redactor("s3cr3t"));
        if let Some(token) = &token {
            let text = error.to_string();
            prop_assert!(!text.contains(token.as_str()), "{}", text);
        }
        if let Some(error) = oauth_error_in_success(status, &body, &redactor("s3cr3t")) {
            prop_assert!(token.is_none(), "a body with a token is not an error");
            prop_assert!(status.is_success());
            prop_assert!(!error.is_retryable());
        }
    }
}
