//! `nxtsoft auth check`: fetch one token with the configured credentials and say what it
//! grants, never printing the token or the secret.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use nxtsoft_client::Client;
use nxtsoft_client::auth::EnvConfig;
use serde_json::Value;

use crate::failure::Failure;

/// What `auth check` found out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The configured client id.
    pub client_id: String,
    /// What the token's claims say, or why they could not be read.
    pub claims: Result<Claims, NotAJwt>,
    /// HTTP requests sent to the token endpoint.
    pub token_requests: u64,
}

/// The claims of an access token that `auth check` reports (read, never verified).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// The `scope` claim, split on spaces (empty when the claim is absent).
    pub scopes: Vec<String>,
    /// Seconds until the `exp` claim, if the token has one (negative once expired).
    pub expires_in: Option<i64>,
}

/// The token is opaque: not three dot-separated base64url parts with a JSON object payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAJwt;

/// Loads the configuration, fetches one token and reads its claims.
pub async fn run() -> Result<Report, Failure> {
    let env = EnvConfig::from_env(nxtsoft_client::security::TOKEN_URL)?;
    let client_id = env.credentials.client_id().to_owned();
    let client = Client::authenticated(env.credentials, &env.api_base_url)?;
    let header = client
        .authenticator()
        .header_value()
        .await
        .map_err(|error| Failure::from_auth(std::sync::Arc::new(error)))?;
    let token = header
        .to_str()
        .ok()
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    Ok(Report {
        client_id,
        claims: read_claims(token, now()),
        token_requests: client.authenticator().stats().token_requests,
    })
}

/// Reads the `scope` and `exp` claims of a JWT-shaped `token`, relative to `now` (Unix seconds),
/// without verifying its signature.
pub fn read_claims(token: &str, now: i64) -> Result<Claims, NotAJwt> {
    let mut parts = token.split('.');
    let (Some(_header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(NotAJwt);
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| NotAJwt)?;
    let Ok(Value::Object(claims)) = serde_json::from_slice::<Value>(&bytes) else {
        return Err(NotAJwt);
    };
    let scopes = claims
        .get("scope")
        .and_then(Value::as_str)
        .map(|scope| scope.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    let expires_in = claims
        .get("exp")
        .and_then(Value::as_i64)
        .map(|exp| exp.saturating_sub(now));
    Ok(Claims { scopes, expires_in })
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        })
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "client id:      {}", self.client_id)?;
        match &self.claims {
            Ok(claims) => {
                let scopes = if claims.scopes.is_empty() {
                    "(none in the token)".to_owned()
                } else {
                    claims.scopes.join(" ")
                };
                writeln!(f, "scopes:         {scopes}")?;
                match claims.expires_in {
                    Some(seconds) if seconds >= 0 => writeln!(f, "expires in:     {seconds} s")?,
                    Some(seconds) => writeln!(f, "expires in:     expired {} s ago", -seconds)?,
                    None => writeln!(f, "expires in:     unknown (no exp claim)")?,
                }
            }
            Err(NotAJwt) => {
                writeln!(f, "scopes:         unknown (not a JWT)")?;
                writeln!(f, "expires in:     unknown (not a JWT)")?;
            }
        }
        writeln!(f, "token requests: {}", self.token_requests)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        format!(
            "{}.{}.c2lnbmF0dXJl",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode(payload)
        )
    }

    #[test]
    fn reads_scope_and_expiry_of_a_jwt() {
        let token = jwt(r#"{"scope":"transactions/mock transactions/post","exp":1100}"#);
        assert_eq!(
            read_claims(&token, 1000),
            Ok(Claims {
                scopes: vec!["transactions/mock".into(), "transactions/post".into()],
                expires_in: Some(100),
            })
        );
    }

    #[test]
    fn a_jwt_without_the_claims_has_none() {
        assert_eq!(
            read_claims(&jwt(r#"{"sub":"x"}"#), 1000),
            Ok(Claims {
                scopes: vec![],
                expires_in: None
            })
        );
    }

    #[test]
    fn an_opaque_token_is_not_a_jwt() {
        for token in ["opaque-token", "a.b", "a.!!!.c", "a.b.c.d", &jwt("[1, 2]")] {
            assert_eq!(read_claims(token, 0), Err(NotAJwt), "{token}");
        }
    }

    #[test]
    fn the_report_never_shows_more_than_the_claims() {
        let report = Report {
            client_id: "id".into(),
            claims: Err(NotAJwt),
            token_requests: 1,
        };
        assert_eq!(
            report.to_string(),
            "client id:      id\nscopes:         unknown (not a JWT)\nexpires in:     unknown (not a JWT)\ntoken requests: 1\n"
        );
    }
}
