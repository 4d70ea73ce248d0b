//! A fixed loopback server for the benchmark (`cargo xtask bench`): no business logic, so the
//! client is what is measured.
//!
//! - `POST /transactions/mock` answers `200` with a fixed small `ValidationResult` JSON body,
//!   whatever the request carries (the body is read and dropped).
//! - `POST /oauth2/token` answers a Bearer token with a configurable `expires_in`, after a
//!   configurable delay (a real token endpoint is not instant). Each token is distinct, and each
//!   token request is counted and its time window recorded, so a benchmark can tell which API
//!   calls ran while a refresh was in flight. The server remembers when each token was
//!   requested and for how long it was issued, so a benchmark can tell whether a token was
//!   handed out after it expired ([`FixedServer::token_expiry`]). During a switchable outage
//!   ([`FixedServer::set_token_outage`]) token requests are answered `503`, after the same delay.
//! - Anything else: `404`.
//!
//! The server runs on its own OS thread with a single-threaded Tokio runtime, listens on
//! `127.0.0.1` on a free port, and stops when the [`FixedServer`] is dropped.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::ops::Range;
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
/// What every issued token starts with; the rest is its number, from 1, in issuing order.
const TOKEN_PREFIX: &str = "bench-token-";

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

/// A token the server issued: the window of its request, and the lifetime it was given.
#[derive(Debug, Clone, Copy)]
struct Issued {
    window: TokenWindow,
    lifetime: Duration,
}

#[derive(Debug)]
struct Shared {
    token_requests: AtomicU64,
    refused_token_requests: AtomicU64,
    api_requests: AtomicU64,
    lifetime_secs: AtomicU64,
    token_delay: Duration,
    windows: Mutex<Vec<TokenWindow>>,
    /// Every token issued, by number (token `n` at index `n - 1`).
    issued: Mutex<Vec<Issued>>,
    /// Token requests arriving in this range are answered `503`.
    outage: Mutex<Option<Range<Instant>>>,
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
            refused_token_requests: AtomicU64::new(0),
            api_requests: AtomicU64::new(0),
            lifetime_secs: AtomicU64::new(token_lifetime.as_secs().max(1)),
            token_delay,
            windows: Mutex::new(Vec::new()),
            issued: Mutex::new(Vec::new()),
            outage: Mutex::new(None),
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

    /// Token requests received so far (refused ones included: each is billed).
    pub fn token_requests(&self) -> u64 {
        self.shared.token_requests.load(Ordering::Relaxed)
    }

    /// Token requests answered `503` so far (they arrived during an outage).
    pub fn refused_token_requests(&self) -> u64 {
        self.shared.refused_token_requests.load(Ordering::Relaxed)
    }

    /// Answers `503` to every token request that arrives in `outage` (after the usual delay),
    /// or to none with `None`. Replaces the previous outage.
    pub fn set_token_outage(&self, outage: Option<Range<Instant>>) {
        *lock(&self.shared.outage) = outage;
    }

    /// When the token `token` (the token itself, or its `Bearer …` header value) expires, as
    /// the server counts it: its lifetime from the arrival of the request that obtained it (the
    /// client counts from when it sent that request, a little earlier). `None` for a token
    /// this server did not issue.
    pub fn token_expiry(&self, token: &str) -> Option<Instant> {
        let number = token.strip_prefix("Bearer ").unwrap_or(token);
        let index: usize = number.strip_prefix(TOKEN_PREFIX)?.parse().ok()?;
        let issued = *lock(&self.shared.issued).get(index.checked_sub(1)?)?;
        issued.window.start.checked_add(issued.lifetime)
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

    /// The windows of every token request answered so far (refused ones included), in order.
    pub fn token_windows(&self) -> Vec<TokenWindow> {
        lock(&self.shared.windows).clone()
    }
}

/// Locks `mutex`, whether or not a holder panicked (the data stays consistent: every holder
/// of the server's and the benchmark's locks only reads, pushes or replaces a value).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
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
        (true, TOKEN_PATH) => token(&shared, start).await,
        _ => json(StatusCode::NOT_FOUND, Bytes::from_static(b"{}")),
    };
    Ok(response)
}

/// The token endpoint: after the delay, a new token, or `503` during an outage.
async fn token(shared: &Shared, arrived: Instant) -> Response<Full<Bytes>> {
    shared.token_requests.fetch_add(1, Ordering::Relaxed);
    if !shared.token_delay.is_zero() {
        tokio::time::sleep(shared.token_delay).await;
    }
    let refused = lock(&shared.outage)
        .as_ref()
        .is_some_and(|outage| outage.contains(&arrived));
    let window = TokenWindow {
        start: arrived,
        end: Instant::now(),
    };
    lock(&shared.windows).push(window);
    if refused {
        shared
            .refused_token_requests
            .fetch_add(1, Ordering::Relaxed);
        return json(StatusCode::SERVICE_UNAVAILABLE, Bytes::from_static(b"{}"));
    }
    let lifetime = shared.lifetime_secs.load(Ordering::Relaxed);
    let number = {
        let mut issued = lock(&shared.issued);
        issued.push(Issued {
            window,
            lifetime: Duration::from_secs(lifetime),
        });
        issued.len()
    };
    let body = format!(
        r#"{{"access_token":"{TOKEN_PREFIX}{number:012}","token_type":"Bearer","expires_in":{lifetime}}}"#
    );
    json(StatusCode::OK, Bytes::from(body))
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

    /// During an outage token requests are answered 503 and counted as refused; each issued
    /// token's expiry runs from the arrival of its request.
    #[tokio::test]
    async fn refuses_tokens_during_an_outage_and_knows_their_expiry() {
        let server = FixedServer::start(Duration::from_secs(4), Duration::ZERO).unwrap();
        let http = reqwest::Client::new();
        let ask = || http.post(server.token_url()).body("").send();

        let now = Instant::now();
        server.set_token_outage(Some(now..now + Duration::from_secs(3600)));
        assert_eq!(ask().await.unwrap().status(), 503);
        server.set_token_outage(None);
        let token: serde_json::Value = ask().await.unwrap().json().await.unwrap();
        let token = token["access_token"].as_str().unwrap();
        assert_eq!(token, "bench-token-000000000001", "refusals take no number");
        assert_eq!(
            (server.token_requests(), server.refused_token_requests()),
            (2, 1)
        );

        let windows = server.token_windows();
        let expiry = windows[1].start + Duration::from_secs(4);
        assert_eq!(server.token_expiry(token), Some(expiry));
        assert_eq!(
            server.token_expiry(&format!("Bearer {token}")),
            Some(expiry)
        );
        assert_eq!(server.token_expiry("bench-token-000000000002"), None);
        assert_eq!(server.token_expiry("bench-token-000000000000"), None);
        assert_eq!(server.token_expiry("other"), None);
    }
}
