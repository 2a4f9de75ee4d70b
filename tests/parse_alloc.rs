//! Heap allocations of the lossless parse, counted with the counting allocator of
//! `tests/support/counting.rs`, beside `serde_json::Value` on the same input: the Revel
//! finalized-order and miPOS order fixtures, and the inputs of `benches/parse.rs` (the same
//! orders grown to about 9 KiB and 4 KiB). Run with `--nocapture` for the counts.
//!
//! Asserted: bounds on the Revel order's count (money with a canonical text keeps no copy of
//! it, a Revel date-time allocates nothing), fewer than a third of `Value`'s; fewer than
//! `Value`'s for miPOS; every money text written back exactly, kept or rebuilt.

#![cfg(all(feature = "revel", feature = "mipos"))]

use pos_webhooks::{JsonValue, Money, mipos, revel};
use serde_json::Value;

#[path = "support/counting.rs"]
mod counting;

use counting::count_bytes;

const REVEL: &[u8] = include_bytes!("fixtures/example-revel-order-finalized.json");
const MIPOS: &[u8] = include_bytes!("fixtures/example-mipos-order.json");

/// `seed` with copies of its first item appended until it is at least `target` bytes of
/// compact JSON: the inputs of `benches/parse.rs`.
fn grow(seed: &[u8], target: usize, renumber: impl Fn(&mut Value, usize)) -> Vec<u8> {
    let seed: Value = serde_json::from_slice(seed).unwrap();
    let mut order = seed.clone();
    let item = seed["items"][0].clone();
    while serde_json::to_vec(&order).map_or(0, |v| v.len()) < target {
        let items = order["items"].as_array_mut().unwrap();
        let mut next = item.clone();
        renumber(&mut next, items.len());
        items.push(next);
    }
    serde_json::to_vec(&order).unwrap()
}

fn revel_bench() -> Vec<u8> {
    grow(REVEL, 9 * 1024, |item, n| {
        item["id"] = Value::from(1630 + n)
    })
}

fn mipos_bench() -> Vec<u8> {
    grow(MIPOS, 4 * 1024, |item, n| {
        item["external_id"] = Value::from((13753 + n).to_string())
    })
}

/// (allocations, bytes) of parsing `body` into `T` and into a `Value`; checks that the model
/// is still lossless.
fn counts<T: serde::de::DeserializeOwned + serde::Serialize>(
    what: &str,
    body: &[u8],
) -> (usize, usize) {
    let (model, ours, ours_bytes) = count_bytes(|| serde_json::from_slice::<T>(body).unwrap());
    let out = serde_json::to_vec(&model).unwrap();
    pos_webhooks::oracle::same_json(body, &out).unwrap();
    let (_, value, value_bytes) = count_bytes(|| serde_json::from_slice::<Value>(body).unwrap());
    println!(
        "{what} ({} bytes): {ours} allocations, {ours_bytes} bytes (serde_json::Value: {value}, {value_bytes} bytes)",
        body.len()
    );
    (ours, value)
}

#[test]
fn revel_order_parse_allocations() {
    // 130 and 174 before money texts were kept only when not canonical and date-times inline;
    // 112 and 152 before money texts were read borrowed from the input (56 and 71 after).
    let (ours, value) = counts::<revel::OrderAllInOne>("revel order fixture", REVEL);
    assert!(ours <= 60, "revel order: {ours} allocations");
    assert!(ours * 3 < value, "revel order: {ours} vs Value {value}");
    let (ours, value) = counts::<revel::OrderAllInOne>("revel order bench", &revel_bench());
    assert!(ours <= 75, "revel order: {ours} allocations");
    assert!(ours * 3 < value, "revel order: {ours} vs Value {value}");
}

#[test]
fn mipos_order_parse_allocations() {
    let (ours, value) = counts::<mipos::Order>("mipos order fixture", MIPOS);
    assert!(ours < value, "mipos order: {ours} vs Value {value}");
    let (ours, value) = counts::<mipos::Order>("mipos order bench", &mipos_bench());
    assert!(ours < value, "mipos order: {ours} vs Value {value}");
}

