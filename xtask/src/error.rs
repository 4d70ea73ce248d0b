//! Every way `cargo xtask generate` can fail, each with the cause and the fix.

use std::path::PathBuf;

/// A failure of `cargo xtask generate`. Each message names what is wrong and how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The spec file could not be read.
    #[error(
        "cannot read the spec {path}: {source}. Check the path given to --spec and its permissions."
    )]
    ReadSpec {
        /// The spec path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The spec is not syntactically valid YAML or JSON.
    #[error(
        "{path}:{line}:{column}: the spec is not valid {format}: {message}. Fix the syntax at line {line}, column {column}, then run `cargo xtask generate` again."
    )]
    Syntax {
        /// The spec path.
        path: PathBuf,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// `YAML` or `JSON`.
        format: &'static str,
        /// What the parser said.
        message: String,
    },
    /// The spec parses but is not an OpenAPI 3.0 document.
    #[error(
        "{path}: the spec is not a valid OpenAPI 3.0 document: {message}. Fix it so that an OpenAPI 3.0 validator (openapi-spec-validator, Redocly lint) accepts it."
    )]
    Structure {
        /// The spec path.
        path: PathBuf,
        /// What is wrong, with its location where known.
        message: String,
    },
    /// The spec declares an OpenAPI version the generator does not take.
    #[error(
        "{path}: the spec declares OpenAPI {version}, but the generator takes only OpenAPI 3.0.x{}. Convert the spec to OpenAPI 3.0.3 (a converter, or by hand: `type: [x, \"null\"]` becomes `nullable: true`, `examples` becomes `example`) and set `openapi: 3.0.3`.",
        if *strict { " under --strict (without it, 3.1.x is converted)" } else { " and 3.1.x (converted to 3.0)" }
    )]
    UnsupportedVersion {
        /// The spec path.
        path: PathBuf,
        /// The declared version.
        version: String,
        /// Whether `--strict` refused a 3.1 spec the generator would otherwise convert.
        strict: bool,
    },
    /// One schema uses a construct with no OpenAPI 3.0 form, or a bound no 64-bit integer meets.
    #[error("schema {schema}: {problem} Fix: {fix}")]
    Schema {
        /// The schema's JSON pointer, e.g. `#/components/schemas/Pet/properties/tag`.
        schema: String,
        /// What is wrong.
        problem: String,
        /// How to fix the spec.
        fix: String,
    },
    /// `--strict` refused a spec that needs normalisation.
    #[error(
        "--strict: the spec needs the `{pass}` normalisation ({what}) for {count} item(s), the first being {first}. Fix the spec (or patch it with an overlay), or run without --strict to let the generator normalise it."
    )]
    Strict {
        /// The pass.
        pass: &'static str,
        /// What the pass would do.
        what: String,
        /// How many items it would change.
        count: usize,
        /// The first of them.
        first: String,
    },
    /// An overlay document is malformed.
    #[error("overlay {path}: {problem} Fix: {fix}")]
    Overlay {
        /// The overlay file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
        /// How to fix it.
        fix: String,
    },
    /// The workspace's security fallback file is unreadable or malformed.
    #[error(
        "{path}: cannot read the security fallback ({message}). It must hold `tokenUrl: <url>` and optionally `scopes:` (name: description); see README \"Bringing your own spec\"."
    )]
    SecurityFile {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// One operation uses a construct the generator cannot turn into a correct client.
    #[error("operation {operation}: {problem} Fix: {fix}")]
    Operation {
        /// `METHOD /path (operationId)`.
        operation: String,
        /// What is wrong.
        problem: String,
        /// How to fix the spec.
        fix: String,
    },
    /// The spec's OAuth2 security scheme cannot be read.
    #[error("security schemes: {problem} Fix: {fix}")]
    Security {
        /// What is wrong.
        problem: String,
        /// How to fix the spec.
        fix: String,
    },
    /// progenitor refused the spec.
    #[error(
        "progenitor could not generate the client: {message}. Fix that part of the spec and run `cargo xtask generate` again."
    )]
    Progenitor {
        /// progenitor's message.
        message: String,
    },
    /// progenitor stopped on a construct it does not support (it panicked; the panic was caught).
    #[error(
        "progenitor stopped on a construct it does not support: {message}. Nothing was written. Simplify that part of the spec (one JSON request media type, `$ref` response schemas, one success and one error body type per operation) and run `cargo xtask generate` again."
    )]
    ProgenitorPanic {
        /// The panic message.
        message: String,
    },
    /// The generated tokens were not valid Rust (a generator bug).
    #[error(
        "the generated code is not valid Rust ({message}); nothing was written. This is a bug in the xtask or progenitor: please report it with the spec."
    )]
    InvalidRust {
        /// The parser's message.
        message: String,
    },
    /// progenitor's output changed in a way the xtask's post-processing relies on (after a
    /// progenitor upgrade).
    #[error(
        "progenitor's output changed: {message}. Nothing was written. Update the xtask for the new progenitor version."
    )]
    UnexpectedOutput {
        /// What was expected and not found.
        message: String,
    },
    /// A generated file could not be written; every file is as it was before the run.
    #[error(
        "cannot write {path}: {source}. No generated file was changed. Check that the --out directory is writable and that {path} is a regular file (or absent)."
    )]
    Write {
        /// The file being written.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A generated file could not be written, and undoing the files already written failed too.
    #[error(
        "cannot write {path}: {source}; undoing the files already written then failed for {undo_path}: {undo_source}. Restore it by hand ({previous}), or run `cargo xtask generate` again once {path} is writable."
    )]
    WriteNotUndone {
        /// The file being written.
        path: PathBuf,
        /// Why it could not be written.
        #[source]
        source: std::io::Error,
        /// The file that could not be restored.
        undo_path: PathBuf,
        /// Where that file's previous content is, or that it did not exist.
        previous: String,
        /// Why it could not be restored.
        undo_source: std::io::Error,
    },
}
