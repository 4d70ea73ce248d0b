//! A large synthetic spec for the codegen benchmark: `operations` operations over a handful
//! of schemas each, all shaped like the real spec (OAuth2 client credentials, `$ref` bodies,
//! one error schema).

use std::fmt::Write as _;

/// Where operation `i` goes: four operations per group, POST on `/groupN/items`, then GET, PUT
/// and DELETE on `/groupN/items/{item_id}`.
struct Slot {
    group: usize,
    method: &'static str,
    suffix: &'static str,
}

impl Slot {
    /// Writes the path line (for the first operation on each path) and the method line.
    fn open(out: &mut String, i: usize) -> Slot {
        let group = i / 4;
        let (method, suffix) = match i % 4 {
            0 => ("post", ""),
            1 => ("get", "/{item_id}"),
            2 => ("put", "/{item_id}"),
            _ => ("delete", "/{item_id}"),
        };
        if i % 4 < 2 {
            let _ = writeln!(out, "  /group{group}/items{suffix}:");
        }
        let _ = writeln!(out, "    {method}:");
        Slot {
            group,
            method,
            suffix,
        }
    }

    /// Writes the `item_id` path parameter of the operations on `/groupN/items/{item_id}`.
    fn path_parameter(&self, out: &mut String) {
        if !self.suffix.is_empty() {
            out.push_str(
                "      parameters:\n        - name: item_id\n          in: path\n          required: true\n          schema: {type: string}\n",
            );
        }
    }

    /// Whether the operation takes a request body (POST and PUT).
    fn has_body(&self) -> bool {
        matches!(self.method, "post" | "put")
    }
}

/// YAML text of a valid OpenAPI 3.0.3 spec with `operations` operations.
pub fn large_spec(operations: usize) -> String {
    let mut out = String::from(
        "openapi: 3.0.3\ninfo:\n  title: Large synthetic spec\n  version: '1'\n\
         security:\n  - oauth: []\npaths:\n",
    );
    for i in 0..operations {
        let slot = Slot::open(&mut out, i);
        let (group, method) = (slot.group, slot.method);
        let _ = writeln!(out, "      operationId: op_{i}_{method}_group{group}");
        let _ = writeln!(out, "      summary: Operation {i}.");
        let _ = writeln!(out, "      security:\n        - oauth: [scope/{group}]");
        slot.path_parameter(&mut out);
        if slot.has_body() {
            let _ = writeln!(
                out,
                "      requestBody:\n        required: true\n        content:\n          application/json:\n            schema:\n              $ref: '#/components/schemas/Item{group}'"
            );
        }
        let _ = writeln!(
            out,
            "      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Item{group}'\n        '4XX':\n          description: error\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Problem'"
        );
    }
    let groups = operations.div_ceil(4);
    out.push_str("components:\n  securitySchemes:\n    oauth:\n      type: oauth2\n      flows:\n        clientCredentials:\n          tokenUrl: https://auth.example.test/oauth2/token\n          scopes:\n");
    for group in 0..groups {
        let _ = writeln!(out, "            scope/{group}: Scope {group}.");
    }
    out.push_str("  schemas:\n    Problem:\n      type: object\n      required: [error]\n      properties:\n        error: {type: string}\n        message: {type: string}\n");
    for group in 0..groups {
        let _ = writeln!(
            out,
            "    Item{group}:\n      type: object\n      required: [id, amount]\n      properties:\n        id: {{type: string, maxLength: 64}}\n        amount: {{type: string, pattern: '^[0-9]+(\\.[0-9]{{1,2}})?$'}}\n        kind: {{type: string, enum: [a{group}, b{group}, c{group}]}}\n        when: {{type: string, format: date-time}}\n        tags:\n          type: array\n          items: {{type: string}}"
        );
    }
    out
}

/// YAML text of an OpenAPI 3.1 spec with `operations` operations shaped the way vendors publish
/// them, so every normalisation pass has work on every group of four operations: `default`
/// error responses beside 2xx, JSON/XML/form request bodies and JSON/XML responses, operations
/// without `operationId`, different inline response schemas, no security schemes, integer
/// bounds beyond 64 bits, and the 3.1 constructs (type arrays with null, `const`, `examples`,
/// numeric exclusive bounds, `$ref` with siblings, `webhooks`).
pub fn vendor_spec(operations: usize) -> String {
    let mut out = String::from(
        "openapi: 3.1.0\njsonSchemaDialect: https://spec.openapis.org/oas/3.1/dialect/base\n\
         info:\n  title: Large vendor-style spec\n  summary: Every normalisation.\n  version: '1'\n\
         webhooks:\n  changed:\n    post:\n      responses:\n        '200': {description: ok}\npaths:\n",
    );
    for i in 0..operations {
        let slot = Slot::open(&mut out, i);
        let (group, method) = (slot.group, slot.method);
        // Every other GET has no operationId (derived from method and path).
        if !(method == "get" && group % 2 == 1) {
            let _ = writeln!(out, "      operationId: op_{i}_{method}_group{group}");
        }
        slot.path_parameter(&mut out);
        if slot.has_body() {
            let _ = writeln!(
                out,
                "      requestBody:\n        required: true\n        content:\n          application/xml:\n            schema: {{$ref: '#/components/schemas/Item{group}'}}\n          application/json:\n            schema: {{$ref: '#/components/schemas/Item{group}'}}\n          application/x-www-form-urlencoded:\n            schema: {{$ref: '#/components/schemas/Item{group}'}}"
            );
        }
        if method == "delete" {
            // Different inline schemas for success and error: hoisted to components.
            let _ = writeln!(
                out,
                "      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  deleted: {{type: boolean}}\n        '409':\n          description: conflict\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  reason: {{type: string}}"
            );
        } else {
            let _ = writeln!(
                out,
                "      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Item{group}'\n                description: sibling annotation\n            application/xml:\n              schema: {{$ref: '#/components/schemas/Item{group}'}}\n        default:\n          description: error\n          content:\n            application/problem+json:\n              schema: {{$ref: '#/components/schemas/Problem'}}"
            );
        }
    }
    let groups = operations.div_ceil(4);
    out.push_str("components:\n  schemas:\n    Problem:\n      type: object\n      required: [error]\n      properties:\n        error: {type: string}\n        message: {type: [string, 'null']}\n");
    for group in 0..groups {
        let _ = writeln!(
            out,
            "    Item{group}:\n      type: object\n      required: [id, amount]\n      properties:\n        id: {{type: string, maxLength: 64, examples: [a, b]}}\n        amount: {{type: number, exclusiveMinimum: 0}}\n        count: {{type: integer, format: int64, minimum: -99999999999999999999999}}\n        kind: {{const: k{group}}}\n        note: {{type: [string, 'null']}}\n        when: {{type: string, format: date-time}}\n        tags:\n          type: array\n          items: {{type: string}}"
        );
    }
    out
}
