//! OrderAllInOne: the order, its items, payments and history (`order.finalized`).

use super::{GiftRewardDataText, Reference, RevelDateTime};
use crate::{Decimal, Flag, IntOrText, Money};

json_object! {
    /// Revel's OrderAllInOne, sent on `order.finalized`: the order, its items, payments and
    /// history.
    pub struct OrderAllInOne {
        /// The order.
        "orderInfo" => order_info: OrderInfo,
        /// The order items.
        "items" => items: Vec<OrderItem>,
        /// The payments.
        "payments" => payments: Vec<Payment>,
        /// The history, under the key of published samples (`history`).
        "history" => history: Vec<OrderHistory>,
        /// The history, under the key Revel's prose uses (`orderHistory`).
        "orderHistory" => order_history: Vec<OrderHistory>,
        /// Items of shell combos.
        "shell_combo_items" => shell_combo_items: Vec<crate::JsonValue>,
        /// The exchange this order is part of, if any.
        "order_exchange" => order_exchange: crate::JsonValue,
    }
}

impl OrderAllInOne {
    /// The history entries, whichever key they came under (`history` or `orderHistory`).
    pub fn order_history(&self) -> &[OrderHistory] {
        self.history
            .as_deref()
            .or(self.order_history.as_deref())
            .unwrap_or_default()
    }

    /// The sum over items of `price × quantity` plus modifier amounts, exactly; `None` if an
    /// amount is missing or the sum overflows.
    ///
    /// ```
    /// use pos_webhooks::{parse_json, revel::OrderAllInOne};
    /// let order: OrderAllInOne = parse_json(br#"{"items":[
    ///     {"price": 4.5, "quantity": 2, "modifier_amount": "0.5"},
    ///     {"price": "0.10", "quantity": 1}
    /// ]}"#).unwrap();
    /// assert_eq!(order.items_total().unwrap().to_string(), "9.60");
    /// ```
    pub fn items_total(&self) -> Option<Decimal> {
        self.items
            .as_deref()
            .unwrap_or_default()
            .iter()
            .try_fold(Decimal::ZERO, |sum, item| {
                sum.checked_add(item.line_total()?)
            })
    }
}

impl OrderItem {
    /// `price × quantity + modifier_amount`, exactly (`modifier_amount` absent counts as 0;
    /// a missing quantity counts as 1). `None` without a price or on overflow.
    pub fn line_total(&self) -> Option<Decimal> {
        let price = self.price.as_ref()?.value()?;
        let quantity = match &self.quantity {
            Some(q) => q.value()?,
            None => Decimal::from_int(1),
        };
        let modifiers = self
            .modifier_amount
            .as_ref()
            .map_or(Decimal::ZERO, Money::value_or_zero);
        price.checked_mul(quantity)?.checked_add(modifiers)
    }
}

json_object! {
    /// A modifier chosen for an order item. Revel publishes no sample with modifiers; the few
    /// fields named here are those of Revel's OrderModifierItem resource, and everything else
    /// is kept in `extra`.
    pub struct ModifierItem {
        /// Id.
        "id" => id: i64,
        /// UUID.
        "uuid" => uuid: String,
        /// The modifier (a reference such as `/resources/Modifier/12/`).
        "modifier" => modifier: Reference,
        /// Quantity.
        "qty" => qty: Money,
        /// Price of the modifier, exact.
        "modifier_price" => modifier_price: Money,
        /// Cost of the modifier, exact.
        "modifier_cost" => modifier_cost: Money,
        /// Resource uri.
        "resource_uri" => resource_uri: Reference,
    }
}

