//! No duplicate transactions (issue 5, item 2): `POST /transactions/post` is re-sent
//! automatically only after a 401 (the API rejected it before processing it). A 5xx, a 429,
//! a timeout (before or after the stand-in processed the post) and a connection reset after
//! the request was sent all reach the caller with exactly one API request and at most one
//! transaction recorded; a manual retry with the same `client_reference_id` gets the first
//! result back, and the stand-in still records one transaction.

mod support;

use std::time::Duration;

use nxtsoft_client::Error;
use nxtsoft_client::types::{ApiError, PostResult};
use nxtsoft_standin::Fault;
use reqwest::StatusCode;
use support::*;

type Check = fn(&Result<nxtsoft_client::ResponseValue<PostResult>, Error<ApiError>>) -> bool;

struct Case {
    name: &'static str,
    fault: Fault,
    /// What the caller must see for the first post.
    first: Check,
    /// API requests the first post makes (2 only for the 401 re-send).
    posts: usize,
}

fn cases() -> Vec<Case> {
    let status = |s: StatusCode| Fault::status(s);
    vec![
        Case {
            name: "500",
            fault: status(StatusCode::INTERNAL_SERVER_ERROR),
            first: |r| matches!(r, Err(Error::ErrorResponse(v)) if v.status() == 500),
            posts: 1,
        },
        Case {
            name: "502",
            fault: status(StatusCode::BAD_GATEWAY),
            first: |r| matches!(r, Err(Error::ErrorResponse(v)) if v.status() == 502),
            posts: 1,
        },
        Case {
            name: "503 with Retry-After",
            fault: Fault::status_with_retry_after(StatusCode::SERVICE_UNAVAILABLE, "1"),
            first: |r| matches!(r, Err(Error::ErrorResponse(v)) if v.status() == 503),
            posts: 1,
        },
        Case {
            name: "429",
            fault: Fault::status_with_retry_after(StatusCode::TOO_MANY_REQUESTS, "1"),
            first: |r| matches!(r, Err(Error::UnexpectedResponse(v)) if v.status() == 429),
            posts: 1,
        },
        Case {
            name: "timeout before an answer",
            fault: Fault::delay(Duration::from_secs(1)),
            first: |r| matches!(r, Err(Error::CommunicationError(e)) if e.is_timeout()),
            posts: 1,
        },
        Case {
            name: "timeout while reading the answer (post processed)",
            fault: Fault::SlowDrip {
                chunk_size: 1,
                interval: ms(50),
            },
            first: |r| matches!(r, Err(Error::ResponseBodyError(e)) if e.is_timeout()),
            posts: 1,
        },
        Case {
            name: "connection reset after the request was sent",
            fault: Fault::DropConnection,
            first: |r| matches!(r, Err(Error::CommunicationError(e)) if !e.is_timeout()),
            posts: 1,
        },
        Case {
            name: "401 (rejected before processing: the one automatic re-send)",
            fault: Fault::status(StatusCode::UNAUTHORIZED),
            first: |r| r.is_ok(),
            posts: 2,
        },
    ]
}

fn setup() -> Setup {
    Setup {
        api_timeout: Some(ms(250)),
        ..Setup::default()
    }
}

#[tokio::test]
async fn posts_are_never_resent_automatically_and_manual_retries_are_idempotent() {
    let all = cases();
    for case in &all {
        let standin = standin().await;
        let client = setup().client(&standin);
        let reference = "dup-1";
        standin.inject_api_faults(1, case.fault.clone());

        let first = post(&client, reference).await;
        assert!(
            (case.first)(&first),
            "{}: unexpected outcome {first:?}",
            case.name
        );
        let after_first = wire(&standin);
        assert_eq!(after_first.post, case.posts, "{}: API requests", case.name);
        assert!(
            after_first.transactions <= 1,
            "{}: {after_first:?}",
            case.name
        );
        let recorded_first = standin
            .transactions()
            .first()
            .map(|t| t.transaction_id.clone());

        // A manual retry with the same reference: one transaction, the first result if the
        // first post was recorded.
        let retry = post(&client, reference)
            .await
            .unwrap_or_else(|e| panic!("{}: manual retry failed: {e:?}", case.name));
        let replayed = retry
            .headers()
            .get("idempotent-replayed")
            .is_some_and(|v| v == "true");
        let retry = retry.into_inner();
        assert_eq!(retry.client_reference_id.as_str(), reference);
        let transactions = standin.transactions();
        assert_eq!(
            transactions.len(),
            1,
            "{}: exactly one transaction",
            case.name
        );
        assert_eq!(
            transactions[0].transaction_id,
            retry.transaction_id.to_string()
        );
        if let Some(first_id) = recorded_first {
            assert_eq!(first_id, retry.transaction_id.to_string(), "{}", case.name);
            assert!(replayed, "{}: the first result is replayed", case.name);
        }
        assert_eq!(wire(&standin).post, case.posts + 1, "{}", case.name);
        standin.shutdown().await;
    }
    assert_eq!(all.len(), 8);
}

#[tokio::test]
async fn concurrent_manual_retries_after_a_lost_answer_record_one_transaction() {
    let standin = standin().await;
    let client = setup().client(&standin);
    standin.inject_api_faults(
        1,
        Fault::SlowDrip {
            chunk_size: 1,
            interval: ms(50),
        },
    );
    let lost = post(&client, "lost-1").await;
    assert!(matches!(lost, Err(Error::ResponseBodyError(_))), "{lost:?}");
    assert_eq!(standin.transactions().len(), 1, "processed, answer lost");

    let retries = futures::future::join_all((0..16).map(|_| {
        let client = client.clone();
        async move {
            post(&client, "lost-1")
                .await
                .map(|r| r.into_inner().transaction_id.to_string())
        }
    }))
    .await;
    let first_id = standin.transactions()[0].transaction_id.clone();
    for retry in retries {
        assert_eq!(retry.expect("retry succeeds"), first_id);
    }
    assert_eq!(standin.transactions().len(), 1);
    assert_eq!(standin.stats().idempotent_replays, 16);
    assert_eq!(
        wire(&standin).post,
        17,
        "1 lost + 16 manual, none automatic"
    );
}
