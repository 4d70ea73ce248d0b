//! The `## 3. Token policy` section of `BENCHMARKS.md`.

use std::fmt::Write as _;

use serde_json::Value;

/// `+420 ms`, or `-` for none (JSON `null`).
fn signed_ms(value: &Value) -> String {
    value
        .as_f64()
        .map_or_else(|| "-".into(), |ms| format!("{ms:+.0} ms"))
}

/// The `## 3. Token policy` section: one table row per scenario, then each scenario's own
/// figures.
pub(super) fn policy_section(runtime: &Value) -> String {
    let mut out = String::new();
    let policy = runtime.pointer("/policy").cloned().unwrap_or(Value::Null);
    let _ = writeln!(
        out,
        "## 3. Token policy\n\n`nxtsoft_auth` with its `RefreshPolicy` untuned, i.e. its {}, against a token endpoint that answers after {} ms \
         and answers `503` during an outage. {} workers each get a token (`Authenticator::header_value`, the call that yields a request's \
         `Authorization` header), pause 1 ms, and again. *real*: the loopback server over HTTP, through the client-credentials source with \
         its default retry policy (a first failing fetch makes up to 3 attempts). *paused*: Tokio's paused clock and an in-process token \
         source with the same latency (times are virtual). Latencies are of getting a token (or an error). *Expired*: a token handed out \
         at or after its expiry as the endpoint counts it. *First fail*: the first failing call, from the start of the outage; \
         *last fail*: the last one, from its end.\n",
        policy["policy"].as_str().unwrap_or("?"),
        policy["token_delay_ms"],
        policy["workers"],
    );
    let _ = writeln!(
        out,
        "| Scenario | Clock | Token requests | Calls | p50 µs | p99 µs | max µs | > {} ms | Errors | Expired | First fail | Last fail |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|",
        policy["slow_ms"]
    );
    let rows = policy["scenarios"].as_array().cloned().unwrap_or_default();
    let one = |row: &Value, key: &str| {
        row[key]
            .as_f64()
            .map_or_else(|| "?".into(), |v| format!("{v:.1}"))
    };
    for row in &rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            row["title"].as_str().unwrap_or("?"),
            row["clock"].as_str().unwrap_or("?"),
            row["token_requests"],
            row["calls"],
            one(row, "p50_us"),
            one(row, "p99_us"),
            one(row, "max_us"),
            row["over_5ms"],
            row["errors"],
            row["expired"],
            signed_ms(&row["first_fail_ms"]),
            signed_ms(&row["last_fail_ms"]),
        );
    }
    out.push('\n');
    for row in &rows {
        let _ = writeln!(out, "- {}", policy_note(row));
    }
    out.push('\n');
    out
}

/// One scenario's own figures, in a sentence.
fn policy_note(row: &Value) -> String {
    let title = row["title"].as_str().unwrap_or("?");
    if row["outage_ms"].is_null() {
        return format!(
            "**{title}** ({} s): {} token requests for {} expiry windows; calls waiting on the token endpoint: {} at the cold start, {} after it.",
            row["run_secs"],
            row["token_requests"],
            row["expiry_windows"],
            row["waits"]
                .as_u64()
                .unwrap_or(0)
                .saturating_sub(row["waits_after_first_token"].as_u64().unwrap_or(0)),
            row["waits_after_first_token"],
        );
    }
    let early = if row["errors_before_margin"].is_null() {
        String::new()
    } else {
        format!(
            " Caller errors before the valid token's expiry − {} ms: **{}** (the first error came {} from that expiry).",
            row["margin_ms"],
            row["errors_before_margin"],
            signed_ms(&row["first_fail_from_expiry_ms"]),
        )
    };
    format!(
        "**{title}** ({} s from {} ms into a {} s run):{early} {} refused token requests, {:.2} per second of outage; first token after the outage: **{}**.",
        row["outage_ms"].as_f64().unwrap_or(f64::NAN) / 1000.0,
        row["outage_after_ms"],
        row["run_secs"],
        row["refused_token_requests"],
        row["refused_per_s"].as_f64().unwrap_or(f64::NAN),
        signed_ms(&row["recovery_ms"]),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::bench::fixture::policy;

    #[test]
    fn policy_section_has_a_row_and_a_note_per_scenario() {
        let section = policy_section(&policy(json!(930.0), 0));
        assert!(section.starts_with("## 3. Token policy\n"));
        assert!(section.contains(
            "| rotation, 2 s tokens | real | 11 | 150000 | 0.3 | 0.8 | 21500.0 | 8 | 0 | 0 | - | - |"
        ));
        assert!(section.contains("| 4 s outage, token valid | real | 9 | 60000 | 0.3 | 0.9 | 500000.0 | 16 | 20000 | 0 | +420 ms | +950 ms |"));
        assert!(
            section
                .contains("calls waiting on the token endpoint: 8 at the cold start, 0 after it")
        );
        assert!(section.contains("Caller errors before the valid token's expiry − 80 ms: **0** (the first error came +4 ms from that expiry)"));
        assert!(section.contains("first token after the outage: **+930 ms**"));
        assert_eq!(section.matches("\n- **").count(), 4);
    }
}
