//! Scripted failures: what the stand-in answers instead of (or on top of) its normal answer.

use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;

/// One scripted failure, queued with [`StandIn::inject_token_faults`](crate::StandIn::inject_token_faults)
/// or [`StandIn::inject_api_faults`](crate::StandIn::inject_api_faults). Each queued fault replaces
/// (or, for [`Fault::Delay`] without a follow-up and [`Fault::SlowDrip`], slows down) exactly one answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status instead of processing the request.
    Status {
        /// The status to answer with.
        status: StatusCode,
        /// A `Retry-After` value (seconds like `"2"` or an HTTP date), if any.
        retry_after: Option<String>,
        /// The body; `None` means the endpoint's usual error body (`{"error":"server_error",..}`
        /// for the token endpoint, an `ApiError` for the API).
        body: Option<FaultBody>,
    },
    /// Wait, then answer normally (`then: None`) or with another fault.
    Delay {
        /// How long to wait before answering (on the tokio clock, so it follows `tokio::time::pause`).
        delay: Duration,
        /// What to answer after the wait; `None` processes the request normally.
        then: Option<Box<Fault>>,
    },
    /// Close the connection without sending any answer.
    DropConnection,
    /// Answer `200 OK` with this body instead of the real answer.
    Body(FaultBody),
    /// Answer `302 Found` redirecting to `location`.
    Redirect {
        /// The `Location` header value.
        location: String,
    },
    /// Process the request normally, but send the answer's body `chunk_size` bytes at a time,
    /// waiting `interval` before each chunk.
    SlowDrip {
        /// Bytes per chunk (at least 1).
        chunk_size: usize,
        /// The wait before each chunk.
        interval: Duration,
    },
}

impl Fault {
    /// Answer with `status` and the endpoint's usual error body.
    pub fn status(status: StatusCode) -> Fault {
        Fault::Status {
            status,
            retry_after: None,
            body: None,
        }
    }

    /// Answer with `status`, a `Retry-After: <retry_after>` header and the usual error body.
    pub fn status_with_retry_after(status: StatusCode, retry_after: impl Into<String>) -> Fault {
        Fault::Status {
            status,
            retry_after: Some(retry_after.into()),
            body: None,
        }
    }

    /// Wait `delay`, then answer normally.
    pub fn delay(delay: Duration) -> Fault {
        Fault::Delay { delay, then: None }
    }

    /// Wait `delay`, then apply `then`.
    pub fn delay_then(delay: Duration, then: Fault) -> Fault {
        Fault::Delay {
            delay,
            then: Some(Box::new(then)),
        }
    }
}

/// A body for [`Fault::Status`] or [`Fault::Body`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultBody {
    /// Truncated JSON (`{"access_token": "eyJ`), labelled `application/json`.
    Malformed,
    /// An HTML error page like a load balancer's, labelled `text/html`.
    Html,
    /// A syntactically valid JSON object of exactly this many bytes (at least 16), labelled
    /// `application/json`, to exercise body size caps.
    Huge(usize),
    /// No body at all (`Content-Length: 0`).
    Empty,
    /// These exact bytes with this `Content-Type`.
    Raw {
        /// The `Content-Type` header value.
        content_type: String,
        /// The body.
        bytes: Bytes,
    },
}

impl FaultBody {
    /// The content type and bytes of this body.
    pub(crate) fn render(&self) -> (Option<String>, Bytes) {
        match self {
            FaultBody::Malformed => (
                Some("application/json".to_owned()),
                Bytes::from_static(b"{\"access_token\": \"eyJ"),
            ),
            FaultBody::Html => (
                Some("text/html; charset=utf-8".to_owned()),
                Bytes::from_static(
                    b"<html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center></body></html>\n",
                ),
            ),
            FaultBody::Huge(size) => {
                let prefix = b"{\"padding\":\"";
                let suffix = b"\"}";
                let fill = size.saturating_sub(prefix.len() + suffix.len());
                let mut body = Vec::with_capacity(prefix.len() + fill + suffix.len());
                body.extend_from_slice(prefix);
                body.resize(prefix.len() + fill, b'x');
                body.extend_from_slice(suffix);
                (Some("application/json".to_owned()), Bytes::from(body))
            }
            FaultBody::Empty => (None, Bytes::new()),
            FaultBody::Raw {
                content_type,
                bytes,
            } => (Some(content_type.clone()), bytes.clone()),
        }
    }
}
