//! Token policy v2 (issue 14), on a paused clock against a token source with 20 ms latency
//! and a switchable outage: cost per rotation, availability through an outage while a token
//! is valid, recovery after outages of 4 s and 60 s, and requests per second while tokenless.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use nxtsoft_auth::{AccessToken, Authenticator, FetchedToken, TokenError, TokenSource};
use reqwest::StatusCode;
use tokio::time::Instant;

const LATENCY: Duration = Duration::from_millis(20);

/// Issues `lifetime` tokens numbered from 1, answering 503 while `down` covers "now".
struct Endpoint {
    lifetime: Duration,
    requests: AtomicU64,
    down: Mutex<Option<(Instant, Instant)>>,
    /// When each token was requested (its lifetime runs from then), by number.
    issued: Mutex<Vec<Instant>>,
}

impl Endpoint {
    fn new(lifetime: Duration) -> Arc<Self> {
        Arc::new(Self {
            lifetime,
            requests: AtomicU64::new(0),
            down: Mutex::new(None),
            issued: Mutex::new(Vec::new()),
        })
    }

    fn outage(&self, from: Instant, to: Instant) {
        *self.down.lock().unwrap() = Some((from, to));
    }

    fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }

    /// Whether the token in `header` is still valid at `now` (per the endpoint's own clock).
    fn valid(&self, header: &str, now: Instant) -> bool {
        let number: usize = header.trim_start_matches("Bearer t").parse().unwrap();
        let issued = self.issued.lock().unwrap()[number - 1];
        now < issued + self.lifetime
    }
}

struct Source(Arc<Endpoint>);

impl TokenSource for Source {
    fn fetch(&self) -> BoxFuture<'_, Result<FetchedToken, TokenError>> {
        Box::pin(async move {
            let endpoint = &self.0;
            let sent = Instant::now();
            endpoint.requests.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(LATENCY).await;
            let down = endpoint
                .down
                .lock()
                .unwrap()
                .is_some_and(|(from, to)| sent >= from && sent < to);
            if down {
                return Err(TokenError::UnexpectedStatus {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    retry_after: None,
                });
            }
            let mut issued = endpoint.issued.lock().unwrap();
            issued.push(sent);
            let token = AccessToken::new(format!("t{}", issued.len())).unwrap();
            Ok(FetchedToken::new(token, endpoint.lifetime).with_requested_at(sent))
        })
    }
}

#[derive(Debug, Default)]
struct Run {
    calls: u64,
    errors: u64,
    expired: u64,
    /// Calls that waited on the token endpoint (took longer than a cache hit).
    waited: u64,
    first_error: Option<Duration>,
    last_error: Option<Duration>,
}

