//! Linga POS Back Office: open, update and close check events.
//!
//! Linga publishes no check JSON, so this crate invents no schema: a [`CheckEvent`] is the
//! verified bytes plus its JSON value kept exactly ([`JsonValue`](crate::JsonValue)), enough to
//! route, filter and read fields.
//! Authenticity is a static token in a partner-chosen header ([`Scheme::Linga`](crate::Scheme)).
//!
//! ```
//! use pos_webhooks::linga::{CheckEvent, CheckEventKind};
//! let e = CheckEvent::parse(CheckEventKind::Closed, br#"{"checkId":"42","total":12.5}"#.to_vec().into()).unwrap();
//! assert_eq!(e.get("/checkId").unwrap().parse::<String>().unwrap(), "42");
//! assert_eq!(e.get("/total").unwrap().as_str(), "12.5");
//! assert_eq!(e.kind().event_type(), "order.closed");
//! ```

use bytes::Bytes;

use crate::{ParseError, parse_json};

/// Linga's event types.
pub mod event_type {
    use crate::EventType;

    /// Open Order: an online (OLO) order was placed.
    pub const ORDER_OPENED: EventType = EventType::from_static("order.opened");
    /// An order was placed in the POS itself; sent to the Open URL only when "3rd Order Web
    /// Hooks is Active".
    pub const ORDER_OPENED_IN_POS: EventType = EventType::from_static("order.opened_in_pos");
    /// Update Order: any change to the check.
    pub const ORDER_UPDATED: EventType = EventType::from_static("order.updated");
    /// Close Order: the check was closed.
    pub const ORDER_CLOSED: EventType = EventType::from_static("order.closed");
}

/// Which of Linga's three webhooks sent the check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CheckEventKind {
    /// Open Order: an online order was placed (or, with "3rd Order Web Hooks is Active", an
    /// order placed in the POS).
    Opened,
    /// An order placed in the POS, sent to the Open URL when "3rd Order Web Hooks is Active".
    OpenedInPos,
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
            CheckEventKind::OpenedInPos => "order.opened_in_pos",
            CheckEventKind::Updated => "order.updated",
            CheckEventKind::Closed => "order.closed",
        }
    }

    /// The kind for an event type name.
    pub fn from_event_type(name: &str) -> Option<CheckEventKind> {
        [
            CheckEventKind::Opened,
            CheckEventKind::OpenedInPos,
            CheckEventKind::Updated,
            CheckEventKind::Closed,
        ]
        .into_iter()
        .find(|k| k.event_type() == name)
    }
}

/// A Linga check event: the body exactly as received and its JSON value (kept exactly; duplicate
/// keys are an error).
#[derive(Clone, Debug, PartialEq)]
pub struct CheckEvent {
    kind: CheckEventKind,
    body: Bytes,
    json: crate::JsonValue,
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

    /// The JSON value, exactly as received.
    pub fn json(&self) -> &crate::JsonValue {
        &self.json
    }

    /// A field by JSON pointer (`/checkId`, `/items/0/price`), exactly as received.
    pub fn get(&self, pointer: &str) -> Option<crate::JsonValue> {
        self.json.pointer(pointer)
    }
}

/// Linga Back Office "Web Hooks" settings, as the Back Office page shows them.
///
/// ```
/// use pos_webhooks::linga::{BackOfficeSettings, event_type};
/// let settings = BackOfficeSettings {
///     api_key: "X-Partner-Key".into(),
///     value: "token-from-partner".into(),
///     open_url: "https://partner.example/open".into(),
///     open_enabled: true,
///     update_url: "https://partner.example/update".into(),
///     update_enabled: false,
///     close_url: "https://partner.example/close".into(),
///     close_enabled: true,
///     third_party_orders_active: true,
/// };
/// let [open, update, close] = settings.endpoints().unwrap();
/// assert!(open.wants(event_type::ORDER_OPENED.as_str(), None));
/// assert!(open.wants(event_type::ORDER_OPENED_IN_POS.as_str(), None));
/// assert!(!update.is_enabled());
/// assert!(close.wants(event_type::ORDER_CLOSED.as_str(), None));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BackOfficeSettings {
    /// "Request Header – API Key": the header name the partner chose.
    pub api_key: String,
    /// "Request Header – Value": the value the partner chose.
    pub value: crate::SecretString,
    /// "Open Order Web Hooks" URL.
    pub open_url: String,
    /// "Open Order Web Hooks" toggle.
    pub open_enabled: bool,
    /// "Update Order Web Hooks" URL.
    pub update_url: String,
    /// "Update Order Web Hooks" toggle.
    pub update_enabled: bool,
    /// "Close Order Web Hooks" URL.
    pub close_url: String,
    /// "Close Order Web Hooks" toggle.
    pub close_enabled: bool,
    /// "3rd Order Web Hooks is Active": also send orders placed in the POS to the Open URL.
    pub third_party_orders_active: bool,
}

impl BackOfficeSettings {
    /// The three endpoints: Open, Update, Close, each with the request header.
    ///
    /// A disabled toggle gives a disabled endpoint (nothing is sent, even with a URL). The Open
    /// endpoint takes `order.opened` when its toggle is on and `order.opened_in_pos` when "3rd
    /// Order Web Hooks is Active" is on; it is enabled when either is.
    pub fn endpoints(&self) -> Result<[crate::Endpoint; 3], crate::EndpointError> {
        let endpoint = |url: &str, enabled: bool, filter: crate::EventFilter| {
            crate::Endpoint::builder(url)
                .vendor(crate::Vendor::Linga)
                .auth(crate::Auth::StaticHeader {
                    name: self.api_key.clone(),
                    value: self.value.clone(),
                })
                .filter(filter)
                .enabled(enabled)
                .build()
        };
        let mut open_types = Vec::new();
        if self.open_enabled {
            open_types.push(event_type::ORDER_OPENED);
        }
        if self.third_party_orders_active {
            open_types.push(event_type::ORDER_OPENED_IN_POS);
        }
        let open_filter = crate::EventFilter::from_names(&open_types)
            .unwrap_or_else(|_| crate::EventFilter::none());
        let only = |t: &crate::EventType| crate::EventFilter::from(t);
        Ok([
            endpoint(
                &self.open_url,
                self.open_enabled || self.third_party_orders_active,
                open_filter,
            )?,
            endpoint(
                &self.update_url,
                self.update_enabled,
                only(&event_type::ORDER_UPDATED),
            )?,
            endpoint(
                &self.close_url,
                self.close_enabled,
                only(&event_type::ORDER_CLOSED),
            )?,
        ])
    }
}
