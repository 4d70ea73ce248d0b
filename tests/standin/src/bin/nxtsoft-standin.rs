//! Runs the NXTsoft stand-in by hand: prints its URLs and the demo client's credentials, then
//! serves until Ctrl-C.

#![forbid(unsafe_code)]

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use nxtsoft_standin::{StandIn, business};

/// A loopback stand-in for NXTsoft's auth server and transactions API.
#[derive(Debug, Parser)]
#[command(name = "nxtsoft-standin", version)]
struct Args {
    /// Port to listen on (127.0.0.1 only); 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Lifetime of issued access tokens, in seconds.
    #[arg(long, default_value_t = 3600)]
    token_lifetime: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let standin = StandIn::builder()
        .client(StandIn::demo_client())
        .token_lifetime(Duration::from_secs(args.token_lifetime))
        .bind(SocketAddr::from((Ipv4Addr::LOCALHOST, args.port)))
        .start()
        .await;
    let standin = match standin {
        Ok(s) => s,
        Err(err) => {
            eprintln!("nxtsoft-standin: {err}");
            return ExitCode::FAILURE;
        }
    };
    let demo = StandIn::demo_client();
    println!("NXTsoft stand-in listening (Ctrl-C to stop)");
    println!("  API base URL:   {}", standin.base_url());
    println!("  token URL:      {}", standin.token_url());
    println!("  client id:      {}", demo.id());
    println!("  client secret:  {}", demo.secret());
    println!("  scopes:         {}", demo.scopes().join(" "));
    println!("  token lifetime: {} s", args.token_lifetime);
    let accounts: Vec<String> = business::ACCOUNTS
        .iter()
        .map(|a| {
            format!(
                "{} ({}{})",
                a.id,
                a.account_type,
                if a.open { "" } else { ", closed" }
            )
        })
        .collect();
    println!("  accounts:       {}", accounts.join(", "));
    println!("  unknown account: {}", business::UNKNOWN_ACCOUNT_ID);
    let codes: Vec<&str> = business::TRANSACTION_CODES.iter().map(|c| c.code).collect();
    println!("  transaction codes: {}", codes.join(", "));
    if let Err(err) = tokio::signal::ctrl_c().await {
        eprintln!("nxtsoft-standin: cannot wait for Ctrl-C: {err}");
    }
    let stats = standin.stats();
    standin.shutdown().await;
    println!(
        "stopped: {} token request(s), {} token(s) issued, {} API call(s), {} transaction(s) posted",
        stats.token_requests, stats.tokens_issued, stats.api_calls, stats.transactions_posted
    );
    ExitCode::SUCCESS
}
