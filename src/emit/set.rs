//! A set of endpoints: create, update, enable, disable, delete, and fan-out through an index
//! by event type, group and store.

use core::fmt;
use std::collections::BTreeMap;
use std::sync::Arc;

use bytes::Bytes;
use http::Request;
use serde::{Deserialize, Serialize, Serializer};

use super::endpoint::Endpoint;
use super::request::{OutgoingEvent, RequestError, Shared};
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

/// Where an endpoint's type filter puts it in the [`Index`].
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

/// An entry of an index list: the id and the endpoint, shared with the set.
type Entry = (EndpointId, Arc<Endpoint>);

/// A cell of the index's arena (16 bytes): with an endpoint, an entry of a list (`word` is its
/// id); without, a word of a block's header or key, or a free cell past the end of a list.
/// Lists hold entries up to their length and empty cells beyond, up to their room ([`room`]).
#[derive(Clone, Debug, Default)]
struct Cell {
    word: u64,
    endpoint: Option<Arc<Endpoint>>,
}

impl Cell {
    fn word(word: u64) -> Cell {
        Cell {
            word,
            endpoint: None,
        }
    }

    fn entry((id, endpoint): Entry) -> Cell {
        Cell {
            word: id.0,
            endpoint: Some(endpoint),
        }
    }
}

/// How many entries `list` holds: its cells with an endpoint come first.
fn list_len(list: &[Cell]) -> usize {
    list.partition_point(|cell| cell.endpoint.is_some())
}

/// What an index key names: a type, a group or every type, of every store or of one store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// An exact event type, every store.
    Name = 0,
    /// A group (`order.*`), every store.
    Group = 1,
    /// An exact event type, one store.
    StoreName = 2,
    /// A group, one store.
    StoreGroup = 3,
    /// Every type, one store.
    StoreAny = 4,
}

impl Kind {
    const COUNT: usize = 5;

    fn has_store(self) -> bool {
        matches!(self, Kind::StoreName | Kind::StoreGroup | Kind::StoreAny)
    }

    fn byte(self) -> &'static [u8] {
        match self {
            Kind::Name => &[0],
            Kind::Group => &[1],
            Kind::StoreName => &[2],
            Kind::StoreGroup => &[3],
            Kind::StoreAny => &[4],
        }
    }

    fn from_bits(bits: u64) -> Option<Kind> {
        Some(match bits {
            0 => Kind::Name,
            1 => Kind::Group,
            2 => Kind::StoreName,
            3 => Kind::StoreGroup,
            4 => Kind::StoreAny,
            _ => return None,
        })
    }
}

/// A key of the [`Table`], borrowed: its kind, its store (empty for every store) and its name
/// (a type or a group; empty for every type). Stored in a block (see [`Key::header`]), or
/// encoded as bytes in the overflow map (see [`with_parts`]).
#[derive(Clone, Copy, Debug)]
struct Key<'a> {
    kind: Kind,
    store: &'a str,
    name: &'a str,
}

/// The parts of a key's byte encoding (the overflow map's): the kind, for store-scoped kinds
/// the store's length (LEB128: 7 bits a byte, the high bit set on all but the last) and the
/// store, then the name. Unambiguous: the kind says whether a length and a store follow, and
/// the length where the store ends.
fn with_parts<R>(kind: Kind, store: &[u8], name: &[u8], f: impl FnOnce([&[u8]; 4]) -> R) -> R {
    let kind_byte = kind.byte();
    if kind.has_store() {
        let mut len = [0u8; 10];
        let mut used = 0;
        let mut n = store.len() as u64;
        for byte in &mut len {
            used += 1;
            // The low 7 bits.
            *byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                break;
            }
            *byte |= 0x80;
        }
        let len = len.get(..used).unwrap_or_default();
        f([kind_byte, len, store, name])
    } else {
        f([kind_byte, &[], &[], name])
    }
}

// A block header word: the kind (bits 0-7), log2 of the list's room (8-13), the store's length
// (14-37) and the name's (38-61).
const ROOM_SHIFT: u32 = 8;
const ROOM_MASK: u64 = 0x3f << ROOM_SHIFT;
const STORE_SHIFT: u32 = 14;
const NAME_SHIFT: u32 = 38;
/// Stores and names at least this long do not fit a header: their keys go to the overflow map.
const MAX_PART: u64 = 1 << 24;
const PART_MASK: u64 = MAX_PART - 1;

/// The words (8 bytes each) of a key part of `len` bytes in a block.
fn words(len: usize) -> usize {
    len.div_ceil(8)
}

/// The key words of a block whose header is `header`.
fn header_words(header: u64) -> usize {
    let part = |shift: u32| words(((header >> shift) & PART_MASK) as usize);
    part(STORE_SHIFT) + part(NAME_SHIFT)
}

/// The room of the list of a block whose header is `header`.
fn header_room(header: u64) -> usize {
    1usize
        .checked_shl(((header & ROOM_MASK) >> ROOM_SHIFT) as u32)
        .unwrap_or(0)
}

/// `header` with the room bits of `room` (a power of two).
fn with_room(header: u64, room: usize) -> u64 {
    (header & !ROOM_MASK) | (u64::from(room.trailing_zeros()) << ROOM_SHIFT & ROOM_MASK)
}

