//! The HTTP/1.1 server: the axum router, the accept loop, graceful shutdown.
//!
//! Routing, extractors and the per-request work ([`crate::intercept`]) are axum. Connections are
//! served with hyper directly (about 40 lines) instead of `axum::serve` for two reasons:
//! [`Fault::DropConnection`](crate::Fault::DropConnection) must close a connection without any
//! answer, which hyper does when the service fails and `axum::serve` (whose services cannot fail)
//! has no way to ask for; and a stopping stand-in gives in-flight answers a bounded grace period,
//! where `axum::serve`'s graceful shutdown waits without limit (a slow-drip answer could hold a
//! test's teardown for minutes).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{OriginalUri, State};
use axum::handler::Handler as _;
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tower::ServiceExt as _;

use crate::answer::Answer;
use crate::intercept::{DropConnection, Probe, intercept};
use crate::state::{Endpoint, Shared};
use crate::{api, oauth};

/// How long a stopping server lets in-flight answers finish before cutting them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The routes: the token endpoint, one route per API path of the spec, and a `404` for the rest,
/// each behind [`intercept`] for its endpoint.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let probe = |endpoint| {
        let shared = shared.clone();
        from_fn_with_state(Probe { shared, endpoint }, intercept)
    };
    let mut api_routes = Router::new();
    // One route per path (its operations share it); the token endpoint keeps its own path,
    // and a path axum cannot route (OpenAPI requires a leading `/`) is left to the 404.
    let mut paths: Vec<&str> = shared
        .spec
        .operations()
        .iter()
        .map(|op| op.path.as_str())
        .filter(|path| path.starts_with('/') && *path != oauth::TOKEN_PATH)
        .collect();
    paths.sort_unstable();
    paths.dedup();
    for path in paths {
        let owned = path.to_owned();
        let handler = move |State(shared): State<Arc<Shared>>,
                            method: Method,
                            headers: HeaderMap,
                            body: Bytes| {
            let path = owned.clone();
            async move { api_call(&shared, &path, &method, &headers, &body) }
        };
        api_routes = api_routes.route(path, any(handler.layer(probe(Endpoint::Api))));
    }
    Router::new()
        .route(oauth::TOKEN_PATH, any(token.layer(probe(Endpoint::Token))))
        .merge(api_routes)
        .fallback(not_found.layer(probe(Endpoint::Unknown)))
        .with_state(shared)
}

async fn token(
    State(shared): State<Arc<Shared>>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    oauth::handle(&shared, &method, &headers, &body)
}

/// An API path: the operation documented for this method, else the path's first one (which
/// answers `405`).
fn api_call(
    shared: &Shared,
    path: &str,
    method: &Method,
    headers: &HeaderMap,
    body: &[u8],
) -> Answer {
    let spec = shared.spec;
    match spec
        .operation_at(method.as_str(), path)
        .or_else(|| spec.operations().iter().find(|op| op.path == path))
    {
        Some(op) => api::handle(shared, op, method, headers, body),
        None => not_found_answer(path),
    }
}

async fn not_found(OriginalUri(uri): OriginalUri) -> Answer {
    not_found_answer(uri.path())
}

fn not_found_answer(path: &str) -> Answer {
    let message = format!("no such path: {path}");
    let body = api::api_error_body("not_found", &message, None, None);
    Answer::json(StatusCode::NOT_FOUND, body)
}

/// Binds a listener; used by the builder.
pub(crate) async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}

/// Accepts connections until `shutdown` changes (or its sender is dropped), then lets open
/// connections finish their in-flight answer (up to a grace period) and stops.
pub(crate) async fn run(
    listener: TcpListener,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    connections.spawn(serve_connection(stream, router.clone(), shutdown.clone()));
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

/// Serves one connection with the router; a response marked [`DropConnection`] fails the
/// service, and hyper then closes the connection without writing anything.
async fn serve_connection(stream: TcpStream, router: Router, mut shutdown: watch::Receiver<bool>) {
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let router = router.clone();
        async move {
            let response: Response = match router.oneshot(request.map(Body::new)).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            match response.extensions().get::<DropConnection>() {
                Some(drop) => Err(*drop),
                None => Ok(response.into_response()),
            }
        }
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
