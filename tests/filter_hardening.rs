//! Filter hardening (issue 11 items 5 and 6, issue 10 item 4, issue 8 item 4): patterns that
//! collide under the old unseeded FNV-1a hash, size limits, strict JSON, the empty pattern and
//! Flow Retail's action names.

use pos_webhooks::{EventFilter, FilterError, MAX_ALTERNATIVES, MAX_NAME_BYTES, MAX_PATTERN_BYTES};

/// The hash the filter used to key its tables with (64-bit FNV-1a, fixed offset basis).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// `count` distinct valid names `grp.aNNN` whose FNV-1a hashes share their low 12 bits: in a
/// table keyed by that hash with up to 4096 buckets they all land in one bucket.
fn colliding_names(count: usize) -> Vec<String> {
    let target = fnv1a(b"grp.a0") & 0xfff;
    (0u64..)
        .map(|i| format!("grp.a{i}"))
        .filter(|name| fnv1a(name.as_bytes()) & 0xfff == target)
        .take(count)
        .collect()
}

#[test]
fn item5_filter_hashing_made_quadratic() {
    let names = colliding_names(256);
    assert_eq!(names.len(), 256);
    let low = |n: &String| fnv1a(n.as_bytes()) & 0xfff;
    assert!(names.iter().all(|n| low(n) == low(&names[0])));
    let filter = EventFilter::parse(&names.join("|")).unwrap();
    for name in &names {
        assert!(filter.matches(name, None), "{name}");
    }
    // A colliding name that is not in the filter misses.
    let more = colliding_names(300);
    for absent in &more[256..] {
        assert!(!filter.matches(absent, None), "{absent}");
    }
    assert!(!filter.matches("grp.other", None));
    assert_eq!(filter.pattern().split('|').count(), 256);

    // The issue's 1.2 MB pattern is refused outright, before any name is looked at.
    let huge = vec!["grp.a0"; 200_000].join("|");
    assert_eq!(huge.len(), 1_399_999);
    assert_eq!(
        EventFilter::parse(&huge),
        Err(FilterError::TooLong {
            len: 1_399_999,
            max: MAX_PATTERN_BYTES
        })
    );
    // ... also through endpoint JSON.
    let json = format!(r#"{{"pattern":"{huge}"}}"#);
    let err = serde_json::from_str::<EventFilter>(&json)
        .unwrap_err()
        .to_string();
    assert!(err.contains("more than the 65536 allowed"), "{err}");
}

#[test]
fn filter_size_limits() {
    assert_eq!(MAX_PATTERN_BYTES, 65_536);
    assert_eq!(MAX_ALTERNATIVES, 1_024);
    assert_eq!(MAX_NAME_BYTES, 128);

    // Alternatives: exactly the limit parses, one more does not (parse and from_names).
    let names: Vec<String> = (0..MAX_ALTERNATIVES).map(|i| format!("g.a{i}")).collect();
    let filter = EventFilter::parse(&names.join("|")).unwrap();
    assert!(filter.matches("g.a1023", None));
    assert!(EventFilter::from_names(&names).is_ok());
    let mut over = names.clone();
    over.push("g.extra".into());
    let too_many = Err(FilterError::TooManyAlternatives {
        max: MAX_ALTERNATIVES,
    });
    assert_eq!(EventFilter::parse(&over.join("|")), too_many);
    assert_eq!(EventFilter::from_names(&over), too_many);

    // One alternative: 128 bytes parse, 129 do not (names and groups).
    let name = format!("g.{}", "a".repeat(MAX_NAME_BYTES - 2));
    assert_eq!(name.len(), MAX_NAME_BYTES);
    assert!(EventFilter::parse(&name).unwrap().matches(&name, None));
    let long = format!("{name}b");
    assert_eq!(
        EventFilter::parse(&format!("x.y|{long}")),
        Err(FilterError::AlternativeTooLong {
            index: 1,
            len: 129,
            max: MAX_NAME_BYTES
        })
    );
    let group = format!("{}.*", "g".repeat(MAX_NAME_BYTES - 1));
    assert!(matches!(
        EventFilter::parse(&group),
        Err(FilterError::AlternativeTooLong {
            index: 0,
            len: 129,
            ..
        })
    ));
    // A longer event name still matches a group.
    let filter = EventFilter::parse("order.*").unwrap();
    assert!(filter.matches(&format!("order.{}", "x".repeat(500)), None));
    assert!(filter.matches(&format!("ORDER_{}", "X".repeat(500)), None));
    assert!(!filter.matches(&format!("ORDERS_{}", "X".repeat(500)), None));

    // The whole pattern: exactly 64 KiB parses, one byte more does not.
    let mut pattern = String::new();
    let mut i = 0;
    while pattern.len() + 130 < MAX_PATTERN_BYTES {
        if i > 0 {
            pattern.push('|');
        }
        pattern.push_str(&format!("g{i}.{}", "a".repeat(100)));
        i += 1;
    }
    // Pad with spaces (ignored around alternatives) up to the limit exactly.
    while pattern.len() < MAX_PATTERN_BYTES {
        pattern.push(' ');
    }
    assert_eq!(pattern.len(), MAX_PATTERN_BYTES);
    assert!(EventFilter::parse(&pattern).is_ok());
    pattern.push(' ');
    assert_eq!(
        EventFilter::parse(&pattern),
        Err(FilterError::TooLong {
            len: MAX_PATTERN_BYTES + 1,
            max: MAX_PATTERN_BYTES
        })
    );
}

#[test]
fn item6_empty_pattern_in_json_is_refused_like_parse() {
    assert_eq!(EventFilter::parse(""), Err(FilterError::Empty));
    for json in [r#"{"pattern":""}"#, r#"{"pattern":"  "}"#] {
        let err = serde_json::from_str::<EventFilter>(json)
            .unwrap_err()
            .to_string();
        assert!(err.contains("empty pattern"), "{json}: {err}");
    }
    // "No events" has its own spelling, which round-trips.
    let none: EventFilter = serde_json::from_str(r#"{"pattern":null}"#).unwrap();
    assert_eq!(none, EventFilter::none());
    assert!(none.is_none());
    assert!(!none.matches("order.created", None));
    assert_eq!(serde_json::to_string(&none).unwrap(), r#"{"pattern":null}"#);
    // A missing pattern is an error, not "no events" or "all".
    let err = serde_json::from_str::<EventFilter>(r#"{"stores":["1"]}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing field `pattern`"), "{err}");
}

#[test]
fn filter_json_unknown_fields_are_errors_naming_the_field() {
    for (json, field) in [
        (r#"{"pattern":"order.*","store":["1"]}"#, "store"),
        (r#"{"patern":"order.*"}"#, "patern"),
        (r#"{"pattern":"order.*","stores":[],"x":1}"#, "x"),
    ] {
        let err = serde_json::from_str::<EventFilter>(json)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&format!("unknown field `{field}`")),
            "{json}: {err}"
        );
    }
    let ok: EventFilter = serde_json::from_str(r#"{"pattern":"order.*","stores":["1"]}"#).unwrap();
    assert!(ok.matches("order.x", Some("1")));
    assert!(!ok.matches("order.x", Some("2")));
}

#[test]
fn flow_retail_action_names_match_alike() {
    for pattern in ["ORDER_SETTLED", "order.settled", "order.*", "ORDER.*"] {
        let filter = EventFilter::parse(pattern).unwrap();
        for event in ["ORDER_SETTLED", "order.settled"] {
            assert!(filter.matches(event, None), "{pattern} vs {event}");
        }
        assert!(!filter.matches("CUSTOMER_CREATE", None), "{pattern}");
        assert!(!filter.matches("customer.create", None), "{pattern}");
    }
    // Only the first `_` is the dot, as in `Action::dotted`.
    let filter = EventFilter::parse("ORDER_RECEIPT_SETTLED").unwrap();
    assert_eq!(filter.pattern(), "order.receipt_settled");
    assert!(filter.matches("order.receipt_settled", None));
    assert!(filter.matches("ORDER_RECEIPT_SETTLED", None));
    assert!(!filter.matches("ORDER_SETTLED", None));
    // The same form `flow_retail::Action::dotted` gives.
    #[cfg(feature = "flow_retail")]
    {
        let action = pos_webhooks::flow_retail::Action::ORDER_RECEIPT_SETTLED;
        assert!(filter.matches(&action.dotted(), None));
        assert!(filter.matches(action.as_str(), None));
    }
    // Mixed case is not an action name: matched exactly.
    assert!(!filter.matches("Order_Receipt_Settled", None));
    // from_names and From<&EventType> read them the same way.
    let f = EventFilter::from_names(["ORDER_SETTLED", "CUSTOMER_CREATE"]).unwrap();
    assert_eq!(f.pattern(), "customer.create|order.settled");
    assert_eq!(
        f,
        EventFilter::parse("customer.create|order.settled").unwrap()
    );
    let f = EventFilter::from(&pos_webhooks::EventType::new("ORDER_SETTLED"));
    assert!(f.matches("order.settled", None));
    // Not an action name: lowercase with '_' stays exact.
    let f = EventFilter::parse("order_settled").unwrap();
    assert!(!f.matches("ORDER_SETTLED", None));
    assert!(f.matches("order_settled", None));
}

#[test]
fn names_of_every_length_are_found() {
    // The per-length bits: names of 1 to 128 bytes, and an event type's exact filter beyond.
    for len in 1..=MAX_NAME_BYTES {
        let name = "n".repeat(len);
        let filter = EventFilter::parse(&name).unwrap();
        assert!(filter.matches(&name, None), "{len}");
        assert!(!filter.matches(&"n".repeat(len + 1), None), "{len}");
        assert!(!filter.matches(&"m".repeat(len), None), "{len}");
    }
    let long = pos_webhooks::EventType::new("x".repeat(300));
    let filter = EventFilter::from(&long);
    assert!(filter.matches(long.as_str(), None));
    assert!(!filter.matches(&"x".repeat(299), None));
    assert!(!filter.matches(&"x".repeat(128), None));
}
