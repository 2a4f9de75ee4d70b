//! A set of endpoints: create, update, enable, disable, delete, and fan-out through an index
//! by event type, group and store.

use core::fmt;
use std::collections::BTreeMap;

use bytes::Bytes;
use http::Request;
use serde::{Deserialize, Serialize, Serializer};

use super::endpoint::Endpoint;
use super::request::{OutgoingEvent, RequestError};
use crate::StoreScope;

/// The id of an endpoint in an [`EndpointSet`]: assigned in creation order, never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EndpointId(pub u64);

impl EndpointId {
    /// The largest id a set hands out: `i64::MAX`, so that ids fit a signed 64-bit database
    /// column (SQLite's `INTEGER`, Postgres's `bigint`).
    pub const MAX: EndpointId = EndpointId(i64::MAX as u64);

    /// An id no endpoint ever has: what [`EndpointSet::create`] answers once ids are exhausted.
    pub const NONE: EndpointId = EndpointId(u64::MAX);
}

impl fmt::Display for EndpointId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ep_{}", self.0)
    }
}

/// Why an [`EndpointSet`] operation failed, or why a stored set was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SetError {
    /// No endpoint with this id (never created, or deleted).
    #[error("no endpoint {0}")]
    NotFound(EndpointId),
    /// Every id up to [`EndpointId::MAX`] was handed out: no new endpoint can get a fresh one.
    #[error("endpoint ids are exhausted (the counter is at {max})", max = EndpointId::MAX.0)]
    IdsExhausted,
    /// A stored set whose counter is behind one of its ids: creating would hand out ids that
    /// were already used. Refused rather than repaired, since the ids that were handed out and
    /// deleted cannot be known.
    #[error("endpoint set counter {next} is behind endpoint id {id}")]
    CounterBehind {
        /// The stored counter.
        next: u64,
        /// An id above it.
        id: EndpointId,
    },
    /// A stored set whose counter is above [`EndpointId::MAX`].
    #[error("endpoint set counter {0} is above the largest id {max}", max = EndpointId::MAX.0)]
    CounterTooLarge(u64),
}

/// Where an endpoint sits in the fan-out index.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Key {
    /// An exact event type.
    Name(Box<str>),
    /// A group (`order.*`).
    Group(Box<str>),
    /// A store of its store scope (the type is checked per event).
    Store(Box<str>),
    /// Every type (`*`), every store.
    AnyType,
    /// A filter the index cannot read: checked for every event.
    Always,
}

fn is_name(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '.'))
}

/// The index keys of an endpoint: none when disabled or subscribed to nothing.
///
/// A store-scoped endpoint is indexed by its stores only (its type filter is checked per
/// event), so keys grow with the stores *or* the patterns, never with their product. The
/// type patterns are read from [`crate::EventFilter::pattern`]; every name and group read
/// back is checked against the filter, and any doubt puts the endpoint in the `Always` list.
fn keys(endpoint: &Endpoint) -> Vec<Key> {
    if !endpoint.is_enabled() {
        return Vec::new();
    }
    let filter = endpoint.filter();
    if let StoreScope::Only(stores) = filter.stores() {
        return stores
            .iter()
            .map(|s| Key::Store(s.as_str().into()))
            .collect();
    }
    let pattern = filter.pattern();
    if pattern.is_empty() {
        return Vec::new();
    }
    if pattern == "*" {
        return vec![Key::AnyType];
    }
    let mut keys = Vec::new();
    for alternative in pattern.split('|') {
        let key = match alternative.strip_suffix(".*") {
            Some(group)
                if is_name(group)
                    && !group.contains('.')
                    && filter.matches_type(&format!("{group}.x")) =>
            {
                Key::Group(group.into())
            }
            None if is_name(alternative) && filter.matches_type(alternative) => {
                Key::Name(alternative.into())
            }
            _ => return vec![Key::Always],
        };
        keys.push(key);
    }
    keys
}

/// The fan-out index: for each key, the ids of the enabled endpoints under it, in creation
/// order. Derived from the endpoints; never stored.
#[derive(Clone, Debug, Default)]
struct Index {
    names: BTreeMap<Box<str>, Vec<EndpointId>>,
    groups: BTreeMap<Box<str>, Vec<EndpointId>>,
    stores: BTreeMap<Box<str>, Vec<EndpointId>>,
    any_type: Vec<EndpointId>,
    always: Vec<EndpointId>,
}

fn insert_sorted(list: &mut Vec<EndpointId>, id: EndpointId) {
    // Creation appends (ids grow); re-enabling inserts in place.
    match list.last() {
        Some(last) if *last >= id => {
            if let Err(at) = list.binary_search(&id) {
                list.insert(at, id);
            }
        }
        _ => list.push(id),
    }
}

