//! Event filters: which event types (and which stores) an endpoint or a receiver wants.

use core::cmp::Ordering;
use core::fmt;
use std::collections::BTreeSet;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::EventType;
use crate::hash::{fold_mul, keyed};

/// The longest pattern [`EventFilter::parse`] accepts, in bytes (64 KiB).
pub const MAX_PATTERN_BYTES: usize = 65_536;
/// The most alternatives (`a|b|c`: 3) one filter may hold.
pub const MAX_ALTERNATIVES: usize = 1_024;
/// The longest alternative (a name, or a group before `.*`), in bytes.
pub const MAX_NAME_BYTES: usize = 128;

/// A set of names, looked up in constant time by a table built when the filter is parsed.
///
/// The names are kept sorted (ordered by length first, then bytes): that order defines the
/// set (equality, [`EventFilter::pattern`]) and is the fallback lookup, by bisection. On top of
/// it, [`Table`] buckets the names by a keyed hash whose key is derived from the names
/// themselves (no RNG: the same names always build the same table). A key is kept only if no
/// bucket holds more than [`BUCKET_MAX`] names and no two names share a 64-bit hash; otherwise
/// the next key is derived, at most [`TABLE_ATTEMPTS`] times, and a set no key spreads is
/// searched by bisection (`O(log n)` comparisons, as before the table). So no choice of names
/// makes a lookup cost more than one hash of at most the longest name's bytes, [`BUCKET_MAX`]
/// hash compares and one string compare, or a bisection; and no query, however chosen, costs
/// more than that either.
///
/// A bit per length present (1 to [`MAX_NAME_BYTES`]) answers most misses without hashing.
#[derive(Clone, Default)]
struct Names {
    sorted: Vec<Box<str>>,
    /// Bit `i % 64` of word `i / 64`: see [`length_bit`].
    lengths: [u64; 2],
    /// The longest name's length: a longer query is not hashed.
    max_len: usize,
    /// `None`: empty, or no key spread the names (bisection).
    table: Option<Table>,
}

/// The most names one bucket of a [`Table`] may hold.
const BUCKET_MAX: usize = 8;
/// How many keys are tried before a set of names is left to bisection.
const TABLE_ATTEMPTS: u64 = 16;

/// The hash buckets of a [`Names`]: bucket `b` is `entries[starts[b]..starts[b + 1]]`, each
/// entry a name's hash and its position in `sorted`.
#[derive(Clone)]
struct Table {
    key: u64,
    /// Number of buckets minus one (a power of two minus one).
    mask: usize,
    starts: Box<[u32]>,
    entries: Box<[(u64, u32)]>,
}

/// The bit of `lengths` for a name of `len` bytes: bit `len - 1`, names of 128 bytes and
/// longer sharing the last bit (and the empty name the first): a set bit only means "search".
/// As (word, mask) of the two 64-bit words.
fn length_bit(len: usize) -> (usize, u64) {
    let bit = len.saturating_sub(1).min(127);
    (bit >> 6, 1u64 << (bit & 63))
}

fn by_len_then_bytes(a: &str, b: &str) -> Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.as_bytes().cmp(b.as_bytes()))
}

impl Table {
    /// The table of `sorted` (at most `u32::MAX` names) under the first key derived from the
    /// names that spreads them, or `None`.
    fn build(sorted: &[Box<str>]) -> Option<Table> {
        if sorted.is_empty() {
            return None;
        }
        let count = u32::try_from(sorted.len()).ok()?;
        let buckets = sorted.len().next_power_of_two();
        let mask = buckets - 1;
        // The first key: a hash of all the names under a fixed key.
        let base = sorted.iter().fold(0x9e37_79b9_7f4a_7c15u64, |acc, name| {
            keyed(acc, name.as_bytes())
        });
        (0..TABLE_ATTEMPTS).find_map(|attempt| {
            let key = fold_mul(
                base ^ attempt.wrapping_mul(0x9e37_79b9_7f4a_7c15),
                0xd6e8_feb8_6659_fd93,
            );
            Table::with_key(sorted, key, mask, count)
        })
    }

