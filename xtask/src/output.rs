//! Writing generated files atomically, and comparing them with what is on disk (`--check`).

use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::codegen::{GeneratedFiles, HEADER_PREFIX};
use crate::error::GenerateError;

/// How a file on disk differs from what the spec generates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// The file differs; a unified diff from disk to generated.
    Changed {
        /// The file.
        path: PathBuf,
        /// Unified diff.
        diff: String,
    },
    /// The file should exist and does not.
    Missing {
        /// The file.
        path: PathBuf,
    },
    /// A generated file that the spec no longer produces.
    Stale {
        /// The file.
        path: PathBuf,
    },
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::Changed { diff, .. } => f.write_str(diff),
            Drift::Missing { path } => writeln!(f, "missing: {}", path.display()),
            Drift::Stale { path } => writeln!(f, "stale (no longer generated): {}", path.display()),
        }
    }
}

/// Compares `files` with the crate at `out_dir`.
pub fn check(out_dir: &Path, files: &GeneratedFiles) -> Vec<Drift> {
    let mut drift = Vec::new();
    for (relative, wanted) in files {
        let path = out_dir.join(relative);
        match std::fs::read_to_string(&path) {
            Ok(current) if &current == wanted => {}
            Ok(current) => {
                let name = relative.display().to_string();
                let diff = TextDiff::from_lines(current.as_str(), wanted.as_str())
                    .unified_diff()
                    .context_radius(3)
                    .header(
                        &format!("a/{name} (on disk)"),
                        &format!("b/{name} (from the spec)"),
                    )
                    .to_string();
                drift.push(Drift::Changed { path, diff });
            }
            Err(_) => drift.push(Drift::Missing { path }),
        }
    }
    drift.extend(
        stale_files(out_dir, files)
            .into_iter()
            .map(|path| Drift::Stale { path }),
    );
    drift
}

/// Writes `files` under `out_dir`: each through a temporary file in the same directory and a
/// rename, so no reader ever sees a half-written file; then removes generated files the spec
/// no longer produces.
pub fn write(out_dir: &Path, files: &GeneratedFiles) -> Result<usize, GenerateError> {
    let mut written = 0;
    for (relative, contents) in files {
        let path = out_dir.join(relative);
        if std::fs::read_to_string(&path).is_ok_and(|current| &current == contents) {
            continue;
        }
        let dir = path.parent().unwrap_or(out_dir);
        let write_error = |source| GenerateError::Write {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(write_error)?;
        let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(write_error)?;
        std::io::Write::write_all(&mut temp, contents.as_bytes()).map_err(write_error)?;
        temp.persist(&path)
            .map_err(|error| write_error(error.error))?;
        written += 1;
    }
    for path in stale_files(out_dir, files) {
        std::fs::remove_file(&path).map_err(|source| GenerateError::Write { path, source })?;
        written += 1;
    }
    Ok(written)
}

/// `.rs` files under `out_dir/src` that carry the generated header but are not in `files`.
fn stale_files(out_dir: &Path, files: &GeneratedFiles) -> Vec<PathBuf> {
    let mut stale = Vec::new();
    let mut pending = vec![out_dir.join("src")];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs")
                && !path
                    .strip_prefix(out_dir)
                    .is_ok_and(|rel| files.contains_key(rel))
                && std::fs::read_to_string(&path).is_ok_and(|text| text.starts_with(HEADER_PREFIX))
            {
                stale.push(path);
            }
        }
    }
    stale.sort();
    stale
}
