//! Hostile input for the spec loader (issue 5, item 4): arbitrary bytes, JSON and YAML, and
//! random damage to the real spec, never make `xtask::spec::parse` (nor the preflight checks,
//! nor a whole `render` of a damaged spec that still parses) panic: every failure is a typed
//! `GenerateError` with a one-line message.

use std::path::Path;

use proptest::prelude::*;
use serde_json::Value;
use xtask::GenerateError;

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop_oneof![
            Just("3.0.3".to_owned()),
            Just("3.1.0".to_owned()),
            Just("2.0".to_owned()),
            ".{0,16}".prop_map(|s| s),
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("openapi".to_owned()),
                    Just("swagger".to_owned()),
                    Just("info".to_owned()),
                    Just("paths".to_owned()),
                    Just("components".to_owned()),
                    Just("/things".to_owned()),
                    Just("post".to_owned()),
                    Just("responses".to_owned()),
                    Just("$ref".to_owned()),
                    "[a-z]{1,8}".prop_map(|s| s),
                ],
                inner,
                0..6,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A document shaped like an OpenAPI description, with any values inside.
fn openapi_like() -> impl Strategy<Value = Value> {
    (json_value(), json_value(), json_value(), json_value()).prop_map(
        |(version, info, paths, components)| {
            let mut object = serde_json::Map::new();
            object.insert("openapi".into(), version);
            object.insert("info".into(), info);
            object.insert("paths".into(), paths);
            object.insert("components".into(), components);
            Value::Object(object)
        },
    )
}

fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    let path = Path::new("hostile.yaml");
    match xtask::spec::parse(path, bytes) {
        Ok(spec) => {
            if let Err(error) = xtask::preflight::check(&spec) {
                assert_typed(&error)?;
            }
        }
        Err(error) => assert_typed(&error)?,
    }
    Ok(())
}

fn assert_typed(error: &GenerateError) -> Result<(), TestCaseError> {
    let message = error.to_string();
    prop_assert!(!message.trim().is_empty(), "empty message: {:?}", error);
    prop_assert!(
        !message.trim().contains('\n'),
        "not one line: {:?}",
        message
    );
    Ok(())
}

fn real_spec() -> Vec<u8> {
    std::fs::read(xtask::workspace_root().join("openapi/nxtsoft.yaml")).expect("the spec")
}

/// One kind of damage to a document.
#[derive(Debug, Clone)]
enum Damage {
    Truncate(prop::sample::Index),
    Delete(prop::sample::Index, usize),
    Insert(prop::sample::Index, Vec<u8>),
    Flip(prop::sample::Index, u8),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        any::<prop::sample::Index>().prop_map(Damage::Truncate),
        (any::<prop::sample::Index>(), 1usize..64).prop_map(|(i, n)| Damage::Delete(i, n)),
        (
            any::<prop::sample::Index>(),
            prop_oneof![
                prop::collection::vec(any::<u8>(), 1..8),
                Just(b": [".to_vec()),
                Just(b"\n  - ".to_vec()),
                Just(b"{".to_vec()),
                Just(b"\t".to_vec()),
                Just(b"&a *a".to_vec()),
            ]
        )
            .prop_map(|(i, bytes)| Damage::Insert(i, bytes)),
        (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Damage::Flip(i, b)),
    ]
}

fn apply(mut bytes: Vec<u8>, damage: &[Damage]) -> Vec<u8> {
    for d in damage {
        if bytes.is_empty() {
            break;
        }
        match d {
            Damage::Truncate(i) => bytes.truncate(i.index(bytes.len())),
            Damage::Delete(i, n) => {
                let at = i.index(bytes.len());
                let end = (at + n).min(bytes.len());
                bytes.drain(at..end);
            }
            Damage::Insert(i, new) => {
                let at = i.index(bytes.len());
                bytes.splice(at..at, new.iter().copied());
            }
            Damage::Flip(i, b) => {
                let at = i.index(bytes.len());
                bytes[at] = *b;
            }
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check(&bytes)?;
    }

    #[test]
    fn arbitrary_json(value in json_value()) {
        check(serde_json::to_string(&value).unwrap_or_default().as_bytes())?;
    }

    #[test]
    fn arbitrary_yaml(value in json_value()) {
        check(serde_saphyr::to_string(&value).unwrap_or_default().as_bytes())?;
    }

    #[test]
    fn openapi_shaped_json_and_yaml(value in openapi_like()) {
        check(serde_json::to_string_pretty(&value).unwrap_or_default().as_bytes())?;
        check(serde_saphyr::to_string(&value).unwrap_or_default().as_bytes())?;
    }
}

proptest! {
    // Each case that still parses runs the whole generator: keep the count small.
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn damaged_real_spec(damage in prop::collection::vec(damage(), 1..4)) {
        let bytes = apply(real_spec(), &damage);
        check(&bytes)?;
        if xtask::spec::parse(Path::new("damaged.yaml"), &bytes).is_ok() {
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("damaged.yaml");
            std::fs::write(&path, &bytes).expect("write");
            if let Err(error) = xtask::render(&path) {
                assert_typed(&error)?;
            }
        }
    }
}
