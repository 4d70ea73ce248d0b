//! Several media types on one request body or response: progenitor sends and reads one. When a
//! JSON one (`application/json`, or `application/<x>+json`) is among them, only it is kept; a
//! lone `+json` type is used as `application/json` (progenitor only knows that name). With no
//! JSON among several request types, the spec is left for preflight to refuse.

use indexmap::IndexMap;
use openapiv3::{MediaType, OpenAPI, ReferenceOr};

use super::Recorder;
use crate::error::GenerateError;
use crate::operations;

/// The `--strict` name of this pass.
pub const PASS: &str = "media-types";

/// Whether a media type is JSON in the wider sense: `application/json` or a `+json` suffix.
pub fn is_json_like(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// What happened to one content map.
#[derive(Debug, PartialEq, Eq)]
enum Change {
    None,
    KeptJson,
    Renamed,
}

fn normalise(content: &mut IndexMap<String, MediaType>) -> Change {
    let chosen = content
        .keys()
        .find(|media| operations::is_json(media))
        .or_else(|| content.keys().find(|media| is_json_like(media)))
        .cloned();
    let Some(chosen) = chosen else {
        return Change::None;
    };
    let several = content.len() > 1;
    let rename = !operations::is_json(&chosen);
    if !several && !rename {
        return Change::None;
    }
    let Some(media) = content.shift_remove(&chosen) else {
        return Change::None;
    };
    content.clear();
    let name = if rename {
        "application/json".to_owned()
    } else {
        chosen
    };
    content.insert(name, media);
    if several {
        Change::KeptJson
    } else {
        Change::Renamed
    }
}

/// Keeps the JSON media type of every request body and response (inline in operations, and in
/// `components.requestBodies` / `components.responses`).
pub fn run(spec: &mut OpenAPI, recorder: &mut Recorder<'_>) -> Result<(), GenerateError> {
    let mut kept = Vec::new();
    let mut renamed = Vec::new();
    let mut note = |change: Change, subject: &dyn Fn() -> String| match change {
        Change::None => {}
        Change::KeptJson => kept.push(subject()),
        Change::Renamed => renamed.push(subject()),
    };
    operations::for_each_mut(spec, |method, path, operation| {
        let label = operations::label(method, path, operation);
        let mut changes = Vec::new();
        if let Some(ReferenceOr::Item(body)) = &mut operation.request_body {
            changes.push(normalise(&mut body.content));
        }
        let responses = &mut operation.responses;
        for item in responses
            .responses
            .values_mut()
            .chain(responses.default.as_mut())
        {
            if let ReferenceOr::Item(response) = item {
                changes.push(normalise(&mut response.content));
            }
        }
        for change in [Change::KeptJson, Change::Renamed] {
            if changes.contains(&change) {
                note(change, &|| label.clone());
            }
        }
    });
    if let Some(components) = &mut spec.components {
        for (name, body) in &mut components.request_bodies {
            if let ReferenceOr::Item(body) = body {
                note(normalise(&mut body.content), &|| {
                    format!("#/components/requestBodies/{name}")
                });
            }
        }
        for (name, response) in &mut components.responses {
            if let ReferenceOr::Item(response) = response {
                note(normalise(&mut response.content), &|| {
                    format!("#/components/responses/{name}")
                });
            }
        }
    }
    recorder.record(PASS, "several media types: only the JSON one kept", kept)?;
    recorder.record(
        PASS,
        "`+json` media type used as `application/json`",
        renamed,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(types: &[&str]) -> IndexMap<String, MediaType> {
        types
            .iter()
            .map(|t| ((*t).to_owned(), MediaType::default()))
            .collect()
    }

    #[test]
    fn json_is_kept_and_plus_json_is_renamed() {
        let mut several = content(&["text/plain", "application/vnd.api+json", "application/json"]);
        assert_eq!(normalise(&mut several), Change::KeptJson);
        assert_eq!(several.keys().collect::<Vec<_>>(), ["application/json"]);
        let mut vendor = content(&["text/csv", "application/vnd.api+json"]);
        assert_eq!(normalise(&mut vendor), Change::KeptJson);
        assert_eq!(vendor.keys().collect::<Vec<_>>(), ["application/json"]);
        let mut lone = content(&["application/problem+json"]);
        assert_eq!(normalise(&mut lone), Change::Renamed);
        assert_eq!(lone.keys().collect::<Vec<_>>(), ["application/json"]);
    }

    #[test]
    fn without_json_nothing_changes() {
        let mut none = content(&["application/xml", "text/csv"]);
        assert_eq!(normalise(&mut none), Change::None);
        assert_eq!(none.len(), 2);
        let mut plain = content(&["application/json; charset=utf-8"]);
        assert_eq!(normalise(&mut plain), Change::None);
    }
}
