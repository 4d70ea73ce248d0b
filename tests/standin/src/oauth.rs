//! `POST /oauth2/token`: the client credentials grant as AWS Cognito serves it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use http::{HeaderMap, Method, StatusCode, header};
use serde_json::json;

use crate::answer::{Answer, has_media_type};
use crate::state::{Inner, Shared, TokenRecord};

/// The path of the token endpoint.
pub const TOKEN_PATH: &str = "/oauth2/token";

/// The longest lifetime a token is issued with, whatever is configured (ten years).
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// An RFC 6749 §5.2 refusal.
struct OAuthError {
    status: StatusCode,
    code: &'static str,
    description: String,
    basic_challenge: bool,
}

fn refuse(code: &'static str, description: impl Into<String>) -> OAuthError {
    OAuthError {
        status: StatusCode::BAD_REQUEST,
        code,
        description: description.into(),
        basic_challenge: false,
    }
}

/// The usual body of a token endpoint error.
pub(crate) fn error_body(code: &str, description: &str) -> bytes::Bytes {
    let body = json!({"error": code, "error_description": description});
    bytes::Bytes::from(body.to_string())
}

fn oauth_answer(err: OAuthError) -> Answer {
    let mut answer = Answer::json(err.status, error_body(err.code, &err.description));
    answer.push_header(header::CACHE_CONTROL, "no-store");
    answer.push_header(header::PRAGMA, "no-cache");
    if err.basic_challenge {
        answer.push_header(header::WWW_AUTHENTICATE, "Basic realm=\"nxtsoft-standin\"");
    }
    if err.status == StatusCode::METHOD_NOT_ALLOWED {
        answer.push_header(header::ALLOW, "POST");
    }
    answer
}

/// Answers one token request (faults have already been handled by the caller).
pub(crate) fn handle(shared: &Shared, method: &Method, headers: &HeaderMap, body: &[u8]) -> Answer {
    let mut inner = shared.lock();
    match issue(&mut inner, method, headers, body) {
        Ok(answer) => {
            inner.stats.tokens_issued += 1;
            answer
        }
        Err(err) => {
            inner.count_token_error(err.code);
            oauth_answer(err)
        }
    }
}

fn issue(
    inner: &mut Inner,
    method: &Method,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Answer, OAuthError> {
    if method != Method::POST {
        return Err(OAuthError {
            status: StatusCode::METHOD_NOT_ALLOWED,
            ..refuse("invalid_request", "the token endpoint only accepts POST")
        });
    }
    if !has_media_type(headers, "application/x-www-form-urlencoded") {
        return Err(refuse(
            "invalid_request",
            "the body must be application/x-www-form-urlencoded",
        ));
    }
    let mut params: Vec<(String, String)> = Vec::new();
    for (name, value) in url::form_urlencoded::parse(body) {
        if params.iter().any(|(n, _)| *n == name) {
            return Err(refuse(
                "invalid_request",
                format!("the parameter `{name}` is repeated"),
            ));
        }
        params.push((name.into_owned(), value.into_owned()));
    }
    let param = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };

    match param("grant_type") {
        None | Some("") => return Err(refuse("invalid_request", "grant_type is required")),
        Some("client_credentials") => {}
        Some(other) => {
            return Err(refuse(
                "unsupported_grant_type",
                format!("the grant type `{other}` is not supported"),
            ));
        }
    }

    // Client authentication: client_secret_basic or client_secret_post, never both.
    let basic = match headers.get(header::AUTHORIZATION) {
        Some(value) => Some(parse_basic(value.as_bytes())?),
        None => None,
    };
    let form_id = param("client_id");
    let form_secret = param("client_secret");
    let (client_id, secret, via_basic) = match (basic, form_secret) {
        (Some(_), Some(_)) => {
            return Err(refuse(
                "invalid_request",
                "the client authenticated with both client_secret_basic and client_secret_post",
            ));
        }
        (Some((id, secret)), None) => {
            if form_id.is_some_and(|f| f != id) {
                return Err(refuse(
                    "invalid_request",
                    "client_id in the body differs from the Authorization header",
                ));
            }
            (id, secret, true)
        }
        (None, Some(secret)) => match form_id {
            Some(id) => (id.to_owned(), secret.to_owned(), false),
            None => return Err(refuse("invalid_client", "client_id is required")),
        },
        (None, None) => {
            return Err(refuse(
                "invalid_client",
                "client authentication is required",
            ));
        }
    };
    let client = inner
        .clients
        .iter()
        .find(|c| c.id() == client_id && c.secret() == secret)
        .cloned();
    let Some(client) = client else {
        let mut err = refuse("invalid_client", "unknown client or wrong secret");
        if via_basic {
            err.status = StatusCode::UNAUTHORIZED;
            err.basic_challenge = true;
        }
        return Err(err);
    };
    if !client.allows_client_credentials() {
        return Err(refuse(
            "unauthorized_client",
            "this client may not use the client_credentials grant",
        ));
    }

    let mut scopes: Vec<String> = Vec::new();
    match param("scope").filter(|s| !s.trim().is_empty()) {
        Some(requested) => {
            for scope in requested.split(' ').filter(|s| !s.is_empty()) {
                if !client.scopes().iter().any(|s| s == scope) {
                    return Err(refuse(
                        "invalid_scope",
                        format!("the scope `{scope}` is unknown or not allowed for this client"),
                    ));
                }
                if !scopes.iter().any(|s| s == scope) {
                    scopes.push(scope.to_owned());
                }
            }
        }
        None => scopes = client.scopes().to_vec(),
    }
    if scopes.is_empty() {
        return Err(refuse("invalid_scope", "this client is allowed no scope"));
    }

    let lifetime = inner.token_lifetime.min(MAX_TOKEN_LIFETIME);
    let (token, jti) = mint(&inner.issuer, client.id(), &scopes, lifetime);
    let seq = inner.stats.tokens_issued + 1;
    inner.tokens.insert(
        token.clone(),
        TokenRecord {
            client_id: client.id().to_owned(),
            scopes,
            jti,
            lifetime,
            expires_at: tokio::time::Instant::now() + lifetime,
            revoked: false,
            seq,
        },
    );
    let body = json!({
        "access_token": token,
        "expires_in": lifetime.as_secs(),
        "token_type": "Bearer",
    });
    let mut answer = Answer::json(StatusCode::OK, bytes::Bytes::from(body.to_string()));
    answer.push_header(header::CACHE_CONTROL, "no-store");
    answer.push_header(header::PRAGMA, "no-cache");
    Ok(answer)
}