/// Eight bytes as a word, little-endian, zero-padded.
fn pack(bytes: &[u8]) -> u64 {
    let len = bytes.len();
    let byte = |at: usize| u64::from(bytes.get(at).copied().unwrap_or(0));
    let u32_at = |at: usize| {
        bytes
            .get(at..at + 4)
            .and_then(|word| <[u8; 4]>::try_from(word).ok())
            .map_or(0, |word| u64::from(u32::from_le_bytes(word)))
    };
    match len {
        0 => 0,
        1..=3 => byte(0) | byte(1) << 8 | byte(2) << 16,
        // Two overlapping halves: the bytes both read are the same.
        4..=7 => u32_at(0) | u32_at(len - 4) << (8 * (len - 4)),
        _ => bytes
            .first_chunk::<8>()
            .map_or(0, |word| u64::from_le_bytes(*word)),
    }
}

/// `bytes` as words, as a block stores a key part.
fn part_words(bytes: &[u8]) -> impl Iterator<Item = u64> + '_ {
    bytes.chunks(8).map(pack)
}

/// Whether the key words `stored` (exactly `words(bytes.len())` of them) are `bytes`.
fn same_part(bytes: &[u8], stored: &[Cell]) -> bool {
    let (chunks, rest) = bytes.as_chunks::<8>();
    let mut stored = stored.iter().map(|cell| cell.word);
    for chunk in chunks {
        if stored.next() != Some(u64::from_le_bytes(*chunk)) {
            return false;
        }
    }
    rest.is_empty() || stored.next() == Some(pack(rest))
}

const HASH_SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// [`Key::hash`] of a key's parts.
fn hash_parts(kind: Kind, store: &[u8], name: &[u8]) -> u64 {
    let mut hash = HASH_SEED ^ kind as u64;
    if kind.has_store() {
        hash = crate::hash::keyed(hash, store);
    }
    crate::hash::keyed(hash, name)
}

impl Key<'_> {
    /// A deterministic 64-bit hash (the crate's keyed hash with a fixed key: no RNG); the table
    /// places keys by its high bits, which depend on every byte.
    fn hash(&self) -> u64 {
        hash_parts(self.kind, self.store.as_bytes(), self.name.as_bytes())
    }

    /// The header of this key's block, its room bits zero: the kind and both lengths, so that
    /// equal headers have as many key words. `None` when a part is too long for it (the key
    /// then lives in the overflow map).
    fn header(&self) -> Option<u64> {
        let len = |part: &str| u64::try_from(part.len()).ok().filter(|len| *len < MAX_PART);
        Some(self.kind as u64 | len(self.store)? << STORE_SHIFT | len(self.name)? << NAME_SHIFT)
    }

    /// The key words of its block.
    fn words(&self) -> usize {
        words(self.store.len()) + words(self.name.len())
    }

    /// Whether the key words `stored` of a block whose header matched are this key's.
    fn same(&self, stored: &[Cell]) -> bool {
        let (store, name) = stored
            .split_at_checked(words(self.store.len()))
            .unwrap_or_default();
        same_part(self.store.as_bytes(), store) && same_part(self.name.as_bytes(), name)
    }

    fn with_parts<R>(&self, f: impl FnOnce([&[u8]; 4]) -> R) -> R {
        with_parts(self.kind, self.store.as_bytes(), self.name.as_bytes(), f)
    }

    /// How this key's encoding orders against `stored` (bytewise).
    fn cmp_stored(&self, stored: &[u8]) -> core::cmp::Ordering {
        self.with_parts(|parts| parts.iter().flat_map(|part| part.iter()).cmp(stored.iter()))
    }
}

/// Where a list lives in the arena: `len` entries from `start`, then empty cells up to its
/// room ([`room`]).
#[derive(Clone, Copy, Debug, Default)]
struct Span {
    start: usize,
    len: usize,
}

/// The arena cells a list of `len` entries holds: none when empty, else at least 4 and a power
/// of two, so that appending is amortized constant.
fn room(len: usize) -> usize {
    if len == 0 {
        0
    } else {
        len.max(4).next_power_of_two()
    }
}

/// A change to one list.
enum Change {
    /// Inserts the entry in id order (nothing if the id is there).
    Add(Entry),
    /// Removes the entry of this id (nothing if it is not there).
    Remove(EndpointId),
}

impl Change {
    fn id(&self) -> u64 {
        match self {
            Change::Add((id, _)) => id.0,
            Change::Remove(id) => id.0,
        }
    }
}

/// Applies `change` to a list kept as a `Vec` (`any`, `always`): in id order, all entries.
fn change_vec(list: &mut Vec<Cell>, change: Change) {
    let id = change.id();
    match change {
        Change::Add(entry) => {
            // Creation appends (ids grow); re-enabling and updates insert in place.
            match list.last() {
                Some(last) if last.word >= id => {
                    if let Err(at) = list.binary_search_by_key(&id, |cell| cell.word) {
                        list.insert(at, Cell::entry(entry));
                    }
                }
                _ => list.push(Cell::entry(entry)),
            }
        }
        Change::Remove(_) => {
            if let Ok(at) = list.binary_search_by_key(&id, |cell| cell.word) {
                list.remove(at);
            }
        }
    }
}

/// A key of the overflow map (encoded) and its list.
type Overflowed = (Box<[u8]>, Span);

/// A slot of the [`Table`] (8 bytes, eight to a cache line): the high half of a key's hash
/// (its tag: where its home is, and what a lookup compares before reading the block) and
/// where its block is, or [`EMPTY`] or [`FREED`].
#[derive(Clone, Copy, Debug)]
struct Slot {
    tag: u32,
    block: u32,
}

/// A slot never used since the table was last rebuilt: a lookup stops here.
const EMPTY: u32 = u32::MAX;
/// A slot used, then freed: a lookup goes on past it.
const FREED: u32 = u32::MAX - 1;

