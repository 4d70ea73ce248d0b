//! Checks that turn every construct progenitor 0.15 would panic on (or silently get wrong) into
//! a clear error naming the operation and the fix, before any code is generated.

use std::collections::{BTreeSet, HashSet};

use openapiv3::{Components, OpenAPI, Parameter, ReferenceOr, StatusCode};

use crate::error::GenerateError;
use crate::operations::{self, OperationRef};

/// Runs every check; the first failure is returned.
pub fn check(spec: &OpenAPI) -> Result<(), GenerateError> {
    let components = spec.components.as_ref();
    let mut seen_ids = HashSet::new();
    for op in operations::operations(spec)? {
        let Some(id) = op.operation.operation_id.as_deref() else {
            return Err(op.error(
                "it has no `operationId`, which names the generated method.",
                "add `operationId: <snake_case_name>` to the operation.",
            ));
        };
        if !seen_ids.insert(id) {
            return Err(op.error(
                format!("the `operationId` `{id}` is used by another operation too."),
                "give every operation a unique `operationId`.",
            ));
        }
        check_parameters(&op, components)?;
        check_request_body(&op, components)?;
        check_responses(&op, components)?;
    }
    Ok(())
}

fn check_parameters(
    op: &OperationRef<'_>,
    components: Option<&Components>,
) -> Result<(), GenerateError> {
    let placeholders: BTreeSet<&str> = op
        .path
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    for item in op.path_parameters.iter().chain(&op.operation.parameters) {
        let parameter = operations::parameter(item, components).map_err(|why| {
            op.error(
                format!("a parameter cannot be resolved: {why}."),
                "fix the `$ref`.",
            )
        })?;
        if let Parameter::Path { parameter_data, .. } = parameter {
            if !parameter_data.required {
                return Err(op.error(
                    format!(
                        "the path parameter `{}` is not marked `required: true`.",
                        parameter_data.name
                    ),
                    "path parameters must be required: add `required: true`.",
                ));
            }
            if !placeholders.contains(parameter_data.name.as_str()) {
                return Err(op.error(
                    format!(
                        "the path parameter `{}` does not appear in the path.",
                        parameter_data.name
                    ),
                    format!(
                        "add `{{{}}}` to the path, or remove the parameter.",
                        parameter_data.name
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn check_request_body(
    op: &OperationRef<'_>,
    components: Option<&Components>,
) -> Result<(), GenerateError> {
    let Some(body) = &op.operation.request_body else {
        return Ok(());
    };
    let body = operations::request_body(body, components).map_err(|why| {
        op.error(
            format!("its request body cannot be resolved: {why}."),
            "fix the `$ref`.",
        )
    })?;
    if body.content.len() > 1 {
        let types: Vec<&str> = body.content.keys().map(String::as_str).collect();
        return Err(op.error(
            format!(
                "its request body has {} media types ({}); the generated method can send only one.",
                types.len(),
                types.join(", ")
            ),
            "keep one media type (normally `application/json`) in `requestBody.content`.",
        ));
    }
    if let Some((media, content)) = body.content.first() {
        if !content.encoding.is_empty() {
            return Err(op.error(
                format!("its request media type `{media}` has an `encoding` map, which the generator does not support."),
                "remove `encoding` from the request body.",
            ));
        }
        if content.schema.is_none() {
            return Err(op.error(
                format!("its request media type `{media}` has no `schema`."),
                "add a `schema` (a `$ref` to a named component) to the request body.",
            ));
        }
    }
    Ok(())
}

/// What a response turns into in the generated code. Two different kinds in one class (success
/// or error) is what progenitor cannot express.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum BodyKind {
    Named(String),
    Inline(String),
    Raw,
    Empty,
    Upgrade,
}

impl BodyKind {
    fn describe(&self) -> String {
        match self {
            BodyKind::Named(name) => format!("`{name}`"),
            BodyKind::Inline(_) => "an inline schema".to_owned(),
            BodyKind::Raw => "a non-JSON body".to_owned(),
            BodyKind::Empty => "no body".to_owned(),
            BodyKind::Upgrade => "a protocol upgrade".to_owned(),
        }
    }
}

/// progenitor's status classes: `default` counts as both success and error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    Code(u16),
    Range(u16),
    Default,
}

impl Status {
    fn is_success(self) -> bool {
        matches!(
            self,
            Status::Default | Status::Code(101) | Status::Code(200..=299) | Status::Range(2)
        )
    }
    fn is_error(self) -> bool {
        matches!(
            self,
            Status::Default | Status::Code(400..=599) | Status::Range(4..=5)
        )
    }
    fn sort_key(self) -> u16 {
        match self {
            Status::Code(code) => code,
            Status::Range(range) => range.saturating_mul(100),
            Status::Default => 1000,
        }
    }
    fn label(self) -> String {
        match self {
            Status::Code(code) => code.to_string(),
            Status::Range(range) => format!("{range}XX"),
            Status::Default => "default".to_owned(),
        }
    }
}

fn check_responses(
    op: &OperationRef<'_>,
    components: Option<&Components>,
) -> Result<(), GenerateError> {
    let responses = &op.operation.responses;
    let mut classified = Vec::new();
    let all = responses
        .responses
        .iter()
        .map(|(code, item)| {
            let status = match code {
                StatusCode::Code(code) => Status::Code(*code),
                StatusCode::Range(range) => Status::Range(*range),
            };
            (status, item)
        })
        .chain(responses.default.iter().map(|item| (Status::Default, item)));
    for (status, item) in all {
        let response = operations::response(item, components).map_err(|why| {
            op.error(
                format!("its {} response cannot be resolved: {why}.", status.label()),
                "fix the `$ref`.",
            )
        })?;
        let json = response
            .content
            .iter()
            .find(|(media, _)| operations::is_json(media));
        let kind = match json {
            Some((media, content)) => {
                if !content.encoding.is_empty() {
                    return Err(op.error(
                        format!("its {} response media type `{media}` has an `encoding` map, which the generator does not support.", status.label()),
                        "remove `encoding` from the response.",
                    ));
                }
                match &content.schema {
                    None => {
                        return Err(op.error(
                            format!(
                                "its {} response declares `{media}` without a `schema`.",
                                status.label()
                            ),
                            "add a `schema` (a `$ref` to a named component) to that response.",
                        ));
                    }
                    Some(ReferenceOr::Item(schema)) => BodyKind::Inline(
                        serde_json::to_string(schema).unwrap_or_else(|_| status.label()),
                    ),
                    Some(schema) => BodyKind::Named(
                        operations::schema_name(schema)
                            .unwrap_or_default()
                            .to_owned(),
                    ),
                }
            }
            None if status == Status::Code(101) => BodyKind::Upgrade,
            None if !response.content.is_empty() => BodyKind::Raw,
            None => BodyKind::Empty,
        };
        classified.push((status, kind));
    }
    classified.sort_by_key(|(status, _)| status.sort_key());

    let inline: BTreeSet<&String> = classified
        .iter()
        .filter_map(|(_, kind)| match kind {
            BodyKind::Inline(schema) => Some(schema),
            _ => None,
        })
        .collect();
    if inline.len() > 1 {
        let statuses: Vec<String> = classified
            .iter()
            .filter(|(_, kind)| matches!(kind, BodyKind::Inline(_)))
            .map(|(status, _)| status.label())
            .collect();
        return Err(op.error(
            format!("its responses {} have different inline schemas; the generator names them all after the operation, so they would collapse into one wrong type.", statuses.join(", ")),
            "move each response schema to `components/schemas` and refer to it with `$ref`.",
        ));
    }
    check_class(op, &classified, "success", Status::is_success)?;
    check_class(op, &classified, "error", Status::is_error)
}

fn check_class(
    op: &OperationRef<'_>,
    classified: &[(Status, BodyKind)],
    class: &str,
    filter: fn(Status) -> bool,
) -> Result<(), GenerateError> {
    let mut members: Vec<&(Status, BodyKind)> = classified
        .iter()
        .filter(|(status, _)| filter(*status))
        .collect();
    // As progenitor does: a `2XX` range makes a trailing `default` unreachable for successes.
    if let [.., (Status::Range(2), _), (Status::Default, _)] = members.as_slice() {
        members.pop();
    }
    let kinds: BTreeSet<&BodyKind> = members.iter().map(|(_, kind)| kind).collect();
    if kinds.len() <= 1 {
        return Ok(());
    }
    let listing: Vec<String> = members
        .iter()
        .map(|(status, kind)| format!("{} → {}", status.label(), kind.describe()))
        .collect();
    Err(op.error(
        format!("its {class} responses have {} different body types ({}); the generated method returns exactly one {class} type.", kinds.len(), listing.join(", ")),
        format!("make every {class} response of this operation use the same schema (one `$ref`), or give an empty response the same schema as the others."),
    ))
}
