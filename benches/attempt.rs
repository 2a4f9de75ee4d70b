//! One step of the send-attempt state machine beside a floor, in the same run.
//!
//! ```text
//! cargo bench -p pos-webhooks-benches --bench attempt
//! ```
//!
//! Group `attempt`. Each step id starts a `SendAttempt` on the stack (an empty message id:
//! no allocation) and records one outcome against a policy and an `EndpointHealth` kept
//! across iterations (its steady state, warm):
//!
//! - `floor/status_match`: a bare `match` of the status code onto a verdict (the least any
//!   classifier does);
//! - `floor/new_attempt`: starting the attempt alone (included in every step below);
//! - `step/retry/<policy>`: `SendAttempt::record` of a 503 (classify, health rule, schedule,
//!   jitter: answers `RetryAt`), for `standard_webhooks` (Svix's failing-window health rule),
//!   `shopify` (a full 9-failure window) and `stripe` (exponential with a maximum age, 20 %
//!   jitter);
//! - `step/retry_after`: a 429 with `Retry-After` as an HTTP date already parsed;
//! - `step/done`: a 200 (resets the health);
//! - `parse/retry_after_date`: `RetryAfter::parse` of an IMF-fixdate, for reference.
//!
//! Goal (issue 9): one step ≤ 100 ns.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use pos_webhooks::{EndpointHealth, Outcome, RetryAfter, RetryPolicy, SendAttempt, Verdict};

const NOW: i64 = 1_700_000_000;

/// The health after many failures (a full failure window).
fn warm(policy: &RetryPolicy) -> EndpointHealth {
    let mut health = EndpointHealth::new();
    for i in 0..12 {
        SendAttempt::new("", NOW - 1000 + i).record(
            policy,
            &mut health,
            NOW - 1000 + i,
            Outcome::Timeout,
            0,
        );
    }
    health
}

fn floor_match(code: u16) -> Verdict {
    match code {
        200..=299 => Verdict::Success,
        400..=499 => Verdict::Reject,
        _ => Verdict::Retry,
    }
}

fn attempt(c: &mut Criterion) {
    let mut group = c.benchmark_group("attempt");
    group.bench_function("floor/status_match", |b| {
        b.iter(|| floor_match(black_box(503)))
    });
    group.bench_function("floor/new_attempt", |b| {
        b.iter(|| SendAttempt::new(black_box(""), black_box(NOW)))
    });

    let svix = RetryPolicy::standard_webhooks();
    for (name, policy) in [
        ("standard_webhooks", svix.clone()),
        ("shopify", RetryPolicy::shopify()),
        ("stripe", RetryPolicy::stripe().with_jitter(200)),
    ] {
        let mut health = warm(&policy);
        group.bench_function(format!("step/retry/{name}"), |b| {
            b.iter(|| {
                let mut attempt = SendAttempt::new(black_box(""), black_box(NOW));
                attempt.record(
                    &policy,
                    &mut health,
                    black_box(NOW),
                    black_box(Outcome::status(503)),
                    black_box(0x9e37_79b9),
                )
            })
        });
    }

    let throttled = Outcome::Status {
        code: 429,
        retry_after: Some(RetryAfter::At(NOW + 120)),
    };
    let mut health = warm(&svix);
    group.bench_function("step/retry_after", |b| {
        b.iter(|| {
            let mut attempt = SendAttempt::new(black_box(""), black_box(NOW));
            attempt.record(&svix, &mut health, black_box(NOW), black_box(throttled), 0)
        })
    });

    let mut health = warm(&svix);
    group.bench_function("step/done", |b| {
        b.iter(|| {
            let mut attempt = SendAttempt::new(black_box(""), black_box(NOW));
            attempt.record(
                &svix,
                &mut health,
                black_box(NOW),
                black_box(Outcome::status(200)),
                0,
            )
        })
    });

    group.bench_function("parse/retry_after_date", |b| {
        b.iter(|| RetryAfter::parse(black_box(b"Wed, 21 Oct 2015 07:28:00 GMT")))
    });
    group.finish();
}

criterion_group!(benches, attempt);
criterion_main!(benches);
