//! The transactions API: bearer checks, schema checks, then the business answers.

use chrono::{NaiveDate, SecondsFormat, Utc};
use http::{HeaderMap, Method, StatusCode, header};
use serde_json::{Value, json};

use crate::answer::{Answer, has_media_type};
use crate::business::{Finding, Message, check};
use crate::spec::{Operation, Violation};
use crate::state::{Inner, PostedTransaction, Shared};

fn violation_json(v: &Violation) -> Value {
    json!({"field": fit(&v.field), "code": v.code, "message": fit(&v.message), "severity": "error"})
}

/// NXTsoft's field rule: strings are at most 255 characters unless noted. Longer texts (a
/// schema message quoting the whole body) are cut, with `…` as the last character.
pub(crate) fn fit(text: &str) -> String {
    const MAX_CHARS: usize = 255;
    if text.chars().count() <= MAX_CHARS {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(MAX_CHARS - 1).collect();
    cut.push('…');
    cut
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
    let request_id = numbered_uuid(REQUEST_ID_PREFIX, inner.next_api_request_id);
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

    // The partner assetID, for a client registered with one.
    let expected_asset = inner
        .clients
        .iter()
        .find(|c| c.id() == client_id)
        .and_then(|c| c.asset_id().map(str::to_owned));
    if let Some(expected) = expected_asset {
        match headers.get(ASSET_ID_HEADER).map(|v| v.as_bytes()) {
            None => {
                return ctx.error(
                    StatusCode::BAD_REQUEST,
                    "missing_asset_id",
                    "this client must send its partner assetID in the `assetID` header",
                    None,
                );
            }
            Some(sent) if sent != expected.as_bytes() => {
                return ctx.error(
                    StatusCode::FORBIDDEN,
                    "invalid_asset_id",
                    "the assetID is not the one NXTsoft gave this client",
                    None,
                );
            }
            Some(_) => {}
        }
    }

    // The body.
    if !has_media_type(headers, "application/json") {
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
        transaction_id: numbered_uuid(TRANSACTION_ID_PREFIX, inner.transactions.len() as u64 + 1),
        status: if future { "pending" } else { "posted" }.to_owned(),
        // NXTsoft's date-times: UTC with milliseconds and a trailing `Z`.
        posted_at: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
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

/// The header that carries a partner's `assetID` (the reconstruction's placement).
const ASSET_ID_HEADER: &str = "assetID";

/// Object ids are UUIDs (NXTsoft's field rules); numbered ones keep runs reproducible.
const TRANSACTION_ID_PREFIX: &str = "00000000-0000-4000-8000-";
const REQUEST_ID_PREFIX: &str = "00000000-0000-4000-a000-";

fn numbered_uuid(prefix: &str, n: u64) -> String {
    format!("{prefix}{n:012}")
}

fn post_result(t: &PostedTransaction) -> Value {
    json!({
        "client_reference_id": t.client_reference_id,
        "transaction_id": t.transaction_id,
        "status": t.status,
        "posted_at": t.posted_at,
    })
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
    let mut body = json!({"error": fit(code), "message": fit(message)});
    if let Some(id) = request_id {
        body["request_id"] = json!(id);
    }
    if let Some(details) = details {
        body["details"] = Value::Array(details);
    }
    bytes::Bytes::from(body.to_string())
}
