//! An answer before it is put on the wire: status, headers in order, and a body in memory.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::header::{self, HeaderName, HeaderValue};
use http::{HeaderMap, StatusCode};

/// What a handler or a fault answers.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Bytes,
}

impl Answer {
    /// An answer with this status, `Content-Type` (if any) and body.
    pub(crate) fn new(status: StatusCode, content_type: Option<&str>, body: Bytes) -> Answer {
        let mut answer = Answer {
            status,
            headers: Vec::new(),
            body,
        };
        if let Some(ct) = content_type {
            answer.push_header(header::CONTENT_TYPE, ct);
        }
        answer
    }

    /// A JSON answer, labelled as NXTsoft labels them.
    pub(crate) fn json(status: StatusCode, body: Bytes) -> Answer {
        Answer::new(status, Some("application/json;charset=UTF-8"), body)
    }

    /// Adds a header; a value that is not a valid header value is left out (and logged).
    pub(crate) fn push_header(&mut self, name: HeaderName, value: &str) {
        match HeaderValue::from_str(value) {
            Ok(v) => self.headers.push((name, v)),
            Err(_) => tracing::warn!(%name, "left out a header value that is not valid: {value:?}"),
        }
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() = self.status;
        for (name, value) in self.headers {
            response.headers_mut().append(name, value);
        }
        response
    }
}

/// Whether the request's `Content-Type` names `expected` (parameters such as `charset` aside,
/// case-insensitively).
pub(crate) fn has_media_type(headers: &HeaderMap, expected: &str) -> bool {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let media_type = content_type.split(';').next().unwrap_or_default().trim();
    media_type.eq_ignore_ascii_case(expected)
}
