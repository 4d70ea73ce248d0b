//! An all-or-nothing change to the generated files: every new file is staged next to its
//! target first, then all are swapped in, keeping a backup of each file replaced or removed;
//! if any step fails, every step already done is undone.

use std::fs::{self, Permissions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::{GeneratedFiles, stale_files};
use crate::error::GenerateError;

/// A prepared change to the generated files: new contents staged as temporary files in their
/// target directories, stale files listed. Nothing visible has changed until [`commit`]; dropping
/// an uncommitted transaction deletes the staged files (but not directories it created: call
/// [`Transaction::abandon`] for that).
///
/// Written files keep the permissions of the files they replace; new files get `0o666` under the
/// process umask (`0o644` with the usual `022`), as a plain `File::create` would.
///
/// [`commit`]: Transaction::commit
#[derive(Debug)]
pub struct Transaction {
    changes: Vec<Change>,
    /// Directories created to hold new files, outermost first.
    created_dirs: Vec<PathBuf>,
}

/// One file to change.
#[derive(Debug)]
enum Change {
    /// Replace an existing file with the staged one.
    Replace {
        path: PathBuf,
        staged: NamedTempFile,
    },
    /// Move the staged file to a path where nothing is.
    Create {
        path: PathBuf,
        staged: NamedTempFile,
    },
    /// Remove a generated file the spec no longer produces.
    Remove { path: PathBuf },
}

/// A change already made, with what is needed to undo it.
#[derive(Debug)]
enum Done {
    Replaced { path: PathBuf, backup: PathBuf },
    Created { path: PathBuf },
    Removed { path: PathBuf, backup: PathBuf },
}

impl Transaction {
    /// Stages every file of `files` that differs from what is under `out_dir`, and lists the
    /// stale generated files. On error nothing under `out_dir` has changed.
    pub fn prepare(out_dir: &Path, files: &GeneratedFiles) -> Result<Self, GenerateError> {
        let mut transaction = Self {
            changes: Vec::new(),
            created_dirs: Vec::new(),
        };
        for (relative, contents) in files {
            let path = out_dir.join(relative);
            if let Err(source) = transaction.stage(&path, contents) {
                transaction.abandon();
                return Err(GenerateError::Write { path, source });
            }
        }
        for path in stale_files(out_dir, files) {
            transaction.changes.push(Change::Remove { path });
        }
        Ok(transaction)
    }

    /// How many files the transaction writes or removes.
    pub fn len(&self) -> usize {
        self.changes.len()
    }

    /// Whether the files on disk are already what the transaction would write.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The paths the transaction writes or removes, in the order it does so.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.changes.iter().map(|change| match change {
            Change::Replace { path, .. }
            | Change::Create { path, .. }
            | Change::Remove { path } => path.as_path(),
        })
    }

    /// Drops the staged files and removes the directories `prepare` created.
    pub fn abandon(mut self) {
        self.changes.clear();
        remove_dirs(&self.created_dirs);
    }

    /// Swaps every staged file in and removes the stale ones. If any step fails, the steps
    /// already done are undone, so every file is exactly as before (content and permissions),
    /// and the error names the file that could not be written. Returns how many files changed.
    pub fn commit(self) -> Result<usize, GenerateError> {
        let count = self.changes.len();
        let mut done = Vec::with_capacity(count);
        for change in self.changes {
            match apply(change) {
                Ok(step) => done.push(step),
                Err((path, source)) => {
                    return Err(match undo(done, &self.created_dirs) {
                        Ok(()) => GenerateError::Write { path, source },
                        Err((undo_path, previous, undo_source)) => GenerateError::WriteNotUndone {
                            path,
                            source,
                            undo_path,
                            previous,
                            undo_source,
                        },
                    });
                }
            }
        }
        for step in done {
            if let Done::Replaced { backup, .. } | Done::Removed { backup, .. } = step {
                // The swap succeeded; a backup that cannot be removed is only clutter, and its
                // name does not end in `.rs`, so nothing compiles or reports it.
                let _ = fs::remove_file(backup);
            }
        }
        Ok(count)
    }

    /// Stages `contents` for `path` unless the file already holds exactly that.
    fn stage(&mut self, path: &Path, contents: &str) -> io::Result<()> {
        let existing = match fs::read(path) {
            Ok(bytes) if bytes == contents.as_bytes() => return Ok(()),
            Ok(_) => Some(fs::metadata(path)?.permissions()),
            Err(error) if error.kind() == io::ErrorKind::NotFound => None,
            Err(error) => return Err(error),
        };
        let dir = path.parent().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "the path has no parent directory",
            )
        })?;
        self.create_dirs(dir)?;
        let mut builder = tempfile::Builder::new();
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = format!(".{name}.");
        builder.prefix(&prefix).suffix(".xtask-new");
        if let Some(permissions) = new_file_permissions() {
            builder.permissions(permissions);
        }
        let mut staged = builder.tempfile_in(dir)?;
        staged.write_all(contents.as_bytes())?;
        staged.as_file().sync_all()?;
        match existing {
            Some(permissions) => {
                // Exactly the old permissions, not filtered through the umask.
                staged.as_file().set_permissions(permissions)?;
                self.changes.push(Change::Replace {
                    path: path.to_path_buf(),
                    staged,
                });
            }
            None => self.changes.push(Change::Create {
                path: path.to_path_buf(),
                staged,
            }),
        }
        Ok(())
    }

    /// Creates `dir` and its missing ancestors, remembering them for [`Transaction::abandon`].
    fn create_dirs(&mut self, dir: &Path) -> io::Result<()> {
        let missing: Vec<&Path> = dir
            .ancestors()
            .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
            .collect();
        for dir in missing.into_iter().rev() {
            fs::create_dir(dir)?;
            self.created_dirs.push(dir.to_path_buf());
        }
        Ok(())
    }
}

