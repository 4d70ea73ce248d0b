//! Per-call telemetry: every API call made through the generated client opens one
//! `nxtsoft.api_call` span with the operation id, method, path template, status, duration and
//! whether it was re-sent after a 401, and never a header value or a body.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use nxtsoft_client::{Authenticator, Client, Credentials, types};
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

type Fields = BTreeMap<String, String>;

/// Records the fields of every `nxtsoft.api_call` span, and every other field value seen.
#[derive(Clone, Default)]
struct Capture {
    open: Arc<Mutex<BTreeMap<u64, Fields>>>,
    closed: Arc<Mutex<Vec<Fields>>>,
    everything: Arc<Mutex<String>>,
}

struct Collect<'a>(&'a mut Fields);

impl Visit for Collect<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: tracing::Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let mut fields = Fields::new();
        attrs.record(&mut Collect(&mut fields));
        self.everything
            .lock()
            .unwrap()
            .push_str(&format!("{} {fields:?}\n", attrs.metadata().name()));
        if attrs.metadata().name() == "nxtsoft.api_call" {
            self.open.lock().unwrap().insert(id.into_u64(), fields);
        }
    }
    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        if let Some(fields) = self.open.lock().unwrap().get_mut(&id.into_u64()) {
            values.record(&mut Collect(fields));
        }
    }
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut fields = Fields::new();
        event.record(&mut Collect(&mut fields));
        self.everything
            .lock()
            .unwrap()
            .push_str(&format!("{fields:?}\n"));
    }
    fn on_close(&self, id: Id, _: Context<'_, S>) {
        if let Some(fields) = self.open.lock().unwrap().remove(&id.into_u64()) {
            self.closed.lock().unwrap().push(fields);
        }
    }
}

fn message() -> types::TransactionMessage {
    common::message("tele-1")
}

#[tokio::test]
async fn every_call_has_one_span_with_the_operation_and_its_outcome() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    for (token, priority) in [("tok-one", 1), ("tok-two", 2)] {
        Mock::given(method("POST"))
            .and(path("/oauth2/token"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "access_token": token, "token_type": "Bearer", "expires_in": 3600
            })))
            .up_to_n_times(if priority == 1 { 1 } else { 100 })
            .with_priority(priority)
            .mount(&server)
            .await;
    }
    Mock::given(path("/transactions/mock"))
        .and(header("authorization", "Bearer tok-one"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "invalid_token", "message": "expired"
        })))
        .mount(&server)
        .await;
    Mock::given(path("/transactions/mock"))
        .and(header("authorization", "Bearer tok-two"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "client_reference_id": "tele-1", "valid": true, "messages": []
        })))
        .mount(&server)
        .await;
    let credentials = Credentials::builder(
        format!("{}/oauth2/token", server.uri()),
        "id",
        "s3cr3t-value",
    )
    .build()
    .unwrap();
    let client = Client::with_authenticator(
        &server.uri(),
        nxtsoft_client::auth::api_http_client_for(&server.uri()).unwrap(),
        Authenticator::new(credentials).unwrap(),
    )
    .unwrap();

    client
        .validate_transaction()
        .body(message())
        .send()
        .await
        .unwrap();
    client
        .validate_transaction()
        .body(message())
        .send()
        .await
        .unwrap();

    let closed = capture.closed.lock().unwrap().clone();
    assert_eq!(closed.len(), 2, "{closed:?}");
    for (span, resent) in closed.iter().zip(["true", "false"]) {
        assert_eq!(span["operation_id"], "validate_transaction");
        assert_eq!(span["method"], "POST");
        assert_eq!(span["path_template"], "/transactions/mock");
        assert_eq!(span["status"], "200");
        assert_eq!(span["resent_after_401"], resent);
        let duration: f64 = span["duration_ms"].parse().unwrap();
        assert!(duration >= 0.0);
        assert!(!span.contains_key("failed"));
    }
    let everything = capture.everything.lock().unwrap().clone();
    for secret in ["tok-one", "tok-two", "s3cr3t-value", "tele-1", "1000001"] {
        assert!(
            !everything.contains(secret),
            "{secret} in telemetry: {everything}"
        );
    }
}

#[tokio::test]
async fn a_call_without_an_answer_is_marked_failed() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    let server = MockServer::start().await;
    Mock::given(path("/oauth2/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "tok", "token_type": "Bearer", "expires_in": 3600
        })))
        .mount(&server)
        .await;
    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let api = format!("http://127.0.0.1:{closed_port}");
    let credentials =
        Credentials::builder(format!("{}/oauth2/token", server.uri()), "id", "secret")
            .build()
            .unwrap();
    let client = Client::authenticated(credentials, &api).unwrap();
    assert!(
        client
            .validate_transaction()
            .body(message())
            .send()
            .await
            .is_err()
    );
    let closed = capture.closed.lock().unwrap().clone();
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0]["failed"], "true");
    assert!(!closed[0].contains_key("status"));
    assert_eq!(closed[0]["resent_after_401"], "false");
}
