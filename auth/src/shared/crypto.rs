//! Sealing the fleet's entry: XChaCha20-Poly1305 under a key derived from the client secret.
//!
//! Layout: `nxa1` ‖ 24-byte random nonce ‖ ciphertext of (issued ms ‖ refresh ms ‖ expiry ms,
//! each a big-endian u64, ‖ the token). The Redis key is authenticated too (associated data),
//! so an entry copied under another key does not open.

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use secrecy::ExposeSecret as _;

use super::key::{Keys, expand};
use crate::credentials::Credentials;
use crate::token::AccessToken;

const MAGIC: &[u8; 4] = b"nxa1";
const NONCE_LEN: usize = 24;
const HEADER_LEN: usize = 24;

/// A token as the fleet shares it, with wall-clock times in milliseconds since the Unix epoch.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) token: AccessToken,
    pub(crate) issued_ms: u64,
    pub(crate) refresh_ms: u64,
    pub(crate) expires_ms: u64,
}

/// Why an entry was not accepted.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OpenError {
    /// Not in this format (another program's value, or a truncated one).
    #[error("the entry is not in the nxtsoft-auth format")]
    Format,
    /// Authentication failed: tampered with, or sealed under another client secret.
    #[error(
        "the entry does not authenticate (tampered with, or written under another client secret)"
    )]
    Authentication,
    /// It authenticated but holds no usable token or times.
    #[error("the entry holds no usable token")]
    Content,
}

/// Seals and opens entries of one token key.
pub(crate) struct Sealer {
    cipher: XChaCha20Poly1305,
    aad: Vec<u8>,
}

impl Sealer {
    pub(crate) fn new(credentials: &Credentials, keys: &Keys) -> Self {
        let mut key = [0u8; 32];
        expand(
            &keys.identity,
            credentials.client_secret().expose_secret().as_bytes(),
            b"nxtsoft-auth fleet entry key v1",
            &mut key,
        );
        let cipher = XChaCha20Poly1305::new(&key.into());
        let mut aad = MAGIC.to_vec();
        aad.extend_from_slice(keys.token.as_bytes());
        Self { cipher, aad }
    }

    pub(crate) fn seal(&self, entry: &Entry) -> Option<Vec<u8>> {
        let mut plain = Vec::with_capacity(HEADER_LEN + entry.token.expose_secret().len());
        plain.extend_from_slice(&entry.issued_ms.to_be_bytes());
        plain.extend_from_slice(&entry.refresh_ms.to_be_bytes());
        plain.extend_from_slice(&entry.expires_ms.to_be_bytes());
        plain.extend_from_slice(entry.token.expose_secret().as_bytes());
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: &plain,
                    aad: &self.aad,
                },
            )
            .ok()?;
        let mut out = Vec::with_capacity(MAGIC.len() + NONCE_LEN + sealed.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Some(out)
    }

    pub(crate) fn open(&self, bytes: &[u8]) -> Result<Entry, OpenError> {
        let rest = bytes
            .strip_prefix(MAGIC.as_slice())
            .ok_or(OpenError::Format)?;
        if rest.len() < NONCE_LEN {
            return Err(OpenError::Format);
        }
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let plain = self
            .cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: &self.aad,
                },
            )
            .map_err(|_| OpenError::Authentication)?;
        if plain.len() <= HEADER_LEN {
            return Err(OpenError::Content);
        }
        let (times, token) = plain.split_at(HEADER_LEN);
        let at = |i: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&times[i * 8..i * 8 + 8]);
            u64::from_be_bytes(b)
        };
        let token = std::str::from_utf8(token).map_err(|_| OpenError::Content)?;
        let token = AccessToken::new(token).map_err(|_| OpenError::Content)?;
        let entry = Entry {
            token,
            issued_ms: at(0),
            refresh_ms: at(1),
            expires_ms: at(2),
        };
        if entry.issued_ms > entry.refresh_ms || entry.refresh_ms > entry.expires_ms {
            return Err(OpenError::Content);
        }
        Ok(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer(secret: &str) -> (Sealer, Keys) {
        let credentials = Credentials::builder("https://a.example/t", "id", secret)
            .build()
            .unwrap();
        let keys = Keys::derive(&credentials);
        (Sealer::new(&credentials, &keys), keys)
    }

    fn entry() -> Entry {
        Entry {
            token: AccessToken::new("tok-123").unwrap(),
            issued_ms: 1_000,
            refresh_ms: 1_750,
            expires_ms: 2_000,
        }
    }

    #[test]
    fn round_trip_hides_the_token() {
        let (sealer, _) = sealer("secret-1");
        let sealed = sealer.seal(&entry()).unwrap();
        assert!(!sealed.windows(7).any(|w| w == b"tok-123"));
        assert_ne!(
            sealer.seal(&entry()).unwrap(),
            sealed,
            "fresh nonce per seal"
        );
        let opened = sealer.open(&sealed).unwrap();
        assert_eq!(opened.token.expose_secret(), "tok-123");
        assert_eq!(
            (opened.issued_ms, opened.refresh_ms, opened.expires_ms),
            (1_000, 1_750, 2_000)
        );
    }

    #[test]
    fn refuses_tampered_foreign_and_garbage() {
        let (sealer_1, _) = sealer("secret-1");
        let (sealer_2, _) = sealer("secret-2");
        let sealed = sealer_1.seal(&entry()).unwrap();
        assert!(matches!(
            sealer_2.open(&sealed),
            Err(OpenError::Authentication)
        ));
        for i in [4, 30, sealed.len() - 1] {
            let mut tampered = sealed.clone();
            tampered[i] ^= 1;
            assert!(
                matches!(sealer_1.open(&tampered), Err(OpenError::Authentication)),
                "{i}"
            );
        }
        for garbage in [&b""[..], b"nxa1", b"plain-token", &sealed[..20]] {
            assert!(matches!(sealer_1.open(garbage), Err(OpenError::Format)));
        }
    }
}
