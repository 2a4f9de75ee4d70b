//! Event filter matching: one event type against filters of 1, 10 and 100 patterns.
//!
//! ```text
//! cargo bench --bench filter
//! ```
//!
//! Group `filter`, ids `match/<patterns>`. Each filter is a mix of exact names and `group.*`
//! alternatives (1 pattern: the exact name alone). **Each iteration does two matches**: a hit
//! on an exact name (`order.finalized`, found by the names hash set) and a miss
//! (`zzz.created`: the names set misses, then the groups set misses), so the time per match is
//! the median divided by 2 (criterion's throughput line reports it as `elem/s` with 2
//! elements per iteration).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use pos_webhooks::EventFilter;

const HIT: &str = "order.finalized";
const MISS: &str = "zzz.created";

/// A pattern of `n` alternatives containing `HIT` as an exact name: the rest alternate
/// between `groupN.*` and `groupN.actionN` names, none of which matches `MISS`.
fn pattern(n: usize) -> String {
    let mut alternatives = vec![HIT.to_owned()];
    for i in 1..n {
        if i % 2 == 0 {
            alternatives.push(format!("group{i}.*"));
        } else {
            alternatives.push(format!("group{i}.action{i}"));
        }
    }
    alternatives.join("|")
}

fn filter(c: &mut Criterion) {
    let mut group = c.benchmark_group("filter");
    group.throughput(Throughput::Elements(2));
    for n in [1usize, 10, 100] {
        let filter: EventFilter = pattern(n).parse().expect("pattern");
        assert!(filter.matches(HIT, None));
        assert!(!filter.matches(MISS, None));
        group.bench_with_input(BenchmarkId::new("match", n), &filter, |b, filter| {
            b.iter(|| {
                let hit = filter.matches(black_box(HIT), None);
                let miss = filter.matches(black_box(MISS), None);
                (hit, miss)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, filter);
criterion_main!(benches);
