//! Client credentials, their builder, and loading them from the environment.

use std::fmt;

use http::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::error::ConfigError;
use crate::url_policy::check_token_url;

/// How the client authenticates to the token endpoint (RFC 6749 §2.3.1). Exactly one method
/// is used per request, never both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ClientAuth {
    /// `client_secret_post`: `client_id` and `client_secret` in the form body (the default,
    /// and what NXTsoft documents).
    #[default]
    SecretPost,
    /// `client_secret_basic`: HTTP Basic authentication, with the id and the secret each
    /// `application/x-www-form-urlencoded` before being joined with `:` and base64-encoded,
    /// as RFC 6749 §2.3.1 requires.
    SecretBasic,
}

impl ClientAuth {
    /// Parses `client_secret_post` / `post` or `client_secret_basic` / `basic`
    /// (case-insensitive).
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        if value.eq_ignore_ascii_case("client_secret_post") || value.eq_ignore_ascii_case("post") {
            Some(Self::SecretPost)
        } else if value.eq_ignore_ascii_case("client_secret_basic")
            || value.eq_ignore_ascii_case("basic")
        {
            Some(Self::SecretBasic)
        } else {
            None
        }
    }
}

/// OAuth2 client-credentials: client id, client secret, token endpoint, scopes and the client
/// authentication method.
///
/// `Debug` never shows the secret:
/// ```
/// let credentials = nxtsoft_auth::Credentials::builder(
///     "https://auth.example.com/oauth2/token", "my-client", "s3cr3t")
///     .scope("payments/read")
///     .build()?;
/// assert!(!format!("{credentials:?}").contains("s3cr3t"));
/// # Ok::<(), nxtsoft_auth::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct Credentials {
    client_id: String,
    client_secret: SecretString,
    token_url: Url,
    scopes: Vec<String>,
    client_auth: ClientAuth,
    asset_id: Option<HeaderValue>,
}

/// The header that carries the partner's `assetID` on every API request. NXTsoft documents
/// `assetID` as "a key NXTsoft gives each partner to identify a client on its Omni Platform";
/// where it travels is not public, and a request header is this reconstruction's choice (see
/// the spec's `assetId` security scheme).
pub const ASSET_ID_HEADER: &str = "assetID";

impl Credentials {
    /// Starts building credentials for the given token endpoint.
    pub fn builder(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<SecretString>,
    ) -> CredentialsBuilder {
        CredentialsBuilder {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            scopes: Vec::new(),
            client_auth: ClientAuth::default(),
            asset_id: None,
        }
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The client secret.
    pub fn client_secret(&self) -> &SecretString {
        &self.client_secret
    }

    /// The token endpoint.
    pub fn token_url(&self) -> &Url {
        &self.token_url
    }

    /// The requested scopes (deduplicated, in the order given).
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// The client authentication method.
    pub fn client_auth(&self) -> ClientAuth {
        self.client_auth
    }

    /// The partner's `assetID`, sent as the [`ASSET_ID_HEADER`] header on every API request
    /// (marked sensitive: it is a key), if one is configured.
    pub fn asset_id(&self) -> Option<&HeaderValue> {
        self.asset_id.as_ref()
    }

    /// The `scope` parameter: the scopes joined with spaces, or `None` when there are none.
    pub fn scope_param(&self) -> Option<String> {
        (!self.scopes.is_empty()).then(|| self.scopes.join(" "))
    }

    pub(crate) fn secret_str(&self) -> &str {
        self.client_secret.expose_secret()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("token_url", &self.token_url.as_str())
            .field("scopes", &self.scopes)
            .field("client_auth", &self.client_auth)
            .field("asset_id", &self.asset_id.as_ref().map(|_| "[REDACTED]"))
            .finish()
    }
}

/// Builder for [`Credentials`]. Validation happens in [`build`](Self::build).
#[must_use]
pub struct CredentialsBuilder {
    token_url: String,
    client_id: String,
    client_secret: SecretString,
    scopes: Vec<String>,
    client_auth: ClientAuth,
    asset_id: Option<String>,
}

impl CredentialsBuilder {
    /// Adds one scope: a typed scope from the generated client or a free string.
    pub fn scope(mut self, scope: impl AsRef<str>) -> Self {
        self.scopes.push(scope.as_ref().to_owned());
        self
    }

    /// Adds several scopes.
    pub fn scopes<I>(mut self, scopes: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.scopes
            .extend(scopes.into_iter().map(|s| s.as_ref().to_owned()));
        self
    }

    /// Sets the client authentication method (default [`ClientAuth::SecretPost`]).
    pub fn client_auth(mut self, client_auth: ClientAuth) -> Self {
        self.client_auth = client_auth;
        self
    }

    /// Sets the partner's `assetID`, the key NXTsoft gives each partner: configured once,
    /// sent on every API request (never per call). Refused when empty, when it has leading or
    /// trailing whitespace, or when it is not visible ASCII.
    pub fn asset_id(mut self, asset_id: impl Into<String>) -> Self {
        self.asset_id = Some(asset_id.into());
        self
    }

    /// Replaces the token endpoint URL.
    pub fn token_url(mut self, token_url: impl Into<String>) -> Self {
        self.token_url = token_url.into();
        self
    }

