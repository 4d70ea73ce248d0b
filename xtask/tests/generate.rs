//! `cargo xtask generate`: determinism, `--check`, the API-surface snapshot, and every bad spec
//! ending in its clear error with the output directory untouched.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    xtask::workspace_root()
}

fn main_spec() -> PathBuf {
    root().join("openapi/nxtsoft.yaml")
}

fn bad_spec(name: &str) -> PathBuf {
    root().join("tests/fixtures/bad-specs").join(name)
}

/// Every file under `dir` with its bytes, to prove a failed run touched nothing.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// A copy of the committed generated crates' sources (the client's, the mock crate's and the
/// CLI's) in a temp dir.
fn copy_of_generated() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    for dir in ["src", "mock/src", "cli/src"] {
        std::fs::create_dir_all(out.path().join(dir)).unwrap();
        for entry in std::fs::read_dir(root().join("generated").join(dir)).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, out.path().join(dir).join(path.file_name().unwrap())).unwrap();
        }
    }
    out
}

#[test]
fn generation_is_deterministic() {
    let first = xtask::render(&main_spec()).unwrap();
    let second = xtask::render(&main_spec()).unwrap();
    assert_eq!(first, second);
    assert_eq!(
        first
            .keys()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>(),
        [
            "cli/src/commands.rs",
            "mock/src/mock.rs",
            "src/client.rs",
            "src/security.rs"
        ]
    );
    for text in first.values() {
        assert!(text.starts_with(
            "// Generated from openapi/nxtsoft.yaml by `cargo xtask generate`; do not edit."
        ));
    }
}

#[test]
fn committed_client_matches_the_spec() {
    let drift = xtask::check(&main_spec(), &root().join("generated")).unwrap();
    let shown: Vec<String> = drift.iter().map(ToString::to_string).collect();
    assert!(
        drift.is_empty(),
        "generated/ is stale; run `cargo xtask generate`:\n{}",
        shown.join("\n")
    );
}

#[test]
fn generating_twice_writes_nothing_the_second_time() {
    let out = tempfile::tempdir().unwrap();
    assert_eq!(xtask::generate(&main_spec(), out.path()).unwrap(), 4);
    let before = tree(out.path());
    assert_eq!(xtask::generate(&main_spec(), out.path()).unwrap(), 0);
    assert_eq!(before, tree(out.path()));
    assert!(xtask::check(&main_spec(), out.path()).unwrap().is_empty());
}

#[test]
fn check_reports_a_unified_diff_and_stale_files() {
    let out = copy_of_generated();
    let security = out.path().join("src/security.rs");
    let edited = std::fs::read_to_string(&security)
        .unwrap()
        .replace("transactions/mock", "transactions/edited");
    std::fs::write(&security, edited).unwrap();
    let leftover = out.path().join("src/old_module.rs");
    std::fs::write(&leftover, "// Generated from an older spec\n").unwrap();
    let mock_leftover = out.path().join("mock/src/old_mock.rs");
    std::fs::write(&mock_leftover, "// Generated from an older spec\n").unwrap();

    let drift = xtask::check(&main_spec(), out.path()).unwrap();
    let text: String = drift.iter().map(ToString::to_string).collect();
    assert_eq!(drift.len(), 3, "{text}");
    assert!(text.contains("mock/src/old_mock.rs"), "{text}");
    assert!(text.contains("--- a/src/security.rs (on disk)"), "{text}");
    assert!(
        text.contains("-            Scope::TransactionsMock => \"transactions/edited\","),
        "{text}"
    );
    assert!(
        text.contains("+            Scope::TransactionsMock => \"transactions/mock\","),
        "{text}"
    );
    assert!(text.contains("stale (no longer generated)"), "{text}");

    // generate repairs both: the edited file and the leftover.
    xtask::generate(&main_spec(), out.path()).unwrap();
    assert!(!leftover.exists());
    assert!(!mock_leftover.exists());
    assert!(xtask::check(&main_spec(), out.path()).unwrap().is_empty());
}

#[test]
fn api_surface_snapshot() {
    insta::assert_snapshot!("nxtsoft_surface", xtask::surface(&main_spec()).unwrap());
}

