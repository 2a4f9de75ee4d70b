//! Ordergroove: the webhook envelope `{id, type, created, data: {object}, context, snapshot}`,
//! with `data.object` typed by its `type`.
//!
//! Event types are `group.action` names (`subscription.create`, `order.success`, ...).
//! Timestamps are epoch seconds, money is strings (`"0.00"`, exact [`Money`]), codes come with
//! `*_display` twins.
//!
//! ```
//! use pos_webhooks::{ordergroove::{Envelope, Object}, parse_json};
//! let e: Envelope = parse_json(br#"{"id":"m1","type":"order.success","created":1622589211,
//!     "data":{"object":{"type":"order","total":"12.50"}}}"#).unwrap();
//! assert_eq!(e.event_type.as_deref(), Some("order.success"));
//! let Some(Object::Order(order)) = e.object() else { panic!() };
//! assert_eq!(order.total.as_ref().unwrap().value().unwrap().to_string(), "12.50");
//! ```

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::{Flag, IntOrText, Money};

/// Ordergroove's event types, `group.action`.
pub mod event_type {
    use crate::EventType;

    /// `subscriber.create`.
    pub const SUBSCRIBER_CREATE: EventType = EventType::from_static("subscriber.create");
    /// `subscriber.cancel`.
    pub const SUBSCRIBER_CANCEL: EventType = EventType::from_static("subscriber.cancel");
    /// `subscription.create`.
    pub const SUBSCRIPTION_CREATE: EventType = EventType::from_static("subscription.create");
    /// `subscription.cancel`.
    pub const SUBSCRIPTION_CANCEL: EventType = EventType::from_static("subscription.cancel");
    /// `subscription.sku_swap`.
    pub const SUBSCRIPTION_SKU_SWAP: EventType = EventType::from_static("subscription.sku_swap");
    /// `subscription.reactivate`.
    pub const SUBSCRIPTION_REACTIVATE: EventType =
        EventType::from_static("subscription.reactivate");
    /// `subscription.change_frequency`.
    pub const SUBSCRIPTION_CHANGE_FREQUENCY: EventType =
        EventType::from_static("subscription.change_frequency");
    /// `subscription.change_components`.
    pub const SUBSCRIPTION_CHANGE_COMPONENTS: EventType =
        EventType::from_static("subscription.change_components");
    /// `subscription.change_quantity`.
    pub const SUBSCRIPTION_CHANGE_QUANTITY: EventType =
        EventType::from_static("subscription.change_quantity");
    /// `subscription.change_shipping_address`.
    pub const SUBSCRIPTION_CHANGE_SHIPPING_ADDRESS: EventType =
        EventType::from_static("subscription.change_shipping_address");
    /// `subscription.change_payment`.
    pub const SUBSCRIPTION_CHANGE_PAYMENT: EventType =
        EventType::from_static("subscription.change_payment");
    /// `subscription.change_live`.
    pub const SUBSCRIPTION_CHANGE_LIVE: EventType =
        EventType::from_static("subscription.change_live");
    /// `order.change_shipping_address`.
    pub const ORDER_CHANGE_SHIPPING_ADDRESS: EventType =
        EventType::from_static("order.change_shipping_address");
    /// `order.change_payment`.
    pub const ORDER_CHANGE_PAYMENT: EventType = EventType::from_static("order.change_payment");
    /// `order.change_billing`.
    pub const ORDER_CHANGE_BILLING: EventType = EventType::from_static("order.change_billing");
    /// `order.change_next_order_date`.
    pub const ORDER_CHANGE_NEXT_ORDER_DATE: EventType =
        EventType::from_static("order.change_next_order_date");
    /// `order.skip_order`.
    pub const ORDER_SKIP_ORDER: EventType = EventType::from_static("order.skip_order");
    /// `order.send_now`.
    pub const ORDER_SEND_NOW: EventType = EventType::from_static("order.send_now");
    /// `order.cancel`.
    pub const ORDER_CANCEL: EventType = EventType::from_static("order.cancel");
    /// `order.success`.
    pub const ORDER_SUCCESS: EventType = EventType::from_static("order.success");
    /// `order.generic_error`.
    pub const ORDER_GENERIC_ERROR: EventType = EventType::from_static("order.generic_error");
    /// `order.reject`.
    pub const ORDER_REJECT: EventType = EventType::from_static("order.reject");
    /// `order.reminder`.
    pub const ORDER_REMINDER: EventType = EventType::from_static("order.reminder");
    /// `order.retryable_placement_failure`.
    pub const ORDER_RETRYABLE_PLACEMENT_FAILURE: EventType =
        EventType::from_static("order.retryable_placement_failure");
    /// `order.create`.
    pub const ORDER_CREATE: EventType = EventType::from_static("order.create");
    /// `order.awaiting_retry_instructions`.
    pub const ORDER_AWAITING_RETRY_INSTRUCTIONS: EventType =
        EventType::from_static("order.awaiting_retry_instructions");
    /// `item.create`.
    pub const ITEM_CREATE: EventType = EventType::from_static("item.create");
    /// `item.change_quantity`.
    pub const ITEM_CHANGE_QUANTITY: EventType = EventType::from_static("item.change_quantity");
    /// `item.remove`.
    pub const ITEM_REMOVE: EventType = EventType::from_static("item.remove");
    /// `item.item_subscribe`.
    pub const ITEM_ITEM_SUBSCRIBE: EventType = EventType::from_static("item.item_subscribe");
    /// `item.update_price`.
    pub const ITEM_UPDATE_PRICE: EventType = EventType::from_static("item.update_price");
    /// `item.successfully_placed`.
    pub const ITEM_SUCCESSFULLY_PLACED: EventType =
        EventType::from_static("item.successfully_placed");

