//! Normalisation: the passes that turn a spec as vendors publish it into the form progenitor
//! takes, each one reported and each one refusable with `--strict`.
//!
//! Order (see [`document`]): the OpenAPI 3.1 conversion and the integer-bound pass work on the
//! untyped document; the typed `openapiv3` model then gets derived operation ids, JSON-only
//! media types, `default` as the error response, and hoisted inline response schemas. The
//! security fallback runs last, from [`crate::prepare`].

pub mod default_response;
pub mod inline_responses;
pub mod integer_bounds;
pub mod media_types;
pub mod openapi31;
pub mod operation_ids;
pub mod schemas;
pub mod security_fallback;

use std::fmt;
use std::path::Path;

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::error::GenerateError;

/// How many affected items a report line names before "…".
const SHOWN: usize = 3;

/// One kind of change a pass made, with everything it touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The pass, as `--strict` names it (`default-response`, `media-types`, ...).
    pub pass: &'static str,
    /// What the pass did, e.g. "`default` response made the error response".
    pub what: String,
    /// What it did it to: operations (`GET /pets (list_pets)`) or schemas (a JSON pointer).
    pub subjects: Vec<String>,
    /// A warning rather than a plain note (the spec lacks something the client needs).
    pub warning: bool,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = if self.warning {
            "warning"
        } else {
            "normalised"
        };
        write!(f, "{level} [{}] {}", self.pass, self.what)?;
        if !self.subjects.is_empty() {
            let shown: Vec<&str> = self
                .subjects
                .iter()
                .take(SHOWN)
                .map(String::as_str)
                .collect();
            let more = if self.subjects.len() > SHOWN {
                ", …"
            } else {
                ""
            };
            write!(f, ": {} ({}{more})", self.subjects.len(), shown.join(", "))?;
        }
        Ok(())
    }
}

/// Everything normalisation did to one spec, in pass order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// One entry per kind of change.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Whether the spec went through unchanged.
    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
    }

    /// The report as lines, or one line saying no normalisation was needed.
    pub fn lines(&self) -> Vec<String> {
        if self.findings.is_empty() {
            vec!["normalisation: none needed".to_owned()]
        } else {
            self.findings.iter().map(ToString::to_string).collect()
        }
    }
}

/// Collects one pass's findings and enforces `--strict`.
#[derive(Debug)]
pub struct Recorder<'a> {
    report: &'a mut Report,
    strict: bool,
}

impl<'a> Recorder<'a> {
    /// A recorder adding to `report`; with `strict`, any finding is an error instead.
    pub fn new(report: &'a mut Report, strict: bool) -> Self {
        Recorder { report, strict }
    }

    /// Whether `--strict` is on.
    pub fn strict(&self) -> bool {
        self.strict
    }

    /// Records that `pass` did `what` to `subjects` (nothing when `subjects` is empty). Under
    /// `--strict` this is the error naming the first subject.
    pub fn record(
        &mut self,
        pass: &'static str,
        what: impl Into<String>,
        subjects: Vec<String>,
    ) -> Result<(), GenerateError> {
        self.push(pass, what.into(), subjects, false)
    }

    /// Like [`Recorder::record`], shown as a warning.
    pub fn warn(
        &mut self,
        pass: &'static str,
        what: impl Into<String>,
        subjects: Vec<String>,
    ) -> Result<(), GenerateError> {
        self.push(pass, what.into(), subjects, true)
    }

    fn push(
        &mut self,
        pass: &'static str,
        what: String,
        subjects: Vec<String>,
        warning: bool,
    ) -> Result<(), GenerateError> {
        if subjects.is_empty() {
            return Ok(());
        }
        if self.strict {
            return Err(GenerateError::Strict {
                pass,
                what,
                count: subjects.len(),
                first: subjects.first().cloned().unwrap_or_default(),
            });
        }
        self.report.findings.push(Finding {
            pass,
            what,
            subjects,
            warning,
        });
        Ok(())
    }
}

/// The untyped passes, the typed model, then the typed passes. `value` has had its overlays
/// applied and its version checked (`3.0.x`, or `3.1.x` when not strict).
pub fn document(
    path: &Path,
    mut value: Value,
    recorder: &mut Recorder<'_>,
) -> Result<OpenAPI, GenerateError> {
    openapi31::convert(&mut value, recorder)?;
    integer_bounds::run(&mut value, recorder)?;
    let mut spec: OpenAPI =
        serde_path_to_error::deserialize(value).map_err(|error| GenerateError::Structure {
            path: path.to_path_buf(),
            message: format!("at `{}`: {}", error.path(), error.inner()),
        })?;
    operation_ids::run(&mut spec, recorder)?;
    media_types::run(&mut spec, recorder)?;
    default_response::run(&mut spec, recorder)?;
    inline_responses::run(&mut spec, recorder)?;
    Ok(spec)
}