#[test]
fn check_exit_codes_from_the_command() {
    let xtask = env!("CARGO_BIN_EXE_xtask");
    let current = Command::new(xtask)
        .args(["generate", "--check"])
        .output()
        .unwrap();
    assert!(
        current.status.success(),
        "{}",
        String::from_utf8_lossy(&current.stderr)
    );

    let out = copy_of_generated();
    std::fs::write(out.path().join("src/security.rs"), "// hand edit\n").unwrap();
    let stale = Command::new(xtask)
        .args(["generate", "--check", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(stale.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&stale.stdout);
    let stderr = String::from_utf8_lossy(&stale.stderr);
    assert!(stdout.contains("-// hand edit"), "{stdout}");
    assert!(
        stderr.contains("is stale") && stderr.contains("cargo xtask generate"),
        "{stderr}"
    );
}

/// Each bad spec: its clear error (what is wrong, where, and the fix), non-zero exit, no panic,
/// and the output directory byte-for-byte untouched.
#[test]
fn every_bad_spec_fails_clearly_and_touches_nothing() {
    let cases: &[(&str, &[&str])] = &[
        (
            "missing-operation-id.yaml",
            &[
                "operation GET /things",
                "no `operationId`",
                "Fix: add `operationId",
            ],
        ),
        (
            "duplicate-operation-id.yaml",
            &["(get_thing)", "used by another operation", "unique"],
        ),
        (
            "two-success-types.yaml",
            &[
                "POST /things (create_thing)",
                "200 → `Thing`, 201 → `OtherThing`",
                "Fix:",
            ],
        ),
        (
            "success-body-and-empty.yaml",
            &["(create_thing)", "204 → no body", "Fix:"],
        ),
        (
            "two-error-types.yaml",
            &[
                "(get_thing)",
                "error responses",
                "400 → `Problem`, 500 → `OtherProblem`",
            ],
        ),
        (
            "two-request-media-types.yaml",
            &["(create_thing)", "2 media types", "keep one media type"],
        ),
        (
            "inline-collapse.yaml",
            &["(get_thing)", "different inline schemas", "`$ref`"],
        ),
        (
            "path-parameter-not-required.yaml",
            &["(get_thing)", "`id`", "required: true"],
        ),
        (
            "response-without-schema.yaml",
            &["(get_thing)", "without a `schema`"],
        ),
        (
            "openapi-3.1.yaml",
            &["OpenAPI 3.1.0", "only from OpenAPI 3.0.x", "openapi: 3.0.3"],
        ),
        ("swagger-2.yaml", &["OpenAPI 2.0 (Swagger)", "3.0.3"]),
        (
            "no-oauth2-scheme.yaml",
            &["no OAuth2 security scheme", "clientCredentials", "Fix:"],
        ),
        (
            "yaml-syntax-error.yaml",
            &[
                "yaml-syntax-error.yaml:9:6",
                "not valid YAML",
                "line 9, column 6",
            ],
        ),
        (
            "json-syntax-error.json",
            &[
                "json-syntax-error.json:5:70",
                "not valid JSON",
                "trailing comma",
            ],
        ),
        (
            "not-openapi-structure.yaml",
            &["not a valid OpenAPI 3.0 document", "info"],
        ),
        (
            "does-not-exist.yaml",
            &["cannot read the spec", "does-not-exist.yaml", "--spec"],
        ),
    ];
    let corpus: Vec<String> = std::fs::read_dir(root().join("tests/fixtures/bad-specs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for file in &corpus {
        assert!(
            cases.iter().any(|(name, _)| name == file),
            "bad spec {file} has no expectation here"
        );
    }

    let xtask = env!("CARGO_BIN_EXE_xtask");
    for (name, expected) in cases {
        let out = copy_of_generated();
        let before = tree(out.path());
        let run = Command::new(xtask)
            .args(["generate", "--spec"])
            .arg(bad_spec(name))
            .arg("--out")
            .arg(out.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name} panicked: {stderr}");
        assert_eq!(
            stderr.lines().count(),
            1,
            "{name}: one-paragraph error expected: {stderr}"
        );
        for needle in *expected {
            assert!(
                stderr.contains(needle),
                "{name}: expected {needle:?} in: {stderr}"
            );
        }
        assert_eq!(
            before,
            tree(out.path()),
            "{name} touched the output directory"
        );
    }
}

/// The regeneration flow a spec change takes: one extra operation and one renamed field show up
/// in the generated client and in the surface, and the regenerated crate compiles.
#[test]
fn a_changed_spec_regenerates_into_a_crate_that_compiles() {
    let spec = root().join("tests/fixtures/changed/nxtsoft-changed.yaml");
    let workspace = tempfile::tempdir().unwrap();
    let crate_dir = workspace.path().join("generated");
    std::fs::create_dir_all(crate_dir.join("src")).unwrap();
    for hand_written in ["src/lib.rs", "src/hooks.rs"] {
        std::fs::copy(
            root().join("generated").join(hand_written),
            crate_dir.join(hand_written),
        )
        .unwrap();
    }
    xtask::generate(&spec, &crate_dir).unwrap();

    let client = std::fs::read_to_string(crate_dir.join("src/client.rs")).unwrap();
    assert!(client.contains("pub fn get_transaction(&self)"));
    assert!(client.contains("pub memo_lines:"));
    assert!(!client.contains("pub descriptions:"));
    let original = std::fs::read_to_string(root().join("generated/src/client.rs")).unwrap();
    assert!(!original.contains("get_transaction"));

    let surface = xtask::surface(&spec).unwrap();
    assert!(surface.contains("get_transaction: GET /transactions/{transaction_id}"));
    assert!(surface.contains("memo_lines: array of string (optional)"));

    // A throwaway workspace around the regenerated crate: the real manifests, path
    // dependencies made absolute, and the committed lock file so nothing is downloaded.
    let real = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let members_start = real.find("members = [").unwrap();
    let members_end = members_start + real[members_start..].find(']').unwrap() + 1;
    let mut manifest = real.clone();
    manifest.replace_range(members_start..members_end, "members = [\"generated\"]");
    let manifest = manifest
        .lines()
        .filter(|line| !line.starts_with("default-members"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace(
            "path = \"auth\"",
            &format!("path = {:?}", root().join("auth")),
        );
    std::fs::write(workspace.path().join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(
        root().join("Cargo.lock"),
        workspace.path().join("Cargo.lock"),
    )
    .unwrap();
    std::fs::copy(
        root().join("generated/Cargo.toml"),
        crate_dir.join("Cargo.toml"),
    )
    .unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let build = Command::new(cargo)
        .args([
            "check",
            "--offline",
            "--quiet",
            "--package",
            "nxtsoft-client",
        ])
        .current_dir(workspace.path())
        .env("CARGO_TARGET_DIR", root().join("target/fixture-check"))
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "the regenerated crate does not compile:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
}

#[test]
fn the_large_benchmark_spec_generates() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("large.yaml");
    std::fs::write(&spec, xtask::large_spec::large_spec(300)).unwrap();
    let files = xtask::render(&spec).unwrap();
    let client = &files[Path::new("src/client.rs")];
    assert_eq!(client.matches("pub fn op_").count(), 300);
}
