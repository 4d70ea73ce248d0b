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

#[cfg(test)]
mod tests {
    use openapiv3::{ReferenceOr, StatusCode};

    use super::*;
    use crate::normalise::Report;

    fn spec(yaml_responses: &str) -> OpenAPI {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses:\n{yaml_responses}"
        );
        crate::spec::parse(std::path::Path::new("t.yaml"), text.as_bytes()).unwrap()
    }

    fn statuses(spec: &OpenAPI) -> Vec<StatusCode> {
        let Some(ReferenceOr::Item(item)) = spec.paths.paths.get("/a") else {
            panic!("no /a");
        };
        let operation = item.get.as_ref().unwrap();
        assert!(operation.responses.default.is_none());
        operation.responses.responses.keys().cloned().collect()
    }

    #[test]
    fn an_empty_default_beside_error_bodies_adds_no_type() {
        // `spec::parse` normalises: the pass has already run.
        let spec = spec(
            "        '200': {description: ok}\n        '400':\n          description: bad\n          content:\n            application/json:\n              schema: {type: string}\n        default: {description: other}\n",
        );
        assert_eq!(
            statuses(&spec),
            [StatusCode::Code(200), StatusCode::Code(400)]
        );
    }

    #[test]
    fn default_fills_only_the_missing_ranges() {
        let spec = spec(
            "        '200': {description: ok}\n        5XX: {description: down}\n        default:\n          description: other\n          content:\n            application/json:\n              schema: {type: string}\n",
        );
        assert_eq!(
            statuses(&spec),
            [
                StatusCode::Code(200),
                StatusCode::Range(5),
                StatusCode::Range(4)
            ]
        );
        let mut report = Report::default();
        let mut again = spec.clone();
        run(&mut again, &mut Recorder::new(&mut report, false)).unwrap();
        assert!(report.is_empty(), "a second run changes nothing");
    }
}