    /// Validates and builds the credentials: the token URL must be `https` (or loopback), the
    /// id non-empty, without leading or trailing whitespace and without control characters
    /// (refused, never trimmed), the secret non-empty and used exactly as given (whatever it
    /// holds; [`EnvConfig`](crate::EnvConfig) is stricter, since a stray newline from an env
    /// file is the usual cause), scopes valid RFC 6749 §3.3 scope tokens.
    pub fn build(self) -> Result<Credentials, ConfigError> {
        let token_url = check_token_url(&self.token_url)?;
        let client_id = self.client_id;
        if client_id.is_empty() {
            return Err(ConfigError::EmptyClientId);
        }
        if let Some(reason) = unusable(&client_id) {
            return Err(ConfigError::InvalidClientId { reason });
        }
        if self.client_secret.expose_secret().is_empty() {
            return Err(ConfigError::EmptyClientSecret);
        }
        let mut scopes: Vec<String> = Vec::with_capacity(self.scopes.len());
        for scope in self.scopes {
            let scope = scope.trim();
            if scope.is_empty()
                || !scope
                    .bytes()
                    .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
            {
                return Err(ConfigError::InvalidScope {
                    scope: scope.to_owned(),
                });
            }
            if !scopes.iter().any(|s| s == scope) {
                scopes.push(scope.to_owned());
            }
        }
        Ok(Credentials {
            client_id,
            client_secret: self.client_secret,
            token_url,
            scopes,
            client_auth: self.client_auth,
            asset_id: self.asset_id.as_deref().map(asset_id_header).transpose()?,
        })
    }
}

/// The `assetID` header value, marked sensitive; refused when it cannot be sent as given.
pub(crate) fn asset_id_header(asset_id: &str) -> Result<HeaderValue, ConfigError> {
    let invalid = |reason| ConfigError::InvalidAssetId { reason };
    if asset_id.is_empty() {
        return Err(invalid("is empty"));
    }
    if let Some(reason) = unusable(asset_id) {
        return Err(invalid(reason));
    }
    if !asset_id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid("holds characters that are not visible ASCII"));
    }
    let mut value =
        HeaderValue::from_str(asset_id).map_err(|_| invalid("is not a valid header value"))?;
    value.set_sensitive(true);
    Ok(value)
}

/// Why an id (or a secret read from the environment) cannot be used as given; never quotes
/// the value.
pub(crate) fn unusable(value: &str) -> Option<&'static str> {
    if value.chars().any(char::is_control) {
        Some("contains a control character (a newline or carriage return from an env file?)")
    } else if value.trim() != value {
        Some(
            "has leading or trailing whitespace (it is not trimmed: remove it where the value is set)",
        )
    } else {
        None
    }
}

impl fmt::Debug for CredentialsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsBuilder")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("token_url", &self.token_url)
            .field("scopes", &self.scopes)
            .field("client_auth", &self.client_auth)
            .field("asset_id", &self.asset_id.as_ref().map(|_| "[REDACTED]"))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "p@ss+w/rd:%&=";

    #[test]
    fn builder_validates_and_dedups_scopes() {
        let credentials = Credentials::builder("https://a.example/token", "id", SECRET)
            .scope("a/b")
            .scopes(["c", "a/b"])
            .build()
            .unwrap();
        assert_eq!(credentials.client_id(), "id");
        assert_eq!(credentials.scopes(), ["a/b", "c"]);
        assert_eq!(credentials.scope_param().as_deref(), Some("a/b c"));
        assert_eq!(credentials.client_auth(), ClientAuth::SecretPost);

        for bad in ["", "has space", "quote\"", "back\\slash", "é"] {
            let error = Credentials::builder("https://a.example/token", "id", SECRET)
                .scope(bad)
                .build()
                .unwrap_err();
            assert!(matches!(error, ConfigError::InvalidScope { .. }), "{bad:?}");
        }
        assert!(matches!(
            Credentials::builder("https://a.example/token", "", SECRET).build(),
            Err(ConfigError::EmptyClientId)
        ));
        for id in [" id", "id\n", "i\rd", "id\t"] {
            assert!(
                matches!(
                    Credentials::builder("https://a.example/token", id, SECRET).build(),
                    Err(ConfigError::InvalidClientId { .. })
                ),
                "{id:?}"
            );
        }
        // A secret is used exactly as given, spaces and control characters included.
        for secret in [" s3cr3t", "s3cr3t\n", "s3c\0r3t"] {
            let credentials = Credentials::builder("https://a.example/token", "id", secret)
                .build()
                .unwrap();
            assert_eq!(credentials.secret_str(), secret);
        }
        // Inner spaces are fine: only the ends are suspicious.
        assert!(
            Credentials::builder("https://a.example/token", "id", "a b")
                .build()
                .is_ok()
        );
        assert!(matches!(
            Credentials::builder("https://a.example/token", "id", "").build(),
            Err(ConfigError::EmptyClientSecret)
        ));
        assert!(matches!(
            Credentials::builder("http://a.example/token", "id", SECRET).build(),
            Err(ConfigError::InvalidUrl { .. })
        ));
    }

    #[test]
    fn debug_redacts_the_secret() {
        let builder = Credentials::builder("https://a.example/token", "id", SECRET);
        assert!(!format!("{builder:?}").contains(SECRET));
        let credentials = builder.build().unwrap();
        let debug = format!("{credentials:?}");
        assert!(
            !debug.contains(SECRET) && !debug.contains("p@ss"),
            "{debug}"
        );
        assert!(debug.contains("[REDACTED]"));
    }

    #[test]
    fn client_auth_parse() {
        assert_eq!(ClientAuth::parse("BASIC"), Some(ClientAuth::SecretBasic));
        assert_eq!(
            ClientAuth::parse(" client_secret_post "),
            Some(ClientAuth::SecretPost)
        );
        assert_eq!(ClientAuth::parse("none"), None);
    }
}
