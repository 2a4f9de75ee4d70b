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
    /// `order.delete`: the order was deleted (its totals are a snapshot from then).
    pub const ORDER_DELETE: EventType = EventType::from_static("order.delete");
    /// `order.refresh_one_click_token`: the previous 1-Click token was used.
    pub const ORDER_REFRESH_ONE_CLICK_TOKEN: EventType =
        EventType::from_static("order.refresh_one_click_token");
    /// `subscription.refresh_one_click_token`.
    pub const SUBSCRIPTION_REFRESH_ONE_CLICK_TOKEN: EventType =
        EventType::from_static("subscription.refresh_one_click_token");
    /// `subscriber.subscriptions_created`.
    pub const SUBSCRIBER_SUBSCRIPTIONS_CREATED: EventType =
        EventType::from_static("subscriber.subscriptions_created");
    /// `item.change_order`.
    pub const ITEM_CHANGE_ORDER: EventType = EventType::from_static("item.change_order");
    /// `item.out_of_stock`.
    pub const ITEM_OUT_OF_STOCK: EventType = EventType::from_static("item.out_of_stock");
    /// `workflow.send_communication` (object type `workflow`).
    pub const WORKFLOW_SEND_COMMUNICATION: EventType =
        EventType::from_static("workflow.send_communication");
    /// `entitlement.entitlements_granted` (object type `entitlement`). The `entitlement.*`
    /// family: match it with the pattern `entitlement.*`.
    pub const ENTITLEMENT_ENTITLEMENTS_GRANTED: EventType =
        EventType::from_static("entitlement.entitlements_granted");

    /// Every event type Ordergroove documents.
    pub const ALL: [EventType; 40] = [
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
        ORDER_DELETE,
        ORDER_REFRESH_ONE_CLICK_TOKEN,
        SUBSCRIPTION_REFRESH_ONE_CLICK_TOKEN,
        SUBSCRIBER_SUBSCRIPTIONS_CREATED,
        ITEM_CHANGE_ORDER,
        ITEM_OUT_OF_STOCK,
        WORKFLOW_SEND_COMMUNICATION,
        ENTITLEMENT_ENTITLEMENTS_GRANTED,
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
        "context" => context: crate::JsonValue,
        /// The extended payload (customer, orders, items, ...), as sent.
        "snapshot" => snapshot: crate::JsonValue,
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
        /// Context of the event, when sent inside `data`, as received.
        "context" => context: crate::JsonValue,
        /// The extended payload, when sent inside `data`, as received.
        "snapshot" => snapshot: crate::JsonValue,
    }
}

/// `data.object`, typed by its `type` field, matched without regard to case (the docs' tables
/// write `"Order"`, their examples `"order"`); the model keeps the text received. An unknown
/// type is kept as JSON, exactly.
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
    /// `"type": "workflow"`.
    Workflow(Box<Workflow>),
    /// `"type": "entitlement"`.
    Entitlement(Box<Entitlement>),
    /// Any other type, as received.
    Other(crate::JsonValue),
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
            let is = |name: &str| kind.eq_ignore_ascii_case(name);
            Ok(if is("subscriber") {
                Object::Subscriber(Box::new(serde_json::from_str(text)?))
            } else if is("subscription") {
                Object::Subscription(Box::new(serde_json::from_str(text)?))
            } else if is("order") {
                Object::Order(Box::new(serde_json::from_str(text)?))
            } else if is("item") {
                Object::Item(Box::new(serde_json::from_str(text)?))
            } else if is("workflow") {
                Object::Workflow(Box::new(serde_json::from_str(text)?))
            } else if is("entitlement") {
                Object::Entitlement(Box::new(serde_json::from_str(text)?))
            } else {
                Object::Other(serde_json::from_str(text)?)
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
            Object::Workflow(o) => o.serialize(serializer),
            Object::Entitlement(o) => o.serialize(serializer),
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
        "extra_data" => extra_data: crate::JsonValue,
        /// Locale code.
        "locale" => locale: i64,
        /// Locale, readable.
        "locale_display" => locale_display: String,
        /// The subscriber's subscriptions (on `subscriber.subscriptions_created`), as received;
        /// read one with [`JsonValue::parse`](crate::JsonValue::parse) into a [`Subscription`].
        "subscriptions" => subscriptions: Vec<crate::JsonValue>,
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
        "components" => components: Vec<crate::JsonValue>,
        /// Merchant data.
        "extra_data" => extra_data: crate::JsonValue,
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
        "cancel_reason_code" => cancel_reason_code: crate::JsonValue,
        /// Session id.
        "session_id" => session_id: String,
        /// The merchant's order id.
        "merchant_order_id" => merchant_order_id: String,
        /// Whether it is active.
        "live" => live: Flag,
        /// External id.
        "external_id" => external_id: crate::JsonValue,
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
        /// Prepaid information (only when prepaid is enabled): an object holding floats such
        /// as `"last_renewal_revenue": 100.8`, kept exactly; see [`PrepaidContext`].
        "prepaid_subscription_context" => prepaid_subscription_context: PrepaidContext,
        /// 1-Click action token.
        "one_click_token" => one_click_token: String,
    }
}

json_object! {
    /// A subscription's `prepaid_subscription_context`.
    pub struct PrepaidContext {
        /// Prepaid orders left.
        "prepaid_orders_remaining" => prepaid_orders_remaining: i64,
        /// Orders per billing.
        "prepaid_orders_per_billing" => prepaid_orders_per_billing: i64,
        /// What happens at the end (`autorenew`).
        "renewal_behavior" => renewal_behavior: String,
        /// Revenue of the last renewal, exact (the docs show the float `100.8`).
        "last_renewal_revenue" => last_renewal_revenue: Money,
        /// The merchant's order id that started the prepaid run (`#3082`).
        "prepaid_origin_merchant_order_id" => prepaid_origin_merchant_order_id: String,
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
        "extra_data" => extra_data: crate::JsonValue,
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
        /// 1-Click action token (on `order.reminder` and `order.refresh_one_click_token`).
        "one_click_token" => one_click_token: String,
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
        /// Quantity.
        "quantity" => quantity: i64,
        /// Unit price, exact (a money string).
        "price" => price: Money,
        /// Total price, exact (a money string).
        "total_price" => total_price: Money,
        /// Offer public id.
        "offer" => offer: String,
        /// When the item was first placed (`"2021-04-06 10:00:00"`), as sent.
        "first_placed" => first_placed: String,
        /// Components of a bundle, as received.
        "components" => components: Vec<crate::JsonValue>,
    }
}

json_object! {
    /// A workflow object (`workflow.send_communication`).
    pub struct Workflow {
        /// `workflow`.
        "type" => kind: String,
        /// Merchant public id.
        "merchant" => merchant: String,
        /// Public id.
        "public_id" => public_id: String,
        /// Customer (merchant user id).
        "customer" => customer: String,
    }
}

json_object! {
    /// An entitlement object (`entitlement.*` events): the entitlements granted or changed.
    pub struct Entitlement {
        /// `entitlement`.
        "type" => kind: String,
        /// Merchant public id.
        "merchant" => merchant: String,
        /// The entitlements (public id, access type, expiration, ...), as received.
        "entitlements" => entitlements: Vec<crate::JsonValue>,
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