impl Default for Slot {
    fn default() -> Slot {
        Slot {
            tag: 0,
            block: EMPTY,
        }
    }
}

impl Slot {
    fn is_full(&self) -> bool {
        self.block < FREED
    }
}

/// The tag of a hash: its high half.
fn tag(hash: u64) -> u32 {
    (hash >> 32) as u32
}

/// A block's position as a slot holds it; `None` past what a slot can hold (that key then
/// goes to the overflow map).
fn slot_block(block: usize) -> Option<u32> {
    u32::try_from(block).ok().filter(|block| *block < FREED)
}

/// How many slots from its home a key may sit; a key that finds none of them free goes to the
/// overflow map instead.
const WINDOW: usize = 16;

/// The smallest table capacity.
const MIN_CAPACITY: usize = 16;

/// The largest: homes are the high bits of a 32-bit tag.
const MAX_CAPACITY: usize = 1 << 31;

/// The index's map from keys to lists: an open-addressing hash table of small slots (a tag of
/// the key's hash and where its list starts), and one arena of cells where each key of the
/// slots has a block: the key's words, a header word (kind, lengths, room), then the list. A
/// lookup reads one slot (rarely a few more, all adjacent) in an array compact enough to stay
/// in cache (10,000 keys take 128 KiB), then one contiguous block, every read of which is at a
/// place known from the slot, so that they go out together: one miss, not a chain of them (the
/// key compared and the entries right after it), instead of chasing the nodes of a tree and
/// the allocations of each list. Deterministic (no random seed: the crate has no RNG).
///
/// Names crafted to collide cannot make it quadratic: a key probes at most [`WINDOW`] slots
/// from its home, and a key whose window is full goes to the overflow map (a `BTreeMap` by
/// hash, then binary search among the keys of one hash; its list is a bare list in the
/// arena), which costs a logarithmic lookup, never a scan. Only keys in the slots count
/// towards the load that makes the table grow.
#[derive(Clone, Debug, Default)]
struct Table {
    /// `capacity + WINDOW - 1` slots (none when empty), so that windows never wrap.
    slots: Vec<Slot>,
    /// `32 - log2(capacity)`: a key's home is its tag shifted right by this.
    shift: u32,
    /// Keys in the slots.
    full: usize,
    /// Freed slots.
    freed: usize,
    /// Keys whose window was full, by hash then encoded key.
    overflow: BTreeMap<u64, Vec<Overflowed>>,
    /// How many keys of each kind there are (slots and overflow): lookups of a kind that has
    /// none are skipped.
    kinds: [usize; Kind::COUNT],
    /// The blocks of the slots' keys, and the lists of the overflow map.
    cells: Vec<Cell>,
    /// Cells of `cells` no block or list holds.
    garbage: usize,
}

impl Table {
    fn capacity(&self) -> usize {
        self.slots.len().saturating_sub(WINDOW - 1)
    }

    fn home(&self, tag: u32) -> usize {
        // Below the capacity: `shift` keeps log2(capacity) bits.
        tag.checked_shr(self.shift).unwrap_or(0) as usize
    }

    /// The slots a key with this tag may sit in.
    fn window(&self, tag: u32) -> &[Slot] {
        if self.slots.is_empty() {
            return &[];
        }
        let home = self.home(tag);
        self.slots.get(home..home + WINDOW).unwrap_or_default()
    }

    /// The header of the block whose list starts at `list`: the cell in front of it.
    fn header(&self, list: usize) -> u64 {
        list.checked_sub(1)
            .and_then(|at| self.cells.get(at))
            .map_or(0, |cell| cell.word)
    }

    /// The list of the block whose list starts at `list`, up to its room.
    fn block_list(&self, list: usize) -> &[Cell] {
        let end = (list + header_room(self.header(list))).min(self.cells.len());
        self.cells.get(list..end).unwrap_or_default()
    }

    fn list(&self, list: Span) -> &[Cell] {
        self.cells
            .get(list.start..list.start + list.len)
            .unwrap_or_default()
    }

    /// Where `key` (whose block header is `header`) sits in the slots, and where the list of
    /// its block starts. Every read of the block is at a place known from the slot and the key
    /// alone (not from what the header says), so that they all go out at once.
    fn find(&self, hash: u64, key: &Key<'_>, header: u64) -> Option<(usize, usize)> {
        let tag = tag(hash);
        for (at, slot) in self.window(tag).iter().enumerate() {
            if slot.block == EMPTY {
                return None;
            }
            let list = slot.block as usize;
            if slot.tag == tag
                && slot.is_full()
                && self.header(list) & !ROOM_MASK == header
                && key.same(
                    list.checked_sub(1 + key.words())
                        .and_then(|start| self.cells.get(start..list - 1))
                        .unwrap_or_default(),
                )
            {
                return Some((self.home(tag) + at, list));
            }
        }
        None
    }

    fn find_overflow(&self, hash: u64, key: &Key<'_>) -> Option<usize> {
        self.overflow
            .get(&hash)?
            .binary_search_by(|(k, _)| key.cmp_stored(k).reverse())
            .ok()
    }

    /// The list of `key`, its entries then empty cells; empty when it has none.
    fn get(&self, key: Key<'_>) -> &[Cell] {
        if self.kinds.get(key.kind as usize).is_none_or(|n| *n == 0) {
            return &[];
        }
        let hash = key.hash();
        if let Some((_, list)) = key
            .header()
            .and_then(|header| self.find(hash, &key, header))
        {
            return self.block_list(list);
        }
        if self.overflow.is_empty() {
            return &[];
        }
        self.find_overflow(hash, &key)
            .and_then(|at| self.overflow.get(&hash)?.get(at))
            .map_or(&[][..], |(_, list)| self.list(*list))
    }

