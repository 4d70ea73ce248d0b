//! Workspace tasks for the NXTsoft client: `cargo xtask generate [--check]` turns
//! `openapi/nxtsoft.yaml` into the `generated/` crate with progenitor.
//!
//! The library half exists so tests can drive generation (and its errors) directly.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod cli;
pub mod codegen;
pub mod error;
pub mod header;
// The codegen benchmark's synthetic spec: used by `cargo xtask bench` and the tests, not API.
#[doc(hidden)]
pub mod large_spec;
pub mod mock;
pub mod operations;
pub mod output;
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

/// Loads, checks and generates: everything in memory, nothing written.
pub fn render(spec_path: &Path) -> Result<output::GeneratedFiles, GenerateError> {
    let spec = spec::load(spec_path)?;
    preflight::check(&spec.document)?;
    let security = security::read(&spec.document)?;
    let bytes = std::fs::read(spec_path).map_err(|source| GenerateError::ReadSpec {
        path: spec_path.to_path_buf(),
        source,
    })?;
    let stamp = header::SpecStamp::new(&spec.document.info.version, &bytes);
    let header = header::header(&spec_label(spec_path), &stamp);
    codegen::generate(&spec.document, &header, &security)
}

/// `cargo xtask generate`: renders and writes, all or nothing (see [`output::Transaction`]);
/// returns how many files were written or removed.
pub fn generate(spec_path: &Path, out_dir: &Path) -> Result<usize, GenerateError> {
    let files = render(spec_path)?;
    output::write(out_dir, &files)
}

/// `cargo xtask generate --check`: renders and compares with `out_dir`.
pub fn check(spec_path: &Path, out_dir: &Path) -> Result<Vec<Drift>, GenerateError> {
    let files = render(spec_path)?;
    Ok(output::check(out_dir, &files))
}

/// The API-surface text of the spec at `spec_path` (what the surface snapshot holds).
pub fn surface(spec_path: &Path) -> Result<String, GenerateError> {
    let spec = spec::load(spec_path)?;
    preflight::check(&spec.document)?;
    let security = security::read(&spec.document)?;
    surface::render(&spec.document, &security)
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
