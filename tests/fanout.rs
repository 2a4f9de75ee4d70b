//! Fan-out through the `EndpointSet` index: the same targets, in the same order, as checking
//! every endpoint, through any sequence of changes and after serde; and ids that are never
//! reused and never overflow (issue 11, item 4).

use bytes::Bytes;
use pos_webhooks::{Endpoint, EndpointId, EndpointSet, EventFilter, OutgoingEvent, SetError};
use proptest::prelude::*;

const PATTERNS: [&str; 9] = [
    "*",
    "order.*",
    "order.success",
    "order.success|order.cancel",
    "order|item.*",
    "item.create|order.*|order.success",
    "customer.created",
    "ping",
    "",
];
const STORES: [&str; 4] = ["s1", "s2", "s3", "s4"];
const EVENTS: [&str; 8] = [
    "order.success",
    "order.cancel",
    "order",
    "item.create",
    "item.remove",
    "customer.created",
    "ping",
    "menu.updated",
];

fn endpoint(pattern: usize, stores: Option<Vec<usize>>, enabled: bool) -> Endpoint {
    let filter = match PATTERNS[pattern] {
        "" => EventFilter::none(),
        p => EventFilter::parse(p).unwrap(),
    };
    let filter = match stores {
        Some(stores) => filter.with_stores(stores.into_iter().map(|s| STORES[s])),
        None => filter,
    };
    Endpoint::builder("https://partner.example/hook")
        .filter(filter)
        .enabled(enabled)
        .build()
        .unwrap()
}

#[derive(Clone, Debug)]
enum Op {
    Create(usize, Option<Vec<usize>>, bool),
    Update(usize, usize, Option<Vec<usize>>, bool),
    Enable(usize),
    Disable(usize),
    Delete(usize),
    RoundTrip,
}

fn stores() -> impl Strategy<Value = Option<Vec<usize>>> {
    proptest::option::of(proptest::collection::vec(0..STORES.len(), 0..3))
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..PATTERNS.len(), stores(), any::<bool>()).prop_map(|(p, s, e)| Op::Create(p, s, e)),
        1 => (0usize..64, 0..PATTERNS.len(), stores(), any::<bool>())
            .prop_map(|(i, p, s, e)| Op::Update(i, p, s, e)),
        1 => (0usize..64).prop_map(Op::Enable),
        1 => (0usize..64).prop_map(Op::Disable),
        1 => (0usize..64).prop_map(Op::Delete),
        1 => Just(Op::RoundTrip),
    ]
}

fn pick(set: &EndpointSet, i: usize) -> Option<EndpointId> {
    let ids: Vec<EndpointId> = set.iter().map(|(id, _)| id).collect();
    (!ids.is_empty()).then(|| ids[i % ids.len()])
}

fn assert_index_agrees(set: &EndpointSet) {
    for event in EVENTS {
        for store in [
            None,
            Some("s1"),
            Some("s2"),
            Some("s3"),
            Some("s4"),
            Some("x"),
        ] {
            let indexed: Vec<EndpointId> = set.targets(event, store).map(|(id, _)| id).collect();
            let scanned: Vec<EndpointId> = set
                .iter()
                .filter(|(_, e)| e.wants(event, store))
                .map(|(id, _)| id)
                .collect();
            assert_eq!(indexed, scanned, "{event} {store:?}");
        }
    }
}

proptest! {
    /// Through any sequence of create / update / enable / disable / delete and serde round
    /// trips, the index gives exactly the endpoints a full scan gives, in creation order.
    #[test]
    fn index_agrees_with_a_full_scan(ops in proptest::collection::vec(op(), 1..60)) {
        let mut set = EndpointSet::new();
        let mut last_id = 0u64;
        for op in ops {
            match op {
                Op::Create(p, s, e) => {
                    let id = set.try_create(endpoint(p, s, e)).unwrap();
                    prop_assert!(id.0 > last_id, "ids grow: {} after {}", id.0, last_id);
                    last_id = id.0;
                }
                Op::Update(i, p, s, e) => {
                    if let Some(id) = pick(&set, i) {
                        set.update(id, endpoint(p, s, e)).unwrap();
                    }
                }
                Op::Enable(i) => {
                    if let Some(id) = pick(&set, i) {
                        set.enable(id).unwrap();
                    }
                }
                Op::Disable(i) => {
                    if let Some(id) = pick(&set, i) {
                        set.disable(id).unwrap();
                    }
                }
                Op::Delete(i) => {
                    if let Some(id) = pick(&set, i) {
                        set.delete(id).unwrap();
                        prop_assert_eq!(set.delete(id).unwrap_err(), SetError::NotFound(id));
                    }
                }
                Op::RoundTrip => {
                    let json = serde_json::to_string(&set).unwrap();
                    let back: EndpointSet = serde_json::from_str(&json).unwrap();
                    prop_assert_eq!(&back, &set);
                    set = back;
                }
            }
            assert_index_agrees(&set);
        }
    }
}