#[test]
fn money_and_scalar_values() {
    for text in [
        "4.86",
        "0.0",
        "-12",
        "\"4.860000\"",
        "\"0\"",
        "\"\"",
        "null",
        "4.8600e0",
        "-0",
        "\" 4.86\"",
        "\"4\\u002e86\"",
        "1E2",
        "\"+1\"",
    ] {
        let (money, n, _) = count_bytes(|| serde_json::from_str::<Money>(text).unwrap());
        println!("Money {text}: {n} allocations");
        assert_eq!(serde_json::to_string(&money).unwrap(), text);
    }
    for text in [
        "null",
        "true",
        "12345",
        "-1.5e300",
        "\"{short}\"",
        "\"\\u00e9\"",
        "[1,{\"a\":2}]",
    ] {
        let (value, n, _) = count_bytes(|| serde_json::from_str::<JsonValue>(text).unwrap());
        println!("JsonValue {text}: {n} allocations");
        assert_eq!(value.as_str(), text);
        assert_eq!(serde_json::to_string(&value).unwrap(), text);
    }
}

/// Every money text is written back as received, whether it is kept (not canonical) or
/// rebuilt from the value and form (canonical); canonical texts cost no allocation.
#[test]
fn money_texts_written_back_exactly() {
    let texts = [
        "0",
        "-0",
        "0.0",
        "-0.0",
        "1",
        "-1",
        "10",
        "4.86",
        "4.860",
        "-4.86",
        "0.05",
        "1e2",
        "1E2",
        "1.5e-3",
        "1.0e0",
        "-0.000",
        "999999999999999999",
        "1000000000000000000",
        "12345678901234567890123456789.5",
        "0.0000000000000000000000000001",
        "0.00000000000000000000000000010",
        "0.000000000000000000000000000000",
        "170141183460469231731687303715884105727",
        "-170141183460469231731687303715884105728",
        "\"4.86\"",
        "\"-0\"",
        "\"+1\"",
        "\" 4.86\"",
        "\"4.86 \"",
        "\"04.86\"",
        "\".5\"",
        "\"5.\"",
        "\"4\\u002e86\"",
        "\"\"",
        "null",
        "\"1e2\"",
        "\"0.000000\"",
        "\"-0.000001\"",
        "\"007\"",
        "\"0\"",
        "\"-12.5\"",
    ];
    for text in texts {
        let (parsed, n, _) = count_bytes(|| serde_json::from_str::<Money>(text));
        let Ok(money) = parsed else {
            continue;
        };
        assert_eq!(serde_json::to_string(&money).unwrap(), text, "{text}");
        // A deserializer that cannot lend its input (a reader) gives the same money.
        let read: Money = serde_json::from_reader(text.as_bytes()).unwrap();
        assert_eq!(read, money, "{text}");
        assert_eq!(serde_json::to_string(&read).unwrap(), text, "{text}");
        // The text is borrowed from the input, and copied only when kept (the text, then a box
        // of its own); an escaped string is unescaped first.
        assert!(
            n <= if text.contains('\\') { 4 } else { 2 },
            "{text}: {n} allocations"
        );
        let rebuilt = match (money.value(), money.form()) {
            (Some(value), Some(pos_webhooks::MoneyForm::Number)) => Money::number(value),
            (Some(value), _) => Money::string(value),
            (None, _) if money.is_null() => Money::null(),
            (None, _) => Money::empty(),
        };
        assert_eq!(rebuilt, money, "{text}");
        if serde_json::to_string(&rebuilt).unwrap() == text {
            // Canonical: nothing kept, nothing allocated.
            assert_eq!(n, 0, "{text}: canonical, {n} allocations");
        }
        let again: Money = serde_json::from_str(&serde_json::to_string(&rebuilt).unwrap()).unwrap();
        assert_eq!(again, rebuilt, "{text}");
    }
}
