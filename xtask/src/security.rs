//! What progenitor ignores: the OAuth2 client-credentials scheme (token URL, scopes) and the
//! scopes each operation requires, read from the spec so `auth/` hard-codes none of it.

use indexmap::IndexMap;
use openapiv3::{OpenAPI, ReferenceOr, SecurityScheme};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::GenerateError;
use crate::operations;

/// The spec's client-credentials security, as the generated `security` module exposes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityModel {
    /// Name of the security scheme in `components.securitySchemes`.
    pub scheme: String,
    /// `tokenUrl` of its `clientCredentials` flow.
    pub token_url: String,
    /// Every scope: name and description (declared ones first, in spec order).
    pub scopes: Vec<(String, String)>,
    /// Per operation, in spec order: operationId, method, path, required scope names.
    pub operations: Vec<OperationScopes>,
    /// Where the token URL and scopes came from when the spec declares no client-credentials
    /// scheme (the workspace's security file, or the built-in default); `None` for the spec.
    pub fallback: Option<String>,
}

/// The scopes one operation requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationScopes {
    /// operationId.
    pub operation_id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Scope names (of the client-credentials scheme) the operation requires.
    pub scopes: Vec<String>,
}

/// Reads the client-credentials scheme and the operations' scopes.
pub fn read(spec: &OpenAPI) -> Result<SecurityModel, GenerateError> {
    let schemes: Vec<(&String, &openapiv3::ClientCredentialsOAuth2Flow)> = spec
        .components
        .iter()
        .flat_map(|components| components.security_schemes.iter())
        .filter_map(|(name, scheme)| match scheme {
            ReferenceOr::Item(SecurityScheme::OAuth2 { flows, .. }) => {
                flows.client_credentials.as_ref().map(|flow| (name, flow))
            }
            _ => None,
        })
        .collect();
    let global: Vec<&String> = spec
        .security
        .iter()
        .flatten()
        .flat_map(|req| req.keys())
        .collect();
    let (scheme, flow) = match schemes.as_slice() {
        [] => {
            return Err(GenerateError::Security {
                problem: "the spec declares no OAuth2 security scheme with a `clientCredentials` flow, so there is no token URL to authenticate against.".into(),
                fix: "add one under `components.securitySchemes` (type: oauth2, flows.clientCredentials.tokenUrl and scopes).".into(),
            });
        }
        [only] => *only,
        several => *several
            .iter()
            .find(|(name, _)| global.contains(name))
            .ok_or_else(|| GenerateError::Security {
                problem: format!(
                    "the spec declares {} OAuth2 client-credentials schemes ({}) and none is the top-level `security` requirement.",
                    several.len(),
                    several.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ")
                ),
                fix: "name the one to use in the top-level `security` list.".into(),
            })?,
    };

    let mut scopes: IndexMap<String, String> = flow.scopes.clone();
    let mut per_operation = Vec::new();
    for op in operations::operations(spec)? {
        let requirements = op.operation.security.as_ref().or(spec.security.as_ref());
        let mut names: Vec<String> = requirements
            .into_iter()
            .flatten()
            .filter_map(|req| req.get(scheme.as_str()))
            .flatten()
            .cloned()
            .collect();
        names.dedup();
        for name in &names {
            scopes.entry(name.clone()).or_insert_with(|| {
                "(used by an operation but not declared in the flow's scopes)".to_owned()
            });
        }
        per_operation.push(OperationScopes {
            operation_id: op.id().to_owned(),
            method: op.method.to_owned(),
            path: op.path.to_owned(),
            scopes: names,
        });
    }
    Ok(SecurityModel {
        scheme: scheme.clone(),
        token_url: flow.token_url.clone(),
        scopes: scopes.into_iter().collect(),
        operations: per_operation,
        fallback: None,
    })
}

/// Whether the spec declares an OAuth2 security scheme with a `clientCredentials` flow.
pub fn has_client_credentials(spec: &OpenAPI) -> bool {
    spec.components
        .iter()
        .flat_map(|components| components.security_schemes.values())
        .any(|scheme| {
            matches!(scheme, ReferenceOr::Item(SecurityScheme::OAuth2 { flows, .. }) if flows.client_credentials.is_some())
        })
}

