//! The API paths answer as the spec says: every operation, every documented status, every body
//! checked against the spec's own response schemas.

mod common;

use std::collections::BTreeSet;

use common::*;
use nxtsoft_standin::business::{CLOSED_ACCOUNT_ID, UNKNOWN_ACCOUNT_ID};
use nxtsoft_standin::{Fault, StandIn};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn with(mut message: Value, pointer: &str, value: Value) -> Value {
    match message.pointer_mut(pointer) {
        Some(slot) => *slot = value,
        None => panic!("no field at {pointer}"),
    }
    message
}

fn without(mut message: Value, field: &str) -> Value {
    message.as_object_mut().expect("object").remove(field);
    message
}

fn finding_codes(answer: &Answer, key: &str) -> Vec<Finding> {
    codes(&answer.json[key])
}

type Finding = (String, String, String);

fn triple(field: &str, code: &str, severity: &str) -> Finding {
    (field.to_owned(), code.to_owned(), severity.to_owned())
}

#[tokio::test]
async fn every_documented_status_of_every_operation_is_produced_and_conforms() {
    let standin = standin().await;
    let full = token(&standin).await;
    let mock_only = token_for(&standin, MOCK_ONLY_ID, MOCK_ONLY_SECRET, None).await;
    let post_only = token_for(&standin, POST_ONLY_ID, POST_ONLY_SECRET, None).await;

    for op in spec().operations() {
        let path = op.path.as_str();
        let mut produced = BTreeSet::new();
        let mut record = |answer: Answer| {
            assert_conforms(path, &answer);
            let status = answer.status.as_u16();
            let key = if status >= 500 {
                "5XX".to_owned()
            } else {
                status.to_string()
            };
            produced.insert(key);
            answer
        };

        let ok = record(
            call(
                &standin,
                path,
                Some(&full),
                &message(&format!("{}-ok", op.operation_id)),
            )
            .await,
        );
        assert_eq!(ok.status, StatusCode::OK);
        assert!(ok.header("x-request-id").is_some());

        let bad = record(call(&standin, path, Some(&full), &json!({"amount": 5})).await);
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);

        let unauthorized = record(call(&standin, path, None, &message("x")).await);
        assert_eq!(unauthorized.status, StatusCode::UNAUTHORIZED);

        let wrong_scope = if path == VALIDATE {
            &post_only
        } else {
            &mock_only
        };
        let forbidden = record(call(&standin, path, Some(wrong_scope), &message("x")).await);
        assert_eq!(forbidden.status, StatusCode::FORBIDDEN);

        // 422: posting an invalid message; validation answers findings with a 200 instead, so its
        // documented 422 is produced by fault injection.
        let invalid = with(message("bad-1"), "/amount", json!("0"));
        if path == VALIDATE {
            standin.inject_api_faults(1, Fault::status(StatusCode::UNPROCESSABLE_ENTITY));
        }
        let unprocessable = record(call(&standin, path, Some(&full), &invalid).await);
        assert_eq!(unprocessable.status, StatusCode::UNPROCESSABLE_ENTITY);

        for status in [
            StatusCode::INTERNAL_SERVER_ERROR,
            StatusCode::SERVICE_UNAVAILABLE,
        ] {
            standin.inject_api_faults(1, Fault::status(status));
            let answer = record(call(&standin, path, Some(&full), &message("x")).await);
            assert_eq!(answer.status, status);
        }

        let documented: BTreeSet<String> = op
            .documented_statuses()
            .into_iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(produced, documented, "{}", op.operation_id);
    }
}

