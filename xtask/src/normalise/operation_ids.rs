//! Operations without an `operationId` get one derived from method and path:
//! `GET /pets/{petId}/toys` → `get_pets_by_pet_id_toys`. Stable (it depends only on method and
//! path), deterministic, and collision-free (`_2`, `_3`, ... in document order when needed).

use std::collections::HashSet;

use openapiv3::OpenAPI;

use super::Recorder;
use crate::error::GenerateError;
use crate::operations;

/// The `--strict` name of this pass.
pub const PASS: &str = "operation-ids";

/// Gives every operation without an `operationId` a derived one.
pub fn run(spec: &mut OpenAPI, recorder: &mut Recorder<'_>) -> Result<(), GenerateError> {
    let mut taken: HashSet<String> = HashSet::new();
    operations::for_each_mut(spec, |_, _, operation| {
        if let Some(id) = &operation.operation_id {
            taken.insert(id.clone());
        }
    });
    let mut derived = Vec::new();
    operations::for_each_mut(spec, |method, path, operation| {
        if operation.operation_id.is_some() {
            return;
        }
        let base = derive(method, path);
        let mut id = base.clone();
        let mut n = 2;
        while taken.contains(&id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        taken.insert(id.clone());
        derived.push(format!("{method} {path} → {id}"));
        operation.operation_id = Some(id);
    });
    recorder.record(
        PASS,
        "missing `operationId` derived from method and path",
        derived,
    )
}

/// `("GET", "/pets/{petId}/toys")` → `get_pets_by_pet_id_toys`; `("GET", "/")` → `get_root`.
pub fn derive(method: &str, path: &str) -> String {
    let mut words = vec![method.to_ascii_lowercase()];
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(parameter) => {
                words.push("by".to_owned());
                words.extend(snake_words(parameter));
            }
            None => words.extend(snake_words(segment)),
        }
    }
    if words.len() == 1 {
        words.push("root".to_owned());
    }
    words.join("_")
}

/// `petId` → `[pet, id]`, `pet-store.v2` → `[pet, store, v2]`.
fn snake_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in text.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::derive;

    #[test]
    fn derived_ids_are_snake_case_from_method_and_path() {
        assert_eq!(
            derive("GET", "/pets/{petId}/toys"),
            "get_pets_by_pet_id_toys"
        );
        assert_eq!(
            derive("POST", "/v2/pet-store.items"),
            "post_v2_pet_store_items"
        );
        assert_eq!(derive("DELETE", "/"), "delete_root");
        assert_eq!(derive("GET", "/HTTPStatus"), "get_httpstatus");
    }
}
