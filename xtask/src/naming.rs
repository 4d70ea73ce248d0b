//! Rust names made from spec words.

/// `get_thing` → `GetThing`, `transactions/mock` → `TransactionsMock`: every run of ASCII
/// letters and digits, its first letter upper-cased, the rest kept.
pub fn pascal_case(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::pascal_case;

    #[test]
    fn words_are_joined_capitalised() {
        assert_eq!(pascal_case("get_thing"), "GetThing");
        assert_eq!(pascal_case("transactions/mock"), "TransactionsMock");
        assert_eq!(pascal_case("--"), "");
        assert_eq!(pascal_case("aB-9x"), "AB9x");
    }
}