    /// Every event type Ordergroove documents.
    pub const ALL: [EventType; 32] = [
        SUBSCRIBER_CREATE,
        SUBSCRIBER_CANCEL,
        SUBSCRIPTION_CREATE,
        SUBSCRIPTION_CANCEL,
        SUBSCRIPTION_SKU_SWAP,
        SUBSCRIPTION_REACTIVATE,
        SUBSCRIPTION_CHANGE_FREQUENCY,
        SUBSCRIPTION_CHANGE_COMPONENTS,
        SUBSCRIPTION_CHANGE_QUANTITY,
        SUBSCRIPTION_CHANGE_SHIPPING_ADDRESS,
        SUBSCRIPTION_CHANGE_PAYMENT,
        SUBSCRIPTION_CHANGE_LIVE,
        ORDER_CHANGE_SHIPPING_ADDRESS,
        ORDER_CHANGE_PAYMENT,
        ORDER_CHANGE_BILLING,
        ORDER_CHANGE_NEXT_ORDER_DATE,
        ORDER_SKIP_ORDER,
        ORDER_SEND_NOW,
        ORDER_CANCEL,
        ORDER_SUCCESS,
        ORDER_GENERIC_ERROR,
        ORDER_REJECT,
        ORDER_REMINDER,
        ORDER_RETRYABLE_PLACEMENT_FAILURE,
        ORDER_CREATE,
        ORDER_AWAITING_RETRY_INSTRUCTIONS,
        ITEM_CREATE,
        ITEM_CHANGE_QUANTITY,
        ITEM_REMOVE,
        ITEM_ITEM_SUBSCRIBE,
        ITEM_UPDATE_PRICE,
        ITEM_SUCCESSFULLY_PLACED,
    ];
}

json_object! {
    /// An Ordergroove webhook body.
    pub struct Envelope {
        /// The event id (unique per event: use it to de-duplicate).
        required "id" => id: String,
        /// The event type, `group.action` (`order.success`).
        required "type" => event_type: String,
        /// When the event happened, epoch seconds.
        "created" => created: i64,
        /// The object the event is about.
        "data" => data: Data,
        /// Context of the event, as sent.
        "context" => context: serde_json::Value,
        /// The extended payload (customer, orders, items, ...), as sent.
        "snapshot" => snapshot: serde_json::Value,
    }
}

impl Envelope {
    /// The typed object (`data.object`).
    pub fn object(&self) -> Option<&Object> {
        self.data.as_ref()?.object.as_ref()
    }

    /// The group of the event type (`order` in `order.success`).
    pub fn group(&self) -> Option<&str> {
        self.event_type.as_deref()?.split_once('.').map(|(g, _)| g)
    }
}

json_object! {
    /// The envelope's `data`.
    pub struct Data {
        /// The object, typed by its `type`.
        "object" => object: Object,
    }
}

