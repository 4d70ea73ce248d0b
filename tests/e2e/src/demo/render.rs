//! How the demo prints messages, validation results and posting results.

use std::io::Write;

use chrono::SecondsFormat;
use nxtsoft_client::ResponseValue;
use nxtsoft_client::types::{Direction, FieldMessage, TransactionMessage};

use super::DemoError;

pub(super) fn describe_message(
    out: &mut dyn Write,
    m: &TransactionMessage,
) -> Result<(), DemoError> {
    let (verb, preposition) = match m.direction {
        Direction::Credit => ("credit", "to"),
        Direction::Debit => ("debit", "from"),
    };
    writeln!(
        out,
        "   {} {} {} {preposition} {} account {}, code {}, effective {}, reference {}",
        verb,
        *m.amount,
        *m.currency,
        m.account.account_type,
        *m.account.account_id,
        *m.transaction_code,
        m.effective_date,
        *m.client_reference_id
    )?;
    Ok(())
}

pub(super) fn describe_validation(
    out: &mut dyn Write,
    response: &ResponseValue<nxtsoft_client::types::ValidationResult>,
) -> Result<(), DemoError> {
    let result = response.as_ref();
    let verdict = if result.valid { "valid" } else { "NOT valid" };
    let count = result.messages.len();
    let findings = match count {
        0 => "no findings".to_owned(),
        1 => "1 finding:".to_owned(),
        n => format!("{n} findings:"),
    };
    writeln!(
        out,
        "   -> {verdict} (HTTP {}), {findings}",
        response.status().as_u16()
    )?;
    describe_findings(out, &result.messages)
}

fn describe_findings(out: &mut dyn Write, findings: &[FieldMessage]) -> Result<(), DemoError> {
    let width = findings.iter().map(|f| f.field.len()).max().unwrap_or(0);
    for finding in findings {
        writeln!(
            out,
            "      {:<7}  {:<width$}  {}: {}",
            finding.severity.to_string(),
            finding.field.as_str(),
            finding.code.as_str(),
            finding.message.as_str()
        )?;
    }
    Ok(())
}

pub(super) fn describe_post(
    out: &mut dyn Write,
    result: &nxtsoft_client::types::PostResult,
) -> Result<(), DemoError> {
    let posted_at = result
        .posted_at
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_else(|| "(not given)".into());
    writeln!(
        out,
        "   -> {}: transaction {} for reference {}, posted at {posted_at}",
        result.status,
        result.transaction_id,
        result.client_reference_id.as_str()
    )?;
    Ok(())
}
