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
    // One UTF-8 check over the whole body (std's word-at-a-time ASCII path) lets serde_json skip
    // its check of every string and key one by one (`from_str` trusts its input's UTF-8). A body
    // that is not UTF-8 takes the plain byte path, so what is accepted and every error stay
    // exactly those of `serde_json::from_slice` (a model that ignores a value does not look
    // inside its strings).
    let parsed = match core::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(bytes),
    };
    parsed.map_err(|_| explain::<T>(bytes))
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

#[cfg(test)]
mod tests {
    use super::{ParseErrorKind, parse_json};
    use serde::de::IgnoredAny;

    /// `parse_json` takes `from_str` for UTF-8 bodies and `from_slice` for the rest: both
    /// accept and refuse exactly what `serde_json::from_slice` does, with its messages.
    #[test]
    fn accepts_and_refuses_what_from_slice_does() {
        let bodies: &[&[u8]] = &[
            br#"{"a":"b","c":[1,2.5,"\u00e9"]}"#,
            "{\"caf\u{e9}\":\"\u{1f355}\"}".as_bytes(),
            b"{\"a\":\"\xff\"}",
            b"{\"\xc3\":1}",
            b"\xef\xbb\xbf{}",
            br#"{"a":"\ud83d"}"#,
            br#"{"a":1"#,
            b"",
        ];
        for body in bodies {
            let plain = serde_json::from_slice::<serde_json::Value>(body);
            let ours = parse_json::<serde_json::Value>(body);
            assert_eq!(ours.as_ref().ok(), plain.as_ref().ok(), "{body:?}");
            if let (Err(ours), Err(plain)) = (&ours, &plain) {
                assert_eq!(ours.line(), plain.line(), "{body:?}");
                assert_eq!(ours.column(), plain.column(), "{body:?}");
                assert!(
                    plain.to_string().starts_with(ours.message()),
                    "{ours} / {plain}"
                );
            }
            let ignored = serde_json::from_slice::<IgnoredAny>(body).is_ok();
            assert_eq!(parse_json::<IgnoredAny>(body).is_ok(), ignored, "{body:?}");
        }
        // serde_json does not look inside a string it ignores: neither does `parse_json`.
        assert!(parse_json::<IgnoredAny>(b"{\"a\":\"\xff\"}").is_ok());
        let err = parse_json::<serde_json::Value>(b"{\"a\":\"\xff\"}").unwrap_err();
        assert_eq!(err.kind(), ParseErrorKind::Syntax);
        assert_eq!(err.path(), "a");
    }
}