    fn with_key(sorted: &[Box<str>], key: u64, mask: usize, count: u32) -> Option<Table> {
        let mut entries: Vec<(u64, u32)> = sorted
            .iter()
            .zip(0..count)
            .map(|(name, index)| (keyed(key, name.as_bytes()), index))
            .collect();
        entries.sort_unstable_by_key(|&(h, _)| (h as usize & mask, h));
        // Distinct hashes: a query compares bytes with at most one name.
        if entries
            .windows(2)
            .any(|w| matches!(w, [a, b] if a.0 == b.0))
        {
            return None;
        }
        let mut starts = vec![0u32; mask + 2];
        for &(h, _) in &entries {
            let slot = starts.get_mut((h as usize & mask) + 1)?;
            *slot += 1;
            if *slot as usize > BUCKET_MAX {
                return None;
            }
        }
        for b in 1..starts.len() {
            let previous = starts.get(b - 1).copied().unwrap_or(0);
            if let Some(slot) = starts.get_mut(b) {
                *slot += previous;
            }
        }
        Some(Table {
            key,
            mask,
            starts: starts.into_boxed_slice(),
            entries: entries.into_boxed_slice(),
        })
    }

    fn contains(&self, sorted: &[Box<str>], name: &str) -> bool {
        let h = keyed(self.key, name.as_bytes());
        let bucket = h as usize & self.mask;
        let (Some(&start), Some(&end)) = (self.starts.get(bucket), self.starts.get(bucket + 1))
        else {
            return false;
        };
        let Some(entries) = self.entries.get(start as usize..end as usize) else {
            return false;
        };
        entries.iter().any(|&(other, index)| {
            other == h && sorted.get(index as usize).is_some_and(|n| **n == *name)
        })
    }
}

impl PartialEq for Names {
    /// The same names: the table is derived from them.
    fn eq(&self, other: &Names) -> bool {
        self.sorted == other.sorted
    }
}

impl Eq for Names {}

impl Names {
    fn push(&mut self, name: &str) {
        let (word, mask) = length_bit(name.len());
        if let Some(bits) = self.lengths.get_mut(word) {
            *bits |= mask;
        }
        self.sorted.push(name.into());
    }

    /// Sorts, removes duplicates and builds the table: `O(n log n)` for `n` alternatives
    /// (and at most [`TABLE_ATTEMPTS`] tries of `O(n log n)` each).
    fn finish(&mut self) {
        self.sorted.sort_unstable_by(|a, b| by_len_then_bytes(a, b));
        self.sorted.dedup();
        self.max_len = self.sorted.last().map_or(0, |name| name.len());
        self.table = Table::build(&self.sorted);
    }

    /// Whether `name` is in the set. The length check is inlined (most misses end there), the
    /// lookup is not.
    #[inline]
    fn contains(&self, name: &str) -> bool {
        let (word, mask) = length_bit(name.len());
        name.len() <= self.max_len
            && self.lengths.get(word).is_some_and(|bits| bits & mask != 0)
            && self.lookup(name)
    }

    #[inline(never)]
    fn lookup(&self, name: &str) -> bool {
        match &self.table {
            Some(table) => table.contains(&self.sorted, name),
            None => self
                .sorted
                .binary_search_by(|probe| by_len_then_bytes(probe, name))
                .is_ok(),
        }
    }

    fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    fn clear(&mut self) {
        self.sorted.clear();
        self.lengths = [0; 2];
        self.max_len = 0;
        self.table = None;
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        self.sorted.iter().map(|name| &**name)
    }
}

/// Why a filter pattern was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FilterError {
    /// The pattern (or the list of names) is empty.
    #[error("empty pattern")]
    Empty,
    /// An alternative between `|` is empty (`a||b`, `|a`, `a|`).
    #[error("empty alternative at position {0}")]
    EmptyAlternative(usize),
    /// An alternative is not a name, `group.*` or `*`.
    #[error("invalid alternative {alternative:?}: {reason}")]
    Invalid {
        /// The alternative as written.
        alternative: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The pattern is longer than [`MAX_PATTERN_BYTES`].
    #[error("pattern is {len} bytes long, more than the {max} allowed")]
    TooLong {
        /// The pattern's length in bytes.
        len: usize,
        /// The limit, [`MAX_PATTERN_BYTES`].
        max: usize,
    },
    /// The pattern has more alternatives than [`MAX_ALTERNATIVES`].
    #[error("pattern has more than {max} alternatives")]
    TooManyAlternatives {
        /// The limit, [`MAX_ALTERNATIVES`].
        max: usize,
    },
    /// An alternative is longer than [`MAX_NAME_BYTES`].
    #[error("alternative at position {index} is {len} bytes long, more than the {max} allowed")]
    AlternativeTooLong {
        /// Its position (from 0) among the alternatives.
        index: usize,
        /// Its length in bytes.
        len: usize,
        /// The limit, [`MAX_NAME_BYTES`].
        max: usize,
    },
}

