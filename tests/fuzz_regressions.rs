//! Inputs of the fuzz targets' checks that failed (FUZZING.md), kept as regression tests.
#![cfg(feature = "revel")]

use pos_webhooks::Decimal;
use pos_webhooks::revel::OrderAllInOne;

/// Made by hand for the fuzz target `parse` (FUZZING.md): a price of -2^64 times a quantity of
/// 2^63 is exactly i128::MIN, whose text did not parse back ("out of range"), breaking
/// Display → parse.
#[test]
fn parse_decimal_i128_min() {
    let input = include_bytes!("fuzz_regressions/parse-decimal-i128-min.bin");
    let order: OrderAllInOne = pos_webhooks::parse_json(input).unwrap();
    let total = order.items_total().unwrap();
    assert_eq!(total.mantissa(), i128::MIN);
    let again: Decimal = total.to_string().parse().unwrap();
    assert_eq!(again, total);
    assert_eq!(
        total.to_string(),
        "-170141183460469231731687303715884105728"
    );
    // One more is out of range, as an error.
    assert!(
        "-170141183460469231731687303715884105729"
            .parse::<Decimal>()
            .is_err()
    );
    assert!(
        "170141183460469231731687303715884105728"
            .parse::<Decimal>()
            .is_err()
    );
    assert_eq!(
        "170141183460469231731687303715884105727"
            .parse::<Decimal>()
            .unwrap()
            .mantissa(),
        i128::MAX
    );
}

/// Found by the fuzz target `filter`: a pattern with `*` among other alternatives matched like
/// `*` but did not equal the filter parsed from its own canonical pattern (`*`).
#[test]
fn filter_star_redundant() {
    let input = include_bytes!("fuzz_regressions/filter-star-redundant.bin");
    let text = String::from_utf8_lossy(input);
    let pattern = text.split('\0').next().unwrap();
    let filter = pos_webhooks::EventFilter::parse(pattern).unwrap();
    assert_eq!(filter.pattern(), "*");
    assert_eq!(
        pos_webhooks::EventFilter::parse(&filter.pattern()).unwrap(),
        filter
    );
    assert!(filter.matches("anything", None));
}

/// Found by the fuzz target `round_trip` (FUZZING.md; selector 0x84: `RewardsCard`): an unknown
/// field kept as text (`JsonValue`) took a broken `\u` surrogate pair (`\ud83d\ud200`), which
/// `serde_json::Value` and a plain `String` refuse, so the kept text could not be read back as
/// JSON. Now refused with serde_json's own message, like every other invalid string.
#[test]
fn round_trip_broken_surrogate() {
    let input = include_bytes!("fuzz_regressions/round-trip-broken-surrogate.bin");
    let (selector, body) = input.split_first().unwrap();
    assert_eq!(
        selector % 13,
        2,
        "the RewardsCard parser of fuzz/fuzz_targets/common.rs"
    );
    assert!(serde_json::from_slice::<serde_json::Value>(body).is_err());
    let error = serde_json::from_slice::<pos_webhooks::revel::RewardsCard>(body).unwrap_err();
    assert!(error.to_string().contains("surrogate"), "{error}");
    let error = serde_json::from_slice::<pos_webhooks::JsonValue>(body).unwrap_err();
    assert!(error.to_string().contains("surrogate"), "{error}");
    // A valid pair is kept, byte for byte.
    let good = br#"{"state":"\ud83d\ude00"}"#;
    let value: pos_webhooks::JsonValue = serde_json::from_slice(good).unwrap();
    assert_eq!(serde_json::to_vec(&value).unwrap(), good);
}

/// Found by the fuzz target `verify` (FUZZING.md): the harness signed again with the first
/// header's value as the message id, and expected success for an id of 270 visible characters.
/// Standard Webhooks refuses an id over `MAX_MESSAGE_ID_BYTES` by name, never truncated; the
/// schemes that sign no id ignore it.
#[test]
fn verify_standard_long_id() {
    use pos_webhooks::{MAX_MESSAGE_ID_BYTES, Message, Scheme, SignError, Signer};
    let input = include_bytes!("fuzz_regressions/verify-standard-long-id.bin");
    let text = String::from_utf8_lossy(input);
    let start = text.find("t=").unwrap();
    let end = text.rfind("{}").unwrap();
    let id = &text[start..end];
    assert!(id.len() > MAX_MESSAGE_ID_BYTES);
    assert!(!id.contains('.') && id.bytes().all(|b| b.is_ascii_graphic()));
    let message = Message::new(b"{}").id(id).timestamp(1_700_000_000);
    let standard = Signer::new(Scheme::Standard, ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]);
    assert_eq!(
        standard.unwrap().sign(&message).unwrap_err(),
        SignError::InvalidId("longer than 128 bytes")
    );
    let stripe = Signer::new(Scheme::Stripe, ["whsec_test"]).unwrap();
    assert!(stripe.sign(&message).is_ok());
}
