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
//! - `SendAttempt::record` allocates nothing (with a warm `EndpointHealth`).
//!
//! Run with `--nocapture` for the numbers.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

use bytes::Bytes;
use pos_webhooks::{
    Auth, Endpoint, EndpointHealth, EndpointSet, EventFilter, Outcome, OutgoingEvent, RetryPolicy,
    Scheme, SendAttempt, Vendor,
};

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
    static BYTES: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        let _ = COUNT.try_with(|count| count.set(count.get() + 1));
        let _ = BYTES.try_with(|bytes| bytes.set(bytes.get() + size));
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; counting
// touches only `const`-initialised thread-locals, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: forwarded as is; the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        // SAFETY: as above; `ptr` was allocated by `System` through this wrapper.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f`; returns its result, the allocations and the bytes allocated on this thread.
fn count<R>(f: impl FnOnce() -> R) -> (R, usize, usize) {
    COUNT.with(|count| count.set(0));
    BYTES.with(|bytes| bytes.set(0));
    COUNTING.with(|on| on.set(true));
    let result = black_box(f());
    COUNTING.with(|on| on.set(false));
    (result, COUNT.with(Cell::get), BYTES.with(Cell::get))
}

/// The most allocations one signed request alone (`Endpoint::request`) may make: the header map
/// (indices and entries, allocated once), the signature buffer (which becomes the signature
/// header's value, plus its shared header unless its length is exact), the message id, and
/// Revel's two values or Standard Webhooks' timestamp.
const MAX_ALLOCS_PER_REQUEST: usize = 7;

/// The most allocations per request of a fan-out (`EndpointSet::requests`), on average over
/// the 1,000: the values every request shares (message id, timestamp, Revel's) are made once
/// per event, so a request makes its header map and its signature buffer, and one more for a
/// signature buffer whose length is not known in advance.
const MAX_ALLOCS_PER_FANOUT_REQUEST: f64 = 3.5;

const NOW: i64 = 1_700_000_000;

/// 1,000 endpoints, every auth and vendor kind in turn.
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
        set.create(
            Endpoint::builder(&format!("https://m{i}.partner.example/hooks"))
                .auth(auth)
                .vendor(vendor)
                .header("X-Merchant", &format!("m{i}"))
                .filter(EventFilter::parse("order.*").unwrap())
                .build()
                .unwrap(),
        );
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
                if let pos_webhooks::Next::RetryAt { at, .. } = d.next {
                    now = at;
                }
            }
            // A failure after the success: the health's window is reused, not regrown.
            SendAttempt::new("", now).record(&policy, &mut health, now, Outcome::Timeout, 7);
        });
        assert_eq!(allocs, 0, "{policy:?}");
    }
}
