//! Heap allocations of the send-attempt state machine, counted with a wrapping global
//! allocator (the same per-thread counter as `tests/alloc.rs`).
//!
//! Asserted: `SendAttempt::record` makes zero allocations, for every preset and every kind of
//! outcome, from the first attempt to the decision that ends it (done, give up, disable),
//! with the `EndpointHealth` updated on the way — except, once per `EndpointHealth`, the
//! room for a failure window (Shopify's 8 failures within 4 hours) on its first failure. The
//! message id is allocated once, when the attempt is created, outside the count.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

fn note() {
    // `try_with`: allocations during thread teardown are simply not counted.
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        let _ = COUNT.try_with(|count| count.set(count.get() + 1));
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; counting
// touches only `const`-initialised thread-locals, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: forwarded as is; the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
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

/// Runs `f`, returning its result and how many allocations (and reallocations) it made on
/// this thread. The result is dropped by the caller, outside the count.
fn count<R>(f: impl FnOnce() -> R) -> (R, usize) {
    COUNT.with(|count| count.set(0));
    COUNTING.with(|on| on.set(true));
    let result = black_box(f());
    COUNTING.with(|on| on.set(false));
    (result, COUNT.with(Cell::get))
}

use pos_webhooks::{EndpointHealth, Next, Outcome, RetryAfter, RetryPolicy, SendAttempt};

const NOW: i64 = 1_700_000_000;

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
fn the_counter_counts() {
    let (v, allocations) = count(|| Vec::<u8>::with_capacity(8));
    assert_eq!((v.capacity() >= 8, allocations), (true, 1));
    let (a, allocations) = count(|| SendAttempt::new("msg_2AbCdEfGhIjKlMnOp", NOW));
    assert_eq!((a.message_id(), allocations), ("msg_2AbCdEfGhIjKlMnOp", 1));
}

#[test]
fn record_never_allocates() {
    for (name, policy) in presets() {
        for (i, outcome) in outcomes().into_iter().enumerate() {
            let mut health = EndpointHealth::new();
            // The first failure may size the failure window, once; nothing after it does.
            let (_, first) = count(|| health.record(policy.health(), NOW - 10, false));
            assert!(
                first <= 1,
                "{name}: {first} allocations for the first failure"
            );
            let (_, again) = count(|| health.record(policy.health(), NOW - 9, false));
            assert_eq!(again, 0, "{name}: the second failure allocates");
            let mut attempt = SendAttempt::new("msg_2AbCdEfGhIjKlMnOp", NOW);
            let mut now = NOW;
            let mut steps = 0u32;
            // The same outcome until the attempt ends (a retried outcome runs the whole
            // schedule, the health rule included), every step counted.
            loop {
                let (decision, allocations) = count(|| {
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
        total += count(|| health.record(policy.health(), NOW + i, false)).1;
    }
    assert_eq!(total, 1, "one allocation for the window, then none");
}
