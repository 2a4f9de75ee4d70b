//! Receiving: the partner's half. Verify the raw bytes, filter by the raw event type, then
//! parse into the vendor's typed event.
//!
//! - `receiver.rs`: [`Receiver`] and [`ReceiveError`].

mod receiver;

pub use receiver::{MiposEvent, ReceiveError, Receiver};
