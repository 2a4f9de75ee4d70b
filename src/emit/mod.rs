//! Emitting: the sender's half. Endpoints (one subscription each: where, how it is
//! authenticated, which events), the set that fans an event out to them, and the signed
//! `http::Request` that carries it.
//!
//! - `endpoint.rs`: [`Endpoint`], its configuration ([`Auth`], [`Vendor`], custom headers) and
//!   validation;
//! - `request.rs`: [`OutgoingEvent`] and [`Endpoint::request`], the signed request;
//! - `set.rs`: [`EndpointSet`], create / update / enable / disable / delete and fan-out;
//! - `destination.rs`: [`DestinationPolicy`], where endpoints may point (against SSRF).

mod destination;
mod endpoint;
mod request;
mod set;

pub use destination::{DestinationError, DestinationPolicy};
pub use endpoint::AllowHttp;
pub use endpoint::{
    Auth, CustomHeader, Endpoint, EndpointBuilder, EndpointError, SecretString, Vendor,
};
pub use request::{OutgoingEvent, RequestError};
pub use set::{EndpointId, EndpointSet, SetError};