json_object! {
    /// The order itself (`orderInfo`).
    pub struct OrderInfo {
        /// Gratuity.
        "gratuity" => gratuity: Money,
        /// Web order.
        "web_order" => web_order: Flag,
        /// Has items.
        "has_items" => has_items: Flag,
        /// Registry data.
        "registry_data" => registry_data: crate::JsonValue,
        /// Exchange discount.
        "exchange_discount" => exchange_discount: crate::JsonValue,
        /// Loyalty data: JSON inside a string, kept as received; see [`GiftRewardDataText::decode`].
        "gift_reward_data" => gift_reward_data: GiftRewardDataText,
        /// Uuid.
        "uuid" => uuid: String,
        /// Created by.
        "created_by" => created_by: Reference,
        /// Service fee untaxed.
        "service_fee_untaxed" => service_fee_untaxed: Money,
        /// Discount tax amount included.
        "discount_tax_amount_included" => discount_tax_amount_included: Money,
        /// Taxable surcharge.
        "taxable_surcharge" => taxable_surcharge: Money,
        /// Taxable surcharge excluded.
        "taxable_surcharge_excluded" => taxable_surcharge_excluded: Money,
        /// Sent.
        "sent" => sent: Flag,
        /// Exchanged.
        "exchanged" => exchanged: crate::JsonValue,
        /// Updated by.
        "updated_by" => updated_by: Reference,
        /// Delivery employee.
        "delivery_employee" => delivery_employee: crate::JsonValue,
        /// Dining option: a code of the establishment (values beyond 0–8, such as 113, are
        /// custom options and stay values).
        "dining_option" => dining_option: i64,
        /// Delivery duration.
        "delivery_duration" => delivery_duration: crate::JsonValue,
        /// Table owner.
        "table_owner" => table_owner: crate::JsonValue,
        /// Surcharge excluded.
        "surcharge_excluded" => surcharge_excluded: Money,
        /// Discount amount.
        "discount_amount" => discount_amount: Money,
        /// Number of people.
        "number_of_people" => number_of_people: i64,
        /// Notes.
        "notes" => notes: String,
        /// Crc.
        "crc" => crc: i64,
        /// Bills.
        "bills" => bills: Vec<crate::JsonValue>,
        /// Pos mode.
        "pos_mode" => pos_mode: String,
        /// Is unpaid.
        "is_unpaid" => is_unpaid: Flag,
        /// Deleted discounts: JSON inside a string (or `null`), kept as received; see
        /// [`OrderInfo::deleted_discounts_json`].
        "deleted_discounts" => deleted_discounts: String,
        /// Points added.
        "points_added" => points_added: Money,
        /// Bills info.
        "bills_info" => bills_info: String,
        /// Tax excluded amount.
        "tax_excluded_amount" => tax_excluded_amount: Money,
        /// Auto grat pct.
        "auto_grat_pct" => auto_grat_pct: Money,
        /// Is discounted.
        "is_discounted" => is_discounted: Flag,
        /// Notification email sent.
        "notification_email_sent" => notification_email_sent: Flag,
        /// Delivery distance.
        "delivery_distance" => delivery_distance: Money,
        /// Gratuity type.
        "gratuity_type" => gratuity_type: i64,
        /// Orderhistory.
        "orderhistory" => orderhistory: Vec<Reference>,
        /// Closed.
        "closed" => closed: Flag,
        /// Tax country.
        "tax_country" => tax_country: String,
        /// Discount code.
        "discount_code" => discount_code: String,
        /// Has delivery info.
        "has_delivery_info" => has_delivery_info: Flag,
        /// Asap.
        "asap" => asap: Flag,
        /// Pickup time.
        "pickup_time" => pickup_time: RevelDateTime,
        /// Reporting id.
        "reporting_id" => reporting_id: crate::JsonValue,
        /// Discount nontaxable surcharge included.
        "discount_nontaxable_surcharge_included" => discount_nontaxable_surcharge_included: Money,
        /// The discount applied to the order, a reference such as `/resources/Discount/3358/`.
        "discount" => discount: Reference,
        /// Packages.
        "packages" => packages: Vec<crate::JsonValue>,
        /// The total the customer paid, exact.
        "final_total" => final_total: Money,
        /// Package.
        "package" => package: Vec<crate::JsonValue>,
        /// Is invoice.
        "is_invoice" => is_invoice: Flag,
        /// Delivery clock in.
        "delivery_clock_in" => delivery_clock_in: RevelDateTime,
        /// Bills type.
        "bills_type" => bills_type: i64,
        /// Discount tax amount.
        "discount_tax_amount" => discount_tax_amount: Money,
        /// Rounding delta.
        "rounding_delta" => rounding_delta: Money,
        /// Tax rebate.
        "tax_rebate" => tax_rebate: Money,
        /// Table.
        "table" => table: Reference,
        /// Discount reason.
        "discount_reason" => discount_reason: String,
        /// Notification text sent.
        "notification_text_sent" => notification_text_sent: Flag,
        /// Customer birthdate.
        "customer_birthdate" => customer_birthdate: String,
        /// Vehicle.
        "vehicle" => vehicle: crate::JsonValue,
        /// Remaining due.
        "remaining_due" => remaining_due: Money,
        /// Applied taxes.
        "applied_taxes" => applied_taxes: Vec<AppliedTax>,
        /// Prevailing tax.
        "prevailing_tax" => prevailing_tax: Money,
        /// Delivery clock out.
        "delivery_clock_out" => delivery_clock_out: RevelDateTime,
        /// Discount rule type.
        "discount_rule_type" => discount_rule_type: crate::JsonValue,
        /// Service charge.
        "service_charge" => service_charge: Money,
        /// Customer.
        "customer" => customer: Reference,
        /// Applied service fee.
        "applied_service_fee" => applied_service_fee: Vec<crate::JsonValue>,
        /// Discount taxed.
        "discount_taxed" => discount_taxed: crate::JsonValue,
        /// Has history.
        "has_history" => has_history: Flag,
        /// Tax.
        "tax" => tax: Money,
        /// Bill number.
        "bill_number" => bill_number: i64,
        /// Id.
        "id" => id: i64,
        /// Surcharge.
        "surcharge" => surcharge: Money,
        /// Points redeemed.
        "points_redeemed" => points_redeemed: Money,
        /// Call number.
        "call_number" => call_number: IntOrText,
        /// Delivery estimated distance.
        "delivery_estimated_distance" => delivery_estimated_distance: Money,
        /// Bill parent.
        "bill_parent" => bill_parent: crate::JsonValue,
        /// Establishment.
        "establishment" => establishment: Reference,
        /// Updated date.
        "updated_date" => updated_date: RevelDateTime,
        /// Prevailing surcharge.
        "prevailing_surcharge" => prevailing_surcharge: Money,
        /// Invoice date.
        "invoice_date" => invoice_date: RevelDateTime,
        /// Crv value.
        "crv_value" => crv_value: Money,
        /// When the order was created (local time of the establishment).
        "created_date" => created_date: RevelDateTime,
        /// Call name.
        "call_name" => call_name: String,
        /// Printed.
        "printed" => printed: Flag,
        /// Subtotal.
        "subtotal" => subtotal: Money,
        /// Discounted by.
        "discounted_by" => discounted_by: Reference,
        /// Discount rule amount.
        "discount_rule_amount" => discount_rule_amount: Money,
        /// Is readonly.
        "is_readonly" => is_readonly: Flag,
        /// External sync.
        "external_sync" => external_sync: crate::JsonValue,
        /// The PosStation the order was created at (a reference, not a time: see `created_date`).
        "created_at" => created_at: Reference,
        /// Service fee tax.
        "service_fee_tax" => service_fee_tax: Money,
        /// Discount total amount.
        "discount_total_amount" => discount_total_amount: Money,
        /// Crv taxed.
        "crv_taxed" => crv_taxed: Flag,
        /// Local id: an integer, or text that need not be numeric (`"discount_test_9502102e"`).
        "local_id" => local_id: IntOrText,
        /// Exchanged by.
        "exchanged_by" => exchanged_by: Vec<crate::JsonValue>,
        /// Service fee taxed.
        "service_fee_taxed" => service_fee_taxed: Money,
        /// Resource uri.
        "resource_uri" => resource_uri: Reference,
        /// Discounts applied to the order, as received.
        "applied_discounts" => applied_discounts: Vec<crate::JsonValue>,
        /// The customer's loyalty account.
        "loyalty_account_id" => loyalty_account_id: IntOrText,
        /// Pickup details of an online order (an object or `null`), as received.
        "pickup_data" => pickup_data: crate::JsonValue,
        /// Running (fiscal) tax number: seen as `0`, `null` and `"18"`.
        "running_tax_number" => running_tax_number: IntOrText,
        /// Checksum of the order record.
        "check_sum" => check_sum: IntOrText,
        /// Whether the order was deleted.
        "deleted" => deleted: Flag,
        /// Version of the order record.
        "version" => version: IntOrText,
        /// When the order was last updated.
        "last_updated_at" => last_updated_at: RevelDateTime,
        /// Kitchen status code.
        "kitchen_status" => kitchen_status: i64,
        /// Delivery address (a reference or an object), as received.
        "delivery_address" => delivery_address: crate::JsonValue,
        /// Billing address (a reference or an object), as received.
        "billing_address" => billing_address: crate::JsonValue,
        /// Data of a virtual order (an object or `null`), as received.
        "virtual_data" => virtual_data: crate::JsonValue,
    }
}

