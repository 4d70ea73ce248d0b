//! OAuth2 client-credentials authentication for the NXTsoft API client.
//!
//! * [`Credentials`] (client id, secret, token URL, scopes, `client_secret_post` or
//!   `client_secret_basic`), built with a builder or read from the environment ([`EnvConfig`]);
//! * a [`TokenSource`]: the token endpoint over HTTP (retries with backoff, full jitter and
//!   `Retry-After`, typed RFC 6749 §5.2 errors), or your own (a static token, a fleet cache);
//! * the [`Authenticator`]: a token cache with refresh-ahead, single-flight fetches (N
//!   concurrent callers cause one token request, and share its failure), failure backoff, and
//!   the two hooks the generated client calls: [`Authenticator::authorize`] (adds
//!   `Authorization: Bearer …`, marked sensitive) and [`Authenticator::execute`] (re-sends once
//!   with a new token after a 401).
//!
//! Secrets and tokens never appear in `Debug`, `Display`, errors or `tracing` output.
//!
//! The generated client wraps all of this; using the authenticator directly looks like this:
//!
//! ```
//! use nxtsoft_auth::{Authenticator, Credentials};
//! use wiremock::matchers::{header, method, path};
//! use wiremock::{Mock, MockServer, ResponseTemplate};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = MockServer::start().await; // stands in for the token endpoint and the API
//! Mock::given(method("POST")).and(path("/oauth2/token"))
//!     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
//!         "access_token": "abc123", "token_type": "Bearer", "expires_in": 3600 })))
//!     .expect(1)
//!     .mount(&server).await;
//! Mock::given(method("GET")).and(path("/accounts")).and(header("authorization", "Bearer abc123"))
//!     .respond_with(ResponseTemplate::new(200))
//!     .mount(&server).await;
//!
//! let credentials = Credentials::builder(format!("{}/oauth2/token", server.uri()), "my-client", "my-secret")
//!     .scope("accounts/read")
//!     .build()?;
//! let authenticator = Authenticator::new(credentials)?;
//! let http = nxtsoft_auth::api_http_client()?;
//!
//! for _ in 0..3 {
//!     let mut request = http.get(format!("{}/accounts", server.uri())).build()?;
//!     authenticator.authorize(&mut request).await?;
//!     let response = authenticator.execute(&http, request).await?;
//!     assert_eq!(response.status(), 200);
//! }
//! assert_eq!(authenticator.stats().token_requests, 1); // one token, reused
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod authenticator;
mod builder;
mod cache;
mod challenge;
mod client_credentials;
mod credentials;
mod env;
mod error;
mod http;
mod policy;
mod redact;
mod response;
mod shared;
mod source;
mod stats;
mod telemetry;
mod token;
mod url_policy;

pub use authenticator::{Authenticator, DEFAULT_LIFETIME, RECENT_ERRORS};
pub use builder::{AuthenticatorBuilder, SourceAuthenticatorBuilder};
pub use credentials::{ASSET_ID_HEADER, ClientAuth, Credentials, CredentialsBuilder};
pub use env::EnvConfig;
pub use error::{AuthError, ConfigError, InvalidResponse, OAuthErrorCode, TokenError};
pub use http::{api_http_client, api_http_client_for};
pub use policy::{JitterFn, RefreshPolicy, RetryPolicy};
pub use response::MAX_LIFETIME;
#[cfg(feature = "redis")]
pub use shared::SharedCache;
pub use shared::SharedStoreStats;
pub use source::{FetchedToken, MAX_TOKEN_RESPONSE_BYTES, StaticToken, TokenSource};
pub use stats::{METRIC_NAMES, Stats};
pub use telemetry::ApiCall;
pub use token::AccessToken;
pub use url_policy::check_base_url;