    /// Applies `change` to the list of `key`, adding the key if it has none, removing it if its
    /// list is left empty.
    fn update(&mut self, key: Key<'_>, change: Change) {
        let hash = key.hash();
        let header = key.header();
        if let Some((at, start)) = header.and_then(|header| self.find(hash, &key, header)) {
            let prefix = 1 + key.words();
            let mut list = Span {
                start,
                len: list_len(self.block_list(start)),
            };
            self.change(&mut list, prefix, change);
            let block = list.start;
            if list.len == 0 {
                self.free(at);
                self.garbage += prefix;
                self.count(key.kind, false);
            } else {
                let room = room(list.len);
                if let Some(cell) = block.checked_sub(1).and_then(|at| self.cells.get_mut(at)) {
                    cell.word = with_room(cell.word, room);
                }
                match (slot_block(block), self.slots.get_mut(at)) {
                    (Some(moved), Some(slot)) => slot.block = moved,
                    _ => {
                        self.free(at);
                        self.spill(block);
                    }
                }
            }
        } else if let Some(at) = (!self.overflow.is_empty())
            .then(|| self.find_overflow(hash, &key))
            .flatten()
        {
            let Some(mut list) = self
                .overflow
                .get(&hash)
                .and_then(|bucket| bucket.get(at))
                .map(|(_, list)| *list)
            else {
                return;
            };
            self.change(&mut list, 0, change);
            if let Some(bucket) = self.overflow.get_mut(&hash) {
                if list.len == 0 {
                    bucket.remove(at);
                    if bucket.is_empty() {
                        self.overflow.remove(&hash);
                    }
                    self.count(key.kind, false);
                } else if let Some((_, slot_list)) = bucket.get_mut(at) {
                    *slot_list = list;
                }
            }
        } else {
            if matches!(change, Change::Remove(_)) {
                return;
            }
            self.count(key.kind, true);
            let Some(header) = header else {
                let mut list = Span::default();
                self.change(&mut list, 0, change);
                self.overflow_insert(hash, key.with_parts(|parts| parts.concat()), list);
                return;
            };
            // Grown first (at most 3/4 full, counting the freed slots): rebuilding moves the
            // slots.
            if (self.full + self.freed + 1) * 4 > self.capacity() * 3
                && self.capacity() < MAX_CAPACITY
            {
                self.rebuild((self.full + 1) * 2);
            }
            let key_words = part_words(key.store.as_bytes()).chain(part_words(key.name.as_bytes()));
            self.cells.extend(key_words.map(Cell::word));
            self.cells.push(Cell::word(with_room(header, room(1))));
            let mut list = Span {
                start: self.cells.len(),
                len: 0,
            };
            self.change(&mut list, 0, change);
            self.place(tag(hash), list.start);
        }
        // Costs time in proportion to the garbage it drops (amortized constant).
        if self.garbage > self.cells.len() / 2 + 64 {
            self.compact();
        }
    }

    /// Applies `change` to the list at `list` in the arena, moving it (with the `prefix` cells
    /// in front of it: its block's key and header) to the end of the arena when it outgrows
    /// its room.
    fn change(&mut self, list: &mut Span, prefix: usize, change: Change) {
        let id = change.id();
        let found = self.list(*list).binary_search_by_key(&id, |cell| cell.word);
        let old_room = room(list.len);
        match (change, found) {
            (Change::Add(entry), Err(at)) => {
                if list.len == old_room {
                    for i in list.start.saturating_sub(prefix)..list.start {
                        let word = self.cells.get(i).map_or(0, |cell| cell.word);
                        self.cells.push(Cell::word(word));
                    }
                    let start = self.cells.len();
                    for i in list.start..list.start + list.len {
                        let moved = self.cells.get_mut(i).map(core::mem::take);
                        self.cells.push(moved.unwrap_or_default());
                    }
                    self.cells
                        .resize_with(start + room(list.len + 1), Cell::default);
                    if old_room > 0 {
                        self.garbage += old_room + prefix;
                    }
                    list.start = start;
                }
                if let Some(tail) = self.cells.get_mut(list.start + at..=list.start + list.len) {
                    if let Some(last) = tail.last_mut() {
                        *last = Cell::entry(entry);
                    }
                    tail.rotate_right(1);
                }
                list.len += 1;
            }
            (Change::Remove(_), Ok(at)) => {
                if let Some(tail) = self.cells.get_mut(list.start + at..list.start + list.len) {
                    tail.rotate_left(1);
                    if let Some(last) = tail.last_mut() {
                        *last = Cell::default();
                    }
                }
                list.len -= 1;
                self.garbage += old_room - room(list.len);
            }
            _ => {}
        }
    }

    fn count(&mut self, kind: Kind, up: bool) {
        if let Some(n) = self.kinds.get_mut(kind as usize) {
            *n = if up { *n + 1 } else { n.saturating_sub(1) };
        }
    }

    fn overflow_insert(&mut self, hash: u64, encoded: Vec<u8>, list: Span) {
        let bucket = self.overflow.entry(hash).or_default();
        let at = bucket
            .binary_search_by(|(k, _)| (**k).cmp(&encoded))
            .unwrap_or_else(|at| at);
        bucket.insert(at, (encoded.into(), list));
    }

    /// Frees the slot at `at`.
    fn free(&mut self, at: usize) {
        if let Some(slot) = self.slots.get_mut(at) {
            *slot = Slot {
                tag: 0,
                block: FREED,
            };
            self.full -= 1;
            self.freed += 1;
        }
    }

