//! A set of endpoints: create, update, enable, disable, delete, and fan-out through an index
//! by event type, group and store.

use core::fmt;
use std::collections::BTreeMap;
use std::sync::Arc;

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

/// Where an endpoint's type filter puts it in a [`TypeIndex`].
#[derive(Clone, Debug, PartialEq, Eq)]
enum TypeKey {
    /// An exact event type.
    Name(Box<str>),
    /// A group (`order.*`).
    Group(Box<str>),
    /// Every type (`*`).
    Any,
}

/// The most index entries (stores × type alternatives) one endpoint takes; an endpoint that
/// would take more is checked for every event instead.
const MAX_KEYS_PER_ENDPOINT: usize = 1024;

fn is_name(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '.'))
}

/// The type keys of a filter, read from [`crate::EventFilter::pattern`]. Every name, group and
/// `*` read back is checked against the filter itself; `None` when in doubt (the endpoint is
/// then checked for every event). `Some(empty)` for a filter that passes nothing.
fn type_keys(filter: &crate::EventFilter) -> Option<Vec<TypeKey>> {
    let pattern = filter.pattern();
    if pattern.is_empty() {
        return Some(Vec::new());
    }
    if pattern == "*" {
        // `*` must pass anything, also what no pattern can name.
        return (filter.matches_type("zz.zz") && filter.matches_type("|"))
            .then(|| vec![TypeKey::Any]);
    }
    let mut keys = Vec::new();
    for alternative in pattern.split('|') {
        let key = match alternative.strip_suffix(".*") {
            Some(group)
                if is_name(group)
                    && !group.contains('.')
                    && filter.matches_type(&format!("{group}.x"))
                    && filter.matches_type(&format!("{group}.|")) =>
            {
                TypeKey::Group(group.into())
            }
            None if is_name(alternative) && filter.matches_type(alternative) => {
                TypeKey::Name(alternative.into())
            }
            _ => return None,
        };
        keys.push(key);
    }
    Some(keys)
}

/// A map from strings, looked up without allocating and without one pointer chase per
/// comparison: keys are found by a 64-bit FNV-1a hash in a `BTreeMap` (compared inline), then
/// by the text among the few keys of that hash (sorted, binary-searched). Deterministic (no
/// random seed: the crate has no RNG), and names crafted to collide cost a binary search among
/// themselves, never a scan of the map.
#[derive(Clone, Debug)]
struct StrMap<V> {
    map: BTreeMap<u64, Vec<(Box<str>, V)>>,
}

impl<V> Default for StrMap<V> {
    fn default() -> Self {
        StrMap {
            map: BTreeMap::new(),
        }
    }
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl<V: Default> StrMap<V> {
    fn get(&self, key: &str) -> Option<&V> {
        let bucket = self.map.get(&fnv1a(key))?;
        let at = bucket.binary_search_by(|(k, _)| (**k).cmp(key)).ok()?;
        bucket.get(at).map(|(_, v)| v)
    }

    fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        let bucket = self.map.get_mut(&fnv1a(key))?;
        let at = bucket.binary_search_by(|(k, _)| (**k).cmp(key)).ok()?;
        bucket.get_mut(at).map(|(_, v)| v)
    }

    /// Applies `f` to the value of `key`, inserting a default value first if it is missing.
    fn with_default(&mut self, key: &str, f: impl FnOnce(&mut V)) {
        let bucket = self.map.entry(fnv1a(key)).or_default();
        let at = match bucket.binary_search_by(|(k, _)| (**k).cmp(key)) {
            Ok(at) => at,
            Err(at) => {
                bucket.insert(at, (key.into(), V::default()));
                at
            }
        };
        if let Some((_, value)) = bucket.get_mut(at) {
            f(value);
        }
    }

