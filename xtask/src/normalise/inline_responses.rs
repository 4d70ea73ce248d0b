//! Inline response schemas that would collapse: progenitor names every inline response schema
//! of an operation after the operation, so two different ones become one wrong type. Each is
//! hoisted to `components.schemas` as `<OperationId>Response<Status>` (`GetThingResponse200`,
//! `GetThingResponse4XX`; a number is appended if the name is taken), and referenced by `$ref`.

use std::collections::HashMap;

use openapiv3::{OpenAPI, ReferenceOr, StatusCode};

use super::Recorder;
use crate::error::GenerateError;
use crate::operations;

/// The `--strict` name of this pass.
pub const PASS: &str = "inline-responses";

/// Hoists the inline JSON response schemas of every operation that has more than one distinct.
pub fn run(spec: &mut OpenAPI, recorder: &mut Recorder<'_>) -> Result<(), GenerateError> {
    let mut taken: Vec<String> = spec
        .components
        .iter()
        .flat_map(|c| c.schemas.keys().cloned())
        .collect();
    let mut hoisted = Vec::new();
    let mut affected = Vec::new();
    operations::for_each_mut(spec, |method, path, operation| {
        let responses = &mut operation.responses;
        let mut inline: Vec<(String, String)> = Vec::new();
        let entries = responses
            .responses
            .iter_mut()
            .map(|(status, item)| (status_label(status), item))
            .chain(
                responses
                    .default
                    .as_mut()
                    .map(|item| ("Default".to_owned(), item)),
            );
        let mut slots = Vec::new();
        for (label, item) in entries {
            let ReferenceOr::Item(response) = item else {
                continue;
            };
            let Some((_, media)) = response
                .content
                .iter_mut()
                .find(|(media, _)| operations::is_json(media))
            else {
                continue;
            };
            if let Some(schema @ ReferenceOr::Item(_)) = &mut media.schema {
                let key = serde_json::to_string(schema).unwrap_or_default();
                if !inline.iter().any(|(known, _)| *known == key) {
                    inline.push((key.clone(), label.clone()));
                }
                slots.push((key, schema));
            }
        }
        if inline.len() < 2 {
            return;
        }
        let base =
            crate::naming::pascal_case(operation.operation_id.as_deref().unwrap_or("Operation"));
        let mut names: HashMap<String, String> = HashMap::new();
        for (key, label) in &inline {
            let wanted = format!("{base}Response{label}");
            let mut name = wanted.clone();
            let mut n = 2;
            while taken.contains(&name) {
                name = format!("{wanted}{n}");
                n += 1;
            }
            taken.push(name.clone());
            names.insert(key.clone(), name);
        }
        for (key, slot) in slots {
            let name = names.get(&key).cloned().unwrap_or_default();
            let schema = std::mem::replace(
                slot,
                ReferenceOr::Reference {
                    reference: format!("#/components/schemas/{name}"),
                },
            );
            if let ReferenceOr::Item(schema) = schema
                && !hoisted.iter().any(|(known, _)| *known == name)
            {
                hoisted.push((name, schema));
            }
        }
        affected.push(operations::label(method, path, operation));
    });
    if !hoisted.is_empty() {
        let components = spec.components.get_or_insert_with(Default::default);
        for (name, schema) in hoisted {
            components.schemas.insert(name, ReferenceOr::Item(schema));
        }
    }
    recorder.record(
        PASS,
        "different inline response schemas hoisted to `components.schemas` as <OperationId>Response<Status>",
        affected,
    )
}

fn status_label(status: &StatusCode) -> String {
    match status {
        StatusCode::Code(code) => code.to_string(),
        StatusCode::Range(range) => format!("{range}XX"),
    }
}