/// Makes one change; on failure, nothing of that change is left behind.
fn apply(change: Change) -> Result<Done, (PathBuf, io::Error)> {
    match change {
        Change::Replace { path, staged } => {
            let backup = backup_of(&path).map_err(|error| (path.clone(), error))?;
            match staged.persist(&path) {
                Ok(_) => Ok(Done::Replaced { path, backup }),
                Err(error) => {
                    let _ = fs::remove_file(&backup);
                    Err((path, error.error))
                }
            }
        }
        Change::Create { path, staged } => match staged.persist_noclobber(&path) {
            Ok(_) => Ok(Done::Created { path }),
            Err(error) => Err((path, error.error)),
        },
        Change::Remove { path } => {
            let backup = unused_backup_path(&path);
            match fs::rename(&path, &backup) {
                Ok(()) => Ok(Done::Removed { path, backup }),
                Err(error) => Err((path, error)),
            }
        }
    }
}

/// Undoes `done`, last step first, then removes the directories created. On failure: the file
/// that could not be restored, what it held before, and why.
fn undo(done: Vec<Done>, created_dirs: &[PathBuf]) -> Result<(), (PathBuf, String, io::Error)> {
    let mut first_failure = None;
    for step in done.into_iter().rev() {
        let outcome = match &step {
            Done::Replaced { path, backup } | Done::Removed { path, backup } => {
                fs::rename(backup, path).map_err(|error| {
                    let previous = format!("its previous content is at {}", backup.display());
                    (path.clone(), previous, error)
                })
            }
            Done::Created { path } => fs::remove_file(path)
                .map_err(|error| (path.clone(), "it did not exist before".to_owned(), error)),
        };
        if let Err(failure) = outcome {
            first_failure.get_or_insert(failure);
        }
    }
    remove_dirs(created_dirs);
    first_failure.map_or(Ok(()), Err)
}

/// A second name for `path`'s file (a hard link, or a copy where links are not supported), so
/// replacing `path` keeps the old file, inode and permissions included.
fn backup_of(path: &Path) -> io::Result<PathBuf> {
    let backup = unused_backup_path(path);
    if fs::hard_link(path, &backup).is_err() {
        fs::copy(path, &backup)?;
    }
    Ok(backup)
}

/// A path next to `path` that does not exist yet and never ends in `.rs`.
fn unused_backup_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut attempt = 0_u32;
    loop {
        let candidate = path.with_file_name(format!(
            ".{name}.{}-{attempt}.xtask-old",
            std::process::id()
        ));
        if !candidate.exists() {
            return candidate;
        }
        attempt += 1;
    }
}

