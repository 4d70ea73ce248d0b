//! Helpers shared by the stand-in's own tests: plain reqwest against a running stand-in.
#![allow(dead_code)]

mod fixtures;

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use nxtsoft_standin::StandIn;
use nxtsoft_standin::spec::Spec;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

/// The path of `post_transaction`.
pub use fixtures::POST_PATH as POST;
/// The path of `validate_transaction`.
pub use fixtures::VALIDATE_PATH as VALIDATE;
pub use fixtures::*;

/// A client that talks to loopback only: no proxy, no redirects followed, no pooled connections
/// (so no idle-pool timer can move a paused clock).
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0)
        .build()
        .expect("reqwest client")
}

pub fn spec() -> &'static Spec {
    Spec::embedded().expect("spec loads")
}

/// A message that validates and posts cleanly on [`business_date`].
pub fn message(reference: &str) -> Value {
    nxtsoft_standin::business::sample_message(reference, business_date())
}

/// Fetches a token with client_secret_post; panics unless it is issued.
pub async fn token_for(standin: &StandIn, id: &str, secret: &str, scope: Option<&str>) -> String {
    let mut form = vec![
        ("grant_type", "client_credentials"),
        ("client_id", id),
        ("client_secret", secret),
    ];
    if let Some(scope) = scope {
        form.push(("scope", scope));
    }
    let response = http()
        .post(standin.token_url())
        .form(&form)
        .send()
        .await
        .expect("token request");
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("token json");
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

/// A demo-client token with both scopes.
pub async fn token(standin: &StandIn) -> String {
    token_for(standin, "demo-client", "demo-secret", None).await
}

/// An answer, with its body as JSON (`Value::Null` when not JSON).
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub async fn read(response: reqwest::Response) -> Answer {
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        text,
        json,
    }
}

/// POSTs `body` as JSON to `path` with an optional bearer token.
pub async fn call(standin: &StandIn, path: &str, token: Option<&str>, body: &Value) -> Answer {
    let mut request = http()
        .post(format!("{}{path}", standin.base_url()))
        .json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    read(request.send().await.expect("api request")).await
}

/// POSTs a token request form.
pub async fn token_request(standin: &StandIn, form: &[(&str, &str)]) -> Answer {
    let response = http()
        .post(standin.token_url())
        .form(form)
        .send()
        .await
        .expect("token request");
    read(response).await
}

pub fn operation_id(path: &str) -> &'static str {
    match path {
        VALIDATE => "validate_transaction",
        POST => "post_transaction",
        other => panic!("no operation at {other}"),
    }
}

/// Asserts the answer's body has the shape the spec documents for this operation and status.
pub fn assert_conforms(path: &str, answer: &Answer) {
    let op = operation_id(path);
    if let Err(violations) = spec().validate_response(op, answer.status.as_u16(), &answer.json) {
        panic!(
            "{op} {}: body does not conform: {violations:?}\n{}",
            answer.status, answer.text
        );
    }
    for header in spec().response_headers(op, answer.status.as_u16()) {
        assert!(
            answer.headers.contains_key(header.as_str()),
            "{op} {}: missing header {header}",
            answer.status
        );
    }
}

/// The decoded payload of a JWT-shaped token.
pub fn claims(token: &str) -> Value {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "a JWT has three parts: {token}");
    for part in &parts {
        assert!(
            URL_SAFE_NO_PAD.decode(part).is_ok(),
            "each part is base64url: {part}"
        );
    }
    let payload = URL_SAFE_NO_PAD.decode(parts[1]).expect("payload");
    serde_json::from_slice(&payload).expect("payload json")
}

pub fn codes(findings: &Value) -> Vec<(String, String, String)> {
    findings
        .as_array()
        .expect("a list of findings")
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap_or_default().to_owned(),
                f["code"].as_str().unwrap_or_default().to_owned(),
                f["severity"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

pub const SHORT: Duration = Duration::from_millis(50);