#[test]
fn targets_keep_creation_order_across_index_lists() {
    let mut set = EndpointSet::new();
    let by_store = set.create(endpoint(1, Some(vec![0]), true)); // order.* in s1
    let by_name = set.create(endpoint(2, None, true)); // order.success
    let by_group = set.create(endpoint(1, None, true)); // order.*
    let all = set.create(endpoint(0, None, true)); // *
    let both = set.create(endpoint(5, None, true)); // name and group of the same event
    let got: Vec<_> = set
        .targets("order.success", Some("s1"))
        .map(|(id, _)| id)
        .collect();
    assert_eq!(got, [by_store, by_name, by_group, all, both]);
    // Re-enabling puts an endpoint back at its place, not at the end.
    set.disable(by_name).unwrap();
    set.enable(by_name).unwrap();
    let got: Vec<_> = set
        .targets("order.success", Some("s1"))
        .map(|(id, _)| id)
        .collect();
    assert_eq!(got, [by_store, by_name, by_group, all, both]);
    assert_eq!(
        set.targets("order.success", Some("s2"))
            .map(|(id, _)| id)
            .collect::<Vec<_>>(),
        [by_name, by_group, all, both]
    );
}

#[test]
fn filters_the_index_cannot_read_are_checked_for_every_event() {
    // A filter built from an event type with characters patterns cannot hold: its pattern
    // does not read back as what it matches, so it goes to the always-checked list.
    let odd = pos_webhooks::EventType::new("odd|name*");
    let mut set = EndpointSet::new();
    let plain = set.create(endpoint(2, None, true));
    let weird = set.create(
        Endpoint::builder("https://odd.example/")
            .filter(EventFilter::from(&odd))
            .build()
            .unwrap(),
    );
    let ids =
        |event: &str| -> Vec<EndpointId> { set.targets(event, None).map(|(id, _)| id).collect() };
    assert_eq!(ids("odd|name*"), [weird]);
    assert_eq!(ids("odd"), Vec::<EndpointId>::new());
    assert_eq!(ids("order.success"), [plain]);
    assert_index_agrees(&set);
}

#[test]
fn requests_share_the_body_and_carry_the_message_id() {
    let mut set = EndpointSet::new();
    for _ in 0..3 {
        set.create(endpoint(1, None, true));
    }
    let event = OutgoingEvent::new("order.success", Bytes::from(vec![b'{'; 4096]));
    let requests = set.requests(&event, 1_700_000_000, "msg_1");
    assert_eq!(requests.len(), 3);
    for (_, request) in &requests {
        let request = request.as_ref().unwrap();
        assert_eq!(request.body().as_ptr(), event.body.as_ptr());
        assert_eq!(request.headers()["webhook-id"], "msg_1");
    }
}

#[test]
fn issue_11_item_4_counter_behind_ids_is_refused() {
    let stored =
        r#"{"next":0,"endpoints":{"1":{"url":"https://a.example/","auth":{"type":"none"}}}}"#;
    let err = serde_json::from_str::<EndpointSet>(stored).unwrap_err();
    assert_eq!(
        err.to_string(),
        "endpoint set counter 0 is behind endpoint id ep_1"
    );
    // A counter at (or ahead of) its ids is fine, and the next id is past it.
    let stored =
        r#"{"next":5,"endpoints":{"1":{"url":"https://a.example/","auth":{"type":"none"}}}}"#;
    let mut set: EndpointSet = serde_json::from_str(stored).unwrap();
    let id = set.create(Endpoint::builder("https://b.example/").build().unwrap());
    assert_eq!(id, EndpointId(6));
    assert_eq!(set.get(EndpointId(1)).unwrap().url(), "https://a.example/");
    assert_eq!(set.len(), 2);
}

#[test]
fn issue_11_item_4_ids_are_never_reused_after_delete_and_round_trip() {
    let mut set = EndpointSet::new();
    let a = set.create(Endpoint::builder("https://a.example/").build().unwrap());
    let b = set.create(Endpoint::builder("https://b.example/").build().unwrap());
    set.delete(b).unwrap();
    let json = serde_json::to_string(&set).unwrap();
    let mut back: EndpointSet = serde_json::from_str(&json).unwrap();
    let c = back.create(Endpoint::builder("https://c.example/").build().unwrap());
    assert_eq!((a.0, b.0, c.0), (1, 2, 3));
    assert_eq!(back.get(a).unwrap().url(), "https://a.example/");
}

