//! The transactions API: bearer checks, schema checks and the business answers.

use chrono::{Duration as Days, NaiveDate, SecondsFormat, Utc};
use http::{HeaderMap, Method, StatusCode, header};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::answer::Answer;
use crate::spec::{Operation, Violation};
use crate::state::{Inner, PostedTransaction, Shared};

/// An account the stand-in knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    /// Its `account_id`.
    pub id: &'static str,
    /// Its `account_type` (`deposit`, `savings`, `loan` or `general_ledger`).
    pub account_type: &'static str,
    /// Whether it is open; transactions on a closed account are refused (`account_closed`).
    pub open: bool,
}

/// The accounts the stand-in knows; any other id is reported as `account_not_found`.
pub const ACCOUNTS: &[Account] = &[
    Account {
        id: "1000001",
        account_type: "deposit",
        open: true,
    },
    Account {
        id: "1000002",
        account_type: "deposit",
        open: true,
    },
    Account {
        id: "2000001",
        account_type: "savings",
        open: true,
    },
    Account {
        id: "3000001",
        account_type: "loan",
        open: true,
    },
    Account {
        id: "GL-9000",
        account_type: "general_ledger",
        open: true,
    },
    Account {
        id: "1000099",
        account_type: "deposit",
        open: false,
    },
];

/// A well-formed account id that no account has (answers `account_not_found`).
pub const UNKNOWN_ACCOUNT_ID: &str = "0000000";

/// A closed account (answers `account_closed`).
pub const CLOSED_ACCOUNT_ID: &str = "1000099";

/// A transaction code the stand-in knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransactionCode {
    /// The code, e.g. `DEP`.
    pub code: &'static str,
    /// The direction it requires (`debit` or `credit`), or `None` for either.
    pub direction: Option<&'static str>,
    /// What it means.
    pub description: &'static str,
}

/// The transaction codes the stand-in knows; any other is `unknown_transaction_code`.
pub const TRANSACTION_CODES: &[TransactionCode] = &[
    TransactionCode {
        code: "DEP",
        direction: Some("credit"),
        description: "Deposit",
    },
    TransactionCode {
        code: "WDL",
        direction: Some("debit"),
        description: "Withdrawal",
    },
    TransactionCode {
        code: "FEE",
        direction: Some("debit"),
        description: "Fee",
    },
    TransactionCode {
        code: "INT",
        direction: Some("credit"),
        description: "Interest",
    },
    TransactionCode {
        code: "XFR",
        direction: None,
        description: "Transfer",
    },
];

/// The largest amount accepted, in cents (1,000,000.00); above it: `amount_too_large`.
pub const MAX_AMOUNT_CENTS: u64 = 100_000_000;

/// How many days before the business date an effective date may lie (else `effective_date_too_old`).
pub const MAX_DAYS_IN_PAST: i64 = 30;

/// How many days after the business date an effective date may lie (else `effective_date_too_far`);
/// a later date within this window is a `future_dated` warning and posts as `pending`.
pub const MAX_DAYS_IN_FUTURE: i64 = 30;

/// The currencies accepted (else `unsupported_currency`).
pub const CURRENCIES: &[&str] = &["USD"];

#[derive(Deserialize)]
struct Message {
    client_reference_id: String,
    account: AccountRef,
    amount: String,
    currency: Option<String>,
    direction: String,
    transaction_code: String,
    effective_date: String,
}

#[derive(Deserialize)]
struct AccountRef {
    account_id: String,
    account_type: String,
}

struct Finding {
    field: &'static str,
    code: &'static str,
    message: String,
    severity: &'static str,
}

impl Finding {
    fn error(field: &'static str, code: &'static str, message: impl Into<String>) -> Finding {
        Finding {
            field,
            code,
            message: message.into(),
            severity: "error",
        }
    }

    fn to_json(&self) -> Value {
        json!({"field": self.field, "code": self.code, "message": self.message, "severity": self.severity})
    }
}

fn violation_json(v: &Violation) -> Value {
    json!({"field": v.field, "code": v.code, "message": v.message, "severity": "error"})
}

