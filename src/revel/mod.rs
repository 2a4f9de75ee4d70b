//! Revel Systems: payloads, event types and headers.
//!
//! Revel sends no envelope: the event type is in the `X-Revel-Event-Type` header (and in which
//! URL was called). [`RevelEvent::parse`] picks the model from it. Money is exact ([`Money`](crate::Money)),
//! dates are [`RevelDateTime`], references such as `/resources/Order/417/` stay strings
//! ([`Reference`], with [`Reference::id`]).
//!
//! ```
//! use pos_webhooks::revel::RevelEvent;
//! let event = RevelEvent::parse("inout.stock", br#"{"barcode":"100001009367","id":622335,"instock":false,"type":"product"}"#).unwrap();
//! let RevelEvent::InOutStock(item) = event else { panic!() };
//! assert_eq!(item.id, Some(622335));
//! assert_eq!(item.instock.map(|f| f.get()), Some(false));
//! ```

mod customer;
mod datetime;
mod order;
mod rewards;

use core::fmt;

use serde::{Deserialize, Serialize};

pub use customer::{Customer, CustomerAddress};
pub use datetime::{DateTimeError, RevelDateTime};
pub use order::{
    AppliedTax, ModifierItem, OrderAllInOne, OrderHistory, OrderInfo, OrderItem, Payment,
};
pub use rewards::{AdvancedRewardsInfo, GiftRewardData, RewardPoints, RewardsCard};

use crate::{Flag, ParseError, parse_json};

/// Revel's event types (`X-Revel-Event-Type` values).
pub mod event_type {
    use crate::EventType;

    /// An order was completed: [`OrderAllInOne`](super::OrderAllInOne).
    pub const ORDER_FINALIZED: EventType = EventType::from_static("order.finalized");
    /// A customer was created: [`Customer`](super::Customer).
    pub const CUSTOMER_CREATED: EventType = EventType::from_static("customer.created");
    /// A customer was updated: [`Customer`](super::Customer).
    pub const CUSTOMER_UPDATED: EventType = EventType::from_static("customer.updated");
    /// A rewards card was created: [`RewardsCard`](super::RewardsCard).
    pub const REWARDCARD_CREATED: EventType = EventType::from_static("rewardcard.created");
    /// An item's availability changed: [`ItemAvailability`](super::ItemAvailability).
    pub const INOUT_STOCK: EventType = EventType::from_static("inout.stock");
    /// The menu changed: [`MenuChanged`](super::MenuChanged).
    pub const MENU_UPDATED: EventType = EventType::from_static("menu.updated");
    /// The readiness test: [`Ping`](super::Ping).
    pub const PING: EventType = EventType::from_static("ping");
    /// Newer: a timesheet entry was created (kept as JSON).
    pub const TIMESHEET_CREATED: EventType = EventType::from_static("timesheet.created");
    /// Newer: a timesheet entry was updated (kept as JSON).
    pub const TIMESHEET_UPDATED: EventType = EventType::from_static("timesheet.updated");
    /// Newer: a timesheet entry was deleted (kept as JSON).
    pub const TIMESHEET_DELETED: EventType = EventType::from_static("timesheet.deleted");
    /// Newer: an app integration changed (kept as JSON).
    pub const APP_INTEGRATION_CHANGED: EventType =
        EventType::from_static("app.integration.changed");

    /// Every Revel event type this crate knows.
    pub const ALL: [EventType; 11] = [
        ORDER_FINALIZED,
        CUSTOMER_CREATED,
        CUSTOMER_UPDATED,
        REWARDCARD_CREATED,
        INOUT_STOCK,
        MENU_UPDATED,
        PING,
        TIMESHEET_CREATED,
        TIMESHEET_UPDATED,
        TIMESHEET_DELETED,
        APP_INTEGRATION_CHANGED,
    ];
}

