//! Parsing token endpoint responses (RFC 6749 §5.1 success, §5.2 error).
//!
//! Lenient where real servers differ (`token_type` case, `expires_in` as a number or a numeric
//! string, missing `expires_in`), strict where it matters (the token must be a valid header
//! value, the type must be Bearer). Error messages never quote the response, so they cannot
//! leak a token; the server's own words (`error_description`, `error_uri`) go through the
//! [`Redactor`] first.

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::value::RawValue;

use crate::error::{InvalidResponse, OAuthErrorCode, TokenError};
use crate::redact::Redactor;
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

/// The members of a JSON object, each kept as its raw text: numbers are never converted
/// while parsing, so a number beyond the range of `f64` (`1e400`) is still valid JSON here.
type Members = BTreeMap<String, Box<RawValue>>;

/// Why a body is not a JSON object.
enum NotAnObject {
    NotJson,
    OtherJson,
}

fn members(body: &[u8]) -> Result<Members, NotAnObject> {
    let raw: Box<RawValue> = serde_json::from_slice(body).map_err(|_| NotAnObject::NotJson)?;
    serde_json::from_str(raw.get()).map_err(|_| NotAnObject::OtherJson)
}

/// A member's value when it is a JSON string; `Err` when it is present but something else.
fn string_member(members: &Members, key: &str) -> Result<Option<String>, ()> {
    match members.get(key).map(|raw| raw.get()) {
        None | Some("null") => Ok(None),
        Some(text) => serde_json::from_str::<String>(text)
            .map(Some)
            .map_err(|_| ()),
    }
}

pub(crate) fn parse_success(body: &[u8]) -> Result<TokenResponse, TokenError> {
    let members = members(body).map_err(|why| match why {
        NotAnObject::NotJson => invalid("response body is not JSON"),
        NotAnObject::OtherJson => invalid("response body is not a JSON object"),
    })?;
    match string_member(&members, "token_type") {
        // RFC 6749 requires token_type; a missing one is taken to mean Bearer.
        Ok(None) => {}
        Ok(Some(kind)) if kind.trim().eq_ignore_ascii_case("bearer") => {}
        Ok(Some(_)) => return Err(invalid("token_type is not Bearer")),
        Err(()) => return Err(invalid("token_type is not a string")),
    }
    let token = match string_member(&members, "access_token") {
        Ok(Some(token)) => AccessToken::new(token).map_err(TokenError::InvalidResponse)?,
        Ok(None) if members.contains_key("access_token") => {
            return Err(invalid("access_token is not a string"));
        }
        Ok(None) => return Err(invalid("access_token is missing")),
        Err(()) => return Err(invalid("access_token is not a string")),
    };
    let expires_in = parse_expires_in(&members)?;
    Ok(TokenResponse { token, expires_in })
}