/// `transactions/mock` → `TransactionsMock`; a leading digit gets a `Scope` prefix.
pub fn variant_name(scope: &str) -> String {
    let mut name = crate::naming::pascal_case(scope);
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "Scope");
    }
    name
}

/// The generated `security` module.
pub fn emit(model: &SecurityModel) -> Result<TokenStream, GenerateError> {
    let mut variants: Vec<String> = Vec::new();
    for (scope, _) in &model.scopes {
        let mut candidate = variant_name(scope);
        let base = candidate.clone();
        let mut n = 2;
        while variants.contains(&candidate) {
            candidate = format!("{base}{n}");
            n += 1;
        }
        variants.push(candidate);
    }
    let idents: Vec<_> = variants.iter().map(|v| format_ident!("{}", v)).collect();
    let names: Vec<&str> = model.scopes.iter().map(|(name, _)| name.as_str()).collect();
    let descriptions: Vec<&str> = model.scopes.iter().map(|(_, d)| d.as_str()).collect();
    let docs: Vec<String> = model
        .scopes
        .iter()
        .map(|(name, description)| format!("`{name}`: {description}"))
        .collect();
    let count = names.len();
    let token_url = &model.token_url;
    let scheme = &model.scheme;
    let token_url_doc = match &model.fallback {
        None => {
            format!("Token URL of the `clientCredentials` flow of the `{scheme}` security scheme.")
        }
        Some(source) => format!(
            "Token URL from {source}: the spec declares no OAuth2 `clientCredentials` scheme."
        ),
    };

    let operations = model.operations.iter().map(|op| {
        let id = &op.operation_id;
        let method = &op.method;
        let path = &op.path;
        let scopes = op.scopes.iter().map(|scope| {
            let index = names.iter().position(|n| n == scope).unwrap_or_default();
            let ident = &idents[index];
            quote!(Scope::#ident)
        });
        quote! {
            OperationSecurity { operation_id: #id, method: #method, path: #path, scopes: &[#(#scopes),*] }
        }
    });
    let as_str_body = if count == 0 {
        quote!(match self {})
    } else {
        quote!(match self { #(Scope::#idents => #names,)* })
    };
    let description_body = if count == 0 {
        quote!(match self {})
    } else {
        quote!(match self { #(Scope::#idents => #descriptions,)* })
    };

    Ok(quote! {
        //! What the spec says about authentication, which progenitor does not read: the token
        //! URL, the OAuth2 scopes, and the scopes each operation requires.

        #[doc = #token_url_doc]
        pub const TOKEN_URL: &str = #token_url;

        /// An OAuth2 scope declared by the spec. Pass it to
        /// [`CredentialsBuilder::scope`](nxtsoft_auth::CredentialsBuilder::scope).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Scope {
            #(
                #[doc = #docs]
                #idents,
            )*
        }

        impl Scope {
            /// Every scope the spec declares, in spec order.
            pub const ALL: [Scope; #count] = [#(Scope::#idents),*];

            /// The scope's name on the wire, e.g. `transactions/mock`.
            pub const fn as_str(self) -> &'static str {
                #as_str_body
            }

            /// The spec's description of the scope.
            pub const fn description(self) -> &'static str {
                #description_body
            }

            /// The scope with this wire name, if the spec declares it.
            pub fn from_name(name: &str) -> Option<Scope> {
                Scope::ALL.into_iter().find(|scope| scope.as_str() == name)
            }
        }

        impl AsRef<str> for Scope {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl std::fmt::Display for Scope {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// The scopes one operation requires.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct OperationSecurity {
            /// The operation's `operationId` (also the generated method's name).
            pub operation_id: &'static str,
            /// HTTP method.
            pub method: &'static str,
            /// Path template.
            pub path: &'static str,
            /// Scopes the token must carry.
            pub scopes: &'static [Scope],
        }

        /// Every operation with its required scopes, in spec order.
        pub const OPERATIONS: &[OperationSecurity] = &[#(#operations),*];

        /// The scopes the operation `operation_id` requires, or `None` for an unknown operation.
        pub fn required_scopes(operation_id: &str) -> Option<&'static [Scope]> {
            OPERATIONS
                .iter()
                .find(|op| op.operation_id == operation_id)
                .map(|op| op.scopes)
        }
    })
}
