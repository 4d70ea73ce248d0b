//! The two hooks the fleet cache relies on, checked with a plain custom source: the cache
//! refreshes no later than a source's refresh hint, and tells the source which token a 401
//! evicted.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use nxtsoft_auth::{AccessToken, Authenticator, FetchedToken, TokenError, TokenSource};
use tokio::time::{Instant, advance};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Tokens `t1`, `t2`, … valid 100 s, each asking to be refreshed after `hint` (if any).
#[derive(Clone, Default)]
struct Numbered {
    fetches: Arc<AtomicU64>,
    hint: Option<Duration>,
    rejected: Arc<Mutex<Vec<String>>>,
}

impl TokenSource for Numbered {
    fn fetch(&self) -> BoxFuture<'_, Result<FetchedToken, TokenError>> {
        let n = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
        let hint = self.hint;
        Box::pin(async move {
            let token = AccessToken::new(format!("t{n}")).map_err(TokenError::InvalidResponse)?;
            let fetched = FetchedToken::new(token, Duration::from_secs(100));
            Ok(match hint {
                Some(hint) => fetched.with_refresh_at(Instant::now() + hint),
                None => fetched,
            })
        })
    }

    fn rejected(&self, token: &AccessToken) {
        self.rejected
            .lock()
            .unwrap()
            .push(token.expose_secret().to_owned());
    }
}

async fn settle() {
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test(start_paused = true)]
async fn the_cache_refreshes_no_later_than_the_sources_hint() {
    for (hint, fetches_after_20s) in [(None, 1), (Some(Duration::from_secs(10)), 2)] {
        let source = Numbered {
            hint,
            ..Numbered::default()
        };
        let authenticator = Authenticator::from_source(source.clone());
        authenticator.header_value().await.unwrap();
        advance(Duration::from_secs(20)).await;
        authenticator.header_value().await.unwrap(); // starts the background refresh if due
        settle().await;
        assert_eq!(
            source.fetches.load(Ordering::SeqCst),
            fetches_after_20s,
            "hint {hint:?}"
        );
        assert_eq!(
            authenticator
                .header_value()
                .await
                .unwrap()
                .to_str()
                .unwrap(),
            format!("Bearer t{fetches_after_20s}")
        );
    }
}

#[tokio::test]
async fn a_401_tells_the_source_which_token_was_rejected() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .up_to_n_times(1)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&api)
        .await;
    let source = Numbered::default();
    let authenticator = Authenticator::from_source(source.clone());
    let http = reqwest::Client::new();
    let mut request = http.get(api.uri()).build().unwrap();
    authenticator.authorize(&mut request).await.unwrap();
    let response = authenticator.execute(&http, request).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(*source.rejected.lock().unwrap(), ["t1"]);
    assert_eq!(source.fetches.load(Ordering::SeqCst), 2);
}