/// Which stores an event must come from: all, or a set (miPOS `external_store_id`, Revel
/// `X-Revel-Establishment-Id`, Flow Retail `store.Uid`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum StoreScope {
    /// Every store, and events that name none.
    #[default]
    All,
    /// Only these stores; an event that names no store does not pass.
    Only(BTreeSet<String>),
}

/// Which events pass: Ordergroove's pattern syntax — exact names, `group.*`, `*`, joined by
/// `|` — plus an optional store scope.
///
/// Decided from the raw event type (a header value, or an envelope's type field) before the
/// body is parsed. Matching allocates nothing and costs the same for 1 or 100 patterns: the
/// names and groups are looked up in tables built when the filter is parsed, keyed by a hash
/// whose key is derived from the names (no RNG) and re-derived until no bucket holds more than
/// a few names, so a lookup is one hash and a few compares; a set of names no key spreads is
/// searched by bisection instead (at most `log2(n)` comparisons of at most [`MAX_NAME_BYTES`]
/// bytes), so no choice of names, or of event types, can slow a filter down.
///
/// **Flow Retail action names** (`ORDER_SETTLED`: no `.`, no lowercase letter) are read in
/// their dotted form, lowercase with the first `_` as `.` (`order.settled`, as
/// [`flow_retail::Action::dotted`]), in patterns and in
/// event types alike, so `ORDER_SETTLED`, `order.settled` and `order.*` all match both spellings.
///
/// **Limits**: a pattern is at most [`MAX_PATTERN_BYTES`] bytes and [`MAX_ALTERNATIVES`]
/// alternatives, each at most [`MAX_NAME_BYTES`] bytes; beyond them parsing is an error.
///
/// ```
/// use pos_webhooks::EventFilter;
/// let filter: EventFilter = "subscription.*|order.success".parse().unwrap();
/// assert!(filter.matches("subscription.create", None));
/// assert!(filter.matches("order.success", None));
/// assert!(!filter.matches("order.cancel", None));
///
/// let scoped = filter.with_stores(["3"]);
/// assert!(scoped.matches("order.success", Some("3")));
/// assert!(!scoped.matches("order.success", Some("4")));
///
/// // Flow Retail's spelling and the dotted one are the same event.
/// let flow: EventFilter = "ORDER_SETTLED|customer.*".parse().unwrap();
/// assert!(flow.matches("order.settled", None));
/// assert!(flow.matches("ORDER_SETTLED", None));
/// assert!(flow.matches("CUSTOMER_CREATE", None));
/// assert_eq!(flow.pattern(), "customer.*|order.settled");
///
/// assert!("order.".parse::<EventFilter>().is_err());
/// assert!("a||b".parse::<EventFilter>().is_err());
/// assert!("".parse::<EventFilter>().is_err());
/// ```
// The link to Flow Retail's method exists only with its feature; docs.rs has it either way.
#[cfg_attr(
    feature = "flow_retail",
    doc = "\n[`flow_retail::Action::dotted`]: crate::flow_retail::Action::dotted"
)]
#[cfg_attr(
    not(feature = "flow_retail"),
    doc = "\n[`flow_retail::Action::dotted`]: https://docs.rs/pos-webhooks/latest/pos_webhooks/flow_retail/struct.Action.html#method.dotted"
)]
#[derive(Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    all: bool,
    names: Names,
    groups: Names,
    stores: StoreScope,
}

fn valid_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':')
}

/// Whether `store` is one of `stores`; out of line, so the common path (every store) stays small.
#[inline(never)]
fn in_stores(stores: &BTreeSet<String>, store: Option<&str>) -> bool {
    store.is_some_and(|store| stores.contains(store))
}