fn remove_sorted(list: &mut Vec<EndpointId>, id: EndpointId) {
    if let Ok(at) = list.binary_search(&id) {
        list.remove(at);
    }
}

impl Index {
    fn add(&mut self, id: EndpointId, endpoint: &Endpoint) {
        for key in keys(endpoint) {
            let list = match key {
                Key::Name(name) => self.names.entry(name).or_default(),
                Key::Group(group) => self.groups.entry(group).or_default(),
                Key::Store(store) => self.stores.entry(store).or_default(),
                Key::AnyType => &mut self.any_type,
                Key::Always => &mut self.always,
            };
            insert_sorted(list, id);
        }
    }

    fn remove(&mut self, id: EndpointId, endpoint: &Endpoint) {
        fn from_map(map: &mut BTreeMap<Box<str>, Vec<EndpointId>>, key: &str, id: EndpointId) {
            if let Some(list) = map.get_mut(key) {
                remove_sorted(list, id);
                if list.is_empty() {
                    map.remove(key);
                }
            }
        }
        for key in keys(endpoint) {
            match key {
                Key::Name(name) => from_map(&mut self.names, &name, id),
                Key::Group(group) => from_map(&mut self.groups, &group, id),
                Key::Store(store) => from_map(&mut self.stores, &store, id),
                Key::AnyType => remove_sorted(&mut self.any_type, id),
                Key::Always => remove_sorted(&mut self.always, id),
            }
        }
    }

    fn candidates<'a>(&'a self, event_type: &str, store: Option<&str>) -> Merge<'a> {
        let get = |map: &'a BTreeMap<Box<str>, Vec<EndpointId>>, key: Option<&str>| {
            key.and_then(|key| map.get(key))
                .map_or(&[][..], Vec::as_slice)
        };
        let group = event_type.split_once('.').map(|(group, _)| group);
        Merge {
            lists: [
                get(&self.names, Some(event_type)),
                get(&self.groups, group),
                get(&self.stores, store),
                &self.any_type,
                &self.always,
            ],
        }
    }
}

/// The ids of a few sorted lists, merged in order, each once.
struct Merge<'a> {
    lists: [&'a [EndpointId]; 5],
}

impl Iterator for Merge<'_> {
    type Item = EndpointId;

    fn next(&mut self) -> Option<EndpointId> {
        let min = self
            .lists
            .iter()
            .filter_map(|list| list.first())
            .min()
            .copied()?;
        for list in &mut self.lists {
            if let Some((first, rest)) = list.split_first()
                && *first == min
            {
                *list = rest;
            }
        }
        Some(min)
    }
}

/// Endpoints with create, update, enable, disable and delete, fanning each event out to the
/// endpoints that want it, in a stable order (creation order).
///
/// Nothing is queued: a disabled endpoint is skipped, so once re-enabled it receives only what
/// happens after; a deleted one is gone; two endpoints with the same URL each receive.
///
/// Fan-out goes through an index by event type, group (`order.*`) and store, kept current by
/// every change and rebuilt when a set is deserialized: choosing the targets of one event costs
/// about the same among 100 endpoints as among 100,000 when the same few match. Filters the
/// index cannot read are checked for every event.
///
/// Ids are handed out in creation order and never reused, also across serialization: a stored
/// set whose counter is behind one of its ids is refused ([`SetError::CounterBehind`]). Ids
/// never overflow: they stop at [`EndpointId::MAX`] ([`EndpointSet::try_create`] then fails
/// with [`SetError::IdsExhausted`]).
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
#[derive(Clone, Default, Deserialize)]
#[serde(try_from = "StoredSet")]
pub struct EndpointSet {
    next: u64,
    endpoints: BTreeMap<EndpointId, Endpoint>,
    index: Index,
}

/// The stored form: `{"next": <last id handed out>, "endpoints": {"<id>": {..}}}`.
#[derive(Deserialize)]
struct StoredSet {
    next: u64,
    endpoints: BTreeMap<EndpointId, Endpoint>,
}

#[derive(Serialize)]
struct StoredSetRef<'a> {
    next: u64,
    endpoints: &'a BTreeMap<EndpointId, Endpoint>,
}

impl Serialize for EndpointSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        StoredSetRef {
            next: self.next,
            endpoints: &self.endpoints,
        }
        .serialize(serializer)
    }
}

impl TryFrom<StoredSet> for EndpointSet {
    type Error = SetError;

