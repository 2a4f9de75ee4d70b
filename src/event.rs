//! Event types: each vendor's own names, an open set.

use core::fmt;
use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// An event type: the vendor's own name (`order.finalized`, `subscription.create`,
/// `order.settled`, `order`), an open set. Unknown names are kept as they are; the vendor
/// modules have constants for the known ones (`revel::event_type::ORDER_FINALIZED`, ...).
///
/// ```
/// use pos_webhooks::EventType;
/// use pos_webhooks::revel::event_type;
/// let t = EventType::new("order.finalized");
/// assert_eq!(t, event_type::ORDER_FINALIZED);
/// assert_eq!(t.group(), "order");
/// assert_eq!(t.action(), Some("finalized"));
/// assert_eq!(EventType::new("timesheet.created").as_str(), "timesheet.created");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventType(Cow<'static, str>);

impl EventType {
    /// A known event type, for constants.
    pub const fn from_static(name: &'static str) -> EventType {
        EventType(Cow::Borrowed(name))
    }

    /// An event type by name, known or not.
    pub fn new(name: impl Into<String>) -> EventType {
        EventType(Cow::Owned(name.into()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the first `.` (the whole name when there is none).
    pub fn group(&self) -> &str {
        self.0.split_once('.').map_or(&*self.0, |(group, _)| group)
    }

    /// The part after the first `.`, if any.
    pub fn action(&self) -> Option<&str> {
        self.0.split_once('.').map(|(_, action)| action)
    }
}

impl fmt::Debug for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EventType({})", self.0)
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for EventType {
    fn from(name: &str) -> EventType {
        EventType::new(name)
    }
}

impl PartialEq<str> for EventType {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for EventType {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl AsRef<str> for EventType {
    fn as_ref(&self) -> &str {
        &self.0
    }
}