/// A Revel reference, such as `/resources/Order/417/` or `/enterprise/Establishment/1/`: kept as
/// the string it came as.
///
/// ```
/// use pos_webhooks::revel::Reference;
/// let r = Reference::from("/resources/Order/417/");
/// assert_eq!(r.id(), Some(417));
/// assert_eq!(r.resource(), Some("Order"));
/// assert_eq!(Reference::from("not a ref").id(), None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Reference(pub String);

impl Reference {
    /// The reference as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn segments(&self) -> impl DoubleEndedIterator<Item = &str> {
        self.0.split('/').filter(|s| !s.is_empty())
    }

    /// The numeric id at the end (`417` in `/resources/Order/417/`).
    pub fn id(&self) -> Option<u64> {
        self.segments().next_back()?.parse().ok()
    }

    /// The resource name before the id (`Order` in `/resources/Order/417/`).
    pub fn resource(&self) -> Option<&str> {
        let mut rev = self.segments().rev();
        rev.next()?.parse::<u64>().ok()?;
        rev.next()
    }
}

impl From<&str> for Reference {
    fn from(s: &str) -> Reference {
        Reference(s.to_owned())
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `orderInfo.gift_reward_data`: JSON inside a string, kept as the string it came as (it may
/// carry customer personal data; decode it only when needed).
///
/// ```
/// use pos_webhooks::revel::GiftRewardDataText;
/// let text = GiftRewardDataText(r#"{"id":15,"total_points":126}"#.into());
/// assert_eq!(text.decode().unwrap().total_points.as_ref().unwrap().value().unwrap().to_string(), "126");
/// let python = GiftRewardDataText("{'id': 15}".into());
/// assert!(python.decode().unwrap_err().to_string().contains("single quotes"));
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GiftRewardDataText(pub String);

impl fmt::Debug for GiftRewardDataText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // May hold personal data: show only its size.
        write!(f, "GiftRewardDataText({} bytes)", self.0.len())
    }
}

impl GiftRewardDataText {
    /// Decodes the string into a [`GiftRewardData`]. Python-style text (single quotes, as some
    /// Revel versions send) and invalid JSON are clear errors; an empty string is `Ok(None)`.
    pub fn decode(&self) -> Result<GiftRewardData, ParseError> {
        let text = self.0.trim();
        if text.starts_with("{'") || text.starts_with("[{'") || text.contains(": '") {
            return Err(ParseError::data(
                "gift_reward_data",
                "python-style text (single quotes) is not JSON",
            ));
        }
        parse_json(text.as_bytes())
    }
}

/// The type of an item whose availability changed: `product`, `modifier`, or another value
/// kept as received.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ItemType {
    /// A product.
    Product,
    /// A modifier.
    Modifier,
    /// Any other value, kept.
    Other(String),
}

impl ItemType {
    /// The value as sent.
    pub fn as_str(&self) -> &str {
        match self {
            ItemType::Product => "product",
            ItemType::Modifier => "modifier",
            ItemType::Other(s) => s,
        }
    }
}

impl From<&str> for ItemType {
    fn from(s: &str) -> ItemType {
        match s {
            "product" => ItemType::Product,
            "modifier" => ItemType::Modifier,
            other => ItemType::Other(other.to_owned()),
        }
    }
}

impl Serialize for ItemType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ItemType {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<ItemType, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Ok(ItemType::from(s.as_ref()))
    }
}

json_object! {
    /// An item's availability changed (`inout.stock`): one message per item. The headers say
    /// more: see [`ItemAvailabilityHeaders`].
    pub struct ItemAvailability {
        /// Barcode, populated from the POS message.
        "barcode" => barcode: String,
        /// Id of the product or modifier.
        required "id" => id: i64,
        /// Whether it is in stock.
        required "instock" => instock: Flag,
        /// Product, modifier, or another value kept as received.
        required "type" => kind: ItemType,
    }
}