    fn try_from(stored: StoredSet) -> Result<EndpointSet, SetError> {
        if stored.next > EndpointId::MAX.0 {
            return Err(SetError::CounterTooLarge(stored.next));
        }
        if let Some((&id, _)) = stored.endpoints.last_key_value()
            && id.0 > stored.next
        {
            return Err(SetError::CounterBehind {
                next: stored.next,
                id,
            });
        }
        let mut index = Index::default();
        for (id, endpoint) in &stored.endpoints {
            index.add(*id, endpoint);
        }
        Ok(EndpointSet {
            next: stored.next,
            endpoints: stored.endpoints,
            index,
        })
    }
}

impl PartialEq for EndpointSet {
    fn eq(&self, other: &EndpointSet) -> bool {
        self.next == other.next && self.endpoints == other.endpoints
    }
}

impl fmt::Debug for EndpointSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EndpointSet")
            .field("next", &self.next)
            .field("endpoints", &self.endpoints)
            .finish_non_exhaustive()
    }
}

impl EndpointSet {
    /// An empty set.
    pub fn new() -> EndpointSet {
        EndpointSet::default()
    }

    /// Adds an endpoint; returns its id.
    ///
    /// Never panics and never reuses an id: once ids are exhausted (possible only from a stored
    /// counter at [`EndpointId::MAX`]), the endpoint is not added and the answer is
    /// [`EndpointId::NONE`], which no endpoint has. [`EndpointSet::try_create`] says so as an
    /// error instead.
    pub fn create(&mut self, endpoint: Endpoint) -> EndpointId {
        self.try_create(endpoint).unwrap_or(EndpointId::NONE)
    }

    /// Adds an endpoint; returns its id, or [`SetError::IdsExhausted`] once every id up to
    /// [`EndpointId::MAX`] was handed out.
    ///
    /// ```
    /// use pos_webhooks::{Endpoint, EndpointSet, SetError};
    /// let mut set: EndpointSet =
    ///     serde_json::from_str(&format!(r#"{{"next":{},"endpoints":{{}}}}"#, i64::MAX)).unwrap();
    /// let endpoint = Endpoint::builder("https://a.example/").build().unwrap();
    /// assert_eq!(set.try_create(endpoint).unwrap_err(), SetError::IdsExhausted);
    /// ```
    pub fn try_create(&mut self, endpoint: Endpoint) -> Result<EndpointId, SetError> {
        let next = self
            .next
            .checked_add(1)
            .filter(|next| *next <= EndpointId::MAX.0)
            .ok_or(SetError::IdsExhausted)?;
        self.next = next;
        let id = EndpointId(next);
        self.index.add(id, &endpoint);
        self.endpoints.insert(id, endpoint);
        Ok(id)
    }

    /// The endpoint with this id.
    pub fn get(&self, id: EndpointId) -> Option<&Endpoint> {
        self.endpoints.get(&id)
    }

    /// Replaces the endpoint with this id.
    pub fn update(&mut self, id: EndpointId, endpoint: Endpoint) -> Result<(), SetError> {
        let slot = self.endpoints.get_mut(&id).ok_or(SetError::NotFound(id))?;
        self.index.remove(id, slot);
        self.index.add(id, &endpoint);
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
        let endpoint = self.endpoints.get_mut(&id).ok_or(SetError::NotFound(id))?;
        if endpoint.is_enabled() != enabled {
            self.index.remove(id, endpoint);
            endpoint.set_enabled(enabled);
            self.index.add(id, endpoint);
        }
        Ok(())
    }

    /// Deletes the endpoint for good; returns it. Its id is never handed out again.
    pub fn delete(&mut self, id: EndpointId) -> Result<Endpoint, SetError> {
        let endpoint = self.endpoints.remove(&id).ok_or(SetError::NotFound(id))?;
        self.index.remove(id, &endpoint);
        Ok(endpoint)
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
    ///
    /// Looked up in the index: the cost grows with the endpoints listed under this type, its
    /// group and this store (and those the index cannot read), not with the size of the set.
    /// Allocates nothing.
    pub fn targets<'a>(
        &'a self,
        event_type: &'a str,
        store: Option<&'a str>,
    ) -> impl Iterator<Item = (EndpointId, &'a Endpoint)> + 'a {
        self.index
            .candidates(event_type, store)
            .filter_map(move |id| {
                let endpoint = self.endpoints.get(&id)?;
                endpoint.wants(event_type, store).then_some((id, endpoint))
            })
    }

    /// One request per endpoint that receives `event`, in creation order; each carries
    /// `message_id` in its message-id header and shares the event's body (not copied).
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