#[tokio::test]
async fn a_valid_message_validates_without_findings() {
    let standin = standin().await;
    let token = token(&standin).await;
    let answer = call(&standin, VALIDATE, Some(&token), &message("val-1")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_conforms(VALIDATE, &answer);
    assert_eq!(
        answer.json,
        json!({"client_reference_id": "val-1", "valid": true, "messages": []})
    );
    // Currency and descriptions are optional.
    let minimal = without(without(message("val-2"), "currency"), "descriptions");
    let answer = call(&standin, VALIDATE, Some(&token), &minimal).await;
    assert_eq!(answer.json["valid"], json!(true), "{}", answer.text);
    assert!(
        standin.transactions().is_empty(),
        "validation posts nothing"
    );
    assert_eq!(standin.stats().validations, 2);
}

#[tokio::test]
async fn validation_reports_business_problems_field_by_field() {
    let standin = standin().await;
    let token = token(&standin).await;
    let cases: Vec<(Value, Vec<Finding>)> = vec![
        (
            with(
                message("a"),
                "/account/account_id",
                json!(UNKNOWN_ACCOUNT_ID),
            ),
            vec![triple("account.account_id", "account_not_found", "error")],
        ),
        (
            with(
                message("b"),
                "/account/account_id",
                json!(CLOSED_ACCOUNT_ID),
            ),
            vec![triple("account.account_id", "account_closed", "error")],
        ),
        (
            with(message("c"), "/account/account_type", json!("loan")),
            vec![triple(
                "account.account_type",
                "account_type_mismatch",
                "error",
            )],
        ),
        (
            with(message("d"), "/amount", json!("0.00")),
            vec![triple("amount", "invalid_amount", "error")],
        ),
        (
            with(message("e"), "/amount", json!("1000000.01")),
            vec![triple("amount", "amount_too_large", "error")],
        ),
        (
            with(message("f"), "/currency", json!("EUR")),
            vec![triple("currency", "unsupported_currency", "error")],
        ),
        (
            with(message("g"), "/transaction_code", json!("ZZZ")),
            vec![triple(
                "transaction_code",
                "unknown_transaction_code",
                "error",
            )],
        ),
        (
            with(message("h"), "/direction", json!("debit")),
            vec![triple("direction", "direction_mismatch", "error")],
        ),
        (
            with(message("i"), "/effective_date", json!("2024-05-03")),
            vec![triple("effective_date", "effective_date_too_old", "error")],
        ),
        (
            with(message("j"), "/effective_date", json!("2024-07-04")),
            vec![triple("effective_date", "effective_date_too_far", "error")],
        ),
        (
            with(message("k"), "/effective_date", json!("2024-06-10")),
            vec![triple("effective_date", "future_dated", "warning")],
        ),
    ];
    for (msg, expected) in cases {
        let answer = call(&standin, VALIDATE, Some(&token), &msg).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        assert_conforms(VALIDATE, &answer);
        assert_eq!(finding_codes(&answer, "messages"), expected, "{msg}");
        let has_error = expected.iter().any(|(_, _, s)| s == "error");
        assert_eq!(answer.json["valid"], json!(!has_error));
        assert_eq!(
            answer.json["client_reference_id"],
            msg["client_reference_id"]
        );
        for finding in answer.json["messages"].as_array().expect("messages") {
            assert!(finding["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
    }
    // Boundaries are inside.
    for (pointer, value) in [
        ("/amount", "1000000.00"),
        ("/amount", "0.01"),
        ("/effective_date", "2024-05-04"),
    ] {
        let answer = call(
            &standin,
            VALIDATE,
            Some(&token),
            &with(message("edge"), pointer, json!(value)),
        )
        .await;
        assert_eq!(
            answer.json["valid"],
            json!(true),
            "{pointer}={value}: {}",
            answer.text
        );
    }
    // Several problems at once are all reported, in field order.
    let mut bad = with(
        message("many"),
        "/account/account_id",
        json!(UNKNOWN_ACCOUNT_ID),
    );
    bad = with(bad, "/amount", json!("0"));
    bad = with(bad, "/transaction_code", json!("NOPE"));
    let answer = call(&standin, VALIDATE, Some(&token), &bad).await;
    let fields: Vec<String> = finding_codes(&answer, "messages")
        .into_iter()
        .map(|(f, _, _)| f)
        .collect();
    assert_eq!(fields, ["account.account_id", "amount", "transaction_code"]);
}

#[tokio::test]
async fn posting_records_a_transaction() {
    let standin = standin().await;
    let token = token(&standin).await;
    let answer = call(&standin, POST, Some(&token), &message("post-1")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_conforms(POST, &answer);
    assert_eq!(answer.json["client_reference_id"], json!("post-1"));
    assert_eq!(
        answer.json["transaction_id"],
        json!("00000000-0000-4000-8000-000000000001")
    );
    assert_eq!(answer.json["status"], json!("posted"));
    // NXTsoft's date-times: `yyyy-mm-ddThh:mm:ss.vZ`, milliseconds and a trailing `Z`.
    let posted_at = answer.json["posted_at"].as_str().unwrap_or_default();
    assert!(
        chrono::DateTime::parse_from_rfc3339(posted_at).is_ok(),
        "{posted_at}"
    );
    assert_eq!(
        posted_at.len(),
        "2026-11-30T12:00:00.000Z".len(),
        "{posted_at}"
    );
    assert!(
        posted_at.ends_with('Z') && posted_at.as_bytes()[19] == b'.',
        "{posted_at}"
    );
    let recorded = standin.transactions();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].client_id, "demo-client");
    assert_eq!(recorded[0].message, message("post-1"));

    let future = with(message("post-2"), "/effective_date", json!("2024-06-20"));
    let answer = call(&standin, POST, Some(&token), &future).await;
    assert_eq!(answer.json["status"], json!("pending"), "{}", answer.text);
    assert_eq!(
        answer.json["transaction_id"],
        json!("00000000-0000-4000-8000-000000000002")
    );
    assert_eq!(standin.stats().transactions_posted, 2);
}

#[tokio::test]
async fn posting_is_idempotent_by_client_reference_id() {
    let standin = standin().await;
    let token = token(&standin).await;
    let first = call(&standin, POST, Some(&token), &message("idem-1")).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.header("idempotent-replayed"), None);
    // Same reference, even with another amount: the first result, nothing recorded.
    let again = call(
        &standin,
        POST,
        Some(&token),
        &with(message("idem-1"), "/amount", json!("999.00")),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_conforms(POST, &again);
    assert_eq!(again.json, first.json);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));

    // Concurrent repeats of a new reference record exactly one transaction.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let url = format!("{}{POST}", standin.base_url());
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let response = http()
                .post(url)
                .bearer_auth(token)
                .json(&message("idem-2"))
                .send()
                .await
                .expect("send");
            read(response).await.json
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("task"));
    }
    assert!(answers.iter().all(|a| *a == answers[0]), "{answers:?}");
    let stats = standin.stats();
    assert_eq!(stats.transactions_posted, 2);
    assert_eq!(stats.idempotent_replays, 8);
    assert_eq!(standin.transactions().len(), 2);
}

