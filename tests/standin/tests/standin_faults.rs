//! Every kind of injected fault does what it says, on both the token endpoint and the API.

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::*;
use futures::StreamExt as _;
use nxtsoft_standin::{Fault, FaultBody, StandIn};
use reqwest::StatusCode;
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::time::Instant;

const TOKEN_FORM: &[(&str, &str)] = &[
    ("grant_type", "client_credentials"),
    ("client_id", "demo-client"),
    ("client_secret", "demo-secret"),
];

async fn token_answer(standin: &StandIn) -> Answer {
    token_request(standin, TOKEN_FORM).await
}

#[tokio::test]
async fn status_faults_answer_n_times_then_stop() {
    let standin = standin().await;
    standin.inject_token_faults(
        2,
        Fault::status_with_retry_after(StatusCode::SERVICE_UNAVAILABLE, "3"),
    );
    assert_eq!(standin.pending_faults(), (2, 0));
    for _ in 0..2 {
        let answer = token_answer(&standin).await;
        assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(answer.header("retry-after"), Some("3"));
        assert_eq!(answer.json["error"], json!("temporarily_unavailable"));
    }
    assert_eq!(token_answer(&standin).await.status, StatusCode::OK);
    let stats = standin.stats();
    assert_eq!(
        (
            stats.token_requests,
            stats.token_faults,
            stats.tokens_issued
        ),
        (3, 2, 1)
    );

    let token = token(&standin).await;
    standin.inject_api_faults(
        1,
        Fault::status_with_retry_after(
            StatusCode::TOO_MANY_REQUESTS,
            "Wed, 21 Oct 2015 07:28:00 GMT",
        ),
    );
    standin.inject_api_faults(1, Fault::status(StatusCode::INTERNAL_SERVER_ERROR));
    let answer = call(&standin, POST, Some(&token), &message("f-1")).await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        answer.header("retry-after"),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );
    assert_eq!(answer.json["error"], json!("too_many_requests"));
    let answer = call(&standin, POST, Some(&token), &message("f-1")).await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_conforms(POST, &answer);
    assert!(
        standin.transactions().is_empty(),
        "a faulted post records nothing"
    );
    let answer = call(&standin, POST, Some(&token), &message("f-1")).await;
    assert_eq!(answer.status, StatusCode::OK);
    let stats = standin.stats();
    assert_eq!(
        (
            stats.api_faults,
            stats.api_status(429),
            stats.api_status(500),
            stats.api_status(200)
        ),
        (2, 1, 1, 1)
    );
}

#[tokio::test]
async fn status_faults_can_carry_any_body() {
    let standin = standin().await;
    standin.inject_token_faults(
        1,
        Fault::Status {
            status: StatusCode::BAD_GATEWAY,
            retry_after: None,
            body: Some(FaultBody::Html),
        },
    );
    standin.inject_token_faults(
        1,
        Fault::Status {
            status: StatusCode::BAD_REQUEST,
            retry_after: None,
            body: Some(FaultBody::Raw {
                content_type: "application/json".into(),
                bytes: Bytes::from_static(br#"{"error":"invalid_grant"}"#),
            }),
        },
    );
    let answer = token_answer(&standin).await;
    assert_eq!(answer.status, StatusCode::BAD_GATEWAY);
    assert!(
        answer
            .header("content-type")
            .is_some_and(|c| c.starts_with("text/html"))
    );
    assert!(answer.text.contains("<html>"));
    let answer = token_answer(&standin).await;
    assert_eq!(
        (answer.status, &answer.json),
        (StatusCode::BAD_REQUEST, &json!({"error": "invalid_grant"}))
    );
}

#[tokio::test]
async fn body_faults_answer_200_with_a_broken_body() {
    let standin = standin().await;
    standin.inject_token_faults(1, Fault::Body(FaultBody::Malformed));
    standin.inject_token_faults(1, Fault::Body(FaultBody::Html));
    standin.inject_token_faults(1, Fault::Body(FaultBody::Empty));
    standin.inject_token_faults(1, Fault::Body(FaultBody::Huge(3 * 1024 * 1024)));

    let answer = token_answer(&standin).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert!(
        serde_json::from_str::<serde_json::Value>(&answer.text).is_err(),
        "{}",
        answer.text
    );

    let answer = token_answer(&standin).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.text.starts_with("<html>"));

    let answer = token_answer(&standin).await;
    assert_eq!((answer.status, answer.text.as_str()), (StatusCode::OK, ""));
    assert_eq!(answer.header("content-length"), Some("0"));

    let answer = token_answer(&standin).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.text.len(), 3 * 1024 * 1024);
    assert!(answer.json.is_object(), "huge bodies are still valid JSON");
    assert_eq!(standin.stats().tokens_issued, 0);

    let token = token(&standin).await;
    standin.inject_api_faults(1, Fault::Body(FaultBody::Malformed));
    let answer = call(&standin, VALIDATE, Some(&token), &message("b-1")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.json.is_null(), "{}", answer.text);
}

