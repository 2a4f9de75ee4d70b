//! miPOS, Ordergroove, Flow Retail and Linga fixtures (tests/fixtures/README.md says where each
//! came from): field values and round trips.
#![cfg(all(
    feature = "mipos",
    feature = "linga",
    feature = "ordergroove",
    feature = "flow_retail"
))]

use pos_webhooks::flow_retail::{Action, Envelope as FlowEnvelope};
use pos_webhooks::linga::{CheckEvent, CheckEventKind};
use pos_webhooks::mipos::{MenuRequest, Order as MiposOrder};
use pos_webhooks::ordergroove::{Envelope, Object};
use pos_webhooks::{Decimal, ParseErrorKind, parse_json};
use serde_json::Value;

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(bytes: &[u8]) -> T {
    let model: T = parse_json(bytes).unwrap();
    let original: Value = serde_json::from_slice(bytes).unwrap();
    assert_eq!(serde_json::to_value(&model).unwrap(), original);
    model
}

#[test]
fn mipos_order() {
    let order: MiposOrder = round_trip(include_bytes!("fixtures/example-mipos-order.json"));
    assert_eq!(order.total, Some(25800));
    assert_eq!(order.store(), Some("3"));
    assert_eq!(order.amount_due(), Some(25000));
    assert_eq!(order.items_total(), Some(25800));
    let item = &order.items.as_ref().unwrap()[0];
    assert_eq!(item.modifiers.as_ref().unwrap()[1].unit_value, Some(2000));
    // The webhook names the store external_store_id, and it is written back under that key.
    let webhook = br#"{"external_id":"a","external_store_id":"77","total":100,"items":[]}"#;
    let order: MiposOrder = round_trip(webhook);
    assert_eq!(order.store(), Some("77"));
    assert!(
        serde_json::to_string(&order)
            .unwrap()
            .contains("external_store_id")
    );
    // Money is integer minor units: a fraction is an error, not a rounding.
    let err = parse_json::<MiposOrder>(br#"{"total": 258.5}"#).unwrap_err();
    assert_eq!(err.path(), "total");
    let menu: MenuRequest = round_trip(br#"{"store_id":"3"}"#);
    assert_eq!(menu.store_id.as_deref(), Some("3"));
    assert!(
        parse_json::<MenuRequest>(b"{}")
            .unwrap_err()
            .to_string()
            .contains("store_id")
    );
}

#[test]
fn ordergroove_envelopes() {
    let e: Envelope = round_trip(include_bytes!(
        "fixtures/example-ordergroove-order.success.json"
    ));
    assert_eq!(e.event_type.as_deref(), Some("order.success"));
    assert_eq!(e.group(), Some("order"));
    assert_eq!(e.created, Some(1622589211));
    let Some(Object::Order(order)) = e.object() else {
        panic!("not an order")
    };
    assert_eq!(
        *order.total.as_ref().unwrap(),
        "0.00".parse::<Decimal>().unwrap()
    );
    assert_eq!(order.status_display.as_deref(), Some("Unsent"));

    let e: Envelope = round_trip(include_bytes!(
        "fixtures/example-ordergroove-subscription.create.json"
    ));
    let Some(Object::Subscription(s)) = e.object() else {
        panic!("not a subscription")
    };
    assert_eq!(s.frequency_days, Some(56));
    assert!(s.is_null("price"));

    let e: Envelope = round_trip(include_bytes!(
        "fixtures/example-ordergroove-subscriber.create.json"
    ));
    let Some(Object::Subscriber(s)) = e.object() else {
        panic!("not a subscriber")
    };
    assert_eq!(s.locale_display.as_deref(), Some("en-us"));

    let e: Envelope = round_trip(include_bytes!(
        "fixtures/example-ordergroove-item.create.json"
    ));
    let Some(Object::Item(i)) = e.object() else {
        panic!("not an item")
    };
    assert_eq!(i.product.as_deref(), Some("SKUabc"));

    // An unknown object type is kept as JSON, and a snapshot rides along untouched.
    let snapshot: Value =
        serde_json::from_slice(include_bytes!("fixtures/example-ordergroove-snapshot.json"))
            .unwrap();
    let body = serde_json::json!({"id":"e1","type":"offer.create","created":1,
        "data":{"object":{"type":"offer","x":1}},"snapshot":snapshot});
    let e: Envelope = round_trip(&serde_json::to_vec(&body).unwrap());
    assert!(matches!(e.object(), Some(Object::Other(_))));
    // A missing type is named.
    let err = parse_json::<Envelope>(br#"{"id":"x"}"#).unwrap_err();
    assert!(err.to_string().contains("missing field `type`"), "{err}");
}

#[test]
fn flow_retail_envelopes() {
    for (file, action) in [
        (
            &include_bytes!("fixtures/example-flowretail-ORDER_SETTLED.json")[..],
            Action::ORDER_SETTLED,
        ),
        (
            include_bytes!("fixtures/example-flowretail-ORDER_DELIVERED.json"),
            Action::ORDER_DELIVERED,
        ),
        (
            include_bytes!("fixtures/example-flowretail-ORDER_HANDLING_STATE_CHANGED.json"),
            Action::ORDER_HANDLING_STATE_CHANGED,
        ),
        (
            include_bytes!("fixtures/example-flowretail-CUSTOMER_CREATE.json"),
            Action::CUSTOMER_CREATE,
        ),
    ] {
        let e: FlowEnvelope = round_trip(file);
        assert_eq!(e.action.as_ref(), Some(&action));
        assert_eq!(e.tenant.as_ref().unwrap().id, Some(7));
    }
    let e: FlowEnvelope = round_trip(include_bytes!(
        "fixtures/example-flowretail-ORDER_SETTLED.json"
    ));
    assert_eq!(e.store.unwrap().uid.as_deref(), Some("70"));
    assert_eq!(e.order.unwrap().id, Some(7123));
    assert_eq!(
        Action::ORDER_RECEIPT_SETTLED.dotted(),
        "order.receipt_settled"
    );
    assert_eq!(
        Action::from_dotted("order.receipt_settled"),
        Action::ORDER_RECEIPT_SETTLED
    );
    let unknown: FlowEnvelope = round_trip(br#"{"action":"GIFTCARD_ISSUED","giftcard":{"Id":1}}"#);
    assert!(!unknown.action.unwrap().is_known());
}

#[test]
fn linga_checks_are_bytes_plus_json() {
    let body = bytes::Bytes::from_static(br#"{"checkNumber":1001,"items":[{"name":"Tea"}]}"#);
    let e = CheckEvent::parse(CheckEventKind::Opened, body.clone()).unwrap();
    assert_eq!(e.body(), &body);
    assert_eq!(
        e.get("/items/0/name").unwrap().parse::<String>().unwrap(),
        "Tea"
    );
    assert_eq!(
        CheckEventKind::from_event_type("order.updated"),
        Some(CheckEventKind::Updated)
    );
    let err = CheckEvent::parse(
        CheckEventKind::Closed,
        bytes::Bytes::from_static(b"{\"a\":"),
    )
    .unwrap_err();
    assert_eq!(err.kind(), ParseErrorKind::Eof);
}
