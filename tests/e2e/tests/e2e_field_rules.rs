//! NXTsoft's public field rules, end to end: object ids are UUIDs, date-times carry
//! milliseconds and a trailing `Z`, and the partner `assetID` is configured once and sent on
//! every request (the stand-in refuses a client registered with one that does not send it).

mod support;

use nxtsoft_client::Client;
use nxtsoft_standin::{RegisteredClient, SCOPE_MOCK, SCOPE_POST, StandIn};
use support::*;

const PARTNER: &str = "partner-1";
const PARTNER_SECRET: &str = "partner-secret";
const ASSET: &str = "ASSET-7f3c9e21";

async fn standin_with_partner() -> StandIn {
    standin_builder()
        .client(
            RegisteredClient::new(PARTNER, PARTNER_SECRET, [SCOPE_MOCK, SCOPE_POST])
                .with_asset_id(ASSET),
        )
        .start()
        .await
        .expect("stand-in starts")
}

fn partner_client(standin: &StandIn, asset_id: Option<&str>) -> Client {
    let mut credentials = credentials_for(standin, PARTNER, PARTNER_SECRET);
    if let Some(asset_id) = asset_id {
        credentials = credentials.asset_id(asset_id);
    }
    Client::authenticated(
        credentials.build().expect("credentials"),
        standin.base_url(),
    )
    .expect("client")
}

#[tokio::test]
async fn a_post_answers_a_uuid_and_a_millisecond_utc_time() {
    let standin = standin().await;
    let client = client(&standin);
    let posted = post(&client, "rules-1").await.expect("posted").into_inner();
    assert_eq!(
        posted.transaction_id.to_string(),
        "00000000-0000-4000-8000-000000000001"
    );
    let posted_at = posted.posted_at.expect("posted_at");
    let raw = standin.transactions()[0].posted_at.clone();
    assert_eq!(raw.len(), "2026-11-30T12:00:00.000Z".len(), "{raw}");
    assert!(raw.ends_with('Z'), "{raw}");
    assert_eq!(
        posted_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        raw
    );
}

#[tokio::test]
async fn the_asset_id_is_sent_on_every_call_from_configuration() {
    let standin = standin_with_partner().await;
    let client = partner_client(&standin, Some(ASSET));
    for n in 0..3 {
        validate(&client, &format!("asset-{n}"))
            .await
            .expect("accepted");
    }
    let sent: Vec<_> = standin
        .requests()
        .into_iter()
        .filter(|r| r.path != "/oauth2/token")
        .map(|r| {
            r.headers
                .iter()
                .find(|(name, _)| name == "assetid")
                .map(|(_, value)| value.clone())
        })
        .collect();
    assert_eq!(sent.len(), 3);
    assert!(
        sent.iter().all(|value| value.as_deref() == Some(ASSET)),
        "{sent:?}"
    );
}

#[tokio::test]
async fn a_missing_or_wrong_asset_id_is_refused_by_the_api() {
    let standin = standin_with_partner().await;
    let (status, error) = error_response(validate(&partner_client(&standin, None), "a-1").await);
    assert_eq!((status, error.error.as_str()), (400, "missing_asset_id"));
    let (status, error) =
        error_response(validate(&partner_client(&standin, Some("ASSET-other")), "a-2").await);
    assert_eq!((status, error.error.as_str()), (403, "invalid_asset_id"));
    assert_eq!(standin.transactions().len(), 0);
}
