//! Lossless to the byte (issue 10): the adversarial inputs round-trip exactly or fail with the
//! documented error, one duplicate-key rule everywhere, money accepts every valid spelling, and
//! a property test checks the exact oracle on every model.
#![cfg(all(
    feature = "revel",
    feature = "mipos",
    feature = "linga",
    feature = "ordergroove",
    feature = "flow_retail"
))]

use bytes::Bytes;
use pos_webhooks::linga::{CheckEvent, CheckEventKind};
use pos_webhooks::oracle::same_json;
use pos_webhooks::revel::{ItemAvailabilityHeaders, OrderAllInOne, RevelEvent};
use pos_webhooks::{
    Decimal, JsonValue, Money, ParseErrorKind, flow_retail, mipos, ordergroove, parse_json,
};
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The adversarial values of the issue, each written back byte for byte.
const EXACT: [&str; 9] = [
    "123456789012345678901234567890",
    "0.1000000000000000000001",
    "1e400",
    "-1E-400",
    "1.0",
    "-0",
    r#""\u00e9\/\ud83d\ude00""#,
    r#"{"z":1,"a":[1e999,{"b":"\n"}]}"#,
    "[0.30000000000000004,1e0000001]",
];

fn serialize<T: Serialize>(model: &T) -> String {
    serde_json::to_string(model).unwrap()
}

