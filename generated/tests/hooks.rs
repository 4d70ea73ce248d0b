//! The contract between the generated client and `nxtsoft_auth`, tested on the real
//! `nxtsoft_client::Client` and its real hooks (`src/hooks.rs`): Bearer injection, 401 handling,
//! typed token errors through `Error::Custom`, and the constructors' checks. Every server is a
//! wiremock on 127.0.0.1.

mod common;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use nxtsoft_client::auth::{AccessToken, FetchedToken, TokenSource};
use nxtsoft_client::{
    Authenticator, Client, ClientInfo, ConfigError, Error, OAuthErrorCode, RefreshPolicy,
    TokenError, types,
};
use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::StatusCode;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const VALIDATE: &str = "/transactions/mock";

/// One scripted answer of a [`ScriptedSource`].
#[derive(Clone, Copy)]
enum Step {
    Token(&'static str),
    Fail(StatusCode),
}

/// A token source that answers from a script (the last step repeats) and counts its calls.
#[derive(Clone)]
struct ScriptedSource {
    calls: Arc<AtomicUsize>,
    script: Arc<Mutex<VecDeque<Step>>>,
}

impl ScriptedSource {
    fn new(steps: &[Step]) -> Self {
        Self {
            calls: Arc::new(AtomicUsize::new(0)),
            script: Arc::new(Mutex::new(steps.iter().copied().collect())),
        }
    }

    fn tokens(tokens: &[&'static str]) -> Self {
        Self::new(&tokens.iter().map(|t| Step::Token(t)).collect::<Vec<_>>())
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl TokenSource for ScriptedSource {
    fn fetch(&self) -> BoxFuture<'_, Result<FetchedToken, TokenError>> {
        Box::pin(async move {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let step = {
                let mut script = self.script.lock().unwrap();
                if script.len() > 1 {
                    script.pop_front()
                } else {
                    script.front().copied()
                }
            };
            match step.expect("empty script") {
                Step::Token(token) => Ok(FetchedToken::new(
                    AccessToken::new(token).unwrap(),
                    Duration::from_secs(3600),
                )),
                Step::Fail(status) => Err(TokenError::UnexpectedStatus {
                    status,
                    retry_after: None,
                }),
            }
        })
    }
}

fn client(server: &MockServer, authenticator: Authenticator) -> Client {
    let http = nxtsoft_client::auth::api_http_client().unwrap();
    Client::with_authenticator(&server.uri(), http, authenticator).unwrap()
}

fn message() -> types::TransactionMessage {
    common::message("hooks-1")
}

fn validation_result() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "client_reference_id": "hooks-1",
        "valid": true,
        "messages": [],
    }))
}

/// A raw request to the API, for the status-level tests.
fn raw_request(client: &Client) -> reqwest::Request {
    client
        .client()
        .post(format!("{}{VALIDATE}", client.baseurl()))
        .json(&json!({"amount": "12.34"}))
        .build()
        .unwrap()
}

/// What every generated operation does around a request: the `pre` hook, then `exec`.
async fn send(client: &Client, mut request: reqwest::Request) -> Result<reqwest::Response, Error> {
    let info = OperationInfo {
        operation_id: "validate_transaction",
    };
    client.pre(&mut request, &info).await?;
    client
        .exec(request, &info)
        .await
        .map_err(Error::CommunicationError)
}

async fn api_requests(server: &MockServer) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == VALIDATE)
        .collect()
}

async fn respond(server: &MockServer, token: &str, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(VALIDATE))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(answer)
        .mount(server)
        .await;
}

fn assert_send<T: Send>(value: T) -> T {
    value
}

#[tokio::test]
async fn every_operation_carries_a_sensitive_bearer_header() {
    let server = MockServer::start().await;
    respond(&server, "t1", validation_result()).await;
    let source = ScriptedSource::tokens(&["t1"]);
    let client = client(&server, Authenticator::from_source(source.clone()));
    for _ in 0..3 {
        let answer = assert_send(client.validate_transaction().body(message()).send())
            .await
            .unwrap();
        assert!(answer.valid);
    }
    let mut request = raw_request(&client);
    client
        .pre::<()>(&mut request, &OperationInfo { operation_id: "op" })
        .await
        .unwrap();
    let value = request.headers().get("authorization").unwrap();
    assert!(value.is_sensitive());
    assert_eq!(value, "Bearer t1");
    assert_eq!(source.calls(), 1);
    assert_eq!(api_requests(&server).await.len(), 3);
    assert_eq!(
        client.authenticator().stats().token_requests,
        0,
        "custom source"
    );
}

#[tokio::test]
async fn a_401_gets_one_new_token_and_one_resend() {
    let server = MockServer::start().await;
    respond(&server, "t1", ResponseTemplate::new(401)).await;
    respond(&server, "t2", validation_result()).await;
    let source = ScriptedSource::tokens(&["t1", "t2", "t3"]);
    let client = client(&server, Authenticator::from_source(source.clone()));
    let answer = client
        .validate_transaction()
        .body(message())
        .send()
        .await
        .unwrap();
    assert!(answer.valid);
    assert_eq!(source.calls(), 2);
    let requests = api_requests(&server).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body, "same body re-sent");
    assert_eq!(
        requests[1].headers.get("authorization").unwrap(),
        "Bearer t2"
    );
    assert_eq!(client.authenticator().stats().unauthorized_retries, 1);
    // t2 is cached now.
    client
        .validate_transaction()
        .body(message())
        .send()
        .await
        .unwrap();
    assert_eq!(source.calls(), 2);
}

