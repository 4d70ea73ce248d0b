//! Per-call telemetry: one `tracing` span for every API call, naming the operation and what
//! happened to it, never a header value or a body.

use std::time::Instant;

use tracing::Span;
use tracing::field::Empty;

/// The operation an API request belongs to, as the spec names it. A generated client fills
/// this from its `security::OPERATIONS` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiCall<'a> {
    /// The operation's `operationId`.
    pub operation_id: &'a str,
    /// The HTTP method.
    pub method: &'a str,
    /// The path template (`/transactions/{id}`), never the filled-in path: it may hold ids.
    pub path_template: &'a str,
}

/// The span of one call and its clock.
pub(crate) struct CallSpan {
    span: Span,
    started: Instant,
}

impl CallSpan {
    /// Opens the `nxtsoft.api_call` span (level INFO) with the operation's fields; status,
    /// duration and whether the request was re-sent are recorded by [`finish`](Self::finish).
    /// `None` when no subscriber wants the span: then the call is neither timed nor recorded
    /// (the hot path pays one interest check, not a span's worth of work).
    pub(crate) fn open(call: ApiCall<'_>) -> Option<Self> {
        let span = tracing::info_span!(
            "nxtsoft.api_call",
            operation_id = call.operation_id,
            method = call.method,
            path_template = call.path_template,
            status = Empty,
            duration_ms = Empty,
            resent_after_401 = Empty,
            failed = Empty,
        );
        if span.is_disabled() {
            return None;
        }
        Some(Self {
            span,
            started: Instant::now(),
        })
    }

    pub(crate) fn span(&self) -> &Span {
        &self.span
    }

    /// Records the outcome: the final status (or that no answer came) and the re-send.
    pub(crate) fn finish(self, status: Option<u16>, resent: bool) {
        let elapsed = self.started.elapsed();
        match status {
            Some(status) => self.span.record("status", status),
            None => self.span.record("failed", true),
        };
        self.span
            .record("duration_ms", elapsed.as_secs_f64() * 1000.0)
            .record("resent_after_401", resent);
    }
}
