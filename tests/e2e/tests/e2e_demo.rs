//! The demo's flow (what `cargo xtask demo` prints) against a stand-in with a fixed business
//! date, and the demo's answers to bad configuration.

mod support;

use std::collections::HashMap;

use nxtsoft_e2e::demo::{self, DemoError, Target};
use nxtsoft_standin::{DEMO_CLIENT_SECRET, StandIn};
use support::{business_date, settings, standin};

#[tokio::test]
async fn the_demo_prints_typed_results_and_one_token_for_all_calls() {
    let standin = standin().await;
    let mut out = Vec::new();
    let report = demo::run_with_standin(&standin, business_date(), &mut out)
        .await
        .expect("the demo runs");
    let text = String::from_utf8(out).expect("utf-8");

    assert_eq!(report.api_calls, 4);
    assert_eq!(report.auth.token_requests, 1);
    let stats = standin.stats();
    assert_eq!(stats.token_requests, 1);
    assert_eq!(stats.api_calls, 4);
    assert_eq!(stats.api_status(200), 4);
    assert_eq!(stats.validations, 2);
    assert_eq!(stats.transactions_posted, 1);
    assert_eq!(stats.idempotent_replays, 1);
    assert!(!text.contains(DEMO_CLIENT_SECRET), "{text}");
    for token in standin.issued_tokens() {
        assert!(!text.contains(&token.access_token), "{text}");
    }
    settings().bind(|| insta::assert_snapshot!("demo_output", text));
}

fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

#[test]
fn no_variable_or_only_empty_ones_selects_the_stand_in() {
    assert!(matches!(
        Target::from_lookup(lookup(&[])),
        Ok(Target::StandIn)
    ));
    assert!(matches!(
        Target::from_lookup(lookup(&[
            ("NXTSOFT_CLIENT_ID", " "),
            ("NXTSOFT_SCOPES", "")
        ])),
        Ok(Target::StandIn)
    ));
}

#[test]
fn a_complete_configuration_selects_the_real_endpoints() {
    let target = Target::from_lookup(lookup(&[
        ("NXTSOFT_CLIENT_ID", "client-1"),
        ("NXTSOFT_CLIENT_SECRET", "s3cr3t"),
        ("NXTSOFT_API_BASE_URL", "https://api.example.com"),
    ]))
    .expect("valid configuration");
    let Target::Remote(env) = target else {
        panic!("expected the real endpoints, got {target:?}");
    };
    assert_eq!(env.api_base_url, "https://api.example.com");
    assert_eq!(
        env.credentials.token_url().as_str(),
        nxtsoft_client::security::TOKEN_URL
    );
}

/// Every bad configuration ends in one paragraph naming the variable and what to do.
#[test]
fn bad_configuration_is_one_clear_paragraph() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        ("only_the_client_id", &[("NXTSOFT_CLIENT_ID", "client-1")]),
        (
            "plain_http_to_a_remote_host",
            &[
                ("NXTSOFT_CLIENT_ID", "client-1"),
                ("NXTSOFT_CLIENT_SECRET", "s3cr3t"),
                ("NXTSOFT_API_BASE_URL", "http://api.example.com"),
            ],
        ),
        (
            "plain_http_token_url",
            &[
                ("NXTSOFT_CLIENT_ID", "client-1"),
                ("NXTSOFT_CLIENT_SECRET", "s3cr3t"),
                ("NXTSOFT_API_BASE_URL", "https://api.example.com"),
                ("NXTSOFT_TOKEN_URL", "http://auth.example.com/oauth2/token"),
            ],
        ),
        (
            "unknown_client_auth",
            &[
                ("NXTSOFT_CLIENT_ID", "client-1"),
                ("NXTSOFT_CLIENT_SECRET", "s3cr3t"),
                ("NXTSOFT_API_BASE_URL", "https://api.example.com"),
                ("NXTSOFT_CLIENT_AUTH", "both"),
            ],
        ),
    ];
    let mut text = String::new();
    for (name, vars) in cases {
        let error = Target::from_lookup(lookup(vars)).expect_err(name);
        assert!(matches!(error, DemoError::Config(_)), "{name}: {error:?}");
        let message = demo::explain(&error);
        assert!(!message.contains('\n'), "{message}");
        assert!(!message.contains("s3cr3t"), "{message}");
        text.push_str(&format!("{name}:\n{message}\n\n"));
    }
    insta::assert_snapshot!("bad_configuration", text);
}

/// The demo's failures after start-up (here: a token endpoint that refuses the client) also
/// end in one paragraph, with the typed token error's cause and hint.
#[tokio::test]
async fn a_refused_client_is_one_clear_paragraph() {
    let standin = StandIn::builder().start().await.expect("stand-in starts");
    let target = Target::from_lookup(lookup(&[
        ("NXTSOFT_CLIENT_ID", "nobody"),
        ("NXTSOFT_CLIENT_SECRET", "s3cr3t"),
        ("NXTSOFT_API_BASE_URL", standin.base_url()),
        ("NXTSOFT_TOKEN_URL", &standin.token_url()),
    ]))
    .expect("valid configuration");
    let mut out = Vec::new();
    let error = demo::run(target, &mut out).await.expect_err("refused");
    assert!(matches!(error, DemoError::Token { .. }), "{error:?}");
    let stats = standin.stats();
    assert_eq!(stats.token_requests, 1);
    assert_eq!(stats.token_error("invalid_client"), 1);
    assert_eq!(stats.api_calls, 0);
    let message = demo::explain(&error);
    assert!(
        !message.contains('\n') && !message.contains("s3cr3t"),
        "{message}"
    );
    let printed = String::from_utf8(out).expect("utf-8");
    assert!(
        printed.contains("Using the real NXTsoft endpoints"),
        "{printed}"
    );
    assert!(!printed.contains("s3cr3t"), "{printed}");
    settings().bind(|| insta::assert_snapshot!("refused_client", message));
}

/// A variable that is set but not valid UTF-8 is configuration, not absence: the demo names
/// it and stops, and never falls back to the stand-in.
#[test]
fn a_non_utf8_variable_is_an_error_naming_it_not_a_fallback() {
    use std::os::unix::ffi::OsStrExt as _;
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_demo"))
        .env_clear()
        .env(
            "NXTSOFT_CLIENT_ID",
            std::ffi::OsStr::from_bytes(b"client-\xff"),
        )
        .env("NXTSOFT_CLIENT_SECRET", "s3cr3t")
        .env("NXTSOFT_API_BASE_URL", "https://api.example.com")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("NXTSOFT_CLIENT_ID") && stderr.contains("not valid UTF-8"),
        "{stderr}"
    );
    assert!(!stdout.contains("stand-in"), "no fallback: {stdout}");
}