/// Decodes `Basic base64(urlencode(id) ":" urlencode(secret))` (RFC 6749 §2.3.1).
fn parse_basic(value: &[u8]) -> Result<(String, String), OAuthError> {
    let bad = || {
        refuse(
            "invalid_request",
            "the Authorization header is not valid Basic credentials",
        )
    };
    let text = std::str::from_utf8(value).map_err(|_| bad())?;
    let (scheme, rest) = text.trim().split_once(' ').ok_or_else(bad)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(refuse(
            "invalid_request",
            "the token endpoint only understands Basic client authentication in the Authorization header",
        ));
    }
    let decoded = STANDARD.decode(rest.trim()).map_err(|_| bad())?;
    let decoded = String::from_utf8(decoded).map_err(|_| bad())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(bad)?;
    Ok((form_decode(id), form_decode(secret)))
}

/// `application/x-www-form-urlencoded` decoding of one component; a `%` not followed by two hex
/// digits is kept as it is.
fn form_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A JWT-shaped access token. The signature is random bytes: the stand-in recognises its tokens
/// by looking them up, never by verifying a signature.
fn mint(issuer: &str, client_id: &str, scopes: &[String], lifetime: Duration) -> (String, String) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let jti = uuid::Uuid::new_v4().to_string();
    let header = json!({"alg": "HS256", "kid": "nxtsoft-standin", "typ": "JWT"});
    let claims = json!({
        "sub": client_id,
        "client_id": client_id,
        "token_use": "access",
        "scope": scopes.join(" "),
        "auth_time": now,
        "iss": issuer,
        "iat": now,
        "exp": now.saturating_add(lifetime.as_secs()),
        "jti": jti,
        "version": 2,
    });
    let mut signature = Vec::with_capacity(32);
    signature.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    signature.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    let token = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        URL_SAFE_NO_PAD.encode(signature),
    );
    (token, jti)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding_follows_rfc_6749_2_3_1() {
        assert_eq!(form_decode("a%3Ab+c%25"), "a:b c%");
        assert_eq!(form_decode("100%"), "100%");
        assert_eq!(form_decode("%zz"), "%zz");
        assert_eq!(form_decode("%C3%A9"), "é");
    }

    #[test]
    fn basic_header_is_split_at_the_first_colon() {
        let value = format!("Basic {}", STANDARD.encode("id%3A1:se:cret"));
        assert_eq!(
            parse_basic(value.as_bytes()).ok(),
            Some(("id:1".to_owned(), "se:cret".to_owned()))
        );
        assert!(parse_basic(b"Basic !!!").is_err());
        assert!(parse_basic(b"Bearer abc").is_err());
        assert!(parse_basic(b"Basic").is_err());
    }
}
