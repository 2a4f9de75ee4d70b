//! Heap allocations of fan-out and of the send-attempt state machine, counted with a wrapping
//! global allocator (per thread, as in `tests/alloc.rs`).
//!
//! Asserted:
//! - `EndpointSet::requests` for one event to 1,000 endpoints makes at most
//!   [`MAX_ALLOCS_PER_FANOUT_REQUEST`] allocations per request on average (plus the result
//!   `Vec`, allocated once at its final size), and `Endpoint::request` alone at most
//!   [`MAX_ALLOCS_PER_REQUEST`], the same count
//!   for a 4 KiB and a 64 KiB body, and allocates far fewer bytes per request than the body
//!   holds: the body is shared, never copied;
//! - `EndpointSet::targets` allocates nothing;
//! - `SendAttempt::record` allocates nothing: with a warm `EndpointHealth`, and for every
//!   preset and kind of outcome from the first attempt to the last, except once per health
//!   for the room of a failure window (Shopify's 8 failures within 4 hours).
//!
//! Run with `--nocapture` for the numbers.

use bytes::Bytes;
use pos_webhooks::{
    Auth, Endpoint, EndpointHealth, EndpointSet, EventFilter, Outcome, OutgoingEvent, RetryAfter,
    RetryPolicy, Scheme, SendAttempt, Vendor,
};

#[path = "support/counting.rs"]
mod counting;

use counting::count_bytes as count;
use pos_webhooks::Next;

/// The most allocations one signed request alone (`Endpoint::request`) may make: the header map
/// (indices and entries, allocated once), the signature buffer (which becomes the signature
/// header's value, plus its shared header unless its length is exact), the message id, and
/// Revel's two values or Standard Webhooks' timestamp.
const MAX_ALLOCS_PER_REQUEST: usize = 7;

/// The most allocations per request of a fan-out (`EndpointSet::requests`), on average over
/// the 1,000: the values every request shares (message id, timestamp, Revel's) are made once
/// per event, the signing buffer is reused from one request to the next and the signature
/// values of dozens of requests share one buffer, so a request makes only its header map
/// (indices and entries) and a small share of a buffer (2.05 measured; was 3.4).
const MAX_ALLOCS_PER_FANOUT_REQUEST: f64 = 2.2;

const NOW: i64 = 1_700_000_000;

