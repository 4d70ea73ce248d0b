//! What the client's integration tests share.

use nxtsoft_client::types::TransactionMessage;
use serde_json::json;

/// The sample transaction every test sends, with its own `client_reference_id`.
pub fn message(reference: &str) -> TransactionMessage {
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
