//! A set of endpoints: create, update, enable, disable, delete, and fan-out.

use core::fmt;
use std::collections::BTreeMap;

use bytes::Bytes;
use http::Request;
use serde::{Deserialize, Serialize};

use super::endpoint::Endpoint;
use super::request::{OutgoingEvent, RequestError};

/// The id of an endpoint in an [`EndpointSet`]: assigned in creation order, never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EndpointId(pub u64);

impl fmt::Display for EndpointId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ep_{}", self.0)
    }
}

/// Why an [`EndpointSet`] operation failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SetError {
    /// No endpoint with this id (never created, or deleted).
    #[error("no endpoint {0}")]
    NotFound(EndpointId),
}

/// Endpoints with create, update, enable, disable and delete, fanning each event out to the
/// endpoints that want it, in a stable order (creation order).
///
/// Nothing is queued: a disabled endpoint is skipped, so once re-enabled it receives only what
/// happens after; a deleted one is gone; two endpoints with the same URL each receive.
///
/// ```
/// use pos_webhooks::{Endpoint, EndpointSet};
/// let mut set = EndpointSet::new();
/// let a = set.create(Endpoint::builder("https://a.example/").build().unwrap());
/// let b = set.create(Endpoint::builder("https://a.example/").build().unwrap());
/// assert_eq!(set.targets("order.success", None).map(|(id, _)| id).collect::<Vec<_>>(), [a, b]);
/// set.disable(a).unwrap();
/// assert_eq!(set.targets("order.success", None).count(), 1);
/// set.delete(b).unwrap();
/// assert_eq!(set.targets("order.success", None).count(), 0);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EndpointSet {
    next: u64,
    endpoints: BTreeMap<EndpointId, Endpoint>,
}

impl EndpointSet {
    /// An empty set.
    pub fn new() -> EndpointSet {
        EndpointSet::default()
    }

    /// Adds an endpoint; returns its id.
    pub fn create(&mut self, endpoint: Endpoint) -> EndpointId {
        self.next += 1;
        let id = EndpointId(self.next);
        self.endpoints.insert(id, endpoint);
        id
    }

    /// The endpoint with this id.
    pub fn get(&self, id: EndpointId) -> Option<&Endpoint> {
        self.endpoints.get(&id)
    }

    /// Replaces the endpoint with this id.
    pub fn update(&mut self, id: EndpointId, endpoint: Endpoint) -> Result<(), SetError> {
        let slot = self.endpoints.get_mut(&id).ok_or(SetError::NotFound(id))?;
        *slot = endpoint;
        Ok(())
    }

    /// Enables the endpoint: it receives events from now on (none from while it was disabled).
    pub fn enable(&mut self, id: EndpointId) -> Result<(), SetError> {
        self.set_enabled(id, true)
    }

    /// Disables the endpoint: it receives nothing, and nothing is kept for it.
    pub fn disable(&mut self, id: EndpointId) -> Result<(), SetError> {
        self.set_enabled(id, false)
    }

    fn set_enabled(&mut self, id: EndpointId, enabled: bool) -> Result<(), SetError> {
        self.endpoints
            .get_mut(&id)
            .ok_or(SetError::NotFound(id))?
            .set_enabled(enabled);
        Ok(())
    }

    /// Deletes the endpoint for good; returns it.
    pub fn delete(&mut self, id: EndpointId) -> Result<Endpoint, SetError> {
        self.endpoints.remove(&id).ok_or(SetError::NotFound(id))
    }

    /// Every endpoint, in creation order.
    pub fn iter(&self) -> impl Iterator<Item = (EndpointId, &Endpoint)> {
        self.endpoints.iter().map(|(id, e)| (*id, e))
    }

    /// How many endpoints there are.
    pub fn len(&self) -> usize {
        self.endpoints.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.endpoints.is_empty()
    }

    /// The endpoints that receive an event of this type from this store, in creation order.
    pub fn targets<'a>(
        &'a self,
        event_type: &'a str,
        store: Option<&'a str>,
    ) -> impl Iterator<Item = (EndpointId, &'a Endpoint)> + 'a {
        self.iter()
            .filter(move |(_, endpoint)| endpoint.wants(event_type, store))
    }

    /// One request per endpoint that receives `event`, in creation order.
    pub fn requests(
        &self,
        event: &OutgoingEvent,
        now: i64,
        message_id: &str,
    ) -> Vec<(EndpointId, Result<Request<Bytes>, RequestError>)> {
        self.targets(event.event_type.as_str(), event.store.as_deref())
            .map(|(id, endpoint)| (id, endpoint.request(event, now, message_id)))
            .collect()
    }
}