impl OrderInfo {
    /// `deleted_discounts` decoded: `Ok(None)` when absent, `null` or empty; an error naming
    /// the field when the string is not JSON.
    ///
    /// ```
    /// use pos_webhooks::{parse_json, revel::OrderInfo};
    /// let info: OrderInfo = parse_json(br#"{"deleted_discounts":"[{\"id\":3}]"}"#).unwrap();
    /// let list = info.deleted_discounts_json().unwrap().unwrap();
    /// assert_eq!(list.pointer("/0/id").unwrap().as_str(), "3");
    /// ```
    pub fn deleted_discounts_json(&self) -> Result<Option<crate::JsonValue>, crate::ParseError> {
        match self.deleted_discounts.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => crate::JsonValue::from_json(text)
                .map(Some)
                .map_err(|e| e.within("deleted_discounts")),
        }
    }
}

impl OrderItem {
    /// `reference_discounts` decoded (Revel sends the JSON as a string, `'[]'`): `Ok(None)`
    /// when absent, `null` or empty.
    pub fn reference_discounts_json(&self) -> Result<Option<crate::JsonValue>, crate::ParseError> {
        match self.reference_discounts.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => crate::JsonValue::from_json(text)
                .map(Some)
                .map_err(|e| e.within("reference_discounts")),
        }
    }
}