/// Answers one API request at `op` (faults have already been handled by the caller).
pub(crate) fn handle(
    shared: &Shared,
    op: &Operation,
    method: &Method,
    headers: &HeaderMap,
    body: &[u8],
) -> Answer {
    let mut inner = shared.lock();
    inner.next_api_request_id += 1;
    let request_id = format!("req-{:06}", inner.next_api_request_id);
    let ctx = Ctx {
        request_id: &request_id,
    };

    if !method.as_str().eq_ignore_ascii_case(&op.method) {
        let mut answer = ctx.error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("{} only accepts {}", op.path, op.method),
            None,
        );
        answer.push_header(header::ALLOW, &op.method);
        return answer;
    }

    // The bearer token.
    let token = match bearer(headers) {
        Ok(token) => token,
        Err(why) => return ctx.invalid_token(why),
    };
    let now = tokio::time::Instant::now();
    let (client_id, granted) = match inner.tokens.get(token) {
        None => return ctx.invalid_token("the access token is not known"),
        Some(t) if t.revoked => return ctx.invalid_token("the access token has been revoked"),
        Some(t) if now >= t.expires_at => return ctx.invalid_token("the access token has expired"),
        Some(t) => (t.client_id.clone(), t.scopes.clone()),
    };
    let missing: Vec<&String> = op.scopes.iter().filter(|s| !granted.contains(s)).collect();
    if !missing.is_empty() {
        let needed = op.scopes.join(" ");
        let message = format!(
            "this operation needs the scope `{needed}`; the token has `{}`",
            granted.join(" ")
        );
        let mut answer = ctx.error(StatusCode::FORBIDDEN, "insufficient_scope", message, None);
        answer.push_header(
            header::WWW_AUTHENTICATE,
            &format!("Bearer realm=\"nxtsoft\", error=\"insufficient_scope\", error_description=\"the token lacks a required scope\", scope=\"{needed}\""),
        );
        return answer;
    }

    // The body.
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let media_type = content_type.split(';').next().unwrap_or_default().trim();
    if !media_type.eq_ignore_ascii_case("application/json") {
        return ctx.error(
            StatusCode::BAD_REQUEST,
            "unsupported_media_type",
            "the body must be application/json",
            None,
        );
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return ctx.error(
                StatusCode::BAD_REQUEST,
                "invalid_json",
                format!("the body is not JSON: {e}"),
                None,
            );
        }
    };
    if let Err(violations) = shared.spec.validate_request(&op.operation_id, &value) {
        let details: Vec<Value> = violations.iter().map(violation_json).collect();
        let message = format!(
            "the body does not match the {} schema ({} problem(s))",
            op.request_schema_name.as_deref().unwrap_or("request"),
            details.len()
        );
        return ctx.error(
            StatusCode::BAD_REQUEST,
            "invalid_request_body",
            message,
            Some(details),
        );
    }
    let message: Message = match serde_json::from_value(value.clone()) {
        Ok(m) => m,
        Err(e) => {
            return ctx.error(
                StatusCode::BAD_REQUEST,
                "invalid_request_body",
                format!("the body cannot be read: {e}"),
                None,
            );
        }
    };

    let today = inner
        .business_date
        .unwrap_or_else(|| Utc::now().date_naive());
    match op.operation_id.as_str() {
        "validate_transaction" => {
            let findings = check(&message, today);
            let valid = !findings.iter().any(|f| f.severity == "error");
            inner.stats.validations += 1;
            let body = json!({
                "client_reference_id": message.client_reference_id,
                "valid": valid,
                "messages": findings.iter().map(Finding::to_json).collect::<Vec<_>>(),
            });
            ctx.ok(body)
        }
        "post_transaction" => post(&mut inner, &ctx, message, value, client_id, today),
        other => ctx.error(
            StatusCode::NOT_IMPLEMENTED,
            "not_implemented",
            format!("the stand-in does not implement `{other}`"),
            None,
        ),
    }
}

