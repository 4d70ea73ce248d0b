//! Loading the OpenAPI document: syntax errors with line and column, version checks, then the
//! typed `openapiv3` model.

use std::path::{Path, PathBuf};

use openapiv3::OpenAPI;

use crate::error::GenerateError;

/// A parsed spec together with where it came from.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The path it was read from.
    pub path: PathBuf,
    /// The typed document.
    pub document: OpenAPI,
}

/// Reads and parses the spec at `path` (YAML, or JSON when the text starts with `{`).
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

/// Parses spec text. `path` is only used in messages. Never panics, whatever the bytes.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<OpenAPI, GenerateError> {
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

fn parse_json(path: &Path, text: &str) -> Result<OpenAPI, GenerateError> {
    let syntax = |error: serde_json::Error| GenerateError::Syntax {
        path: path.to_path_buf(),
        line: error.line(),
        column: error.column(),
        format: "JSON",
        message: error.to_string(),
    };
    let value: serde_json::Value = serde_json::from_str(text).map_err(syntax)?;
    check_version(path, value.get("openapi"), value.get("swagger").is_some())?;
    serde_json::from_value(value).map_err(|error| GenerateError::Structure {
        path: path.to_path_buf(),
        message: error.to_string(),
    })
}

fn parse_yaml(path: &Path, text: &str) -> Result<OpenAPI, GenerateError> {
    let syntax = |error: serde_yaml::Error| {
        let (line, column) = error
            .location()
            .map_or((1, 1), |location| (location.line(), location.column()));
        GenerateError::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            format: "YAML",
            message: error.to_string(),
        }
    };
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(syntax)?;
    let as_json = serde_json::to_value(&value).map_err(|error| GenerateError::Structure {
        path: path.to_path_buf(),
        message: format!("it cannot be represented as JSON ({error})"),
    })?;
    check_version(
        path,
        as_json.get("openapi"),
        as_json.get("swagger").is_some(),
    )?;
    serde_yaml::from_str(text).map_err(|error| GenerateError::Structure {
        path: path.to_path_buf(),
        message: error.to_string(),
    })
}

fn check_version(
    path: &Path,
    openapi: Option<&serde_json::Value>,
    is_swagger: bool,
) -> Result<(), GenerateError> {
    let version = match openapi {
        Some(serde_json::Value::String(version)) => version.trim().to_owned(),
        Some(other) => other.to_string(),
        None if is_swagger => "2.0 (Swagger)".to_owned(),
        None => {
            return Err(GenerateError::Structure {
                path: path.to_path_buf(),
                message:
                    "the top-level `openapi` field is missing, so this is not an OpenAPI document"
                        .to_owned(),
            });
        }
    };
    if version.starts_with("3.0.") {
        Ok(())
    } else {
        Err(GenerateError::UnsupportedVersion {
            path: path.to_path_buf(),
            version,
        })
    }
}

fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}
