//! Reading a 401's `WWW-Authenticate` challenge (RFC 6750 §3): does the API say the token
//! lacks a scope, which a new token with the same scopes cannot fix?

use http::HeaderMap;
use http::header::WWW_AUTHENTICATE;

/// Whether any `WWW-Authenticate` challenge carries `error="insufficient_scope"`.
pub(crate) fn rejects_scope(headers: &HeaderMap) -> bool {
    headers
        .get_all(WWW_AUTHENTICATE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| {
            auth_params(value).any(|(name, value)| {
                name.eq_ignore_ascii_case("error") && value == "insufficient_scope"
            })
        })
}

/// The `name=value` auth-params of a challenge list, in order, with quoted-string values
/// unescaped. Scheme names and token68 values (no `=` after them) are skipped; commas and
/// `=` inside quoted strings are part of the value.
fn auth_params(header: &str) -> impl Iterator<Item = (String, String)> + '_ {
    let mut rest = header;
    std::iter::from_fn(move || {
        loop {
            rest = rest.trim_start_matches([' ', '\t', ',']);
            if rest.is_empty() {
                return None;
            }
            let name_end = rest.find(['=', ',', ' ', '\t', '"']).unwrap_or(rest.len());
            let name = &rest[..name_end];
            let after = rest[name_end..].trim_start_matches([' ', '\t']);
            let Some(value_text) = after.strip_prefix('=').filter(|v| !v.starts_with('=')) else {
                // A scheme name or a token68: skip it.
                rest = &rest[name_end.max(1).min(rest.len())..];
                continue;
            };
            let value_text = value_text.trim_start_matches([' ', '\t']);
            let (value, consumed) = read_value(value_text);
            rest = &value_text[consumed..];
            return Some((name.to_owned(), value));
        }
    })
}

/// A token or a quoted-string at the start of `text`: its value and the bytes it used.
fn read_value(text: &str) -> (String, usize) {
    let Some(quoted) = text.strip_prefix('"') else {
        let end = text.find([',', ' ', '\t']).unwrap_or(text.len());
        return (text[..end].to_owned(), end);
    };
    let mut value = String::new();
    let mut chars = quoted.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return (value, at + 2),
            '\\' => {
                if let Some((_, escaped)) = chars.next() {
                    value.push(escaped);
                }
            }
            other => value.push(other),
        }
    }
    (value, text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append(WWW_AUTHENTICATE, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn insufficient_scope_is_recognised_in_its_forms() {
        for value in [
            r#"Bearer error="insufficient_scope""#,
            r#"Bearer realm="api", error="insufficient_scope", scope="transactions/post""#,
            r#"Bearer realm="a,b=c" ,ERROR = "insufficient_scope""#,
            "Bearer error=insufficient_scope",
            r#"Basic realm="x", Bearer error="insufficient_scope""#,
        ] {
            assert!(rejects_scope(&headers(&[value])), "{value}");
        }
        assert!(rejects_scope(&headers(&[
            r#"Basic realm="x""#,
            r#"Bearer error="insufficient_scope""#
        ])));
    }

    #[test]
    fn other_challenges_are_not() {
        for value in [
            r#"Bearer error="invalid_token""#,
            r#"Bearer realm="api""#,
            "Bearer",
            r#"Bearer error_description="error=\"insufficient_scope\"", error="invalid_token""#,
            r#"Bearer realm="error=insufficient_scope""#,
            "Negotiate abc==",
            "",
            r#"Bearer error="insufficient_scope"#,
        ] {
            let expected = value == r#"Bearer error="insufficient_scope"#;
            assert_eq!(rejects_scope(&headers(&[value])), expected, "{value}");
        }
        assert!(!rejects_scope(&HeaderMap::new()));
    }
}
