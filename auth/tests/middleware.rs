//! The hooks the generated client calls, driven through progenitor's `ClientHooks` exactly as
//! the generated glue does: Bearer injection, 401 handling, typed errors via `recover_error`.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use nxtsoft_auth::{AuthError, Authenticator, OAuthErrorCode, RefreshPolicy, TokenError};
use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::StatusCode;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A stand-in for the generated client, with the glue of the contract.
#[derive(Debug, Clone)]
struct Client {
    baseurl: String,
    client: reqwest::Client,
    inner: Authenticator,
}

impl ClientInfo<Authenticator> for Client {
    fn api_version() -> &'static str {
        "1.0.0"
    }
    fn baseurl(&self) -> &str {
        &self.baseurl
    }
    fn client(&self) -> &reqwest::Client {
        &self.client
    }
    fn inner(&self) -> &Authenticator {
        &self.inner
    }
}

impl ClientHooks<Authenticator> for Client {
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
    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        self.inner.execute(&self.client, request).await
    }
}

impl Client {
    fn new(server: &MockServer, authenticator: Authenticator) -> Self {
        let base = nxtsoft_auth::check_base_url(&server.uri()).unwrap();
        Self {
            baseurl: base.as_str().trim_end_matches('/').to_owned(),
            client: nxtsoft_auth::api_http_client().unwrap(),
            inner: authenticator,
        }
    }

    fn auth_error<E>(&self, error: &Error<E>) -> Option<Arc<AuthError>> {
        match error {
            Error::Custom(message) => self.inner.recover_error(message),
            _ => None,
        }
    }

    fn post_payment(&self) -> reqwest::Request {
        self.client
            .post(format!("{}/payments", self.baseurl))
            .json(&json!({"amount": "12.34", "reference": "r-1"}))
            .build()
            .unwrap()
    }

    /// What a generated operation does: pre hook, then exec hook.
    async fn send(&self, mut request: reqwest::Request) -> Result<reqwest::Response, Error<()>> {
        let info = OperationInfo {
            operation_id: "post_payment",
        };
        self.pre(&mut request, &info).await?;
        self.exec(request, &info)
            .await
            .map_err(Error::CommunicationError)
    }
}

fn assert_send<T: Send>(value: T) -> T {
    value
}

async fn api_requests(server: &MockServer) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == "/payments")
        .collect()
}

