//! Errors of building, verifying and signing. None of them ever holds a secret.

use std::borrow::Cow;

use super::Scheme;

/// Why a secret was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// The secret (or, for Standard Webhooks, the text after `whsec_`) is empty.
    #[error("secret is empty")]
    Empty,
    /// An HMAC secret made only of spaces, tabs, line breaks and NUL bytes (an empty value
    /// padded by a config file or a buffer; for Standard Webhooks, the decoded key).
    #[error("secret is only whitespace or nul bytes")]
    Blank,
    /// A Standard Webhooks secret whose text after `whsec_` is not valid base64.
    #[error("secret is not valid base64 after the whsec_ prefix")]
    NotBase64,
    /// A Linga token that cannot be sent as an HTTP header value (control characters, CR/LF,
    /// or whitespace around it, which HTTP strips).
    #[error("token is not a valid http header value")]
    InvalidToken,
    /// The MAC refused the key (HMAC accepts every length, so this is not expected).
    #[error("secret cannot key the mac")]
    Unusable,
}

/// Why a [`Verifier`](crate::Verifier) or [`Signer`](crate::Signer) could not be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No secret was given.
    #[error("no secret given")]
    NoSecrets,
    /// One of the secrets was refused (`index` counts from 0 in the order given).
    #[error("secret at position {index} (counting from 0) is invalid: {source}")]
    InvalidSecret {
        /// Position of the secret in the order given.
        index: usize,
        /// Why it was refused.
        source: SecretError,
    },
    /// A [`Secret`](crate::Secret) built for another scheme was given.
    #[error(
        "secret at position {index} (counting from 0) was built for scheme {secret_scheme}, not {scheme}"
    )]
    SchemeMismatch {
        /// Position of the secret in the order given.
        index: usize,
        /// The scheme the secret was built for.
        secret_scheme: Scheme,
        /// The scheme being configured.
        scheme: Scheme,
    },
    /// Square signs the notification URL: it must be configured, and not empty (Square's SDKs
    /// refuse an empty one too: every webhook would then fail as a mismatch).
    #[error("scheme square needs the notification url")]
    MissingNotificationUrl,
    /// Linga's token travels in a header whose name the partner chose: it must be configured.
    #[error("scheme linga needs the header name")]
    MissingHeaderName,
    /// The configured header name is not a valid HTTP header name.
    #[error("invalid header name {0:?}")]
    InvalidHeaderName(String),
}

/// Why a webhook was not accepted as authentic.
///
/// Check the kind with `match`; the `Display` text is one lowercase line meant for logs and never
/// contains a secret.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A required header is absent.
    #[error("missing header {0}")]
    MissingHeader(Cow<'static, str>),
    /// A header is present but cannot be read.
    #[error("malformed header {header}: {reason}")]
    MalformedHeader {
        /// The header's name.
        header: Cow<'static, str>,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Signatures are present but none is valid hex/base64 of the right length.
    #[error("bad signature encoding in header {header}: {reason}")]
    BadSignatureEncoding {
        /// The header's name.
        header: Cow<'static, str>,
        /// What is wrong with the encoding.
        reason: &'static str,
    },
    /// The header holds only signatures in versions this crate does not know (`v0`, `v1a`, ...).
    #[error("no signature in a supported version in header {header}")]
    NoSupportedSignature {
        /// The header's name.
        header: Cow<'static, str>,
    },
    /// No signature matches the content under any of the secrets.
    #[error("signature mismatch")]
    SignatureMismatch,
    /// The static token (Linga) matches none of the configured tokens.
    #[error("token mismatch in header {header}")]
    TokenMismatch {
        /// The header's name.
        header: Cow<'static, str>,
    },
    /// The signature is valid but the timestamp is older than the tolerance allows.
    #[error("timestamp too old: {age_secs} s before now, tolerance {tolerance_secs} s")]
    TimestampTooOld {
        /// How many seconds before `now` the timestamp is.
        age_secs: u64,
        /// The configured tolerance.
        tolerance_secs: u64,
    },
    /// The signature is valid but the timestamp is further in the future than the tolerance allows.
    #[error("timestamp in the future: {ahead_secs} s after now, tolerance {tolerance_secs} s")]
    TimestampInFuture {
        /// How many seconds after `now` the timestamp is.
        ahead_secs: u64,
        /// The configured tolerance.
        tolerance_secs: u64,
    },
}

/// Why a message could not be signed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The scheme signs a timestamp and none was given.
    #[error("scheme {0} needs a timestamp")]
    MissingTimestamp(Scheme),
    /// Timestamps are unix seconds and cannot be negative.
    #[error("timestamp {0} is negative")]
    NegativeTimestamp(i64),
    /// The scheme signs a message id and none was given.
    #[error("scheme {0} needs a message id")]
    MissingId(Scheme),
    /// The message id is empty, contains `.` (the signed content's separator) or characters
    /// that cannot be sent in a header.
    #[error("invalid message id: {0}")]
    InvalidId(&'static str),
    /// A value cannot travel in an HTTP header.
    #[error("a header value is not valid in http")]
    InvalidHeaderValue,
}
