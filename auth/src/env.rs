//! Loading the client's configuration from `NXTSOFT_*` environment variables.

use secrecy::SecretString;

use crate::credentials::{ClientAuth, Credentials, unusable};
use crate::error::ConfigError;
use crate::url_policy::check_base_url;

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
/// | `NXTSOFT_ASSET_ID` | the partner's `assetID`, sent on every request (optional) |
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

    /// Name of the partner `assetID` variable.
    pub const ASSET_ID: &'static str = "NXTSOFT_ASSET_ID";
    /// Name of the fleet-wide token cache URL variable.
    pub const TOKEN_CACHE_URL: &'static str = "NXTSOFT_TOKEN_CACHE_URL";

    /// Every variable read, in the order above.
    pub const ALL: [&'static str; 8] = [
        Self::CLIENT_ID,
        Self::CLIENT_SECRET,
        Self::API_BASE_URL,
        Self::TOKEN_URL,
        Self::SCOPES,
        Self::CLIENT_AUTH,
        Self::ASSET_ID,
        Self::TOKEN_CACHE_URL,
    ];

    /// Reads the process environment. `default_token_url` is used when `NXTSOFT_TOKEN_URL`
    /// is not set. Errors name the missing or invalid variable; a variable that is set but
    /// not valid UTF-8 is an error, never taken as unset.
    pub fn from_env(default_token_url: &str) -> Result<Self, ConfigError> {
        Self::from_vars(default_token_url, |name| match std::env::var(name) {
            Ok(value) => Ok(Some(value)),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(ConfigError::InvalidVar {
                name,
                reason: "is set but is not valid UTF-8".into(),
            }),
        })
    }

    /// Whether any variable of [`ALL`](Self::ALL) is set in the process environment (with
    /// any value, even an empty or non-UTF-8 one).
    pub fn any_set() -> bool {
        Self::ALL
            .iter()
            .any(|name| std::env::var_os(name).is_some())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup` (a map in tests,
    /// a secret store, ...). Empty or all-whitespace values count as unset.
    pub fn from_lookup(
        default_token_url: &str,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        Self::from_vars(default_token_url, |name| Ok(lookup(name)))
    }

    fn from_vars(
        default_token_url: &str,
        lookup: impl Fn(&'static str) -> Result<Option<String>, ConfigError>,
    ) -> Result<Self, ConfigError> {
        let get = |name: &'static str| -> Result<Option<String>, ConfigError> {
            Ok(lookup(name)?.filter(|v| !v.trim().is_empty()))
        };
        let require = |name: &'static str| get(name)?.ok_or(ConfigError::MissingVar { name });
        let client_id = require(Self::CLIENT_ID)?;
        let client_secret = require(Self::CLIENT_SECRET)?;
        if let Some(reason) = unusable(&client_secret) {
            return Err(ConfigError::InvalidVar {
                name: Self::CLIENT_SECRET,
                reason: reason.into(),
            });
        }
        let client_secret = SecretString::from(client_secret);
        let api_base_url = require(Self::API_BASE_URL)?;
        check_base_url(&api_base_url).map_err(|error| ConfigError::InvalidVar {
            name: Self::API_BASE_URL,
            reason: error.to_string(),
        })?;
        let token_url = get(Self::TOKEN_URL)?.unwrap_or_else(|| default_token_url.to_owned());
        let client_auth = match get(Self::CLIENT_AUTH)? {
            None => ClientAuth::default(),
            Some(value) => ClientAuth::parse(&value).ok_or_else(|| ConfigError::InvalidVar {
                name: Self::CLIENT_AUTH,
                reason: "expected client_secret_post or client_secret_basic".into(),
            })?,
        };
        let scopes: Vec<String> = match get(Self::SCOPES)? {
            None => Vec::new(),
            Some(value) => {
                let scopes: Vec<String> = value
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect();
                if scopes.is_empty() {
                    return Err(ConfigError::InvalidVar {
                        name: Self::SCOPES,
                        reason: "holds separators but no scope; unset it to request the client's default scopes".into(),
                    });
                }
                scopes
            }
        };
        let mut builder = Credentials::builder(token_url, client_id, client_secret)
            .scopes(scopes)
            .client_auth(client_auth);
        if let Some(asset_id) = get(Self::ASSET_ID)? {
            builder = builder.asset_id(asset_id);
        }
        let credentials = builder.build().map_err(|error| match error {
            ConfigError::InvalidUrl { reason, .. } => ConfigError::InvalidVar {
                name: Self::TOKEN_URL,
                reason,
            },
            ConfigError::InvalidScope { scope } => ConfigError::InvalidVar {
                name: Self::SCOPES,
                reason: format!("invalid scope {scope:?}"),
            },
            ConfigError::InvalidAssetId { reason } => ConfigError::InvalidVar {
                name: Self::ASSET_ID,
                reason: reason.into(),
            },
            ConfigError::InvalidClientId { reason } => ConfigError::InvalidVar {
                name: Self::CLIENT_ID,
                reason: reason.into(),
            },
            other => other,
        })?;
        let token_cache_url = get(Self::TOKEN_CACHE_URL)?
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
        assert_eq!(
            secrecy::ExposeSecret::expose_secret(env.credentials.client_secret()),
            SECRET
        );
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
    fn ids_and_secrets_are_refused_not_trimmed() {
        for (name, value) in [
            ("NXTSOFT_CLIENT_ID", "client-1\n"),
            ("NXTSOFT_CLIENT_ID", " client-1"),
            ("NXTSOFT_CLIENT_SECRET", "s3cr3t\r\n"),
            ("NXTSOFT_CLIENT_SECRET", "s3cr3t "),
            ("NXTSOFT_CLIENT_SECRET", "s3\u{7}cr3t"),
        ] {
            let mut vars: Vec<_> = full().into_iter().filter(|(k, _)| *k != name).collect();
            vars.push((name, value));
            let error = EnvConfig::from_lookup("https://d.example/t", lookup(&vars)).unwrap_err();
            assert!(
                matches!(&error, ConfigError::InvalidVar { name: n, .. } if *n == name),
                "{value:?}: {error:?}"
            );
            let text = format!("{error} {error:?}");
            assert!(text.contains(name), "{text}");
            assert!(!text.contains("s3cr3t") && !text.contains("s3"), "{text}");
        }
    }

    #[test]
    fn scopes_made_only_of_separators_are_an_error() {
        for value in [" , ", ",,", ",\t,"] {
            let mut vars = full();
            vars.push(("NXTSOFT_SCOPES", value));
            let error = EnvConfig::from_lookup("https://d.example/t", lookup(&vars)).unwrap_err();
            assert!(
                matches!(
                    &error,
                    ConfigError::InvalidVar {
                        name: "NXTSOFT_SCOPES",
                        ..
                    }
                ),
                "{value:?}: {error:?}"
            );
            assert!(error.to_string().contains("no scope"), "{error}");
        }
    }

    #[test]
    fn a_lookup_error_is_passed_on_naming_the_variable() {
        let error = EnvConfig::from_vars("https://d.example/t", |name| {
            if name == EnvConfig::CLIENT_SECRET {
                Err(ConfigError::InvalidVar {
                    name,
                    reason: "is set but is not valid UTF-8".into(),
                })
            } else {
                Ok(lookup(&full())(name))
            }
        })
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "environment variable NXTSOFT_CLIENT_SECRET is invalid: is set but is not valid UTF-8"
        );
    }
}