#[tokio::test]
async fn a_second_401_is_returned_after_one_retry() {
    let server = MockServer::start().await;
    Mock::given(path(VALIDATE))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let source = ScriptedSource::tokens(&["t1", "t2", "t3", "t4"]);
    let client = client(&server, Authenticator::from_source(source.clone()));
    let response = send(&client, raw_request(&client)).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(api_requests(&server).await.len(), 2, "one retry, no loop");
    assert_eq!(source.calls(), 2);

    // The API rejects brand-new tokens: within 5 s of the last eviction, no more are fetched.
    let response = send(&client, raw_request(&client)).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(api_requests(&server).await.len(), 3);
    assert_eq!(source.calls(), 2);
}

#[tokio::test]
async fn forbidden_and_other_errors_are_not_retried() {
    for status in [403, 500, 502, 409] {
        let server = MockServer::start().await;
        respond(&server, "t1", ResponseTemplate::new(status)).await;
        let source = ScriptedSource::tokens(&["t1", "t2"]);
        let client = client(&server, Authenticator::from_source(source.clone()));
        let response = send(&client, raw_request(&client)).await.unwrap();
        assert_eq!(response.status().as_u16(), status);
        assert_eq!(api_requests(&server).await.len(), 1, "{status} sent once");
        assert_eq!(source.calls(), 1, "{status} keeps the token");
    }
}

#[tokio::test]
async fn a_401_for_an_old_token_keeps_the_newer_one() {
    let server = MockServer::start().await;
    respond(&server, "t1", ResponseTemplate::new(401)).await;
    respond(&server, "t2", ResponseTemplate::new(200)).await;
    let source = ScriptedSource::tokens(&["t1", "t2", "t3"]);
    // No eviction rate limit: only the token comparison protects t2 here.
    let authenticator = Authenticator::source_builder(source.clone())
        .refresh_policy(RefreshPolicy::default().min_reject_interval(Duration::ZERO))
        .build()
        .unwrap();
    let client = client(&server, authenticator);
    let info = OperationInfo { operation_id: "op" };

    // Two requests authorized with t1; the first 401 replaces t1 with t2.
    let mut first = raw_request(&client);
    let mut second = raw_request(&client);
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
    respond(&server, "t1", ResponseTemplate::new(401)).await;
    respond(&server, "t2", ResponseTemplate::new(200)).await;
    let source = ScriptedSource::tokens(&["t1", "t2"]);
    let client = client(&server, Authenticator::from_source(source.clone()));
    let stream = futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"{}"))]);
    let request = client
        .client()
        .post(format!("{}{VALIDATE}", client.baseurl()))
        .body(reqwest::Body::wrap_stream(stream))
        .build()
        .unwrap();
    let response = send(&client, request).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(api_requests(&server).await.len(), 1, "cannot be re-sent");
    // The next request gets a new token.
    let response = send(&client, raw_request(&client)).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(source.calls(), 2);
}

#[tokio::test]
async fn when_no_new_token_can_be_had_the_401_is_returned() {
    let server = MockServer::start().await;
    respond(&server, "t1", ResponseTemplate::new(401)).await;
    let source = ScriptedSource::new(&[Step::Token("t1"), Step::Fail(StatusCode::BAD_GATEWAY)]);
    let client = client(&server, Authenticator::from_source(source.clone()));
    let response = send(&client, raw_request(&client)).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(api_requests(&server).await.len(), 1);
    assert_eq!(source.calls(), 2);
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
    let credentials = nxtsoft_client::credentials("client-1", "s3cret-value")
        .token_url(format!("{}/oauth2/token", server.uri()))
        .build()
        .unwrap();
    let client = Client::authenticated(credentials, &server.uri()).unwrap();
    let error = client
        .validate_transaction()
        .body(message())
        .send()
        .await
        .unwrap_err();
    let Error::Custom(message) = &error else {
        panic!("{error:?}")
    };
    assert!(message.contains("invalid_scope"), "{message}");
    assert!(!message.contains("s3cret-value"), "{message}");
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

#[test]
fn constructors_check_the_base_url_and_drop_a_trailing_slash() {
    let source = ScriptedSource::tokens(&["t1"]);
    let http = || nxtsoft_client::auth::api_http_client().unwrap();
    let refused = Client::with_authenticator(
        "http://api.nxtsoft.example",
        http(),
        Authenticator::from_source(source.clone()),
    );
    assert!(
        matches!(refused, Err(ConfigError::InvalidUrl { .. })),
        "{refused:?}"
    );
    let client = Client::with_authenticator(
        "http://127.0.0.1:8080/v1/",
        http(),
        Authenticator::from_source(source),
    )
    .unwrap();
    assert_eq!(client.baseurl(), "http://127.0.0.1:8080/v1");
}
