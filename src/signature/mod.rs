//! Signatures: signing and verifying every scheme.
//!
//! - [`Scheme`]: the schemes, their headers and key rules;
//! - [`Secret`]: a secret keyed once with its scheme's rule, redacted in `Debug`;
//! - [`Verifier`]: raw body and headers in, [`Verified`] (the body, which secret matched) out;
//! - [`Signer`]: a [`Message`] in, the [`Signed`] headers out;
//! - [`HeaderSource`]: the lower layer for headers that are not an `http` 1.x map.

mod config;
mod error;
mod headers;
mod scheme;
mod secret;
mod sign;
mod verify;

pub use error::{ConfigError, SecretError, SignError, VerifyError};
pub use headers::HeaderSource;
pub use scheme::{
    Algorithm, DEFAULT_TOLERANCE_SECS, KeyRule, Scheme, UnknownScheme, WHSEC_PREFIX, header,
};
pub use secret::Secret;
pub(crate) use sign::signature_headers;
pub use sign::{Message, Signed, Signer, SignerBuilder};
pub use verify::{MAX_MESSAGE_ID_BYTES, Verification, Verified, Verifier, VerifierBuilder};
