//! Receiving: the partner's half. Verify the raw bytes, filter by the raw event type, then
//! parse into the vendor's typed event.
//!
//! - `receiver.rs`: [`Receiver`] and [`ReceiveError`].
//! - `received.rs`: [`Received`], an accepted event with its verification details.
//! - `axum.rs` (feature `axum`): `IntoResponse` for [`ReceiveError`] and [`VerifyError`](crate::VerifyError).
//! - `duplicates.rs`: [`DedupKey`] and the in-memory [`DuplicateFilter`].
//! - `status.rs`: the HTTP status a receiver answers for each outcome.

#[cfg(feature = "axum")]
mod axum;
mod duplicates;
mod received;
mod receiver;
mod status;

pub use duplicates::{DEFAULT_DEDUP_TTL_SECS, DedupKey, DedupSource, DuplicateFilter, Seen};
pub use received::Received;
#[cfg(feature = "mipos")]
pub use receiver::MiposEvent;
pub use receiver::{ReceiveError, Receiver};
