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