/// A Flow Retail action name (`ORDER_SETTLED`): no `.`, no lowercase ASCII letter and at least
/// one uppercase one. Stops at the first lowercase letter, so dotted names cost one byte.
fn is_action_style(name: &str) -> bool {
    let mut upper = false;
    for byte in name.bytes() {
        match byte {
            b'.' | b'a'..=b'z' => return false,
            b'A'..=b'Z' => upper = true,
            _ => {}
        }
    }
    upper
}

/// The dotted form of an action-style name, written into `buf`: lowercase, the first `_`
/// becomes `.`. `None` when it does not fit.
fn dotted<'b>(name: &str, buf: &'b mut [u8; MAX_NAME_BYTES]) -> Option<&'b str> {
    let dst = buf.get_mut(..name.len())?;
    let mut first = true;
    for (to, from) in dst.iter_mut().zip(name.bytes()) {
        *to = if from == b'_' && first {
            first = false;
            b'.'
        } else {
            from.to_ascii_lowercase()
        };
    }
    // Only ASCII bytes changed, into ASCII: still UTF-8.
    core::str::from_utf8(dst).ok()
}

impl EventFilter {
    /// Every event type, every store.
    pub fn all() -> EventFilter {
        EventFilter {
            all: true,
            ..EventFilter::default()
        }
    }

    /// No event at all (an endpoint subscribed to nothing). In JSON: `{"pattern": null}`.
    pub fn none() -> EventFilter {
        EventFilter::default()
    }

    /// Parses a pattern: alternatives joined by `|`, each an exact name (`order.success`,
    /// `order`, `ORDER_SETTLED`), a group (`subscription.*`) or `*`. Whitespace around
    /// alternatives is ignored.
    ///
    /// An empty pattern is an error (here and in JSON): a filter that takes nothing is
    /// [`EventFilter::none`], written `{"pattern": null}`.
    ///
    /// ```
    /// use pos_webhooks::{EventFilter, FilterError, MAX_ALTERNATIVES};
    /// assert_eq!(EventFilter::parse(" "), Err(FilterError::Empty));
    /// let many = vec!["a.b"; MAX_ALTERNATIVES + 1].join("|");
    /// assert_eq!(
    ///     EventFilter::parse(&many),
    ///     Err(FilterError::TooManyAlternatives { max: MAX_ALTERNATIVES })
    /// );
    /// ```
    pub fn parse(pattern: &str) -> Result<EventFilter, FilterError> {
        if pattern.len() > MAX_PATTERN_BYTES {
            return Err(FilterError::TooLong {
                len: pattern.len(),
                max: MAX_PATTERN_BYTES,
            });
        }
        if pattern.trim().is_empty() {
            return Err(FilterError::Empty);
        }
        let mut filter = EventFilter::none();
        for (index, alternative) in pattern.split('|').enumerate() {
            if index >= MAX_ALTERNATIVES {
                return Err(FilterError::TooManyAlternatives {
                    max: MAX_ALTERNATIVES,
                });
            }
            let alternative = alternative.trim();
            if alternative.is_empty() {
                return Err(FilterError::EmptyAlternative(index));
            }
            filter.add_alternative(index, alternative)?;
        }
        filter.finish();
        Ok(filter)
    }

    fn finish(&mut self) {
        self.names.finish();
        self.groups.finish();
    }

