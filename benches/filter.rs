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
//!
//! Ids `miss-random/<n>` and `miss-adversarial/<n>` (n = 100, 1024): one miss per iteration
//! on a filter of `n` exact names. `random`: names from a fixed pseudo-random sequence, the
//! missing name one more of them. `adversarial`: names whose 64-bit FNV-1a hashes (the hash
//! the filter used before it stopped hashing) share their low 10 bits and top 7 bits, so in an
//! FNV-keyed table they all fall in one bucket with one control byte; the missing name collides
//! with them too. Goal: adversarial ≤ 2× random.

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

/// 64-bit FNV-1a with its standard offset basis.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// `n + 1` names `grp.a<k>` colliding in FNV-1a's low 10 and top 7 bits (the last is the
/// miss): in a hashbrown table keyed by FNV-1a of up to 1024 buckets they share a bucket and a
/// control byte. The prefix is hashed once and the digits of `k` added per candidate.
fn adversarial(n: usize) -> Vec<String> {
    const MASK: u64 = 0xfe00_0000_0000_03ff;
    let prefix = fnv1a(b"grp.a");
    let finish = |k: u64| {
        let digits = k.to_string();
        let mut hash = prefix;
        for byte in digits.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        (hash, digits)
    };
    let target = finish(0).0 & MASK;
    let mut out = Vec::with_capacity(n + 1);
    let mut k = 0u64;
    let mut digits = [b'0'; 20];
    let mut len = 1usize;
    while out.len() <= n {
        // FNV-1a of the digits of k, from a decimal counter kept in `digits`.
        let mut hash = prefix;
        for byte in &digits[20 - len..] {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        if hash & MASK == target {
            let (check, text) = finish(k);
            debug_assert_eq!(check, hash);
            out.push(format!("grp.a{text}"));
        }
        k += 1;
        let mut i = 19;
        loop {
            if digits[i] == b'9' {
                digits[i] = b'0';
                i -= 1;
            } else {
                digits[i] += 1;
                break;
            }
        }
        len = len.max(20 - i);
    }
    out
}

/// `n + 1` pseudo-random names of the same shape and similar length (the last is the miss).
fn random(n: usize) -> Vec<String> {
    let mut x = 0x2545_f491_4f6c_dd1du64;
    (0..=n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            format!("grp.a{}", x % 10_000_000)
        })
        .collect()
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
    group.throughput(Throughput::Elements(1));
    for n in [100usize, 1024] {
        for (kind, names) in [
            ("miss-random", random(n)),
            ("miss-adversarial", adversarial(n)),
        ] {
            let (miss, present) = names.split_last().expect("names");
            let filter = EventFilter::from_names(present).expect("names");
            assert!(present.iter().all(|name| filter.matches(name, None)));
            assert!(!filter.matches(miss, None));
            group.bench_with_input(BenchmarkId::new(kind, n), &filter, |b, filter| {
                b.iter(|| filter.matches(black_box(miss), None))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, filter);
criterion_main!(benches);
