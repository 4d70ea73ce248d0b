//! Redaction of the server's words before they reach an error, a `Debug` or a log line.
//!
//! A token endpoint (or a proxy in front of it) may echo the request back in
//! `error_description` or `error_uri`: the client secret as it went on the wire
//! (form-urlencoded), the Basic credentials (base64 of the encoded `id:secret`), the whole
//! `Authorization` value, or the secret JSON-escaped. Every such form is replaced by
//! `[REDACTED]` **before** control characters are replaced and the text is cut to its length
//! limit, so neither a secret containing control characters or spaces nor one cut in two by
//! the limit slips through.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use secrecy::{ExposeSecret, SecretString};
use url::form_urlencoded;

/// What a redacted form is replaced with.
pub(crate) const REDACTED: &str = "[REDACTED]";

/// Longest server text kept, in characters (after redaction).
const MAX_CHARS: usize = 512;

/// The forms of one client's secret that may come back in a server's text.
pub(crate) struct Redactor {
    /// Longest first, so that a form containing another is replaced whole.
    forms: Vec<SecretString>,
}

impl Redactor {
    /// Every wire form of `secret`, and of the Basic credentials of `client_id` and `secret`.
    pub(crate) fn new(client_id: &str, secret: &str) -> Self {
        let form_encoded =
            |text: &str| form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
        let encoded_secret = form_encoded(secret);
        let percent_encoded = encoded_secret.replace('+', "%20");
        let basic_credentials = format!("{}:{encoded_secret}", form_encoded(client_id));
        let raw_credentials = format!("{client_id}:{secret}");
        let mut forms: Vec<String> = vec![
            secret.to_owned(),
            encoded_secret.clone(),
            percent_encoded.clone(),
            lowercase_escapes(&encoded_secret),
            lowercase_escapes(&percent_encoded),
            json_escaped(secret),
        ];
        for credentials in [&basic_credentials, &raw_credentials] {
            for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
                forms.push(engine.encode(credentials));
            }
        }
        forms.retain(|form| !form.is_empty());
        forms.sort_by_key(|form| std::cmp::Reverse(form.len()));
        forms.dedup();
        Self {
            forms: forms.into_iter().map(SecretString::from).collect(),
        }
    }

    /// `text` with every form of the secret redacted, then control characters replaced (no
    /// log injection), then cut to 512 characters.
    pub(crate) fn clean(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for form in &self.forms {
            let form = form.expose_secret();
            if out.contains(form) {
                out = out.replace(form, REDACTED);
            }
        }
        out.chars()
            .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
            .take(MAX_CHARS)
            .collect()
    }
}

/// `%2B` → `%2b`: some servers re-encode with lowercase hex digits.
fn lowercase_escapes(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut rest = encoded;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let escape = rest.get(at..at + 3).unwrap_or(&rest[at..]);
        out.push_str(&escape.to_ascii_lowercase());
        rest = &rest[at + escape.len()..];
    }
    out.push_str(rest);
    out
}

/// The secret as it appears inside a JSON string (quotes, backslashes, control characters
/// escaped).
fn json_escaped(secret: &str) -> String {
    let quoted = serde_json::Value::from(secret).to_string();
    quoted[1..quoted.len() - 1].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "client 1";
    const SECRET: &str = "p@ss+w/rd: %&=\n\"x\\y";

    fn leaks(text: &str) -> bool {
        let encoded: String = form_urlencoded::byte_serialize(SECRET.as_bytes()).collect();
        text.contains(SECRET) || text.contains(&encoded) || text.contains("p@ss")
    }

    #[test]
    fn every_wire_form_is_redacted() {
        let redactor = Redactor::new(ID, SECRET);
        let encoded: String = form_urlencoded::byte_serialize(SECRET.as_bytes()).collect();
        let id: String = form_urlencoded::byte_serialize(ID.as_bytes()).collect();
        let basic = STANDARD.encode(format!("{id}:{encoded}"));
        for echoed in [
            format!("bad secret {SECRET}!"),
            format!("client_id={id}&client_secret={encoded}&grant_type=client_credentials"),
            format!("client_secret={}", encoded.replace('+', "%20")),
            format!("client_secret={}", lowercase_escapes(&encoded)),
            format!("Authorization: Basic {basic}"),
            format!(
                "credentials {}",
                URL_SAFE_NO_PAD.encode(format!("{id}:{encoded}"))
            ),
            format!("{{\"client_secret\":{}}}", serde_json::Value::from(SECRET)),
        ] {
            let cleaned = redactor.clean(&echoed);
            assert!(!leaks(&cleaned), "{echoed:?} -> {cleaned:?}");
            assert!(!cleaned.contains(&basic), "{cleaned:?}");
            assert!(cleaned.contains(REDACTED), "{cleaned:?}");
        }
    }

    #[test]
    fn redaction_comes_before_the_length_limit_and_control_characters() {
        let redactor = Redactor::new(ID, SECRET);
        // The secret straddles the 512-character limit.
        let text = format!("{}{SECRET}", "a".repeat(MAX_CHARS - 4));
        let cleaned = redactor.clean(&text);
        assert!(!cleaned.contains("p@s"), "{cleaned:?}");
        assert_eq!(cleaned.chars().count(), MAX_CHARS);
        // A secret with a newline is still recognised, and the text has no control character.
        let cleaned = redactor.clean(&format!("echo: {SECRET}\r\nX-Injected: 1"));
        assert!(!leaks(&cleaned));
        assert!(!cleaned.chars().any(char::is_control), "{cleaned:?}");
    }

    #[test]
    fn plain_text_is_kept() {
        let redactor = Redactor::new(ID, SECRET);
        assert_eq!(redactor.clean("invalid client"), "invalid client");
        assert_eq!(redactor.clean("a\tb"), "a\u{FFFD}b");
    }
}