/// `expires_in` as a JSON number or a numeric string, in seconds, possibly fractional.
/// Values beyond [`MAX_LIFETIME`] (up to and beyond the range of `f64`) are capped to it.
fn parse_expires_in(members: &Members) -> Result<Option<Duration>, TokenError> {
    let Some(raw) = members.get("expires_in").map(|raw| raw.get()) else {
        return Ok(None);
    };
    let seconds = match raw.as_bytes().first() {
        _ if raw == "null" => return Ok(None),
        Some(b'"') => serde_json::from_str::<String>(raw)
            .ok()
            .and_then(|text| text.trim().parse::<f64>().ok())
            .ok_or_else(|| invalid("expires_in is a string but not a number"))?,
        Some(b'-' | b'0'..=b'9') => raw
            .parse::<f64>()
            .map_err(|_| invalid("expires_in is not a number"))?,
        _ => return Err(invalid("expires_in is not a number")),
    };
    if seconds.is_nan() || seconds < 0.0 {
        return Err(invalid("expires_in is negative or not a number"));
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
    redactor: &Redactor,
) -> TokenError {
    let oauth = match body.map(members) {
        Some(Ok(members)) if !status.is_redirection() && !status.is_success() => {
            oauth_error(status, &members, retry_after, redactor)
        }
        _ => None,
    };
    oauth.unwrap_or(TokenError::UnexpectedStatus {
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
    redactor: &Redactor,
) -> Option<TokenError> {
    let members = members(body).ok()?;
    if !status.is_success() || members.contains_key("access_token") {
        return None;
    }
    oauth_error(status, &members, None, redactor)
}

fn oauth_error(
    status: StatusCode,
    members: &Members,
    retry_after: Option<Duration>,
    redactor: &Redactor,
) -> Option<TokenError> {
    let text = |key: &str| {
        string_member(members, key)
            .ok()
            .flatten()
            .map(|s| redactor.clean(&s))
            .filter(|s| !s.trim().is_empty())
    };
    let code = text("error")?;
    Some(TokenError::OAuth {
        code: OAuthErrorCode::from_wire(code.trim()),
        description: text("error_description"),
        uri: text("error_uri"),
        status,
        retry_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor(secret: &str) -> Redactor {
        Redactor::new("client", secret)
    }

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
    fn expires_in_beyond_the_range_of_f64_is_capped() {
        for body in [
            r#"{"access_token":"t1","expires_in":1e400}"#,
            r#"{"access_token":"t1","expires_in":"1e400"}"#,
            r#"{"access_token":"t1","expires_in":" 1E+400 "}"#,
            r#"{"access_token":"t1","expires_in":123456789012345678901234567890e300}"#,
            r#"{"access_token":"t1","expires_in":3600,"vendor":{"huge":-1e400}}"#,
        ] {
            let expected = if body.contains("3600") {
                Duration::from_secs(3600)
            } else {
                MAX_LIFETIME
            };
            assert_eq!(ok(body).expires_in, Some(expected), "{body}");
        }
        assert!(err(r#"{"access_token":"t1","expires_in":-1e400}"#).contains("negative"));
        assert!(err(r#"{"access_token":"t1","expires_in":"NaN"}"#).contains("not a number"));
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
        let error = parse_error(
            StatusCode::BAD_REQUEST,
            Some(body),
            None,
            &redactor("s3cr3t"),
        );
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
            &redactor("x"),
        );
        assert_eq!(
            error.oauth_code(),
            Some(&OAuthErrorCode::Other("temporarily_unavailable".into()))
        );
        assert!(error.is_retryable());
        let error = parse_error(
            StatusCode::BAD_GATEWAY,
            Some(b"<html>"),
            None,
            &redactor("x"),
        );
        assert!(matches!(error, TokenError::UnexpectedStatus { .. }));
        assert!(error.is_retryable());
        let error = parse_error(
            StatusCode::FOUND,
            Some(br#"{"error":"invalid_client"}"#),
            None,
            &redactor("x"),
        );
        assert!(matches!(error, TokenError::UnexpectedStatus { .. }));
        assert!(!error.is_retryable());
    }

    #[test]
    fn oauth_error_in_a_200_is_typed_and_not_retried() {
        let body = br#"{"error":"invalid_client","error_description":"bad secret s3cr3t"}"#;
        let error = oauth_error_in_success(StatusCode::OK, body, &redactor("s3cr3t")).unwrap();
        assert_eq!(error.oauth_code(), Some(&OAuthErrorCode::InvalidClient));
        assert_eq!(error.status(), Some(StatusCode::OK));
        assert!(!error.is_retryable());
        assert!(!error.to_string().contains("s3cr3t"), "{error}");
        let error = oauth_error_in_success(
            StatusCode::OK,
            br#"{"error":"temporarily_unavailable"}"#,
            &redactor("x"),
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
            assert!(oauth_error_in_success(StatusCode::OK, body, &redactor("x")).is_none());
        }
        assert!(
            oauth_error_in_success(StatusCode::FOUND, br#"{"error":"x"}"#, &redactor("x"))
                .is_none()
        );
    }
}

#[cfg(test)]
mod proptests;
