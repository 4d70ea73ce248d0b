//! Parsing token endpoint responses (RFC 6749 §5.1 success, §5.2 error).
//!
//! Lenient where real servers differ (`token_type` case, `expires_in` as a number or a numeric
//! string, missing `expires_in`), strict where it matters (the token must be a valid header
//! value, the type must be Bearer). Error messages never quote the response, so they cannot
//! leak a token.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Map, Value};

use crate::error::{InvalidResponse, OAuthErrorCode, TokenError};
use crate::token::AccessToken;

/// Longest lifetime believed from a server; longer values are clamped to this, so a bogus
/// `expires_in` cannot overflow the clock or pin a token forever.
pub const MAX_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// A parsed success response.
#[derive(Debug)]
pub(crate) struct TokenResponse {
    pub(crate) token: AccessToken,
    /// `None` when the server sent no `expires_in`.
    pub(crate) expires_in: Option<Duration>,
}

fn invalid(reason: &'static str) -> TokenError {
    TokenError::InvalidResponse(InvalidResponse::new(reason))
}

pub(crate) fn parse_success(body: &[u8]) -> Result<TokenResponse, TokenError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|_| invalid("response body is not JSON"))?;
    let Value::Object(object) = value else {
        return Err(invalid("response body is not a JSON object"));
    };
    match object.get("token_type") {
        // RFC 6749 requires token_type; a missing one is taken to mean Bearer.
        None | Some(Value::Null) => {}
        Some(Value::String(kind)) if kind.trim().eq_ignore_ascii_case("bearer") => {}
        Some(Value::String(_)) => {
            return Err(invalid("token_type is not Bearer"));
        }
        Some(_) => return Err(invalid("token_type is not a string")),
    }
    let token = match object.get("access_token") {
        Some(Value::String(token)) => {
            AccessToken::new(token.as_str()).map_err(TokenError::InvalidResponse)?
        }
        Some(_) => return Err(invalid("access_token is not a string")),
        None => return Err(invalid("access_token is missing")),
    };
    let expires_in = parse_expires_in(&object)?;
    Ok(TokenResponse { token, expires_in })
}

fn parse_expires_in(object: &Map<String, Value>) -> Result<Option<Duration>, TokenError> {
    let seconds = match object.get("expires_in") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(number)) => number
            .as_u64()
            .map(|s| s as f64)
            .or_else(|| number.as_f64())
            .ok_or_else(|| invalid("expires_in is not a number"))?,
        Some(Value::String(text)) => text
            .trim()
            .parse::<f64>()
            .map_err(|_| invalid("expires_in is a string but not a number"))?,
        Some(_) => return Err(invalid("expires_in is not a number")),
    };
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(invalid("expires_in is negative or not finite"));
    }
    let max = MAX_LIFETIME.as_secs_f64();
    Ok(Some(Duration::from_secs_f64(seconds.min(max))))
}

/// Builds the error for a non-success response: an OAuth §5.2 error when the body is one,
/// otherwise an unexpected status.
pub(crate) fn parse_error(
    status: StatusCode,
    body: Option<&[u8]>,
    retry_after: Option<Duration>,
    secret: &str,
) -> TokenError {
    let object = body
        .and_then(|body| serde_json::from_slice::<Value>(body).ok())
        .and_then(|value| match value {
            Value::Object(object) => Some(object),
            _ => None,
        });
    match object {
        Some(object) if !status.is_redirection() && !status.is_success() => {
            oauth_error(status, &object, retry_after, secret)
        }
        _ => None,
    }
    .unwrap_or(TokenError::UnexpectedStatus {
        status,
        retry_after,
    })
}

/// The RFC 6749 §5.2 error in a success (2xx) answer that carries no `access_token` but an
/// `error` code, as some servers send: reported as that OAuth error (with the 2xx status), so
/// the caller sees the real cause (say `invalid_client`) rather than "access_token is missing".
/// `None` when the body is anything else.
pub(crate) fn oauth_error_in_success(
    status: StatusCode,
    body: &[u8],
    secret: &str,
) -> Option<TokenError> {
    let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body) else {
        return None;
    };
    if !status.is_success() || object.contains_key("access_token") {
        return None;
    }
    oauth_error(status, &object, None, secret)
}