#[tokio::test]
async fn posting_an_invalid_message_is_422_and_records_nothing() {
    let standin = standin().await;
    let token = token(&standin).await;
    let bad = with(
        with(
            message("inv-1"),
            "/account/account_id",
            json!(CLOSED_ACCOUNT_ID),
        ),
        "/effective_date",
        json!("2024-06-05"),
    );
    let answer = call(&standin, POST, Some(&token), &bad).await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.text
    );
    assert_conforms(POST, &answer);
    assert_eq!(answer.json["error"], json!("validation_failed"));
    assert_eq!(
        finding_codes(&answer, "details"),
        [
            triple("account.account_id", "account_closed", "error"),
            triple("effective_date", "future_dated", "warning")
        ]
    );
    assert!(standin.transactions().is_empty());
    // The reference is still free: a corrected message posts.
    let answer = call(&standin, POST, Some(&token), &message("inv-1")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(standin.transactions().len(), 1);
}

#[tokio::test]
async fn bodies_that_break_the_schema_are_400_with_details() {
    let standin = standin().await;
    let token = token(&standin).await;
    // What a wrong generated type would send.
    let cases: Vec<(Value, (&str, &str))> = vec![
        (
            with(message("s"), "/amount", json!(125.0)),
            ("amount", "type"),
        ),
        (
            with(message("s"), "/amount", json!("125.001")),
            ("amount", "pattern"),
        ),
        (
            with(
                message("s"),
                "/effective_date",
                json!("2024-06-03T00:00:00Z"),
            ),
            ("effective_date", "format"),
        ),
        (
            with(message("s"), "/direction", json!("Credit")),
            ("direction", "enum"),
        ),
        (
            with(message("s"), "/account/account_type", json!("checking")),
            ("account.account_type", "enum"),
        ),
        (
            without(message("s"), "client_reference_id"),
            ("client_reference_id", "required"),
        ),
        (
            with(message("s"), "/descriptions", json!(["x".repeat(81)])),
            ("descriptions[0]", "max_length"),
        ),
        (
            with(message("s"), "/currency", json!(null)),
            ("currency", "type"),
        ),
        (
            {
                let mut m = message("s");
                m["clientReferenceId"] = json!("camel");
                m
            },
            ("clientReferenceId", "unknown_field"),
        ),
        (json!([message("s")]), ("(body)", "type")),
    ];
    for path in [VALIDATE, POST] {
        for (body, (field, code)) in &cases {
            let answer = call(&standin, path, Some(&token), body).await;
            assert_eq!(
                answer.status,
                StatusCode::BAD_REQUEST,
                "{body}: {}",
                answer.text
            );
            assert_conforms(path, &answer);
            assert_eq!(answer.json["error"], json!("invalid_request_body"));
            let found = finding_codes(&answer, "details");
            assert!(
                found.contains(&triple(field, code, "error")),
                "{body}: {found:?}"
            );
        }
    }
    assert!(standin.transactions().is_empty());
}

