//! miPOS: delivery-app orders (Rappi, DiDi Food, Uber Eats) sent to the POS, and the menu
//! request.
//!
//! The ORDER webhook's body *is* the order (no envelope). Money is integer minor units
//! (`25800` is 258.00); `total` is before `discount_value`. One URL serves many stores: route
//! by [`Order::store`].
//!
//! ```
//! use pos_webhooks::{mipos::Order, parse_json};
//! let order: Order = parse_json(br#"{"external_id":"x","total":25800,"discount_value":800,
//!     "external_store_id":"3","items":[]}"#).unwrap();
//! assert_eq!(order.store(), Some("3"));
//! assert_eq!(order.amount_due(), Some(25000));
//! ```

/// miPOS's two webhook types.
pub mod event_type {
    use crate::EventType;

    /// ORDER: a delivery order for the POS ([`Order`](super::Order)).
    pub const ORDER: EventType = EventType::from_static("order");
    /// MENU: miPOS asks the POS for a store's menu ([`MenuRequest`](super::MenuRequest)).
    pub const MENU: EventType = EventType::from_static("menu");
}

json_object! {
    /// A delivery order (the ORDER webhook body).
    pub struct Order {
        /// Id of the order on the delivery platform.
        "external_id" => external_id: String,
        /// Creation date on the delivery platform, as sent.
        "created_at" => created_at: String,
        /// Cost of the whole order in minor units, before `discount_value`.
        "total" => total: i64,
        /// The customer.
        "customer" => customer: String,
        /// The store, as the webhook names it.
        "external_store_id" => external_store_id: String,
        /// The store, as the rest of the miPOS API names it.
        "store_id" => store_id: String,
        /// Order number on the delivery platform.
        "order_number" => order_number: String,
        /// Instructions for the whole order.
        "instructions" => instructions: String,
        /// The items.
        "items" => items: Vec<Item>,
        /// Discount in minor units.
        "discount_value" => discount_value: i64,
        /// Id of the delivery app on the platform.
        "delivery_id" => delivery_id: i64,
    }
}

impl Order {
    /// The store this order is for: `external_store_id` (webhook) or `store_id` (API).
    pub fn store(&self) -> Option<&str> {
        self.external_store_id
            .as_deref()
            .or(self.store_id.as_deref())
    }

    /// `total - discount_value` in minor units; `None` without a total or on overflow.
    pub fn amount_due(&self) -> Option<i64> {
        self.total?.checked_sub(self.discount_value.unwrap_or(0))
    }

    /// The sum of the items' `total_value` in minor units; `None` if one is missing or on
    /// overflow.
    pub fn items_total(&self) -> Option<i64> {
        self.items
            .as_deref()
            .unwrap_or_default()
            .iter()
            .try_fold(0i64, |sum, item| sum.checked_add(item.total_value?))
    }
}

json_object! {
    /// An item of a delivery order.
    pub struct Item {
        /// Id of the item on the POS.
        "external_id" => external_id: String,
        /// Name.
        "name" => name: String,
        /// Quantity.
        "quantity" => quantity: i64,
        /// Unit value in minor units.
        "unit_value" => unit_value: i64,
        /// Unit value plus modifiers, minor units.
        "total_unit_value" => total_unit_value: i64,
        /// Total of the item with modifiers, minor units.
        "total_value" => total_value: i64,
        /// Instructions for the item.
        "instructions" => instructions: String,
        /// Chosen modifiers.
        "modifiers" => modifiers: Vec<Modifier>,
    }
}

json_object! {
    /// A modifier chosen for an item.
    pub struct Modifier {
        /// Id of the modifier on the POS.
        "external_id" => external_id: String,
        /// Name.
        "name" => name: String,
        /// Quantity.
        "quantity" => quantity: i64,
        /// Unit value, minor units.
        "unit_value" => unit_value: i64,
        /// Total value, minor units.
        "total_value" => total_value: i64,
    }
}

json_object! {
    /// The MENU request: miPOS asks the POS for the menu of a store.
    pub struct MenuRequest {
        /// The store whose menu is asked for.
        required "store_id" => store_id: String,
    }
}
