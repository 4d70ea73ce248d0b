//! How the generated commands print: the answer as pretty JSON on stdout.

use nxtsoft_client::{Error, ResponseValue};
use serde::Serialize;

use crate::commands::CliConfig;

/// Prints answers as JSON on stdout; an API error's body goes to stdout too (it is the
/// answer a script wants to read), its summary to stderr by `main`.
#[derive(Debug, Default, Clone, Copy)]
pub struct JsonOutput;

impl JsonOutput {
    fn print(value: &impl Serialize) {
        match serde_json::to_string_pretty(value) {
            Ok(text) => println!("{text}"),
            Err(error) => eprintln!("cannot print the answer as JSON: {error}"),
        }
    }
}

impl CliConfig for JsonOutput {
    fn success_item<T>(&self, value: &ResponseValue<T>)
    where
        T: Serialize + std::fmt::Debug,
    {
        Self::print(&**value);
    }

    fn success_no_item(&self, _value: &ResponseValue<()>) {}

    fn error<T>(&self, value: &Error<T>)
    where
        T: Serialize + std::fmt::Debug,
    {
        if let Error::ErrorResponse(response) = value {
            Self::print(&**response);
        }
    }

    fn list_start<T>(&self)
    where
        T: Serialize + std::fmt::Debug,
    {
    }

    fn list_item<T>(&self, value: &T)
    where
        T: Serialize + std::fmt::Debug,
    {
        Self::print(value);
    }

    fn list_end_success<T>(&self)
    where
        T: Serialize + std::fmt::Debug,
    {
    }

    fn list_end_error<T>(&self, value: &Error<T>)
    where
        T: Serialize + std::fmt::Debug,
    {
        self.error(value);
    }
}