json_object! {
    /// An order item, with its modifiers and taxes.
    pub struct OrderItem {
        /// Gift card number.
        "gift_card_number" => gift_card_number: String,
        /// Is cold.
        "is_cold" => is_cold: Flag,
        /// Commissions.
        "commissions" => commissions: Vec<crate::JsonValue>,
        /// Price to display.
        "price_to_display" => price_to_display: Money,
        /// Exchange discount.
        "exchange_discount" => exchange_discount: crate::JsonValue,
        /// Parent uuid.
        "parent_uuid" => parent_uuid: crate::JsonValue,
        /// Uuid.
        "uuid" => uuid: String,
        /// Created by.
        "created_by" => created_by: Reference,
        /// Service fee untaxed.
        "service_fee_untaxed" => service_fee_untaxed: Money,
        /// Pure sales.
        "pure_sales" => pure_sales: Money,
        /// Voided by.
        "voided_by" => voided_by: Reference,
        /// Sent.
        "sent" => sent: Flag,
        /// Exchanged.
        "exchanged" => exchanged: crate::JsonValue,
        /// Updated by.
        "updated_by" => updated_by: Reference,
        /// Start time.
        "start_time" => start_time: RevelDateTime,
        /// Crv value.
        "crv_value" => crv_value: Money,
        /// Product name override.
        "product_name_override" => product_name_override: String,
        /// Event date.
        "event_date" => event_date: RevelDateTime,
        /// Discount amount.
        "discount_amount" => discount_amount: Money,
        /// Tax amount.
        "tax_amount" => tax_amount: Money,
        /// Split parts.
        "split_parts" => split_parts: Money,
        /// Catering complete.
        "catering_complete" => catering_complete: Flag,
        /// Sales tax exemption reason.
        "sales_tax_exemption_reason" => sales_tax_exemption_reason: String,
        /// Weight.
        "weight" => weight: Money,
        /// Sold by weight.
        "sold_by_weight" => sold_by_weight: Flag,
        /// Taxed flag.
        "taxed_flag" => taxed_flag: Flag,
        /// Is discounted.
        "is_discounted" => is_discounted: Flag,
        /// Course number.
        "course_number" => course_number: i64,
        /// Shared.
        "shared" => shared: i64,
        /// Discount code.
        "discount_code" => discount_code: String,
        /// Deleted.
        "deleted" => deleted: Flag,
        /// Discount.
        "discount" => discount: crate::JsonValue,
        /// Tax rate.
        "tax_rate" => tax_rate: Money,
        /// Seat number.
        "seat_number" => seat_number: i64,
        /// Package uuid.
        "package_uuid" => package_uuid: crate::JsonValue,
        /// Cup weight.
        "cup_weight" => cup_weight: Money,
        /// Package.
        "package" => package: crate::JsonValue,
        /// Modifier cost.
        "modifier_cost" => modifier_cost: Money,
        /// Initial price.
        "initial_price" => initial_price: Money,
        /// Combo saving amount.
        "combo_saving_amount" => combo_saving_amount: Money,
        /// Is layaway.
        "is_layaway" => is_layaway: Flag,
        /// Created date.
        "created_date" => created_date: RevelDateTime,
        /// Printed.
        "printed" => printed: Flag,
        /// Modifier amount.
        "modifier_amount" => modifier_amount: Money,
        /// Tax rebate.
        "tax_rebate" => tax_rebate: Money,
        /// Special request.
        "special_request" => special_request: String,
        /// Is donation.
        "is_donation" => is_donation: Flag,
        /// Discount reason.
        "discount_reason" => discount_reason: String,
        /// Temp sort.
        "temp_sort" => temp_sort: i64,
        /// Commission amount.
        "commission_amount" => commission_amount: Money,
        /// Station.
        "station" => station: Reference,
        /// Serial number.
        "serial_number" => serial_number: String,
        /// Catering delivery date.
        "catering_delivery_date" => catering_delivery_date: RevelDateTime,
        /// Discount taxed.
        "discount_taxed" => discount_taxed: crate::JsonValue,
        /// Applied taxes.
        "applied_taxes" => applied_taxes: Vec<AppliedTax>,
        /// Is gift.
        "is_gift" => is_gift: Flag,
        /// Ervc type.
        "ervc_type" => ervc_type: i64,
        /// Discount rule type.
        "discount_rule_type" => discount_rule_type: crate::JsonValue,
        /// Cup qty.
        "cup_qty" => cup_qty: Money,
        /// Modifieritems.
        "modifieritems" => modifieritems: Vec<ModifierItem>,
        /// Split type.
        "split_type" => split_type: i64,
        /// Applied service fee.
        "applied_service_fee" => applied_service_fee: Vec<crate::JsonValue>,
        /// Kitchen completed.
        "kitchen_completed" => kitchen_completed: crate::JsonValue,
        /// Date paid.
        "date_paid" => date_paid: RevelDateTime,
        /// Cost.
        "cost" => cost: Money,
        /// Uom.
        "uom" => uom: String,
        /// Tax included.
        "tax_included" => tax_included: Flag,
        /// Wholesale saving amount.
        "wholesale_saving_amount" => wholesale_saving_amount: Money,
        /// Is coupon.
        "is_coupon" => is_coupon: Flag,
        /// Voided date.
        "voided_date" => voided_date: RevelDateTime,
        /// Expedited.
        "expedited" => expedited: crate::JsonValue,
        /// Id.
        "id" => id: i64,
        /// On hold.
        "on_hold" => on_hold: Flag,
        /// Ingredientitems.
        "ingredientitems" => ingredientitems: Vec<crate::JsonValue>,
        /// Bill parent.
        "bill_parent" => bill_parent: crate::JsonValue,
        /// Service provider.
        "service_provider" => service_provider: crate::JsonValue,
        /// Split with seat.
        "split_with_seat" => split_with_seat: i64,
        /// Updated date.
        "updated_date" => updated_date: RevelDateTime,
        /// The product (a reference such as `/resources/Product/5/`).
        "product" => product: Reference,
        /// Void ref uuid.
        "void_ref_uuid" => void_ref_uuid: crate::JsonValue,
        /// Combo used.
        "combo_used" => combo_used: Reference,
        /// Dining option.
        "dining_option" => dining_option: i64,
        /// Unit price, exact.
        "price" => price: Money,
        /// Voided reason.
        "voided_reason" => voided_reason: String,
        /// Combo uuid.
        "combo_uuid" => combo_uuid: String,
        /// Order local id.
        "order_local_id" => order_local_id: IntOrText,
        /// Discounted by.
        "discounted_by" => discounted_by: Reference,
        /// Discount rule amount.
        "discount_rule_amount" => discount_rule_amount: Money,
        /// Service fee tax.
        "service_fee_tax" => service_fee_tax: Money,
        /// Quantity (Revel sends an integer; weights may be fractional).
        "quantity" => quantity: Money,
        /// Service fee taxed.
        "service_fee_taxed" => service_fee_taxed: Money,
        /// Order.
        "order" => order: Reference,
        /// Resource uri.
        "resource_uri" => resource_uri: Reference,
        /// Devices.
        "devices" => devices: crate::JsonValue,
        /// Discounts applied to the item, as received.
        "applied_discounts" => applied_discounts: Vec<crate::JsonValue>,
        /// Item type code (`0` for a product).
        "item_type" => item_type: i64,
        /// Combo type code.
        "combo_type" => combo_type: i64,
        /// The dynamic combo this item is part of (`null` when none), as received.
        "dynamic_combo" => dynamic_combo: crate::JsonValue,
        /// Whether discounts skip this item.
        "exclude_from_discounts" => exclude_from_discounts: Flag,
        /// Reference discounts: JSON inside a string (`"[]"`), kept as received; see
        /// [`OrderItem::reference_discounts_json`].
        "reference_discounts" => reference_discounts: String,
        /// Fuel pump number.
        "pump_number" => pump_number: i64,
        /// The appointment this item books (`null` when none), as received.
        "appointment" => appointment: crate::JsonValue,
    }
}