/// 1,000 endpoints, every auth and vendor kind in turn, half of them with a custom header.
fn set() -> EndpointSet {
    let mut set = EndpointSet::new();
    for i in 0..1000 {
        let (auth, vendor) = match i % 8 {
            0 => (
                Auth::Signature {
                    scheme: Scheme::Standard,
                    secrets: vec!["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()],
                },
                Vendor::Generic,
            ),
            1 => (
                Auth::Signature {
                    scheme: Scheme::Stripe,
                    secrets: vec!["whsec_stripe".into()],
                },
                Vendor::Generic,
            ),
            2 => (
                Auth::Signature {
                    scheme: Scheme::Github,
                    secrets: vec!["gh".into()],
                },
                Vendor::Generic,
            ),
            3 => (
                Auth::Signature {
                    scheme: Scheme::Shopify,
                    secrets: vec!["shp".into()],
                },
                Vendor::Generic,
            ),
            4 => (
                Auth::Signature {
                    scheme: Scheme::Revel,
                    secrets: vec!["rv".into()],
                },
                Vendor::Revel {
                    instance: "acme".into(),
                },
            ),
            5 => (
                Auth::Signature {
                    scheme: Scheme::Ordergroove,
                    secrets: vec!["og".into()],
                },
                Vendor::Ordergroove,
            ),
            6 => (
                Auth::Bearer {
                    token: "tok".into(),
                },
                Vendor::FlowRetail,
            ),
            _ => (Auth::None, Vendor::Generic),
        };
        let mut builder = Endpoint::builder(&format!("https://m{i}.partner.example/hooks"))
            .auth(auth)
            .vendor(vendor)
            .filter(EventFilter::parse("order.*").unwrap());
        // Half with a custom header (their headers are set one by one), half without (their
        // headers are cloned from one map per scheme).
        if (i / 8) % 2 == 0 {
            builder = builder.header("X-Merchant", &format!("m{i}"));
        }
        set.create(builder.build().unwrap());
    }
    set
}

#[test]
fn requests_allocate_a_small_constant_per_request_never_the_body() {
    let set = set();
    let mut per_request = Vec::new();
    for size in [4096usize, 65_536] {
        let event =
            OutgoingEvent::new("order.success", Bytes::from(vec![b'x'; size])).for_store("store-1");
        // Warm up once (lazy statics, if any), then count.
        drop(set.requests(&event, NOW, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"));
        let (requests, allocs, bytes) =
            count(|| set.requests(&event, NOW, "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"));
        assert_eq!(requests.len(), 1000);
        for (_, request) in &requests {
            let request = request.as_ref().unwrap();
            assert_eq!(request.body().as_ptr(), event.body.as_ptr(), "body shared");
        }
        // The result `Vec` is one allocation.
        let each = (allocs - 1) as f64 / 1000.0;
        let bytes_each = bytes / 1000;
        println!("body {size:>6} B: {each:.2} allocations and {bytes_each} bytes per request");
        assert!(
            each <= MAX_ALLOCS_PER_FANOUT_REQUEST,
            "{allocs} allocations for 1,000 requests"
        );
        assert!(
            bytes_each < 2048,
            "{bytes_each} bytes allocated per request for a {size}-byte body"
        );
        per_request.push((allocs, bytes));
    }
    // Nothing proportional to the body: the same allocations for 4 KiB and 64 KiB.
    assert_eq!(per_request[0], per_request[1]);
}

#[test]
fn each_request_alone_is_bounded_and_independent_of_the_body() {
    let set = set();
    let small = OutgoingEvent::new("order.success", Bytes::from(vec![b'x'; 4096])).for_store("s");
    let large =
        OutgoingEvent::new("order.success", Bytes::from(vec![b'x'; 1 << 20])).for_store("s");
    for (id, endpoint) in set.iter().take(16) {
        // Warm up: the first clone of a `Bytes` made from a `Vec` allocates its shared
        // header once (then clones only count references).
        drop(endpoint.request(&small, NOW, "msg_1"));
        drop(endpoint.request(&large, NOW, "msg_1"));
        let (_, a, bytes_a) = count(|| endpoint.request(&small, NOW, "msg_1").unwrap());
        let (_, b, bytes_b) = count(|| endpoint.request(&large, NOW, "msg_1").unwrap());
        assert!(a <= MAX_ALLOCS_PER_REQUEST, "{id}: {a} allocations");
        assert_eq!((a, bytes_a), (b, bytes_b), "{id}: 4 KiB vs 1 MiB body");
    }
}

#[test]
fn targets_allocate_nothing() {
    let set = set();
    let (found, allocs, _) = count(|| set.targets("order.success", Some("store-1")).count());
    assert_eq!(found, 1000);
    assert_eq!(allocs, 0);
    let (found, allocs, _) = count(|| set.targets("customer.created", None).count());
    assert_eq!(found, 0);
    assert_eq!(allocs, 0);
}

#[test]
fn a_state_machine_step_allocates_nothing() {
    for policy in [
        RetryPolicy::standard_webhooks(),
        RetryPolicy::shopify(),
        RetryPolicy::stripe(),
        RetryPolicy::flow_retail(),
    ] {
        let mut health = EndpointHealth::new();
        // Warm the health's failure window.
        for i in 0..16 {
            SendAttempt::new("warm", NOW).record(
                &policy,
                &mut health,
                NOW + i,
                Outcome::Timeout,
                0,
            );
        }
        let mut attempt = SendAttempt::new("msg_1", NOW);
        let (_, allocs, _) = count(|| {
            let mut now = NOW + 100;
            for outcome in [Outcome::status(503), Outcome::Timeout, Outcome::status(200)] {
                let d = attempt.record(&policy, &mut health, now, outcome, 7);
                if let Next::RetryAt { at, .. } = d.next {
                    now = at;
                }
            }
            // A failure after the success: the health's window is reused, not regrown.
            SendAttempt::new("", now).record(&policy, &mut health, now, Outcome::Timeout, 7);
        });
        assert_eq!(allocs, 0, "{policy:?}");
    }
}

/// Every preset and every kind of outcome, from the first attempt to the decision that ends it
/// (done, give up, disable), the `EndpointHealth` updated on the way: no allocation, except,
/// once per `EndpointHealth`, the room for a failure window (Shopify's 8 failures within 4
/// hours) on its first failure.
fn presets() -> Vec<(&'static str, RetryPolicy)> {
    vec![
        ("standard_webhooks", RetryPolicy::standard_webhooks()),
        ("stripe", RetryPolicy::stripe().with_jitter(200)),
        ("shopify", RetryPolicy::shopify()),
        ("github", RetryPolicy::github()),
        ("flow_retail", RetryPolicy::flow_retail()),
        ("ordergroove", RetryPolicy::ordergroove()),
        ("revel", RetryPolicy::revel()),
    ]
}

fn outcomes() -> [Outcome; 9] {
    [
        Outcome::status(503),
        Outcome::status(500),
        Outcome::Timeout,
        Outcome::Connect,
        Outcome::Tls,
        Outcome::Status {
            code: 429,
            retry_after: Some(RetryAfter::At(NOW + 120)),
        },
        Outcome::status(404),
        Outcome::status(410),
        Outcome::status(200),
    ]
}

#[test]
fn an_attempt_allocates_its_message_id_once() {
    let (a, allocations) = counting::count(|| SendAttempt::new("msg_2AbCdEfGhIjKlMnOp", NOW));
    assert_eq!((a.message_id(), allocations), ("msg_2AbCdEfGhIjKlMnOp", 1));
}

#[test]
fn record_never_allocates() {
    for (name, policy) in presets() {
        for (i, outcome) in outcomes().into_iter().enumerate() {
            let mut health = EndpointHealth::new();
            // The first failure may size the failure window, once; nothing after it does.
            let (_, first) = counting::count(|| health.record(policy.health(), NOW - 10, false));
            assert!(
                first <= 1,
                "{name}: {first} allocations for the first failure"
            );
            let (_, again) = counting::count(|| health.record(policy.health(), NOW - 9, false));
            assert_eq!(again, 0, "{name}: the second failure allocates");
            let mut attempt = SendAttempt::new("msg_2AbCdEfGhIjKlMnOp", NOW);
            let mut now = NOW;
            let mut steps = 0u32;
            // The same outcome until the attempt ends (a retried outcome runs the whole
            // schedule, the health rule included), every step counted.
            loop {
                let (decision, allocations) = counting::count(|| {
                    attempt.record(&policy, &mut health, now, outcome, 0x9e37_79b9 ^ steps)
                });
                assert_eq!(
                    allocations, 0,
                    "{name}, outcome {i}, step {steps}: {decision:?}"
                );
                steps += 1;
                match decision.next {
                    Next::RetryAt { at, .. } => now = at.max(now + 1),
                    Next::Done | Next::GiveUp { .. } | Next::DisableEndpoint { .. } => break,
                }
                assert!(
                    steps < 1_000,
                    "{name}, outcome {i}: no end after 1,000 steps"
                );
            }
        }
    }
}

#[test]
fn the_failure_window_is_sized_once() {
    let policy = RetryPolicy::shopify();
    let mut health = EndpointHealth::new();
    let mut total = 0;
    for i in 0..50 {
        total += counting::count(|| health.record(policy.health(), NOW + i, false)).1;
    }
    assert_eq!(total, 1, "one allocation for the window, then none");
}
