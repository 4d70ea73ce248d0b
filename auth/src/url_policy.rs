//! Which URLs may carry credentials and tokens: `https`, or plain `http` to a loopback host.

use std::net::IpAddr;

use url::{Host, Url};

use crate::error::ConfigError;

/// Checks an API base URL and returns it parsed.
///
/// `https` is required, except for loopback hosts (`127.0.0.0/8`, `::1`, `localhost`), which
/// may use plain `http` (local test servers). User info (`user:password@`), a query and a
/// fragment are refused: the base URL is a prefix that operation paths are appended to.
///
/// ```
/// assert!(nxtsoft_auth::check_base_url("https://api.example.com/v1").is_ok());
/// assert!(nxtsoft_auth::check_base_url("http://127.0.0.1:8080").is_ok());
/// assert!(nxtsoft_auth::check_base_url("http://api.example.com").is_err());
/// ```
pub fn check_base_url(url: &str) -> Result<Url, ConfigError> {
    check_url("API base URL", url, false)
}

/// Checks a token endpoint URL (same rules as [`check_base_url`], but a query is allowed).
pub(crate) fn check_token_url(url: &str) -> Result<Url, ConfigError> {
    check_url("token URL", url, true)
}

fn check_url(what: &'static str, raw: &str, allow_query: bool) -> Result<Url, ConfigError> {
    let invalid = |reason: String| ConfigError::InvalidUrl { what, reason };
    let url = Url::parse(raw.trim()).map_err(|error| invalid(format!("not a URL ({error})")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("must not contain user info (credentials)".into()));
    }
    if url.fragment().is_some() {
        return Err(invalid("must not contain a fragment".into()));
    }
    if !allow_query && url.query().is_some() {
        return Err(invalid("must not contain a query".into()));
    }
    let Some(host) = url.host() else {
        return Err(invalid("has no host".into()));
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&host) => Ok(url),
        "http" => Err(invalid(format!(
            "plain http is only allowed for loopback hosts, not {host}; use https"
        ))),
        other => Err(invalid(format!("unsupported scheme {other:?}; use https"))),
    }
}

/// Whether requests to `url` must not go through a proxy: a plain-http loopback URL. Its
/// traffic (the client secret, a bearer token) is cleartext, and a proxy from `HTTP_PROXY` or
/// `ALL_PROXY` would receive it all; on loopback a proxy has no job to do. `https` URLs keep
/// honouring the proxy settings (corporate egress), loopback or not.
pub(crate) fn bypasses_proxy(url: &Url) -> bool {
    url.scheme() == "http" && url.host().is_some_and(|host| is_loopback(&host))
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
        Host::Domain(name) => {
            let name = name.strip_suffix('.').unwrap_or(name);
            name.eq_ignore_ascii_case("localhost")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_http_only_on_loopback() {
        for ok in [
            "https://auth.example.com/oauth2/token",
            "http://127.0.0.1:9999/token",
            "http://127.5.6.7/token",
            "http://[::1]:80/token",
            "http://localhost:1234/",
            "http://LOCALHOST./x",
            "https://example.com/token?tenant=1",
        ] {
            assert!(check_token_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com/token",
            "http://128.0.0.1/token",
            "http://[::2]/token",
            "http://localhost.example.com/",
            "ftp://localhost/",
            "https://user:pw@example.com/token",
            "https://example.com/token#frag",
            "not a url",
            "",
        ] {
            assert!(check_token_url(bad).is_err(), "{bad}");
        }
        assert!(check_base_url("https://api.example.com/v1/").is_ok());
        assert!(check_base_url("https://api.example.com/v1?x=1").is_err());
    }

    #[test]
    fn only_plain_http_loopback_bypasses_the_proxy() {
        let url = |s: &str| Url::parse(s).unwrap();
        for bypass in [
            "http://127.0.0.1:1/t",
            "http://localhost/",
            "http://[::1]:8/",
        ] {
            assert!(bypasses_proxy(&url(bypass)), "{bypass}");
        }
        for proxied in [
            "https://127.0.0.1:1/t",
            "https://auth.example.com/t",
            "http://example.com/",
        ] {
            assert!(!bypasses_proxy(&url(proxied)), "{proxied}");
        }
    }

    #[test]
    fn errors_do_not_echo_user_info() {
        let error = check_base_url("https://me:hunter2@example.com/").unwrap_err();
        assert!(!error.to_string().contains("hunter2"));
        assert!(!format!("{error:?}").contains("hunter2"));
    }
}
