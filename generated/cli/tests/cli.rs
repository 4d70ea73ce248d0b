//! The `nxtsoft` binary, run as a user runs it: `--help`, `auth check` and an operation against
//! the loopback stand-in, and the exit codes of each kind of failure.

use std::process::{Output, Stdio};

use chrono::NaiveDate;
use nxtsoft_standin::business::sample_message;
use nxtsoft_standin::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Fault, StandIn};
use tokio::io::AsyncWriteExt as _;
use tokio::process::Command;

const NXTSOFT: &str = env!("CARGO_BIN_EXE_nxtsoft");

/// Every variable the client reads, removed so the caller's environment cannot leak in.
const VARIABLES: [&str; 6] = [
    "NXTSOFT_CLIENT_ID",
    "NXTSOFT_CLIENT_SECRET",
    "NXTSOFT_API_BASE_URL",
    "NXTSOFT_TOKEN_URL",
    "NXTSOFT_SCOPES",
    "NXTSOFT_CLIENT_AUTH",
];

fn business_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

async fn standin() -> StandIn {
    StandIn::builder()
        .client(StandIn::demo_client())
        .business_date(business_date())
        .start()
        .await
        .unwrap()
}

/// `nxtsoft` with a clean environment plus `vars`.
fn nxtsoft(args: &[&str], vars: &[(&str, &str)]) -> Command {
    let mut command = Command::new(NXTSOFT);
    command.args(args);
    for name in VARIABLES {
        command.env_remove(name);
    }
    command.envs(vars.iter().copied());
    command
}

/// The variables that point `nxtsoft` at `standin` with `secret`.
fn env_for(standin: &StandIn, secret: &str) -> Vec<(&'static str, String)> {
    vec![
        ("NXTSOFT_CLIENT_ID", DEMO_CLIENT_ID.to_owned()),
        ("NXTSOFT_CLIENT_SECRET", secret.to_owned()),
        ("NXTSOFT_API_BASE_URL", standin.base_url().to_owned()),
        ("NXTSOFT_TOKEN_URL", standin.token_url()),
    ]
}

async fn run(args: &[&str], vars: &[(&'static str, String)], stdin: Option<&str>) -> Output {
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut command = nxtsoft(args, &vars);
    command
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        // A command that fails before reading stdin (a configuration error) closes it early:
        // the write then ends in a broken pipe, which is not what these tests check.
        let _ = pipe.write_all(input.as_bytes()).await;
        drop(pipe);
    }
    child.wait_with_output().await.unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn help_lists_every_operation_the_configuration_and_the_exit_codes() {
    let output = run(&["--help"], &[], None).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    insta::assert_snapshot!("help", text(&output.stdout));

    let output = run(&["validate-transaction", "--help"], &[], None).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    insta::assert_snapshot!("validate_transaction_help", text(&output.stdout));
}

#[tokio::test]
async fn auth_check_reports_the_grant_and_never_the_token_or_secret() {
    let standin = standin().await;
    let output = run(
        &["auth", "check"],
        &env_for(&standin, DEMO_CLIENT_SECRET),
        None,
    )
    .await;
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));

    let issued = standin.issued_tokens();
    assert_eq!(issued.len(), 1);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], format!("client id:      {DEMO_CLIENT_ID}"));
    assert_eq!(
        lines[1],
        format!("scopes:         {}", issued[0].scopes.join(" "))
    );
    let expires_in: u64 = lines[2]
        .strip_prefix("expires in:     ")
        .and_then(|rest| rest.strip_suffix(" s"))
        .unwrap()
        .parse()
        .unwrap();
    assert!(expires_in <= issued[0].lifetime.as_secs(), "{stdout}");
    assert!(expires_in + 60 >= issued[0].lifetime.as_secs(), "{stdout}");
    assert_eq!(lines[3], "token requests: 1");
    assert_eq!(lines.len(), 4, "{stdout}");

    let everything = format!("{stdout}{}", text(&output.stderr));
    assert!(!everything.contains(&issued[0].access_token));
    assert!(!everything.contains(DEMO_CLIENT_SECRET));
}

