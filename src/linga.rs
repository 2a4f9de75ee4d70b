//! Linga POS Back Office: open, update and close check events.
//!
//! Linga publishes no check JSON, so this crate invents no schema: a [`CheckEvent`] is the
//! verified bytes plus a generic JSON value, enough to route, filter and read fields.
//! Authenticity is a static token in a partner-chosen header ([`Scheme::Linga`](crate::Scheme)).
//!
//! ```
//! use pos_webhooks::linga::{CheckEvent, CheckEventKind};
//! let e = CheckEvent::parse(CheckEventKind::Closed, br#"{"checkId":"42","total":12.5}"#.to_vec().into()).unwrap();
//! assert_eq!(e.get("/checkId").and_then(|v| v.as_str()), Some("42"));
//! assert_eq!(e.kind().event_type(), "order.closed");
//! ```

use bytes::Bytes;

use crate::{ParseError, parse_json};

/// Which of Linga's three webhooks sent the check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CheckEventKind {
    /// Open Order: an online order was placed (or, with "3rd Order Web Hooks is Active", an
    /// order placed in the POS).
    Opened,
    /// Update Order: any change to the check.
    Updated,
    /// Close Order: the check was closed.
    Closed,
}

impl CheckEventKind {
    /// The event type name used across this crate (`order.opened`, `order.updated`,
    /// `order.closed`).
    pub const fn event_type(self) -> &'static str {
        match self {
            CheckEventKind::Opened => "order.opened",
            CheckEventKind::Updated => "order.updated",
            CheckEventKind::Closed => "order.closed",
        }
    }

    /// The kind for an event type name.
    pub fn from_event_type(name: &str) -> Option<CheckEventKind> {
        [
            CheckEventKind::Opened,
            CheckEventKind::Updated,
            CheckEventKind::Closed,
        ]
        .into_iter()
        .find(|k| k.event_type() == name)
    }
}

/// A Linga check event: the body exactly as received and its JSON value.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckEvent {
    kind: CheckEventKind,
    body: Bytes,
    json: serde_json::Value,
}

impl CheckEvent {
    /// Parses the body (strict JSON) of a check event of `kind`.
    pub fn parse(kind: CheckEventKind, body: Bytes) -> Result<CheckEvent, ParseError> {
        let json = parse_json(&body)?;
        Ok(CheckEvent { kind, body, json })
    }

    /// Which webhook sent it.
    pub fn kind(&self) -> CheckEventKind {
        self.kind
    }

    /// The body exactly as received.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The JSON value.
    pub fn json(&self) -> &serde_json::Value {
        &self.json
    }

    /// A field by JSON pointer (`/checkId`, `/items/0/price`).
    pub fn get(&self, pointer: &str) -> Option<&serde_json::Value> {
        self.json.pointer(pointer)
    }
}
