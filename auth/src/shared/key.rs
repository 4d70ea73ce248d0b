//! The fleet's Redis keys: one-way, hash-tagged, distinct per secret.

use hkdf::Hkdf;
use secrecy::ExposeSecret as _;
use sha2::{Digest as _, Sha256};

use crate::credentials::{ClientAuth, Credentials};

/// The token and lock keys of one set of credentials, and the salt their crypto derives from.
pub(crate) struct Keys {
    /// Where the encrypted token entry lives.
    pub(crate) token: String,
    /// The fleet lock for fetching that token.
    pub(crate) lock: String,
    /// SHA-256 of what identifies the token (URL, client id, scopes, method): the HKDF salt.
    pub(crate) identity: [u8; 32],
}

impl Keys {
    /// `nxtsoft-auth:{<identity>.<fingerprint>}:token` and `…:lock`. The identity hashes the
    /// token URL, client id, sorted scopes and client authentication method; the fingerprint
    /// is HKDF-SHA256 of the secret (a one-way value: replicas holding the old and the new
    /// secret during a rotation use different keys instead of overwriting each other). The
    /// braces make both keys hash to the same Redis Cluster slot.
    pub(crate) fn derive(credentials: &Credentials) -> Self {
        let mut scopes: Vec<&str> = credentials.scopes().iter().map(String::as_str).collect();
        scopes.sort_unstable();
        let method = match credentials.client_auth() {
            ClientAuth::SecretBasic => "client_secret_basic",
            _ => "client_secret_post",
        };
        let mut hash = Sha256::new();
        let mut field = |bytes: &[u8]| {
            hash.update((bytes.len() as u64).to_be_bytes());
            hash.update(bytes);
        };
        field(b"nxtsoft-auth fleet key v1");
        field(credentials.token_url().as_str().as_bytes());
        field(credentials.client_id().as_bytes());
        field(method.as_bytes());
        for scope in scopes {
            field(scope.as_bytes());
        }
        let identity: [u8; 32] = hash.finalize().into();
        let secret = credentials.client_secret().expose_secret().as_bytes();
        let mut fingerprint = [0u8; 8];
        expand(
            &identity,
            secret,
            b"nxtsoft-auth fleet secret fingerprint v1",
            &mut fingerprint,
        );
        let tag = format!("{}.{}", hex(&identity[..16]), hex(&fingerprint));
        Self {
            token: format!("nxtsoft-auth:{{{tag}}}:token"),
            lock: format!("nxtsoft-auth:{{{tag}}}:lock"),
            identity,
        }
    }
}

/// HKDF-SHA256 with `salt`, `ikm` and `info` into `out` (at most 8160 bytes, always the case
/// here).
pub(crate) fn expand(salt: &[u8], ikm: &[u8], info: &[u8], out: &mut [u8]) {
    let hkdf = Hkdf::<Sha256>::new(Some(salt), ikm);
    if hkdf.expand(info, out).is_err() {
        // Only possible for outputs over 255 × 32 bytes; callers ask for 8 or 32.
        out.fill(0);
    }
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(url: &str, id: &str, secret: &str, scopes: &[&str], auth: ClientAuth) -> Keys {
        Keys::derive(
            &Credentials::builder(url, id, secret)
                .scopes(scopes)
                .client_auth(auth)
                .build()
                .unwrap(),
        )
    }

    #[test]
    fn keys_separate_what_must_differ_and_share_a_slot() {
        let base = keys(
            "https://a.example/t",
            "id",
            "s1",
            &["b", "a"],
            ClientAuth::SecretPost,
        );
        let same = keys(
            "https://a.example/t",
            "id",
            "s1",
            &["a", "b"],
            ClientAuth::SecretPost,
        );
        assert_eq!(base.token, same.token, "scope order does not matter");
        for other in [
            keys(
                "https://b.example/t",
                "id",
                "s1",
                &["a", "b"],
                ClientAuth::SecretPost,
            ),
            keys(
                "https://a.example/t",
                "id2",
                "s1",
                &["a", "b"],
                ClientAuth::SecretPost,
            ),
            keys(
                "https://a.example/t",
                "id",
                "s2",
                &["a", "b"],
                ClientAuth::SecretPost,
            ),
            keys(
                "https://a.example/t",
                "id",
                "s1",
                &["a"],
                ClientAuth::SecretPost,
            ),
            keys(
                "https://a.example/t",
                "id",
                "s1",
                &["a", "b"],
                ClientAuth::SecretBasic,
            ),
        ] {
            assert_ne!(base.token, other.token);
        }
        let tag = |key: &str| key[key.find('{').unwrap()..=key.find('}').unwrap()].to_owned();
        assert_eq!(tag(&base.token), tag(&base.lock));
        let secret = keys(
            "https://a.example/t",
            "id",
            "deadbeef",
            &[],
            ClientAuth::SecretPost,
        );
        assert!(!secret.token.contains("deadbeef") && !secret.lock.contains("deadbeef"));
    }
}
