//! Client credentials, their builder, and loading them from the environment.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::error::ConfigError;
use crate::url_policy::{check_base_url, check_token_url};

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
}

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

    /// Replaces the token endpoint URL.
    pub fn token_url(mut self, token_url: impl Into<String>) -> Self {
        self.token_url = token_url.into();
        self
    }

    /// Validates and builds the credentials: the token URL must be `https` (or loopback),
    /// id and secret non-empty, scopes valid RFC 6749 §3.3 scope tokens.
    pub fn build(self) -> Result<Credentials, ConfigError> {
        let token_url = check_token_url(&self.token_url)?;
        let client_id = self.client_id.trim().to_owned();
        if client_id.is_empty() {
            return Err(ConfigError::EmptyClientId);
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
        })
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
            .finish()
    }
}

/// Configuration read from the environment.
///
/// | variable | meaning |
/// | --- | --- |
/// | `NXTSOFT_CLIENT_ID` | client id (required) |
/// | `NXTSOFT_CLIENT_SECRET` | client secret (required) |
/// | `NXTSOFT_API_BASE_URL` | API base URL (required) |
/// | `NXTSOFT_TOKEN_URL` | token endpoint (optional; default given by the caller) |
/// | `NXTSOFT_SCOPES` | scopes separated by spaces or commas (optional) |
/// | `NXTSOFT_CLIENT_AUTH` | `client_secret_post` (default) or `client_secret_basic` (optional) |
/// | `NXTSOFT_TOKEN_CACHE_URL` | `redis://` or `rediss://` URL of a fleet-wide token cache (optional) |
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct EnvConfig {
    /// The credentials.
    pub credentials: Credentials,
    /// The API base URL (checked with [`check_base_url`](crate::check_base_url)).
    pub api_base_url: String,
    /// The fleet-wide token cache URL (`redis://` or `rediss://`, checked; kept secret since it
    /// may carry a password), for `SharedCache::new` (feature `redis`).
    pub token_cache_url: Option<SecretString>,
}

impl EnvConfig {
    /// Name of the client id variable.
    pub const CLIENT_ID: &'static str = "NXTSOFT_CLIENT_ID";
    /// Name of the client secret variable.
    pub const CLIENT_SECRET: &'static str = "NXTSOFT_CLIENT_SECRET";
    /// Name of the token URL variable.
    pub const TOKEN_URL: &'static str = "NXTSOFT_TOKEN_URL";
    /// Name of the scopes variable.
    pub const SCOPES: &'static str = "NXTSOFT_SCOPES";
    /// Name of the API base URL variable.
    pub const API_BASE_URL: &'static str = "NXTSOFT_API_BASE_URL";
    /// Name of the client authentication method variable.
    pub const CLIENT_AUTH: &'static str = "NXTSOFT_CLIENT_AUTH";
    /// Name of the fleet-wide token cache URL variable.
    pub const TOKEN_CACHE_URL: &'static str = "NXTSOFT_TOKEN_CACHE_URL";