    fn add_alternative(&mut self, index: usize, alternative: &str) -> Result<(), FilterError> {
        if alternative.len() > MAX_NAME_BYTES {
            return Err(FilterError::AlternativeTooLong {
                index,
                len: alternative.len(),
                max: MAX_NAME_BYTES,
            });
        }
        let invalid = |reason| FilterError::Invalid {
            alternative: alternative.to_owned(),
            reason,
        };
        if alternative == "*" {
            // `*` takes everything: the other alternatives add nothing (they are still checked).
            self.all = true;
            self.names.clear();
            self.groups.clear();
            return Ok(());
        }
        let mut buf = [0u8; MAX_NAME_BYTES];
        if let Some(group) = alternative.strip_suffix(".*") {
            if group.is_empty() {
                return Err(invalid("a group is needed before .*"));
            }
            if !group.chars().all(valid_name_char) {
                return Err(invalid(
                    "a group is letters, digits, '_', '-' or ':' (one '*', only as the whole action)",
                ));
            }
            if !self.all {
                // `ORDER.*` is the group of `ORDER_SETTLED`: `order`.
                let group = if is_action_style(group) {
                    let dst = buf.get_mut(..group.len()).unwrap_or_default();
                    dst.copy_from_slice(group.as_bytes());
                    dst.make_ascii_lowercase();
                    core::str::from_utf8(dst).unwrap_or(group)
                } else {
                    group
                };
                self.groups.push(group);
            }
            return Ok(());
        }
        if alternative.contains('*') {
            return Err(invalid("'*' stands alone or as the whole action (group.*)"));
        }
        let name = if is_action_style(alternative) {
            dotted(alternative, &mut buf).unwrap_or(alternative)
        } else {
            alternative
        };
        let mut parts = name.split('.');
        let group = parts.next().unwrap_or_default();
        let action = parts.next();
        if parts.next().is_some() {
            return Err(invalid("a name has at most one '.' (group.action)"));
        }
        if group.is_empty() || action.is_some_and(str::is_empty) {
            return Err(invalid("empty group or action around '.'"));
        }
        if !name.chars().all(|c| c == '.' || valid_name_char(c)) {
            return Err(invalid(
                "a name is letters, digits, '_', '-' or ':' around one optional '.'",
            ));
        }
        if !self.all {
            self.names.push(name);
        }
        Ok(())
    }

    /// A filter that passes exactly these event types (names or typed constants), with the
    /// limits of [`EventFilter::parse`] on their number and length.
    ///
    /// ```
    /// use pos_webhooks::{EventFilter, revel::event_type};
    /// let f = EventFilter::from_names([event_type::ORDER_FINALIZED, event_type::PING]).unwrap();
    /// assert!(f.matches("ping", None));
    /// assert!(!f.matches("menu.updated", None));
    /// ```
    pub fn from_names<I, T>(names: I) -> Result<EventFilter, FilterError>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        let mut filter = EventFilter::none();
        let mut any = false;
        for (index, name) in names.into_iter().enumerate() {
            if index >= MAX_ALTERNATIVES {
                return Err(FilterError::TooManyAlternatives {
                    max: MAX_ALTERNATIVES,
                });
            }
            let name = name.as_ref().trim();
            if name.is_empty() {
                return Err(FilterError::Empty);
            }
            filter.add_alternative(index, name)?;
            any = true;
        }
        if any {
            filter.finish();
            Ok(filter)
        } else {
            Err(FilterError::Empty)
        }
    }

    /// The same filter, restricted to events of these stores.
    #[must_use]
    pub fn with_stores<I, S>(mut self, stores: I) -> EventFilter
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.stores = StoreScope::Only(stores.into_iter().map(Into::into).collect());
        self
    }

    /// The same filter with this store scope.
    #[must_use]
    pub fn with_scope(mut self, stores: StoreScope) -> EventFilter {
        self.stores = stores;
        self
    }

    /// The store scope.
    pub fn stores(&self) -> &StoreScope {
        &self.stores
    }

    /// Whether an event of type `event_type` from `store` passes. Allocates nothing.
    pub fn matches(&self, event_type: &str, store: Option<&str>) -> bool {
        self.matches_type(event_type) && self.matches_store(store)
    }

    /// Whether `event_type` passes, whatever the store. A Flow Retail action name
    /// (`ORDER_SETTLED`) is looked up in its dotted form (`order.settled`).
    pub fn matches_type(&self, event_type: &str) -> bool {
        if self.all {
            return true;
        }
        if !is_action_style(event_type) {
            return self.matches_dotted(event_type);
        }
        self.matches_action(event_type)
    }

    /// A Flow Retail action name (`ORDER_SETTLED`), looked up dotted; out of line, so the
    /// common path carries no buffer.
    #[inline(never)]
    fn matches_action(&self, event_type: &str) -> bool {
        let mut buf = [0u8; MAX_NAME_BYTES];
        if let Some(name) = dotted(event_type, &mut buf) {
            return self.matches_dotted(name);
        }
        // Longer than any alternative: only its group can match.
        match event_type.split_once('_') {
            Some((group, _)) => {
                !self.groups.is_empty()
                    && dotted(group, &mut buf).is_some_and(|group| self.groups.contains(group))
            }
            None => false,
        }
    }

    #[inline]
    fn matches_dotted(&self, event_type: &str) -> bool {
        if self.names.contains(event_type) {
            return true;
        }
        if self.groups.is_empty() {
            return false;
        }
        // The group is the part before the first `.` (a byte search: no char searcher).
        event_type
            .bytes()
            .position(|b| b == b'.')
            .and_then(|at| event_type.get(..at))
            .is_some_and(|group| self.groups.contains(group))
    }

    /// Whether an event from `store` passes the store scope.
    pub fn matches_store(&self, store: Option<&str>) -> bool {
        match &self.stores {
            StoreScope::All => true,
            StoreScope::Only(stores) => in_stores(stores, store),
        }
    }

    /// The filter as a pattern, alternatives sorted (`*` alone when it passes everything;
    /// empty for [`EventFilter::none`]). Flow Retail action names appear dotted.
    pub fn pattern(&self) -> String {
        if self.all {
            return "*".to_owned();
        }
        let mut alternatives: Vec<String> = self
            .groups
            .iter()
            .map(|g| format!("{g}.*"))
            .chain(self.names.iter().map(str::to_owned))
            .collect();
        alternatives.sort();
        alternatives.join("|")
    }

    /// Whether the filter passes no event type at all ([`EventFilter::none`]).
    pub fn is_none(&self) -> bool {
        !self.all && self.names.is_empty() && self.groups.is_empty()
    }
}