fn tokens(steps: &[&'static str]) -> ScriptedSource {
    ScriptedSource::new(
        steps
            .iter()
            .map(|t| Step::Token(t, Duration::from_secs(3600)))
            .collect(),
    )
}

async fn respond(server: &MockServer, token: &str, status: u16) {
    Mock::given(method("POST"))
        .and(path("/payments"))
        .and(header("authorization", bearer(token).as_str()))
        .respond_with(ResponseTemplate::new(status))
        .mount(server)
        .await;
}

#[tokio::test]
async fn every_request_carries_a_sensitive_bearer_header() {
    let server = MockServer::start().await;
    respond(&server, "t1", 200).await;
    let source = tokens(&["t1"]);
    let client = Client::new(&server, Authenticator::from_source(source.clone()));
    for _ in 0..3 {
        let mut request = client.post_payment();
        client.inner.authorize(&mut request).await.unwrap();
        let value = request.headers().get("authorization").unwrap();
        assert!(value.is_sensitive());
        assert_eq!(value, &bearer("t1"));
        let response = assert_send(client.send(request)).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_eq!(source.calls(), 1);
    assert_eq!(api_requests(&server).await.len(), 3);
}

#[tokio::test]
async fn a_401_gets_one_new_token_and_one_resend() {
    let server = MockServer::start().await;
    respond(&server, "t1", 401).await;
    respond(&server, "t2", 201).await;
    let source = tokens(&["t1", "t2", "t3"]);
    let client = Client::new(&server, Authenticator::from_source(source.clone()));
    let response = client.send(client.post_payment()).await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(source.calls(), 2);
    let requests = api_requests(&server).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body, "same body re-sent");
    assert_eq!(
        requests[1].headers.get("authorization").unwrap(),
        "Bearer t2"
    );
    assert_eq!(client.inner.stats().unauthorized_retries, 1);
    // t2 is cached now.
    assert_eq!(
        client.send(client.post_payment()).await.unwrap().status(),
        201
    );
    assert_eq!(source.calls(), 2);
}

#[tokio::test]
async fn a_second_401_is_returned_after_one_retry() {
    let server = MockServer::start().await;
    Mock::given(path("/payments"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let source = tokens(&["t1", "t2", "t3", "t4"]);
    let client = Client::new(&server, Authenticator::from_source(source.clone()));
    let response = client.send(client.post_payment()).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(api_requests(&server).await.len(), 2, "one retry, no loop");
    assert_eq!(source.calls(), 2);

    // The API rejects brand-new tokens: within 5 s of the last eviction, no more are fetched.
    let response = client.send(client.post_payment()).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(api_requests(&server).await.len(), 3);
    assert_eq!(source.calls(), 2);
}

#[tokio::test]
async fn forbidden_and_other_errors_are_not_retried() {
    for status in [403, 500, 502, 409] {
        let server = MockServer::start().await;
        respond(&server, "t1", status).await;
        let source = tokens(&["t1", "t2"]);
        let client = Client::new(&server, Authenticator::from_source(source.clone()));
        let response = client.send(client.post_payment()).await.unwrap();
        assert_eq!(response.status().as_u16(), status);
        assert_eq!(api_requests(&server).await.len(), 1, "{status} sent once");
        assert_eq!(source.calls(), 1, "{status} keeps the token");
    }
}

#[tokio::test]
async fn a_401_for_an_old_token_keeps_the_newer_one() {
    let server = MockServer::start().await;
    respond(&server, "t1", 401).await;
    respond(&server, "t2", 200).await;
    let source = tokens(&["t1", "t2", "t3"]);
    // No eviction rate limit: only the token comparison protects t2 here.
    let authenticator = Authenticator::source_builder(source.clone())
        .refresh_policy(RefreshPolicy::default().min_reject_interval(Duration::ZERO))
        .build()
        .unwrap();
    let client = Client::new(&server, authenticator);
    let info = OperationInfo { operation_id: "op" };

    // Two requests authorized with t1; the first 401 replaces t1 with t2.
    let mut first = client.post_payment();
    let mut second = client.post_payment();
    client.pre::<()>(&mut first, &info).await.unwrap();
    client.pre::<()>(&mut second, &info).await.unwrap();
    assert_eq!(client.exec(first, &info).await.unwrap().status(), 200);
    assert_eq!(source.calls(), 2);
    // The second one's 401 is for t1, which is no longer cached: t2 is kept and used.
    assert_eq!(client.exec(second, &info).await.unwrap().status(), 200);
    assert_eq!(source.calls(), 2, "no third token");
    assert_eq!(api_requests(&server).await.len(), 4);
}

#[tokio::test]
async fn a_streaming_body_is_not_resent_but_the_token_is_evicted() {
    let server = MockServer::start().await;
    respond(&server, "t1", 401).await;
    respond(&server, "t2", 200).await;
    let source = tokens(&["t1", "t2"]);
    let client = Client::new(&server, Authenticator::from_source(source.clone()));
    let stream = futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"{}"))]);
    let request = client
        .client
        .post(format!("{}/payments", client.baseurl))
        .body(reqwest::Body::wrap_stream(stream))
        .build()
        .unwrap();
    let response = client.send(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(api_requests(&server).await.len(), 1, "cannot be re-sent");
    // The next request gets a new token.
    assert_eq!(
        client.send(client.post_payment()).await.unwrap().status(),
        200
    );
    assert_eq!(source.calls(), 2);
}

#[tokio::test]
async fn when_no_new_token_can_be_had_the_401_is_returned() {
    let server = MockServer::start().await;
    respond(&server, "t1", 401).await;
    let source = ScriptedSource::new(vec![
        Step::Token("t1", Duration::from_secs(3600)),
        Step::Fail(StatusCode::BAD_GATEWAY),
    ]);
    let client = Client::new(&server, Authenticator::from_source(source.clone()));
    let response = client.send(client.post_payment()).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(api_requests(&server).await.len(), 1);
    assert_eq!(source.calls(), 2);
}

