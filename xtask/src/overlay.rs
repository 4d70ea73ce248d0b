//! OpenAPI Overlay 1.0 documents: patches a user keeps beside a vendor's spec instead of editing
//! it. Every `*.yaml`, `*.yml` and `*.json` file in the `overlays/` directory beside the spec is
//! applied, in file-name order (byte order: prefix names with `10-`, `20-`, ... to order them),
//! before anything else reads the spec. Each action's `target` is a JSONPath (RFC 9535); its
//! `update` is merged into every node the path selects (objects recursively, arrays appended),
//! or `remove: true` deletes those nodes.

use std::path::{Path, PathBuf};

use serde_json::Value;
use serde_json_path::{JsonPath, PathElement};

use crate::error::GenerateError;
use crate::spec;

/// The directory the overlays of `spec_path` are read from: `overlays/` beside the spec.
pub fn directory(spec_path: &Path) -> PathBuf {
    spec_path
        .parent()
        .map_or_else(|| PathBuf::from("overlays"), |dir| dir.join("overlays"))
}

/// One applied overlay action, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// `<file> action <n>`, 1-based.
    pub action: String,
    /// How many nodes the target selected (0: the action did nothing).
    pub matched: usize,
}

/// The overlay files in `dir`, in the order they are applied. No directory: none.
pub fn files(dir: &Path) -> Result<Vec<PathBuf>, GenerateError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(GenerateError::ReadSpec {
                path: dir.to_path_buf(),
                source,
            });
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.is_file()
                && path
                    .extension()
                    .is_some_and(|ext| ext == "yaml" || ext == "yml" || ext == "json")
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Applies every overlay in `dir` to `document`, in order.
pub fn apply_dir(document: &mut Value, dir: &Path) -> Result<Vec<Applied>, GenerateError> {
    let mut applied = Vec::new();
    for file in files(dir)? {
        let bytes = std::fs::read(&file).map_err(|source| GenerateError::ReadSpec {
            path: file.clone(),
            source,
        })?;
        let overlay = spec::parse_value(&file, &bytes)?;
        applied.extend(apply(document, &overlay, &file)?);
    }
    Ok(applied)
}

fn invalid(path: &Path, problem: impl Into<String>, fix: impl Into<String>) -> GenerateError {
    GenerateError::Overlay {
        path: path.to_path_buf(),
        problem: problem.into(),
        fix: fix.into(),
    }
}

/// Applies one overlay document (read from `path`, named in messages) to `document`.
pub fn apply(
    document: &mut Value,
    overlay: &Value,
    path: &Path,
) -> Result<Vec<Applied>, GenerateError> {
    let version = overlay
        .get("overlay")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !version.starts_with("1.") {
        return Err(invalid(
            path,
            format!(
                "it does not declare `overlay: 1.x` (found {:?}).",
                overlay.get("overlay")
            ),
            "start the file with `overlay: 1.0.0`, an `info` and an `actions` list.",
        ));
    }
    let Some(actions) = overlay.get("actions").and_then(Value::as_array) else {
        return Err(invalid(
            path,
            "it has no `actions` list.",
            "add `actions:` with at least one `target`.",
        ));
    };
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut applied = Vec::new();
    for (index, action) in actions.iter().enumerate() {
        let label = format!("{name} action {}", index + 1);
        let Some(target) = action.get("target").and_then(Value::as_str) else {
            return Err(invalid(
                path,
                format!("{label} has no `target` string."),
                "give every action a JSONPath `target`, e.g. `$.paths['/pets'].get`.",
            ));
        };
        let query = JsonPath::parse(target).map_err(|error| {
            invalid(
                path,
                format!("{label}: the target `{target}` is not a valid JSONPath ({error})."),
                "write the target in RFC 9535 JSONPath, e.g. `$.paths['/pets'].get`.",
            )
        })?;
        let remove = action
            .get("remove")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let update = action.get("update");
        if !remove && update.is_none() {
            return Err(invalid(
                path,
                format!("{label} has neither `update` nor `remove: true`."),
                "add an `update` object or `remove: true`.",
            ));
        }
        let locations: Vec<Vec<Step>> = query
            .query_located(document)
            .locations()
            .map(|location| location.iter().map(Step::from).collect())
            .collect();
        if remove {
            // Last location first, so removing array elements keeps earlier indices valid.
            for location in locations.iter().rev() {
                remove_at(document, location);
            }
        } else if let Some(update) = update {
            for location in &locations {
                if let Some(node) = node_mut(document, location) {
                    merge(node, update);
                }
            }
        }
        applied.push(Applied {
            action: label,
            matched: locations.len(),
        });
    }
    Ok(applied)
}

