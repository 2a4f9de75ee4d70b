//! Whatever parses writes back the same JSON, by the exact oracle (`pos_webhooks::oracle`):
//! token by token, numbers as exact decimal values, strings after unescaping, object members by
//! key, never through `serde_json::Value`. One parser per input (the first byte, see
//! `common.rs`). Also: the output parses again and writes the same bytes; untyped bodies (an
//! unknown Revel event, a Linga check, a `JsonValue`) come back byte for byte.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use pos_webhooks::linga::{CheckEvent, CheckEventKind};
use pos_webhooks::oracle::same_json;
use pos_webhooks::revel::{
    Customer, ItemAvailability, MenuChanged, OrderAllInOne, Ping, RevelEvent, RewardsCard,
};
use pos_webhooks::{JsonValue, flow_retail, mipos, ordergroove};
use serde::Serialize;
use serde::de::DeserializeOwned;

fn model<T: Serialize + DeserializeOwned>(body: &[u8], what: &str) {
    let Ok(first) = serde_json::from_slice::<T>(body) else {
        return;
    };
    let out1 = serde_json::to_vec(&first).unwrap_or_else(|e| panic!("{what}: serialize: {e}"));
    if let Err(e) = same_json(body, &out1) {
        panic!(
            "{what}: the output differs from the input {e}\n in: {}\nout: {}",
            String::from_utf8_lossy(body),
            String::from_utf8_lossy(&out1)
        );
    }
    let second = serde_json::from_slice::<T>(&out1).unwrap_or_else(|e| {
        panic!(
            "{what}: own output does not parse back: {e}\n{}",
            String::from_utf8_lossy(&out1)
        )
    });
    let out2 = serde_json::to_vec(&second).unwrap_or_else(|e| panic!("{what}: serialize: {e}"));
    assert_eq!(out1, out2, "{what}: the re-parsed model writes different bytes");
}

fuzz_target!(|data: &[u8]| {
    let Some((parser, body)) = common::split(data) else {
        return;
    };
    let what = common::PARSERS[parser];
    match parser {
        0 => model::<OrderAllInOne>(body, what),
        1 => model::<Customer>(body, what),
        2 => model::<RewardsCard>(body, what),
        3 => model::<ItemAvailability>(body, what),
        4 => model::<MenuChanged>(body, what),
        5 => model::<Ping>(body, what),
        6 => {
            if let Ok(event) = RevelEvent::parse("timesheet.created", body) {
                let json = event.to_json().expect("an unknown event writes back");
                assert_eq!(json.as_str().as_bytes(), body.trim_ascii(), "{what}");
            }
        }
        7 => model::<mipos::Order>(body, what),
        8 => model::<mipos::MenuRequest>(body, what),
        9 => model::<ordergroove::Envelope>(body, what),
        10 => model::<flow_retail::Envelope>(body, what),
        11 => {
            if let Ok(e) = CheckEvent::parse(CheckEventKind::Closed, bytes::Bytes::copy_from_slice(body)) {
                assert_eq!(e.json().as_str().as_bytes(), body.trim_ascii(), "{what}");
            }
        }
        _ => {
            model::<JsonValue>(body, what);
            if let Ok(v) = serde_json::from_slice::<JsonValue>(body) {
                assert_eq!(serde_json::to_vec(&v).unwrap(), body.trim_ascii(), "{what}");
            }
        }
    }
});
