//! The demo's flow against any endpoints: the sample transactions and the calls made with them.

use std::io::Write;

use chrono::NaiveDate;
use nxtsoft_client::types::{
    AccountRef, AccountType, ApiError, Direction, PostResult, TransactionMessage, ValidationResult,
};
use nxtsoft_client::{Client, ResponseValue};
use nxtsoft_standin::business;

use super::DemoError;
use super::render::{describe_message, describe_post, describe_validation};

/// The demo's two sample transactions.
#[derive(Debug, Clone)]
pub struct Samples {
    /// A transaction every check accepts: a 125.00 USD deposit to deposit account `1000001`.
    pub valid: TransactionMessage,
    /// A well-formed transaction the business checks refuse field by field: an unknown account,
    /// a zero amount, and a withdrawal code with a credit direction.
    pub invalid: TransactionMessage,
}

impl Samples {
    /// The samples, effective on `effective_date`, with client reference ids
    /// `<prefix>-valid` and `<prefix>-invalid`.
    pub fn new(effective_date: NaiveDate, prefix: &str) -> Result<Samples, DemoError> {
        // The typed twin of [`business::sample_message`](nxtsoft_standin::business::sample_message).
        let valid = message(
            &format!("{prefix}-valid"),
            business::SAMPLE_ACCOUNT_ID,
            business::SAMPLE_AMOUNT,
            Direction::Credit,
            business::SAMPLE_TRANSACTION_CODE,
            effective_date,
            business::SAMPLE_DESCRIPTION,
        )?;
        let invalid = message(
            &format!("{prefix}-invalid"),
            business::UNKNOWN_ACCOUNT_ID,
            "0.00",
            Direction::Credit,
            "WDL",
            effective_date,
            "Refund",
        )?;
        Ok(Samples { valid, invalid })
    }
}

fn message(
    reference: &str,
    account: &str,
    amount: &str,
    direction: Direction,
    code: &str,
    effective_date: NaiveDate,
    description: &str,
) -> Result<TransactionMessage, DemoError> {
    let field = |field: &'static str| move |source| DemoError::Sample { field, source };
    Ok(TransactionMessage {
        account: AccountRef {
            account_id: account.parse().map_err(field("account id"))?,
            account_type: AccountType::Deposit,
        },
        amount: amount.parse().map_err(field("amount"))?,
        client_reference_id: reference.parse().map_err(field("client reference id"))?,
        currency: "USD".parse().map_err(field("currency"))?,
        descriptions: vec![description.parse().map_err(field("description"))?],
        direction,
        effective_date,
        transaction_code: code.parse().map_err(field("transaction code"))?,
    })
}

/// What [`run_flow`] did, as the client counted it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowReport {
    /// API calls sent (re-sends after a 401 not included).
    pub api_calls: u64,
    /// The authenticator's counters at the end.
    pub auth: nxtsoft_auth::Stats,
}

/// The demo's steps with one client: validate both samples, post the valid one twice, print
/// the typed results and the token counters.
pub async fn run_flow(
    client: &Client,
    samples: &Samples,
    out: &mut dyn Write,
) -> Result<FlowReport, DemoError> {
    let mut calls = Calls { client, count: 0 };

    writeln!(out)?;
    writeln!(
        out,
        "1. Validate a valid transaction (validate_transaction, scope transactions/mock)"
    )?;
    describe_message(out, &samples.valid)?;
    let result = calls
        .validate(&samples.valid, "validating the valid transaction")
        .await?;
    describe_validation(out, &result)?;

    writeln!(out)?;
    writeln!(out, "2. Validate an invalid transaction")?;
    describe_message(out, &samples.invalid)?;
    let result = calls
        .validate(&samples.invalid, "validating the invalid transaction")
        .await?;
    describe_validation(out, &result)?;
    if let Err(refused) = "12.345".parse::<nxtsoft_client::types::TransactionMessageAmount>() {
        writeln!(
            out,
            "   (A malformed amount such as 12.345 never reaches the API: the typed client refuses it: {refused}.)"
        )?;
    }

    writeln!(out)?;
    writeln!(
        out,
        "3. Post the valid transaction (post_transaction, scope transactions/post)"
    )?;
    let first = calls
        .post(&samples.valid, "posting the valid transaction")
        .await?;
    describe_post(out, &first)?;

    writeln!(out)?;
    writeln!(
        out,
        "4. Post it again with the same client reference id ({})",
        *samples.valid.client_reference_id
    )?;
    let again = calls
        .post(&samples.valid, "posting the valid transaction again")
        .await?;
    describe_post(out, &again)?;
    if again.transaction_id == first.transaction_id {
        writeln!(
            out,
            "   Same transaction {}: posting is idempotent, nothing was recorded twice.",
            again.transaction_id
        )?;
    } else {
        writeln!(
            out,
            "   WARNING: a second transaction {} was recorded (the first was {}).",
            again.transaction_id, first.transaction_id
        )?;
    }

    let api_calls = calls.count;
    let auth = client.authenticator().stats();
    writeln!(out)?;
    writeln!(out, "Token counters (client side):")?;
    writeln!(
        out,
        "  token requests        {} (each one is billed)",
        auth.token_requests
    )?;
    writeln!(out, "  API calls             {api_calls}")?;
    writeln!(
        out,
        "  served from cache     {} (waited for a fetch: {})",
        auth.cache_hits, auth.waits
    )?;
    writeln!(out, "  re-sent after a 401   {}", auth.unauthorized_retries)?;
    if auth.token_requests == 1 {
        writeln!(out, "One token served all {api_calls} API calls.")?;
    } else {
        writeln!(
            out,
            "{} token requests for {api_calls} API calls.",
            auth.token_requests
        )?;
    }
    Ok(FlowReport { api_calls, auth })
}

/// The client, and how many API calls the flow made with it.
struct Calls<'a> {
    client: &'a Client,
    count: u64,
}

impl Calls<'_> {
    /// Validates `message`; `step` names the call in an error.
    async fn validate(
        &mut self,
        message: &TransactionMessage,
        step: &'static str,
    ) -> Result<ResponseValue<ValidationResult>, DemoError> {
        self.count += 1;
        let response = self
            .client
            .validate_transaction()
            .body(message.clone())
            .send();
        response.await.map_err(|e| call_error(self.client, step, e))
    }

    /// Posts `message`; `step` names the call in an error.
    async fn post(
        &mut self,
        message: &TransactionMessage,
        step: &'static str,
    ) -> Result<PostResult, DemoError> {
        self.count += 1;
        let response = self.client.post_transaction().body(message.clone()).send();
        let posted = response
            .await
            .map_err(|e| call_error(self.client, step, e))?;
        Ok(posted.into_inner())
    }
}

fn call_error(
    client: &Client,
    step: &'static str,
    error: nxtsoft_client::Error<ApiError>,
) -> DemoError {
    match client.auth_error(&error) {
        Some(source) => DemoError::Token { step, source },
        None => DemoError::Api {
            step,
            source: Box::new(error),
        },
    }
}