    fn remove(&mut self, key: &str) {
        let hash = fnv1a(key);
        if let Some(bucket) = self.map.get_mut(&hash) {
            if let Ok(at) = bucket.binary_search_by(|(k, _)| (**k).cmp(key)) {
                bucket.remove(at);
            }
            if bucket.is_empty() {
                self.map.remove(&hash);
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// An entry of an index list: the id and the endpoint, shared with the set.
type Entry = (EndpointId, Arc<Endpoint>);

/// Endpoints by event type: exact names, groups, and those taking every type. Each list is
/// in creation order.
#[derive(Clone, Debug, Default)]
struct TypeIndex {
    names: StrMap<Vec<Entry>>,
    groups: StrMap<Vec<Entry>>,
    any: Vec<Entry>,
}

impl TypeIndex {
    fn is_empty(&self) -> bool {
        self.names.is_empty() && self.groups.is_empty() && self.any.is_empty()
    }

    fn add(&mut self, key: &TypeKey, entry: Entry) {
        match key {
            TypeKey::Name(name) => self
                .names
                .with_default(name, |list| insert_sorted(list, entry)),
            TypeKey::Group(group) => {
                self.groups
                    .with_default(group, |list| insert_sorted(list, entry));
            }
            TypeKey::Any => insert_sorted(&mut self.any, entry),
        }
    }

    fn remove(&mut self, key: &TypeKey, id: EndpointId) {
        fn from_map(map: &mut StrMap<Vec<Entry>>, key: &str, id: EndpointId) {
            if let Some(list) = map.get_mut(key) {
                remove_sorted(list, id);
                if list.is_empty() {
                    map.remove(key);
                }
            }
        }
        match key {
            TypeKey::Name(name) => from_map(&mut self.names, name, id),
            TypeKey::Group(group) => from_map(&mut self.groups, group, id),
            TypeKey::Any => remove_sorted(&mut self.any, id),
        }
    }

    fn lists<'a>(&'a self, event_type: &str, group: Option<&str>) -> [&'a [Entry]; 3] {
        let get = |map: &'a StrMap<Vec<Entry>>, key: Option<&str>| {
            key.and_then(|key| map.get(key))
                .map_or(&[][..], Vec::as_slice)
        };
        [
            get(&self.names, Some(event_type)),
            get(&self.groups, group),
            &self.any,
        ]
    }
}

/// The fan-out index, derived from the endpoints (never stored): endpoints of every store by
/// type, store-scoped endpoints by store then type, and the few whose filter the index cannot
/// read. Lists hold the endpoints themselves (shared), so choosing the targets touches only
/// the lists that match, whatever the size of the set.
#[derive(Clone, Debug, Default)]
struct Index {
    every_store: TypeIndex,
    stores: StrMap<TypeIndex>,
    always: Vec<Entry>,
}

fn insert_sorted(list: &mut Vec<Entry>, entry: Entry) {
    // Creation appends (ids grow); re-enabling and updates insert in place.
    match list.last() {
        Some((last, _)) if *last >= entry.0 => {
            if let Err(at) = list.binary_search_by_key(&entry.0, |(id, _)| *id) {
                list.insert(at, entry);
            }
        }
        _ => list.push(entry),
    }
}

fn remove_sorted(list: &mut Vec<Entry>, id: EndpointId) {
    if let Ok(at) = list.binary_search_by_key(&id, |(id, _)| *id) {
        list.remove(at);
    }
}

/// Where an endpoint goes in the index: its stores (`None`: every store) and its type keys.
type Placement = (Option<Vec<Box<str>>>, Vec<TypeKey>);

/// Where an endpoint goes: `None` for the always-checked list.
fn placement(endpoint: &Endpoint) -> Option<Placement> {
    let filter = endpoint.filter();
    let types = type_keys(filter)?;
    match filter.stores() {
        StoreScope::All => Some((None, types)),
        StoreScope::Only(stores) => {
            if stores.len().saturating_mul(types.len()) > MAX_KEYS_PER_ENDPOINT {
                return None;
            }
            Some((
                Some(stores.iter().map(|s| s.as_str().into()).collect()),
                types,
            ))
        }
    }
}

impl Index {
    fn add(&mut self, id: EndpointId, endpoint: &Arc<Endpoint>) {
        if !endpoint.is_enabled() {
            return;
        }
        match placement(endpoint) {
            None => insert_sorted(&mut self.always, (id, Arc::clone(endpoint))),
            Some((None, types)) => {
                for key in &types {
                    self.every_store.add(key, (id, Arc::clone(endpoint)));
                }
            }
            Some((Some(stores), types)) => {
                for store in stores {
                    self.stores.with_default(&store, |index| {
                        for key in &types {
                            index.add(key, (id, Arc::clone(endpoint)));
                        }
                    });
                }
            }
        }
    }

    fn remove(&mut self, id: EndpointId, endpoint: &Endpoint) {
        if !endpoint.is_enabled() {
            return;
        }
        match placement(endpoint) {
            None => remove_sorted(&mut self.always, id),
            Some((None, types)) => {
                for key in &types {
                    self.every_store.remove(key, id);
                }
            }
            Some((Some(stores), types)) => {
                for store in stores {
                    if let Some(index) = self.stores.get_mut(&store) {
                        for key in &types {
                            index.remove(key, id);
                        }
                        if index.is_empty() {
                            self.stores.remove(&store);
                        }
                    }
                }
            }
        }
    }

    fn candidates<'a>(&'a self, event_type: &str, store: Option<&str>) -> Merge<'a> {
        let group = event_type.split_once('.').map(|(group, _)| group);
        let [a, b, c] = self.every_store.lists(event_type, group);
        let [d, e, f] = store
            .and_then(|store| self.stores.get(store))
            .map_or([&[][..]; 3], |index| index.lists(event_type, group));
        Merge {
            lists: [a, b, c, d, e, f, &self.always],
        }
    }
}

