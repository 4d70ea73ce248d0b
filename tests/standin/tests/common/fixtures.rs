//! The fixtures every integration test shares, whichever client it drives: the registered
//! test clients, a fixed business date, the API's paths and a stand-in set up with them.
//!
//! `common` (the stand-in's raw-reqwest helpers) re-exports it; the end-to-end tests'
//! `support` (in `tests/e2e`) includes it by path, so both drive the same stand-in setup.
#![allow(dead_code)]

use chrono::NaiveDate;
use nxtsoft_standin::{RegisteredClient, SCOPE_MOCK, SCOPE_POST, StandIn, StandInBuilder};

/// The path of `validate_transaction`.
pub const VALIDATE_PATH: &str = "/transactions/mock";
/// The path of `post_transaction`.
pub const POST_PATH: &str = "/transactions/post";

/// A client allowed only `transactions/mock`.
pub const MOCK_ONLY_ID: &str = "mock-only";
/// Its secret.
pub const MOCK_ONLY_SECRET: &str = "mock-only-secret";
/// A client allowed only `transactions/post`.
pub const POST_ONLY_ID: &str = "post-only";
/// Its secret.
pub const POST_ONLY_SECRET: &str = "post-only-secret";

/// The stand-in's fixed business date: sample messages are effective on it.
pub fn business_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 3).expect("valid date")
}

/// The stand-in's builder: the demo client, a mock-only and a post-only client, a fixed
/// business date, `127.0.0.1:0`.
pub fn standin_builder() -> StandInBuilder {
    StandIn::builder()
        .client(StandIn::demo_client())
        .client(RegisteredClient::new(
            MOCK_ONLY_ID,
            MOCK_ONLY_SECRET,
            [SCOPE_MOCK],
        ))
        .client(RegisteredClient::new(
            POST_ONLY_ID,
            POST_ONLY_SECRET,
            [SCOPE_POST],
        ))
        .business_date(business_date())
}

/// A started [`standin_builder`].
pub async fn standin() -> StandIn {
    standin_builder().start().await.expect("stand-in starts")
}
