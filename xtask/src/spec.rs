//! Loading the OpenAPI document: syntax errors with line and column, the version check, then
//! the untyped document the overlays and normalisation passes work on.
//!
//! Numbers beyond 64 bits (legal in YAML and JSON, and found in real specs as "no bound") are
//! read as floats, so only a document that is not valid YAML (or JSON) is reported as such.

use std::path::{Path, PathBuf};

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::error::GenerateError;
use crate::normalise::{self, Recorder, Report};

/// A parsed spec together with where it came from.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The path it was read from.
    pub path: PathBuf,
    /// The typed document.
    pub document: OpenAPI,
}

/// Reads the spec at `path` into an untyped document (YAML, or JSON when the text starts with `{`).
pub fn read_value(path: &Path) -> Result<Value, GenerateError> {
    let bytes = std::fs::read(path).map_err(|source| GenerateError::ReadSpec {
        path: path.to_path_buf(),
        source,
    })?;
    parse_value(path, &bytes)
}

/// Reads and parses the spec at `path`, normalised with default options and no overlays.
pub fn load(path: &Path) -> Result<LoadedSpec, GenerateError> {
    let bytes = std::fs::read(path).map_err(|source| GenerateError::ReadSpec {
        path: path.to_path_buf(),
        source,
    })?;
    let document = parse(path, &bytes)?;
    Ok(LoadedSpec {
        path: path.to_path_buf(),
        document,
    })
}

/// Parses spec text into the typed model, normalised (not strict, no overlays). `path` is only
/// used in messages. Never panics, whatever the bytes.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<OpenAPI, GenerateError> {
    let value = parse_value(path, bytes)?;
    check_version(path, &value, false)?;
    let mut report = Report::default();
    normalise::document(path, value, &mut Recorder::new(&mut report, false))
}

/// Parses YAML or JSON text into a `serde_json::Value`. `path` is only used in messages.
pub fn parse_value(path: &Path, bytes: &[u8]) -> Result<Value, GenerateError> {
    let text = std::str::from_utf8(bytes).map_err(|error| {
        let (line, column) = line_column(bytes, error.valid_up_to());
        GenerateError::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            format: "UTF-8 text",
            message: error.to_string(),
        }
    })?;
    if text.trim_start().starts_with('{') {
        parse_json(path, text)
    } else {
        parse_yaml(path, text)
    }
}

fn parse_json(path: &Path, text: &str) -> Result<Value, GenerateError> {
    serde_json::from_str(text).map_err(|error| GenerateError::Syntax {
        path: path.to_path_buf(),
        line: error.line(),
        column: error.column(),
        format: "JSON",
        message: error.to_string(),
    })
}

fn parse_yaml(path: &Path, text: &str) -> Result<Value, GenerateError> {
    let options = serde_saphyr::Options {
        with_snippet: false,
        ..serde_saphyr::Options::default()
    };
    serde_saphyr::from_str_with_options::<Value>(text, options).map_err(|error| {
        let (line, column) = error.location().map_or((1, 1), |location| {
            (
                usize::try_from(location.line()).unwrap_or(usize::MAX),
                usize::try_from(location.column()).unwrap_or(usize::MAX),
            )
        });
        GenerateError::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            format: "YAML",
            message: one_line(&error.to_string()),
        }
    })
}

/// Collapses a multi-line parser message into one line.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Accepts OpenAPI 3.0.x, and 3.1.x unless `strict` (it is converted to 3.0 later).
pub fn check_version(path: &Path, document: &Value, strict: bool) -> Result<(), GenerateError> {
    let version = match document.get("openapi") {
        Some(Value::String(version)) => version.trim().to_owned(),
        Some(other) => other.to_string(),
        None if document.get("swagger").is_some() => "2.0 (Swagger)".to_owned(),
        None => {
            return Err(GenerateError::Structure {
                path: path.to_path_buf(),
                message:
                    "the top-level `openapi` field is missing, so this is not an OpenAPI document"
                        .to_owned(),
            });
        }
    };
    if version.starts_with("3.0.") || (!strict && version.starts_with("3.1.")) {
        Ok(())
    } else {
        Err(GenerateError::UnsupportedVersion {
            path: path.to_path_buf(),
            version,
            strict,
        })
    }
}

fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}
