//! Glue between progenitor's hooks and `nxtsoft_auth`: every request gets a bearer token, and a
//! `401` gets one fresh token and one re-send.
//!
//! The orphan rule puts the `ClientHooks` impl in the crate that defines [`Client`], so it lives
//! here; it only delegates, and all the logic lives in `nxtsoft_auth`.

use std::sync::Arc;

use nxtsoft_auth::{
    ApiCall, AuthError, Authenticator, ConfigError, Credentials, CredentialsBuilder,
};
use progenitor_client::{ClientHooks, OperationInfo};

use crate::{Client, Error};

/// What the generated operations call around every request (not meant to be called directly).
#[doc(hidden)]
impl ClientHooks<Authenticator> for Client {
    /// Adds the `Authorization: Bearer …` header. A token failure becomes [`Error::Custom`]
    /// (the only error progenitor's hooks can return); [`Client::auth_error`] recovers it typed.
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        self.inner
            .authorize(request)
            .await
            .map_err(|error| Error::Custom(error.to_string()))
    }

    /// Sends the request inside an `nxtsoft.api_call` span; on a `401`, evicts the rejected
    /// token and re-sends once with a new one.
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let method = request.method().clone();
        let call = api_call(info.operation_id, &method);
        self.inner.execute_call(&self.client, request, call).await
    }
}

/// The spec's description of an operation (method and path template from the generated
/// `security::OPERATIONS` table) for the call's telemetry.
fn api_call<'a>(operation_id: &'a str, method: &'a reqwest::Method) -> ApiCall<'a> {
    match crate::security::OPERATIONS
        .iter()
        .find(|op| op.operation_id == operation_id)
    {
        Some(op) => ApiCall {
            operation_id: op.operation_id,
            method: op.method,
            path_template: op.path,
        },
        None => ApiCall {
            operation_id,
            method: method.as_str(),
            path_template: "",
        },
    }
}

impl Client {
    /// A client for the API at `base_url` that authenticates with `credentials`.
    ///
    /// `base_url` must be `https`, except for loopback hosts.
    ///
    /// A plain-http loopback `base_url` never goes through a proxy from the environment
    /// (see [`nxtsoft_auth::api_http_client_for`]).
    pub fn authenticated(credentials: Credentials, base_url: &str) -> Result<Self, ConfigError> {
        let http = nxtsoft_auth::api_http_client_for(base_url)?;
        Self::authenticated_with_client(credentials, base_url, http)
    }

    /// Like [`Client::authenticated`], sending API requests with your own `reqwest::Client`.
    pub fn authenticated_with_client(
        credentials: Credentials,
        base_url: &str,
        http: reqwest::Client,
    ) -> Result<Self, ConfigError> {
        Self::with_authenticator(base_url, http, Authenticator::new(credentials)?)
    }

    /// A client that takes its tokens from `authenticator` (for example one shared by
    /// several clients, or one over your own `TokenSource`).
    pub fn with_authenticator(
        base_url: &str,
        http: reqwest::Client,
        authenticator: Authenticator,
    ) -> Result<Self, ConfigError> {
        let base_url = nxtsoft_auth::check_base_url(base_url)?;
        Ok(Self::new_with_client(
            base_url.as_str().trim_end_matches('/'),
            http,
            authenticator,
        ))
    }

    /// A client configured from `NXTSOFT_*` environment variables (see `nxtsoft_auth::EnvConfig`);
    /// the token URL defaults to the spec's.
    pub fn from_env() -> Result<Self, ConfigError> {
        let env = nxtsoft_auth::EnvConfig::from_env(crate::security::TOKEN_URL)?;
        Self::authenticated(env.credentials, &env.api_base_url)
    }

    /// The authenticator: token counters, and the token cache this client shares.
    pub fn authenticator(&self) -> &Authenticator {
        &self.inner
    }

    /// The typed token failure behind an [`Error::Custom`] this client returned, if it
    /// was one (progenitor's hooks can only return a string).
    pub fn auth_error<E>(&self, error: &Error<E>) -> Option<Arc<AuthError>> {
        match error {
            Error::Custom(message) => self.inner.recover_error(message),
            _ => None,
        }
    }
}

/// Credentials for this API, with the spec's token URL preset.
pub fn credentials(
    client_id: impl Into<String>,
    client_secret: impl Into<secrecy::SecretString>,
) -> CredentialsBuilder {
    Credentials::builder(crate::security::TOKEN_URL, client_id, client_secret)
}
