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
    let code = object
        .as_ref()
        .and_then(|o| o.get("error"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|c| !c.is_empty());
    match (code, &object) {
        (Some(code), Some(object)) if !status.is_redirection() && !status.is_success() => {
            let text = |key: &str| {
                object
                    .get(key)
                    .and_then(Value::as_str)
                    .map(|s| clean(s, secret))
                    .filter(|s| !s.is_empty())
            };
            TokenError::OAuth {
                code: OAuthErrorCode::from_wire(&clean(code, secret)),
                description: text("error_description"),
                uri: text("error_uri"),
                status,
                retry_after,
            }
        }
        _ => TokenError::UnexpectedStatus {
            status,
            retry_after,
        },
    }
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
}
