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
    root().join("xtask/tests/fixtures/bad-specs").join(name)
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
            &[
                "(create_thing)",
                "2 media types (application/xml, text/csv)",
                "keep one media type",
            ],
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
            &[
                "schema #/components/schemas/Thing/properties/id",
                "a `type` array with several types",
                "no OpenAPI 3.0 form",
            ],
        ),
        (
            "integer-bound-unsatisfiable.yaml",
            &[
                "schema #/components/schemas/Thing/properties/count",
                "no 64-bit integer",
                "Fix:",
            ],
        ),
        ("swagger-2.yaml", &["OpenAPI 2.0 (Swagger)", "3.0.3"]),
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
    let corpus: Vec<String> = std::fs::read_dir(root().join("xtask/tests/fixtures/bad-specs"))
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

fn fixture(relative: &str) -> PathBuf {
    root().join("xtask/tests/fixtures").join(relative)
}

/// The regeneration flow a spec change takes: one extra operation and one renamed field show up
/// in the generated client and in the surface. (It compiles: see the all-fixtures crate below.)
#[test]
fn a_changed_spec_regenerates_with_the_change() {
    let spec = fixture("changed/nxtsoft-changed.yaml");
    let files = xtask::render(&spec).unwrap();
    let client = &files[Path::new("src/client.rs")];
    assert!(client.contains("pub fn get_transaction(&self)"));
    assert!(client.contains("pub memo_lines:"));
    assert!(!client.contains("pub descriptions:"));
    let original = std::fs::read_to_string(root().join("generated/src/client.rs")).unwrap();
    assert!(!original.contains("get_transaction"));

    let surface = xtask::surface(&spec).unwrap();
    assert!(surface.contains("get_transaction: GET /transactions/{transaction_id}"));
    assert!(surface.contains("memo_lines: array of string (optional)"));
}