/// `workers` callers, each calling every `every` for `duration`; records what they got.
async fn drive(
    authenticator: &Authenticator,
    endpoint: &Arc<Endpoint>,
    workers: usize,
    every: Duration,
    duration: Duration,
) -> Run {
    let start = Instant::now();
    let run = Arc::new(Mutex::new(Run::default()));
    let tasks: Vec<_> = (0..workers)
        .map(|_| {
            let authenticator = authenticator.clone();
            let endpoint = Arc::clone(endpoint);
            let run = Arc::clone(&run);
            tokio::spawn(async move {
                while start.elapsed() < duration {
                    let asked = Instant::now();
                    let result = authenticator.header_value().await;
                    let now = Instant::now();
                    record(&run, &endpoint, result, asked, now, now - start);
                    tokio::time::sleep(every).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    Arc::into_inner(run).unwrap().into_inner().unwrap()
}

fn record(
    run: &Mutex<Run>,
    endpoint: &Endpoint,
    result: Result<http::HeaderValue, nxtsoft_auth::AuthError>,
    asked: Instant,
    now: Instant,
    at: Duration,
) {
    let mut run = run.lock().unwrap();
    run.calls += 1;
    if now > asked {
        run.waited += 1;
    }
    match result {
        Ok(header) => {
            if !endpoint.valid(header.to_str().unwrap(), now) {
                run.expired += 1;
            }
        }
        Err(_) => {
            run.errors += 1;
            run.first_error.get_or_insert(at);
            run.last_error = Some(at);
        }
    }
}

fn authenticator(endpoint: &Arc<Endpoint>) -> Authenticator {
    Authenticator::from_source(Source(Arc::clone(endpoint)))
}

#[tokio::test(start_paused = true)]
async fn rotation_costs_at_most_one_request_per_window_plus_one() {
    // 2 s tokens for 20 s (10 expiry windows), 8 workers: defaults, no tuning.
    let endpoint = Endpoint::new(Duration::from_secs(2));
    let authenticator = authenticator(&endpoint);
    let run = drive(
        &authenticator,
        &endpoint,
        8,
        Duration::from_millis(5),
        Duration::from_secs(20),
    )
    .await;
    assert!(
        endpoint.requests() <= 11,
        "{} token requests",
        endpoint.requests()
    );
    assert!(endpoint.requests() >= 10);
    assert_eq!(run.errors, 0);
    assert_eq!(run.expired, 0, "no expired token handed out");
    // Only the cold start waits on the token endpoint: one fetch shared by the 8 workers.
    assert!(run.waited <= 8, "{run:?}");
    assert_eq!(authenticator.stats().waits, run.waited);
}

#[tokio::test(start_paused = true)]
async fn an_outage_while_a_token_is_valid_is_invisible_until_the_skew_margin() {
    // 4 s tokens; the endpoint answers 503 for 4 s from the first refresh point on.
    let endpoint = Endpoint::new(Duration::from_secs(4));
    let authenticator = authenticator(&endpoint);
    let start = Instant::now();
    authenticator.header_value().await.unwrap();
    // The refresh point of a 4 s token is at least 3.68 s in (margin 80 ms, lead 120 ms,
    // jitter up to 120 ms): the outage starts at 3.5 s and lasts 4 s.
    endpoint.outage(
        start + Duration::from_millis(3500),
        start + Duration::from_millis(7500),
    );
    let run = drive(
        &authenticator,
        &endpoint,
        4,
        Duration::from_millis(10),
        Duration::from_millis(3900),
    )
    .await;
    // Up to 3.9 s, within the token's 3.92 s usable life: nobody saw the outage.
    assert_eq!(run.errors, 0, "{run:?}");
    assert_eq!(run.expired, 0);
    assert!(run.waited <= 4, "{run:?}");
}

/// An outage of `outage` with no valid token: errors only during it, a token within 1 s of
/// the endpoint coming back, about one request per second meanwhile.
async fn recovery_after(outage: Duration) {
    let endpoint = Endpoint::new(Duration::from_secs(3600));
    let start = Instant::now();
    endpoint.outage(start, start + outage);
    let authenticator = authenticator(&endpoint);
    let run = drive(
        &authenticator,
        &endpoint,
        4,
        Duration::from_millis(10),
        outage + Duration::from_secs(3),
    )
    .await;
    let last_error = run.last_error.expect("errors during the outage");
    assert!(
        last_error < outage + Duration::from_secs(1),
        "last failing call {last_error:?} after an outage of {outage:?}"
    );
    assert_eq!(
        run.first_error,
        Some(LATENCY),
        "the first call shares the first failure"
    );
    let per_second = (endpoint.requests() - 1) as f64 / outage.as_secs_f64();
    assert!(
        (0.9..=1.25).contains(&per_second),
        "{per_second:.2} token requests per second while tokenless"
    );
    assert_eq!(run.expired, 0);
}

#[tokio::test(start_paused = true)]
async fn recovery_within_a_second_after_a_4_s_outage() {
    recovery_after(Duration::from_secs(4)).await;
}

#[tokio::test(start_paused = true)]
async fn recovery_within_a_second_after_a_60_s_outage() {
    recovery_after(Duration::from_secs(60)).await;
}