#[tokio::test]
async fn redirect_faults_answer_302() {
    let standin = standin().await;
    standin.inject_token_faults(
        1,
        Fault::Redirect {
            location: "/elsewhere/oauth2/token".into(),
        },
    );
    let answer = token_answer(&standin).await;
    assert_eq!(answer.status, StatusCode::FOUND);
    assert_eq!(answer.header("location"), Some("/elsewhere/oauth2/token"));
    let token = token(&standin).await;
    standin.inject_api_faults(
        1,
        Fault::Redirect {
            location: format!("{}/moved", standin.base_url()),
        },
    );
    let answer = call(&standin, POST, Some(&token), &message("r-1")).await;
    assert_eq!(answer.status, StatusCode::FOUND);
    assert!(standin.transactions().is_empty());
}

/// Sends one raw HTTP/1.1 request and reads until the server closes.
async fn raw_exchange(standin: &StandIn, request: &str) -> Vec<u8> {
    let mut stream = tokio::net::TcpStream::connect(standin.addr())
        .await
        .expect("connect");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut received = Vec::new();
    let _ = stream.read_to_end(&mut received).await;
    received
}

#[tokio::test]
async fn drop_connection_closes_without_an_answer() {
    let standin = standin().await;
    let form = "grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret";
    let request = |extra: &str| {
        format!(
            "POST /oauth2/token HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\n{extra}\r\n{form}",
            form.len()
        )
    };
    standin.inject_token_faults(1, Fault::DropConnection);
    assert_eq!(
        raw_exchange(&standin, &request("")).await,
        b"",
        "not a single byte is answered"
    );
    // Control: without the fault the same bytes get an answer.
    let answer = raw_exchange(&standin, &request("connection: close\r\n")).await;
    assert!(
        answer.starts_with(b"HTTP/1.1 200 OK"),
        "{}",
        String::from_utf8_lossy(&answer)
    );

    // Through reqwest, on both endpoints.
    standin.inject_token_faults(1, Fault::DropConnection);
    let err = http()
        .post(standin.token_url())
        .form(TOKEN_FORM)
        .send()
        .await
        .expect_err("dropped");
    assert!(!err.is_timeout() && err.status().is_none(), "{err:?}");
    let token = token(&standin).await;
    standin.inject_api_faults(1, Fault::DropConnection);
    let url = format!("{}{POST}", standin.base_url());
    let err = http()
        .post(&url)
        .bearer_auth(&token)
        .json(&message("d-1"))
        .send()
        .await
        .expect_err("dropped");
    assert!(err.status().is_none(), "{err:?}");
    assert!(standin.transactions().is_empty());
    let stats = standin.stats();
    assert_eq!(
        (stats.token_faults, stats.api_faults, stats.api_calls),
        (2, 1, 1)
    );
    assert!(
        stats.api_calls_by_status.is_empty(),
        "a dropped connection has no status"
    );
    assert_eq!(
        call(&standin, POST, Some(&token), &message("d-1"))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test(start_paused = true)]
async fn delay_faults_wait_on_the_tokio_clock() {
    let standin = standin().await;
    standin.inject_token_faults(1, Fault::delay(Duration::from_secs(30)));
    let start = Instant::now();
    let answer = token_answer(&standin).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "a delay alone still answers normally"
    );
    assert!(start.elapsed() >= Duration::from_secs(30));
    let stats = standin.stats();
    assert_eq!((stats.token_faults, stats.tokens_issued), (1, 1));

    let token = answer.json["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    standin.inject_api_faults(
        1,
        Fault::delay_then(
            Duration::from_secs(10),
            Fault::status(StatusCode::GATEWAY_TIMEOUT),
        ),
    );
    standin.inject_api_faults(
        1,
        Fault::delay_then(Duration::from_secs(5), Fault::DropConnection),
    );
    let start = Instant::now();
    let answer = call(&standin, VALIDATE, Some(&token), &message("w-1")).await;
    assert_eq!(answer.status, StatusCode::GATEWAY_TIMEOUT);
    assert!(start.elapsed() >= Duration::from_secs(10));
    let start = Instant::now();
    let url = format!("{}{VALIDATE}", standin.base_url());
    assert!(
        http()
            .post(url)
            .bearer_auth(&token)
            .json(&message("w-2"))
            .send()
            .await
            .is_err()
    );
    assert!(start.elapsed() >= Duration::from_secs(5));

    // A delayed post still posts: the caller may have given up, the transaction exists.
    standin.inject_api_faults(1, Fault::delay(Duration::from_secs(60)));
    let answer = call(&standin, POST, Some(&token), &message("w-3")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(standin.transactions().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn slow_drip_sends_the_real_answer_in_pieces() {
    let standin = standin().await;
    standin.inject_token_faults(
        1,
        Fault::SlowDrip {
            chunk_size: 64,
            interval: Duration::from_secs(1),
        },
    );
    let start = Instant::now();
    let response = http()
        .post(standin.token_url())
        .form(TOKEN_FORM)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    let mut stream = response.bytes_stream();
    let mut body = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = stream.next().await {
        body.extend_from_slice(&chunk.expect("chunk"));
        chunks += 1;
    }
    let expected_chunks = body.len().div_ceil(64);
    assert!(
        chunks >= expected_chunks && expected_chunks > 3,
        "{chunks} chunks for {} bytes",
        body.len()
    );
    assert!(start.elapsed() >= Duration::from_secs(expected_chunks as u64));
    let json: serde_json::Value = serde_json::from_slice(&body).expect("the real answer, intact");
    assert_eq!(json["token_type"], json!("Bearer"));
    assert_eq!(standin.stats().tokens_issued, 1);

    let token = json["access_token"].as_str().expect("token").to_owned();
    standin.inject_api_faults(
        1,
        Fault::SlowDrip {
            chunk_size: 10,
            interval: Duration::from_millis(500),
        },
    );
    let answer = call(&standin, VALIDATE, Some(&token), &message("s-1")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_conforms(VALIDATE, &answer);
}

#[tokio::test]
async fn queued_faults_run_in_order_and_can_be_cleared() {
    let standin = standin().await;
    standin.inject_token_faults(1, Fault::status(StatusCode::INTERNAL_SERVER_ERROR));
    standin.inject_token_faults(1, Fault::status(StatusCode::BAD_GATEWAY));
    assert_eq!(
        token_answer(&standin).await.status,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(token_answer(&standin).await.status, StatusCode::BAD_GATEWAY);
    standin.inject_token_faults(3, Fault::DropConnection);
    standin.inject_api_faults(3, Fault::DropConnection);
    assert_eq!(standin.pending_faults(), (3, 3));
    standin.clear_faults();
    assert_eq!(standin.pending_faults(), (0, 0));
    let token = token(&standin).await;
    assert_eq!(
        call(&standin, VALIDATE, Some(&token), &message("q-1"))
            .await
            .status,
        StatusCode::OK
    );
    // Unknown paths never consume faults.
    standin.inject_api_faults(1, Fault::status(StatusCode::INTERNAL_SERVER_ERROR));
    let response = http()
        .get(format!("{}/health", standin.base_url()))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(standin.pending_faults(), (0, 1));
}