/// Every accepted fixture: what the report says was done, and what the surface shows for it.
#[test]
fn each_fixture_reports_its_normalisation() {
    let cases: &[(&str, &[&str])] = &[
        (
            "accepted/fintech-default-errors.yaml",
            &[
                "normalised [default-response] `default` beside a 2xx response made the error response (4XX/5XX): 3 (GET /accounts (list_accounts), GET /accounts/{account_id} (get_account), POST /transfers (create_transfer))",
                "  404: application/json Error\n  4XX: application/json Error\n  5XX: application/json Error\n",
            ],
        ),
        (
            "accepted/petstore-media-types.yaml",
            &[
                "normalised [operation-ids] missing `operationId` derived from method and path: 2 (GET /pets/{petId} → get_pets_by_pet_id, DELETE /pets/{petId} → delete_pets_by_pet_id)",
                "normalised [media-types] several media types: only the JSON one kept: 2 (POST /pets (addPet), GET /pets/{petId} (get_pets_by_pet_id))",
                "normalised [media-types] `+json` media type used as `application/json`: 2",
                "  request: application/json Pet\n  200: application/json Pet\n  405: application/json Problem\n",
            ],
        ),
        (
            "accepted/openapi-31.yaml",
            &[
                "[openapi-3.1] OpenAPI 3.1.0 converted to 3.0.3",
                "`webhooks` dropped (the client does not receive webhooks): 1 (#/webhooks/itemChanged)",
                "3.1-only document fields dropped: 3 (#/jsonSchemaDialect, #/info/summary, #/info/license/identifier)",
                "→ `type: T, nullable: true`: 2 (#/components/schemas/Item/properties/nickname, #/components/schemas/Item/properties/category)",
                "`type: [T]` → `type: T`: 1 (#/components/schemas/Item/properties/stock)",
                "`const: v` → `enum: [v]`: 1 (#/components/schemas/Item/properties/kind)",
                "→ `example` (the first): 1 (#/components/schemas/Item/properties/id)",
                "`exclusive…: true`: 1 (#/components/schemas/Item/properties/price)",
                "annotations beside `$ref` dropped (3.0 ignores them): 1 (#/paths/~1items~1{item_id}/get/responses/200/content/application~1json/schema)",
                "`allOf: [{$ref}]` plus the constraints: 1 (#/components/schemas/Item/properties/parent)",
                "dropped ($schema, $id, $anchor, $comment, contentMediaType): 1 (#/components/schemas/Item)",
                "  kind: enum [item] (required)",
            ],
        ),
        (
            "accepted/no-security-schemes.yaml",
            &[
                "warning [security] no OAuth2 clientCredentials scheme in the spec: token URL https://auth.nxtsoft.com/oauth2/token and scopes from the built-in default",
                "token_url: https://auth.nxtsoft.com/oauth2/token\nscope: transactions/mock (Post a validation message.)\n",
            ],
        ),
        (
            "accepted/big-integer-bound.yaml",
            &[
                "integer bound beyond 64 bits dropped (every 64-bit integer is within it): 3 (#/components/schemas/Delta/properties/by/minimum, #/components/schemas/Delta/properties/by/maximum, #/components/schemas/Counter/properties/value/minimum)",
            ],
        ),
        (
            "overlaid/spec.yaml",
            &[
                "overlay 10-rename.yaml action 1: 1 node(s)\noverlay 20-json-only.yaml action 1: 1 node(s)\nnormalisation: none needed\n",
                "list_inventory: GET /inventory",
                "replaceInventory: PUT /inventory\n  scopes: []\n  request: application/json Inventory\n  204",
            ],
        ),
        (
            "strict/missing-operation-id.yaml",
            &["missing `operationId` derived from method and path: 1 (GET /things → get_things)"],
        ),
        (
            "strict/inline-collapse.yaml",
            &[
                "hoisted to `components.schemas` as <OperationId>Response<Status>: 1 (GET /things (get_thing))",
                "  200: application/json GetThingResponse200\n  400: application/json GetThingResponse400\n",
            ],
        ),
        (
            "strict/no-oauth2-scheme.yaml",
            &["warning [security] no OAuth2 clientCredentials scheme"],
        ),
    ];
    for (name, expected) in cases {
        let surface = xtask::surface(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        for needle in *expected {
            assert!(
                surface.contains(needle),
                "{name}: expected {needle:?} in:\n{surface}"
            );
        }
    }
    assert!(
        !xtask::surface(&fixture("overlaid/spec.yaml"))
            .unwrap()
            .contains("application/xml")
    );
}

/// `--strict` turns each normalisation back into a refusal: one line naming the pass and the
/// first item, exit 1, output untouched.
#[test]
fn strict_refuses_what_normalisation_would_change() {
    let cases: &[(&str, &[&str])] = &[
        (
            "accepted/fintech-default-errors.yaml",
            &[
                "--strict",
                "`default-response`",
                "GET /accounts (list_accounts)",
            ],
        ),
        (
            "accepted/petstore-media-types.yaml",
            &["`operation-ids`", "GET /pets/{petId} → get_pets_by_pet_id"],
        ),
        (
            "accepted/openapi-31.yaml",
            &["OpenAPI 3.1.0", "under --strict", "openapi: 3.0.3"],
        ),
        (
            "accepted/no-security-schemes.yaml",
            &["no OAuth2 security scheme", "clientCredentials", "Fix:"],
        ),
        (
            "accepted/big-integer-bound.yaml",
            &[
                "`integer-bounds`",
                "#/components/schemas/Delta/properties/by/minimum",
            ],
        ),
        (
            "strict/missing-operation-id.yaml",
            &["`operation-ids`", "GET /things → get_things"],
        ),
        (
            "strict/inline-collapse.yaml",
            &["`inline-responses`", "GET /things (get_thing)"],
        ),
        (
            "strict/no-oauth2-scheme.yaml",
            &["no OAuth2 security scheme", "Fix:"],
        ),
    ];
    let xtask = env!("CARGO_BIN_EXE_xtask");
    for (name, expected) in cases {
        let out = copy_of_generated();
        let before = tree(out.path());
        let run = Command::new(xtask)
            .args(["generate", "--strict", "--spec"])
            .arg(fixture(name))
            .arg("--out")
            .arg(out.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{name}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
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
    // Overlays are not normalisation: the overlaid spec passes --strict.
    assert!(
        xtask::render_with(
            &fixture("overlaid/spec.yaml"),
            xtask::Options { strict: true }
        )
        .is_ok()
    );
    // The media-type pass refuses under --strict once the ids are given (it runs after them).
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.yaml");
    let text = std::fs::read_to_string(fixture("accepted/petstore-media-types.yaml"))
        .unwrap()
        .replace(
            "    get:\n      parameters:",
            "    get:\n      operationId: get_pet\n      parameters:",
        )
        .replace(
            "    delete:\n      parameters:",
            "    delete:\n      operationId: delete_pet\n      parameters:",
        );
    std::fs::write(&spec, text).unwrap();
    let message = xtask::render_with(&spec, xtask::Options { strict: true })
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("`media-types`") && message.contains("POST /pets (addPet)"),
        "{message}"
    );
}

/// Overlays: applied in file-name order (the later file wins), each action reported, a target
/// that matches nothing is a warning, and a malformed overlay is an error naming its file.
#[test]
fn overlays_apply_in_file_name_order() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("overlaid/spec.yaml"), dir.path().join("spec.yaml")).unwrap();
    let overlays = dir.path().join("overlays");
    std::fs::create_dir(&overlays).unwrap();
    let rename = |id: &str| {
        format!(
            "overlay: 1.0.0\ninfo: {{title: t, version: '1'}}\nactions:\n  - target: $.paths['/inventory'].get\n    update: {{operationId: {id}}}\n"
        )
    };
    std::fs::write(overlays.join("20-second.yaml"), rename("second_name")).unwrap();
    std::fs::write(overlays.join("10-first.yaml"), rename("first_name")).unwrap();
    std::fs::write(
        overlays.join("30-nothing.yml"),
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths['/nowhere'].get\n    remove: true\n",
    )
    .unwrap();
    std::fs::write(overlays.join("notes.txt"), "not an overlay").unwrap();
    let spec = dir.path().join("spec.yaml");
    let surface = xtask::surface(&spec).unwrap();
    assert!(surface.contains("second_name: GET /inventory"), "{surface}");
    assert!(
        surface.contains("overlay 10-first.yaml action 1: 1 node(s)\noverlay 20-second.yaml action 1: 1 node(s)\nwarning [overlay] 30-nothing.yml action 1: its target matched nothing\n"),
        "{surface}"
    );

    std::fs::write(
        overlays.join("40-bad.yaml"),
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: paths[\n    remove: true\n",
    )
    .unwrap();
    let message = xtask::surface(&spec).unwrap_err().to_string();
    assert!(
        message.contains("overlay ") && message.contains("40-bad.yaml"),
        "{message}"
    );
    assert!(message.contains("not a valid JSONPath"), "{message}");
    assert_eq!(message.lines().count(), 1, "{message}");
}

/// An empty overlay directory beside a spec changes nothing it generates.
#[test]
fn an_empty_overlay_directory_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("nxtsoft.yaml");
    std::fs::copy(main_spec(), &spec).unwrap();
    let without = xtask::render(&spec).unwrap();
    std::fs::create_dir(dir.path().join("overlays")).unwrap();
    assert_eq!(xtask::render(&spec).unwrap(), without);
    let ours = xtask::render(&main_spec()).unwrap();
    let body = |text: &str| text.split_once('\n').map(|(_, rest)| rest.to_owned());
    for (file, text) in &ours {
        assert_eq!(body(text), body(&without[file]), "{}", file.display());
    }
}

