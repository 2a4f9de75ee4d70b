//! # pos-webhooks
//!
//! Sign, verify, parse and route the webhooks that point-of-sale systems and commerce platforms
//! send to their partners — Revel, miPOS, Linga POS, Ordergroove, Flow Retail — and the schemes
//! partners meet beside them: Standard Webhooks, Stripe-style, GitHub, Shopify and Square.
//!
//! It serves both ends of a webhook:
//!
//! - **senders** (POS vendors) sign the exact bytes they send with a [`Signer`] and insert the
//!   resulting [`Signed`] headers into the `http::Request` their own client sends;
//! - **receivers** (partners) check the raw bytes they received with a [`Verifier`], which
//!   returns the [`Verified`] body (not copied) or a precise [`VerifyError`].
//!
//! ## What this crate is not
//!
//! It does **no I/O**: you will not find a client, a server, a queue, a file or a clock here.
//! Callers bring their transport, and whatever needs the time takes `now` (unix seconds) as an
//! argument. That keeps it embeddable anywhere: servers, queues, wasm, fuzzers and tests.
//!
//! ## Where things live
//!
//! - [`signature`]: every scheme's signing and verifying ([`Scheme`], [`Secret`], [`Signer`],
//!   [`Verifier`], [`HeaderSource`]).
//! - One module per vendor's payloads: [`revel`], [`mipos`], [`ordergroove`], [`flow_retail`],
//!   [`linga`], each behind the cargo feature of its name (see [Cargo features](#cargo-features)).
//!   Every model is lossless: known fields typed, unknown fields kept in `extra`, `null` kept
//!   apart from absent, so parse → serialize gives back the same JSON value.
//! - [`Decimal`] and [`Money`]: exact money, never `f64`; [`parse_json`] and [`ParseError`]:
//!   strict JSON with errors that name the field path.
//!
//! ## Receiving
//!
//! ```
//! use bytes::Bytes;
//! use pos_webhooks::{Scheme, Verifier, VerifyError};
//!
//! // Built once, with the secrets being rotated (newest first).
//! let verifier = Verifier::new(Scheme::Github, ["It's a Secret to Everybody"])?;
//!
//! // Per request: the headers and the raw body exactly as received.
//! let mut headers = http::HeaderMap::new();
//! headers.insert(
//!     "X-Hub-Signature-256",
//!     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17".parse()?,
//! );
//! let body = Bytes::from_static(b"Hello, World!");
//! let now = 1_700_000_000; // from your clock
//! let verified = verifier.verify(&headers, body, now)?;
//! assert_eq!(verified.body().as_ref(), b"Hello, World!");
//!
//! // A changed body is refused with a specific error.
//! let err = verifier.verify(&headers, Bytes::from_static(b"Hello, World?"), now).unwrap_err();
//! assert_eq!(err, VerifyError::SignatureMismatch);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Sending
//!
//! ```
//! use pos_webhooks::{Message, Scheme, Signer};
//!
//! let signer = Signer::new(Scheme::Stripe, ["whsec_example"])?;
//! let body = br#"{"id":"evt_1"}"#;
//! let signed = signer.sign(&Message::new(body).timestamp(1_700_000_000))?;
//! let mut request = http::Request::post("https://partner.example/hooks")
//!     .header("content-type", "application/json")
//!     .body(bytes::Bytes::from_static(body))?;
//! signed.apply_to(&mut request)?;
//! assert!(request.headers()["stripe-signature"].to_str()?.starts_with("t=1700000000,v1="));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Cargo features
//!
//! One feature per vendor, all on by default (`revel`, `mipos`, `linga`, `ordergroove`,
//! `flow_retail`). Each turns on that vendor's payload models (its module) and its
//! [`Receiver`] method (`Receiver::revel`, `Receiver::mipos`, ...). Without them the crate
//! still signs and verifies every scheme, Revel's and miPOS's included, receives any payload
//! with [`Receiver::receive_json`], and builds requests for every [`Vendor`]: only the typed
//! models are left out. To keep one vendor's models:
//!
//! ```toml
//! [dependencies]
//! pos-webhooks = { version = "0.1", default-features = false, features = ["revel"] }
//! ```
//!
//! The optional `axum` feature (off by default) implements axum 0.8's `IntoResponse` for
//! [`ReceiveError`] and [`VerifyError`].
//!
// Link targets for the vendor modules: the module with its feature, else the section above.
#![cfg_attr(feature = "revel", doc = "[`revel`]: crate::revel")]
#![cfg_attr(not(feature = "revel"), doc = "[`revel`]: #cargo-features")]
#![cfg_attr(feature = "mipos", doc = "[`mipos`]: crate::mipos")]
#![cfg_attr(not(feature = "mipos"), doc = "[`mipos`]: #cargo-features")]
#![cfg_attr(feature = "ordergroove", doc = "[`ordergroove`]: crate::ordergroove")]
#![cfg_attr(not(feature = "ordergroove"), doc = "[`ordergroove`]: #cargo-features")]
#![cfg_attr(feature = "flow_retail", doc = "[`flow_retail`]: crate::flow_retail")]
#![cfg_attr(not(feature = "flow_retail"), doc = "[`flow_retail`]: #cargo-features")]
#![cfg_attr(feature = "linga", doc = "[`linga`]: crate::linga")]
#![cfg_attr(not(feature = "linga"), doc = "[`linga`]: #cargo-features")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