    /// Puts the key of the block whose list starts at `block` in the first free slot of its
    /// window; if there is none, moves it to the overflow map.
    fn place(&mut self, tag: u32, block: usize) {
        let home = self.home(tag);
        let free = self.slots.get(home..home + WINDOW).and_then(|window| {
            window
                .iter()
                .position(|slot| matches!(slot.block, EMPTY | FREED))
        });
        if let (Some(slot), Some(block)) = (
            free.and_then(|at| self.slots.get_mut(home + at)),
            slot_block(block),
        ) {
            if slot.block == FREED {
                self.freed -= 1;
            }
            *slot = Slot { tag, block };
            self.full += 1;
            return;
        }
        self.spill(block);
    }

    /// Moves the key of the block whose list starts at `list` (in no slot) to the overflow
    /// map: the list stays where it is, the header and key become garbage.
    fn spill(&mut self, list: usize) {
        let header = self.header(list);
        let prefix = 1 + header_words(header);
        let block = list.saturating_sub(prefix);
        let bytes = |shift: u32, from: usize| -> Vec<u8> {
            let len = ((header >> shift) & PART_MASK) as usize;
            let words = self.cells.get(from..from + words(len)).unwrap_or_default();
            let mut bytes: Vec<u8> = words
                .iter()
                .flat_map(|cell| cell.word.to_le_bytes())
                .collect();
            bytes.truncate(len);
            bytes
        };
        let store = bytes(STORE_SHIFT, block);
        let name = bytes(NAME_SHIFT, block + words(store.len()));
        let Some(kind) = Kind::from_bits(header & 0xff) else {
            return;
        };
        let list = Span {
            start: list,
            len: list_len(self.block_list(list)),
        };
        self.garbage += prefix;
        let hash = hash_parts(kind, &store, &name);
        let encoded = with_parts(kind, &store, &name, |parts| parts.concat());
        self.overflow_insert(hash, encoded, list);
    }

    /// Rebuilds the slots with room for at least `keys` keys (a power of two, at least
    /// [`MIN_CAPACITY`]); freed slots become empty. Blocks and lists stay where they are, and
    /// the overflow map keeps its keys: the cost is that of the keys in the slots.
    fn rebuild(&mut self, keys: usize) {
        let capacity = keys
            .max(MIN_CAPACITY)
            .checked_next_power_of_two()
            .unwrap_or(MAX_CAPACITY)
            .min(MAX_CAPACITY);
        let old_slots = core::mem::take(&mut self.slots);
        self.slots = vec![Slot::default(); capacity + WINDOW - 1];
        self.shift = 32 - capacity.trailing_zeros();
        self.full = 0;
        self.freed = 0;
        for slot in old_slots {
            if slot.is_full() {
                self.place(slot.tag, slot.block as usize);
            }
        }
    }

    /// Moves every block and list into a new arena without garbage.
    fn compact(&mut self) {
        let mut old = core::mem::take(&mut self.cells);
        let mut cells = Vec::with_capacity(old.len().saturating_sub(self.garbage));
        // Blocks a slot cannot point to any more: to the overflow map, once moved.
        let mut spilled = Vec::new();
        for (at, slot) in self.slots.iter_mut().enumerate() {
            if slot.is_full() {
                let list = slot.block as usize;
                let header = list
                    .checked_sub(1)
                    .and_then(|at| old.get(at))
                    .map_or(0, |cell| cell.word);
                let prefix = 1 + header_words(header);
                for i in list.saturating_sub(prefix)..list + header_room(header) {
                    cells.push(old.get_mut(i).map(core::mem::take).unwrap_or_default());
                }
                let block = cells.len() - header_room(header);
                match slot_block(block) {
                    Some(block) => slot.block = block,
                    None => spilled.push((at, block)),
                }
            }
        }
        for bucket in self.overflow.values_mut() {
            for (_, list) in bucket.iter_mut() {
                let start = cells.len();
                for i in list.start..list.start + list.len {
                    cells.push(old.get_mut(i).map(core::mem::take).unwrap_or_default());
                }
                cells.resize_with(start + room(list.len), Cell::default);
                list.start = start;
            }
        }
        self.cells = cells;
        self.garbage = 0;
        for (at, block) in spilled {
            self.free(at);
            self.spill(block);
        }
    }
}

/// The fan-out index, derived from the endpoints (never stored): one table of lists keyed by
/// type, group or every type, of every store or of one store; the endpoints of every type and
/// every store; and the few whose filter the index cannot read. Lists hold the endpoints
/// themselves (shared), in creation order, so choosing the targets touches only the lists that
/// match, whatever the size of the set, and no endpoint unless it is returned.
#[derive(Clone, Debug, Default)]
struct Index {
    table: Table,
    any: Vec<Cell>,
    always: Vec<Cell>,
}