/// Numbers beyond 64 bits are read (as floats) in YAML and JSON; only broken syntax is a
/// syntax error.
#[test]
fn numbers_beyond_64_bits_parse_in_yaml_and_json() {
    let yaml = xtask::spec::parse_value(
        Path::new("big.yaml"),
        b"low: -170141183460469231731687303715884105728\nhigh: 99999999999999999999999\nok: 5\n",
    )
    .unwrap();
    assert!(yaml["low"].as_f64().unwrap() < -1e38);
    assert!(yaml["high"].as_f64().unwrap() > 9e22);
    assert_eq!(yaml["ok"].as_i64(), Some(5));
    let json = xtask::spec::parse_value(
        Path::new("big.json"),
        br#"{"low": -99999999999999999999999, "high": 18446744073709551616}"#,
    )
    .unwrap();
    assert!(json["low"].as_f64().unwrap() < -9e22);
    assert!(json["high"].as_f64().unwrap() > 1.8e19);
}

/// Every fixture spec (and the changed NXTsoft spec) generated into ONE temporary crate, one
/// module per fixture, compiled once; its test binary calls one operation of each generated
/// client against a wiremock server on 127.0.0.1.
#[test]
fn every_fixture_client_compiles_and_calls_a_loopback_server() {
    let modules = [
        ("fintech", "accepted/fintech-default-errors.yaml"),
        ("petstore", "accepted/petstore-media-types.yaml"),
        ("openapi31", "accepted/openapi-31.yaml"),
        ("no_security", "accepted/no-security-schemes.yaml"),
        ("big_integer", "accepted/big-integer-bound.yaml"),
        ("overlaid", "overlaid/spec.yaml"),
        ("changed", "changed/nxtsoft-changed.yaml"),
    ];
    let workspace = tempfile::tempdir().unwrap();
    let crate_dir = workspace.path().join("fixture-clients");
    let src = crate_dir.join("src");
    std::fs::create_dir_all(crate_dir.join("tests")).unwrap();
    let mut lib = String::from("//! Generated fixture clients, one module each.\n");
    for (module, spec) in modules {
        let mut files: Vec<(PathBuf, String)> = xtask::render(&fixture(spec))
            .unwrap_or_else(|e| panic!("{spec}: {e}"))
            .into_iter()
            .collect();
        // The hand-written glue of the real crate, around each fixture's generated files.
        for hand_written in ["src/lib.rs", "src/hooks.rs"] {
            let text =
                std::fs::read_to_string(root().join("generated").join(hand_written)).unwrap();
            files.push((PathBuf::from(hand_written), text));
        }
        let dir = src.join(module);
        std::fs::create_dir_all(&dir).unwrap();
        for (relative, text) in files {
            let name = match relative.file_name().and_then(|n| n.to_str()) {
                Some("lib.rs") => "mod.rs".to_owned(),
                Some(other) => other.to_owned(),
                None => panic!("{}", relative.display()),
            };
            let text = text.replace("crate::", &format!("crate::{module}::"));
            std::fs::write(dir.join(name), text).unwrap();
        }
        lib.push_str(&format!("pub mod {module};\n"));
    }
    std::fs::write(src.join("lib.rs"), lib).unwrap();
    std::fs::copy(
        fixture("clients/loopback_calls.rs"),
        crate_dir.join("tests/loopback_calls.rs"),
    )
    .unwrap();

    // The generated crate's real manifest, renamed, with the test's dev-dependencies.
    let manifest = std::fs::read_to_string(root().join("generated/Cargo.toml"))
        .unwrap()
        .replace("name = \"nxtsoft-client\"", "name = \"fixture-clients\"");
    std::fs::write(crate_dir.join("Cargo.toml"), manifest).unwrap();

    // A throwaway workspace around it: the real root manifest with absolute path dependencies,
    // and the committed lock file, so nothing is downloaded.
    let real = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let members_start = real.find("members = [").unwrap();
    let members_end = members_start + real[members_start..].find(']').unwrap() + 1;
    let mut manifest = real.clone();
    manifest.replace_range(
        members_start..members_end,
        "members = [\"fixture-clients\"]",
    );
    let manifest = manifest
        .lines()
        .filter(|line| !line.starts_with("default-members"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace(
            "path = \"auth\"",
            &format!("path = {:?}", root().join("auth")),
        )
        .replace(
            "path = \"generated\"",
            &format!("path = {:?}", root().join("generated")),
        );
    std::fs::write(workspace.path().join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(
        root().join("Cargo.lock"),
        workspace.path().join("Cargo.lock"),
    )
    .unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let run = Command::new(cargo)
        .args(["test", "--offline", "--quiet", "--test", "loopback_calls"])
        .current_dir(workspace.path())
        .env("CARGO_TARGET_DIR", root().join("target"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "the fixture clients do not compile or their calls fail:\n{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains("test result: ok. 6 passed"), "{stdout}");
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

/// The benchmark's vendor-style spec needs every normalisation and then generates.
#[test]
fn the_large_vendor_spec_needs_every_normalisation_and_generates() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("vendor.yaml");
    std::fs::write(&spec, xtask::large_spec::vendor_spec(200)).unwrap();
    let rendered = xtask::render_with(&spec, xtask::Options::default()).unwrap();
    let report = rendered.report.join("\n");
    for pass in [
        "[openapi-3.1]",
        "[integer-bounds]",
        "[operation-ids]",
        "[media-types]",
        "[default-response]",
        "[inline-responses]",
        "warning [security]",
    ] {
        assert!(report.contains(pass), "{pass} missing from:\n{report}");
    }
    let client = &rendered.files[Path::new("src/client.rs")];
    assert_eq!(client.matches("pub fn op_").count(), 175);
    assert_eq!(client.matches("pub fn get_group").count(), 25);
}

/// `cargo xtask generate` prints the report on stderr before writing.
#[test]
fn generate_prints_the_report() {
    let out = tempfile::tempdir().unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["generate", "--spec"])
        .arg(fixture("accepted/fintech-default-errors.yaml"))
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.starts_with("normalised [default-response] `default` beside a 2xx response made the error response (4XX/5XX): 3 (GET /accounts (list_accounts), GET /accounts/{account_id} (get_account), POST /transfers (create_transfer))\n"),
        "{stderr}"
    );
    assert!(out.path().join("src/client.rs").exists());
}
