//! Bad input never panics a parser and always gets a specific error; unknown fields survive.
#![cfg(all(
    feature = "revel",
    feature = "mipos",
    feature = "ordergroove",
    feature = "flow_retail"
))]

use pos_webhooks::revel::{OrderAllInOne, RevelEvent};
use pos_webhooks::{ParseErrorKind, mipos, ordergroove, parse_json};
use proptest::prelude::*;
use serde_json::Value;

const EVENTS: [&str; 8] = [
    "order.finalized",
    "customer.created",
    "customer.updated",
    "rewardcard.created",
    "inout.stock",
    "menu.updated",
    "ping",
    "timesheet.created",
];

#[test]
fn specific_errors() {
    let err = parse_json::<OrderAllInOne>(b"{\"orderInfo\": {\"notes\": \"\xff\"}}").unwrap_err();
    assert_eq!(err.kind(), ParseErrorKind::Syntax);
    let err = parse_json::<OrderAllInOne>(br#"{"orderInfo": {"final_total": 4.8"#).unwrap_err();
    assert_eq!(err.kind(), ParseErrorKind::Eof);
    let deep = format!(
        "{{\"orderInfo\":{{\"x\":{}{}}}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let err = parse_json::<OrderAllInOne>(deep.as_bytes()).unwrap_err();
    assert!(err.message().contains("recursion limit"), "{err}");
    let err =
        parse_json::<OrderAllInOne>(br#"{"orderInfo": {"final_total": "4,86"}}"#).unwrap_err();
    assert_eq!(err.path(), "orderInfo.final_total");
    assert!(err.line() >= 1 && err.column() > 1);
    let err = parse_json::<OrderAllInOne>(br#"{"items": [{}, {"created_date": "yesterday"}]}"#)
        .unwrap_err();
    assert_eq!(err.path(), "items[1].created_date");
    let err = parse_json::<OrderAllInOne>(b"{\"a\":1} x").unwrap_err();
    assert_eq!(err.kind(), ParseErrorKind::Syntax);
    // Not RFC 8259: trailing commas, single quotes.
    assert!(parse_json::<OrderAllInOne>(br#"{"items": [],}"#).is_err());
    assert!(parse_json::<OrderAllInOne>(b"{'items': []}").is_err());
    // A wrong top-level type is named.
    let err = parse_json::<OrderAllInOne>(b"[]").unwrap_err();
    assert!(err.message().contains("invalid type"), "{err}");
    // Money never rounds: too many digits is an error.
    let err = parse_json::<OrderAllInOne>(
        br#"{"orderInfo":{"tax":1.00000000000000000000000000000000001}}"#,
    )
    .unwrap_err();
    assert!(err.message().contains("out of range"), "{err}");
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn unknown_fields_survive_a_round_trip(extra in prop::collection::btree_map("x_[a-z]{1,8}", json_value(), 0..5)) {
        let mut order: Value = serde_json::from_slice(include_bytes!("fixtures/example-revel-order-finalized.json")).unwrap();
        for (k, v) in &extra {
            order["orderInfo"][k] = v.clone();
            order["items"][0][k] = v.clone();
            order[k] = v.clone();
        }
        let bytes = serde_json::to_vec(&order).unwrap();
        let model: OrderAllInOne = parse_json(&bytes).unwrap();
        prop_assert_eq!(serde_json::to_value(&model).unwrap(), order);

        let mut og: Value = serde_json::from_slice(include_bytes!("fixtures/example-ordergroove-order.success.json")).unwrap();
        for (k, v) in &extra {
            og["data"]["object"][k] = v.clone();
        }
        let model: ordergroove::Envelope = parse_json(&serde_json::to_vec(&og).unwrap()).unwrap();
        prop_assert_eq!(serde_json::to_value(&model).unwrap(), og);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        for event in EVENTS {
            let _ = RevelEvent::parse(event, &bytes);
        }
        let _ = parse_json::<mipos::Order>(&bytes);
        let _ = parse_json::<ordergroove::Envelope>(&bytes);
        let _ = parse_json::<pos_webhooks::flow_retail::Envelope>(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(value in json_value()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        for event in EVENTS {
            if let Ok(e) = RevelEvent::parse(event, &bytes) {
                // Whatever parses re-serializes to the same value.
                prop_assert_eq!(serde_json::from_str::<Value>(e.to_json().unwrap().as_str()).unwrap(), value.clone());
            }
        }
        if let Ok(o) = parse_json::<ordergroove::Envelope>(&bytes) {
            prop_assert_eq!(serde_json::to_value(&o).unwrap(), value.clone());
        }
        if let Ok(o) = parse_json::<mipos::Order>(&bytes) {
            prop_assert_eq!(serde_json::to_value(&o).unwrap(), value.clone());
        }
    }
}
