//! Customers (`customer.created`, `customer.updated`).

use super::{Reference, RevelDateTime};
use crate::{Flag, Money};

json_object! {
    /// A Revel customer record (`customer.created`, `customer.updated`).
    pub struct Customer {
        /// Accept checks.
        "accept_checks" => accept_checks: Flag,
        /// Account balance.
        "account_balance" => account_balance: Money,
        /// Account limit.
        "account_limit" => account_limit: Money,
        /// Active.
        "active" => active: Flag,
        /// Address.
        "address" => address: String,
        /// Addresses.
        "addresses" => addresses: Vec<CustomerAddress>,
        /// Birth date.
        "birth_date" => birth_date: String,
        /// Cc exp.
        "cc_exp" => cc_exp: String,
        /// Cc first name.
        "cc_first_name" => cc_first_name: crate::JsonValue,
        /// Cc last 4 digits.
        "cc_last_4_digits" => cc_last_4_digits: crate::JsonValue,
        /// Cc last name.
        "cc_last_name" => cc_last_name: crate::JsonValue,
        /// Charge account.
        "charge_account" => charge_account: Flag,
        /// City.
        "city" => city: String,
        /// Company name.
        "company_name" => company_name: crate::JsonValue,
        /// Contract expiration.
        "contract_expiration" => contract_expiration: String,
        /// Created by.
        "created_by" => created_by: Reference,
        /// Created date.
        "created_date" => created_date: RevelDateTime,
        /// Custom  1.
        "custom__1" => custom_1: String,
        /// Custom  2.
        "custom__2" => custom_2: String,
        /// Custom  3.
        "custom__3" => custom_3: String,
        /// Custom  4.
        "custom__4" => custom_4: String,
        /// Custom  5.
        "custom__5" => custom_5: String,
        /// Custom  6.
        "custom__6" => custom_6: String,
        /// Custom  7.
        "custom__7" => custom_7: String,
        /// Customer groups.
        "customer_groups" => customer_groups: Vec<crate::JsonValue>,
        /// Customer xt uuid.
        "customer_xt_uuid" => customer_xt_uuid: crate::JsonValue,
        /// Deleted.
        "deleted" => deleted: Flag,
        /// Discount.
        "discount" => discount: crate::JsonValue,
        /// Email.
        "email" => email: String,
        /// Email opt in.
        "email_opt_in" => email_opt_in: Flag,
        /// Exp date.
        "exp_date" => exp_date: String,
        /// Expensify account.
        "expensify_account" => expensify_account: crate::JsonValue,
        /// First name.
        "first_name" => first_name: String,
        /// Gender.
        "gender" => gender: i64,
        /// Gift card numbers.
        "gift_card_numbers" => gift_card_numbers: Vec<String>,
        /// Id.
        "id" => id: i64,
        /// Image.
        "image" => image: crate::JsonValue,
        /// Is visitor.
        "is_visitor" => is_visitor: Flag,
        /// Last name.
        "last_name" => last_name: String,
        /// Lic number.
        "lic_number" => lic_number: crate::JsonValue,
        /// Loyalty number.
        "loyalty_number" => loyalty_number: crate::JsonValue,
        /// Loyalty ref id.
        "loyalty_ref_id" => loyalty_ref_id: crate::JsonValue,
        /// Notes.
        "notes" => notes: String,
        /// Ok to email.
        "ok_to_email" => ok_to_email: Flag,
        /// Past due.
        "past_due" => past_due: Money,
        /// Phone number.
        "phone_number" => phone_number: String,
        /// Phone opt in.
        "phone_opt_in" => phone_opt_in: Flag,
        /// Picture.
        "picture" => picture: crate::JsonValue,
        /// Pin.
        "pin" => pin: crate::JsonValue,
        /// Post opt in.
        "post_opt_in" => post_opt_in: Flag,
        /// Ref number.
        "ref_number" => ref_number: String,
        /// Resource uri.
        "resource_uri" => resource_uri: Reference,
        /// Reward card numbers.
        "reward_card_numbers" => reward_card_numbers: Vec<String>,
        /// Source.
        "source" => source: crate::JsonValue,
        /// State.
        "state" => state: String,
        /// Tax exempt.
        "tax_exempt" => tax_exempt: Flag,
        /// Tax location.
        "tax_location" => tax_location: crate::JsonValue,
        /// Third party id.
        "third_party_id" => third_party_id: crate::JsonValue,
        /// Title.
        "title" => title: crate::JsonValue,
        /// Total purchases.
        "total_purchases" => total_purchases: Money,
        /// Total visits.
        "total_visits" => total_visits: i64,
        /// Track as company.
        "track_as_company" => track_as_company: Flag,
        /// Type.
        "type" => kind: i64,
        /// Updated by.
        "updated_by" => updated_by: Reference,
        /// Updated date.
        "updated_date" => updated_date: RevelDateTime,
        /// Uuid.
        "uuid" => uuid: String,
        /// Vehicles.
        "vehicles" => vehicles: Vec<crate::JsonValue>,
        /// Version date.
        "version_date" => version_date: RevelDateTime,
        /// Zipcode.
        "zipcode" => zipcode: String,
    }
}

json_object! {
    /// A customer address.
    pub struct CustomerAddress {
        /// Active.
        "active" => active: Flag,
        /// Address type.
        "address_type" => address_type: crate::JsonValue,
        /// City.
        "city" => city: String,
        /// Company name.
        "company_name" => company_name: String,
        /// Country.
        "country" => country: String,
        /// Created date.
        "created_date" => created_date: RevelDateTime,
        /// Customer.
        "customer" => customer: Reference,
        /// Delivery instructions.
        "delivery_instructions" => delivery_instructions: String,
        /// Email.
        "email" => email: String,
        /// Id.
        "id" => id: i64,
        /// Name.
        "name" => name: String,
        /// Phone number.
        "phone_number" => phone_number: String,
        /// Primary billing.
        "primary_billing" => primary_billing: Flag,
        /// Primary shipping.
        "primary_shipping" => primary_shipping: Flag,
        /// Resource uri.
        "resource_uri" => resource_uri: Reference,
        /// State.
        "state" => state: String,
        /// Street 1.
        "street_1" => street_1: String,
        /// Street 2.
        "street_2" => street_2: String,
        /// Updated date.
        "updated_date" => updated_date: RevelDateTime,
        /// Uuid.
        "uuid" => uuid: String,
        /// Zipcode.
        "zipcode" => zipcode: String,
    }
}
