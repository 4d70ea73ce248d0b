// Generated from openapi/nxtsoft.yaml by `cargo xtask generate`; do not edit.
// Change the spec or the xtask and run `cargo xtask generate` instead.
// Spec: version 0.1.0-reconstructed, sha256 7ad15a98e5dd0b34.

#[allow(unused_imports)]
pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};
#[allow(unused_imports)]
use progenitor_client::{encode_path, ClientHooks, OperationInfo, RequestBuilderExt};
/// Types used as operation parameters and responses.
#[allow(clippy::all)]
pub mod types {
    ///The account a transaction applies to.
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct AccountRef {
        pub account_id: AccountRefAccountId,
        pub account_type: AccountType,
    }
    impl AccountRef {
        pub fn builder() -> builder::AccountRef {
            Default::default()
        }
    }
    ///`AccountRefAccountId`
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    #[serde(transparent)]
    pub struct AccountRefAccountId(::std::string::String);
    impl ::std::ops::Deref for AccountRefAccountId {
        type Target = ::std::string::String;
        fn deref(&self) -> &::std::string::String {
            &self.0
        }
    }
    impl ::std::convert::From<AccountRefAccountId> for ::std::string::String {
        fn from(value: AccountRefAccountId) -> Self {
            value.0
        }
    }
    impl ::std::str::FromStr for AccountRefAccountId {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            if value.chars().count() > 34usize {
                return Err("longer than 34 characters".into());
            }
            if value.chars().count() < 1usize {
                return Err("shorter than 1 characters".into());
            }
            static PATTERN: ::std::sync::LazyLock<::regress::Regex> = ::std::sync::LazyLock::new(||
            { ::regress::Regex::new("^[0-9A-Za-z-]+$").unwrap() });
            if PATTERN.find(value).is_none() {
                return Err("doesn't match pattern \"^[0-9A-Za-z-]+$\"".into());
            }
            Ok(Self(value.to_string()))
        }
    }
    impl ::std::convert::TryFrom<&str> for AccountRefAccountId {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String> for AccountRefAccountId {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl<'de> ::serde::Deserialize<'de> for AccountRefAccountId {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            ::std::string::String::deserialize(deserializer)?
                .parse()
                .map_err(|e: self::error::ConversionError| {
                    <D::Error as ::serde::de::Error>::custom(e.to_string())
                })
        }
    }
    ///Kind of account.
    #[derive(
        ::serde::Deserialize,
        ::serde::Serialize,
        Clone,
        Copy,
        Debug,
        Eq,
        Hash,
        Ord,
        PartialEq,
        PartialOrd
    )]
    pub enum AccountType {
        #[serde(rename = "deposit")]
        Deposit,
        #[serde(rename = "savings")]
        Savings,
        #[serde(rename = "loan")]
        Loan,
        #[serde(rename = "general_ledger")]
        GeneralLedger,
    }
    impl ::std::fmt::Display for AccountType {
        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
            match *self {
                Self::Deposit => f.write_str("deposit"),
                Self::Savings => f.write_str("savings"),
                Self::Loan => f.write_str("loan"),
                Self::GeneralLedger => f.write_str("general_ledger"),
            }
        }
    }
    impl ::std::str::FromStr for AccountType {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            match value {
                "deposit" => Ok(Self::Deposit),
                "savings" => Ok(Self::Savings),
                "loan" => Ok(Self::Loan),
                "general_ledger" => Ok(Self::GeneralLedger),
                _ => Err("invalid value".into()),
            }
        }
    }
    impl ::std::convert::TryFrom<&str> for AccountType {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String> for AccountType {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    ///The body of every error answer.
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ApiError {
        #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
        pub details: ::std::vec::Vec<FieldMessage>,
        ///Stable machine-readable code, e.g. `invalid_token`, `insufficient_scope`.
        pub error: ApiErrorError,
        ///Human-readable explanation.
        pub message: ApiErrorMessage,
        ///NXTsoft's id of the request (an object ID, so a UUID).
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub request_id: ::std::option::Option<::uuid::Uuid>,
    }
    impl ApiError {
        pub fn builder() -> builder::ApiError {
            Default::default()
        }
    }
    ///Stable machine-readable code, e.g. `invalid_token`, `insufficient_scope`.
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    #[serde(transparent)]
    pub struct ApiErrorError(::std::string::String);
    impl ::std::ops::Deref for ApiErrorError {
        type Target = ::std::string::String;
        fn deref(&self) -> &::std::string::String {
            &self.0
        }
    }
    impl ::std::convert::From<ApiErrorError> for ::std::string::String {
        fn from(value: ApiErrorError) -> Self {
            value.0
        }
    }
    impl ::std::str::FromStr for ApiErrorError {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            if value.chars().count() > 255usize {
                return Err("longer than 255 characters".into());
            }
            Ok(Self(value.to_string()))
        }
    }
    impl ::std::convert::TryFrom<&str> for ApiErrorError {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String> for ApiErrorError {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl<'de> ::serde::Deserialize<'de> for ApiErrorError {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            ::std::string::String::deserialize(deserializer)?
                .parse()
                .map_err(|e: self::error::ConversionError| {
                    <D::Error as ::serde::de::Error>::custom(e.to_string())
                })
        }
    }
    ///Human-readable explanation.
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    #[serde(transparent)]
    pub struct ApiErrorMessage(::std::string::String);
    impl ::std::ops::Deref for ApiErrorMessage {
        type Target = ::std::string::String;
        fn deref(&self) -> &::std::string::String {
            &self.0
        }
    }
    impl ::std::convert::From<ApiErrorMessage> for ::std::string::String {
        fn from(value: ApiErrorMessage) -> Self {
            value.0
        }
    }
    impl ::std::str::FromStr for ApiErrorMessage {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            if value.chars().count() > 255usize {
                return Err("longer than 255 characters".into());
            }
            Ok(Self(value.to_string()))
        }
    }
    impl ::std::convert::TryFrom<&str> for ApiErrorMessage {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String> for ApiErrorMessage {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl<'de> ::serde::Deserialize<'de> for ApiErrorMessage {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            ::std::string::String::deserialize(deserializer)?
                .parse()
                .map_err(|e: self::error::ConversionError| {
                    <D::Error as ::serde::de::Error>::custom(e.to_string())
                })
        }
    }
    ///Whether the amount is taken from (debit) or added to (credit) the account.
    #[derive(
        ::serde::Deserialize,
        ::serde::Serialize,
        Clone,
        Copy,
        Debug,
        Eq,
        Hash,
        Ord,
        PartialEq,
        PartialOrd
    )]
    pub enum Direction {
        #[serde(rename = "debit")]
        Debit,
        #[serde(rename = "credit")]
        Credit,
    }
    impl ::std::fmt::Display for Direction {
        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
            match *self {
                Self::Debit => f.write_str("debit"),
                Self::Credit => f.write_str("credit"),
            }
        }
    }
    impl ::std::str::FromStr for Direction {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            match value {
                "debit" => Ok(Self::Debit),
                "credit" => Ok(Self::Credit),
                _ => Err("invalid value".into()),
            }
        }
    }
    impl ::std::convert::TryFrom<&str> for Direction {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String> for Direction {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    ///One finding about one field of a message.
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct FieldMessage {
        ///Stable machine-readable code, e.g. `invalid_amount`.
        pub code: FieldMessageCode,
        ///JSON pointer-like path of the field, e.g. `account.account_id`.
        pub field: FieldMessageField,
        ///Human-readable explanation.
        pub message: FieldMessageMessage,
        pub severity: FieldMessageSeverity,
    }
    impl FieldMessage {
        pub fn builder() -> builder::FieldMessage {
            Default::default()
        }
    }
    ///Stable machine-readable code, e.g. `invalid_amount`.
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    #[serde(transparent)]
    pub struct FieldMessageCode(::std::string::String);
    impl ::std::ops::Deref for FieldMessageCode {
        type Target = ::std::string::String;
        fn deref(&self) -> &::std::string::String {
            &self.0
        }
    }
    impl ::std::convert::From<FieldMessageCode> for ::std::string::String {
        fn from(value: FieldMessageCode) -> Self {
            value.0
        }
    }
    impl ::std::str::FromStr for FieldMessageCode {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            if value.chars().count() > 255usize {
                return Err("longer than 255 characters".into());
            }
            Ok(Self(value.to_string()))
        }
    }
    impl ::std::convert::TryFrom<&str> for FieldMessageCode {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String> for FieldMessageCode {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl<'de> ::serde::Deserialize<'de> for FieldMessageCode {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            ::std::string::String::deserialize(deserializer)?
                .parse()
                .map_err(|e: self::error::ConversionError| {
                    <D::Error as ::serde::de::Error>::custom(e.to_string())
                })
        }
    }
    ///JSON pointer-like path of the field, e.g. `account.account_id`.
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    #[serde(transparent)]
    pub struct FieldMessageField(::std::string::String);
    impl ::std::ops::Deref for FieldMessageField {
        type Target = ::std::string::String;
        fn deref(&self) -> &::std::string::String {
            &self.0
        }
    }
    impl ::std::convert::From<FieldMessageField> for ::std::string::String {
        fn from(value: FieldMessageField) -> Self {
            value.0
        }
    }
    impl ::std::str::FromStr for FieldMessageField {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            if value.chars().count() > 255usize {
                return Err("longer than 255 characters".into());
            }
            Ok(Self(value.to_string()))
        }
    }
    impl ::std::convert::TryFrom<&str> for FieldMessageField {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String> for FieldMessageField {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl<'de> ::serde::Deserialize<'de> for FieldMessageField {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            ::std::string::String::deserialize(deserializer)?
                .parse()
                .map_err(|e: self::error::ConversionError| {
                    <D::Error as ::serde::de::Error>::custom(e.to_string())
                })
        }
    }
    ///Human-readable explanation.
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    #[serde(transparent)]
    pub struct FieldMessageMessage(::std::string::String);
    impl ::std::ops::Deref for FieldMessageMessage {
        type Target = ::std::string::String;
        fn deref(&self) -> &::std::string::String {
            &self.0
        }
    }
    impl ::std::convert::From<FieldMessageMessage> for ::std::string::String {
        fn from(value: FieldMessageMessage) -> Self {
            value.0
        }
    }
    impl ::std::str::FromStr for FieldMessageMessage {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            if value.chars().count() > 255usize {
                return Err("longer than 255 characters".into());
            }
            Ok(Self(value.to_string()))
        }
    }
    impl ::std::convert::TryFrom<&str> for FieldMessageMessage {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String> for FieldMessageMessage {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl<'de> ::serde::Deserialize<'de> for FieldMessageMessage {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            ::std::string::String::deserialize(deserializer)?
                .parse()
                .map_err(|e: self::error::ConversionError| {
                    <D::Error as ::serde::de::Error>::custom(e.to_string())
                })
        }
    }
    ///`FieldMessageSeverity`
    #[derive(
        ::serde::Deserialize,
        ::serde::Serialize,
        Clone,
        Copy,
        Debug,
        Eq,
        Hash,
        Ord,
        PartialEq,
        PartialOrd
    )]
    pub enum FieldMessageSeverity {
        #[serde(rename = "error")]
        Error,
        #[serde(rename = "warning")]
        Warning,
    }
    impl ::std::fmt::Display for FieldMessageSeverity {
        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
            match *self {
                Self::Error => f.write_str("error"),
                Self::Warning => f.write_str("warning"),
            }
        }
    }
    impl ::std::str::FromStr for FieldMessageSeverity {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            match value {
                "error" => Ok(Self::Error),
                "warning" => Ok(Self::Warning),
                _ => Err("invalid value".into()),
            }
        }
    }
    impl ::std::convert::TryFrom<&str> for FieldMessageSeverity {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String> for FieldMessageSeverity {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    ///The outcome of posting a transaction.
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct PostResult {
        pub client_reference_id: PostResultClientReferenceId,
        ///When the transaction was posted, in UTC with milliseconds (`yyyy-mm-ddThh:mm:ss.vZ`).
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub posted_at: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
        pub status: PostStatus,
        ///NXTsoft's id of the recorded transaction (an object ID, so a UUID).
        pub transaction_id: ::uuid::Uuid,
    }
    impl PostResult {
        pub fn builder() -> builder::PostResult {
            Default::default()
        }
    }
    ///`PostResultClientReferenceId`
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    #[serde(transparent)]
    pub struct PostResultClientReferenceId(::std::string::String);
    impl ::std::ops::Deref for PostResultClientReferenceId {
        type Target = ::std::string::String;
        fn deref(&self) -> &::std::string::String {
            &self.0
        }
    }
    impl ::std::convert::From<PostResultClientReferenceId> for ::std::string::String {
        fn from(value: PostResultClientReferenceId) -> Self {
            value.0
        }
    }
    impl ::std::str::FromStr for PostResultClientReferenceId {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            if value.chars().count() > 255usize {
                return Err("longer than 255 characters".into());
            }
            Ok(Self(value.to_string()))
        }
    }
    impl ::std::convert::TryFrom<&str> for PostResultClientReferenceId {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String> for PostResultClientReferenceId {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl<'de> ::serde::Deserialize<'de> for PostResultClientReferenceId {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            ::std::string::String::deserialize(deserializer)?
                .parse()
                .map_err(|e: self::error::ConversionError| {
                    <D::Error as ::serde::de::Error>::custom(e.to_string())
                })
        }
    }
    ///Where the posted transaction stands.
    #[derive(
        ::serde::Deserialize,
        ::serde::Serialize,
        Clone,
        Copy,
        Debug,
        Eq,
        Hash,
        Ord,
        PartialEq,
        PartialOrd
    )]
    pub enum PostStatus {
        #[serde(rename = "posted")]
        Posted,
        #[serde(rename = "pending")]
        Pending,
    }
    impl ::std::fmt::Display for PostStatus {
        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
            match *self {
                Self::Posted => f.write_str("posted"),
                Self::Pending => f.write_str("pending"),
            }
        }
    }
    impl ::std::str::FromStr for PostStatus {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            match value {
                "posted" => Ok(Self::Posted),
                "pending" => Ok(Self::Pending),
                _ => Err("invalid value".into()),
            }
        }
    }
    impl ::std::convert::TryFrom<&str> for PostStatus {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String> for PostStatus {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    ///A monetary transaction message. RECONSTRUCTED from core-banking TrnAdd.
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct TransactionMessage {
        pub account: AccountRef,
        ///Amount as a decimal string with at most two fraction digits, never a float.
        pub amount: TransactionMessageAmount,
        ///The caller's unique id for this message; posting is idempotent on it.
        pub client_reference_id: TransactionMessageClientReferenceId,
        ///ISO 4217 currency code.
        #[serde(default = "defaults::transaction_message_currency")]
        pub currency: TransactionMessageCurrency,
        ///Free-text description lines shown on the statement.
        #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
        pub descriptions: ::std::vec::Vec<TransactionMessageDescriptionsItem>,
        pub direction: Direction,
        ///The date the transaction takes effect (ISO 8601 `YYYY-MM-DD`).
        pub effective_date: ::chrono::naive::NaiveDate,
        ///The institution's transaction code.
        pub transaction_code: TransactionMessageTransactionCode,
    }
    impl TransactionMessage {
        pub fn builder() -> builder::TransactionMessage {
            Default::default()
        }
    }
    ///Amount as a decimal string with at most two fraction digits, never a float.
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    #[serde(transparent)]
    pub struct TransactionMessageAmount(::std::string::String);
    impl ::std::ops::Deref for TransactionMessageAmount {
        type Target = ::std::string::String;
        fn deref(&self) -> &::std::string::String {
            &self.0
        }
    }
    impl ::std::convert::From<TransactionMessageAmount> for ::std::string::String {
        fn from(value: TransactionMessageAmount) -> Self {
            value.0
        }
    }
    impl ::std::str::FromStr for TransactionMessageAmount {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            if value.chars().count() > 255usize {
                return Err("longer than 255 characters".into());
            }
            static PATTERN: ::std::sync::LazyLock<::regress::Regex> = ::std::sync::LazyLock::new(||
            { ::regress::Regex::new("^[0-9]{1,15}(\\.[0-9]{1,2})?$").unwrap() });
            if PATTERN.find(value).is_none() {
                return Err(
                    "doesn't match pattern \"^[0-9]{1,15}(\\.[0-9]{1,2})?$\"".into(),
                );
            }
            Ok(Self(value.to_string()))
        }
    }
    impl ::std::convert::TryFrom<&str> for TransactionMessageAmount {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String> for TransactionMessageAmount {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl<'de> ::serde::Deserialize<'de> for TransactionMessageAmount {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            ::std::string::String::deserialize(deserializer)?
                .parse()
                .map_err(|e: self::error::ConversionError| {
                    <D::Error as ::serde::de::Error>::custom(e.to_string())
                })
        }
    }
    ///The caller's unique id for this message; posting is idempotent on it.
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    #[serde(transparent)]
    pub struct TransactionMessageClientReferenceId(::std::string::String);
    impl ::std::ops::Deref for TransactionMessageClientReferenceId {
        type Target = ::std::string::String;
        fn deref(&self) -> &::std::string::String {
            &self.0
        }
    }
    impl ::std::convert::From<TransactionMessageClientReferenceId>
    for ::std::string::String {
        fn from(value: TransactionMessageClientReferenceId) -> Self {
            value.0
        }
    }
    impl ::std::str::FromStr for TransactionMessageClientReferenceId {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            if value.chars().count() > 64usize {
                return Err("longer than 64 characters".into());
            }
            if value.chars().count() < 1usize {
                return Err("shorter than 1 characters".into());
            }
            static PATTERN: ::std::sync::LazyLock<::regress::Regex> = ::std::sync::LazyLock::new(||
            { ::regress::Regex::new("^[A-Za-z0-9._:-]+$").unwrap() });
            if PATTERN.find(value).is_none() {
                return Err("doesn't match pattern \"^[A-Za-z0-9._:-]+$\"".into());
            }
            Ok(Self(value.to_string()))
        }
    }
    impl ::std::convert::TryFrom<&str> for TransactionMessageClientReferenceId {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String>
    for TransactionMessageClientReferenceId {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl<'de> ::serde::Deserialize<'de> for TransactionMessageClientReferenceId {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            ::std::string::String::deserialize(deserializer)?
                .parse()
                .map_err(|e: self::error::ConversionError| {
                    <D::Error as ::serde::de::Error>::custom(e.to_string())
                })
        }
    }
    ///ISO 4217 currency code.
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    #[serde(transparent)]
    pub struct TransactionMessageCurrency(::std::string::String);
    impl ::std::ops::Deref for TransactionMessageCurrency {
        type Target = ::std::string::String;
        fn deref(&self) -> &::std::string::String {
            &self.0
        }
    }
    impl ::std::convert::From<TransactionMessageCurrency> for ::std::string::String {
        fn from(value: TransactionMessageCurrency) -> Self {
            value.0
        }
    }
    impl ::std::default::Default for TransactionMessageCurrency {
        fn default() -> Self {
            TransactionMessageCurrency("USD".to_string())
        }
    }
    impl ::std::str::FromStr for TransactionMessageCurrency {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            if value.chars().count() > 255usize {
                return Err("longer than 255 characters".into());
            }
            static PATTERN: ::std::sync::LazyLock<::regress::Regex> = ::std::sync::LazyLock::new(||
            { ::regress::Regex::new("^[A-Z]{3}$").unwrap() });
            if PATTERN.find(value).is_none() {
                return Err("doesn't match pattern \"^[A-Z]{3}$\"".into());
            }
            Ok(Self(value.to_string()))
        }
    }
    impl ::std::convert::TryFrom<&str> for TransactionMessageCurrency {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String> for TransactionMessageCurrency {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl<'de> ::serde::Deserialize<'de> for TransactionMessageCurrency {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            ::std::string::String::deserialize(deserializer)?
                .parse()
                .map_err(|e: self::error::ConversionError| {
                    <D::Error as ::serde::de::Error>::custom(e.to_string())
                })
        }
    }
    ///`TransactionMessageDescriptionsItem`
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    #[serde(transparent)]
    pub struct TransactionMessageDescriptionsItem(::std::string::String);
    impl ::std::ops::Deref for TransactionMessageDescriptionsItem {
        type Target = ::std::string::String;
        fn deref(&self) -> &::std::string::String {
            &self.0
        }
    }
    impl ::std::convert::From<TransactionMessageDescriptionsItem>
    for ::std::string::String {
        fn from(value: TransactionMessageDescriptionsItem) -> Self {
            value.0
        }
    }
    impl ::std::str::FromStr for TransactionMessageDescriptionsItem {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            if value.chars().count() > 80usize {
                return Err("longer than 80 characters".into());
            }
            Ok(Self(value.to_string()))
        }
    }
    impl ::std::convert::TryFrom<&str> for TransactionMessageDescriptionsItem {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String>
    for TransactionMessageDescriptionsItem {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl<'de> ::serde::Deserialize<'de> for TransactionMessageDescriptionsItem {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            ::std::string::String::deserialize(deserializer)?
                .parse()
                .map_err(|e: self::error::ConversionError| {
                    <D::Error as ::serde::de::Error>::custom(e.to_string())
                })
        }
    }
    ///The institution's transaction code.
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    #[serde(transparent)]
    pub struct TransactionMessageTransactionCode(::std::string::String);
    impl ::std::ops::Deref for TransactionMessageTransactionCode {
        type Target = ::std::string::String;
        fn deref(&self) -> &::std::string::String {
            &self.0
        }
    }
    impl ::std::convert::From<TransactionMessageTransactionCode>
    for ::std::string::String {
        fn from(value: TransactionMessageTransactionCode) -> Self {
            value.0
        }
    }
    impl ::std::str::FromStr for TransactionMessageTransactionCode {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            if value.chars().count() > 8usize {
                return Err("longer than 8 characters".into());
            }
            if value.chars().count() < 1usize {
                return Err("shorter than 1 characters".into());
            }
            Ok(Self(value.to_string()))
        }
    }
    impl ::std::convert::TryFrom<&str> for TransactionMessageTransactionCode {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String>
    for TransactionMessageTransactionCode {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl<'de> ::serde::Deserialize<'de> for TransactionMessageTransactionCode {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            ::std::string::String::deserialize(deserializer)?
                .parse()
                .map_err(|e: self::error::ConversionError| {
                    <D::Error as ::serde::de::Error>::custom(e.to_string())
                })
        }
    }
    ///The outcome of validating a message. RECONSTRUCTED from TrnAddValidate.
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    pub struct ValidationResult {
        pub client_reference_id: ValidationResultClientReferenceId,
        pub messages: ::std::vec::Vec<FieldMessage>,
        ///True when the message would post as it stands.
        pub valid: bool,
    }
    impl ValidationResult {
        pub fn builder() -> builder::ValidationResult {
            Default::default()
        }
    }
    ///`ValidationResultClientReferenceId`
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    #[serde(transparent)]
    pub struct ValidationResultClientReferenceId(::std::string::String);
    impl ::std::ops::Deref for ValidationResultClientReferenceId {
        type Target = ::std::string::String;
        fn deref(&self) -> &::std::string::String {
            &self.0
        }
    }
    impl ::std::convert::From<ValidationResultClientReferenceId>
    for ::std::string::String {
        fn from(value: ValidationResultClientReferenceId) -> Self {
            value.0
        }
    }
    impl ::std::str::FromStr for ValidationResultClientReferenceId {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            if value.chars().count() > 255usize {
                return Err("longer than 255 characters".into());
            }
            Ok(Self(value.to_string()))
        }
    }
    impl ::std::convert::TryFrom<&str> for ValidationResultClientReferenceId {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String>
    for ValidationResultClientReferenceId {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl<'de> ::serde::Deserialize<'de> for ValidationResultClientReferenceId {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            ::std::string::String::deserialize(deserializer)?
                .parse()
                .map_err(|e: self::error::ConversionError| {
                    <D::Error as ::serde::de::Error>::custom(e.to_string())
                })
        }
    }
    /// Types for composing complex structures.
    pub mod builder {
        #[derive(Clone, Debug)]
        pub struct AccountRef {
            account_id: ::std::result::Result<
                super::AccountRefAccountId,
                ::std::string::String,
            >,
            account_type: ::std::result::Result<
                super::AccountType,
                ::std::string::String,
            >,
        }
        impl ::std::default::Default for AccountRef {
            fn default() -> Self {
                Self {
                    account_id: Err("no value supplied for account_id".to_string()),
                    account_type: Err("no value supplied for account_type".to_string()),
                }
            }
        }
        impl AccountRef {
            pub fn account_id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::AccountRefAccountId>,
                T::Error: ::std::fmt::Display,
            {
                self.account_id = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for account_id: {e}")
                    });
                self
            }
            pub fn account_type<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::AccountType>,
                T::Error: ::std::fmt::Display,
            {
                self.account_type = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for account_type: {e}")
                    });
                self
            }
        }
        impl ::std::convert::TryFrom<AccountRef> for super::AccountRef {
            type Error = super::error::ConversionError;
            fn try_from(
                value: AccountRef,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    account_id: value.account_id?,
                    account_type: value.account_type?,
                })
            }
        }
        impl ::std::convert::From<super::AccountRef> for AccountRef {
            fn from(value: super::AccountRef) -> Self {
                Self {
                    account_id: Ok(value.account_id),
                    account_type: Ok(value.account_type),
                }
            }
        }
        #[derive(Clone, Debug)]
        pub struct ApiError {
            details: ::std::result::Result<
                ::std::vec::Vec<super::FieldMessage>,
                ::std::string::String,
            >,
            error: ::std::result::Result<super::ApiErrorError, ::std::string::String>,
            message: ::std::result::Result<
                super::ApiErrorMessage,
                ::std::string::String,
            >,
            request_id: ::std::result::Result<
                ::std::option::Option<::uuid::Uuid>,
                ::std::string::String,
            >,
        }
        impl ::std::default::Default for ApiError {
            fn default() -> Self {
                Self {
                    details: Ok(Default::default()),
                    error: Err("no value supplied for error".to_string()),
                    message: Err("no value supplied for message".to_string()),
                    request_id: Ok(Default::default()),
                }
            }
        }
        impl ApiError {
            pub fn details<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::FieldMessage>>,
                T::Error: ::std::fmt::Display,
            {
                self.details = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for details: {e}")
                    });
                self
            }
            pub fn error<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::ApiErrorError>,
                T::Error: ::std::fmt::Display,
            {
                self.error = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for error: {e}")
                    });
                self
            }
            pub fn message<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::ApiErrorMessage>,
                T::Error: ::std::fmt::Display,
            {
                self.message = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for message: {e}")
                    });
                self
            }
            pub fn request_id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::uuid::Uuid>>,
                T::Error: ::std::fmt::Display,
            {
                self.request_id = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for request_id: {e}")
                    });
                self
            }
        }
        impl ::std::convert::TryFrom<ApiError> for super::ApiError {
            type Error = super::error::ConversionError;
            fn try_from(
                value: ApiError,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    details: value.details?,
                    error: value.error?,
                    message: value.message?,
                    request_id: value.request_id?,
                })
            }
        }
        impl ::std::convert::From<super::ApiError> for ApiError {
            fn from(value: super::ApiError) -> Self {
                Self {
                    details: Ok(value.details),
                    error: Ok(value.error),
                    message: Ok(value.message),
                    request_id: Ok(value.request_id),
                }
            }
        }
        #[derive(Clone, Debug)]
        pub struct FieldMessage {
            code: ::std::result::Result<super::FieldMessageCode, ::std::string::String>,
            field: ::std::result::Result<
                super::FieldMessageField,
                ::std::string::String,
            >,
            message: ::std::result::Result<
                super::FieldMessageMessage,
                ::std::string::String,
            >,
            severity: ::std::result::Result<
                super::FieldMessageSeverity,
                ::std::string::String,
            >,
        }
        impl ::std::default::Default for FieldMessage {
            fn default() -> Self {
                Self {
                    code: Err("no value supplied for code".to_string()),
                    field: Err("no value supplied for field".to_string()),
                    message: Err("no value supplied for message".to_string()),
                    severity: Err("no value supplied for severity".to_string()),
                }
            }
        }
        impl FieldMessage {
            pub fn code<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::FieldMessageCode>,
                T::Error: ::std::fmt::Display,
            {
                self.code = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for code: {e}")
                    });
                self
            }
            pub fn field<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::FieldMessageField>,
                T::Error: ::std::fmt::Display,
            {
                self.field = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for field: {e}")
                    });
                self
            }
            pub fn message<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::FieldMessageMessage>,
                T::Error: ::std::fmt::Display,
            {
                self.message = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for message: {e}")
                    });
                self
            }
            pub fn severity<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::FieldMessageSeverity>,
                T::Error: ::std::fmt::Display,
            {
                self.severity = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for severity: {e}")
                    });
                self
            }
        }
        impl ::std::convert::TryFrom<FieldMessage> for super::FieldMessage {
            type Error = super::error::ConversionError;
            fn try_from(
                value: FieldMessage,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    code: value.code?,
                    field: value.field?,
                    message: value.message?,
                    severity: value.severity?,
                })
            }
        }
        impl ::std::convert::From<super::FieldMessage> for FieldMessage {
            fn from(value: super::FieldMessage) -> Self {
                Self {
                    code: Ok(value.code),
                    field: Ok(value.field),
                    message: Ok(value.message),
                    severity: Ok(value.severity),
                }
            }
        }
        #[derive(Clone, Debug)]
        pub struct PostResult {
            client_reference_id: ::std::result::Result<
                super::PostResultClientReferenceId,
                ::std::string::String,
            >,
            posted_at: ::std::result::Result<
                ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                ::std::string::String,
            >,
            status: ::std::result::Result<super::PostStatus, ::std::string::String>,
            transaction_id: ::std::result::Result<::uuid::Uuid, ::std::string::String>,
        }
        impl ::std::default::Default for PostResult {
            fn default() -> Self {
                Self {
                    client_reference_id: Err(
                        "no value supplied for client_reference_id".to_string(),
                    ),
                    posted_at: Ok(Default::default()),
                    status: Err("no value supplied for status".to_string()),
                    transaction_id: Err(
                        "no value supplied for transaction_id".to_string(),
                    ),
                }
            }
        }
        impl PostResult {
            pub fn client_reference_id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::PostResultClientReferenceId>,
                T::Error: ::std::fmt::Display,
            {
                self.client_reference_id = value
                    .try_into()
                    .map_err(|e| {
                        format!(
                            "error converting supplied value for client_reference_id: {e}"
                        )
                    });
                self
            }
            pub fn posted_at<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                >,
                T::Error: ::std::fmt::Display,
            {
                self.posted_at = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for posted_at: {e}")
                    });
                self
            }
            pub fn status<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::PostStatus>,
                T::Error: ::std::fmt::Display,
            {
                self.status = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for status: {e}")
                    });
                self
            }
            pub fn transaction_id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::uuid::Uuid>,
                T::Error: ::std::fmt::Display,
            {
                self.transaction_id = value
                    .try_into()
                    .map_err(|e| {
                        format!(
                            "error converting supplied value for transaction_id: {e}"
                        )
                    });
                self
            }
        }
        impl ::std::convert::TryFrom<PostResult> for super::PostResult {
            type Error = super::error::ConversionError;
            fn try_from(
                value: PostResult,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    client_reference_id: value.client_reference_id?,
                    posted_at: value.posted_at?,
                    status: value.status?,
                    transaction_id: value.transaction_id?,
                })
            }
        }
        impl ::std::convert::From<super::PostResult> for PostResult {
            fn from(value: super::PostResult) -> Self {
                Self {
                    client_reference_id: Ok(value.client_reference_id),
                    posted_at: Ok(value.posted_at),
                    status: Ok(value.status),
                    transaction_id: Ok(value.transaction_id),
                }
            }
        }
        #[derive(Clone, Debug)]
        pub struct TransactionMessage {
            account: ::std::result::Result<super::AccountRef, ::std::string::String>,
            amount: ::std::result::Result<
                super::TransactionMessageAmount,
                ::std::string::String,
            >,
            client_reference_id: ::std::result::Result<
                super::TransactionMessageClientReferenceId,
                ::std::string::String,
            >,
            currency: ::std::result::Result<
                super::TransactionMessageCurrency,
                ::std::string::String,
            >,
            descriptions: ::std::result::Result<
                ::std::vec::Vec<super::TransactionMessageDescriptionsItem>,
                ::std::string::String,
            >,
            direction: ::std::result::Result<super::Direction, ::std::string::String>,
            effective_date: ::std::result::Result<
                ::chrono::naive::NaiveDate,
                ::std::string::String,
            >,
            transaction_code: ::std::result::Result<
                super::TransactionMessageTransactionCode,
                ::std::string::String,
            >,
        }
        impl ::std::default::Default for TransactionMessage {
            fn default() -> Self {
                Self {
                    account: Err("no value supplied for account".to_string()),
                    amount: Err("no value supplied for amount".to_string()),
                    client_reference_id: Err(
                        "no value supplied for client_reference_id".to_string(),
                    ),
                    currency: Ok(super::defaults::transaction_message_currency()),
                    descriptions: Ok(Default::default()),
                    direction: Err("no value supplied for direction".to_string()),
                    effective_date: Err(
                        "no value supplied for effective_date".to_string(),
                    ),
                    transaction_code: Err(
                        "no value supplied for transaction_code".to_string(),
                    ),
                }
            }
        }
        impl TransactionMessage {
            pub fn account<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::AccountRef>,
                T::Error: ::std::fmt::Display,
            {
                self.account = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for account: {e}")
                    });
                self
            }
            pub fn amount<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::TransactionMessageAmount>,
                T::Error: ::std::fmt::Display,
            {
                self.amount = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for amount: {e}")
                    });
                self
            }
            pub fn client_reference_id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::TransactionMessageClientReferenceId>,
                T::Error: ::std::fmt::Display,
            {
                self.client_reference_id = value
                    .try_into()
                    .map_err(|e| {
                        format!(
                            "error converting supplied value for client_reference_id: {e}"
                        )
                    });
                self
            }
            pub fn currency<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::TransactionMessageCurrency>,
                T::Error: ::std::fmt::Display,
            {
                self.currency = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for currency: {e}")
                    });
                self
            }
            pub fn descriptions<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::vec::Vec<super::TransactionMessageDescriptionsItem>,
                >,
                T::Error: ::std::fmt::Display,
            {
                self.descriptions = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for descriptions: {e}")
                    });
                self
            }
            pub fn direction<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::Direction>,
                T::Error: ::std::fmt::Display,
            {
                self.direction = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for direction: {e}")
                    });
                self
            }
            pub fn effective_date<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::chrono::naive::NaiveDate>,
                T::Error: ::std::fmt::Display,
            {
                self.effective_date = value
                    .try_into()
                    .map_err(|e| {
                        format!(
                            "error converting supplied value for effective_date: {e}"
                        )
                    });
                self
            }
            pub fn transaction_code<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::TransactionMessageTransactionCode>,
                T::Error: ::std::fmt::Display,
            {
                self.transaction_code = value
                    .try_into()
                    .map_err(|e| {
                        format!(
                            "error converting supplied value for transaction_code: {e}"
                        )
                    });
                self
            }
        }
        impl ::std::convert::TryFrom<TransactionMessage> for super::TransactionMessage {
            type Error = super::error::ConversionError;
            fn try_from(
                value: TransactionMessage,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    account: value.account?,
                    amount: value.amount?,
                    client_reference_id: value.client_reference_id?,
                    currency: value.currency?,
                    descriptions: value.descriptions?,
                    direction: value.direction?,
                    effective_date: value.effective_date?,
                    transaction_code: value.transaction_code?,
                })
            }
        }
        impl ::std::convert::From<super::TransactionMessage> for TransactionMessage {
            fn from(value: super::TransactionMessage) -> Self {
                Self {
                    account: Ok(value.account),
                    amount: Ok(value.amount),
                    client_reference_id: Ok(value.client_reference_id),
                    currency: Ok(value.currency),
                    descriptions: Ok(value.descriptions),
                    direction: Ok(value.direction),
                    effective_date: Ok(value.effective_date),
                    transaction_code: Ok(value.transaction_code),
                }
            }
        }
        #[derive(Clone, Debug)]
        pub struct ValidationResult {
            client_reference_id: ::std::result::Result<
                super::ValidationResultClientReferenceId,
                ::std::string::String,
            >,
            messages: ::std::result::Result<
                ::std::vec::Vec<super::FieldMessage>,
                ::std::string::String,
            >,
            valid: ::std::result::Result<bool, ::std::string::String>,
        }
        impl ::std::default::Default for ValidationResult {
            fn default() -> Self {
                Self {
                    client_reference_id: Err(
                        "no value supplied for client_reference_id".to_string(),
                    ),
                    messages: Err("no value supplied for messages".to_string()),
                    valid: Err("no value supplied for valid".to_string()),
                }
            }
        }
        impl ValidationResult {
            pub fn client_reference_id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::ValidationResultClientReferenceId>,
                T::Error: ::std::fmt::Display,
            {
                self.client_reference_id = value
                    .try_into()
                    .map_err(|e| {
                        format!(
                            "error converting supplied value for client_reference_id: {e}"
                        )
                    });
                self
            }
            pub fn messages<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::FieldMessage>>,
                T::Error: ::std::fmt::Display,
            {
                self.messages = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for messages: {e}")
                    });
                self
            }
            pub fn valid<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display,
            {
                self.valid = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for valid: {e}")
                    });
                self
            }
        }
        impl ::std::convert::TryFrom<ValidationResult> for super::ValidationResult {
            type Error = super::error::ConversionError;
            fn try_from(
                value: ValidationResult,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    client_reference_id: value.client_reference_id?,
                    messages: value.messages?,
                    valid: value.valid?,
                })
            }
        }
        impl ::std::convert::From<super::ValidationResult> for ValidationResult {
            fn from(value: super::ValidationResult) -> Self {
                Self {
                    client_reference_id: Ok(value.client_reference_id),
                    messages: Ok(value.messages),
                    valid: Ok(value.valid),
                }
            }
        }
    }
    /// Generation of default values for serde.
    pub mod defaults {
        pub(super) fn transaction_message_currency() -> super::TransactionMessageCurrency {
            super::TransactionMessageCurrency("USD".to_string())
        }
    }
    /// Error types.
    pub mod error {
        /// Error from a `TryFrom` or `FromStr` implementation.
        pub struct ConversionError(::std::borrow::Cow<'static, str>);
        impl ::std::error::Error for ConversionError {}
        impl ::std::fmt::Display for ConversionError {
            fn fmt(
                &self,
                f: &mut ::std::fmt::Formatter<'_>,
            ) -> Result<(), ::std::fmt::Error> {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }
        impl ::std::fmt::Debug for ConversionError {
            fn fmt(
                &self,
                f: &mut ::std::fmt::Formatter<'_>,
            ) -> Result<(), ::std::fmt::Error> {
                ::std::fmt::Debug::fmt(&self.0, f)
            }
        }
        impl From<&'static str> for ConversionError {
            fn from(value: &'static str) -> Self {
                Self(value.into())
            }
        }
        impl From<String> for ConversionError {
            fn from(value: String) -> Self {
                Self(value.into())
            }
        }
    }
}
#[derive(Clone, Debug)]
/**Client for NXTsoft Transactions API

Typed description of NXTsoft's OAuth2-protected transactions API.

What NXTsoft documents publicly, and what this file takes from it as fact: OAuth 2.0 client
credentials (RFC 6749 section 4.4) against `https://auth.nxtsoft.com/oauth2/token` (AWS Cognito),
the scope `transactions/mock` ("Post a validation message."), and the scope `transactions/post`
(seen in a sample token).

NXTsoft's public "fields" page, also taken as fact: `assetID` is a key NXTsoft gives each
partner to identify a client on its Omni Platform; dates are ISO 8601 `YYYY-MM-DD`; date-times
are `yyyy-mm-ddThh:mm:ss.v` with milliseconds and a trailing `Z`; strings are limited to 255
characters unless noted; object IDs are UUIDs. Every schema below follows these rules.

RECONSTRUCTED: everything else (the API host, the paths, the request and response bodies, and
where `assetID` travels) is not public. It is modelled on the closest public analogue, a core-banking "add transaction" /
"validate transaction" pair (Jack Henry's TrnAdd / TrnAddValidate). Every reconstructed part
carries `x-reconstructed: true`. Replace this file with NXTsoft's real description and run
`cargo xtask generate`.


Version: 0.1.0-reconstructed*/
pub struct Client {
    pub(crate) baseurl: String,
    pub(crate) client: reqwest::Client,
    pub(crate) inner: nxtsoft_auth::Authenticator,
}
impl Client {
    /// Create a new client.
    ///
    /// `baseurl` is the base URL provided to the internal
    /// `reqwest::Client`, and should include a scheme and hostname,
    /// as well as port and a path stem if applicable.
    pub fn new(baseurl: &str, inner: nxtsoft_auth::Authenticator) -> Self {
        #[cfg(not(target_arch = "wasm32"))]
        let client = {
            let dur = ::std::time::Duration::from_secs(15u64);
            reqwest::ClientBuilder::new().connect_timeout(dur).timeout(dur)
        };
        #[cfg(target_arch = "wasm32")]
        let client = reqwest::ClientBuilder::new();
        Self::new_with_client(baseurl, client.build().unwrap(), inner)
    }
    /// Construct a new client with an existing `reqwest::Client`,
    /// allowing more control over its configuration.
    ///
    /// `baseurl` is the base URL provided to the internal
    /// `reqwest::Client`, and should include a scheme and hostname,
    /// as well as port and a path stem if applicable.
    pub fn new_with_client(
        baseurl: &str,
        client: reqwest::Client,
        inner: nxtsoft_auth::Authenticator,
    ) -> Self {
        Self {
            baseurl: baseurl.to_string(),
            client,
            inner,
        }
    }
}
impl ClientInfo<nxtsoft_auth::Authenticator> for Client {
    fn api_version() -> &'static str {
        "0.1.0-reconstructed"
    }
    fn baseurl(&self) -> &str {
        self.baseurl.as_str()
    }
    fn client(&self) -> &reqwest::Client {
        &self.client
    }
    fn inner(&self) -> &nxtsoft_auth::Authenticator {
        &self.inner
    }
}
const _: () = {
    #[allow(dead_code)]
    fn assert_client_hooks()
    where
        Client: ClientHooks<nxtsoft_auth::Authenticator>,
    {}
};
impl Client {
    /**Validate a transaction message without posting it

Checks a transaction message the way posting would (account, amount, transaction code,
dates) and answers with field-level messages. Nothing is posted and no money moves.
RECONSTRUCTED path and bodies; the scope `transactions/mock` is documented by NXTsoft.


Sends a `POST` request to `/transactions/mock`

```text
let response = client.validate_transaction()
    .body(body)
    .send()
    .await;
```*/
    pub fn validate_transaction(&self) -> builder::ValidateTransaction<'_> {
        builder::ValidateTransaction::new(self)
    }
    /**Post a monetary transaction

Posts the transaction. Idempotent by `client_reference_id`: posting the same reference again
returns the first result and never records a second transaction.
RECONSTRUCTED path and bodies; the scope `transactions/post` is seen in a sample token.


Sends a `POST` request to `/transactions/post`

```text
let response = client.post_transaction()
    .body(body)
    .send()
    .await;
```*/
    pub fn post_transaction(&self) -> builder::PostTransaction<'_> {
        builder::PostTransaction::new(self)
    }
}
/// Types for composing operation parameters.
#[allow(clippy::all)]
pub mod builder {
    use super::types;
    #[allow(unused_imports)]
    use super::{
        encode_path, ByteStream, ClientInfo, ClientHooks, Error, OperationInfo,
        RequestBuilderExt, ResponseValue,
    };
    /**Builder for [`Client::validate_transaction`]

[`Client::validate_transaction`]: super::Client::validate_transaction*/
    #[derive(Debug, Clone)]
    pub struct ValidateTransaction<'a> {
        client: &'a super::Client,
        body: Result<types::builder::TransactionMessage, String>,
    }
    impl<'a> ValidateTransaction<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                body: Ok(::std::default::Default::default()),
            }
        }
        pub fn body<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<types::TransactionMessage>,
            <V as std::convert::TryInto<
                types::TransactionMessage,
            >>::Error: std::fmt::Display,
        {
            self.body = value
                .try_into()
                .map(From::from)
                .map_err(|s| {
                    format!("conversion to `TransactionMessage` for body failed: {}", s)
                });
            self
        }
        pub fn body_map<F>(mut self, f: F) -> Self
        where
            F: std::ops::FnOnce(
                types::builder::TransactionMessage,
            ) -> types::builder::TransactionMessage,
        {
            self.body = self.body.map(f);
            self
        }
        ///Sends a `POST` request to `/transactions/mock`
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::ValidationResult>, Error<types::ApiError>> {
            let Self { client, body } = self;
            let body = body
                .and_then(|v| {
                    types::TransactionMessage::try_from(v).map_err(|e| e.to_string())
                })
                .map_err(Error::InvalidRequest)?;
            let url = format!("{}/transactions/mock", client.baseurl,);
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map
                .append(
                    ::reqwest::header::HeaderName::from_static("api-version"),
                    ::reqwest::header::HeaderValue::from_static(
                        super::Client::api_version(),
                    ),
                );
            #[allow(unused_mut)]
            let mut request = client
                .client
                .post(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .json(&body)
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "validate_transaction",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                400u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                401u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                403u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                422u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                500u16..=599u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }
    /**Builder for [`Client::post_transaction`]

[`Client::post_transaction`]: super::Client::post_transaction*/
    #[derive(Debug, Clone)]
    pub struct PostTransaction<'a> {
        client: &'a super::Client,
        body: Result<types::builder::TransactionMessage, String>,
    }
    impl<'a> PostTransaction<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                body: Ok(::std::default::Default::default()),
            }
        }
        pub fn body<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<types::TransactionMessage>,
            <V as std::convert::TryInto<
                types::TransactionMessage,
            >>::Error: std::fmt::Display,
        {
            self.body = value
                .try_into()
                .map(From::from)
                .map_err(|s| {
                    format!("conversion to `TransactionMessage` for body failed: {}", s)
                });
            self
        }
        pub fn body_map<F>(mut self, f: F) -> Self
        where
            F: std::ops::FnOnce(
                types::builder::TransactionMessage,
            ) -> types::builder::TransactionMessage,
        {
            self.body = self.body.map(f);
            self
        }
        ///Sends a `POST` request to `/transactions/post`
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::PostResult>, Error<types::ApiError>> {
            let Self { client, body } = self;
            let body = body
                .and_then(|v| {
                    types::TransactionMessage::try_from(v).map_err(|e| e.to_string())
                })
                .map_err(Error::InvalidRequest)?;
            let url = format!("{}/transactions/post", client.baseurl,);
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map
                .append(
                    ::reqwest::header::HeaderName::from_static("api-version"),
                    ::reqwest::header::HeaderValue::from_static(
                        super::Client::api_version(),
                    ),
                );
            #[allow(unused_mut)]
            let mut request = client
                .client
                .post(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .json(&body)
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "post_transaction",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                400u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                401u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                403u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                422u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                500u16..=599u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }
}
/// Items consumers will typically use such as the Client.
pub mod prelude {
    pub use self::super::Client;
}
