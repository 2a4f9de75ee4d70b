//! Event filters: which event types (and which stores) an endpoint or a receiver wants.

use core::fmt;
use core::hash::{BuildHasherDefault, Hasher};
use std::collections::{BTreeSet, HashSet};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::EventType;

/// FNV-1a: short keys, a table built from the owner's configuration, no allocation per lookup.
#[derive(Default, Clone, Copy)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

type FastSet = HashSet<Box<str>, BuildHasherDefault<Fnv>>;

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
/// names and groups are hash sets, not a list scanned in turn.
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
/// assert!("order.".parse::<EventFilter>().is_err());
/// assert!("a||b".parse::<EventFilter>().is_err());
/// ```
#[derive(Clone, Default)]
pub struct EventFilter {
    all: bool,
    names: FastSet,
    groups: FastSet,
    stores: StoreScope,
}

fn valid_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':')
}

impl EventFilter {
    /// Every event type, every store.
    pub fn all() -> EventFilter {
        EventFilter {
            all: true,
            ..EventFilter::default()
        }
    }

    /// No event at all (an endpoint subscribed to nothing).
    pub fn none() -> EventFilter {
        EventFilter::default()
    }

    /// Parses a pattern: alternatives joined by `|`, each an exact name (`order.success`,
    /// `order`), a group (`subscription.*`) or `*`. Whitespace around alternatives is ignored.
    pub fn parse(pattern: &str) -> Result<EventFilter, FilterError> {
        if pattern.trim().is_empty() {
            return Err(FilterError::Empty);
        }
        let mut filter = EventFilter::none();
        for (index, alternative) in pattern.split('|').enumerate() {
            let alternative = alternative.trim();
            if alternative.is_empty() {
                return Err(FilterError::EmptyAlternative(index));
            }
            filter.add_alternative(alternative)?;
        }
        Ok(filter)
    }

    fn add_alternative(&mut self, alternative: &str) -> Result<(), FilterError> {
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
                self.groups.insert(group.into());
            }
            return Ok(());
        }
        if alternative.contains('*') {
            return Err(invalid("'*' stands alone or as the whole action (group.*)"));
        }
        let mut parts = alternative.split('.');
        let group = parts.next().unwrap_or_default();
        let action = parts.next();
        if parts.next().is_some() {
            return Err(invalid("a name has at most one '.' (group.action)"));
        }
        if group.is_empty() || action.is_some_and(str::is_empty) {
            return Err(invalid("empty group or action around '.'"));
        }
        if !alternative.chars().all(|c| c == '.' || valid_name_char(c)) {
            return Err(invalid(
                "a name is letters, digits, '_', '-' or ':' around one optional '.'",
            ));
        }
        if !self.all {
            self.names.insert(alternative.into());
        }
        Ok(())
    }

    /// A filter that passes exactly these event types (names or typed constants).
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
        for name in names {
            let name = name.as_ref().trim();
            if name.is_empty() {
                return Err(FilterError::Empty);
            }
            filter.add_alternative(name)?;
            any = true;
        }
        if any {
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

    /// Whether `event_type` passes, whatever the store.
    pub fn matches_type(&self, event_type: &str) -> bool {
        if self.all {
            return true;
        }
        if self.names.contains(event_type) {
            return true;
        }
        match event_type.split_once('.') {
            Some((group, _)) => !self.groups.is_empty() && self.groups.contains(group),
            None => false,
        }
    }

    /// Whether an event from `store` passes the store scope.
    pub fn matches_store(&self, store: Option<&str>) -> bool {
        match (&self.stores, store) {
            (StoreScope::All, _) => true,
            (StoreScope::Only(stores), Some(store)) => stores.contains(store),
            (StoreScope::Only(_), None) => false,
        }
    }

    /// The filter as a pattern, alternatives sorted (`*` alone when it passes everything).
    pub fn pattern(&self) -> String {
        if self.all {
            return "*".to_owned();
        }
        let mut alternatives: Vec<String> = self
            .groups
            .iter()
            .map(|g| format!("{g}.*"))
            .chain(self.names.iter().map(|n| n.to_string()))
            .collect();
        alternatives.sort();
        alternatives.join("|")
    }
}

impl PartialEq for EventFilter {
    fn eq(&self, other: &EventFilter) -> bool {
        self.all == other.all
            && self.names == other.names
            && self.groups == other.groups
            && self.stores == other.stores
    }
}

impl Eq for EventFilter {}

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
    fn from(event_type: &EventType) -> EventFilter {
        let mut filter = EventFilter::none();
        filter.names.insert(event_type.as_str().into());
        filter
    }
}

/// The stored form: `{"pattern": "...", "stores": [...]}` (`stores` absent for all stores).
#[derive(Serialize, Deserialize)]
struct FilterForm {
    pattern: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stores: Option<BTreeSet<String>>,
}

impl Serialize for EventFilter {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        FilterForm {
            pattern: self.pattern(),
            stores: match &self.stores {
                StoreScope::All => None,
                StoreScope::Only(stores) => Some(stores.clone()),
            },
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for EventFilter {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<EventFilter, D::Error> {
        let form = FilterForm::deserialize(deserializer)?;
        let filter = if form.pattern.is_empty() {
            EventFilter::none()
        } else {
            EventFilter::parse(&form.pattern).map_err(serde::de::Error::custom)?
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
