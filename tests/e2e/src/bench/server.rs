//! A fixed loopback server for the benchmark (`cargo xtask bench`): no business logic, so the
//! client is what is measured.
//!
//! - `POST /transactions/mock` answers `200` with a fixed small `ValidationResult` JSON body,
//!   whatever the request carries (the body is read and dropped).
//! - `POST /oauth2/token` answers a Bearer token with a configurable `expires_in`, after a
//!   configurable delay (a real token endpoint is not instant). Each token is distinct, and each
//!   token request is counted and its time window recorded, so a benchmark can tell which API
//!   calls ran while a refresh was in flight.
//! - Anything else: `404`.
//!
//! The server runs on its own OS thread with a single-threaded Tokio runtime, listens on
//! `127.0.0.1` on a free port, and stops when the [`FixedServer`] is dropped.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::sync::watch;

/// The path of the validation endpoint.
pub const API_PATH: &str = "/transactions/mock";
/// The path of the token endpoint.
pub const TOKEN_PATH: &str = "/oauth2/token";
/// The fixed answer of [`API_PATH`]: a valid `ValidationResult`.
pub const VALIDATION_BODY: &str =
    r#"{"client_reference_id":"bench-0001","messages":[],"valid":true}"#;
/// Length of every token the server issues (`bench-token-` and 12 digits), so a benchmark can
/// send a static token of the same size.
pub const TOKEN_LEN: usize = 24;

/// Why the fixed server could not start.
#[derive(Debug, thiserror::Error)]
pub enum FixedServerError {
    /// Binding or configuring the loopback socket failed.
    #[error("the benchmark server could not listen on 127.0.0.1: {0}")]
    Bind(#[source] std::io::Error),
    /// The server's runtime or thread could not be created.
    #[error("the benchmark server could not start its runtime: {0}")]
    Runtime(#[source] std::io::Error),
}

/// When a token request arrived and when its answer was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenWindow {
    /// The request arrived (headers read).
    pub start: Instant,
    /// The answer was handed to hyper.
    pub end: Instant,
}

#[derive(Debug)]
struct Shared {
    token_requests: AtomicU64,
    api_requests: AtomicU64,
    lifetime_secs: AtomicU64,
    token_delay: Duration,
    windows: Mutex<Vec<TokenWindow>>,
    /// `/proc/<pid>/task/<tid>/stat` of the server thread, once it runs (Linux only).
    stat_path: Mutex<Option<std::path::PathBuf>>,
}

/// The running server; dropping it stops the server and joins its thread.
#[derive(Debug)]
pub struct FixedServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<watch::Sender<bool>>,
    thread: Option<JoinHandle<()>>,
}

