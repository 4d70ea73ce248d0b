// Generated from openapi/nxtsoft.yaml by `cargo xtask generate`; do not edit.
// Change the spec or the xtask and run `cargo xtask generate` instead.
// Spec: version 0.1.0-reconstructed, sha256 7ad15a98e5dd0b34.

use nxtsoft_client::*;
use anyhow::Context as _;
pub struct Cli<T: CliConfig> {
    client: Client,
    config: T,
}
impl<T: CliConfig> Cli<T> {
    pub fn new(client: Client, config: T) -> Self {
        Self { client, config }
    }
    pub fn get_command(cmd: CliCommand) -> ::clap::Command {
        match cmd {
            CliCommand::ValidateTransaction => Self::cli_validate_transaction(),
            CliCommand::PostTransaction => Self::cli_post_transaction(),
        }
    }
    pub fn cli_validate_transaction() -> ::clap::Command {
        ::clap::Command::new("")
            .arg(
                ::clap::Arg::new("amount")
                    .long("amount")
                    .value_parser(::clap::value_parser!(types::TransactionMessageAmount))
                    .required_unless_present("json-body")
                    .help(
                        "Amount as a decimal string with at most two fraction digits, never a float.",
                    ),
            )
            .arg(
                ::clap::Arg::new("client-reference-id")
                    .long("client-reference-id")
                    .value_parser(
                        ::clap::value_parser!(types::TransactionMessageClientReferenceId),
                    )
                    .required_unless_present("json-body")
                    .help(
                        "The caller's unique id for this message; posting is idempotent on it.",
                    ),
            )
            .arg(
                ::clap::Arg::new("currency")
                    .long("currency")
                    .value_parser(
                        ::clap::value_parser!(types::TransactionMessageCurrency),
                    )
                    .required(false)
                    .help("ISO 4217 currency code."),
            )
            .arg(
                ::clap::Arg::new("direction")
                    .long("direction")
                    .value_parser(
                        ::clap::builder::TypedValueParser::map(
                            ::clap::builder::PossibleValuesParser::new([
                                types::Direction::Debit.to_string(),
                                types::Direction::Credit.to_string(),
                            ]),
                            |s| types::Direction::try_from(s).unwrap(),
                        ),
                    )
                    .required_unless_present("json-body"),
            )
            .arg(
                ::clap::Arg::new("effective-date")
                    .long("effective-date")
                    .value_parser(::clap::value_parser!(::chrono::naive::NaiveDate))
                    .required_unless_present("json-body")
                    .help(
                        "The date the transaction takes effect (ISO 8601 `YYYY-MM-DD`).",
                    ),
            )
            .arg(
                ::clap::Arg::new("transaction-code")
                    .long("transaction-code")
                    .value_parser(
                        ::clap::value_parser!(types::TransactionMessageTransactionCode),
                    )
                    .required_unless_present("json-body")
                    .help("The institution's transaction code."),
            )
            .arg(
                ::clap::Arg::new("json-body")
                    .long("json-body")
                    .value_name("JSON-FILE")
                    .required(true)
                    .value_parser(::clap::value_parser!(std::path::PathBuf))
                    .help("Path to a file that contains the full json body."),
            )
            .arg(
                ::clap::Arg::new("json-body-template")
                    .long("json-body-template")
                    .action(::clap::ArgAction::SetTrue)
                    .help("XXX"),
            )
            .about(
                "Validate a transaction message without posting it.\n\nChecks a transaction message the way posting would (account, amount, transaction code,\ndates) and answers with field-level messages. Nothing is posted and no money moves.\nRECONSTRUCTED path and bodies; the scope `transactions/mock` is documented by NXTsoft.\n",
            )
    }
    pub fn cli_post_transaction() -> ::clap::Command {
        ::clap::Command::new("")
            .arg(
                ::clap::Arg::new("amount")
                    .long("amount")
                    .value_parser(::clap::value_parser!(types::TransactionMessageAmount))
                    .required_unless_present("json-body")
                    .help(
                        "Amount as a decimal string with at most two fraction digits, never a float.",
                    ),
            )
            .arg(
                ::clap::Arg::new("client-reference-id")
                    .long("client-reference-id")
                    .value_parser(
                        ::clap::value_parser!(types::TransactionMessageClientReferenceId),
                    )
                    .required_unless_present("json-body")
                    .help(
                        "The caller's unique id for this message; posting is idempotent on it.",
                    ),
            )
            .arg(
                ::clap::Arg::new("currency")
                    .long("currency")
                    .value_parser(
                        ::clap::value_parser!(types::TransactionMessageCurrency),
                    )
                    .required(false)
                    .help("ISO 4217 currency code."),
            )
            .arg(
                ::clap::Arg::new("direction")
                    .long("direction")
                    .value_parser(
                        ::clap::builder::TypedValueParser::map(
                            ::clap::builder::PossibleValuesParser::new([
                                types::Direction::Debit.to_string(),
                                types::Direction::Credit.to_string(),
                            ]),
                            |s| types::Direction::try_from(s).unwrap(),
                        ),
                    )
                    .required_unless_present("json-body"),
            )
            .arg(
                ::clap::Arg::new("effective-date")
                    .long("effective-date")
                    .value_parser(::clap::value_parser!(::chrono::naive::NaiveDate))
                    .required_unless_present("json-body")
                    .help(
                        "The date the transaction takes effect (ISO 8601 `YYYY-MM-DD`).",
                    ),
            )
            .arg(
                ::clap::Arg::new("transaction-code")
                    .long("transaction-code")
                    .value_parser(
                        ::clap::value_parser!(types::TransactionMessageTransactionCode),
                    )
                    .required_unless_present("json-body")
                    .help("The institution's transaction code."),
            )
            .arg(
                ::clap::Arg::new("json-body")
                    .long("json-body")
                    .value_name("JSON-FILE")
                    .required(true)
                    .value_parser(::clap::value_parser!(std::path::PathBuf))
                    .help("Path to a file that contains the full json body."),
            )
            .arg(
                ::clap::Arg::new("json-body-template")
                    .long("json-body-template")
                    .action(::clap::ArgAction::SetTrue)
                    .help("XXX"),
            )
            .about(
                "Post a monetary transaction.\n\nPosts the transaction. Idempotent by `client_reference_id`: posting the same reference again\nreturns the first result and never records a second transaction.\nRECONSTRUCTED path and bodies; the scope `transactions/post` is seen in a sample token.\n",
            )
    }
    pub async fn execute(
        &self,
        cmd: CliCommand,
        matches: &::clap::ArgMatches,
    ) -> anyhow::Result<()> {
        match cmd {
            CliCommand::ValidateTransaction => {
                self.execute_validate_transaction(matches).await
            }
            CliCommand::PostTransaction => self.execute_post_transaction(matches).await,
        }
    }
    pub async fn execute_validate_transaction(
        &self,
        matches: &::clap::ArgMatches,
    ) -> anyhow::Result<()> {
        let mut request = self.client.validate_transaction();
        if let Some(value) = matches.get_one::<types::TransactionMessageAmount>("amount")
        {
            request = request.body_map(|body| { body.amount(value.clone()) });
        }
        if let Some(value) = matches
            .get_one::<types::TransactionMessageClientReferenceId>("client-reference-id")
        {
            request = request
                .body_map(|body| { body.client_reference_id(value.clone()) });
        }
        if let Some(value) = matches
            .get_one::<types::TransactionMessageCurrency>("currency")
        {
            request = request.body_map(|body| { body.currency(value.clone()) });
        }
        if let Some(value) = matches.get_one::<types::Direction>("direction") {
            request = request.body_map(|body| { body.direction(value.clone()) });
        }
        if let Some(value) = matches
            .get_one::<::chrono::naive::NaiveDate>("effective-date")
        {
            request = request.body_map(|body| { body.effective_date(value.clone()) });
        }
        if let Some(value) = matches
            .get_one::<types::TransactionMessageTransactionCode>("transaction-code")
        {
            request = request.body_map(|body| { body.transaction_code(value.clone()) });
        }
        if let Some(value) = matches.get_one::<std::path::PathBuf>("json-body") {
            let body_txt = std::fs::read_to_string(value)
                .with_context(|| format!("failed to read {}", value.display()))?;
            let body_value = serde_json::from_str::<types::TransactionMessage>(&body_txt)
                .with_context(|| format!("failed to parse {}", value.display()))?;
            request = request.body(body_value);
        }
        self.config.execute_validate_transaction(matches, &mut request)?;
        let result = request.send().await;
        match result {
            Ok(r) => {
                self.config.success_item(&r);
                Ok(())
            }
            Err(r) => {
                self.config.error(&r);
                Err(anyhow::Error::new(r))
            }
        }
    }
    pub async fn execute_post_transaction(
        &self,
        matches: &::clap::ArgMatches,
    ) -> anyhow::Result<()> {
        let mut request = self.client.post_transaction();
        if let Some(value) = matches.get_one::<types::TransactionMessageAmount>("amount")
        {
            request = request.body_map(|body| { body.amount(value.clone()) });
        }
        if let Some(value) = matches
            .get_one::<types::TransactionMessageClientReferenceId>("client-reference-id")
        {
            request = request
                .body_map(|body| { body.client_reference_id(value.clone()) });
        }
        if let Some(value) = matches
            .get_one::<types::TransactionMessageCurrency>("currency")
        {
            request = request.body_map(|body| { body.currency(value.clone()) });
        }
        if let Some(value) = matches.get_one::<types::Direction>("direction") {
            request = request.body_map(|body| { body.direction(value.clone()) });
        }
        if let Some(value) = matches
            .get_one::<::chrono::naive::NaiveDate>("effective-date")
        {
            request = request.body_map(|body| { body.effective_date(value.clone()) });
        }
        if let Some(value) = matches
            .get_one::<types::TransactionMessageTransactionCode>("transaction-code")
        {
            request = request.body_map(|body| { body.transaction_code(value.clone()) });
        }
        if let Some(value) = matches.get_one::<std::path::PathBuf>("json-body") {
            let body_txt = std::fs::read_to_string(value)
                .with_context(|| format!("failed to read {}", value.display()))?;
            let body_value = serde_json::from_str::<types::TransactionMessage>(&body_txt)
                .with_context(|| format!("failed to parse {}", value.display()))?;
            request = request.body(body_value);
        }
        self.config.execute_post_transaction(matches, &mut request)?;
        let result = request.send().await;
        match result {
            Ok(r) => {
                self.config.success_item(&r);
                Ok(())
            }
            Err(r) => {
                self.config.error(&r);
                Err(anyhow::Error::new(r))
            }
        }
    }
}
pub trait CliConfig {
    fn success_item<T>(&self, value: &ResponseValue<T>)
    where
        T: serde::Serialize + std::fmt::Debug;
    fn success_no_item(&self, value: &ResponseValue<()>);
    fn error<T>(&self, value: &Error<T>)
    where
        T: serde::Serialize + std::fmt::Debug;
    fn list_start<T>(&self)
    where
        T: serde::Serialize + std::fmt::Debug;
    fn list_item<T>(&self, value: &T)
    where
        T: serde::Serialize + std::fmt::Debug;
    fn list_end_success<T>(&self)
    where
        T: serde::Serialize + std::fmt::Debug;
    fn list_end_error<T>(&self, value: &Error<T>)
    where
        T: serde::Serialize + std::fmt::Debug;
    fn execute_validate_transaction(
        &self,
        matches: &::clap::ArgMatches,
        request: &mut builder::ValidateTransaction,
    ) -> anyhow::Result<()> {
        Ok(())
    }
    fn execute_post_transaction(
        &self,
        matches: &::clap::ArgMatches,
        request: &mut builder::PostTransaction,
    ) -> anyhow::Result<()> {
        Ok(())
    }
}
#[derive(Copy, Clone, Debug)]
pub enum CliCommand {
    ValidateTransaction,
    PostTransaction,
}
impl CliCommand {
    pub fn iter() -> impl Iterator<Item = CliCommand> {
        vec![CliCommand::ValidateTransaction, CliCommand::PostTransaction,].into_iter()
    }
    pub fn operation_id(&self) -> &'static str {
        match self {
            CliCommand::ValidateTransaction => "validate_transaction",
            CliCommand::PostTransaction => "post_transaction",
        }
    }
}