fn post(
    inner: &mut Inner,
    ctx: &Ctx<'_>,
    message: Message,
    value: Value,
    client_id: String,
    today: NaiveDate,
) -> Answer {
    if let Some(&index) = inner.by_reference.get(&message.client_reference_id)
        && let Some(first) = inner.transactions.get(index)
    {
        let body = post_result(first);
        inner.stats.idempotent_replays += 1;
        let mut answer = ctx.ok(body);
        answer.push_header(
            header::HeaderName::from_static("idempotent-replayed"),
            "true",
        );
        return answer;
    }
    let findings = check(&message, today);
    let errors = findings.iter().filter(|f| f.severity == "error").count();
    if errors > 0 {
        let details = findings.iter().map(Finding::to_json).collect();
        return ctx.error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            format!("the transaction cannot be posted: {errors} error(s)"),
            Some(details),
        );
    }
    let future = findings.iter().any(|f| f.code == "future_dated");
    let transaction = PostedTransaction {
        client_reference_id: message.client_reference_id.clone(),
        transaction_id: format!("TXN-{:06}", inner.transactions.len() + 1),
        status: if future { "pending" } else { "posted" }.to_owned(),
        posted_at: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
        client_id,
        message: value,
    };
    let body = post_result(&transaction);
    inner
        .by_reference
        .insert(message.client_reference_id, inner.transactions.len());
    inner.transactions.push(transaction);
    inner.stats.transactions_posted += 1;
    ctx.ok(body)
}

fn post_result(t: &PostedTransaction) -> Value {
    json!({
        "client_reference_id": t.client_reference_id,
        "transaction_id": t.transaction_id,
        "status": t.status,
        "posted_at": t.posted_at,
    })
}

/// The business checks, field by field in schema order.
fn check(m: &Message, today: NaiveDate) -> Vec<Finding> {
    let mut out = Vec::new();
    match ACCOUNTS.iter().find(|a| a.id == m.account.account_id) {
        None => out.push(Finding::error(
            "account.account_id",
            "account_not_found",
            format!("no account `{}`", m.account.account_id),
        )),
        Some(account) => {
            if !account.open {
                out.push(Finding::error(
                    "account.account_id",
                    "account_closed",
                    format!("account `{}` is closed", account.id),
                ));
            }
            if account.account_type != m.account.account_type {
                out.push(Finding::error(
                    "account.account_type",
                    "account_type_mismatch",
                    format!(
                        "account `{}` is a {} account, not {}",
                        account.id, account.account_type, m.account.account_type
                    ),
                ));
            }
        }
    }
    match parse_cents(&m.amount) {
        Some(0) => out.push(Finding::error(
            "amount",
            "invalid_amount",
            "the amount must be greater than zero",
        )),
        Some(c) if c > MAX_AMOUNT_CENTS => out.push(Finding::error(
            "amount",
            "amount_too_large",
            format!(
                "the amount must be at most {}.{:02}",
                MAX_AMOUNT_CENTS / 100,
                MAX_AMOUNT_CENTS % 100
            ),
        )),
        Some(_) => {}
        None => out.push(Finding::error(
            "amount",
            "invalid_amount",
            "the amount is not a decimal number",
        )),
    }
    if let Some(currency) = &m.currency
        && !CURRENCIES.contains(&currency.as_str())
    {
        out.push(Finding::error(
            "currency",
            "unsupported_currency",
            format!(
                "the currency `{currency}` is not supported; use {}",
                CURRENCIES.join(", ")
            ),
        ));
    }
    match TRANSACTION_CODES
        .iter()
        .find(|c| c.code == m.transaction_code)
    {
        None => out.push(Finding::error(
            "transaction_code",
            "unknown_transaction_code",
            format!("the transaction code `{}` is not known", m.transaction_code),
        )),
        Some(code) => {
            if let Some(required) = code.direction
                && required != m.direction
            {
                out.push(Finding::error(
                    "direction",
                    "direction_mismatch",
                    format!(
                        "transaction code `{}` ({}) must be a {required}",
                        code.code, code.description
                    ),
                ));
            }
        }
    }
    match NaiveDate::parse_from_str(&m.effective_date, "%Y-%m-%d") {
        Ok(date) => {
            let oldest = today
                .checked_sub_signed(Days::days(MAX_DAYS_IN_PAST))
                .unwrap_or(NaiveDate::MIN);
            let latest = today
                .checked_add_signed(Days::days(MAX_DAYS_IN_FUTURE))
                .unwrap_or(NaiveDate::MAX);
            if date < oldest {
                out.push(Finding::error(
                    "effective_date",
                    "effective_date_too_old",
                    format!(
                        "the effective date must be at most {MAX_DAYS_IN_PAST} days before {today}"
                    ),
                ));
            } else if date > latest {
                out.push(Finding::error(
                    "effective_date",
                    "effective_date_too_far",
                    format!(
                        "the effective date must be at most {MAX_DAYS_IN_FUTURE} days after {today}"
                    ),
                ));
            } else if date > today {
                out.push(Finding {
                    field: "effective_date",
                    code: "future_dated",
                    message: format!("the effective date is after {today}; the transaction will be pending until then"),
                    severity: "warning",
                });
            }
        }
        Err(_) => out.push(Finding::error(
            "effective_date",
            "invalid_date",
            "the effective date is not a date",
        )),
    }
    out
}

