//! The HTTP/1.1 server: accept loop, per-request dispatch, fault application, graceful shutdown.
//!
//! It is served with hyper directly rather than through a router, because one fault (dropping the
//! connection without an answer) needs the connection itself: when the service returns an error,
//! hyper closes the connection without writing a response.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};
use http::{Request, Response, StatusCode, header};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, Limited, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::fault::Fault;
use crate::state::{Endpoint, RecordedRequest, Shared};
use crate::{api, oauth};

/// The largest request body the stand-in reads.
pub const MAX_REQUEST_BODY: usize = 1024 * 1024;

/// How long a stopping server lets in-flight answers finish before cutting them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

type Body = BoxBody<Bytes, Infallible>;

/// An answer before it is put on the wire.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Bytes,
}

impl Answer {
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

    fn into_response(self, drip: Option<(usize, Duration)>) -> Response<Body> {
        let body = match drip {
            None => Full::new(self.body).boxed(),
            Some((chunk, interval)) => slow_drip(self.body, chunk, interval),
        };
        let mut response = Response::new(body);
        *response.status_mut() = self.status;
        for (name, value) in self.headers {
            response.headers_mut().append(name, value);
        }
        response
    }
}

fn slow_drip(body: Bytes, chunk: usize, interval: Duration) -> Body {
    let chunk = chunk.max(1);
    let stream = futures::stream::unfold(body, move |mut rest| async move {
        if rest.is_empty() {
            return None;
        }
        tokio::time::sleep(interval).await;
        let piece = rest.split_to(chunk.min(rest.len()));
        Some((Ok::<_, Infallible>(Frame::data(piece)), rest))
    });
    StreamBody::new(stream).boxed()
}

/// Returned by the service to make hyper close the connection without answering.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped by an injected fault")]
pub(crate) struct DropConnection;

/// Accepts connections until `shutdown` changes (or its sender is dropped), then lets open
/// connections finish their in-flight answer (up to a grace period) and stops.
pub(crate) async fn run(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    connections.spawn(serve_connection(stream, shared.clone(), shutdown.clone()));
                }
                Err(err) => {
                    // E.g. too many open files: back off instead of spinning.
                    tracing::warn!(%err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        connections.shutdown().await;
    }
}