json_object! {
    /// A tax applied to an order or an order item.
    pub struct AppliedTax {
        /// Name.
        "name" => name: String,
        /// Rounding type.
        "rounding_type" => rounding_type: i64,
        /// Uuid.
        "uuid" => uuid: String,
        /// Id.
        "id" => id: i64,
        /// Is prevailing.
        "is_prevailing" => is_prevailing: Flag,
        /// Tax rate.
        "tax_rate" => tax_rate: Money,
        /// Tax table.
        "tax_table" => tax_table: crate::JsonValue,
        /// Local tax id.
        "local_tax_id" => local_tax_id: i64,
        /// Order.
        "order" => order: Reference,
        /// Dining options.
        "dining_options" => dining_options: crate::JsonValue,
        /// Resource uri.
        "resource_uri" => resource_uri: Reference,
        /// Tax amount.
        "tax_amount" => tax_amount: Money,
        /// Actual tax rate.
        "actual_tax_rate" => actual_tax_rate: Money,
        /// Order item.
        "order_item" => order_item: Reference,
        /// Fiscal rate.
        "fiscal_rate" => fiscal_rate: Money,
        /// Highest amount the tax applies to (`"0.0000"` or `null`).
        "max_threshold" => max_threshold: Money,
        /// Lowest amount the tax applies to (`"0.0000"` or `null`).
        "min_threshold" => min_threshold: Money,
        /// Whether the tax is computed on the full (undiscounted) price.
        "on_full_price" => on_full_price: Flag,
        /// Tax type code.
        "tax_type" => tax_type: i64,
    }
}

