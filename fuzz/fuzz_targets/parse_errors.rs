//! The error path alone: arbitrary bytes into one parser (chosen by the first byte, see
//! `common.rs`) through `parse_json` / `RevelEvent::parse`, which explain a failure by parsing
//! again with path tracking. Asserts that the explained parse fails exactly when the plain parse
//! fails (the explainer never disagrees), and that every error displays with its parts.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use pos_webhooks::linga::{CheckEvent, CheckEventKind};
use pos_webhooks::revel::RevelEvent;
use pos_webhooks::{JsonValue, ParseError, flow_retail, mipos, ordergroove, parse_json};
use serde::de::DeserializeOwned;

fn error(err: &ParseError) {
    let text = err.to_string();
    assert!(text.starts_with(err.path()), "{text}");
    let _ = (err.kind(), err.line(), err.column(), err.message());
}

fn both<T: DeserializeOwned>(body: &[u8]) {
    let plain = serde_json::from_slice::<T>(body).is_ok();
    match parse_json::<T>(body) {
        Ok(_) => assert!(plain, "parse_json accepted what serde_json refused"),
        Err(e) => {
            assert!(!plain, "parse_json refused what serde_json accepted: {e}");
            error(&e);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((parser, body)) = common::split(data) else {
        return;
    };
    match parser {
        0..=6 => {
            if let Err(e) = RevelEvent::parse(common::REVEL_EVENT_TYPES[parser], body) {
                error(&e);
            }
        }
        7 => both::<mipos::Order>(body),
        8 => both::<mipos::MenuRequest>(body),
        9 => both::<ordergroove::Envelope>(body),
        10 => both::<flow_retail::Envelope>(body),
        11 => {
            if let Err(e) = CheckEvent::parse(CheckEventKind::Closed, bytes::Bytes::copy_from_slice(body)) {
                error(&e);
            }
        }
        _ => both::<JsonValue>(body),
    }
});
