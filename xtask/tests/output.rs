//! The output side of `cargo xtask generate`: an all-or-nothing write that keeps file modes,
//! `--check` covering only the generated files, and drift messages that say whether the spec
//! changed or the generated code was edited by hand.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use xtask::header::SpecStamp;
use xtask::{ChangeCause, Drift};

fn root() -> PathBuf {
    xtask::workspace_root()
}

fn main_spec() -> PathBuf {
    root().join("openapi/nxtsoft.yaml")
}

/// A copy of the committed generated crates' sources (generated and hand-written; the client's,
/// the mock crate's and the CLI's) in a temp dir.
fn copy_of_generated() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    for dir in ["src", "mock/src", "cli/src"] {
        std::fs::create_dir_all(out.path().join(dir)).unwrap();
        for entry in std::fs::read_dir(root().join("generated").join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let copy = out.path().join(dir).join(path.file_name().unwrap());
            std::fs::copy(&path, &copy).unwrap();
            std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
    }
    out
}

/// Every entry under `dir`: a file's bytes and mode, or a directory's mode.
fn tree(dir: &Path) -> BTreeMap<PathBuf, (Option<Vec<u8>>, u32)> {
    let mut entries = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o7777;
            if path.is_dir() {
                pending.push(path.clone());
                entries.insert(path, (None, mode));
            } else {
                let bytes = std::fs::read(&path).unwrap();
                entries.insert(path, (Some(bytes), mode));
            }
        }
    }
    entries
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Runs the xtask binary under a shell with the given umask.
fn xtask_with_umask(umask: &str, args: &[&std::ffi::OsStr]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .unwrap()
}

fn xtask(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .unwrap()
}

/// The main spec with its `info.version` replaced, in a temp dir.
fn spec_with_version(dir: &Path, version: &str) -> PathBuf {
    let text = std::fs::read_to_string(main_spec()).unwrap();
    let changed = text.replacen(
        "  version: 0.1.0-reconstructed",
        &format!("  version: {version}"),
        1,
    );
    assert_ne!(text, changed, "the spec's info.version line moved");
    let path = dir.join("nxtsoft.yaml");
    std::fs::write(&path, changed).unwrap();
    path
}

/// One target cannot be written (a directory stands where `src/security.rs` goes; the tests
/// run as root, so a read-only mode would not stop the write): the error names it, and every
/// other file, including one that would have been rewritten first and a stale one that would
/// have been removed, keeps its content and mode. Nothing staged is left behind.
#[test]
fn generate_is_all_or_nothing() {
    let out = copy_of_generated();
    let src = out.path().join("src");
    let client = src.join("client.rs");
    std::fs::write(&client, "// Generated from an older spec\n").unwrap();
    std::fs::set_permissions(&client, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::fs::write(
        src.join("old_module.rs"),
        "// Generated from an older spec\n",
    )
    .unwrap();
    std::fs::remove_file(src.join("security.rs")).unwrap();
    std::fs::create_dir(src.join("security.rs")).unwrap();
    std::fs::write(src.join("security.rs/keep"), "not a generated file").unwrap();
    let before = tree(out.path());

    let error = xtask::generate(&main_spec(), out.path()).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains(&format!(
            "cannot write {}",
            src.join("security.rs").display()
        )),
        "{message}"
    );
    assert!(
        message.contains("No generated file was changed"),
        "{message}"
    );
    assert_eq!(before, tree(out.path()), "a failed run changed the output");

    // Once the obstacle is gone, the same run writes all three changes.
    std::fs::remove_dir_all(src.join("security.rs")).unwrap();
    assert_eq!(xtask::generate(&main_spec(), out.path()).unwrap(), 3);
    assert!(!src.join("old_module.rs").exists());
    assert!(xtask::check(&main_spec(), out.path()).unwrap().is_empty());
}