fn oauth_error(
    status: StatusCode,
    object: &Map<String, Value>,
    retry_after: Option<Duration>,
    secret: &str,
) -> Option<TokenError> {
    let code = object
        .get("error")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|c| !c.is_empty())?;
    let text = |key: &str| {
        object
            .get(key)
            .and_then(Value::as_str)
            .map(|s| clean(s, secret))
            .filter(|s| !s.is_empty())
    };
    Some(TokenError::OAuth {
        code: OAuthErrorCode::from_wire(&clean(code, secret)),
        description: text("error_description"),
        uri: text("error_uri"),
        status,
        retry_after,
    })
}

/// Server text goes into error messages and logs: cap its length, replace control characters
/// (no log injection) and redact the client secret should a server echo it.
fn clean(text: &str, secret: &str) -> String {
    const MAX_CHARS: usize = 512;
    let mut out: String = text
        .chars()
        .take(MAX_CHARS)
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect();
    if !secret.is_empty() && out.contains(secret) {
        out = out.replace(secret, "[REDACTED]");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(body: &str) -> TokenResponse {
        parse_success(body.as_bytes()).unwrap()
    }

    fn err(body: &str) -> String {
        parse_success(body.as_bytes()).unwrap_err().to_string()
    }

    #[test]
    fn lenient_success_parsing() {
        let r = ok(r#"{"access_token":"t1","token_type":"bearer","expires_in":3600}"#);
        assert_eq!(r.token.expose_secret(), "t1");
        assert_eq!(r.expires_in, Some(Duration::from_secs(3600)));
        let r = ok(r#"{"access_token":"t1","token_type":"BEARER","expires_in":" 60 "}"#);
        assert_eq!(r.expires_in, Some(Duration::from_secs(60)));
        let r = ok(r#"{"access_token":"t1","token_type":"Bearer","expires_in":1.5}"#);
        assert_eq!(r.expires_in, Some(Duration::from_millis(1500)));
        let r = ok(r#"{"access_token":"t1","token_type":"Bearer"}"#);
        assert_eq!(r.expires_in, None);
        let r = ok(r#"{"access_token":"t1","token_type":"Bearer","expires_in":0}"#);
        assert_eq!(r.expires_in, Some(Duration::ZERO));
        let r = ok(r#"{"access_token":"t1","expires_in":1e300}"#);
        assert_eq!(r.expires_in, Some(MAX_LIFETIME));
        let r = ok(r#"{"access_token":"t1","expires_in":18446744073709551615}"#);
        assert_eq!(r.expires_in, Some(MAX_LIFETIME));
        let r = ok(r#"{"access_token":"t1","expires_in":"99999999999999999999999"}"#);
        assert_eq!(r.expires_in, Some(MAX_LIFETIME));
    }

    #[test]
    fn strict_success_parsing_without_echoing_the_token() {
        for (body, reason) in [
            (
                r#"{"access_token":"SECRETTOK","token_type":"mac"}"#,
                "not Bearer",
            ),
            (
                r#"{"access_token":"SECRETTOK","token_type":7}"#,
                "not a string",
            ),
            (
                r#"{"access_token":"SECRET\r\nTOK","token_type":"Bearer"}"#,
                "visible ASCII",
            ),
            (r#"{"access_token":"","token_type":"Bearer"}"#, "empty"),
            (r#"{"access_token":42}"#, "not a string"),
            (r#"{"token_type":"Bearer"}"#, "missing"),
            (
                r#"{"access_token":"SECRETTOK","expires_in":-1}"#,
                "negative",
            ),
            (
                r#"{"access_token":"SECRETTOK","expires_in":"soon"}"#,
                "not a number",
            ),
            (
                r#"{"access_token":"SECRETTOK","expires_in":[1]}"#,
                "not a number",
            ),
            (r#"["SECRETTOK"]"#, "not a JSON object"),
            ("SECRETTOK", "not JSON"),
        ] {
            let message = err(body);
            assert!(message.contains(reason), "{body}: {message}");
            assert!(!message.contains("SECRET"), "{message}");
        }
    }

    #[test]
    fn oauth_errors_are_typed() {
        let body = br#"{"error":"invalid_scope","error_description":"bad\nscope s3cr3t","error_uri":"https://e/x"}"#;
        let error = parse_error(StatusCode::BAD_REQUEST, Some(body), None, "s3cr3t");
        match &error {
            TokenError::OAuth {
                code,
                description,
                uri,
                status,
                ..
            } => {
                assert_eq!(*code, OAuthErrorCode::InvalidScope);
                assert_eq!(description.as_deref(), Some("bad\u{FFFD}scope [REDACTED]"));
                assert_eq!(uri.as_deref(), Some("https://e/x"));
                assert_eq!(*status, StatusCode::BAD_REQUEST);
            }
            other => panic!("{other:?}"),
        }
        assert!(!error.is_retryable());
        let error = parse_error(
            StatusCode::SERVICE_UNAVAILABLE,
            Some(br#"{"error":"temporarily_unavailable"}"#),
            None,
            "x",
        );
        assert_eq!(
            error.oauth_code(),
            Some(&OAuthErrorCode::Other("temporarily_unavailable".into()))
        );
        assert!(error.is_retryable());
        let error = parse_error(StatusCode::BAD_GATEWAY, Some(b"<html>"), None, "x");
        assert!(matches!(error, TokenError::UnexpectedStatus { .. }));
        assert!(error.is_retryable());
        let error = parse_error(
            StatusCode::FOUND,
            Some(br#"{"error":"invalid_client"}"#),
            None,
            "x",
        );
        assert!(matches!(error, TokenError::UnexpectedStatus { .. }));
        assert!(!error.is_retryable());
    }

    #[test]
    fn oauth_error_in_a_200_is_typed_and_not_retried() {
        let body = br#"{"error":"invalid_client","error_description":"bad secret s3cr3t"}"#;
        let error = oauth_error_in_success(StatusCode::OK, body, "s3cr3t").unwrap();
        assert_eq!(error.oauth_code(), Some(&OAuthErrorCode::InvalidClient));
        assert_eq!(error.status(), Some(StatusCode::OK));
        assert!(!error.is_retryable());
        assert!(!error.to_string().contains("s3cr3t"), "{error}");
        let error = oauth_error_in_success(
            StatusCode::OK,
            br#"{"error":"temporarily_unavailable"}"#,
            "x",
        )
        .unwrap();
        assert!(!error.is_retryable(), "a 200 is not a retryable status");
        for body in [
            &br#"{"access_token":"t","error":"invalid_client"}"#[..],
            br#"{"error":""}"#,
            br#"{"error":7}"#,
            br#"["error"]"#,
            b"<html>",
        ] {
            assert!(oauth_error_in_success(StatusCode::OK, body, "x").is_none());
        }
        assert!(oauth_error_in_success(StatusCode::FOUND, br#"{"error":"x"}"#, "x").is_none());
    }
}

/// Hostile input: whatever a token endpoint sends, parsing ends in a value or a typed error,
/// never a panic, and never an error message that quotes the token.
#[cfg(test)]
mod proptests {
    use proptest::prelude::*;

    use super::*;

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
            let error = parse_error(status, Some(&body), None, "s3cr3t");
            let typed = matches!(error, TokenError::OAuth { .. } | TokenError::UnexpectedStatus { .. });
            prop_assert!(typed, "{:?}", error);
            if let Some(error) = oauth_error_in_success(status, &body, "s3cr3t") {
                let typed = matches!(error, TokenError::OAuth { .. });
                prop_assert!(typed, "{:?}", error);
            }
        }

        #[test]
        fn arbitrary_json_never_panics(value in json_value(), status in status()) {
            let body = serde_json::to_vec(&value).unwrap();
            let _ = check_success(&body);
            let _ = parse_error(status, Some(&body), None, "s3cr3t");
            let _ = oauth_error_in_success(status, &body, "s3cr3t");
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
            let error = parse_error(status, Some(&body), None, "s3cr3t");
            if let Some(token) = &token {
                let text = error.to_string();
                prop_assert!(!text.contains(token.as_str()), "{}", text);
            }
            if let Some(error) = oauth_error_in_success(status, &body, "s3cr3t") {
                prop_assert!(token.is_none(), "a body with a token is not an error");
                prop_assert!(status.is_success());
                prop_assert!(!error.is_retryable());
            }
        }
    }
}
