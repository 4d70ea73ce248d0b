//! Access tokens, kept secret, with their `Authorization` header value built once.

use std::fmt;

use bytes::{BufMut, BytesMut};
use http::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::error::InvalidResponse;

/// An OAuth2 Bearer access token.
///
/// The token is held in a [`SecretString`]; `Debug` prints `AccessToken([REDACTED])`. The
/// `Authorization: Bearer …` header value is built once, marked sensitive (so HTTP libraries
/// do not log it), and cloned for each request.
#[derive(Clone)]
pub struct AccessToken {
    secret: SecretString,
    header: HeaderValue,
}

impl AccessToken {
    /// Wraps a token string.
    ///
    /// Fails when the token is empty or contains anything but visible ASCII (`!` to `~`):
    /// such a value cannot be sent safely in an `Authorization` header (CR/LF would allow
    /// header injection).
    pub fn new(token: impl Into<String>) -> Result<Self, InvalidResponse> {
        let token: String = token.into();
        let secret = SecretString::from(token);
        let value = secret.expose_secret();
        if value.is_empty() {
            return Err(InvalidResponse::new("access_token is empty"));
        }
        if !value.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(InvalidResponse::new(
                "access_token contains characters that are not visible ASCII (for example CR, LF or spaces)",
            ));
        }
        let mut bytes = BytesMut::with_capacity(7 + value.len());
        bytes.put_slice(b"Bearer ");
        bytes.put_slice(value.as_bytes());
        let mut header = HeaderValue::from_maybe_shared(bytes.freeze())
            .map_err(|_| InvalidResponse::new("access_token is not a valid header value"))?;
        header.set_sensitive(true);
        Ok(Self { secret, header })
    }

    /// The raw token. Handle with care: never log it.
    pub fn expose_secret(&self) -> &str {
        self.secret.expose_secret()
    }

    /// The `Authorization` header value (`Bearer <token>`), marked sensitive.
    pub fn header_value(&self) -> &HeaderValue {
        &self.header
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken([REDACTED])")
    }
}

impl PartialEq for AccessToken {
    fn eq(&self, other: &Self) -> bool {
        self.header == other.header
    }
}

impl Eq for AccessToken {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_built_once_and_sensitive() {
        let token = AccessToken::new("abc.DEF-123_~+/=").unwrap();
        assert_eq!(
            token.header_value().to_str().unwrap(),
            "Bearer abc.DEF-123_~+/="
        );
        assert!(token.header_value().is_sensitive());
        assert_eq!(format!("{token:?}"), "AccessToken([REDACTED])");
        assert_eq!(token.expose_secret(), "abc.DEF-123_~+/=");
    }

    #[test]
    fn refuses_values_that_are_not_visible_ascii() {
        for bad in ["", "a\r\nX-Evil: 1", "a b", "a\tb", "é", "a\0b", "\x7f"] {
            assert!(AccessToken::new(bad).is_err(), "{bad:?}");
        }
    }
}