    /// Reads the process environment. `default_token_url` is used when `NXTSOFT_TOKEN_URL`
    /// is not set. Errors name the missing or invalid variable.
    pub fn from_env(default_token_url: &str) -> Result<Self, ConfigError> {
        Self::from_lookup(default_token_url, |name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup` (a map in tests,
    /// a secret store, ...). Empty values count as unset.
    pub fn from_lookup(
        default_token_url: &str,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let get = |name: &'static str| lookup(name).filter(|v| !v.trim().is_empty());
        let require = |name: &'static str| get(name).ok_or(ConfigError::MissingVar { name });
        let client_id = require(Self::CLIENT_ID)?;
        let client_secret = SecretString::from(require(Self::CLIENT_SECRET)?);
        let api_base_url = require(Self::API_BASE_URL)?;
        check_base_url(&api_base_url).map_err(|error| ConfigError::InvalidVar {
            name: Self::API_BASE_URL,
            reason: error.to_string(),
        })?;
        let token_url = get(Self::TOKEN_URL).unwrap_or_else(|| default_token_url.to_owned());
        let client_auth = match get(Self::CLIENT_AUTH) {
            None => ClientAuth::default(),
            Some(value) => ClientAuth::parse(&value).ok_or_else(|| ConfigError::InvalidVar {
                name: Self::CLIENT_AUTH,
                reason: "expected client_secret_post or client_secret_basic".into(),
            })?,
        };
        let scopes: Vec<String> = get(Self::SCOPES)
            .map(|v| {
                v.split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let credentials = Credentials::builder(token_url, client_id, client_secret)
            .scopes(scopes)
            .client_auth(client_auth)
            .build()
            .map_err(|error| match error {
                ConfigError::InvalidUrl { reason, .. } => ConfigError::InvalidVar {
                    name: Self::TOKEN_URL,
                    reason,
                },
                ConfigError::InvalidScope { scope } => ConfigError::InvalidVar {
                    name: Self::SCOPES,
                    reason: format!("invalid scope {scope:?}"),
                },
                other => other,
            })?;
        let token_cache_url = get(Self::TOKEN_CACHE_URL)
            .map(|url| match crate::shared::check_cache_url(&url) {
                Ok(()) => Ok(SecretString::from(url.trim().to_owned())),
                Err(reason) => Err(ConfigError::InvalidVar {
                    name: Self::TOKEN_CACHE_URL,
                    reason,
                }),
            })
            .transpose()?;
        Ok(Self {
            credentials,
            api_base_url: api_base_url.trim().to_owned(),
            token_cache_url,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const SECRET: &str = "p@ss+w/rd:%&=";

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn full() -> Vec<(&'static str, &'static str)> {
        vec![
            ("NXTSOFT_CLIENT_ID", "client-1"),
            ("NXTSOFT_CLIENT_SECRET", SECRET),
            ("NXTSOFT_API_BASE_URL", "https://api.example.com/v1"),
        ]
    }

    #[test]
    fn builder_validates_and_dedups_scopes() {
        let credentials = Credentials::builder("https://a.example/token", " id ", SECRET)
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
    fn env_reads_everything() {
        let mut vars = full();
        vars.push(("NXTSOFT_TOKEN_URL", "http://127.0.0.1:1/token"));
        vars.push(("NXTSOFT_SCOPES", "a/b, c  d"));
        vars.push(("NXTSOFT_CLIENT_AUTH", "client_secret_basic"));
        let env = EnvConfig::from_lookup("https://default.example/token", lookup(&vars)).unwrap();
        assert_eq!(env.api_base_url, "https://api.example.com/v1");
        assert_eq!(
            env.credentials.token_url().as_str(),
            "http://127.0.0.1:1/token"
        );
        assert_eq!(env.credentials.scopes(), ["a/b", "c", "d"]);
        assert_eq!(env.credentials.client_auth(), ClientAuth::SecretBasic);
        assert_eq!(env.credentials.secret_str(), SECRET);
    }

    #[test]
    fn env_defaults() {
        let env = EnvConfig::from_lookup("https://default.example/token", lookup(&full())).unwrap();
        assert_eq!(
            env.credentials.token_url().as_str(),
            "https://default.example/token"
        );
        assert!(env.credentials.scopes().is_empty());
        assert_eq!(env.credentials.client_auth(), ClientAuth::SecretPost);
    }

    #[test]
    fn env_errors_name_the_variable() {
        for missing in [
            "NXTSOFT_CLIENT_ID",
            "NXTSOFT_CLIENT_SECRET",
            "NXTSOFT_API_BASE_URL",
        ] {
            let vars: Vec<_> = full()
                .into_iter()
                .map(|(k, v)| if k == missing { (k, "  ") } else { (k, v) })
                .collect();
            let error = EnvConfig::from_lookup("https://d.example/t", lookup(&vars)).unwrap_err();
            assert!(
                matches!(error, ConfigError::MissingVar { name } if name == missing),
                "{error:?}"
            );
            assert!(error.to_string().contains(missing));
        }
        for (name, value) in [
            ("NXTSOFT_TOKEN_URL", "http://example.com/token"),
            ("NXTSOFT_SCOPES", "ok \"bad"),
            ("NXTSOFT_CLIENT_AUTH", "both"),
            ("NXTSOFT_API_BASE_URL", "http://example.com"),
        ] {
            let mut vars: Vec<_> = full().into_iter().filter(|(k, _)| *k != name).collect();
            vars.push((name, value));
            let error = EnvConfig::from_lookup("https://d.example/t", lookup(&vars)).unwrap_err();
            assert!(
                matches!(&error, ConfigError::InvalidVar { name: n, .. } if *n == name),
                "{error:?}"
            );
            assert!(error.to_string().contains(name));
            assert!(!format!("{error:?}{error}").contains(SECRET));
        }
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
