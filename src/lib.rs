//! Sign, verify, parse and route point-of-sale webhooks, with no I/O.
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

pub mod signature;

pub use signature::{
    Algorithm, ConfigError, DEFAULT_TOLERANCE_SECS, HeaderSource, KeyRule, Message, Scheme, Secret,
    SecretError, SignError, Signed, Signer, SignerBuilder, UnknownScheme, Verification, Verified,
    Verifier, VerifierBuilder, VerifyError, WHSEC_PREFIX, header,
};
