//! Workspace tasks for the NXTsoft client: `cargo xtask generate [--check] [--strict]` turns
//! `openapi/nxtsoft.yaml` into the `generated/` crate with progenitor.
//!
//! The pipeline ([`prepare`]): read YAML/JSON → apply the overlays beside the spec
//! ([`overlay`]) → check the version → normalise ([`normalise`]: 3.1 → 3.0, integer bounds,
//! operation ids, media types, `default` responses, inline response schemas) → preflight →
//! security (the spec's, or the workspace fallback) → progenitor.
//!
//! The library half exists so tests can drive generation (and its errors) directly.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod cli;
pub mod codegen;
pub mod error;
pub mod header;
// The codegen benchmark's synthetic specs: used by `cargo xtask bench` and the tests, not API.
#[doc(hidden)]
pub mod large_spec;
pub mod mock;
pub mod naming;
pub mod normalise;
pub mod operations;
pub mod output;
pub mod overlay;
pub mod preflight;
pub mod security;
pub mod spec;
pub mod surface;

use std::path::{Path, PathBuf};

pub use error::GenerateError;
pub use output::{ChangeCause, Drift, GeneratedFiles};

/// The workspace root (the parent of the xtask crate).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// How to treat a spec that needs normalisation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Refuse (as an error naming the pass and the first item) instead of normalising.
    pub strict: bool,
}

/// A spec ready for code generation: overlaid, normalised and checked.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The typed, normalised document.
    pub document: openapiv3::OpenAPI,
    /// Token URL, scopes and per-operation scopes.
    pub security: security::SecurityModel,
    /// The overlay actions applied, in order.
    pub overlays: Vec<overlay::Applied>,
    /// What normalisation did.
    pub report: normalise::Report,
}

impl Prepared {
    /// The report as printed by `cargo xtask generate` and shown in the surface: overlay
    /// actions first, then one line per kind of normalisation (or "none needed").
    pub fn report_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .overlays
            .iter()
            .map(|applied| match applied.matched {
                0 => format!(
                    "warning [overlay] {}: its target matched nothing",
                    applied.action
                ),
                n => format!("overlay {}: {n} node(s)", applied.action),
            })
            .collect();
        lines.extend(self.report.lines());
        lines
    }
}

/// Reads the spec, applies its overlays, normalises and checks it: everything before progenitor.
pub fn prepare(spec_path: &Path, options: Options) -> Result<Prepared, GenerateError> {
    let mut value = spec::read_value(spec_path)?;
    let overlays = overlay::apply_dir(&mut value, &overlay::directory(spec_path))?;
    spec::check_version(spec_path, &value, options.strict)?;
    let mut report = normalise::Report::default();
    let mut recorder = normalise::Recorder::new(&mut report, options.strict);
    let document = normalise::document(spec_path, value, &mut recorder)?;
    preflight::check(&document)?;
    let security = normalise::security_fallback::read(&document, spec_path, &mut recorder)?;
    Ok(Prepared {
        document,
        security,
        overlays,
        report,
    })
}

/// The generated files and the report of what was done to the spec.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The generated files.
    pub files: GeneratedFiles,
    /// [`Prepared::report_lines`].
    pub report: Vec<String>,
}

/// Loads, checks and generates: everything in memory, nothing written.
pub fn render(spec_path: &Path) -> Result<GeneratedFiles, GenerateError> {
    render_with(spec_path, Options::default()).map(|rendered| rendered.files)
}

/// [`render`] with options, returning the report too.
pub fn render_with(spec_path: &Path, options: Options) -> Result<Rendered, GenerateError> {
    let prepared = prepare(spec_path, options)?;
    let stamp = header::SpecStamp::new(&prepared.document.info.version, &spec_inputs(spec_path)?);
    let header = header::header(&spec_label(spec_path), &stamp);
    let files = codegen::generate(&prepared.document, &header, &prepared.security)?;
    Ok(Rendered {
        files,
        report: prepared.report_lines(),
    })
}

/// `cargo xtask generate`: renders and writes; returns how many files changed.
pub fn generate(spec_path: &Path, out_dir: &Path) -> Result<usize, GenerateError> {
    generate_with(spec_path, out_dir, Options::default()).map(|(changed, _)| changed)
}

/// [`generate`] with options; also returns the report of what was done to the spec.
pub fn generate_with(
    spec_path: &Path,
    out_dir: &Path,
    options: Options,
) -> Result<(usize, Vec<String>), GenerateError> {
    let rendered = render_with(spec_path, options)?;
    Ok((output::write(out_dir, &rendered.files)?, rendered.report))
}

/// `cargo xtask generate --check`: renders and compares with `out_dir`.
pub fn check(spec_path: &Path, out_dir: &Path) -> Result<Vec<Drift>, GenerateError> {
    check_with(spec_path, out_dir, Options::default()).map(|(drift, _)| drift)
}

/// [`check`] with options; also returns the report of what was done to the spec.
pub fn check_with(
    spec_path: &Path,
    out_dir: &Path,
    options: Options,
) -> Result<(Vec<Drift>, Vec<String>), GenerateError> {
    let rendered = render_with(spec_path, options)?;
    Ok((output::check(out_dir, &rendered.files), rendered.report))
}

/// The API-surface text of the spec at `spec_path` (what the surface snapshot holds).
pub fn surface(spec_path: &Path) -> Result<String, GenerateError> {
    surface_with(spec_path, Options::default())
}

/// [`surface()`] with options.
pub fn surface_with(spec_path: &Path, options: Options) -> Result<String, GenerateError> {
    let prepared = prepare(spec_path, options)?;
    surface::render(
        &prepared.document,
        &prepared.security,
        &prepared.report_lines(),
    )
}

/// What the generated files are made from, as bytes for their header's hash: the spec file,
/// then each overlay file (its name and bytes) in the order they are applied. A changed
/// overlay is a different spec too.
fn spec_inputs(spec_path: &Path) -> Result<Vec<u8>, GenerateError> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|source| GenerateError::ReadSpec {
            path: path.to_path_buf(),
            source,
        })
    };
    let mut bytes = read(spec_path)?;
    for overlay in overlay::files(&overlay::directory(spec_path))? {
        bytes.extend_from_slice(overlay.to_string_lossy().as_bytes());
        bytes.extend_from_slice(&read(&overlay)?);
    }
    Ok(bytes)
}

/// How generated headers name the spec: relative to the workspace when inside it (so the output
/// does not depend on where the workspace is checked out), else the file name.
fn spec_label(spec_path: &Path) -> String {
    let root = workspace_root();
    let absolute = std::fs::canonicalize(spec_path).unwrap_or_else(|_| spec_path.to_path_buf());
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    match absolute.strip_prefix(&root) {
        Ok(relative) => relative.to_string_lossy().replace('\\', "/"),
        Err(_) => spec_path.file_name().map_or_else(
            || "the spec".to_owned(),
            |name| name.to_string_lossy().into_owned(),
        ),
    }
}