impl fmt::Debug for EventFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventFilter")
            .field("pattern", &self.pattern())
            .field("stores", &self.stores)
            .finish()
    }
}

impl fmt::Display for EventFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.pattern())
    }
}

impl core::str::FromStr for EventFilter {
    type Err = FilterError;
    fn from_str(pattern: &str) -> Result<EventFilter, FilterError> {
        EventFilter::parse(pattern)
    }
}

impl From<&EventType> for EventFilter {
    /// The filter of exactly this event type. A name [`EventFilter::parse`] would refuse
    /// (too long, or not `group.action`) is kept as it is and matched exactly.
    fn from(event_type: &EventType) -> EventFilter {
        let mut filter = EventFilter::none();
        if filter.add_alternative(0, event_type.as_str()).is_err() {
            filter = EventFilter::none();
            filter.names.push(event_type.as_str());
        }
        filter.finish();
        filter
    }
}

/// The stored form, written: `{"pattern": "..." | null, "stores": [...]}`.
#[derive(Serialize)]
struct FilterOut<'a> {
    pattern: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stores: Option<&'a BTreeSet<String>>,
}

/// The stored form, read strictly: unknown fields are errors naming the field, `pattern` is
/// required (`null` for [`EventFilter::none`]) and parsed like [`EventFilter::parse`], so
/// `""` is refused.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FilterIn {
    #[serde(default, deserialize_with = "present")]
    pattern: Option<Option<String>>,
    #[serde(default)]
    stores: Option<BTreeSet<String>>,
}

/// `pattern` given (as text or `null`) is `Some`; absent stays `None` (the default).
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

