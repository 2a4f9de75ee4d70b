//! Event filters: which event types (and which stores) an endpoint or a receiver wants.

use core::cmp::Ordering;
use core::fmt;
use std::collections::BTreeSet;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::EventType;

/// The longest pattern [`EventFilter::parse`] accepts, in bytes (64 KiB).
pub const MAX_PATTERN_BYTES: usize = 65_536;
/// The most alternatives (`a|b|c`: 3) one filter may hold.
pub const MAX_ALTERNATIVES: usize = 1_024;
/// The longest alternative (a name, or a group before `.*`), in bytes.
pub const MAX_NAME_BYTES: usize = 128;

/// A sorted list of names with no hashing: lookups cost `O(log n)` comparisons of at most
/// [`MAX_NAME_BYTES`] bytes whatever the names are, so no choice of names can make a filter
/// slow to build or to query (an unkeyed hash table can be flooded with colliding names).
///
/// Ordered by length first, then bytes: most comparisons stop at the length. A bit per length
/// present (1 to [`MAX_NAME_BYTES`]) answers most misses without a search.
#[derive(Clone, Default, PartialEq, Eq)]
struct Names {
    sorted: Vec<Box<str>>,
    lengths: u128,
}

/// The bit of `lengths` for a name of `len` bytes: bit `len - 1`, names of 128 bytes and
/// longer sharing the last bit (and the empty name the first): a set bit only means "search".
fn length_bit(len: usize) -> u128 {
    1u128 << len.saturating_sub(1).min(127)
}

fn by_len_then_bytes(a: &str, b: &str) -> Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.as_bytes().cmp(b.as_bytes()))
}

impl Names {
    fn push(&mut self, name: &str) {
        self.lengths |= length_bit(name.len());
        self.sorted.push(name.into());
    }

    /// Sorts and removes duplicates: `O(n log n)` for `n` alternatives.
    fn finish(&mut self) {
        self.sorted.sort_unstable_by(|a, b| by_len_then_bytes(a, b));
        self.sorted.dedup();
    }

    fn contains(&self, name: &str) -> bool {
        self.lengths & length_bit(name.len()) != 0
            && self
                .sorted
                .binary_search_by(|probe| by_len_then_bytes(probe, name))
                .is_ok()
    }

    fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    fn clear(&mut self) {
        self.sorted.clear();
        self.lengths = 0;
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
/// names and groups are sorted lists searched by bisection (no hashing, so no choice of names
/// can slow a filter down), each lookup at most `log2(n)` comparisons of at most
/// [`MAX_NAME_BYTES`] bytes.
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
        match (&self.stores, store) {
            (StoreScope::All, _) => true,
            (StoreScope::Only(stores), Some(store)) => stores.contains(store),
            (StoreScope::Only(_), None) => false,
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
}