#[tokio::test]
async fn bodies_that_are_not_json_are_400() {
    let standin = standin().await;
    let token = token(&standin).await;
    let url = format!("{}{VALIDATE}", standin.base_url());
    let nested = "[".repeat(100_000);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("application/json", b"{not json".to_vec(), "invalid_json"),
        ("application/json", Vec::new(), "invalid_json"),
        ("application/json", vec![0xff, 0xfe, 0xfd], "invalid_json"),
        ("application/json", nested.into_bytes(), "invalid_json"),
        (
            "text/plain",
            serde_json::to_vec(&message("t")).expect("json"),
            "unsupported_media_type",
        ),
        (
            "application/x-www-form-urlencoded",
            b"a=b".to_vec(),
            "unsupported_media_type",
        ),
        (
            "application/json",
            vec![b' '; 2 * 1024 * 1024],
            "invalid_request",
        ),
    ];
    for (content_type, body, code) in cases {
        let response = http()
            .post(&url)
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("send");
        let answer = read(response).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{content_type}: {}",
            answer.text
        );
        assert_conforms(VALIDATE, &answer);
        assert_eq!(answer.json["error"], json!(code), "{}", answer.text);
    }
    // `application/json; charset=utf-8` is JSON.
    let response = http()
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "application/json; charset=utf-8")
        .body(serde_json::to_vec(&message("t")).expect("json"))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn bearer_problems_are_401_invalid_token() {
    let standin = standin().await;
    let good = token(&standin).await;
    let revoked = token(&standin).await;
    assert!(standin.revoke_token(&revoked));
    let url = format!("{}{POST}", standin.base_url());
    let cases: Vec<(Option<String>, &str)> = vec![
        (None, "no bearer token"),
        (Some(format!("Bearer {good}x")), "not known"),
        (Some("Bearer ".to_owned()), "bearer"),
        (Some(format!("Basic {good}")), "not a bearer token"),
        (Some(good.clone()), "not a bearer token"),
        (Some(format!("Bearer {revoked}")), "revoked"),
    ];
    for (authorization, why) in cases {
        let mut request = http().post(&url).json(&message("auth"));
        if let Some(value) = &authorization {
            request = request.header("authorization", value);
        }
        let answer = read(request.send().await.expect("send")).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{authorization:?}");
        assert_conforms(POST, &answer);
        assert_eq!(answer.json["error"], json!("invalid_token"));
        assert!(
            answer.json["message"]
                .as_str()
                .is_some_and(|m| m.contains(why)),
            "{why}: {}",
            answer.text
        );
        let challenge = answer.header("www-authenticate").expect("challenge");
        assert!(challenge.starts_with("Bearer "), "{challenge}");
        assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
    }
    // The scheme is case-insensitive.
    let response = http()
        .post(&url)
        .header("authorization", format!("bearer {good}"))
        .json(&message("auth"))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(standin.transactions().len() == 1);
    assert_eq!(standin.stats().api_status(401), 6);
}