impl Serialize for EventFilter {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let pattern = self.pattern();
        FilterOut {
            pattern: if self.is_none() { None } else { Some(&pattern) },
            stores: match &self.stores {
                StoreScope::All => None,
                StoreScope::Only(stores) => Some(stores),
            },
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for EventFilter {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<EventFilter, D::Error> {
        let form = FilterIn::deserialize(deserializer)?;
        let filter = match form.pattern {
            None => return Err(serde::de::Error::missing_field("pattern")),
            Some(None) => EventFilter::none(),
            Some(Some(pattern)) => EventFilter::parse(&pattern)
                .map_err(|e| serde::de::Error::custom(format_args!("filter pattern: {e}")))?,
        };
        Ok(match form.stores {
            Some(stores) => filter.with_scope(StoreScope::Only(stores)),
            None => filter,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_patterns_are_clear_errors() -> Result<(), Box<dyn std::error::Error>> {
        for (pattern, expected) in [
            ("", FilterError::Empty),
            ("  ", FilterError::Empty),
            ("a||b", FilterError::EmptyAlternative(1)),
            ("|a", FilterError::EmptyAlternative(0)),
            ("a|", FilterError::EmptyAlternative(1)),
        ] {
            assert_eq!(
                EventFilter::parse(pattern).unwrap_err(),
                expected,
                "{pattern}"
            );
        }
        for pattern in [
            "order.",
            ".x",
            "**",
            "order.**",
            "*.created",
            "a.b.c",
            "a b",
            "o*",
        ] {
            let err = EventFilter::parse(pattern).unwrap_err();
            assert!(
                matches!(err, FilterError::Invalid { .. }),
                "{pattern}: {err}"
            );
        }
        Ok(())
    }

    #[test]
    fn matching() -> Result<(), Box<dyn std::error::Error>> {
        let f = EventFilter::parse("subscription.*|order.success|order")?;
        assert!(f.matches_type("subscription.cancel"));
        assert!(f.matches_type("order"));
        assert!(f.matches_type("order.success"));
        assert!(!f.matches_type("order.cancel"));
        assert!(!f.matches_type("subscription"));
        assert!(!f.matches_type(""));
        assert!(EventFilter::all().matches("anything.at_all", None));
        assert!(!EventFilter::none().matches("order", None));
        assert_eq!(f.pattern(), "order|order.success|subscription.*");
        // `*` makes the other alternatives redundant: the same filter as `*` alone.
        assert_eq!(EventFilter::parse("x|*|y.*")?, EventFilter::all());
        assert_eq!(EventFilter::parse("x|*|y.*")?.pattern(), "*");
        assert!(EventFilter::parse("x|*|y.").is_err());
        let json = serde_json::to_string(&f.clone().with_stores(["s1"]))?;
        assert_eq!(
            json,
            r#"{"pattern":"order|order.success|subscription.*","stores":["s1"]}"#
        );
        let back: EventFilter = serde_json::from_str(&json)?;
        assert_eq!(back, f.with_stores(["s1"]));
        Ok(())
    }

    /// The table and the bisection agree on every name and on near misses, for sets of
    /// assorted sizes and lengths; the table is built for them (no fallback).
    #[test]
    fn table_agrees_with_bisection() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for n in [1usize, 2, 3, 7, 10, 100, 1024] {
            let mut names = Names::default();
            let mut all = Vec::new();
            for _ in 0..n {
                let len = 1 + (next() % 40) as usize;
                let name: String = (0..len)
                    .map(|_| char::from(b"abc.xyz_019"[(next() % 11) as usize]))
                    .collect();
                names.push(&name);
                all.push(name);
            }
            names.finish();
            assert!(names.table.is_some(), "{n} names: no key spread them");
            let mut bisect = names.clone();
            bisect.table = None;
            for name in &all {
                assert!(names.contains(name), "{name}");
                let mut near = name.clone();
                near.push('a');
                assert_eq!(names.contains(&near), bisect.contains(&near), "{near}");
                let shorter = &name[..name.len() - 1];
                assert_eq!(names.contains(shorter), bisect.contains(shorter));
                let mut changed = name.clone().into_bytes();
                let at = (next() as usize) % changed.len();
                changed[at] = b'q';
                let changed = String::from_utf8(changed).unwrap_or_default();
                assert_eq!(names.contains(&changed), bisect.contains(&changed));
            }
            assert!(!names.contains(""));
            assert!(!names.contains(&"a".repeat(200)));
        }
    }

    /// Names that differ only in the middle of long names, or share every word but one.
    #[test]
    fn table_separates_near_names() {
        let mut names = Names::default();
        let long: Vec<String> = (0..300)
            .map(|i| format!("{}{i:04}{}", "p".repeat(20), "s".repeat(20)))
            .collect();
        for name in &long {
            names.push(name);
        }
        names.finish();
        assert!(names.table.is_some());
        for name in &long {
            assert!(names.contains(name));
        }
        assert!(!names.contains(&format!("{}9999{}", "p".repeat(20), "s".repeat(20))));
        // An equal filter whatever the order the names came in: the table follows the names.
        let mut reversed = Names::default();
        for name in long.iter().rev() {
            reversed.push(name);
        }
        reversed.finish();
        assert!(reversed == names);
        assert_eq!(
            reversed.table.as_ref().map(|t| t.key),
            names.table.as_ref().map(|t| t.key)
        );
    }
}