#[test]
fn untyped_values_are_kept_byte_for_byte() {
    for v in EXACT {
        // An unknown field of a model, an untyped known field, an unknown Revel event, an
        // unknown Ordergroove object and a Linga check.
        let body = format!(r#"{{"orderInfo":{{"registry_data":{v},"loyalty":{v}}},"x":{v}}}"#);
        let order: OrderAllInOne = parse_json(body.as_bytes()).unwrap();
        let info = order.order_info.as_ref().unwrap();
        assert_eq!(info.registry_data.as_ref().unwrap().as_str(), v);
        assert_eq!(info.extra.raw("loyalty").unwrap().as_str(), v);
        assert_eq!(order.extra.raw("x").unwrap().as_str(), v);
        let out = serialize(&order);
        assert!(out.contains(&format!(r#""loyalty":{v}"#)), "{out}");
        same_json(body.as_bytes(), out.as_bytes()).unwrap();

        let other = RevelEvent::parse("timesheet.created", body.as_bytes()).unwrap();
        assert_eq!(other.to_json().unwrap().as_str(), body);

        let og = format!(
            r#"{{"id":"1","type":"x.y","data":{{"object":{{"type":"brand_new","v":{v}}}}}}}"#
        );
        let e: ordergroove::Envelope = parse_json(og.as_bytes()).unwrap();
        assert!(matches!(e.object(), Some(ordergroove::Object::Other(_))));
        assert_eq!(serialize(&e), og);

        let check = CheckEvent::parse(CheckEventKind::Updated, Bytes::from(body.clone())).unwrap();
        assert_eq!(check.get("/x").unwrap().as_str(), v);
        assert_eq!(check.json().as_str(), body);
    }
}

#[test]
fn duplicate_keys_are_an_error_naming_the_key_everywhere() {
    let known = parse_json::<OrderAllInOne>(br#"{"orderInfo":{"id":1,"id":2}}"#).unwrap_err();
    assert_eq!(known.path(), "orderInfo");
    assert!(known.message().contains("duplicate field `id`"), "{known}");

    let unknown = parse_json::<OrderAllInOne>(br#"{"loyalty":1,"loyalty":2}"#).unwrap_err();
    assert!(
        unknown.message().contains("duplicate field `loyalty`"),
        "{unknown}"
    );

    let inside = br#"{"orderInfo":{"loyalty":{"a":1,"a":2}}}"#;
    let err = parse_json::<OrderAllInOne>(inside).unwrap_err();
    assert_eq!(err.kind(), ParseErrorKind::Data);
    assert_eq!(err.path(), "orderInfo.loyalty");
    assert!(err.message().contains("duplicate field `a` at a"), "{err}");

    let deeper = br#"{"x":{"list":[{"b":1},{"b":2,"c":{"d":0,"\u0064":1}}]}}"#;
    let err = RevelEvent::parse("timesheet.created", deeper).unwrap_err();
    assert!(
        err.message()
            .contains("duplicate field `d` at x.list[1].c.d"),
        "{err}"
    );
    let err = CheckEvent::parse(CheckEventKind::Closed, Bytes::from_static(deeper)).unwrap_err();
    assert!(err.message().contains("duplicate field `d`"), "{err}");
    let og = br#"{"id":"1","type":"x.y","data":{"object":{"type":"new","k":{"a":1,"a":1}}}}"#;
    let err = parse_json::<ordergroove::Envelope>(og).unwrap_err();
    assert!(err.message().contains("duplicate field `a`"), "{err}");
    // Many keys: checked by sorting, the duplicate still found.
    let many: Vec<String> = (0..500).map(|i| format!(r#""k{i}":{i}"#)).collect();
    let body = format!(r#"{{"v":{{{},"k7":0}}}}"#, many.join(","));
    let err = parse_json::<pos_webhooks::revel::Ping>(body.as_bytes()).unwrap_err();
    assert!(err.message().contains("duplicate field `k7`"), "{err}");
}

#[test]
fn money_accepts_every_valid_spelling() {
    for (text, value, scale) in [
        ("0e39", "0", 0),
        ("0e999999", "0", 0),
        ("0e-999999", "0", 28),
        ("-0.0e-5", "0", 6),
        ("1.00000000000000000000000000000", "1", 28),
        (
            "1.0000000000000000000000000000000000000000000000000000",
            "1",
            28,
        ),
        ("1e0000001", "10", 0),
        ("1E+0000000000000000000000000000000002", "100", 0),
        ("4.860000", "4.86", 6),
        ("486e-2", "4.86", 2),
        (
            "0.00000000000000000000000000001e1",
            "0.0000000000000000000000000001",
            28,
        ),
        (r#""0e39""#, "0", 0),
        (r#"" 1.00000000000000000000000000000 ""#, "1", 28),
    ] {
        let money: Money = serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let d = money.value().unwrap();
        assert_eq!(d, value.parse::<Decimal>().unwrap(), "{text}");
        assert_eq!(d.scale(), scale, "{text}");
        // The text is written back as received.
        assert_eq!(serde_json::to_string(&money).unwrap(), text);
    }
}

#[test]
fn unrepresentable_money_is_a_short_clear_error() {
    for text in [
        "1e400",
        "1e-29",
        "1.00000000000000000000000000001",
        "1e99999999999999999999",
    ] {
        let err = serde_json::from_str::<Money>(text).unwrap_err().to_string();
        assert!(err.starts_with("decimal out of range: "), "{text}: {err}");
    }
    let huge = format!("{{\"orderInfo\":{{\"tax\":{}}}}}", "9".repeat(10_000_000));
    let err = parse_json::<OrderAllInOne>(huge.as_bytes()).unwrap_err();
    assert_eq!(err.path(), "orderInfo.tax");
    assert!(err.message().len() < 120, "{}", err.message().len());
    assert!(err.message().contains(&"9".repeat(40)), "{err}");
    assert!(!err.message().contains(&"9".repeat(41)), "{err}");
    assert!(err.message().contains("10000000 bytes"), "{err}");
    // The same number outside money is kept, not refused.
    let big = format!("{{\"orderInfo\":{{\"x\":{}}}}}", "9".repeat(100_000));
    let order: OrderAllInOne = parse_json(big.as_bytes()).unwrap();
    assert_eq!(serialize(&order), big);
}

#[test]
fn extra_accessors() {
    let order: OrderAllInOne =
        parse_json(br#"{"loyalty":{"points":12,"tier":"gold"},"n":1e400,"s":"x"}"#).unwrap();
    assert_eq!(order.extra.len(), 3);
    assert_eq!(
        order.extra.keys().collect::<Vec<_>>(),
        ["loyalty", "n", "s"]
    );
    assert_eq!(
        order.extra.get::<String>("s").unwrap().as_deref(),
        Some("x")
    );
    assert_eq!(order.extra.get::<String>("absent").unwrap(), None);
    let err = order.extra.get::<i64>("s").unwrap_err();
    assert_eq!(err.path(), "s");
    let loyalty = order.extra.raw("loyalty").unwrap();
    assert_eq!(loyalty.get::<i64>("points").unwrap(), Some(12));
    assert_eq!(
        loyalty.as_value().unwrap(),
        serde_json::json!({"points":12,"tier":"gold"})
    );
    // `as_value` is lossy where `Value` is: 1e400 does not fit an f64.
    assert!(order.extra.raw("n").unwrap().as_value().is_err());
    assert_eq!(order.extra.get::<Money>("n").unwrap_err().path(), "n");
    let mut order = order;
    let old = order
        .extra
        .insert("s", JsonValue::from(serde_json::json!(5)));
    assert_eq!(old.unwrap().as_str(), r#""x""#);
    assert_eq!(order.extra.remove("n").unwrap().as_str(), "1e400");
    assert_eq!(
        serialize(&order),
        r#"{"loyalty":{"points":12,"tier":"gold"},"s":5}"#
    );
}

#[test]
fn deep_nesting_within_the_limit_is_kept_beyond_is_an_error() {
    let ok = format!(r#"{{"x":{}1{}}}"#, "[".repeat(100), "]".repeat(100));
    let order: OrderAllInOne = parse_json(ok.as_bytes()).unwrap();
    assert_eq!(serialize(&order), ok);
    let deep = format!(r#"{{"x":{}1{}}}"#, "[".repeat(200), "]".repeat(200));
    let err = parse_json::<OrderAllInOne>(deep.as_bytes()).unwrap_err();
    assert!(err.message().contains("recursion limit"), "{err}");
}

/// Issue 11 item 9 (second half): `ItemAvailabilityHeaders` decoded header bytes lossily (bad
/// bytes became U+FFFD). Now a header that is not UTF-8 is an error naming it.
#[test]
fn issue_11_item_9_item_availability_headers_not_lossy() {
    let headers: &[(&str, &[u8])] = &[
        ("X-Revel-Instance", b"revel\xffcustomer"),
        ("X-Revel-Event-Type", b"inout.stock"),
    ];
    let err = ItemAvailabilityHeaders::from_headers(headers).unwrap_err();
    assert_eq!(err.path(), "X-Revel-Instance");
    assert_eq!(err.message(), "not valid UTF-8");
    let headers: &[(&str, &[u8])] = &[("X-Revel-Event-Type", b"inout\xc3.stock")];
    let err = ItemAvailabilityHeaders::from_headers(headers).unwrap_err();
    assert_eq!(err.path(), "X-Revel-Event-Type");
    let headers: &[(&str, &[u8])] = &[("X-Revel-Establishment-Id", b"1\xff2")];
    let err = ItemAvailabilityHeaders::from_headers(headers).unwrap_err();
    assert_eq!(err.path(), "X-Revel-Establishment-Id");
    // Valid UTF-8 (not only ASCII) is kept exactly.
    let headers: &[(&str, &[u8])] = &[
        ("X-Revel-Instance", "café".as_bytes()),
        ("X-Revel-Establishment-Id", b" 12 "),
    ];
    let h = ItemAvailabilityHeaders::from_headers(headers).unwrap();
    assert_eq!(h.instance.as_deref(), Some("café"));
    assert_eq!(h.establishment_id, Some(12));
    assert_eq!(h.event_type, None);
}

// ---- the property test: arbitrary JSON text into every model, checked by the exact oracle ----

/// A JSON number as text: big and tiny, many digits, exponents with signs and leading zeros.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        "-?(0|[1-9][0-9]{0,45})(\\.[0-9]{1,45})?([eE][+-]?[0-9]{1,7})?",
        Just("1e400".to_owned()),
        Just("-0".to_owned()),
        Just("0e999999".to_owned()),
    ]
}

/// A JSON string as text, with escapes of every kind.
fn string() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[a-z0-9 ]{1,4}",
            Just("\\n".to_owned()),
            Just("\\\"".to_owned()),
            Just("\\\\".to_owned()),
            Just("\\/".to_owned()),
            Just("\\u0041".to_owned()),
            Just("\\ud83d\\ude00".to_owned()),
            Just("é".to_owned()),
        ],
        0..4,
    )
    .prop_map(|parts| format!("\"{}\"", parts.concat()))
}

/// Keys from a small set, so that duplicates (also spelled with escapes) are frequent.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\"a\"".to_owned()),
        Just("\"\\u0061\"".to_owned()),
        Just("\"b\"".to_owned()),
        Just("\"id\"".to_owned()),
        Just("\"price\"".to_owned()),
        "\"x_[a-z]{1,3}\"",
    ]
}

fn json_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        number(),
        string(),
        Just("true".to_owned()),
        Just("false".to_owned()),
        Just("null".to_owned()),
    ];
    leaf.prop_recursive(6, 48, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec((key(), inner), 0..5).prop_map(|members| {
                let members: Vec<String> = members
                    .into_iter()
                    .map(|(k, v)| format!("{k}:{v}"))
                    .collect();
                format!("{{{}}}", members.join(", "))
            }),
        ]
    })
}

/// `Ok(true)` when parsed and round-tripped exactly, `Ok(false)` when refused.
fn check<T: DeserializeOwned + Serialize>(input: &str) -> Result<bool, TestCaseError> {
    let Ok(model) = parse_json::<T>(input.as_bytes()) else {
        return Ok(false);
    };
    let out = serde_json::to_string(&model).unwrap();
    if let Err(e) = same_json(input.as_bytes(), out.as_bytes()) {
        return Err(TestCaseError::fail(format!(
            "{e}\n in: {input}\nout: {out}"
        )));
    }
    // Serializing is stable: the output parses back to a model that writes the same bytes.
    let again: T = parse_json(out.as_bytes()).unwrap();
    prop_assert_eq!(serde_json::to_string(&again).unwrap(), out);
    Ok(true)
}

/// Whether `text` has a duplicate key anywhere (the oracle's parser refuses them).
fn has_duplicates(text: &str) -> bool {
    pos_webhooks::oracle::parse(text.as_bytes())
        .err()
        .is_some_and(|e| e.contains("duplicate key"))
}

/// Every model on one body; returns the names of those that accepted it.
fn every_model(body: &str) -> Result<Vec<&'static str>, TestCaseError> {
    let mut accepted = Vec::new();
    let mut one = |name: &'static str, ok: bool| {
        if ok {
            accepted.push(name);
        }
    };
    one("revel order", check::<OrderAllInOne>(body)?);
    one(
        "revel customer",
        check::<pos_webhooks::revel::Customer>(body)?,
    );
    one(
        "revel rewards card",
        check::<pos_webhooks::revel::RewardsCard>(body)?,
    );
    one(
        "revel availability",
        check::<pos_webhooks::revel::ItemAvailability>(body)?,
    );
    one(
        "revel menu",
        check::<pos_webhooks::revel::MenuChanged>(body)?,
    );
    one("revel ping", check::<pos_webhooks::revel::Ping>(body)?);
    one("mipos order", check::<mipos::Order>(body)?);
    one("mipos menu", check::<mipos::MenuRequest>(body)?);
    one("ordergroove", check::<ordergroove::Envelope>(body)?);
    one("flow retail", check::<flow_retail::Envelope>(body)?);
    one("json value", check::<JsonValue>(body)?);
    if let Ok(e) = RevelEvent::parse("timesheet.created", body.as_bytes()) {
        let json = e.to_json().unwrap();
        prop_assert_eq!(json.as_str(), body);
        one("revel other", true);
    }
    if let Ok(e) = CheckEvent::parse(CheckEventKind::Opened, Bytes::from(body.to_owned())) {
        prop_assert_eq!(e.json().as_str(), body.trim());
        one("linga", true);
    }
    Ok(accepted)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_in_every_model_round_trips_exactly(value in json_text()) {
        let duplicates = has_duplicates(&value);
        // The value as a whole body, and inside each model where untyped values go.
        let bodies = [
            value.clone(),
            format!(r#"{{"orderInfo":{{"registry_data":{value},"x":{value}}},"items":[{{"devices":{value},"y":{value}}}]}}"#),
            format!(r#"{{"id":"e1","type":"order.success","data":{{"object":{{"type":"order","extra_data":{value},"z":{value}}},"context":{value}}},"snapshot":{value}}}"#),
            format!(r#"{{"id":"e2","type":"x.y","data":{{"object":{{"type":"Other","v":{value}}}}}}}"#),
            format!(r#"{{"external_id":"o1","extra":{value},"items":[{{"x":{value}}}]}}"#),
            format!(r#"{{"action":"ORDER_SETTLED","store":{{"Id":1,"q":{value}}},"q":{value}}}"#),
        ];
        let expected = ["json value", "revel order", "ordergroove", "ordergroove", "mipos order", "flow retail"];
        for (i, body) in bodies.iter().enumerate() {
            let accepted = every_model(body)?;
            if duplicates {
                // One rule: no model keeps a body with a duplicate key.
                prop_assert!(accepted.is_empty(), "body {i} with a duplicate key was accepted by {accepted:?}: {body}");
            } else {
                prop_assert!(accepted.contains(&expected[i]), "body {i} refused by {}: {body}", expected[i]);
                prop_assert!(accepted.contains(&"linga") && accepted.contains(&"revel other"));
            }
        }
    }
}

/// The examples of `notes/lossless.md`'s README part, run as a test.
#[test]
fn readme_examples() -> Result<(), Box<dyn std::error::Error>> {
    let order: OrderAllInOne = parse_json(
        br#"{"orderInfo":{"id":7,"loyalty":{"points":12,"balance":"4.50"}},"big":123456789012345678901234567890}"#,
    )?;
    let info = order.order_info.as_ref().unwrap();
    let loyalty = info.extra.raw("loyalty").unwrap();
    assert_eq!(loyalty.get::<i64>("points")?, Some(12));
    assert_eq!(
        loyalty
            .get::<Money>("balance")?
            .unwrap()
            .value()
            .unwrap()
            .to_string(),
        "4.50"
    );
    assert_eq!(info.extra.get::<String>("absent")?, None);
    assert!(serde_json::to_string(&order)?.contains(r#""big":123456789012345678901234567890"#));

    let m: Money = serde_json::from_str("1.00000000000000000000000000000")?;
    assert_eq!(
        m.value().unwrap().to_string(),
        "1.0000000000000000000000000000"
    );
    assert_eq!(
        serde_json::to_string(&m)?,
        "1.00000000000000000000000000000"
    );
    let err = serde_json::from_str::<Money>("1e400").unwrap_err();
    assert!(err.to_string().starts_with("decimal out of range"));
    Ok(())
}
