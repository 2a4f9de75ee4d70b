//! Whatever parses re-serializes and re-parses to the same JSON: for every model,
//! `Value(input) == Value(serialize(parse(input))) == Value(serialize(parse(serialize(parse(input)))))`
//! (the first equality whenever the input is a JSON value at all).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pos_webhooks::linga::{CheckEvent, CheckEventKind};
use pos_webhooks::revel::RevelEvent;
use pos_webhooks::{flow_retail, mipos, ordergroove, parse_json};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

const REVEL_EVENT_TYPES: [&str; 8] = [
    "order.finalized",
    "customer.created",
    "customer.updated",
    "rewardcard.created",
    "inout.stock",
    "menu.updated",
    "ping",
    "timesheet.created",
];

fn value_of(bytes: &[u8], what: &str) -> Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|e| panic!("{what}: serialized output is not JSON: {e}"))
}

/// Checks the round trip of one model type.
fn model<T: Serialize + DeserializeOwned>(data: &[u8], input: Option<&Value>, what: &str) {
    let Ok(first) = parse_json::<T>(data) else {
        return;
    };
    let out1 = serde_json::to_vec(&first).unwrap_or_else(|e| panic!("{what}: serialize: {e}"));
    let v1 = value_of(&out1, what);
    if let Some(input) = input {
        assert_eq!(
            &v1, input,
            "{what}: serialized value differs from the input's"
        );
    }
    let second = parse_json::<T>(&out1).unwrap_or_else(|e| {
        panic!(
            "{what}: own output does not parse back: {e}\n{}",
            String::from_utf8_lossy(&out1)
        )
    });
    let out2 = serde_json::to_vec(&second).unwrap_or_else(|e| panic!("{what}: serialize: {e}"));
    let v2 = value_of(&out2, what);
    assert_eq!(v1, v2, "{what}: re-parsed model serializes differently");
}

fuzz_target!(|data: &[u8]| {
    let input: Option<Value> = serde_json::from_slice(data).ok();
    let input = input.as_ref();

    for event_type in REVEL_EVENT_TYPES {
        let Ok(first) = RevelEvent::parse(event_type, data) else {
            continue;
        };
        let v1 = first.to_json().expect("a parsed event serializes");
        if let Some(input) = input {
            assert_eq!(
                &v1, input,
                "revel {event_type}: value differs from the input's"
            );
        }
        let out1 = serde_json::to_vec(&v1).expect("a value serializes");
        let second = RevelEvent::parse(event_type, &out1).unwrap_or_else(|e| {
            panic!(
                "revel {event_type}: own output does not parse back: {e}\n{}",
                String::from_utf8_lossy(&out1)
            )
        });
        assert_eq!(second.event_type(), first.event_type());
        let v2 = second.to_json().expect("a parsed event serializes");
        assert_eq!(
            v1, v2,
            "revel {event_type}: re-parsed event serializes differently"
        );
    }

    model::<mipos::Order>(data, input, "mipos::Order");
    model::<mipos::MenuRequest>(data, input, "mipos::MenuRequest");
    model::<ordergroove::Envelope>(data, input, "ordergroove::Envelope");
    model::<flow_retail::Envelope>(data, input, "flow_retail::Envelope");

    if let Ok(first) =
        CheckEvent::parse(CheckEventKind::Closed, bytes::Bytes::copy_from_slice(data))
    {
        if let Some(input) = input {
            assert_eq!(first.json(), input, "linga: value differs from the input's");
        }
        let out1 = serde_json::to_vec(first.json()).expect("a value serializes");
        let second = CheckEvent::parse(CheckEventKind::Closed, out1.into())
            .expect("linga: own output parses back");
        assert_eq!(
            first.json(),
            second.json(),
            "linga: re-parsed value differs"
        );
    }
});
