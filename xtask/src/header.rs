//! The header of every generated file: it says the file is generated and must not be edited,
//! and it records which spec it came from (the spec's `info.version` and a hash of its bytes),
//! so `generate --check` can tell a changed spec from a hand edit.

use std::fmt;

use sha2::{Digest, Sha256};

/// First line of every generated file; also how stale generated files are recognised.
pub const HEADER_PREFIX: &str = "// Generated from ";

/// Start of the header line that records the spec's version and hash.
const STAMP_PREFIX: &str = "// Spec: version ";

/// Separates the version from the hash on the stamp line.
const HASH_SEPARATOR: &str = ", sha256 ";

/// How many hex digits of the SHA-256 are kept: enough to tell two specs apart, short enough
/// to read.
const HASH_HEX_DIGITS: usize = 16;

/// Which spec a generated file came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecStamp {
    /// The spec's `info.version`, escaped so it fits on one line.
    pub version: String,
    /// The first hex digits of the SHA-256 of the spec file's bytes.
    pub hash: String,
}

impl SpecStamp {
    /// The stamp of a spec whose `info.version` is `version` and whose file holds `bytes`.
    pub fn new(version: &str, bytes: &[u8]) -> Self {
        let digest = Sha256::digest(bytes);
        let hash = digest
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect::<String>()
            .chars()
            .take(HASH_HEX_DIGITS)
            .collect();
        Self {
            version: version.escape_debug().to_string(),
            hash,
        }
    }

    /// The stamp recorded in the header of a generated file's `text`, if it has one.
    pub fn read(text: &str) -> Option<Self> {
        let line = text
            .lines()
            .take_while(|line| line.starts_with("//"))
            .find_map(|line| line.strip_prefix(STAMP_PREFIX))?;
        let (version, hash) = line.strip_suffix('.')?.rsplit_once(HASH_SEPARATOR)?;
        Some(Self {
            version: version.to_owned(),
            hash: hash.to_owned(),
        })
    }
}

impl fmt::Display for SpecStamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "version {} hash {}", self.version, self.hash)
    }
}

/// The header that starts every generated file. `spec_label` names the spec (a path relative
/// to the workspace).
pub fn header(spec_label: &str, stamp: &SpecStamp) -> String {
    format!(
        "{HEADER_PREFIX}{spec_label} by `cargo xtask generate`; do not edit.\n\
         // Change the spec or the xtask and run `cargo xtask generate` instead.\n\
         {STAMP_PREFIX}{}{HASH_SEPARATOR}{}.\n\n",
        stamp.version, stamp.hash
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_records_a_stamp_that_reads_back() {
        let stamp = SpecStamp::new("1.2.3\nnext line", b"openapi: 3.0.3\n");
        assert_eq!(stamp.hash.len(), HASH_HEX_DIGITS);
        assert!(stamp.hash.chars().all(|c| c.is_ascii_hexdigit()));
        let text = header("openapi/x.yaml", &stamp) + "pub struct Client;\n";
        assert!(text.starts_with(HEADER_PREFIX));
        assert_eq!(text.lines().take(3).count(), 3);
        assert_eq!(SpecStamp::read(&text), Some(stamp));
    }

    #[test]
    fn different_bytes_give_different_hashes() {
        let a = SpecStamp::new("1.0.0", b"a");
        let b = SpecStamp::new("1.0.0", b"b");
        assert_ne!(a.hash, b.hash);
        // SHA-256("a") starts with ca978112ca1bbdca.
        assert_eq!(a.hash, "ca978112ca1bbdca");
    }

    #[test]
    fn a_file_without_a_stamp_reads_as_none() {
        assert_eq!(
            SpecStamp::read("// Generated from x by y\n\nfn f() {}\n"),
            None
        );
        assert_eq!(
            SpecStamp::read("fn f() {}\n// Spec: version 1, sha256 ab.\n"),
            None
        );
    }
}
