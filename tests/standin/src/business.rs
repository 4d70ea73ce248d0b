//! The business rules' data and checks: known accounts, transaction codes and limits, the
//! findings `validate_transaction` reports and `post_transaction` refuses on, and a sample
//! message that every rule accepts.

use chrono::{Duration as Days, NaiveDate};
use serde::Deserialize;
use serde_json::{Value, json};

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
pub(crate) struct Message {
    pub(crate) client_reference_id: String,
    pub(crate) account: AccountRef,
    pub(crate) amount: String,
    pub(crate) currency: Option<String>,
    pub(crate) direction: String,
    pub(crate) transaction_code: String,
    pub(crate) effective_date: String,
}

#[derive(Deserialize)]
pub(crate) struct AccountRef {
    pub(crate) account_id: String,
    pub(crate) account_type: String,
}

pub(crate) struct Finding {
    pub(crate) field: &'static str,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) severity: &'static str,
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

    pub(crate) fn to_json(&self) -> Value {
        json!({"field": self.field, "code": self.code, "message": self.message, "severity": self.severity})
    }
}

/// The account of [`sample_message`]: an open deposit account.
pub const SAMPLE_ACCOUNT_ID: &str = "1000001";
/// The amount of [`sample_message`], in USD.
pub const SAMPLE_AMOUNT: &str = "125.00";
/// The transaction code of [`sample_message`]: a deposit, so a credit.
pub const SAMPLE_TRANSACTION_CODE: &str = "DEP";
/// The one description of [`sample_message`].
pub const SAMPLE_DESCRIPTION: &str = "Payroll deposit";

/// A `TransactionMessage` that validates and posts cleanly when `effective_date` is the
/// business date: a [`SAMPLE_AMOUNT`] USD deposit ([`SAMPLE_TRANSACTION_CODE`], credit) to
/// deposit account [`SAMPLE_ACCOUNT_ID`], with client reference id `reference` (which must
/// match the spec's pattern for the message to pass the schema checks).
pub fn sample_message(reference: &str, effective_date: NaiveDate) -> Value {
    json!({
        "client_reference_id": reference,
        "account": {"account_id": SAMPLE_ACCOUNT_ID, "account_type": "deposit"},
        "amount": SAMPLE_AMOUNT,
        "currency": "USD",
        "direction": "credit",
        "transaction_code": SAMPLE_TRANSACTION_CODE,
        "effective_date": effective_date.format("%Y-%m-%d").to_string(),
        "descriptions": [SAMPLE_DESCRIPTION]
    })
}
/// The business checks, field by field in schema order.
pub(crate) fn check(m: &Message, today: NaiveDate) -> Vec<Finding> {
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
            let outside = if date < oldest {
                Some(("effective_date_too_old", MAX_DAYS_IN_PAST, "before"))
            } else if date > latest {
                Some(("effective_date_too_far", MAX_DAYS_IN_FUTURE, "after"))
            } else {
                None
            };
            if let Some((code, days, side)) = outside {
                let message =
                    format!("the effective date must be at most {days} days {side} {today}");
                out.push(Finding::error("effective_date", code, message));
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
