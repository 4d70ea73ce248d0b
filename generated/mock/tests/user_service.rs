//! How a team that uses `nxtsoft-client` tests its own code: a small "user service" that asks
//! NXTsoft whether a transaction would post, tested against typed mocks of the API.

use httpmock::MockServer;
use nxtsoft_client::types::{
    ApiError, FieldMessage, FieldMessageSeverity, TransactionMessage, ValidationResult,
};
use nxtsoft_client::{Authenticator, Client, Credentials, auth::AccessToken, auth::StaticToken};
use nxtsoft_client_mock::MockServerExt;
use serde_json::json;

/// What the user's service decides about a transaction.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// NXTsoft would post it.
    Postable,
    /// NXTsoft would refuse it; the fields to fix, as `field: message`.
    Fix(Vec<String>),
}

/// The code under test: the user's own, taking the client they configured.
async fn review(client: &Client, message: &TransactionMessage) -> Result<Verdict, String> {
    let result = client
        .validate_transaction()
        .body(message.clone())
        .send()
        .await
        .map_err(|error| format!("validation failed: {error}"))?
        .into_inner();
    if result.valid {
        return Ok(Verdict::Postable);
    }
    Ok(Verdict::Fix(
        result
            .messages
            .iter()
            .filter(|m| m.severity == FieldMessageSeverity::Error)
            .map(|m| format!("{}: {}", m.field.as_str(), m.message.as_str()))
            .collect(),
    ))
}

fn message(reference: &str) -> TransactionMessage {
    serde_json::from_value(json!({
        "client_reference_id": reference,
        "account": { "account_id": "1000001", "account_type": "deposit" },
        "amount": "12.34",
        "direction": "debit",
        "transaction_code": "WDL",
        "effective_date": "2026-11-30",
    }))
    .unwrap()
}

/// A client whose token comes from a fixed value: no token endpoint needed.
fn client_with_static_token(server: &MockServer) -> Client {
    let token = AccessToken::new("test-token").unwrap();
    let authenticator = Authenticator::from_source(StaticToken::new(token));
    Client::with_authenticator(&server.base_url(), reqwest::Client::new(), authenticator).unwrap()
}

#[tokio::test]
async fn a_valid_transaction_is_postable() {
    let server = MockServer::start_async().await;
    let body = message("svc-1");
    let answer = ValidationResult {
        client_reference_id: "svc-1".parse().unwrap(),
        messages: vec![],
        valid: true,
    };
    let validate = server.validate_transaction(|when, then| {
        when.body(&body);
        then.ok(&answer);
    });

    let verdict = review(&client_with_static_token(&server), &body).await;

    assert_eq!(verdict, Ok(Verdict::Postable));
    validate.assert_calls(1);
}

#[tokio::test]
async fn an_invalid_transaction_lists_only_the_errors_to_fix() {
    let server = MockServer::start_async().await;
    let body = message("svc-2");
    let finding = |field: &str, severity| FieldMessage {
        code: "invalid".parse().unwrap(),
        field: field.parse().unwrap(),
        message: format!("{field} is wrong").parse().unwrap(),
        severity,
    };
    let answer = ValidationResult {
        client_reference_id: "svc-2".parse().unwrap(),
        messages: vec![
            finding("amount", FieldMessageSeverity::Error),
            finding("effective_date", FieldMessageSeverity::Warning),
        ],
        valid: false,
    };
    server.validate_transaction(|when, then| {
        when.body(&body);
        then.ok(&answer);
    });

    let verdict = review(&client_with_static_token(&server), &body).await;

    assert_eq!(
        verdict,
        Ok(Verdict::Fix(vec!["amount: amount is wrong".into()]))
    );
}

/// The mock matches the body: a different transaction gets no canned answer, so the service
/// sees a failure rather than someone else's result.
#[tokio::test]
async fn the_expectation_matches_on_the_body() {
    let server = MockServer::start_async().await;
    let expected = message("svc-3");
    let answer = ValidationResult {
        client_reference_id: "svc-3".parse().unwrap(),
        messages: vec![],
        valid: true,
    };
    let validate = server.validate_transaction(|when, then| {
        when.body(&expected);
        then.ok(&answer);
    });

    let verdict = review(&client_with_static_token(&server), &message("other")).await;

    assert!(verdict.is_err(), "{verdict:?}");
    validate.assert_calls(0);
}

/// A typed error answer reaches the service as an error.
#[tokio::test]
async fn an_api_error_reaches_the_service_as_an_error() {
    let server = MockServer::start_async().await;
    let body = message("svc-4");
    let error: ApiError = serde_json::from_value(json!({
        "error": "unprocessable",
        "message": "the account is closed",
    }))
    .unwrap();
    server.validate_transaction(|when, then| {
        when.body(&body);
        then.unprocessable_entity(&error);
    });

    let verdict = review(&client_with_static_token(&server), &body).await;

    let failure = verdict.unwrap_err();
    assert!(failure.contains("422"), "{failure}");
}

/// The full client-credentials path against the same mock server: a plain mock stands in for
/// the token endpoint, and the API call carries the token it issued.
#[tokio::test]
async fn the_client_fetches_its_token_from_a_mocked_endpoint() {
    let server = MockServer::start_async().await;
    let token = server.mock(|when, then| {
        when.method("POST").path("/oauth2/token");
        then.status(200).json_body(json!({
            "access_token": "issued-by-mock",
            "token_type": "Bearer",
            "expires_in": 3600,
        }));
    });
    let body = message("svc-5");
    let answer = ValidationResult {
        client_reference_id: "svc-5".parse().unwrap(),
        messages: vec![],
        valid: true,
    };
    let validate = server.validate_transaction(|when, then| {
        let when = when
            .into_inner()
            .header("authorization", "Bearer issued-by-mock");
        nxtsoft_client_mock::operations::ValidateTransactionWhen::new(when).body(&body);
        then.ok(&answer);
    });
    let credentials = Credentials::builder(server.url("/oauth2/token"), "user-service", "secret")
        .build()
        .unwrap();
    let client = Client::authenticated(credentials, &server.base_url()).unwrap();

    assert_eq!(review(&client, &body).await, Ok(Verdict::Postable));
    assert_eq!(review(&client, &body).await, Ok(Verdict::Postable));

    token.assert_calls(1);
    validate.assert_calls(2);
    assert_eq!(client.authenticator().stats().token_requests, 1);
}