/// Removes the (empty) directories in `dirs`, innermost first; ones that are not empty stay.
fn remove_dirs(dirs: &[PathBuf]) {
    for dir in dirs.iter().rev() {
        let _ = fs::remove_dir(dir);
    }
}

/// The mode new files are created with, before the umask: `0o666`, like `File::create`
/// (tempfile's default is `0o600`).
#[cfg(unix)]
fn new_file_permissions() -> Option<Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(Permissions::from_mode(0o666))
}

/// Elsewhere, tempfile's defaults are those of a plain new file.
#[cfg(not(unix))]
fn new_file_permissions() -> Option<Permissions> {
    None
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn files(entries: &[(&str, &str)]) -> GeneratedFiles {
        entries
            .iter()
            .map(|(path, text)| (PathBuf::from(path), (*text).to_owned()))
            .collect()
    }

    /// A failure in the middle of the swap (after a file was already replaced) undoes
    /// everything: the replaced file, the created file and the removed stale file.
    #[test]
    fn a_failure_while_swapping_undoes_every_step() {
        let out = tempfile::tempdir().unwrap();
        let src = out.path().join("src");
        fs::create_dir(&src).unwrap();
        fs::write(src.join("a.rs"), "old a").unwrap();
        fs::set_permissions(src.join("a.rs"), Permissions::from_mode(0o640)).unwrap();
        fs::write(src.join("old.rs"), "// Generated from an older spec\n").unwrap();
        fs::write(src.join("lib.rs"), "hand-written").unwrap();
        let before = names(&src);

        let wanted = files(&[
            ("src/a.rs", "new a"),
            ("src/b.rs", "new b"),
            ("src/c.rs", "new c"),
        ]);
        let transaction = Transaction::prepare(out.path(), &wanted).unwrap();
        assert_eq!(transaction.len(), 4, "a, b, c and the stale old.rs");
        // Something takes c.rs's place between prepare and commit: its swap fails.
        fs::create_dir(src.join("c.rs")).unwrap();
        let error = transaction.commit().unwrap_err();

        let message = error.to_string();
        assert!(message.contains("c.rs"), "{message}");
        assert!(
            message.contains("No generated file was changed"),
            "{message}"
        );
        assert_eq!(fs::read_to_string(src.join("a.rs")).unwrap(), "old a");
        assert_eq!(mode(&src.join("a.rs")), 0o640);
        assert!(!src.join("b.rs").exists());
        assert!(src.join("old.rs").exists());
        fs::remove_dir(src.join("c.rs")).unwrap();
        assert_eq!(names(&src), before, "no staged file or backup left behind");
    }

    #[test]
    fn a_commit_keeps_modes_and_leaves_no_backup() {
        let out = tempfile::tempdir().unwrap();
        let src = out.path().join("src");
        fs::create_dir(&src).unwrap();
        fs::write(src.join("a.rs"), "old a").unwrap();
        fs::set_permissions(src.join("a.rs"), Permissions::from_mode(0o604)).unwrap();
        fs::write(src.join("old.rs"), "// Generated from an older spec\n").unwrap();

        let wanted = files(&[("src/a.rs", "new a")]);
        assert_eq!(write_all(out.path(), &wanted), 2);
        assert_eq!(fs::read_to_string(src.join("a.rs")).unwrap(), "new a");
        assert_eq!(mode(&src.join("a.rs")), 0o604);
        assert_eq!(names(&src), ["a.rs"]);
        assert_eq!(
            write_all(out.path(), &wanted),
            0,
            "nothing to do the second time"
        );
    }

    #[test]
    fn an_abandoned_transaction_leaves_no_trace() {
        let out = tempfile::tempdir().unwrap();
        let wanted = files(&[("src/nested/a.rs", "a")]);
        let transaction = Transaction::prepare(out.path(), &wanted).unwrap();
        assert_eq!(
            transaction.paths().collect::<Vec<_>>(),
            [out.path().join("src/nested/a.rs")]
        );
        transaction.abandon();
        assert!(names(out.path()).is_empty());
    }

    fn write_all(out: &Path, wanted: &GeneratedFiles) -> usize {
        Transaction::prepare(out, wanted).unwrap().commit().unwrap()
    }
}
