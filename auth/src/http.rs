//! The HTTP side of the client: the API's and the token endpoint's `reqwest` clients
//! (redirects never followed, timeouts, no proxy for plain-http loopback), and the copy of a
//! request kept for a re-send after a 401.

use std::time::Duration;

use url::Url;

use crate::error::ConfigError;
use crate::url_policy::{bypasses_proxy, check_base_url};

/// Bodies up to this size are copied for a possible re-send (cheaper than what
/// `reqwest::Request::try_clone` does); larger ones are shared through `try_clone`.
const COPIED_BODY_MAX: usize = 4096;

/// A copy of `request` to re-send after a 401, or `None` when its body is a stream.
///
/// `reqwest::Request::try_clone` builds a timeout entry in the copy's extension map and then
/// overwrites the whole map: an allocation and a hash map for every request, even without a
/// timeout. For a small body (every JSON message of this API), this copies what the public API
/// can set (method, URL, headers, version, timeout, body) and nothing more. reqwest keeps
/// request extensions private, and its builders put nothing but the timeout there.
pub(crate) fn resend_copy(request: &reqwest::Request) -> Option<reqwest::Request> {
    let body = match request.body() {
        None => None,
        Some(body) => {
            let bytes = body.as_bytes()?;
            if bytes.len() > COPIED_BODY_MAX {
                return request.try_clone();
            }
            Some(reqwest::Body::from(bytes.to_vec()))
        }
    };
    let mut copy = reqwest::Request::new(request.method().clone(), request.url().clone());
    *copy.headers_mut() = request.headers().clone();
    *copy.version_mut() = request.version();
    if let Some(timeout) = request.timeout() {
        *copy.timeout_mut() = Some(*timeout);
    }
    *copy.body_mut() = body;
    Some(copy)
}

/// The HTTP client for API requests: rustls, redirects not followed (a banking API should not
/// redirect, and a redirect must not carry the token elsewhere), 10 s connect timeout, 60 s
/// request timeout, TCP keep-alive, idle connections kept 90 s. Proxies from the environment
/// are honoured; prefer [`api_http_client_for`], which bypasses them for a plain-http
/// loopback API.
pub fn api_http_client() -> Result<reqwest::Client, ConfigError> {
    api_client_builder()
        .build()
        .map_err(ConfigError::HttpClient)
}

/// [`api_http_client`] for the API at `base_url`: a plain-http loopback base URL never goes
/// through a proxy (the bearer token would travel to it in cleartext); `https` keeps
/// honouring `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY`.
pub fn api_http_client_for(base_url: &str) -> Result<reqwest::Client, ConfigError> {
    let base_url = check_base_url(base_url)?;
    let builder = api_client_builder();
    let builder = if bypasses_proxy(&base_url) {
        builder.no_proxy()
    } else {
        builder
    };
    builder.build().map_err(ConfigError::HttpClient)
}

fn api_client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .tcp_keepalive(Duration::from_secs(60))
        .pool_idle_timeout(Duration::from_secs(90))
        .user_agent(concat!("nxtsoft-auth/", env!("CARGO_PKG_VERSION")))
}

/// The token endpoint's HTTP client: no redirects followed, connect and request timeouts,
/// and no proxy for a plain-http loopback token URL (see [`bypasses_proxy`]).
pub(crate) fn token_http_client(token_url: &Url) -> Result<reqwest::Client, ConfigError> {
    let builder = reqwest::Client::builder();
    let builder = if bypasses_proxy(token_url) {
        builder.no_proxy()
    } else {
        builder
    };
    builder
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .user_agent(concat!("nxtsoft-auth/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(ConfigError::HttpClient)
}

#[cfg(test)]
mod tests {
    use http::header::AUTHORIZATION;

    use super::*;

    fn request(body: reqwest::Body, timeout: Option<Duration>) -> reqwest::Request {
        let http = reqwest::Client::new();
        let mut builder = http
            .post("http://127.0.0.1:9/transactions/mock?x=1")
            .header(AUTHORIZATION, "Bearer abc")
            .header("api-version", "1")
            .header("x-multi", "a")
            .header("x-multi", "b")
            .version(http::Version::HTTP_11)
            .body(body);
        if let Some(timeout) = timeout {
            builder = builder.timeout(timeout);
        }
        builder.build().unwrap()
    }

    fn same(copy: &reqwest::Request, original: &reqwest::Request) {
        assert_eq!(copy.method(), original.method());
        assert_eq!(copy.url(), original.url());
        assert_eq!(copy.headers(), original.headers());
        assert_eq!(copy.version(), original.version());
        assert_eq!(copy.timeout(), original.timeout());
        assert_eq!(
            copy.body().and_then(reqwest::Body::as_bytes),
            original.body().and_then(reqwest::Body::as_bytes)
        );
    }

    #[test]
    fn resend_copy_keeps_everything_a_resend_needs() {
        for timeout in [None, Some(Duration::from_secs(7))] {
            let small = request(reqwest::Body::from(r#"{"a":1}"#), timeout);
            same(&resend_copy(&small).unwrap(), &small);
            let large = request(
                reqwest::Body::from(vec![b'x'; COPIED_BODY_MAX + 1]),
                timeout,
            );
            same(&resend_copy(&large).unwrap(), &large);
        }
        let mut empty = request(reqwest::Body::from(""), None);
        *empty.body_mut() = None;
        let copy = resend_copy(&empty).unwrap();
        assert!(copy.body().is_none());
        same(&copy, &empty);
    }

    #[test]
    fn no_resend_copy_of_a_streaming_body() {
        let stream = futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from("x"))]);
        let streaming = request(reqwest::Body::wrap_stream(stream), None);
        assert!(resend_copy(&streaming).is_none());
    }
}
