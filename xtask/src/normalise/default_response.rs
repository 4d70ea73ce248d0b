//! A `default` response beside explicit success responses covers the statuses the spec did not
//! list, which are errors: it becomes the `4XX` and `5XX` responses (where the spec has none),
//! so progenitor makes it the error type instead of a second success type.

use openapiv3::{OpenAPI, StatusCode};

use super::Recorder;
use crate::error::GenerateError;
use crate::operations;

/// The `--strict` name of this pass.
pub const PASS: &str = "default-response";

/// Turns every `default` beside a `2xx` response into the `4XX`/`5XX` error response.
pub fn run(spec: &mut OpenAPI, recorder: &mut Recorder<'_>) -> Result<(), GenerateError> {
    let components = spec.components.clone();
    let mut changed = Vec::new();
    operations::for_each_mut(spec, |method, path, operation| {
        let responses = &mut operation.responses;
        let has_success = responses.responses.keys().any(|status| match status {
            StatusCode::Code(code) => (200..300).contains(code),
            StatusCode::Range(range) => *range == 2,
        });
        if !has_success {
            return;
        }
        let Some(default) = responses.default.take() else {
            return;
        };
        let has_body = operations::response(&default, components.as_ref())
            .map_or(true, |response| !response.content.is_empty());
        let has_errors = responses.responses.keys().any(|status| match status {
            StatusCode::Code(code) => *code >= 400,
            StatusCode::Range(range) => *range >= 4,
        });
        // An empty `default` beside error responses that have bodies adds no type: dropped.
        if has_body || !has_errors {
            for range in [4, 5] {
                responses
                    .responses
                    .entry(StatusCode::Range(range))
                    .or_insert_with(|| default.clone());
            }
        }
        changed.push(operations::label(method, path, operation));
    });
    recorder.record(
        PASS,
        "`default` beside a 2xx response made the error response (4XX/5XX)",
        changed,
    )
}
