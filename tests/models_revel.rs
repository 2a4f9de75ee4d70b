//! Revel fixtures (tests/fixtures/README.md says where each came from): field values and round trips.
#![cfg(feature = "revel")]

use pos_webhooks::revel::{ItemType, OrderAllInOne, RevelEvent};
use pos_webhooks::{Decimal, MoneyForm, Rounding, parse_json};
use serde_json::Value;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(bytes: &[u8]) -> T {
    let model: T = parse_json(bytes).unwrap();
    let original: Value = serde_json::from_slice(bytes).unwrap();
    let emitted = serde_json::to_value(&model).unwrap();
    assert_eq!(emitted, original, "round trip changed the JSON value");
    model
}

#[test]
fn seed_order_values() {
    let order: OrderAllInOne = round_trip(include_bytes!(
        "fixtures/example-revel-order-finalized.json"
    ));
    let info = order.order_info.as_ref().unwrap();
    assert_eq!(*info.final_total.as_ref().unwrap(), dec("4.86"));
    assert_eq!(
        info.final_total.as_ref().unwrap().form(),
        Some(MoneyForm::Number)
    );
    let item = &order.items.as_ref().unwrap()[0];
    assert_eq!(*item.price.as_ref().unwrap(), dec("4.5"));
    let payment = &order.payments.as_ref().unwrap()[0];
    assert_eq!(*payment.amount.as_ref().unwrap(), dec("4.86"));
    assert_eq!(
        payment.amount.as_ref().unwrap().form(),
        Some(MoneyForm::String)
    );
    assert_eq!(
        payment
            .amount
            .as_ref()
            .unwrap()
            .value()
            .unwrap()
            .to_minor_units(2, Rounding::Exact),
        Some(486)
    );
    assert_eq!(info.id, Some(417));
    assert_eq!(
        info.created_at.as_ref().unwrap().resource(),
        Some("PosStation")
    );
    assert_eq!(
        info.created_date.as_ref().unwrap().as_str(),
        "2016-04-13T10:27:36"
    );
    assert_eq!(order.order_history().len(), 1);
    assert!(order.order_history.is_none());
    let gift = info.gift_reward_data.as_ref().unwrap().decode().unwrap();
    assert_eq!(gift.id, Some(15));
    assert_eq!(*gift.total_purchases.as_ref().unwrap(), dec("43.35"));
    assert_eq!(order.items_total().unwrap(), dec("4.5"));
    assert_eq!(
        info.subtotal
            .as_ref()
            .unwrap()
            .value()
            .unwrap()
            .checked_add(info.tax.as_ref().unwrap().value().unwrap()),
        Some(dec("4.86"))
    );
}

#[test]
fn php_order_values() {
    let order: OrderAllInOne = round_trip(include_bytes!(
        "fixtures/example-revel-order-finalized-php.json"
    ));
    let info = order.order_info.as_ref().unwrap();
    assert_eq!(*info.final_total.as_ref().unwrap(), dec("11.1"));
    assert_eq!(
        info.final_total.as_ref().unwrap().form(),
        Some(MoneyForm::String)
    );
    assert_eq!(info.local_id.as_ref().unwrap().as_i64(), Some(57189));
    assert!(!info.closed.unwrap().get());
}

#[test]
fn other_events() {
    let e = RevelEvent::parse(
        "inout.stock",
        include_bytes!("fixtures/example-revel-inout-stock.json"),
    )
    .unwrap();
    let RevelEvent::InOutStock(item) = e else {
        panic!()
    };
    assert_eq!(item.kind, Some(ItemType::Product));
    let err = RevelEvent::parse("inout.stock", br#"{"id":1,"type":"product"}"#).unwrap_err();
    assert!(err.to_string().contains("missing field `instock`"), "{err}");
    let err = RevelEvent::parse("order.finalized", b"{\"items\":[{\"price\":true}]}").unwrap_err();
    assert_eq!(err.path(), "items[0].price");
    for (t, f) in [
        (
            "customer.created",
            &include_bytes!("fixtures/example-revel-customer-created.json")[..],
        ),
        (
            "rewardcard.created",
            include_bytes!("fixtures/example-revel-rewardcard-created.json"),
        ),
        (
            "menu.updated",
            include_bytes!("fixtures/example-revel-menu-updated.json"),
        ),
        ("ping", include_bytes!("fixtures/example-revel-ping.json")),
        ("timesheet.created", br#"{"id": 5}"#),
    ] {
        let e = RevelEvent::parse(t, f).unwrap();
        assert_eq!(e.event_type(), t);
        pos_webhooks::oracle::same_json(f, e.to_json().unwrap().as_str().as_bytes()).unwrap();
    }
}

#[test]
fn customer_rewards_and_availability_values() {
    use pos_webhooks::revel::{Customer, ItemAvailability, RewardsCard};
    let customer: Customer = round_trip(include_bytes!(
        "fixtures/example-revel-customer-created.json"
    ));
    assert_eq!(customer.id, Some(2192));
    assert_eq!(customer.first_name.as_deref(), Some("firstName"));
    let address = &customer.addresses.as_ref().unwrap()[0];
    assert_eq!(address.city.as_deref(), Some("New York"));
    assert_eq!(address.zipcode.as_deref(), Some("10005"));
    assert!(address.primary_shipping.unwrap().get());
    assert_eq!(
        customer.created_date.as_ref().unwrap().microsecond(),
        913408
    );
    assert_eq!(
        customer.reward_card_numbers.as_deref(),
        Some(&["1231231234".to_owned()][..])
    );
    assert!(customer.is_null("birth_date"));
    assert_eq!(customer.resource_uri.as_ref().unwrap().id(), Some(2192));

    let card: RewardsCard = round_trip(include_bytes!(
        "fixtures/example-revel-rewardcard-created.json"
    ));
    assert_eq!(card.number.as_deref(), Some("123321"));
    let points = card.reward_points.as_ref().unwrap();
    assert_eq!(*points.points_by_items.as_ref().unwrap(), dec("0"));
    assert_eq!(card.created_by.as_ref().unwrap().resource(), Some("User"));

    let item: ItemAvailability =
        round_trip(include_bytes!("fixtures/example-revel-inout-stock.json"));
    assert_eq!(item.barcode.as_deref(), Some("100001009367"));
    assert_eq!(item.id, Some(622335));
    assert!(!item.instock.unwrap().get());
    // An unknown item type is kept.
    let other: ItemAvailability = round_trip(br#"{"id":1,"instock":true,"type":"ingredient"}"#);
    assert_eq!(other.kind, Some(ItemType::Other("ingredient".into())));
}
