//! Emitting: the sender's half. Endpoints (one subscription each: where, how it is
//! authenticated, which events), the set that fans an event out to them, the signed
//! `http::Request` that carries it, and the send attempts that retry it.
//!
//! - `endpoint.rs`: [`Endpoint`], its configuration ([`Auth`], [`Vendor`], custom headers) and
//!   validation;
//! - `request.rs`: [`OutgoingEvent`] and [`Endpoint::request`], the signed request;
//! - `set.rs`: [`EndpointSet`], create / update / enable / disable / delete and fan-out;
//! - `destination.rs`: [`DestinationPolicy`], where endpoints may point (against SSRF);
//! - `policy.rs`: [`RetryPolicy`], the presets per vendor and scheme and custom schedules;
//! - `attempt.rs`: [`SendAttempt`], the per-(message, endpoint) state machine, and
//!   [`Outcome`] / [`Decision`] / [`Next`];
//! - `health.rs`: [`EndpointHealth`] and [`HealthRule`], when an endpoint must be disabled.

mod attempt;
mod destination;
mod endpoint;
mod health;
mod policy;
mod request;
mod set;

pub use attempt::{AttemptState, Decision, GiveUpReason, Next, Outcome, RetryAfter, SendAttempt};
pub use destination::{DestinationError, DestinationPolicy};
pub use endpoint::AllowHttp;
pub use endpoint::{
    Auth, CustomHeader, Endpoint, EndpointBuilder, EndpointError, SecretString, Vendor,
};
pub use health::{DisableReason, EndpointHealth, HealthRule, MAX_FAILURES_REMEMBERED};
pub use policy::{
    ClientErrors, DEFAULT_RETRY_AFTER_CAP_SECS, Limit, MAX_ATTEMPTS, PolicyError, RetryPolicy,
    Schedule, Verdict,
};
pub use request::{OutgoingEvent, RequestError};
pub use set::{EndpointId, EndpointSet, SetError};