/// `data.object`, typed by its `type` field; an unknown type is kept as JSON.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Object {
    /// `"type": "subscriber"`.
    Subscriber(Box<Subscriber>),
    /// `"type": "subscription"`.
    Subscription(Box<Subscription>),
    /// `"type": "order"`.
    Order(Box<Order>),
    /// `"type": "item"`.
    Item(Box<Item>),
    /// Any other type, as received.
    Other(serde_json::Value),
}

#[derive(Deserialize)]
struct TypeOnly {
    #[serde(rename = "type")]
    kind: Option<String>,
}

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Object, D::Error> {
        let raw = <Box<RawValue>>::deserialize(deserializer)?;
        let text = raw.get();
        let peek: TypeOnly = serde_json::from_str(text).map_err(de::Error::custom)?;
        let typed = |kind: &str| -> Result<Object, serde_json::Error> {
            Ok(match kind {
                "subscriber" => Object::Subscriber(Box::new(serde_json::from_str(text)?)),
                "subscription" => Object::Subscription(Box::new(serde_json::from_str(text)?)),
                "order" => Object::Order(Box::new(serde_json::from_str(text)?)),
                "item" => Object::Item(Box::new(serde_json::from_str(text)?)),
                _ => Object::Other(serde_json::from_str(text)?),
            })
        };
        typed(peek.kind.as_deref().unwrap_or_default())
            .map_err(|e| de::Error::custom(format_args!("object of type {:?}: {e}", peek.kind)))
    }
}

impl Serialize for Object {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Object::Subscriber(o) => o.serialize(serializer),
            Object::Subscription(o) => o.serialize(serializer),
            Object::Order(o) => o.serialize(serializer),
            Object::Item(o) => o.serialize(serializer),
            Object::Other(v) => v.serialize(serializer),
        }
    }
}

json_object! {
    /// A subscriber (customer) object.
    pub struct Subscriber {
        /// `subscriber`.
        "type" => kind: String,
        /// Merchant public id.
        "merchant" => merchant: String,
        /// The merchant's id for the customer.
        "merchant_user_id" => merchant_user_id: String,
        /// A subscription of the subscriber.
        "subscription" => subscription: String,
        /// Session id.
        "session_id" => session_id: String,
        /// First name.
        "first_name" => first_name: String,
        /// Last name.
        "last_name" => last_name: String,
        /// Email.
        "email" => email: String,
        /// Phone number.
        "phone_number" => phone_number: String,
        /// Phone type code.
        "phone_type" => phone_type: i64,
        /// Phone type, readable.
        "phone_type_display" => phone_type_display: String,
        /// Whether the subscriber is active.
        "live" => live: Flag,
        /// Created, epoch seconds.
        "created" => created: IntOrText,
        /// Last updated, epoch seconds.
        "last_updated" => last_updated: IntOrText,
        /// Merchant data.
        "extra_data" => extra_data: serde_json::Value,
        /// Locale code.
        "locale" => locale: i64,
        /// Locale, readable.
        "locale_display" => locale_display: String,
    }
}

json_object! {
    /// A subscription object.
    pub struct Subscription {
        /// `subscription`.
        "type" => kind: String,
        /// Merchant public id.
        "merchant" => merchant: String,
        /// Public id.
        "public_id" => public_id: String,
        /// Customer (merchant user id).
        "customer" => customer: String,
        /// Product (SKU).
        "product" => product: String,
        /// Components of a bundle.
        "components" => components: Vec<serde_json::Value>,
        /// Merchant data.
        "extra_data" => extra_data: serde_json::Value,
        /// Quantity.
        "quantity" => quantity: i64,
        /// Price override, exact.
        "price" => price: Money,
        /// Frequency in days.
        "frequency_days" => frequency_days: i64,
        /// Reminder days before the order.
        "reminder_days" => reminder_days: i64,
        /// Every N periods.
        "every" => every: i64,
        /// Period code.
        "every_period" => every_period: i64,
        /// Period, readable.
        "every_period_display" => every_period_display: String,
        /// Cancelled, epoch seconds.
        "cancelled" => cancelled: IntOrText,
        /// Why it was cancelled.
        "cancel_reason" => cancel_reason: String,
        /// Cancel reason code.
        "cancel_reason_code" => cancel_reason_code: serde_json::Value,
        /// Session id.
        "session_id" => session_id: String,
        /// The merchant's order id.
        "merchant_order_id" => merchant_order_id: String,
        /// Whether it is active.
        "live" => live: Flag,
        /// External id.
        "external_id" => external_id: serde_json::Value,
        /// Created, epoch seconds.
        "created" => created: IntOrText,
        /// Start date, `YYYY-MM-DD`.
        "start_date" => start_date: String,
        /// Offer public id.
        "offer" => offer: String,
        /// Payment public id.
        "payment" => payment: String,
        /// Shipping address public id.
        "shipping_address" => shipping_address: String,
        /// Updated, epoch seconds.
        "updated" => updated: IntOrText,
    }
}