/// The headers that come with an `inout.stock` message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemAvailabilityHeaders {
    /// `X-Revel-Instance`: the customer instance name.
    pub instance: Option<String>,
    /// `X-Revel-Event-Type`: `inout.stock`.
    pub event_type: Option<String>,
    /// `X-Revel-Establishment-Id`: the establishment.
    pub establishment_id: Option<i64>,
}

impl ItemAvailabilityHeaders {
    /// Reads the three headers from any header source. A header that is not UTF-8 (header
    /// bytes are never replaced with U+FFFD) or a non-integer establishment id is an error
    /// naming the header; surrounding spaces are trimmed.
    ///
    /// ```
    /// use pos_webhooks::revel::ItemAvailabilityHeaders;
    /// let h = ItemAvailabilityHeaders::from_headers(&[
    ///     ("X-Revel-Instance", "revelcustomer"),
    ///     ("X-Revel-Event-Type", "inout.stock"),
    ///     ("X-Revel-Establishment-Id", "12"),
    /// ]).unwrap();
    /// assert_eq!(h.establishment_id, Some(12));
    /// let bad: &[(&str, &[u8])] = &[("X-Revel-Instance", b"caf\xe9")];
    /// let err = ItemAvailabilityHeaders::from_headers(bad).unwrap_err();
    /// assert_eq!(err.path(), "X-Revel-Instance");
    /// ```
    pub fn from_headers<H: crate::HeaderSource + ?Sized>(
        headers: &H,
    ) -> Result<ItemAvailabilityHeaders, ParseError> {
        let text = |name: &str, display: &str| -> Result<Option<String>, ParseError> {
            headers
                .header(name)
                .map(|v| {
                    core::str::from_utf8(v)
                        .map(|s| s.trim().to_owned())
                        .map_err(|_| ParseError::data(display, "not valid UTF-8"))
                })
                .transpose()
        };
        let establishment_id = match text("x-revel-establishment-id", "X-Revel-Establishment-Id")? {
            None => None,
            Some(v) => Some(
                v.parse()
                    .map_err(|_| ParseError::data("X-Revel-Establishment-Id", "not an integer"))?,
            ),
        };
        Ok(ItemAvailabilityHeaders {
            instance: text("x-revel-instance", "X-Revel-Instance")?,
            event_type: text("x-revel-event-type", "X-Revel-Event-Type")?,
            establishment_id,
        })
    }
}

json_object! {
    /// The menu changed (`menu.updated`): `{"event":"menu.updated"}`.
    pub struct MenuChanged {
        /// Always `menu.updated`.
        "event" => event: String,
    }
}

json_object! {
    /// Revel's readiness test (`ping`): `{"ping": "pong"}`.
    pub struct Ping {
        /// Always `pong`.
        "ping" => ping: String,
    }
}

/// A Revel webhook, typed by its `X-Revel-Event-Type`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum RevelEvent {
    /// `order.finalized`.
    OrderFinalized(Box<OrderAllInOne>),
    /// `customer.created`.
    CustomerCreated(Box<Customer>),
    /// `customer.updated`.
    CustomerUpdated(Box<Customer>),
    /// `rewardcard.created`.
    RewardCardCreated(Box<RewardsCard>),
    /// `inout.stock`.
    InOutStock(ItemAvailability),
    /// `menu.updated`.
    MenuUpdated(MenuChanged),
    /// `ping`.
    Ping(Ping),
    /// Any other event type (`timesheet.created`, ...): its name and the JSON as received.
    Other {
        /// The event type header value.
        event_type: String,
        /// The body, exactly as received.
        body: crate::JsonValue,
    },
}