/// A rewritten file keeps its mode (0640 stays 0640, 0755 stays 0755); a new file gets 0666
/// under the umask (0644 with 022, 0600 with 077), never tempfile's 0600 regardless.
#[test]
fn written_files_keep_their_modes_and_new_files_follow_the_umask() {
    for (umask, new_mode) in [("022", 0o644), ("077", 0o600)] {
        let out = copy_of_generated();
        let src = out.path().join("src");
        std::fs::write(src.join("client.rs"), "// Generated from an older spec\n").unwrap();
        std::fs::set_permissions(
            src.join("client.rs"),
            std::fs::Permissions::from_mode(0o640),
        )
        .unwrap();
        std::fs::remove_file(src.join("security.rs")).unwrap();
        std::fs::set_permissions(src.join("lib.rs"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
        let lib_before = std::fs::read(src.join("lib.rs")).unwrap();

        let run = xtask_with_umask(
            umask,
            &[
                "generate".as_ref(),
                "--out".as_ref(),
                out.path().as_os_str(),
            ],
        );
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(
            String::from_utf8_lossy(&run.stdout).contains("wrote 2 file(s)"),
            "{}",
            String::from_utf8_lossy(&run.stdout)
        );
        assert_eq!(mode(&src.join("client.rs")), 0o640, "umask {umask}");
        assert_eq!(mode(&src.join("security.rs")), new_mode, "umask {umask}");
        // The hand-written files are neither rewritten nor re-moded.
        assert_eq!(mode(&src.join("lib.rs")), 0o755);
        assert_eq!(std::fs::read(src.join("lib.rs")).unwrap(), lib_before);
        assert!(xtask::check(&main_spec(), out.path()).unwrap().is_empty());
    }
}

/// `--check` covers exactly the generated files: the hand-written `lib.rs` and `hooks.rs` can be
/// edited or even be missing without a report; the generated ones cannot.
#[test]
fn check_covers_only_the_generated_files() {
    let out = copy_of_generated();
    let src = out.path().join("src");
    std::fs::write(src.join("lib.rs"), "// edited by hand, as it should be\n").unwrap();
    std::fs::remove_file(src.join("hooks.rs")).unwrap();
    assert_eq!(xtask::check(&main_spec(), out.path()).unwrap(), []);

    std::fs::remove_file(src.join("security.rs")).unwrap();
    let drift = xtask::check(&main_spec(), out.path()).unwrap();
    assert_eq!(
        drift,
        [Drift::Missing {
            path: src.join("security.rs")
        }]
    );
}

/// A spec with another `info.version`: `--check` first says the files come from a different
/// spec, naming both versions and hashes, then prints the diff.
#[test]
fn check_says_the_spec_changed_before_the_diff() {
    let dir = tempfile::tempdir().unwrap();
    let spec = spec_with_version(dir.path(), "0.2.0");
    let out = copy_of_generated();
    let committed = std::fs::read_to_string(out.path().join("src/client.rs")).unwrap();
    let old = SpecStamp::read(&committed).expect("the committed client records its spec");
    assert_eq!(old.version, "0.1.0-reconstructed");
    let new = SpecStamp::new("0.2.0", &std::fs::read(&spec).unwrap());
    assert_ne!(old.hash, new.hash);

    let run = xtask(&[
        "generate".as_ref(),
        "--check".as_ref(),
        "--spec".as_ref(),
        spec.as_os_str(),
        "--out".as_ref(),
        out.path().as_os_str(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&run.stdout);
    let expected = format!(
        "{}: generated from a different spec (version 0.1.0-reconstructed hash {}; spec now version 0.2.0 hash {})",
        out.path().join("src/client.rs").display(),
        old.hash,
        new.hash
    );
    // Each generated file (the mock crate's sorts first) says why before its diff.
    let said = stdout
        .lines()
        .position(|line| line == expected)
        .expect("the cause is said");
    let diff = stdout
        .lines()
        .position(|line| line == "--- a/src/client.rs (on disk)")
        .expect("a diff");
    assert_eq!(diff, said + 1, "{stdout}");
    assert!(
        stdout.contains(&format!("+// Spec: version 0.2.0, sha256 {}.", new.hash)),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("generated from a different spec"),
        "{stderr}"
    );
}

/// The same version with other bytes (a comment added) is a different spec too: the hash says so.
#[test]
fn a_spec_edit_that_keeps_the_version_is_still_a_different_spec() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("nxtsoft.yaml");
    let mut text = std::fs::read_to_string(main_spec()).unwrap();
    text.push_str("# a comment\n");
    std::fs::write(&spec, &text).unwrap();
    let out = copy_of_generated();
    let drift = xtask::check(&spec, out.path()).unwrap();
    let Some(Drift::Changed { cause, .. }) = drift.first() else {
        panic!("{drift:?}")
    };
    let ChangeCause::DifferentSpec {
        on_disk: Some(on_disk),
        now,
    } = cause
    else {
        panic!("{cause:?}")
    };
    assert_eq!(on_disk.version, now.version);
    assert_ne!(on_disk.hash, now.hash);
    assert_eq!(now, &SpecStamp::new("0.1.0-reconstructed", text.as_bytes()));
}

/// The header records the current spec but the body differs: edited by hand.
#[test]
fn check_says_generated_code_was_edited_by_hand() {
    let out = copy_of_generated();
    let security = out.path().join("src/security.rs");
    let edited = std::fs::read_to_string(&security)
        .unwrap()
        .replace("transactions/mock", "transactions/edited");
    std::fs::write(&security, edited).unwrap();

    let run = xtask(&[
        "generate".as_ref(),
        "--check".as_ref(),
        "--out".as_ref(),
        out.path().as_os_str(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&run.stdout);
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&format!(
            "{}: generated code was edited by hand",
            security.display()
        )),
        "{stdout}"
    );
    assert!(!stdout.contains("different spec"), "{stdout}");
    assert!(
        stdout.contains("-            Scope::TransactionsMock => \"transactions/edited\","),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("edited by hand"), "{stderr}");
}

/// A file that lost its generated header was rewritten by hand; a header without the spec
/// stamp comes from an older xtask, so the spec it was generated from is unknown.
#[test]
fn a_file_without_the_header_was_edited_by_hand_one_without_a_stamp_is_from_an_unknown_spec() {
    let out = copy_of_generated();
    let client = out.path().join("src/client.rs");
    let security = out.path().join("src/security.rs");
    std::fs::write(&client, "// hand edit\n").unwrap();
    let unstamped: String = std::fs::read_to_string(&security)
        .unwrap()
        .lines()
        .filter(|line| !line.starts_with("// Spec: "))
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::write(&security, unstamped).unwrap();

    let drift = xtask::check(&main_spec(), out.path()).unwrap();
    let causes: Vec<(&Path, &ChangeCause)> = drift
        .iter()
        .filter_map(|item| match item {
            Drift::Changed { path, cause, .. } => Some((path.as_path(), cause)),
            _ => None,
        })
        .collect();
    assert_eq!(causes.len(), 2, "{drift:?}");
    assert_eq!(causes[0], (client.as_path(), &ChangeCause::EditedByHand));
    assert!(
        matches!(
            causes[1],
            (path, ChangeCause::DifferentSpec { on_disk: None, .. }) if path == security
        ),
        "{causes:?}"
    );
    assert!(
        drift[1]
            .to_string()
            .contains("generated from a different spec (no version or hash recorded; spec now version 0.1.0-reconstructed hash "),
        "{}",
        drift[1]
    );
}
