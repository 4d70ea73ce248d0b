//! The partner's `assetID`: configured once (builder or `NXTSOFT_ASSET_ID`), sent on every API
//! request as a sensitive header, refused when it cannot be sent as given, never printed.

mod common;

use common::*;
use nxtsoft_auth::{ASSET_ID_HEADER, Authenticator, ConfigError, Credentials, EnvConfig};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ASSET: &str = "ASSET-7f3c9e21";

#[tokio::test]
async fn the_asset_id_goes_on_every_request_and_is_sensitive() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(token_body("tok", json!(3600)))
        .mount(&server)
        .await;
    Mock::given(path("/api"))
        .and(header(ASSET_ID_HEADER, ASSET))
        .respond_with(ResponseTemplate::new(200))
        .expect(3)
        .mount(&server)
        .await;
    let credentials = Credentials::builder(token_url(&server), CLIENT_ID, SECRET)
        .asset_id(ASSET)
        .build()
        .unwrap();
    assert!(!format!("{credentials:?}").contains(ASSET));
    let authenticator = Authenticator::new(credentials).unwrap();
    let http = nxtsoft_auth::api_http_client_for(&server.uri()).unwrap();
    for _ in 0..3 {
        let mut request = http.get(format!("{}/api", server.uri())).build().unwrap();
        authenticator.authorize(&mut request).await.unwrap();
        let sent = request.headers().get(ASSET_ID_HEADER).unwrap();
        assert!(sent.is_sensitive());
        assert_eq!(
            authenticator
                .execute(&http, request)
                .await
                .unwrap()
                .status(),
            200
        );
    }
    assert!(!format!("{authenticator:?}").contains(ASSET));
}

#[test]
fn an_asset_id_that_cannot_be_sent_as_given_is_refused() {
    for bad in ["", " ASSET", "ASSET\n", "AS SET", "ASSÉT"] {
        let error = Credentials::builder("https://a.example/t", CLIENT_ID, SECRET)
            .asset_id(bad)
            .build()
            .unwrap_err();
        assert!(
            matches!(error, ConfigError::InvalidAssetId { .. }),
            "{bad:?}: {error:?}"
        );
    }
}

#[test]
fn the_asset_id_comes_from_nxtsoft_asset_id() {
    let vars = |asset: &'static str| {
        move |name: &str| match name {
            "NXTSOFT_CLIENT_ID" => Some(CLIENT_ID.to_owned()),
            "NXTSOFT_CLIENT_SECRET" => Some(SECRET.to_owned()),
            "NXTSOFT_API_BASE_URL" => Some("https://api.example".to_owned()),
            "NXTSOFT_ASSET_ID" => Some(asset.to_owned()),
            _ => None,
        }
    };
    let env = EnvConfig::from_lookup("https://a.example/t", vars(ASSET)).unwrap();
    assert_eq!(env.credentials.asset_id().unwrap(), ASSET);
    let error = EnvConfig::from_lookup("https://a.example/t", vars("AS SET")).unwrap_err();
    assert!(
        matches!(
            &error,
            ConfigError::InvalidVar {
                name: "NXTSOFT_ASSET_ID",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.to_string().contains("AS SET"), "{error}");
    let unset = EnvConfig::from_lookup("https://a.example/t", vars("")).unwrap();
    assert!(unset.credentials.asset_id().is_none());
}