impl FixedServer {
    /// Starts the server: tokens live `token_lifetime` (whole seconds, at least 1) and are
    /// answered after `token_delay`.
    pub fn start(
        token_lifetime: Duration,
        token_delay: Duration,
    ) -> Result<FixedServer, FixedServerError> {
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .map_err(FixedServerError::Bind)?;
        listener
            .set_nonblocking(true)
            .map_err(FixedServerError::Bind)?;
        let addr = listener.local_addr().map_err(FixedServerError::Bind)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(FixedServerError::Runtime)?;
        let shared = Arc::new(Shared {
            token_requests: AtomicU64::new(0),
            api_requests: AtomicU64::new(0),
            lifetime_secs: AtomicU64::new(token_lifetime.as_secs().max(1)),
            token_delay,
            windows: Mutex::new(Vec::new()),
            stat_path: Mutex::new(None),
        });
        let (stop, stopped) = watch::channel(false);
        let serving = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("bench-server".into())
            .spawn(move || {
                if let Ok(link) = std::fs::read_link("/proc/thread-self") {
                    let path = std::path::Path::new("/proc").join(link).join("stat");
                    *serving
                        .stat_path
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner) = Some(path);
                }
                runtime.block_on(serve(listener, serving, stopped))
            })
            .map_err(FixedServerError::Runtime)?;
        Ok(FixedServer {
            addr,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:<port>`, the API base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The token endpoint's URL.
    pub fn token_url(&self) -> String {
        format!("http://{}{TOKEN_PATH}", self.addr)
    }

    /// The validation endpoint's URL.
    pub fn api_url(&self) -> String {
        format!("http://{}{API_PATH}", self.addr)
    }

    /// Token requests answered so far.
    pub fn token_requests(&self) -> u64 {
        self.shared.token_requests.load(Ordering::Relaxed)
    }

    /// API requests answered so far.
    pub fn api_requests(&self) -> u64 {
        self.shared.api_requests.load(Ordering::Relaxed)
    }

    /// Changes the lifetime of the tokens issued from now on (whole seconds, at least 1).
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.shared
            .lifetime_secs
            .store(lifetime.as_secs().max(1), Ordering::Relaxed);
    }

    /// CPU time the server thread has used so far (user + system), from
    /// `/proc/<pid>/task/<tid>/stat`; `None` where that is not available.
    pub fn cpu_time(&self) -> Option<Duration> {
        let path = self
            .shared
            .stat_path
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()?;
        thread_cpu_time(&path)
    }

    /// The windows of every token request answered so far, in order.
    pub fn token_windows(&self) -> Vec<TokenWindow> {
        self.shared
            .windows
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for FixedServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// User + system CPU time of the thread whose `stat` file is at `path` (Linux `proc(5)`:
/// fields 14 and 15, in clock ticks of 1/100 s, the value on every mainstream Linux platform).
pub fn thread_cpu_time(path: &std::path::Path) -> Option<Duration> {
    let stat = std::fs::read_to_string(path).ok()?;
    // The command name (field 2) may contain spaces; fields after it follow its closing ')'.
    let (_, rest) = stat.rsplit_once(')')?;
    let mut fields = rest.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((user + system) * 10))
}

async fn serve(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
) {
    let listener = match tokio::net::TcpListener::from_std(listener) {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!(%error, "benchmark server cannot use its socket");
            return;
        }
    };
    loop {
        let accepted = tokio::select! {
            _ = stopped.changed() => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _)) = accepted else { continue };
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let service =
                hyper::service::service_fn(move |request| answer(request, Arc::clone(&shared)));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
    // The runtime (and every connection task on it) is dropped when `serve` returns.
}

async fn answer(
    request: Request<Incoming>,
    shared: Arc<Shared>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let start = Instant::now();
    let is_post = request.method() == Method::POST;
    let path = request.uri().path().to_owned();
    // Read the body to its end so the connection stays reusable; its content is not looked at.
    let _ = request.into_body().collect().await;
    let response = match (is_post, path.as_str()) {
        (true, API_PATH) => {
            shared.api_requests.fetch_add(1, Ordering::Relaxed);
            json(
                StatusCode::OK,
                Bytes::from_static(VALIDATION_BODY.as_bytes()),
            )
        }
        (true, TOKEN_PATH) => {
            let n = shared.token_requests.fetch_add(1, Ordering::Relaxed) + 1;
            if !shared.token_delay.is_zero() {
                tokio::time::sleep(shared.token_delay).await;
            }
            let lifetime = shared.lifetime_secs.load(Ordering::Relaxed);
            let body = format!(
                r#"{{"access_token":"bench-token-{n:012}","token_type":"Bearer","expires_in":{lifetime}}}"#
            );
            shared
                .windows
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(TokenWindow {
                    start,
                    end: Instant::now(),
                });
            json(StatusCode::OK, Bytes::from(body))
        }
        _ => json(StatusCode::NOT_FOUND, Bytes::from_static(b"{}")),
    };
    Ok(response)
}

fn json(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The harness answers both endpoints and counts; nothing here measures time.
    #[tokio::test]
    async fn answers_api_and_token_requests_and_counts_them() {
        let server = FixedServer::start(Duration::from_secs(2), Duration::ZERO).unwrap();
        let http = reqwest::Client::new();

        let api = http.post(server.api_url()).body("{}").send().await.unwrap();
        assert_eq!(api.status(), 200);
        assert_eq!(api.text().await.unwrap(), VALIDATION_BODY);

        let token: serde_json::Value = http
            .post(server.token_url())
            .body("grant_type=client_credentials")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(token["token_type"], "Bearer");
        assert_eq!(token["expires_in"], 2);
        assert_eq!(
            token["access_token"].as_str().map(str::len),
            Some(TOKEN_LEN)
        );

        let missing = http.get(server.api_url()).send().await.unwrap();
        assert_eq!(missing.status(), 404);

        assert_eq!(server.api_requests(), 1);
        assert_eq!(server.token_requests(), 1);
        assert_eq!(server.token_windows().len(), 1);
        server.set_token_lifetime(Duration::from_secs(3600));
        drop(server); // stops and joins
    }
}