#[tokio::test]
async fn a_request_without_a_token_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/payments"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let source = tokens(&["t1"]);
    let client = Client::new(&server, Authenticator::from_source(source.clone()));
    let response = client
        .inner
        .execute(&client.client, client.post_payment())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(api_requests(&server).await.len(), 1);
    assert_eq!(source.calls(), 0);
}

#[tokio::test]
async fn token_failures_come_back_typed_through_error_custom() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": "invalid_scope",
            "error_description": "scope transactions/nope is unknown"
        })))
        .mount(&server)
        .await;
    let client = Client::new(&server, Authenticator::new(credentials(&server)).unwrap());
    let error = client.send(client.post_payment()).await.unwrap_err();
    let Error::Custom(message) = &error else {
        panic!("{error:?}")
    };
    assert!(message.contains("invalid_scope"), "{message}");
    let typed = client.auth_error(&error).expect("typed error recovered");
    assert_eq!(typed.oauth_code(), Some(&OAuthErrorCode::InvalidScope));
    match typed.token_error() {
        TokenError::OAuth {
            description,
            status,
            ..
        } => {
            assert_eq!(
                description.as_deref(),
                Some("scope transactions/nope is unknown")
            );
            assert_eq!(*status, StatusCode::BAD_REQUEST);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        client
            .auth_error(&Error::<()>::Custom("something else".into()))
            .is_none()
    );
    assert!(
        client
            .auth_error(&Error::<()>::InvalidRequest("x".into()))
            .is_none()
    );
    assert_eq!(
        api_requests(&server).await.len(),
        0,
        "nothing sent without a token"
    );
}

#[tokio::test]
async fn recover_error_keeps_the_source_chain_and_is_bounded() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let refused =
        nxtsoft_auth::Credentials::builder(format!("http://{address}/token"), CLIENT_ID, SECRET)
            .build()
            .unwrap();
    let authenticator = Authenticator::builder(refused)
        .retry_policy(nxtsoft_auth::RetryPolicy::default().max_attempts(1))
        .build()
        .unwrap();
    let error = authenticator.header_value().await.unwrap_err();
    let typed = authenticator.recover_error(&error.to_string()).unwrap();
    assert!(matches!(typed.token_error(), TokenError::Transport(_)));
    assert!(
        std::error::Error::source(&*typed).is_none(),
        "the message holds the chain"
    );
    let reqwest_error = std::error::Error::source(typed.token_error()).expect("cause kept");
    assert!(reqwest_error.downcast_ref::<reqwest::Error>().is_some());
    // The message progenitor carries names the root cause and what to check.
    let message = typed.to_string();
    assert!(
        message.starts_with("no access token: token request failed: "),
        "{message}"
    );
    assert!(message.contains("Connection refused"), "{message}");
    assert!(
        message.contains(
            "Check that the token URL is right and reachable from this host (next token request in "
        ),
        "{message}"
    );
    assert!(
        typed
            .next_attempt_in()
            .is_some_and(|d| d <= Duration::from_secs(1))
    );

    // Distinct failures beyond the bound push out the oldest.
    let server = MockServer::start().await;
    for n in 0..nxtsoft_auth::RECENT_ERRORS + 5 {
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(400).set_body_json(json!({
                "error": "invalid_request", "error_description": format!("failure {n}")
            })))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
    }
    let authenticator = Authenticator::builder(credentials(&server))
        .refresh_policy(RefreshPolicy::default().failure_backoff(Duration::ZERO, Duration::ZERO))
        .build()
        .unwrap();
    let mut messages = Vec::new();
    for _ in 0..nxtsoft_auth::RECENT_ERRORS + 5 {
        messages.push(authenticator.header_value().await.unwrap_err().to_string());
    }
    assert!(messages[0].contains("failure 0"));
    assert!(
        authenticator.recover_error(&messages[0]).is_none(),
        "oldest forgotten"
    );
    assert!(authenticator.recover_error(&messages[4]).is_none());
    for message in &messages[5..] {
        assert!(authenticator.recover_error(message).is_some(), "{message}");
    }
}