// The lossless-model machinery. `Extra` and `JsonValue` are public whatever the features; the
// rest (`json_object!` and its helpers) serves the vendor modules that declare models, so it is
// unused when none of them is compiled.
#[cfg_attr(
    not(any(
        feature = "revel",
        feature = "mipos",
        feature = "ordergroove",
        feature = "flow_retail"
    )),
    allow(dead_code, unused_macros)
)]
#[macro_use]
mod lossless;
mod emit;
mod event;
mod filter;
#[cfg(feature = "flow_retail")]
#[cfg_attr(docsrs, doc(cfg(feature = "flow_retail")))]
pub mod flow_retail;
mod hash;
#[cfg(feature = "linga")]
#[cfg_attr(docsrs, doc(cfg(feature = "linga")))]
pub mod linga;
#[cfg(feature = "mipos")]
#[cfg_attr(docsrs, doc(cfg(feature = "mipos")))]
pub mod mipos;
mod money;
#[cfg(feature = "ordergroove")]
#[cfg_attr(docsrs, doc(cfg(feature = "ordergroove")))]
pub mod ordergroove;
mod parse;
mod receive;
#[cfg(feature = "revel")]
#[cfg_attr(docsrs, doc(cfg(feature = "revel")))]
pub mod revel;
pub mod signature;
mod values;

pub use emit::{
    AttemptState, ClientErrors, DEFAULT_RETRY_AFTER_CAP_SECS, Decision, DisableReason,
    EndpointHealth, GiveUpReason, HealthRule, Limit, MAX_ATTEMPTS, MAX_FAILURES_REMEMBERED, Next,
    Outcome, PolicyError, RetryAfter, RetryPolicy, Schedule, SendAttempt, Verdict,
};
pub use emit::{
    Auth, CustomHeader, Endpoint, EndpointBuilder, EndpointError, EndpointId, EndpointSet,
    OutgoingEvent, RequestError, SecretString, SetError, Vendor,
};

/// The emit side's names under their 0.1 path (`pos_webhooks::endpoint::Endpoint`); the same
/// items as at the crate root. Kept so code written against 0.1 still compiles.
pub mod endpoint {
    pub use crate::emit::{
        Auth, CustomHeader, Endpoint, EndpointBuilder, EndpointError, EndpointId, EndpointSet,
        OutgoingEvent, RequestError, SecretString, SetError, Vendor,
    };
}
pub use emit::{AllowHttp, DestinationError, DestinationPolicy};
pub use event::EventType;
pub use filter::{
    EventFilter, FilterError, MAX_ALTERNATIVES, MAX_NAME_BYTES, MAX_PATTERN_BYTES, StoreScope,
};
#[doc(hidden)]
pub use lossless::oracle;
pub use lossless::{Extra, JsonValue};
pub use money::{Decimal, DecimalError, MAX_SCALE, Money, MoneyForm, Rounding};
pub use parse::{ParseError, ParseErrorKind, parse_json};
#[cfg(feature = "mipos")]
pub use receive::MiposEvent;
pub use receive::{
    DEFAULT_DEDUP_TTL_SECS, DedupKey, DedupSource, DuplicateFilter, ReceiveError, Received,
    Receiver, Seen,
};
pub use values::{Flag, IntOrText};

pub use signature::{
    Algorithm, ConfigError, DEFAULT_TOLERANCE_SECS, HeaderSource, KeyRule, MAX_MESSAGE_ID_BYTES,
    Message, Scheme, Secret, SecretError, SignError, Signed, Signer, SignerBuilder, UnknownScheme,
    Verification, Verified, Verifier, VerifierBuilder, VerifyError, WHSEC_PREFIX, header,
};

/// The README's code blocks, compiled and run as doctests (they use every vendor).
#[cfg(all(
    doctest,
    feature = "revel",
    feature = "mipos",
    feature = "linga",
    feature = "ordergroove",
    feature = "flow_retail"
))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