/// One step of a normalized path.
#[derive(Debug, Clone)]
enum Step {
    Name(String),
    Index(usize),
}

impl From<&PathElement<'_>> for Step {
    fn from(element: &PathElement<'_>) -> Self {
        match element {
            PathElement::Name(name) => Step::Name((*name).to_owned()),
            PathElement::Index(index) => Step::Index(*index),
        }
    }
}

fn node_mut<'a>(mut node: &'a mut Value, location: &[Step]) -> Option<&'a mut Value> {
    for step in location {
        node = match step {
            Step::Name(name) => node.get_mut(name.as_str())?,
            Step::Index(index) => node.get_mut(*index)?,
        };
    }
    Some(node)
}

fn remove_at(document: &mut Value, location: &[Step]) {
    let Some((last, parent)) = location.split_last() else {
        // `$` itself: removing the whole document leaves an empty one.
        *document = Value::Null;
        return;
    };
    match (node_mut(document, parent), last) {
        (Some(Value::Object(map)), Step::Name(name)) => {
            map.shift_remove(name);
        }
        (Some(Value::Array(items)), Step::Index(index)) if *index < items.len() => {
            items.remove(*index);
        }
        _ => {}
    }
}

/// Overlay 1.0 merge: objects recursively, arrays get the update appended, anything else replaced.
fn merge(target: &mut Value, update: &Value) {
    match (target, update) {
        (Value::Object(target), Value::Object(update)) => {
            for (key, value) in update {
                match target.get_mut(key) {
                    Some(existing) if existing.is_object() && value.is_object() => {
                        merge(existing, value)
                    }
                    _ => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Array(items), Value::Array(more)) => items.extend(more.iter().cloned()),
        (Value::Array(items), value) => items.push(value.clone()),
        (target, value) => *target = value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn run(document: &mut Value, overlay: Value) -> Result<Vec<Applied>, GenerateError> {
        apply(document, &overlay, Path::new("test-overlay.yaml"))
    }

    #[test]
    fn update_merges_objects_recursively_and_appends_to_arrays() {
        let mut document =
            json!({"info": {"title": "t", "contact": {"name": "a"}}, "tags": [{"name": "x"}]});
        let applied = run(
            &mut document,
            json!({"overlay": "1.0.0", "actions": [
                {"target": "$.info", "update": {"contact": {"email": "e@x"}, "version": "2"}},
                {"target": "$.tags", "update": {"name": "y"}}
            ]}),
        )
        .unwrap();
        assert_eq!(
            document,
            json!({"info": {"title": "t", "contact": {"name": "a", "email": "e@x"}, "version": "2"},
                   "tags": [{"name": "x"}, {"name": "y"}]})
        );
        assert_eq!(
            applied.iter().map(|a| a.matched).collect::<Vec<_>>(),
            [1, 1]
        );
    }

    #[test]
    fn remove_deletes_every_selected_array_element() {
        let mut document = json!({"tags": [{"name": "a"}, {"name": "b"}, {"name": "c"}]});
        let applied = run(
            &mut document,
            json!({"overlay": "1.0.0", "actions": [{"target": "$.tags[?@.name != 'b']", "remove": true}]}),
        )
        .unwrap();
        assert_eq!(document, json!({"tags": [{"name": "b"}]}));
        assert_eq!(applied[0].matched, 2);
    }

    #[test]
    fn malformed_overlays_are_errors_naming_the_problem() {
        let mut document = json!({});
        for (overlay, needle) in [
            (json!({"actions": []}), "overlay: 1.x"),
            (json!({"overlay": "1.0.0"}), "no `actions`"),
            (
                json!({"overlay": "1.0.0", "actions": [{"remove": true}]}),
                "no `target`",
            ),
            (
                json!({"overlay": "1.0.0", "actions": [{"target": "$.a"}]}),
                "neither `update` nor",
            ),
            (
                json!({"overlay": "1.0.0", "actions": [{"target": "$[", "remove": true}]}),
                "not a valid JSONPath",
            ),
        ] {
            let message = run(&mut document, overlay).unwrap_err().to_string();
            assert!(message.contains(needle), "{message}");
            assert!(message.contains("test-overlay.yaml"), "{message}");
        }
    }
}
