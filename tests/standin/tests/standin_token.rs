//! The token endpoint answers like Cognito's client credentials grant.

mod common;

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::*;
use nxtsoft_standin::{RegisteredClient, StandIn};
use reqwest::StatusCode;
use serde_json::json;

fn assert_oauth_error(answer: &Answer, status: StatusCode, code: &str) {
    assert_eq!(answer.status, status, "{}", answer.text);
    assert_eq!(answer.json["error"], json!(code), "{}", answer.text);
    assert!(
        answer.json["error_description"].is_string(),
        "{}",
        answer.text
    );
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    assert!(
        answer
            .header("content-type")
            .is_some_and(|c| c.starts_with("application/json"))
    );
}

#[tokio::test]
async fn client_secret_post_issues_a_jwt_shaped_bearer_token() {
    let standin = StandIn::builder()
        .client(StandIn::demo_client())
        .token_lifetime(Duration::from_secs(900))
        .start()
        .await
        .expect("start");
    let answer = token_request(
        &standin,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "demo-client"),
            ("client_secret", "demo-secret"),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    assert_eq!(answer.header("pragma"), Some("no-cache"));
    let body = answer.json.as_object().expect("object");
    let mut keys: Vec<&str> = body.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["access_token", "expires_in", "token_type"]);
    assert_eq!(body["token_type"], json!("Bearer"));
    assert_eq!(body["expires_in"], json!(900));
    let token = body["access_token"].as_str().expect("token");
    let claims = claims(token);
    assert_eq!(claims["client_id"], json!("demo-client"));
    assert_eq!(
        claims["scope"],
        json!("transactions/mock transactions/post")
    );
    assert_eq!(claims["token_use"], json!("access"));
    let (iat, exp) = (
        claims["iat"].as_u64().expect("iat"),
        claims["exp"].as_u64().expect("exp"),
    );
    assert_eq!(exp - iat, 900);
    assert!(claims["jti"].as_str().is_some_and(|j| !j.is_empty()));

    let issued = standin.issued_tokens();
    assert_eq!(issued.len(), 1);
    assert_eq!(issued[0].access_token, token);
    assert_eq!(issued[0].jti, claims["jti"].as_str().unwrap_or_default());
    let stats = standin.stats();
    assert_eq!((stats.token_requests, stats.tokens_issued), (1, 1));
}

#[tokio::test]
async fn each_token_is_unique() {
    let standin = standin().await;
    let a = token(&standin).await;
    let b = token(&standin).await;
    assert_ne!(a, b);
    assert_ne!(claims(&a)["jti"], claims(&b)["jti"]);
}

