// Generated from openapi/nxtsoft.yaml by `cargo xtask generate`; do not edit.
// Change the spec or the xtask and run `cargo xtask generate` instead.
// Spec: version 0.1.0-reconstructed, sha256 7ad15a98e5dd0b34.

//! What the spec says about authentication, which progenitor does not read: the token
//! URL, the OAuth2 scopes, and the scopes each operation requires.
///Token URL of the `clientCredentials` flow of the `nxtsoftOAuth2` security scheme.
pub const TOKEN_URL: &str = "https://auth.nxtsoft.com/oauth2/token";
/// An OAuth2 scope declared by the spec. Pass it to
/// [`CredentialsBuilder::scope`](nxtsoft_auth::CredentialsBuilder::scope).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    ///`transactions/mock`: Post a validation message.
    TransactionsMock,
    ///`transactions/post`: Post a transaction (seen in a sample token; not described by NXTsoft).
    TransactionsPost,
}
impl Scope {
    /// Every scope the spec declares, in spec order.
    pub const ALL: [Scope; 2usize] = [Scope::TransactionsMock, Scope::TransactionsPost];
    /// The scope's name on the wire, e.g. `transactions/mock`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Scope::TransactionsMock => "transactions/mock",
            Scope::TransactionsPost => "transactions/post",
        }
    }
    /// The spec's description of the scope.
    pub const fn description(self) -> &'static str {
        match self {
            Scope::TransactionsMock => "Post a validation message.",
            Scope::TransactionsPost => {
                "Post a transaction (seen in a sample token; not described by NXTsoft)."
            }
        }
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
pub const OPERATIONS: &[OperationSecurity] = &[
    OperationSecurity {
        operation_id: "validate_transaction",
        method: "POST",
        path: "/transactions/mock",
        scopes: &[Scope::TransactionsMock],
    },
    OperationSecurity {
        operation_id: "post_transaction",
        method: "POST",
        path: "/transactions/post",
        scopes: &[Scope::TransactionsPost],
    },
];
/// The scopes the operation `operation_id` requires, or `None` for an unknown operation.
pub fn required_scopes(operation_id: &str) -> Option<&'static [Scope]> {
    OPERATIONS.iter().find(|op| op.operation_id == operation_id).map(|op| op.scopes)
}