#[test]
fn issue_11_item_4_counter_overflow_is_an_error_not_a_panic() {
    let exhausted = format!(r#"{{"next":{},"endpoints":{{}}}}"#, i64::MAX);
    let mut set: EndpointSet = serde_json::from_str(&exhausted).unwrap();
    let endpoint = Endpoint::builder("https://a.example/").build().unwrap();
    assert_eq!(
        set.try_create(endpoint.clone()).unwrap_err(),
        SetError::IdsExhausted
    );
    // `create` saturates: nothing is added, nothing is overwritten.
    assert_eq!(set.create(endpoint), EndpointId::NONE);
    assert!(set.is_empty());
    assert!(set.get(EndpointId::NONE).is_none());
    // The counter of the issue's reproduction is refused when read.
    let err =
        serde_json::from_str::<EndpointSet>(r#"{"next":18446744073709551615,"endpoints":{}}"#)
            .unwrap_err();
    assert_eq!(
        err.to_string(),
        "endpoint set counter 18446744073709551615 is above the largest id 9223372036854775807"
    );
    // One below the limit: the last id is handed out, then the set is exhausted.
    let mut last: EndpointSet =
        serde_json::from_str(&format!(r#"{{"next":{},"endpoints":{{}}}}"#, i64::MAX - 1)).unwrap();
    let ep = Endpoint::builder("https://a.example/").build().unwrap();
    assert_eq!(last.try_create(ep.clone()).unwrap(), EndpointId::MAX);
    assert_eq!(last.try_create(ep).unwrap_err(), SetError::IdsExhausted);
    assert_eq!(last.len(), 1);
}

/// A header as sent: name, value, and whether it is marked sensitive.
type Header = (String, Vec<u8>, bool);

/// A request's parts that reach the wire: method, URI, every header in order with its
/// sensitivity, and where the body lives.
fn wire(request: &http::Request<Bytes>) -> (String, String, Vec<Header>, usize) {
    let headers = request
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                value.as_bytes().to_vec(),
                value.is_sensitive(),
            )
        })
        .collect();
    (
        request.method().to_string(),
        request.uri().to_string(),
        headers,
        request.body().as_ptr() as usize,
    )
}

#[test]
fn requests_are_the_endpoints_own_requests_header_for_header() {
    use pos_webhooks::{Auth, Scheme, Vendor};
    let sig = |scheme, secrets: &[&str]| Auth::Signature {
        scheme,
        secrets: secrets.iter().map(|s| (*s).into()).collect(),
    };
    let auths = [
        sig(
            Scheme::Standard,
            &["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
        ),
        sig(
            Scheme::Standard,
            &[
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "whsec_dGVzdC1zZWNyZXQtMg==",
            ],
        ),
        sig(Scheme::Stripe, &["whsec_stripe", "whsec_old"]),
        sig(Scheme::Github, &["gh"]),
        sig(Scheme::Shopify, &["shp"]),
        sig(Scheme::Square, &["sq"]),
        sig(Scheme::Revel, &["rv"]),
        sig(Scheme::Mipos, &["mp"]),
        sig(Scheme::Ordergroove, &["og"]),
        Auth::StaticHeader {
            name: "X-Api-Key".into(),
            value: "key-1".into(),
        },
        Auth::Bearer {
            token: "tok".into(),
        },
        Auth::None,
    ];
    let vendors = [
        Vendor::Generic,
        Vendor::Revel {
            instance: "acme".into(),
        },
        Vendor::Ordergroove,
    ];
    let mut set = EndpointSet::new();
    for (i, auth) in auths.iter().enumerate() {
        for (v, vendor) in vendors.iter().enumerate() {
            for custom in [false, true] {
                let mut builder = Endpoint::builder(&format!("https://m{i}-{v}.example/hooks"))
                    .auth(auth.clone())
                    .vendor(vendor.clone());
                if custom {
                    builder = builder.header("X-Merchant", &format!("m{i}"));
                }
                // Some combinations are refused (a vendor's own auth rules): skip those.
                if let Ok(endpoint) = builder.build() {
                    set.create(endpoint);
                }
            }
        }
    }
    assert!(set.len() >= 40, "{} endpoints", set.len());
    let body = Bytes::from(vec![b'{'; 300]);
    for (now, id, store) in [
        (
            1_700_000_000,
            "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
            Some("store-1"),
        ),
        (1_700_000_001, "msg_b", None),
        (1_700_000_002, "", Some("store-2")),
        (1_700_000_003, "bad\nid", None),
        (-5, "msg_c", None),
    ] {
        let mut event = OutgoingEvent::new("order.success", body.clone());
        if let Some(store) = store {
            event = event.for_store(store);
        }
        let requests = set.requests(&event, now, id);
        assert_eq!(requests.len(), set.len());
        for (endpoint_id, request) in &requests {
            let alone = set.get(*endpoint_id).unwrap().request(&event, now, id);
            match (request, &alone) {
                (Ok(many), Ok(one)) => assert_eq!(wire(many), wire(one), "{endpoint_id:?} {id:?}"),
                (many, one) => assert_eq!(
                    many.as_ref().err(),
                    one.as_ref().err(),
                    "{endpoint_id:?} {id:?}"
                ),
            }
        }
    }
}
