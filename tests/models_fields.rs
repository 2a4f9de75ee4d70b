//! The fields real payloads carry (issue 10 item 4): each typed, each value asserted, and every
//! fixture round-trips exactly (the oracle of `pos_webhooks::oracle`).
#![cfg(all(feature = "revel", feature = "ordergroove"))]

use pos_webhooks::ordergroove::{self, Envelope, Object, event_type};
use pos_webhooks::revel::{OrderAllInOne, OrderItem};
use pos_webhooks::{Decimal, IntOrText, MoneyForm, parse_json};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Parses, checks the exact round trip, and returns the model.
fn exact<T: DeserializeOwned + Serialize>(input: &[u8]) -> T {
    let model: T = parse_json(input).unwrap();
    let out = serde_json::to_vec(&model).unwrap();
    pos_webhooks::oracle::same_json(input, &out).unwrap();
    model
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn revel_order_fields() {
    let order: OrderAllInOne = exact(include_bytes!("fixtures/example-revel-order-fields.json"));
    let info = order.order_info.as_ref().unwrap();
    assert_eq!(
        info.local_id,
        Some(IntOrText::Text("discount_test_9502102e".into()))
    );
    assert_eq!(info.dining_option, Some(113));
    assert_eq!(info.discount.as_ref().unwrap().id(), Some(3358));
    assert_eq!(info.discount.as_ref().unwrap().resource(), Some("Discount"));
    let deleted = info.deleted_discounts_json().unwrap().unwrap();
    assert_eq!(deleted.pointer("/0/amount").unwrap().as_str(), r#""1.50""#);
    let applied = info.applied_discounts.as_ref().unwrap();
    assert_eq!(applied.len(), 1);
    assert_eq!(applied[0].get::<i64>("id").unwrap(), Some(981));
    assert_eq!(info.loyalty_account_id, Some(IntOrText::Int(77012)));
    assert_eq!(
        info.pickup_data
            .as_ref()
            .unwrap()
            .get::<String>("name")
            .unwrap()
            .as_deref(),
        Some("Sam")
    );
    assert_eq!(info.running_tax_number, Some(IntOrText::Text("18".into())));
    assert_eq!(info.running_tax_number.as_ref().unwrap().as_i64(), Some(18));
    assert_eq!(info.check_sum, Some(IntOrText::Text("9f2c41".into())));
    assert!(!info.deleted.unwrap().get());
    assert_eq!(info.version, Some(IntOrText::Int(3)));
    assert_eq!(info.last_updated_at.as_ref().unwrap().microsecond(), 120394);
    assert_eq!(info.kitchen_status, Some(2));
    assert!(info.is_null("delivery_address"));
    assert_eq!(
        info.billing_address.as_ref().unwrap().as_str(),
        r#""/resources/CustomerAddress/5581/""#
    );
    assert!(info.is_null("virtual_data"));
    assert_eq!(*info.final_total.as_ref().unwrap(), dec("6.955"));

    let tax = &info.applied_taxes.as_ref().unwrap()[0];
    assert_eq!(*tax.fiscal_rate.as_ref().unwrap(), dec("7"));
    assert_eq!(
        tax.fiscal_rate.as_ref().unwrap().form(),
        Some(MoneyForm::String)
    );
    assert_eq!(*tax.max_threshold.as_ref().unwrap(), dec("0"));
    assert!(tax.is_null("min_threshold"));
    assert!(!tax.on_full_price.unwrap().get());
    assert_eq!(tax.tax_type, Some(1));
    assert_eq!(*tax.tax_amount.as_ref().unwrap(), dec("0.455"));
}

#[test]
fn revel_running_tax_number_forms() {
    for (text, expected) in [
        (r#"{"running_tax_number":0}"#, Some(IntOrText::Int(0))),
        (
            r#"{"running_tax_number":"18"}"#,
            Some(IntOrText::Text("18".into())),
        ),
        (r#"{"running_tax_number":null}"#, None),
    ] {
        let info: pos_webhooks::revel::OrderInfo = exact(text.as_bytes());
        assert_eq!(info.running_tax_number, expected, "{text}");
    }
    let info: pos_webhooks::revel::OrderInfo = exact(br#"{"deleted_discounts":null}"#);
    assert!(info.is_null("deleted_discounts"));
    assert_eq!(info.deleted_discounts_json().unwrap(), None);
    let info: pos_webhooks::revel::OrderInfo = exact(br#"{"deleted_discounts":"{'a': 1}"}"#);
    assert_eq!(
        info.deleted_discounts_json().unwrap_err().path(),
        "deleted_discounts"
    );
}

#[test]
fn revel_order_item_fields() {
    let item: OrderItem = exact(include_bytes!(
        "fixtures/example-revel-orderitem-resource.json"
    ));
    assert_eq!(item.id, Some(128534));
    assert_eq!(item.applied_discounts.as_deref().map(<[_]>::len), Some(0));
    assert_eq!(item.item_type, Some(0));
    assert_eq!(item.combo_type, Some(0));
    assert!(item.is_null("dynamic_combo"));
    assert!(!item.exclude_from_discounts.unwrap().get());
    assert_eq!(item.reference_discounts.as_deref(), Some("[]"));
    assert_eq!(
        item.reference_discounts_json()
            .unwrap()
            .unwrap()
            .elements()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(item.pump_number, Some(0));
    assert!(item.is_null("appointment"));
    // Money in one object: 0.455, 7, "0.0000" and "0.000000", each kept as written.
    let tax_amount = item.tax_amount.as_ref().unwrap();
    assert_eq!(*tax_amount, dec("0.455"));
    assert_eq!(tax_amount.form(), Some(MoneyForm::Number));
    assert_eq!(*item.tax_rate.as_ref().unwrap(), dec("7"));
    assert_eq!(
        item.cost.as_ref().unwrap().value().unwrap().to_string(),
        "0.0000"
    );
    assert_eq!(
        item.price_to_display
            .as_ref()
            .unwrap()
            .value()
            .unwrap()
            .to_string(),
        "0.000000"
    );
    assert_eq!(
        serde_json::to_string(item.price_to_display.as_ref().unwrap()).unwrap(),
        r#""0.000000""#
    );
    assert_eq!(item.line_total(), Some(dec("6.5")));
    // Fields the model does not type stay in `extra`, exactly.
    assert_eq!(
        item.extra.get::<i64>("combo_fraction_part").unwrap(),
        Some(0)
    );
    assert_eq!(
        item.extra.raw("reference_discount").unwrap().as_str(),
        r#""""#
    );
}

#[test]
fn ordergroove_order_one_click_token_case_and_data_context() {
    let e: Envelope = exact(include_bytes!(
        "fixtures/example-ordergroove-order.reminder.json"
    ));
    let Some(Object::Order(order)) = e.object() else {
        panic!("{:?}", e.object())
    };
    // "Order" (the docs' tables) is matched as `order`, and kept as received.
    assert_eq!(order.kind.as_deref(), Some("Order"));
    assert_eq!(
        order.one_click_token.as_deref(),
        Some("eyJhbGciOiJFUzUxMiIsInR5cCI6IkpXVCJ9.eyJtZXJjaGFudCI6IjAxZm")
    );
    let data = e.data.as_ref().unwrap();
    assert_eq!(
        data.context
            .as_ref()
            .unwrap()
            .get::<String>("source")
            .unwrap()
            .as_deref(),
        Some("reminder")
    );
    assert_eq!(
        data.snapshot
            .as_ref()
            .unwrap()
            .pointer("/customer/merchant_user_id")
            .unwrap()
            .as_str(),
        r#""m1234576""#
    );
    for kind in ["ORDER", "order", "oRdEr"] {
        let body = format!(
            r#"{{"id":"x","type":"order.success","data":{{"object":{{"type":"{kind}","total":"1.00"}}}}}}"#
        );
        let e: Envelope = exact(body.as_bytes());
        assert!(matches!(e.object(), Some(Object::Order(_))), "{kind}");
    }
}

#[test]
fn ordergroove_subscription_prepaid_and_token() {
    let e: Envelope = exact(include_bytes!(
        "fixtures/example-ordergroove-prepaid-subscription.json"
    ));
    assert_eq!(
        e.event_type.as_deref(),
        Some(event_type::SUBSCRIPTION_REFRESH_ONE_CLICK_TOKEN.as_str())
    );
    let Some(Object::Subscription(s)) = e.object() else {
        panic!()
    };
    let prepaid = s.prepaid_subscription_context.as_ref().unwrap();
    assert_eq!(prepaid.prepaid_orders_remaining, Some(0));
    assert_eq!(prepaid.prepaid_orders_per_billing, Some(3));
    assert_eq!(prepaid.renewal_behavior.as_deref(), Some("autorenew"));
    assert_eq!(
        *prepaid.last_renewal_revenue.as_ref().unwrap(),
        dec("100.8")
    );
    assert_eq!(
        prepaid.prepaid_origin_merchant_order_id.as_deref(),
        Some("#3082")
    );
    assert_eq!(
        s.one_click_token.as_deref(),
        Some("eyJhbGciOiJFUzUxMiIsInR5cCI6IkpXVCJ9.c3Vic2NyaXB0aW9u")
    );
    assert_eq!(
        s.components.as_ref().unwrap()[0]
            .get::<i64>("quantity")
            .unwrap(),
        Some(1)
    );
}

#[test]
fn ordergroove_item_extended() {
    let e: Envelope = exact(include_bytes!(
        "fixtures/example-ordergroove-item-extended.json"
    ));
    assert_eq!(
        e.event_type.as_deref(),
        Some(event_type::ITEM_OUT_OF_STOCK.as_str())
    );
    let Some(Object::Item(item)) = e.object() else {
        panic!()
    };
    assert_eq!(item.quantity, Some(2));
    assert_eq!(
        item.price.as_ref().unwrap().value().unwrap().to_string(),
        "12.50"
    );
    assert_eq!(
        item.total_price
            .as_ref()
            .unwrap()
            .value()
            .unwrap()
            .to_string(),
        "25.00"
    );
    assert_eq!(
        item.offer.as_deref(),
        Some("a748aa648ac811e8af3bbc764e106cf4")
    );
    assert_eq!(item.first_placed.as_deref(), Some("2021-04-06 10:00:00"));
    assert_eq!(item.components.as_ref().unwrap().len(), 1);
    assert_eq!(item.subscription.as_deref(), Some("yyyy8888xxxx7777wwww"));
}

#[test]
fn ordergroove_subscriber_subscriptions_workflow_entitlement() {
    let e: Envelope = exact(include_bytes!(
        "fixtures/example-ordergroove-entitlement.json"
    ));
    let Some(Object::Entitlement(ent)) = e.object() else {
        panic!()
    };
    assert_eq!(
        ent.merchant.as_deref(),
        Some("519f1f120e3411ef984b1e8a267ce85a")
    );
    let first = &ent.entitlements.as_ref().unwrap()[0];
    assert_eq!(first.get::<i64>("grace_period").unwrap(), Some(345600));
    assert_eq!(
        first
            .pointer("/entitlement_transaction/transaction_type")
            .unwrap()
            .as_str(),
        r#""grant_credit""#
    );
    assert_eq!(e.group(), Some("entitlement"));

    let e: Envelope = exact(br#"{"id":"w1","type":"workflow.send_communication","data":{"object":{"type":"Workflow","merchant":"m","public_id":"p","customer":"c","template":"t1"}}}"#);
    let Some(Object::Workflow(w)) = e.object() else {
        panic!()
    };
    assert_eq!(w.kind.as_deref(), Some("Workflow"));
    assert_eq!(w.public_id.as_deref(), Some("p"));
    assert_eq!(w.customer.as_deref(), Some("c"));
    assert_eq!(
        w.extra.get::<String>("template").unwrap().as_deref(),
        Some("t1")
    );

    let e: Envelope = exact(br#"{"id":"s1","type":"subscriber.subscriptions_created","data":{"object":{"type":"subscriber","merchant_user_id":"u1","subscriptions":[{"type":"subscription","public_id":"s9","quantity":2}]}}}"#);
    let Some(Object::Subscriber(sub)) = e.object() else {
        panic!()
    };
    let subs = sub.subscriptions.as_ref().unwrap();
    let first: ordergroove::Subscription = subs[0].parse().unwrap();
    assert_eq!(first.public_id.as_deref(), Some("s9"));
    assert_eq!(first.quantity, Some(2));
}

#[test]
fn ordergroove_event_type_constants() {
    let all = event_type::ALL;
    let names: Vec<&str> = all.iter().map(|t| t.as_str()).collect();
    for name in [
        "order.delete",
        "order.refresh_one_click_token",
        "subscription.refresh_one_click_token",
        "subscriber.subscriptions_created",
        "item.change_order",
        "item.out_of_stock",
        "workflow.send_communication",
        "entitlement.entitlements_granted",
    ] {
        assert!(names.contains(&name), "{name}");
    }
    assert_eq!(event_type::ORDER_DELETE.as_str(), "order.delete");
    assert_eq!(event_type::ITEM_CHANGE_ORDER.as_str(), "item.change_order");
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), names.len(), "no constant twice");
}