/// Cents of a `^[0-9]{1,15}(\.[0-9]{1,2})?$` amount.
fn parse_cents(amount: &str) -> Option<u64> {
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
    if whole.is_empty()
        || whole.len() > 15
        || fraction.len() > 2
        || !amount
            .split('.')
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let whole: u64 = whole.parse().ok()?;
    let fraction: u64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<u64>().ok()? * 10,
        _ => fraction.parse().ok()?,
    };
    whole.checked_mul(100)?.checked_add(fraction)
}

fn bearer(headers: &HeaderMap) -> Result<&str, &'static str> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or("no bearer token was sent")?
        .to_str()
        .map_err(|_| "the Authorization header is not text")?;
    let (scheme, token) = value
        .trim()
        .split_once(' ')
        .ok_or("the Authorization header is not a bearer token")?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err("the Authorization header is not a bearer token");
    }
    let token = token.trim();
    if token.is_empty() {
        return Err("the bearer token is empty");
    }
    Ok(token)
}

struct Ctx<'a> {
    request_id: &'a str,
}

impl Ctx<'_> {
    fn ok(&self, body: Value) -> Answer {
        let mut answer = Answer::json(StatusCode::OK, bytes::Bytes::from(body.to_string()));
        answer.push_header(
            header::HeaderName::from_static("x-request-id"),
            self.request_id,
        );
        answer
    }

    fn error(
        &self,
        status: StatusCode,
        code: &str,
        message: impl Into<String>,
        details: Option<Vec<Value>>,
    ) -> Answer {
        let mut answer = Answer::json(
            status,
            api_error_body(code, &message.into(), Some(self.request_id), details),
        );
        answer.push_header(
            header::HeaderName::from_static("x-request-id"),
            self.request_id,
        );
        answer
    }

    fn invalid_token(&self, why: &str) -> Answer {
        let mut answer = self.error(StatusCode::UNAUTHORIZED, "invalid_token", why, None);
        answer.push_header(
            header::WWW_AUTHENTICATE,
            &format!(
                "Bearer realm=\"nxtsoft\", error=\"invalid_token\", error_description=\"{why}\""
            ),
        );
        answer
    }
}

/// An `ApiError` body.
pub(crate) fn api_error_body(
    code: &str,
    message: &str,
    request_id: Option<&str>,
    details: Option<Vec<Value>>,
) -> bytes::Bytes {
    let mut body = json!({"error": code, "message": message});
    if let Some(id) = request_id {
        body["request_id"] = json!(id);
    }
    if let Some(details) = details {
        body["details"] = Value::Array(details);
    }
    bytes::Bytes::from(body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_to_cents() {
        assert_eq!(parse_cents("125.00"), Some(12500));
        assert_eq!(parse_cents("0.5"), Some(50));
        assert_eq!(parse_cents("7"), Some(700));
        assert_eq!(
            parse_cents("999999999999999.99"),
            Some(99_999_999_999_999_999)
        );
        assert_eq!(parse_cents("1.2.3"), None);
        assert_eq!(parse_cents(".5"), None);
        assert_eq!(parse_cents("-1"), None);
    }
}
