//! One duplicate check, beside a floor in the same run.
//!
//! ```text
//! cargo bench -p pos-webhooks-benches --bench duplicates
//! ```
//!
//! Group `duplicates`, ids:
//! - `check/duplicate`: `DuplicateFilter::check` of a key it holds (100 000 keys held, all
//!   unexpired), cycling through them so lookups miss the CPU cache as they would in service;
//! - `check/new`: a check that records a new key while older ones expire at the same rate
//!   (100 keys a second, kept 60 s: the steady state of a busy receiver, sweeps included);
//! - `floor/hashset_contains`: the floor, a bare `std::collections::HashSet<[u8; 32]>` lookup
//!   of the same keys' digests (SipHash, no expiry, unbounded);
//! - `key/custom`: building a `DedupKey` from a 28-byte id (one SHA-256): what `Receiver` adds
//!   per webhook on top of the check.

use std::collections::HashSet;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use pos_webhooks::{DedupKey, DuplicateFilter, Seen};

const HELD: u32 = 100_000;

fn id(n: u32) -> [u8; 28] {
    let mut id = *b"msg_2AbCdEfGhIjKlMnOp0000000";
    id[20..24].copy_from_slice(&n.to_le_bytes());
    id
}

fn duplicates(c: &mut Criterion) {
    let mut group = c.benchmark_group("duplicates");
    let keys: Vec<DedupKey> = (0..HELD)
        .map(|n| DedupKey::custom(&id(n), i64::MAX))
        .collect();
    let mut filter = DuplicateFilter::new(2 * HELD as usize);
    for key in &keys {
        assert_eq!(filter.check(key, 0), Seen::New);
    }
    let mut i = 0usize;
    group.bench_function("check/duplicate", |b| {
        b.iter(|| {
            i = (i + 1) % keys.len();
            let seen = filter.check(black_box(&keys[i]), 1);
            debug_assert_eq!(seen, Seen::Duplicate);
            seen
        })
    });

    let set: HashSet<[u8; 32]> = keys.iter().map(|key| *key.digest()).collect();
    let mut i = 0usize;
    group.bench_function("floor/hashset_contains", |b| {
        b.iter(|| {
            i = (i + 1) % keys.len();
            set.contains(black_box(keys[i].digest()))
        })
    });

    // Steady state: key n arrives at n / 100 s and is kept 60 s (6 000 live keys).
    const STREAM: u32 = 1 << 22;
    let stream: Vec<DedupKey> = (0..STREAM)
        .map(|n| DedupKey::custom(&id(n), i64::from(n / 100) + 60))
        .collect();
    let mut filter = DuplicateFilter::new(10_000);
    let mut n = 0u32;
    group.bench_function("check/new", |b| {
        b.iter(|| {
            // Past the prepared keys, start again with an empty filter (rare: 4 M checks).
            if n == STREAM {
                n = 0;
                filter = DuplicateFilter::new(10_000);
            }
            let key = &stream[n as usize];
            let seen = filter.check(black_box(key), i64::from(n / 100));
            n += 1;
            seen
        })
    });

    let message_id = id(7);
    group.bench_function("key/custom", |b| {
        b.iter(|| DedupKey::custom(black_box(&message_id), black_box(1_700_000_000)))
    });
    group.finish();
}

criterion_group!(benches, duplicates);
criterion_main!(benches);
