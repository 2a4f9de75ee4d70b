//! Heap allocations of the duplicate filter, counted with a wrapping global allocator (the
//! same per-thread counter as `tests/alloc.rs`).
//!
//! Asserted: once the filter is built (its table is allocated then, once), checks make zero
//! allocations: new keys, duplicates, keys replacing expired ones, a full filter's refusals,
//! the sweeps and purges that forget expired keys, and `forget`.

#[path = "support/counting.rs"]
mod counting;

use counting::count;
use pos_webhooks::{DedupKey, DuplicateFilter, Seen};

fn keys(from: u32, n: u32, expires_at: i64) -> Vec<DedupKey> {
    (from..from + n)
        .map(|i| DedupKey::custom(&i.to_le_bytes(), expires_at))
        .collect()
}

#[test]
fn the_counter_counts() {
    let (v, allocations) = count(|| Vec::<u8>::with_capacity(8));
    assert_eq!((v.capacity() >= 8, allocations), (true, 1));
    let (filter, allocations) = count(|| DuplicateFilter::new(16));
    assert_eq!((filter.capacity(), allocations), (32, 1));
}

#[test]
fn checks_make_no_allocation_once_built() {
    let mut filter = DuplicateFilter::new(4_096);
    // Keys are built before counting: the caller's work, not the filter's.
    let first = keys(0, 4_096, 100);
    let later = keys(10_000, 4_096, 300);
    let refused = keys(20_000, 64, 300);
    let (outcomes, allocations) = count(|| {
        let mut outcomes = [0usize; 3];
        let mut tally = |seen: Seen| match seen {
            Seen::New => outcomes[0] += 1,
            Seen::Duplicate => outcomes[1] += 1,
            Seen::Full => outcomes[2] += 1,
        };
        // Warm-up and steady state alike: fill it up, see duplicates.
        for key in &first {
            tally(filter.check(key, 0));
        }
        for key in &first {
            tally(filter.check(key, 50));
        }
        // Full: refused.
        for key in &refused {
            tally(filter.check(key, 60));
        }
        // The first keys expire: the new ones replace them (sweeps and a purge).
        for key in &later {
            tally(filter.check(key, 100));
        }
        for key in later.iter().step_by(2) {
            assert!(filter.forget(key));
        }
        outcomes
    });
    assert_eq!(outcomes, [8_192, 4_096, 64]);
    assert_eq!(
        allocations,
        0,
        "allocations in {} checks",
        8_192 + 4_096 + 64
    );
    assert_eq!(filter.len(), 2_048);
}