/// The entries of a few lists sorted by id, merged in order, each once; with whether the
/// entry still needs its filter checked (the always-checked list, the last one).
struct Merge<'a> {
    lists: [&'a [Entry]; 7],
}

impl<'a> Iterator for Merge<'a> {
    type Item = (&'a Entry, bool);

    fn next(&mut self) -> Option<(&'a Entry, bool)> {
        let mut best: Option<(&'a Entry, usize)> = None;
        for (i, list) in self.lists.iter().enumerate() {
            if let Some(entry) = list.first()
                && best.is_none_or(|(b, _)| entry.0 < b.0)
            {
                best = Some((entry, i));
            }
        }
        let (entry, from) = best?;
        for list in &mut self.lists {
            if let Some((first, rest)) = list.split_first()
                && first.0 == entry.0
            {
                *list = rest;
            }
        }
        Some((entry, from == 6))
    }
}

/// Endpoints with create, update, enable, disable and delete, fanning each event out to the
/// endpoints that want it, in a stable order (creation order).
///
/// Nothing is queued: a disabled endpoint is skipped, so once re-enabled it receives only what
/// happens after; a deleted one is gone; two endpoints with the same URL each receive.
///
/// Fan-out goes through an index by event type, group (`order.*`) and store, kept current by
/// every change and rebuilt when a set is deserialized: choosing the targets of one event looks
/// at the endpoints that match and at no other (plus the few whose filter the index cannot
/// read, checked for every event); finding the lists is logarithmic in the number of distinct
/// stores and types. A store-scoped endpoint is listed under each of its stores and type
/// alternatives (at most 1,024 entries; beyond, it is checked for every event).
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
    endpoints: BTreeMap<EndpointId, Arc<Endpoint>>,
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
    endpoints: Endpoints<'a>,
}

struct Endpoints<'a>(&'a BTreeMap<EndpointId, Arc<Endpoint>>);

impl Serialize for Endpoints<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(id, endpoint)| (id, &**endpoint)))
    }
}

impl Serialize for EndpointSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        StoredSetRef {
            next: self.next,
            endpoints: Endpoints(&self.endpoints),
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
        let mut set = EndpointSet {
            next: stored.next,
            ..EndpointSet::default()
        };
        for (id, endpoint) in stored.endpoints {
            let endpoint = Arc::new(endpoint);
            set.index.add(id, &endpoint);
            set.endpoints.insert(id, endpoint);
        }
        Ok(set)
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
        let endpoint = Arc::new(endpoint);
        self.index.add(id, &endpoint);
        self.endpoints.insert(id, endpoint);
        Ok(id)
    }

    /// The endpoint with this id.
    pub fn get(&self, id: EndpointId) -> Option<&Endpoint> {
        self.endpoints.get(&id).map(|endpoint| &**endpoint)
    }

    /// Replaces the endpoint with this id.
    pub fn update(&mut self, id: EndpointId, endpoint: Endpoint) -> Result<(), SetError> {
        let slot = self.endpoints.get_mut(&id).ok_or(SetError::NotFound(id))?;
        self.index.remove(id, slot);
        *slot = Arc::new(endpoint);
        self.index.add(id, slot);
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
        let slot = self.endpoints.get_mut(&id).ok_or(SetError::NotFound(id))?;
        if slot.is_enabled() != enabled {
            // Out of the index first, so that the endpoint is not shared and changes in place.
            self.index.remove(id, slot);
            Arc::make_mut(slot).set_enabled(enabled);
            self.index.add(id, slot);
        }
        Ok(())
    }

    /// Deletes the endpoint for good; returns it. Its id is never handed out again.
    pub fn delete(&mut self, id: EndpointId) -> Result<Endpoint, SetError> {
        let endpoint = self.endpoints.remove(&id).ok_or(SetError::NotFound(id))?;
        self.index.remove(id, &endpoint);
        Ok(Arc::try_unwrap(endpoint).unwrap_or_else(|shared| (*shared).clone()))
    }

    /// Every endpoint, in creation order.
    pub fn iter(&self) -> impl Iterator<Item = (EndpointId, &Endpoint)> {
        self.endpoints.iter().map(|(id, e)| (*id, &**e))
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
            .filter(move |((_, endpoint), check)| !check || endpoint.wants(event_type, store))
            .map(|((id, endpoint), _)| (*id, &**endpoint))
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
