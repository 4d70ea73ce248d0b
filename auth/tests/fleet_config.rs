//! Turning the fleet cache on: `NXTSOFT_TOKEN_CACHE_URL` and `SharedCache`.
#![cfg(feature = "redis")]

use nxtsoft_auth::{Authenticator, ConfigError, Credentials, EnvConfig, SharedCache};
use secrecy::ExposeSecret as _;

fn lookup(cache_url: Option<&'static str>) -> impl Fn(&str) -> Option<String> {
    move |name| {
        match name {
            "NXTSOFT_CLIENT_ID" => Some("id"),
            "NXTSOFT_CLIENT_SECRET" => Some("secret"),
            "NXTSOFT_API_BASE_URL" => Some("https://api.example.com"),
            "NXTSOFT_TOKEN_CACHE_URL" => cache_url,
            _ => None,
        }
        .map(str::to_owned)
    }
}

#[test]
fn the_cache_url_comes_from_the_environment_checked_and_redacted() {
    let env = EnvConfig::from_lookup("https://a.example/token", lookup(None)).unwrap();
    assert!(env.token_cache_url.is_none());

    let env = EnvConfig::from_lookup(
        "https://a.example/token",
        lookup(Some("rediss://:hunter2@cache.internal:6380")),
    )
    .unwrap();
    let url = env.token_cache_url.as_ref().unwrap();
    assert_eq!(url.expose_secret(), "rediss://:hunter2@cache.internal:6380");
    assert!(!format!("{env:?}").contains("hunter2"));
    let cache = SharedCache::new(url.expose_secret()).unwrap();
    assert!(!format!("{cache:?}").contains("hunter2"));

    let error = EnvConfig::from_lookup(
        "https://a.example/token",
        lookup(Some("memcached://:hunter2@cache:11211")),
    )
    .unwrap_err();
    assert!(matches!(
        error,
        ConfigError::InvalidVar {
            name: "NXTSOFT_TOKEN_CACHE_URL",
            ..
        }
    ));
    assert!(error.to_string().contains("rediss://"), "{error}");
    assert!(!error.to_string().contains("hunter2"));
}

#[test]
fn building_with_a_shared_cache_connects_nothing() {
    // Nothing listens on port 1: building still succeeds (Redis is used on the first token
    // need, and a Redis that is down only means the token endpoint is asked directly).
    let credentials = Credentials::builder("https://a.example/token", "id", "secret")
        .build()
        .unwrap();
    let authenticator = Authenticator::builder(credentials)
        .shared_cache(SharedCache::new("redis://127.0.0.1:1").unwrap())
        .build()
        .unwrap();
    assert_eq!(authenticator.stats().shared_store, Default::default());
}