#[tokio::test]
async fn client_secret_basic_is_accepted_and_form_decoded() {
    let standin = standin().await;
    let answer = read(
        http()
            .post(standin.token_url())
            .basic_auth("demo-client", Some("demo-secret"))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);

    // RFC 6749 §2.3.1: id and secret are form-urlencoded before base64.
    standin.register_client(RegisteredClient::new(
        "odd:id",
        "s+c r%t/é",
        ["transactions/mock"],
    ));
    let encoded = STANDARD.encode("odd%3Aid:s%2Bc+r%25t%2F%C3%A9");
    let answer = read(
        http()
            .post(standin.token_url())
            .header("authorization", format!("Basic {encoded}"))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let token = answer.json["access_token"].as_str().expect("token");
    assert_eq!(claims(token)["client_id"], json!("odd:id"));

    // The same credentials without the encoding are wrong: `+` means a space.
    let raw = STANDARD.encode("odd%3Aid:s+c r%t/é");
    let answer = read(
        http()
            .post(standin.token_url())
            .header("authorization", format!("Basic {raw}"))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_oauth_error(&answer, StatusCode::UNAUTHORIZED, "invalid_client");
}

#[tokio::test]
async fn both_authentication_methods_at_once_is_invalid_request() {
    let standin = standin().await;
    let answer = read(
        http()
            .post(standin.token_url())
            .basic_auth("demo-client", Some("demo-secret"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", "demo-client"),
                ("client_secret", "demo-secret"),
            ])
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_oauth_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");

    // client_id next to Basic credentials is fine when it names the same client, not otherwise.
    for (form_id, status) in [
        ("demo-client", StatusCode::OK),
        ("mock-only", StatusCode::BAD_REQUEST),
    ] {
        let answer = read(
            http()
                .post(standin.token_url())
                .basic_auth("demo-client", Some("demo-secret"))
                .form(&[("grant_type", "client_credentials"), ("client_id", form_id)])
                .send()
                .await
                .expect("send"),
        )
        .await;
        assert_eq!(answer.status, status, "{}", answer.text);
    }
}

#[tokio::test]
async fn bad_client_credentials_are_invalid_client() {
    let standin = standin().await;
    // client_secret_post: 400, no challenge.
    for (id, secret) in [
        ("demo-client", "wrong"),
        ("nobody", "demo-secret"),
        ("demo-client", ""),
    ] {
        let answer = token_request(
            &standin,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", id),
                ("client_secret", secret),
            ],
        )
        .await;
        assert_oauth_error(&answer, StatusCode::BAD_REQUEST, "invalid_client");
        assert_eq!(answer.header("www-authenticate"), None);
    }
    // No credentials at all, or an id without a secret.
    for form in [
        vec![("grant_type", "client_credentials")],
        vec![
            ("grant_type", "client_credentials"),
            ("client_id", "demo-client"),
        ],
    ] {
        let answer = token_request(&standin, &form).await;
        assert_oauth_error(&answer, StatusCode::BAD_REQUEST, "invalid_client");
    }
    // client_secret_basic: 401 with a Basic challenge.
    let answer = read(
        http()
            .post(standin.token_url())
            .basic_auth("demo-client", Some("wrong"))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_oauth_error(&answer, StatusCode::UNAUTHORIZED, "invalid_client");
    assert_eq!(
        answer.header("www-authenticate"),
        Some("Basic realm=\"nxtsoft-standin\"")
    );
    assert_eq!(standin.stats().token_error("invalid_client"), 6);
    assert_eq!(standin.stats().tokens_issued, 0);
}

#[tokio::test]
async fn grant_type_is_checked() {
    let standin = standin().await;
    let answer = token_request(
        &standin,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "demo-client"),
            ("client_secret", "demo-secret"),
        ],
    )
    .await;
    assert_oauth_error(&answer, StatusCode::BAD_REQUEST, "unsupported_grant_type");
    let answer = token_request(
        &standin,
        &[
            ("client_id", "demo-client"),
            ("client_secret", "demo-secret"),
        ],
    )
    .await;
    assert_oauth_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn a_client_without_the_grant_is_unauthorized_client() {
    let standin = standin().await;
    standin.register_client(
        RegisteredClient::new("code-only", "s", ["transactions/mock"]).without_client_credentials(),
    );
    let answer = token_request(
        &standin,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "code-only"),
            ("client_secret", "s"),
        ],
    )
    .await;
    assert_oauth_error(&answer, StatusCode::BAD_REQUEST, "unauthorized_client");
}

