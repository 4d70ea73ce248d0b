//! What happens to every request before its handler: it is recorded, counted, and the next
//! queued [`Fault`] of its endpoint is applied (delay, scripted answer, slow body, or a dropped
//! connection). An axum middleware, layered on each endpoint's routes.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use http::{StatusCode, header};

use crate::answer::Answer;
use crate::fault::Fault;
use crate::state::{Endpoint, RecordedRequest, Shared};
use crate::{api, oauth};

/// The largest request body the stand-in reads.
pub const MAX_REQUEST_BODY: usize = 1024 * 1024;

/// Marks a response that must not be sent: the connection is closed instead
/// (see [`crate::server`]).
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("connection dropped by an injected fault")]
pub(crate) struct DropConnection;

/// The middleware's state: the stand-in, and which endpoint the layered routes are.
#[derive(Clone)]
pub(crate) struct Probe {
    pub(crate) shared: Arc<Shared>,
    pub(crate) endpoint: Endpoint,
}

/// Records the request, applies its endpoint's next fault, else runs the handler.
pub(crate) async fn intercept(
    State(probe): State<Probe>,
    request: Request,
    next: Next,
) -> Response {
    let Probe { shared, endpoint } = probe;
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, MAX_REQUEST_BODY)
        .await
        .map_err(|error| error.to_string());
    let mut fault = record(&shared, endpoint, &parts, &body);
    while let Some(Fault::Delay { delay, then }) = fault {
        tokio::time::sleep(delay).await;
        fault = then.map(|then| *then);
    }
    shared.lock().count_request(endpoint);
    let mut drip = None;
    let response = match fault {
        Some(Fault::DropConnection) => {
            let mut response = Response::default();
            response.extensions_mut().insert(DropConnection);
            return response;
        }
        Some(Fault::SlowDrip {
            chunk_size,
            interval,
        }) => {
            drip = Some((chunk_size, interval));
            None
        }
        Some(fault) => scripted(endpoint, fault),
        None => None,
    };
    let response = match (response, body) {
        (Some(answer), _) => answer.into_response(),
        (None, Err(why)) => unreadable_body(&shared, endpoint, &why).into_response(),
        (None, Ok(bytes)) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
    };
    if endpoint == Endpoint::Api {
        let mut inner = shared.lock();
        let by_status = &mut inner.stats.api_calls_by_status;
        *by_status.entry(response.status().as_u16()).or_insert(0) += 1;
    }
    match drip {
        Some((chunk_size, interval)) => slow_drip(response, chunk_size, interval).await,
        None => response,
    }
}

/// Records the request and takes its endpoint's next fault (counting it).
fn record(
    shared: &Shared,
    endpoint: Endpoint,
    parts: &Parts,
    body: &Result<Bytes, String>,
) -> Option<Fault> {
    let mut inner = shared.lock();
    inner.next_request_seq += 1;
    let seq = inner.next_request_seq;
    let headers = parts.headers.iter().map(|(name, value)| {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        (name.as_str().to_owned(), value)
    });
    inner.requests.push(RecordedRequest {
        seq,
        endpoint,
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: headers.collect(),
        body: body.clone().unwrap_or_default(),
    });
    let fault = match endpoint {
        Endpoint::Token => inner.token_faults.pop_front(),
        Endpoint::Api => inner.api_faults.pop_front(),
        Endpoint::Unknown => None,
    };
    if fault.is_some() {
        match endpoint {
            Endpoint::Token => inner.stats.token_faults += 1,
            Endpoint::Api => inner.stats.api_faults += 1,
            Endpoint::Unknown => {}
        }
        tracing::debug!(?fault, ?endpoint, "applying an injected fault");
    }
    fault
}

/// The answer a fault scripts instead of the real one, if it scripts one.
fn scripted(endpoint: Endpoint, fault: Fault) -> Option<Answer> {
    match fault {
        Fault::Status {
            status,
            retry_after,
            body,
        } => {
            let mut answer = match body {
                Some(body) => {
                    let (content_type, bytes) = body.render();
                    Answer::new(status, content_type.as_deref(), bytes)
                }
                None => default_fault_body(endpoint, status),
            };
            if let Some(retry_after) = retry_after {
                answer.push_header(header::RETRY_AFTER, &retry_after);
            }
            Some(answer)
        }
        Fault::Body(body) => {
            let (content_type, bytes) = body.render();
            Some(Answer::new(StatusCode::OK, content_type.as_deref(), bytes))
        }
        Fault::Redirect { location } => {
            let mut answer = Answer::new(StatusCode::FOUND, None, Bytes::new());
            answer.push_header(header::LOCATION, &location);
            Some(answer)
        }
        Fault::Delay { .. } | Fault::DropConnection | Fault::SlowDrip { .. } => None,
    }
}

/// The endpoint's usual error body for a scripted status.
fn default_fault_body(endpoint: Endpoint, status: StatusCode) -> Answer {
    let description = format!("injected fault: {status}");
    let busy = status == StatusCode::TOO_MANY_REQUESTS;
    if endpoint == Endpoint::Token {
        let code = if busy || status == StatusCode::SERVICE_UNAVAILABLE {
            "temporarily_unavailable"
        } else if status.is_server_error() {
            "server_error"
        } else {
            "invalid_request"
        };
        return Answer::json(status, oauth::error_body(code, &description));
    }
    let code = if busy {
        "too_many_requests"
    } else if status.is_server_error() {
        "server_error"
    } else {
        "injected_fault"
    };
    Answer::json(status, api::api_error_body(code, &description, None, None))
}

/// The answer to a request whose body could not be read (too large, or cut off).
fn unreadable_body(shared: &Shared, endpoint: Endpoint, why: &str) -> Answer {
    let description = format!("the body could not be read: {why}");
    if endpoint == Endpoint::Token {
        shared.lock().count_token_error("invalid_request");
        let body = oauth::error_body("invalid_request", &description);
        return Answer::json(StatusCode::BAD_REQUEST, body);
    }
    let body = api::api_error_body("invalid_request", &description, None, None);
    Answer::json(StatusCode::BAD_REQUEST, body)
}

/// The same answer with its body sent `chunk_size` bytes at a time, `interval` before each.
async fn slow_drip(response: Response, chunk_size: usize, interval: Duration) -> Response {
    let (parts, body) = response.into_parts();
    // Every answer is built in memory, so this never waits on the network.
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let chunk_size = chunk_size.max(1);
    let stream = futures::stream::unfold(body, move |mut rest| async move {
        if rest.is_empty() {
            return None;
        }
        tokio::time::sleep(interval).await;
        let piece = rest.split_to(chunk_size.min(rest.len()));
        Some((Ok::<_, Infallible>(piece), rest))
    });
    Response::from_parts(parts, Body::from_stream(stream))
}
