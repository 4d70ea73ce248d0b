//! The full stack (generated client + auth) against the stand-in: what goes on the wire for
//! each operation and for the token request, and the typed responses.

mod support;

use nxtsoft_auth::ClientAuth;
use nxtsoft_standin::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Endpoint, SCOPE_MOCK};
use support::{client, client_for, invalid_message, post, settings, standin, validate, wire_text};

#[tokio::test]
async fn validate_transaction_on_the_wire_and_typed() {
    let standin = standin().await;
    let client = client(&standin);

    let valid = validate(&client, "wire-valid-1").await.expect("validates");
    let invalid = client
        .validate_transaction()
        .body(invalid_message("wire-invalid-1"))
        .send()
        .await
        .expect("validates");

    let stats = standin.stats();
    assert_eq!(stats.token_requests, 1);
    assert_eq!(stats.tokens_issued, 1);
    assert_eq!(stats.api_calls, 2);
    assert_eq!(stats.api_status(200), 2);
    assert_eq!(stats.validations, 2);
    assert_eq!(client.authenticator().stats().token_requests, 1);

    let requests = standin.take_requests();
    let endpoints: Vec<Endpoint> = requests.iter().map(|r| r.endpoint).collect();
    assert_eq!(endpoints, [Endpoint::Token, Endpoint::Api, Endpoint::Api]);
    // The secret goes to the token endpoint, in the form, and nowhere else.
    assert!(
        requests[0]
            .body_text()
            .contains("client_secret=demo-secret")
    );
    for request in &requests[1..] {
        assert!(!format!("{request:?}").contains(DEMO_CLIENT_SECRET));
    }

    assert_eq!(valid.status(), 200);
    assert!(valid.valid && valid.messages.is_empty());
    assert!(!invalid.valid);
    let typed = format!(
        "valid: HTTP {}\n{:#?}\n\ninvalid: HTTP {}\n{:#?}\n",
        valid.status().as_u16(),
        valid.as_ref(),
        invalid.status().as_u16(),
        invalid.as_ref()
    );
    settings().bind(|| {
        insta::assert_snapshot!("validate_wire", wire_text(&standin, &requests));
        insta::assert_snapshot!("validate_typed", typed);
    });
}

#[tokio::test]
async fn post_transaction_on_the_wire_and_typed_and_idempotent() {
    let standin = standin().await;
    let client = client(&standin);

    let first = post(&client, "wire-post-1").await.expect("posts");
    let again = post(&client, "wire-post-1").await.expect("replays");

    let stats = standin.stats();
    assert_eq!(stats.token_requests, 1);
    assert_eq!(stats.api_calls, 2);
    assert_eq!(stats.api_status(200), 2);
    assert_eq!(stats.transactions_posted, 1);
    assert_eq!(stats.idempotent_replays, 1);
    assert_eq!(standin.transactions().len(), 1);
    assert_eq!(first.as_ref(), again.as_ref());
    assert_eq!(
        again
            .headers()
            .get("idempotent-replayed")
            .map(|v| v.as_bytes()),
        Some(&b"true"[..])
    );

    let requests = standin.take_requests();
    assert_eq!(requests.len(), 3);
    let typed = format!(
        "first: HTTP {}, idempotent-replayed: {:?}\n{:#?}\n\nagain: HTTP {}, idempotent-replayed: {:?}\n{:#?}\n",
        first.status().as_u16(),
        first.headers().get("idempotent-replayed"),
        first.as_ref(),
        again.status().as_u16(),
        again.headers().get("idempotent-replayed"),
        again.as_ref()
    );
    settings().bind(|| {
        insta::assert_snapshot!("post_wire", wire_text(&standin, &requests));
        insta::assert_snapshot!("post_typed", typed);
    });
}

/// `client_secret_basic`: id and secret in the `Authorization` header (form-urlencoded, then
/// base64), none in the form; and one scope requested.
#[tokio::test]
async fn token_request_with_client_secret_basic_on_the_wire() {
    let standin = standin().await;
    let client = client_for(
        &standin,
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        &[SCOPE_MOCK],
        ClientAuth::SecretBasic,
    );
    validate(&client, "wire-basic-1").await.expect("validates");

    let stats = standin.stats();
    assert_eq!(stats.token_requests, 1);
    assert_eq!(stats.api_calls, 1);
    let requests = standin.take_requests();
    let token_request = &requests[0];
    assert_eq!(token_request.endpoint, Endpoint::Token);
    assert!(!token_request.body_text().contains("client_secret"));
    assert!(!token_request.body_text().contains("client_id"));
    assert_eq!(
        token_request.header("authorization"),
        Some("Basic ZGVtby1jbGllbnQ6ZGVtby1zZWNyZXQ=") // base64("demo-client:demo-secret")
    );
    settings().bind(|| {
        insta::assert_snapshot!("token_basic_wire", wire_text(&standin, &requests[..1]));
    });
}