json_object! {
    /// A payment of the order.
    pub struct Payment {
        /// Updated date.
        "updated_date" => updated_date: RevelDateTime,
        /// Executed.
        "executed" => executed: Flag,
        /// Last 4 cc digits.
        "last_4_cc_digits" => last_4_cc_digits: String,
        /// Processor accepted.
        "processor_accepted" => processor_accepted: Flag,
        /// Till owner.
        "till_owner" => till_owner: crate::JsonValue,
        /// Id.
        "id" => id: i64,
        /// Payment date.
        "payment_date" => payment_date: RevelDateTime,
        /// Uuid.
        "uuid" => uuid: String,
        /// Gratuity.
        "gratuity" => gratuity: Money,
        /// Tip.
        "tip" => tip: Money,
        /// Created by.
        "created_by" => created_by: Reference,
        /// Refund transaction id.
        "refund_transaction_id" => refund_transaction_id: crate::JsonValue,
        /// Station.
        "station" => station: Reference,
        /// Cc first name.
        "cc_first_name" => cc_first_name: String,
        /// Online.
        "online" => online: Flag,
        /// Establishment.
        "establishment" => establishment: Reference,
        /// Transaction id.
        "transaction_id" => transaction_id: String,
        /// Exchanged.
        "exchanged" => exchanged: crate::JsonValue,
        /// Updated by.
        "updated_by" => updated_by: Reference,
        /// Transaction captured.
        "transaction_captured" => transaction_captured: Flag,
        /// Deleted.
        "deleted" => deleted: crate::JsonValue,
        /// Refunded.
        "refunded" => refunded: Flag,
        /// Transaction data.
        "transaction_data" => transaction_data: String,
        /// Payer id.
        "payer_id" => payer_id: crate::JsonValue,
        /// Processor response.
        "processor_response" => processor_response: crate::JsonValue,
        /// First 4 cc digits.
        "first_4_cc_digits" => first_4_cc_digits: String,
        /// Amount authorized.
        "amount_authorized" => amount_authorized: Money,
        /// Signature img url.
        "signature_img_url" => signature_img_url: String,
        /// Change.
        "change" => change: Money,
        /// Invoice transition date.
        "invoice_transition_date" => invoice_transition_date: RevelDateTime,
        /// Other payment type.
        "other_payment_type" => other_payment_type: crate::JsonValue,
        /// Receipt email.
        "receipt_email" => receipt_email: String,
        /// Bill.
        "bill" => bill: i64,
        /// Rounding delta.
        "rounding_delta" => rounding_delta: Money,
        /// Card type.
        "card_type" => card_type: crate::JsonValue,
        /// The amount paid, exact (Revel sends `"4.860000"`).
        "amount" => amount: Money,
        /// Payment type.
        "payment_type" => payment_type: i64,
        /// Created date.
        "created_date" => created_date: RevelDateTime,
        /// Cc last name.
        "cc_last_name" => cc_last_name: String,
        /// Transaction status.
        "transaction_status" => transaction_status: crate::JsonValue,
        /// Order.
        "order" => order: Reference,
        /// Resource uri.
        "resource_uri" => resource_uri: Reference,
    }
}

json_object! {
    /// An entry of the order history: who opened and closed it, and when.
    pub struct OrderHistory {
        /// Order closed by.
        "order_closed_by" => order_closed_by: Reference,
        /// Opened.
        "opened" => opened: RevelDateTime,
        /// Order closed at.
        "order_closed_at" => order_closed_at: Reference,
        /// Order opened by.
        "order_opened_by" => order_opened_by: Reference,
        /// Uuid.
        "uuid" => uuid: String,
        /// Id.
        "id" => id: i64,
        /// Closed.
        "closed" => closed: RevelDateTime,
        /// Order opened at.
        "order_opened_at" => order_opened_at: Reference,
        /// Order.
        "order" => order: Reference,
        /// Resource uri.
        "resource_uri" => resource_uri: Reference,
    }
}