impl RevelEvent {
    /// Parses `body` into the model `event_type` (the `X-Revel-Event-Type` value) names.
    pub fn parse(event_type: &str, body: &[u8]) -> Result<RevelEvent, ParseError> {
        Ok(match event_type.trim() {
            "order.finalized" => RevelEvent::OrderFinalized(Box::new(parse_json(body)?)),
            "customer.created" => RevelEvent::CustomerCreated(Box::new(parse_json(body)?)),
            "customer.updated" => RevelEvent::CustomerUpdated(Box::new(parse_json(body)?)),
            "rewardcard.created" => RevelEvent::RewardCardCreated(Box::new(parse_json(body)?)),
            "inout.stock" => RevelEvent::InOutStock(parse_json(body)?),
            "menu.updated" => RevelEvent::MenuUpdated(parse_json(body)?),
            "ping" => RevelEvent::Ping(parse_json(body)?),
            other => RevelEvent::Other {
                event_type: other.to_owned(),
                body: parse_json(body)?,
            },
        })
    }

    /// The event type this event was parsed as.
    pub fn event_type(&self) -> &str {
        match self {
            RevelEvent::OrderFinalized(_) => "order.finalized",
            RevelEvent::CustomerCreated(_) => "customer.created",
            RevelEvent::CustomerUpdated(_) => "customer.updated",
            RevelEvent::RewardCardCreated(_) => "rewardcard.created",
            RevelEvent::InOutStock(_) => "inout.stock",
            RevelEvent::MenuUpdated(_) => "menu.updated",
            RevelEvent::Ping(_) => "ping",
            RevelEvent::Other { event_type, .. } => event_type,
        }
    }

    /// The payload re-serialized from the typed model, exactly (untyped values and unknown
    /// fields as received).
    pub fn to_json(&self) -> Result<crate::JsonValue, serde_json::Error> {
        use serde_json::value::to_raw_value;
        let raw = match self {
            RevelEvent::OrderFinalized(m) => to_raw_value(m),
            RevelEvent::CustomerCreated(m) | RevelEvent::CustomerUpdated(m) => to_raw_value(m),
            RevelEvent::RewardCardCreated(m) => to_raw_value(m),
            RevelEvent::InOutStock(m) => to_raw_value(m),
            RevelEvent::MenuUpdated(m) => to_raw_value(m),
            RevelEvent::Ping(m) => to_raw_value(m),
            RevelEvent::Other { body, .. } => return Ok(body.clone()),
        }?;
        Ok(crate::JsonValue::from_raw(raw))
    }
}

/// Revel webhook settings: the instance, the shared secret and one https URL per event type.
///
/// ```
/// use pos_webhooks::revel::{WebhookSettings, event_type};
/// let settings = WebhookSettings {
///     instance: "revelcustomer".into(),
///     secret: "shared".into(),
///     urls: [
///         (event_type::ORDER_FINALIZED, "https://partner.example/revel/orders/".to_owned()),
///         (event_type::INOUT_STOCK, "https://partner.example/revel/stock".to_owned()),
///     ].into_iter().collect(),
/// };
/// let endpoints = settings.endpoints().unwrap();
/// assert_eq!(endpoints.len(), 2);
/// assert!(endpoints.iter().any(|e| e.wants("inout.stock", Some("12"))));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookSettings {
    /// The customer instance (`X-Revel-Instance`).
    pub instance: String,
    /// The shared secret (`X-Revel-Signature`).
    pub secret: crate::SecretString,
    /// One URL per event type.
    pub urls: std::collections::BTreeMap<crate::EventType, String>,
}

impl WebhookSettings {
    /// One endpoint per event type, each receiving only that type, signed with the secret.
    pub fn endpoints(&self) -> Result<Vec<crate::Endpoint>, crate::EndpointError> {
        self.urls
            .iter()
            .map(|(event_type, url)| {
                crate::Endpoint::builder(url)
                    .vendor(crate::Vendor::Revel {
                        instance: self.instance.clone(),
                    })
                    .auth(crate::Auth::Signature {
                        scheme: crate::Scheme::Revel,
                        secrets: vec![self.secret.clone()],
                    })
                    .filter(crate::EventFilter::from(event_type))
                    .build()
            })
            .collect()
    }
}