#[tokio::test]
async fn requests_that_are_not_a_form_are_invalid_request() {
    let standin = standin().await;
    let form = "grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret";
    // JSON body.
    let answer = read(
        http()
            .post(standin.token_url())
            .json(&json!({"grant_type": "client_credentials", "client_id": "demo-client", "client_secret": "demo-secret"}))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_oauth_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
    // A form body without its content type.
    let answer = read(
        http()
            .post(standin.token_url())
            .body(form)
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_oauth_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
    // The content type with a charset parameter is fine.
    let answer = read(
        http()
            .post(standin.token_url())
            .header(
                "content-type",
                "application/x-www-form-urlencoded; charset=UTF-8",
            )
            .body(form)
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    // A repeated parameter (RFC 6749 §3.2).
    let answer = token_request(
        &standin,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "demo-client"),
            ("client_secret", "demo-secret"),
            ("scope", "transactions/mock"),
            ("scope", "transactions/post"),
        ],
    )
    .await;
    assert_oauth_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
    // GET.
    let answer = read(http().get(standin.token_url()).send().await.expect("send")).await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(answer.header("allow"), Some("POST"));
    assert_eq!(answer.json["error"], json!("invalid_request"));
}

#[tokio::test]
async fn scope_parameter_is_honoured() {
    let standin = standin().await;
    let base = [
        ("grant_type", "client_credentials"),
        ("client_id", "demo-client"),
        ("client_secret", "demo-secret"),
    ];
    let with_scope = |scope: &'static str| {
        let mut form = base.to_vec();
        form.push(("scope", scope));
        form
    };
    let answer = token_request(&standin, &with_scope("transactions/post")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        claims(answer.json["access_token"].as_str().expect("token"))["scope"],
        json!("transactions/post")
    );

    let answer = token_request(&standin, &with_scope("transactions/post transactions/mock")).await;
    assert_eq!(
        claims(answer.json["access_token"].as_str().expect("token"))["scope"],
        json!("transactions/post transactions/mock")
    );

    // Empty means "everything allowed", like no scope at all.
    let answer = token_request(&standin, &with_scope("")).await;
    assert_eq!(
        claims(answer.json["access_token"].as_str().expect("token"))["scope"],
        json!("transactions/mock transactions/post")
    );

    let answer = token_request(
        &standin,
        &with_scope("transactions/mock transactions/delete"),
    )
    .await;
    assert_oauth_error(&answer, StatusCode::BAD_REQUEST, "invalid_scope");
    assert!(
        answer.json["error_description"]
            .as_str()
            .is_some_and(|d| d.contains("transactions/delete"))
    );

    // Known to the API, but not allowed for this client.
    let answer = token_request(
        &standin,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", MOCK_ONLY_ID),
            ("client_secret", MOCK_ONLY_SECRET),
            ("scope", "transactions/post"),
        ],
    )
    .await;
    assert_oauth_error(&answer, StatusCode::BAD_REQUEST, "invalid_scope");
    // A client allowed no scope at all gets none.
    standin.register_client(RegisteredClient::new("empty", "s", Vec::<String>::new()));
    let answer = token_request(
        &standin,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "empty"),
            ("client_secret", "s"),
        ],
    )
    .await;
    assert_oauth_error(&answer, StatusCode::BAD_REQUEST, "invalid_scope");
    assert_eq!(standin.stats().token_error("invalid_scope"), 3);
}

#[tokio::test]
async fn counters_sort_token_requests_by_outcome() {
    let standin = standin().await;
    let _ = token(&standin).await;
    let _ = token_request(&standin, &[("grant_type", "password")]).await;
    let _ = token_request(
        &standin,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "x"),
            ("client_secret", "y"),
        ],
    )
    .await;
    standin.inject_token_faults(
        1,
        nxtsoft_standin::Fault::status(StatusCode::INTERNAL_SERVER_ERROR),
    );
    let _ = token_request(&standin, &[("grant_type", "client_credentials")]).await;
    let stats = standin.stats();
    assert_eq!(stats.token_requests, 4);
    assert_eq!(stats.tokens_issued, 1);
    assert_eq!(stats.token_error("unsupported_grant_type"), 1);
    assert_eq!(stats.token_error("invalid_client"), 1);
    assert_eq!(stats.token_faults, 1);
    assert_eq!(stats.api_calls, 0);
}

#[tokio::test]
async fn hostile_token_requests_get_400s() {
    let standin = standin().await;
    let bodies: Vec<Vec<u8>> = vec![
        vec![0xff, 0xfe, 0x00, b'&', b'='],
        b"%%%&&&===".to_vec(),
        b"grant_type=client_credentials&client_id=%FF%FE&client_secret=%00".to_vec(),
        vec![b'a'; 2 * 1024 * 1024],
    ];
    for body in bodies {
        let answer = read(
            http()
                .post(standin.token_url())
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .expect("send"),
        )
        .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text);
        assert!(answer.json["error"].is_string());
    }
    for header in [
        "Basic",
        "Basic !!!",
        "Basic Zm9v",
        "Bearer abc",
        "Basic ////",
    ] {
        let answer = read(
            http()
                .post(standin.token_url())
                .header("authorization", header)
                .form(&[("grant_type", "client_credentials")])
                .send()
                .await
                .expect("send"),
        )
        .await;
        assert_oauth_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
    }
    // Still serving.
    let _ = token(&standin).await;
}
