//! Parsing payload bytes into models, with errors that say where.

use core::fmt;

use serde::de::DeserializeOwned;

/// What kind of problem a [`ParseError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// Not JSON (RFC 8259): a syntax error, non-UTF-8 bytes, nesting beyond the limit.
    Syntax,
    /// Valid JSON that does not fit the model: a wrong type, a missing required field, a bad
    /// value (an amount that is not a number, a malformed date).
    Data,
    /// The input ended in the middle of a value.
    Eof,
}

/// Why bytes could not be parsed into a model: the field path (`items[0].total`), the line and
/// column, and the reason.
///
/// ```
/// use pos_webhooks::{revel::OrderAllInOne, parse_json};
/// let err = parse_json::<OrderAllInOne>(br#"{"items":[{"price":true}]}"#).unwrap_err();
/// assert_eq!(err.path(), "items[0].price");
/// assert_eq!(err.line(), 1);
/// assert!(err.to_string().starts_with("items[0].price: "));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    kind: ParseErrorKind,
    path: String,
    line: usize,
    column: usize,
    message: String,
}

impl ParseError {
    /// The kind of problem.
    pub fn kind(&self) -> ParseErrorKind {
        self.kind
    }

    /// The field path where it was found (`items[0].total`), `.` for the top level.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The line (from 1) in the input.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column (from 1) in the input.
    pub fn column(&self) -> usize {
        self.column
    }

    /// The reason, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The same error, found inside member `key` (its path gets `key` in front).
    pub(crate) fn within(mut self, key: &str) -> ParseError {
        self.path = match self.path.as_str() {
            "." => key.to_owned(),
            p if p.starts_with('[') => format!("{key}{p}"),
            p => format!("{key}.{p}"),
        };
        self
    }

    /// An error about the payload as a whole (not from the JSON parser).
    pub(crate) fn data(path: &str, message: impl fmt::Display) -> ParseError {
        ParseError {
            kind: ParseErrorKind::Data,
            path: path.to_owned(),
            line: 0,
            column: 0,
            message: message.to_string(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)?;
        if self.line > 0 {
            write!(f, " at line {} column {}", self.line, self.column)?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

/// Parses `bytes` (strict JSON, RFC 8259) into `T`.
///
/// The fast path is a plain `serde_json` parse; only when it fails is the input parsed again with
/// path tracking, so errors name the field (`items[0].total`) at no cost to valid input.
///
/// ```
/// use pos_webhooks::{parse_json, revel::Ping};
/// let ping: Ping = parse_json(br#"{"ping": "pong"}"#).unwrap();
/// assert_eq!(ping.ping.as_deref(), Some("pong"));
/// assert!(parse_json::<Ping>(b"\xff").is_err());
/// ```
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ParseError> {
    match serde_json::from_slice(bytes) {
        Ok(value) => Ok(value),
        Err(_) => Err(explain::<T>(bytes)),
    }
}

/// Parses again with path tracking and turns the failure into a [`ParseError`].
fn explain<T: DeserializeOwned>(bytes: &[u8]) -> ParseError {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
    let (path, inner) = match result {
        Ok(_) => match deserializer.end() {
            Ok(()) => return ParseError::data(".", "the input did not parse twice the same way"),
            Err(inner) => (".".to_owned(), inner),
        },
        Err(error) => (error.path().to_string(), error.into_inner()),
    };
    let kind = match inner.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Io => {
            ParseErrorKind::Syntax
        }
        serde_json::error::Category::Eof => ParseErrorKind::Eof,
        serde_json::error::Category::Data => ParseErrorKind::Data,
    };
    let full = inner.to_string();
    let position = format!(" at line {} column {}", inner.line(), inner.column());
    let message = full.strip_suffix(&position).unwrap_or(&full).to_owned();
    ParseError {
        kind,
        path,
        line: inner.line(),
        column: inner.column(),
        message,
    }
}