#[tokio::test]
async fn an_operation_reads_its_body_from_stdin_or_a_file_and_prints_the_answer_as_json() {
    let standin = standin().await;
    let vars = env_for(&standin, DEMO_CLIENT_SECRET);
    let body = sample_message("cli-1", business_date()).to_string();

    let output = run(
        &["validate-transaction", "--json-body", "-"],
        &vars,
        Some(&body),
    )
    .await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["valid"], true, "{answer}");
    assert_eq!(answer["client_reference_id"], "cli-1");

    // From a file.
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        file.path(),
        sample_message("cli-2", business_date()).to_string(),
    )
    .unwrap();
    let path = file.path().to_str().unwrap();
    let output = run(&["validate-transaction", "--json-body", path], &vars, None).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["client_reference_id"], "cli-2", "{answer}");

    // progenitor's per-field flags would be overwritten by the body: they are refused.
    let args = [
        "validate-transaction",
        "--json-body",
        path,
        "--amount",
        "1.00",
    ];
    let output = run(&args, &vars, None).await;
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("cannot be used with"),
        "{}",
        text(&output.stderr)
    );
}

#[tokio::test]
async fn a_missing_variable_is_a_configuration_failure() {
    let output = run(&["auth", "check"], &[], None).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("NXTSOFT_CLIENT_ID"),
        "{}",
        text(&output.stderr)
    );

    let output = run(
        &["validate-transaction", "--json-body", "-"],
        &[],
        Some("{}"),
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
}

#[tokio::test]
async fn a_wrong_secret_is_an_authentication_failure() {
    let standin = standin().await;
    let vars = env_for(&standin, "not-the-secret");
    let output = run(&["auth", "check"], &vars, None).await;
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("invalid_client"),
        "{}",
        text(&output.stderr)
    );
    assert!(!text(&output.stderr).contains("not-the-secret"));

    let body = sample_message("cli-3", business_date()).to_string();
    let output = run(
        &["validate-transaction", "--json-body", "-"],
        &vars,
        Some(&body),
    )
    .await;
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
}

#[tokio::test]
async fn an_api_error_prints_its_body_and_is_an_api_failure() {
    let standin = standin().await;
    standin.inject_api_faults(1, Fault::status(http::StatusCode::UNPROCESSABLE_ENTITY));
    let body = sample_message("cli-4", business_date()).to_string();
    let vars = env_for(&standin, DEMO_CLIENT_SECRET);
    let output = run(
        &["validate-transaction", "--json-body", "-"],
        &vars,
        Some(&body),
    )
    .await;
    assert_eq!(output.status.code(), Some(4), "{}", text(&output.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(answer["error"].is_string(), "{answer}");
    assert!(
        text(&output.stderr).contains("422"),
        "{}",
        text(&output.stderr)
    );
}

#[tokio::test]
async fn an_unreachable_token_endpoint_is_a_network_failure() {
    let standin = standin().await;
    let mut vars = env_for(&standin, DEMO_CLIENT_SECRET);
    vars[3].1 = format!("{}/oauth2/token", closed_url());
    let output = run(&["auth", "check"], &vars, None).await;
    assert_eq!(output.status.code(), Some(5), "{}", text(&output.stderr));
}

#[tokio::test]
async fn an_unreachable_api_is_a_network_failure() {
    let standin = standin().await;
    let mut vars = env_for(&standin, DEMO_CLIENT_SECRET);
    vars[2].1 = closed_url();
    let body = sample_message("cli-5", business_date()).to_string();
    let output = run(
        &["validate-transaction", "--json-body", "-"],
        &vars,
        Some(&body),
    )
    .await;
    assert_eq!(output.status.code(), Some(5), "{}", text(&output.stderr));
}

/// A loopback URL where nothing listens (a port just bound and released).
fn closed_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", listener.local_addr().unwrap())
}
