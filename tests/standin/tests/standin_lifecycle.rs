//! Token expiry on the tokio clock, revocation, lifetime changes, and the server's own lifecycle.

mod common;

use std::time::Duration;

use common::*;
use nxtsoft_standin::{Fault, RegisteredClient, StandIn, StartError};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(start_paused = true)]
async fn tokens_expire_on_the_tokio_clock() {
    let standin = StandIn::builder()
        .client(StandIn::demo_client())
        .business_date(business_date())
        .token_lifetime(Duration::from_secs(3600))
        .start()
        .await
        .expect("start");
    let token = token(&standin).await;
    assert_eq!(
        call(&standin, VALIDATE, Some(&token), &message("e-1"))
            .await
            .status,
        StatusCode::OK
    );

    tokio::time::advance(Duration::from_secs(3599)).await;
    assert_eq!(
        call(&standin, VALIDATE, Some(&token), &message("e-1"))
            .await
            .status,
        StatusCode::OK
    );
    assert!(!standin.issued_tokens()[0].expired);

    tokio::time::advance(Duration::from_secs(1)).await;
    let answer = call(&standin, VALIDATE, Some(&token), &message("e-1")).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_conforms(VALIDATE, &answer);
    assert!(
        answer.json["message"]
            .as_str()
            .is_some_and(|m| m.contains("expired")),
        "{}",
        answer.text
    );
    assert!(
        answer
            .header("www-authenticate")
            .is_some_and(|c| c.contains("error=\"invalid_token\""))
    );
    assert!(standin.issued_tokens()[0].expired);

    let fresh = common::token(&standin).await;
    assert_eq!(
        call(&standin, VALIDATE, Some(&fresh), &message("e-1"))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test(start_paused = true)]
async fn the_lifetime_can_change_while_running() {
    let standin = standin().await;
    assert_eq!(standin.token_lifetime(), Duration::from_secs(3600));
    let long = token(&standin).await;
    standin.set_token_lifetime(Duration::from_secs(5));
    let answer = token_request(
        &standin,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "demo-client"),
            ("client_secret", "demo-secret"),
        ],
    )
    .await;
    assert_eq!(answer.json["expires_in"], json!(5));
    let short = answer.json["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let claims = claims(&short);
    assert_eq!(
        claims["exp"].as_u64().unwrap_or_default() - claims["iat"].as_u64().unwrap_or_default(),
        5
    );

    tokio::time::advance(Duration::from_secs(6)).await;
    assert_eq!(
        call(&standin, VALIDATE, Some(&short), &message("l-1"))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(&standin, VALIDATE, Some(&long), &message("l-1"))
            .await
            .status,
        StatusCode::OK,
        "issued tokens keep their lifetime"
    );
    let lifetimes: Vec<Duration> = standin.issued_tokens().iter().map(|t| t.lifetime).collect();
    assert_eq!(
        lifetimes,
        [Duration::from_secs(3600), Duration::from_secs(5)]
    );
}

#[tokio::test]
async fn revoked_tokens_are_refused() {
    let standin = standin().await;
    let a = token(&standin).await;
    let b = token(&standin).await;
    assert!(standin.revoke_token(&a));
    assert!(!standin.revoke_token("never-issued"));
    let answer = call(&standin, POST, Some(&a), &message("v-1")).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(
        answer.json["message"]
            .as_str()
            .is_some_and(|m| m.contains("revoked"))
    );
    assert_eq!(
        call(&standin, POST, Some(&b), &message("v-1")).await.status,
        StatusCode::OK
    );

    assert_eq!(standin.revoke_all_tokens(), 1, "only b was still live");
    assert_eq!(
        call(&standin, POST, Some(&b), &message("v-2")).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(standin.issued_tokens().iter().all(|t| t.revoked));
    let c = token(&standin).await;
    assert_eq!(
        call(&standin, POST, Some(&c), &message("v-2")).await.status,
        StatusCode::OK
    );
}

async fn refuses_connections(addr: std::net::SocketAddr) -> bool {
    // The accept loop stops on its next poll; give it a bounded number of chances.
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    false
}

#[tokio::test]
async fn dropping_the_stand_in_stops_the_server() {
    let standin = standin().await;
    let addr = standin.addr();
    let _ = token(&standin).await;
    drop(standin);
    assert!(refuses_connections(addr).await);
}

#[tokio::test]
async fn shutdown_waits_for_answers_in_flight() {
    let standin = standin().await;
    let addr = standin.addr();
    standin.inject_token_faults(1, Fault::delay(Duration::from_millis(300)));
    let url = standin.token_url();
    let in_flight = tokio::spawn(async move {
        http()
            .post(url)
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", "demo-client"),
                ("client_secret", "demo-secret"),
            ])
            .send()
            .await
            .map(|r| r.status())
    });
    // Wait until the request has reached the server (bounded), then stop it.
    for _ in 0..200 {
        if !standin.requests().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(standin.requests().len(), 1);
    standin.shutdown().await;
    assert_eq!(in_flight.await.expect("task").ok(), Some(StatusCode::OK));
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn it_listens_on_loopback_only() {
    let err = StandIn::builder()
        .bind("0.0.0.0:0".parse().expect("addr"))
        .start()
        .await
        .expect_err("refused");
    assert!(matches!(err, StartError::NotLoopback(_)), "{err}");
    // Two stand-ins side by side get their own ports and state.
    let a = StandIn::start_default().await.expect("a");
    let b = StandIn::builder()
        .client(RegisteredClient::new("other", "s", ["transactions/mock"]))
        .start()
        .await
        .expect("b");
    assert_ne!(a.addr(), b.addr());
    let _ = token(&a).await;
    assert_eq!((a.stats().tokens_issued, b.stats().tokens_issued), (1, 0));
    // A port in use is a typed error.
    let taken = StandIn::builder()
        .bind(a.addr())
        .start()
        .await
        .expect_err("in use");
    assert!(matches!(taken, StartError::Bind { .. }), "{taken}");
}

#[tokio::test]
async fn debug_output_never_shows_secrets() {
    let client = RegisteredClient::new("id", "very-secret-value", ["transactions/mock"]);
    let debug = format!("{client:?}");
    assert!(!debug.contains("very-secret-value"), "{debug}");
    assert!(debug.contains("id"));
}