json_object! {
    /// An order object.
    pub struct Order {
        /// `order`.
        "type" => kind: String,
        /// Merchant public id.
        "merchant" => merchant: String,
        /// Public id.
        "public_id" => public_id: String,
        /// Customer (merchant user id).
        "customer" => customer: String,
        /// Payment public id.
        "payment" => payment: String,
        /// Shipping address public id.
        "shipping_address" => shipping_address: String,
        /// Discount total, exact.
        "discount_total" => discount_total: Money,
        /// Shipping total, exact.
        "shipping_total" => shipping_total: Money,
        /// Subtotal, exact.
        "sub_total" => sub_total: Money,
        /// Tax total, exact.
        "tax_total" => tax_total: Money,
        /// Total, exact.
        "total" => total: Money,
        /// Merchant data.
        "extra_data" => extra_data: serde_json::Value,
        /// Count of generic errors.
        "generic_error_count" => generic_error_count: i64,
        /// The merchant's order id.
        "order_merchant_id" => order_merchant_id: String,
        /// Place date, `YYYY-MM-DD`.
        "place" => place: String,
        /// Rejection message.
        "rejected_message" => rejected_message: String,
        /// Status code.
        "status" => status: i64,
        /// Status, readable.
        "status_display" => status_display: String,
        /// Placement tries.
        "tries" => tries: i64,
        /// Cancelled, epoch seconds.
        "cancelled" => cancelled: IntOrText,
        /// Created, epoch seconds.
        "created" => created: IntOrText,
    }
}

json_object! {
    /// An item object.
    pub struct Item {
        /// `item`.
        "type" => kind: String,
        /// Merchant public id.
        "merchant" => merchant: String,
        /// Public id.
        "public_id" => public_id: String,
        /// Customer (merchant user id).
        "customer" => customer: String,
        /// Product (SKU).
        "product" => product: String,
        /// Order public id.
        "order" => order: String,
        /// Subscription public id.
        "subscription" => subscription: String,
    }
}

/// An Ordergroove webhook route: a target, the event types it subscribes to (a pattern such
/// as `subscription.*|order.success`), its verification key and its enabled state.
///
/// ```
/// use pos_webhooks::ordergroove::Route;
/// let route = Route {
///     target: "https://partner.example/og".into(),
///     pattern: "subscription.*|order.success".into(),
///     verification_key: "key".into(),
///     enabled: true,
/// };
/// let endpoint = route.endpoint().unwrap();
/// assert!(endpoint.wants("subscription.cancel", None));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// The webhook target.
    pub target: String,
    /// The subscribed event types.
    pub pattern: String,
    /// The verification key (signs `Ordergroove-Signature`).
    pub verification_key: crate::SecretString,
    /// Enabled or disabled.
    pub enabled: bool,
}

/// Why a preset could not become an endpoint.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PresetError {
    /// The pattern was refused.
    #[error("pattern: {0}")]
    Filter(#[from] crate::FilterError),
    /// The endpoint was refused.
    #[error("endpoint: {0}")]
    Endpoint(#[from] crate::EndpointError),
}

impl Route {
    /// The endpoint: signed with the verification key, filtered by the pattern.
    pub fn endpoint(&self) -> Result<crate::Endpoint, PresetError> {
        Ok(crate::Endpoint::builder(&self.target)
            .vendor(crate::Vendor::Ordergroove)
            .auth(crate::Auth::Signature {
                scheme: crate::Scheme::Ordergroove,
                secrets: vec![self.verification_key.clone()],
            })
            .filter(self.pattern.parse()?)
            .enabled(self.enabled)
            .build()?)
    }
}