#[tokio::test]
async fn a_token_without_the_scope_is_403_insufficient_scope() {
    let standin = standin().await;
    let cases = [
        (
            POST,
            token_for(
                &standin,
                "demo-client",
                "demo-secret",
                Some("transactions/mock"),
            )
            .await,
            "transactions/post",
        ),
        (
            VALIDATE,
            token_for(
                &standin,
                "demo-client",
                "demo-secret",
                Some("transactions/post"),
            )
            .await,
            "transactions/mock",
        ),
    ];
    for (path, token, needed) in cases {
        let answer = call(&standin, path, Some(&token), &message("scope")).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.text);
        assert_conforms(path, &answer);
        assert_eq!(answer.json["error"], json!("insufficient_scope"));
        let challenge = answer.header("www-authenticate").expect("challenge");
        assert!(
            challenge.contains("error=\"insufficient_scope\""),
            "{challenge}"
        );
        assert!(
            challenge.contains(&format!("scope=\"{needed}\"")),
            "{challenge}"
        );
    }
    assert!(standin.transactions().is_empty());
}

#[tokio::test]
async fn unknown_paths_and_methods_are_refused() {
    let standin = standin().await;
    let token = token(&standin).await;
    let answer = read(
        http()
            .post(format!("{}/transactions/delete", standin.base_url()))
            .bearer_auth(&token)
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.json["error"], json!("not_found"));
    let answer = read(
        http()
            .get(format!("{}{VALIDATE}", standin.base_url()))
            .bearer_auth(&token)
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(answer.header("allow"), Some("POST"));
    assert_eq!(answer.json["error"], json!("method_not_allowed"));
    let stats = standin.stats();
    assert_eq!(stats.unknown_path_requests, 1);
    assert_eq!(stats.api_status(405), 1);
}

#[tokio::test]
async fn counters_and_recorded_requests_describe_the_traffic() {
    let standin = standin().await;
    let token = token(&standin).await;
    let _ = call(&standin, VALIDATE, Some(&token), &message("c-1")).await;
    let _ = call(&standin, POST, Some(&token), &message("c-1")).await;
    let _ = call(&standin, POST, None, &message("c-1")).await;
    let stats = standin.stats();
    assert_eq!(stats.api_calls, 3);
    assert_eq!((stats.api_status(200), stats.api_status(401)), (2, 1));
    assert_eq!((stats.validations, stats.transactions_posted), (1, 1));

    let requests = standin.take_requests();
    assert_eq!(requests.len(), 4);
    let token_request = &requests[0];
    assert_eq!(token_request.endpoint, nxtsoft_standin::Endpoint::Token);
    assert!(
        token_request
            .body_text()
            .contains("grant_type=client_credentials")
    );
    let post = &requests[2];
    assert_eq!(
        (post.seq, post.method.as_str(), post.path.as_str()),
        (3, "POST", POST)
    );
    assert_eq!(
        post.header("Authorization"),
        Some(format!("Bearer {token}").as_str())
    );
    assert_eq!(post.header("content-type"), Some("application/json"));
    assert_eq!(post.body_json(), Some(message("c-1")));
    assert!(standin.requests().is_empty(), "take_requests forgets them");
}

#[tokio::test]
async fn the_default_stand_in_serves_the_demo_client() {
    let standin = StandIn::start_default().await.expect("start");
    assert!(standin.addr().ip().is_loopback());
    assert_eq!(
        standin.token_url(),
        format!("{}/oauth2/token", standin.base_url())
    );
    let token = token(&standin).await;
    let today = chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    let answer = call(
        &standin,
        VALIDATE,
        Some(&token),
        &with(message("d-1"), "/effective_date", json!(today)),
    )
    .await;
    assert_eq!(answer.json["valid"], json!(true), "{}", answer.text);
}