async fn serve_connection(
    stream: TcpStream,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let service = hyper::service::service_fn(move |request| {
        let shared = shared.clone();
        async move { handle(&shared, request).await }
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        _ = shutdown.changed() => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

async fn handle(
    shared: &Shared,
    request: Request<Incoming>,
) -> Result<Response<Body>, DropConnection> {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let body = match Limited::new(body, MAX_REQUEST_BODY).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(err) => Err(err.to_string()),
    };
    let endpoint = if path == oauth::TOKEN_PATH {
        Endpoint::Token
    } else if shared.spec.operations().iter().any(|op| op.path == path) {
        Endpoint::Api
    } else {
        Endpoint::Unknown
    };

    let fault = {
        let mut inner = shared.lock();
        inner.next_request_seq += 1;
        let seq = inner.next_request_seq;
        inner.requests.push(RecordedRequest {
            seq,
            endpoint,
            method: parts.method.as_str().to_owned(),
            path: path.clone(),
            query: parts.uri.query().map(str::to_owned),
            headers: parts
                .headers
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: body.clone().unwrap_or_default(),
        });
        match endpoint {
            Endpoint::Token => inner.token_faults.pop_front(),
            Endpoint::Api => inner.api_faults.pop_front(),
            Endpoint::Unknown => None,
        }
    };
    if let Some(fault) = &fault {
        let mut inner = shared.lock();
        match endpoint {
            Endpoint::Token => {
                inner.stats.token_faults += 1;
            }
            Endpoint::Api => {
                inner.stats.api_faults += 1;
            }
            Endpoint::Unknown => {}
        }
        tracing::debug!(?fault, ?endpoint, "applying an injected fault");
    }

    // Unwind delays, then either answer with the fault or process normally.
    let mut fault = fault;
    let mut drip = None;
    while let Some(Fault::Delay { delay, then }) = &fault {
        tokio::time::sleep(*delay).await;
        fault = then.as_deref().cloned();
    }
    let faulted = match fault {
        None => None,
        Some(Fault::Delay { .. }) => None,
        Some(Fault::SlowDrip {
            chunk_size,
            interval,
        }) => {
            drip = Some((chunk_size, interval));
            None
        }
        Some(Fault::DropConnection) => {
            if endpoint == Endpoint::Token {
                shared.lock().stats.token_requests += 1;
            } else {
                shared.lock().stats.api_calls += 1;
            }
            return Err(DropConnection);
        }
        Some(Fault::Status {
            status,
            retry_after,
            body,
        }) => {
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
        Some(Fault::Body(body)) => {
            let (content_type, bytes) = body.render();
            Some(Answer::new(StatusCode::OK, content_type.as_deref(), bytes))
        }
        Some(Fault::Redirect { location }) => {
            let mut answer = Answer::new(StatusCode::FOUND, None, Bytes::new());
            answer.push_header(header::LOCATION, &location);
            Some(answer)
        }
    };

    let answer = match faulted {
        Some(answer) => {
            let mut inner = shared.lock();
            match endpoint {
                Endpoint::Token => inner.stats.token_requests += 1,
                Endpoint::Api => inner.stats.api_calls += 1,
                Endpoint::Unknown => {}
            }
            answer
        }
        None => match (&body, endpoint) {
            (Err(why), Endpoint::Token) => {
                let mut inner = shared.lock();
                inner.stats.token_requests += 1;
                inner.count_token_error("invalid_request");
                let desc = format!("the body could not be read: {why}");
                Answer::json(
                    StatusCode::BAD_REQUEST,
                    oauth::error_body("invalid_request", &desc),
                )
            }
            (Err(why), _) => {
                shared.lock().stats.api_calls += u64::from(endpoint == Endpoint::Api);
                let msg = format!("the body could not be read: {why}");
                Answer::json(
                    StatusCode::BAD_REQUEST,
                    api::api_error_body("invalid_request", &msg, None, None),
                )
            }
            (Ok(bytes), Endpoint::Token) => {
                oauth::handle(shared, &parts.method, &parts.headers, bytes)
            }
            (Ok(bytes), Endpoint::Api) => {
                shared.lock().stats.api_calls += 1;
                match shared.spec.operations().iter().find(|op| op.path == path) {
                    Some(op) => api::handle(shared, op, &parts.method, &parts.headers, bytes),
                    None => not_found(&path),
                }
            }
            (Ok(_), Endpoint::Unknown) => {
                shared.lock().stats.unknown_path_requests += 1;
                not_found(&path)
            }
        },
    };
    if endpoint == Endpoint::Api {
        let mut inner = shared.lock();
        *inner
            .stats
            .api_calls_by_status
            .entry(answer.status.as_u16())
            .or_insert(0) += 1;
    }
    Ok(answer.into_response(drip))
}

fn not_found(path: &str) -> Answer {
    let msg = format!("no such path: {path}");
    Answer::json(
        StatusCode::NOT_FOUND,
        api::api_error_body("not_found", &msg, None, None),
    )
}

fn default_fault_body(endpoint: Endpoint, status: StatusCode) -> Answer {
    let description = format!("injected fault: {status}");
    match endpoint {
        Endpoint::Token => {
            let code = if status == StatusCode::TOO_MANY_REQUESTS
                || status == StatusCode::SERVICE_UNAVAILABLE
            {
                "temporarily_unavailable"
            } else if status.is_server_error() {
                "server_error"
            } else {
                "invalid_request"
            };
            Answer::json(status, oauth::error_body(code, &description))
        }
        _ => {
            let code = if status == StatusCode::TOO_MANY_REQUESTS {
                "too_many_requests"
            } else if status.is_server_error() {
                "server_error"
            } else {
                "injected_fault"
            };
            Answer::json(status, api::api_error_body(code, &description, None, None))
        }
    }
}

/// Binds a listener; used by the builder.
pub(crate) async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}
