//! A loopback token endpoint that counts requests and an API that accepts only live tokens
//! it issued (not expired, not revoked).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::{CLIENT_ID, OTHER_SECRET, SECRET};

#[derive(Default)]
struct State {
    /// Token → when it stops being accepted.
    live: HashMap<String, Instant>,
    issued: Vec<(Instant, String)>,
    revoked: u64,
    /// The next token answer is delayed this long (once).
    slow_next: Option<Duration>,
}

pub struct TokenServer {
    server: MockServer,
    state: Arc<Mutex<State>>,
    started: Instant,
}

struct Issue {
    state: Arc<Mutex<State>>,
    lifetime: Duration,
}

impl Respond for Issue {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let form: HashMap<String, String> = url::form_urlencoded::parse(&request.body)
            .into_owned()
            .collect();
        let secret_ok = matches!(form.get("client_secret").map(String::as_str), Some(s) if s == SECRET || s == OTHER_SECRET);
        if form.get("client_id").map(String::as_str) != Some(CLIENT_ID) || !secret_ok {
            return ResponseTemplate::new(400)
                .set_body_json(serde_json::json!({"error": "invalid_client"}));
        }
        let mut state = self.state.lock().unwrap();
        let token = format!("tok{}x{:016x}", state.issued.len() + 1, fastrand::u64(..));
        let now = Instant::now();
        state.live.insert(token.clone(), now + self.lifetime);
        state.issued.push((now, token.clone()));
        let response = ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self.lifetime.as_secs_f64().ceil() as u64,
        }));
        match state.slow_next.take() {
            Some(delay) => response.set_delay(delay),
            None => response,
        }
    }
}

struct Api {
    state: Arc<Mutex<State>>,
}

impl Respond for Api {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let token = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let state = self.state.lock().unwrap();
        match token.and_then(|t| state.live.get(t)) {
            Some(until) if Instant::now() < *until => ResponseTemplate::new(200),
            _ => ResponseTemplate::new(401),
        }
    }
}

impl TokenServer {
    /// Tokens of `lifetime` (whole seconds, as `expires_in` carries).
    pub async fn start(lifetime: Duration) -> Self {
        let server = MockServer::builder()
            .disable_request_recording()
            .start()
            .await;
        let state = Arc::new(Mutex::new(State::default()));
        Mock::given(method("POST"))
            .and(path("/oauth2/token"))
            .respond_with(Issue {
                state: Arc::clone(&state),
                lifetime,
            })
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/api"))
            .respond_with(Api {
                state: Arc::clone(&state),
            })
            .mount(&server)
            .await;
        Self {
            server,
            state,
            started: Instant::now(),
        }
    }

    pub fn token_url(&self) -> String {
        format!("{}/oauth2/token", self.server.uri())
    }

    pub fn api_url(&self) -> String {
        format!("{}/api", self.server.uri())
    }

    /// Token requests answered with a token so far.
    pub fn token_requests(&self) -> u64 {
        self.state.lock().unwrap().issued.len() as u64
    }

    /// Every token issued so far.
    pub fn issued(&self) -> Vec<String> {
        self.state
            .lock()
            .unwrap()
            .issued
            .iter()
            .map(|(_, t)| t.clone())
            .collect()
    }

    /// When each token was issued, from the server's start.
    pub fn issue_times(&self) -> Vec<Duration> {
        self.state
            .lock()
            .unwrap()
            .issued
            .iter()
            .map(|(at, _)| at.duration_since(self.started))
            .collect()
    }

    /// Delays the next token answer by `delay` (the token is issued, the answer hangs).
    pub fn slow_next(&self, delay: Duration) {
        self.state.lock().unwrap().slow_next = Some(delay);
    }

    /// Revokes every token issued so far (the API answers 401 to them from now on).
    pub fn revoke_all(&self) {
        let mut state = self.state.lock().unwrap();
        let count = state.live.len() as u64;
        state.live.clear();
        state.revoked += count;
    }
}