/// The table key of a type key, for every store (`store` `None`) or one store; `None` for
/// every type of every store (the `any` list).
fn key<'a>(type_key: &'a TypeKey, store: Option<&'a str>) -> Option<Key<'a>> {
    let (kind, name) = match (type_key, store) {
        (TypeKey::Name(name), None) => (Kind::Name, &**name),
        (TypeKey::Group(group), None) => (Kind::Group, &**group),
        (TypeKey::Any, None) => return None,
        (TypeKey::Name(name), Some(_)) => (Kind::StoreName, &**name),
        (TypeKey::Group(group), Some(_)) => (Kind::StoreGroup, &**group),
        (TypeKey::Any, Some(_)) => (Kind::StoreAny, ""),
    };
    Some(Key {
        kind,
        store: store.unwrap_or_default(),
        name,
    })
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
    /// Applies a change made by `change` to every list `endpoint` belongs in.
    fn each_list(&mut self, endpoint: &Endpoint, mut change: impl FnMut() -> Change) {
        if !endpoint.is_enabled() {
            return;
        }
        let Some((stores, types)) = placement(endpoint) else {
            change_vec(&mut self.always, change());
            return;
        };
        let mut apply = |type_key: &TypeKey, store: Option<&str>| match key(type_key, store) {
            Some(key) => self.table.update(key, change()),
            None => change_vec(&mut self.any, change()),
        };
        match stores {
            None => types.iter().for_each(|type_key| apply(type_key, None)),
            Some(stores) => {
                for store in &stores {
                    for type_key in &types {
                        apply(type_key, Some(store));
                    }
                }
            }
        }
    }

    fn add(&mut self, id: EndpointId, endpoint: &Arc<Endpoint>) {
        self.each_list(endpoint, || Change::Add((id, Arc::clone(endpoint))));
    }

    fn remove(&mut self, id: EndpointId, endpoint: &Endpoint) {
        self.each_list(endpoint, || Change::Remove(id));
    }

    fn candidates<'a>(&'a self, event_type: &str, store: Option<&str>) -> Merge<'a> {
        let table = &self.table;
        let has = |kind: Kind| table.kinds.get(kind as usize).is_some_and(|n| *n > 0);
        // The group, only when some endpoint is listed under a group.
        let group = if has(Kind::Group) || (store.is_some() && has(Kind::StoreGroup)) {
            event_type
                .bytes()
                .position(|b| b == b'.')
                .and_then(|dot| event_type.get(..dot))
        } else {
            None
        };
        // Kinds with no key are skipped here, without a call.
        let get = |kind: Kind, store: &str, name: Option<&str>| match name {
            Some(name) if has(kind) => table.get(Key { kind, store, name }),
            _ => &[],
        };
        let mut merge = Merge {
            lists: [&[]; 7],
            live: 0,
            always: usize::MAX,
        };
        merge.push(get(Kind::Name, "", Some(event_type)));
        merge.push(get(Kind::Group, "", group));
        merge.push(&self.any);
        if let Some(store) = store {
            merge.push(get(Kind::StoreName, store, Some(event_type)));
            merge.push(get(Kind::StoreGroup, store, group));
            merge.push(get(Kind::StoreAny, store, Some("")));
        }
        if !self.always.is_empty() {
            merge.always = merge.live;
            merge.push(&self.always);
        }
        merge
    }
}

/// The entries of a few lists sorted by id, merged in order, each once; with whether the
/// entry still needs its filter checked (from the always-checked list). An endpoint is either
/// in the always-checked list or in the others, never both. A list ends at its first empty
/// cell.
struct Merge<'a> {
    /// The lists that were not empty, first `live` of them.
    lists: [&'a [Cell]; 7],
    live: usize,
    /// Which of them is the always-checked list (`usize::MAX`: none).
    always: usize,
}

impl<'a> Merge<'a> {
    fn push(&mut self, list: &'a [Cell]) {
        if !list.is_empty()
            && let Some(slot) = self.lists.get_mut(self.live)
        {
            *slot = list;
            self.live += 1;
        }
    }
}

/// A target: its id, its endpoint, and whether its filter still needs checking.
type Candidate<'a> = (EndpointId, &'a Arc<Endpoint>, bool);

impl<'a> Iterator for Merge<'a> {
    type Item = Candidate<'a>;

    fn next(&mut self) -> Option<Candidate<'a>> {
        let lists = self.lists.get_mut(..self.live)?;
        if let [list] = lists {
            // One list (the usual case): no merging.
            let (first, rest) = list.split_first()?;
            *list = rest;
            return Some((
                EndpointId(first.word),
                first.endpoint.as_ref()?,
                self.always == 0,
            ));
        }
        let mut best: Option<(EndpointId, &'a Arc<Endpoint>, usize)> = None;
        for (i, list) in lists.iter().enumerate() {
            if let Some(Cell {
                word,
                endpoint: Some(endpoint),
            }) = list.first()
                && best.is_none_or(|(b, _, _)| *word < b.0)
            {
                best = Some((EndpointId(*word), endpoint, i));
            }
        }
        let (id, endpoint, from) = best?;
        for list in lists.iter_mut() {
            if let Some((first, rest)) = list.split_first()
                && first.endpoint.is_some()
                && first.word == id.0
            {
                *list = rest;
            }
        }
        Some((id, endpoint, from == self.always))
    }

    fn fold<B, F: FnMut(B, Candidate<'a>) -> B>(self, init: B, mut f: F) -> B {
        let mut acc = init;
        if let [list] = self.lists.get(..self.live).unwrap_or_default() {
            // One list: a plain loop.
            let check = self.always == 0;
            for cell in *list {
                let Some(endpoint) = &cell.endpoint else {
                    break;
                };
                acc = f(acc, (EndpointId(cell.word), endpoint, check));
            }
            return acc;
        }
        // Merging: `next`, one at a time.
        for candidate in self {
            acc = f(acc, candidate);
        }
        acc
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let lists = self.lists.get(..self.live).unwrap_or_default();
        let lens = lists.iter().map(|list| list_len(list));
        (lens.clone().max().unwrap_or(0), Some(lens.sum()))
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
            .filter(move |(_, endpoint, check)| !check || endpoint.wants(event_type, store))
            .map(|(id, endpoint, _)| (id, &**endpoint))
    }

    /// One request per endpoint that receives `event`, in creation order; each carries
    /// `message_id` in its message-id header and shares the event's body (not copied).
    ///
    /// All the requests at once, in a `Vec`; [`EndpointSet::requests_iter`] gives the same
    /// requests one by one.
    pub fn requests(
        &self,
        event: &OutgoingEvent,
        now: i64,
        message_id: &str,
    ) -> Vec<(EndpointId, Result<Request<Bytes>, RequestError>)> {
        let requests = self.requests_iter(event, now, message_id);
        // At most the larger of the lists, at least every endpoint of them.
        let mut all = Vec::with_capacity(
            requests
                .size_hint()
                .1
                .map_or(0, |most| most.min(self.endpoints.len())),
        );
        all.extend(requests);
        all
    }

    /// The requests of [`EndpointSet::requests`], each built when the iterator is advanced: a
    /// caller that sends or enqueues each request as it comes holds one request at a time
    /// instead of one per endpoint (for 1,000 endpoints, about 1 KiB of headers and request
    /// each that stays in the processor's cache instead of a megabyte written out and read
    /// back). What the requests of one event share (the message id and timestamp values, one
    /// header map per scheme to clone, the buffer the signatures are written to) is made once,
    /// on the way.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use pos_webhooks::{Auth, Endpoint, EndpointSet, OutgoingEvent, Scheme};
    /// let mut set = EndpointSet::new();
    /// for merchant in ["m1", "m2"] {
    ///     set.create(
    ///         Endpoint::builder(&format!("https://{merchant}.partner.example/hooks"))
    ///             .auth(Auth::Signature {
    ///                 scheme: Scheme::Standard,
    ///                 secrets: vec!["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()],
    ///             })
    ///             .build()
    ///             .unwrap(),
    ///     );
    /// }
    /// let event = OutgoingEvent::new("order.paid", Bytes::from_static(br#"{"id":1}"#));
    /// let mut sent = 0;
    /// for (_endpoint, request) in set.requests_iter(&event, 1_700_000_000, "msg_1") {
    ///     let request = request.unwrap();
    ///     assert_eq!(request.headers()["webhook-id"], "msg_1");
    ///     sent += 1; // hand it to the HTTP client or the queue here
    /// }
    /// assert_eq!(sent, 2);
    /// ```
    pub fn requests_iter<'a>(
        &'a self,
        event: &'a OutgoingEvent,
        now: i64,
        message_id: &'a str,
    ) -> impl Iterator<Item = (EndpointId, Result<Request<Bytes>, RequestError>)> + 'a {
        let mut shared = Shared::all(event, now, message_id);
        // The targets are enabled and want the event: no need to check again.
        self.targets(event.event_type.as_str(), event.store.as_deref())
            .map(move |(id, endpoint)| (id, endpoint.build(event, message_id, &mut shared)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EventFilter;

    fn scoped(store: &str) -> Endpoint {
        Endpoint::builder("https://a.example/")
            .filter(EventFilter::parse("order.*").unwrap().with_stores([store]))
            .build()
            .unwrap()
    }

    fn scan(set: &EndpointSet, event_type: &str, store: Option<&str>) -> Vec<EndpointId> {
        set.iter()
            .filter(|(_, e)| e.wants(event_type, store))
            .map(|(id, _)| id)
            .collect()
    }

    fn found(set: &EndpointSet, event_type: &str, store: Option<&str>) -> Vec<EndpointId> {
        set.targets(event_type, store).map(|(id, _)| id).collect()
    }

    /// Stores whose keys all have the same top 12 hash bits: the same home in any table of up
    /// to 4,096 slots.
    fn colliding(n: usize) -> Vec<String> {
        let top = |store: &str| {
            Key {
                kind: Kind::StoreGroup,
                store,
                name: "order",
            }
            .hash()
                >> 52
        };
        let target = top("s0");
        (0..)
            .map(|i| format!("s{i}"))
            .filter(|s| top(s) == target)
            .take(n)
            .collect()
    }

    #[test]
    fn colliding_keys_go_to_the_overflow_map_and_are_all_found() {
        let stores = colliding(200);
        let mut set = EndpointSet::new();
        let ids: Vec<_> = stores.iter().map(|s| set.create(scoped(s))).collect();
        let plain = set.create(scoped("plain"));
        let table = &set.index.table;
        assert!(table.full <= WINDOW + 1, "{} keys in the slots", table.full);
        assert!(
            table.overflow.len() >= 150,
            "{} in the overflow map",
            table.overflow.len()
        );
        for (store, id) in stores.iter().zip(&ids) {
            assert_eq!(found(&set, "order.paid", Some(store)), [*id]);
        }
        assert_eq!(found(&set, "order.paid", Some("plain")), [plain]);
        // Half deleted, from the slots and from the overflow map alike.
        for id in ids.iter().step_by(2) {
            set.delete(*id).unwrap();
        }
        for (i, store) in stores.iter().enumerate() {
            let expected: Vec<_> = ids
                .get(i)
                .filter(|_| i % 2 == 1)
                .copied()
                .into_iter()
                .collect();
            assert_eq!(found(&set, "order.paid", Some(store)), expected, "{store}");
        }
        for id in ids.iter().skip(1).step_by(2) {
            set.delete(*id).unwrap();
        }
        assert!(set.index.table.overflow.is_empty());
        assert_eq!(found(&set, "order.paid", Some("plain")), [plain]);
    }

    #[test]
    fn churn_rebuilds_and_compacts_and_agrees_with_a_scan() {
        let mut set = EndpointSet::new();
        let mut live = Vec::new();
        for round in 0..3000usize {
            let store = format!("store-{}", round % 97);
            let filter = match round % 5 {
                0 => EventFilter::parse("order.*")
                    .unwrap()
                    .with_stores([store.as_str()]),
                1 => EventFilter::parse(&format!("t{}.created", round % 13)).unwrap(),
                2 => EventFilter::parse("*")
                    .unwrap()
                    .with_stores([store.as_str(), "shared"]),
                3 => EventFilter::parse("order.paid|customer.*").unwrap(),
                _ => EventFilter::parse(&format!("t{}.created", round % 7))
                    .unwrap()
                    .with_stores([store.as_str()]),
            };
            let endpoint = Endpoint::builder("https://a.example/")
                .filter(filter)
                .build()
                .unwrap();
            live.push(set.create(endpoint));
            if round % 3 == 0 {
                let id = live.swap_remove((round * 7919) % live.len());
                set.delete(id).unwrap();
            }
            if round % 11 == 0 && !live.is_empty() {
                let id = live[(round * 31) % live.len()];
                set.disable(id).unwrap();
                if round % 2 == 0 {
                    set.enable(id).unwrap();
                }
            }
        }
        for event_type in [
            "order.paid",
            "order.x",
            "t3.created",
            "customer.created",
            "zz",
        ] {
            for store in [None, Some("store-5"), Some("shared"), Some("nowhere")] {
                assert_eq!(
                    found(&set, event_type, store),
                    scan(&set, event_type, store),
                    "{event_type} {store:?}"
                );
            }
        }
        let table = &set.index.table;
        assert!(table.garbage <= table.cells.len() / 2 + 64);
    }

    #[test]
    fn key_words_pack_every_length_and_differ_in_every_byte() {
        for len in 0..=40usize {
            let bytes: Vec<u8> = (0..len).map(|i| (i as u8).wrapping_mul(37) | 1).collect();
            let cells: Vec<Cell> = part_words(&bytes).map(Cell::word).collect();
            assert_eq!(cells.len(), words(len));
            for (chunk, cell) in bytes.chunks(8).zip(&cells) {
                let mut word = [0u8; 8];
                word[..chunk.len()].copy_from_slice(chunk);
                assert_eq!(cell.word, u64::from_le_bytes(word), "{len}");
            }
            assert!(same_part(&bytes, &cells), "{len}");
            for at in 0..len {
                let mut other = bytes.clone();
                other[at] ^= 0x40;
                assert!(!same_part(&other, &cells), "{len} {at}");
            }
        }
    }

    fn entry(id: u64) -> Entry {
        (EndpointId(id), Arc::new(scoped("x")))
    }

    fn ids(list: &[Cell]) -> Vec<u64> {
        list.iter()
            .take_while(|cell| cell.endpoint.is_some())
            .map(|cell| cell.word)
            .collect()
    }

    #[test]
    fn keys_too_long_for_a_header_and_spilled_blocks_live_in_the_overflow_map() {
        let mut table = Table::default();
        let long = "s".repeat(MAX_PART as usize);
        let long_key = Key {
            kind: Kind::StoreGroup,
            store: &long,
            name: "order",
        };
        assert!(long_key.header().is_none());
        let short = Key {
            kind: Kind::StoreName,
            store: "store-123456789",
            name: "order.paid",
        };
        let plain = Key {
            kind: Kind::Name,
            store: "",
            name: "t1.created",
        };
        for id in 1..=2 {
            table.update(long_key, Change::Add(entry(id)));
        }
        for id in 1..=6 {
            table.update(short, Change::Add(entry(id)));
            table.update(plain, Change::Add(entry(id)));
        }
        assert_eq!(table.overflow.len(), 1);
        assert_eq!(ids(table.get(long_key)), [1, 2]);
        // The block of `short` spilled to the overflow map, as a rebuild or a compaction does
        // when its window is full or its place too far for a slot.
        let (at, list) = table
            .find(short.hash(), &short, short.header().unwrap())
            .unwrap();
        table.free(at);
        table.spill(list);
        assert_eq!(table.overflow.len(), 2);
        assert!(
            table
                .find(short.hash(), &short, short.header().unwrap())
                .is_none()
        );
        assert_eq!(ids(table.get(short)), [1, 2, 3, 4, 5, 6]);
        assert_eq!(ids(table.get(plain)), [1, 2, 3, 4, 5, 6]);
        for id in 7..=40 {
            table.update(short, Change::Add(entry(id)));
        }
        for id in (1..=40).step_by(2) {
            table.update(short, Change::Remove(EndpointId(id)));
        }
        assert_eq!(
            ids(table.get(short)),
            (2..=40).step_by(2).collect::<Vec<_>>()
        );
        table.compact();
        assert_eq!(table.garbage, 0);
        assert_eq!(ids(table.get(long_key)), [1, 2]);
        assert_eq!(ids(table.get(plain)), [1, 2, 3, 4, 5, 6]);
        for id in 1..=2 {
            table.update(long_key, Change::Remove(EndpointId(id)));
        }
        for id in 1..=40 {
            table.update(short, Change::Remove(EndpointId(id)));
            table.update(plain, Change::Remove(EndpointId(id)));
        }
        assert!(table.overflow.is_empty());
        assert_eq!(table.full, 0);
        assert!(table.kinds.iter().all(|n| *n == 0));
        assert!(table.get(plain).is_empty());
    }
}

#[cfg(test)]
mod layout {
    #[test]
    fn a_slot_is_an_eighth_of_a_cache_line_and_a_cell_two_words() {
        assert_eq!(core::mem::size_of::<super::Slot>(), 8);
        assert_eq!(core::mem::size_of::<super::Cell>(), 16);
    }
}
