//! Fan-out: choosing the targets of one event, and building its signed requests, beside
//! floors in the same run.
//!
//! ```text
//! cargo bench -p pos-webhooks-benches --bench fanout
//! ```
//!
//! Group `fanout`:
//!
//! - `targets/by_store/<n>`: `EndpointSet::targets` among `n` = 100 and 100,000 endpoints, each
//!   scoped to one merchant's store (10 endpoints per store, filter `order.*`), for an event of
//!   one store: **10 match** in both. Each iteration asks for the next store of a fixed
//!   shuffled order (10 stores for 100 endpoints, 10,000 for 100,000), so the large set is not
//!   served from a hot cache. Goal (issue 12, item 2): 100,000 ≤ 3× 100.
//! - `targets/by_type/<n>`: the same, endpoints subscribed by event type (`t<k>.created`, 10 per
//!   type) with every store.
//! - `requests/1000`: `EndpointSet::requests` of one 4 KiB event to 1,000 Standard Webhooks
//!   endpoints (choose the targets, sign, build 1,000 `http::Request<Bytes>`), beside
//!   `floor/sign_1000`: 1,000 bare `Signer::sign` calls on the same body, id and timestamp.
//!   Goal: ≤ 1.15× the floor.
//! - `by_hand/1000`: what a caller writes without `EndpointSet`, for comparison: for each of
//!   1,000 endpoints, its own `Signer` (one per secret, as every endpoint has its own), an
//!   `http::Request` built with `http`'s builder (`POST`, the parsed URL, `content-type`, the shared
//!   body), `Signed::apply_to` and the `webhook-id` header; the 1,000 requests kept in a `Vec`
//!   as `requests` returns them. It is the cost of the `http` values themselves beside the bare
//!   signs: 1,000 `HeaderMap`s and `Request`s made, kept and dropped.
//!
//! Probe mode, for valgrind (cachegrind / callgrind): `FANOUT_PROBE=<by_store|by_type>:<n>:<iters>`
//! runs `iters` lookups of the bench above (same set, same shuffled order) and exits, without
//! criterion. Diff the counts of `iters` = N and 2N to get the cost of one lookup; see
//! `benches/fanout_cachegrind.sh`. With `FANOUT_TIME=<runs>` it times `runs` rounds of `iters`
//! lookups instead and prints the best and the median nanoseconds per lookup (the best filters
//! out the other tenants of a shared machine better than criterion's mean).

use std::hint::black_box;

use bytes::Bytes;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use pos_webhooks::{
    Auth, Endpoint, EndpointSet, EventFilter, Message, OutgoingEvent, Scheme, Signer,
};

const NOW: i64 = 1_700_000_000;
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const PER_KEY: usize = 10;

fn by_store(n: usize) -> (EndpointSet, Vec<String>) {
    let stores = n / PER_KEY;
    let mut set = EndpointSet::new();
    let filter = EventFilter::parse("order.*").expect("pattern");
    for i in 0..n {
        let endpoint = Endpoint::builder(&format!("https://m{}.partner.example/", i % stores))
            .filter(
                filter
                    .clone()
                    .with_stores([format!("store-{}", i % stores)]),
            )
            .build()
            .expect("endpoint");
        set.create(endpoint);
    }
    (set, shuffled(stores, |k| format!("store-{k}")))
}

fn by_type(n: usize) -> (EndpointSet, Vec<String>) {
    let types = n / PER_KEY;
    let mut set = EndpointSet::new();
    for i in 0..n {
        let filter = EventFilter::parse(&format!("t{}.created", i % types)).expect("pattern");
        let endpoint = Endpoint::builder("https://partner.example/")
            .filter(filter)
            .build()
            .expect("endpoint");
        set.create(endpoint);
    }
    (set, shuffled(types, |k| format!("t{k}.created")))
}

/// `0..n` in a fixed scrambled order (a multiplicative step coprime with `n`).
fn shuffled(n: usize, name: impl Fn(usize) -> String) -> Vec<String> {
    let step = (1..n)
        .rev()
        .find(|s| gcd(*s * 7 + 1, n) == 1)
        .map_or(1, |s| s * 7 + 1);
    (0..n).map(|i| name((i * step) % n)).collect()
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// One `targets/by_store` lookup: the targets of an `order.success` event of `store`.
fn by_store_lookup(set: &EndpointSet, store: &str) -> usize {
    set.targets(black_box("order.success"), Some(black_box(store)))
        .count()
}

/// One `targets/by_type` lookup: the targets of an event of type `event_type`, every store.
fn by_type_lookup(set: &EndpointSet, event_type: &str) -> usize {
    set.targets(black_box(event_type), None).count()
}

fn targets(c: &mut Criterion) {
    let mut group = c.benchmark_group("fanout");
    for n in [100usize, 100_000] {
        let (set, stores) = by_store(n);
        assert_eq!(
            set.targets("order.success", Some(&stores[0])).count(),
            PER_KEY
        );
        let mut next = 0usize;
        group.bench_function(BenchmarkId::new("targets/by_store", n), |b| {
            b.iter(|| {
                next = (next + 1) % stores.len();
                by_store_lookup(&set, &stores[next])
            })
        });
        drop(set);
        let (set, types) = by_type(n);
        assert_eq!(set.targets(&types[0], None).count(), PER_KEY);
        let mut next = 0usize;
        group.bench_function(BenchmarkId::new("targets/by_type", n), |b| {
            b.iter(|| {
                next = (next + 1) % types.len();
                by_type_lookup(&set, &types[next])
            })
        });
    }

    let mut set = EndpointSet::new();
    for i in 0..1000 {
        set.create(
            Endpoint::builder(&format!("https://m{i}.partner.example/hooks"))
                .auth(Auth::Signature {
                    scheme: Scheme::Standard,
                    secrets: vec![SECRET.into()],
                })
                .build()
                .expect("endpoint"),
        );
    }
    let body = Bytes::from(vec![b'x'; 4096]);
    let event = OutgoingEvent::new("order.success", body.clone());
    let signer = Signer::new(Scheme::Standard, [SECRET]).expect("signer");
    let id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
    assert_eq!(set.requests(&event, NOW, id).len(), 1000);
    group.throughput(Throughput::Elements(1000));
    group.bench_function("floor/sign_1000", |b| {
        b.iter(|| sign_1000(&signer, black_box(&body), id))
    });
    group.bench_function("requests/1000", |b| {
        b.iter(|| set.requests(black_box(&event), NOW, id))
    });
    let by_hand: Vec<(http::Uri, Signer)> = (0..1000)
        .map(|i| {
            (
                format!("https://m{i}.partner.example/hooks")
                    .parse()
                    .expect("uri"),
                Signer::new(Scheme::Standard, [SECRET]).expect("signer"),
            )
        })
        .collect();
    group.bench_function("by_hand/1000", |b| {
        b.iter(|| by_hand_requests(&by_hand, black_box(&body), id))
    });
    group.finish();
}

/// `floor/sign_1000`: 1,000 bare signs (named, and not inlined, so that callgrind can count
/// it alone: see `benches/requests.sh`).
#[inline(never)]
fn sign_1000(signer: &Signer, body: &Bytes, id: &str) {
    for _ in 0..1000 {
        black_box(
            signer
                .sign(&Message::new(black_box(body)).id(id).timestamp(NOW))
                .expect("sign"),
        );
    }
}

/// `by_hand/1000`: one request per endpoint, signed with its own signer, built with `http`'s
/// builder (named, and not inlined, so that callgrind can count it alone).
#[inline(never)]
fn by_hand_requests(
    endpoints: &[(http::Uri, Signer)],
    body: &Bytes,
    id: &str,
) -> Vec<http::Request<Bytes>> {
    endpoints
        .iter()
        .map(|(uri, signer)| {
            let mut request = http::Request::post(uri.clone())
                .header(http::header::CONTENT_TYPE, "application/json")
                .header("webhook-id", id)
                .body(body.clone())
                .expect("request");
            signer
                .sign(&Message::new(body).id(id).timestamp(NOW))
                .expect("sign")
                .apply_to(&mut request)
                .expect("headers");
            request
        })
        .collect()
}

/// The probe mode (see the module doc): `Some` when `FANOUT_PROBE` is set.
fn probe() -> Option<usize> {
    let spec = std::env::var("FANOUT_PROBE").ok()?;
    let mut parts = spec.split(':');
    let (kind, n, iters) = (parts.next()?, parts.next()?, parts.next()?);
    let (n, iters): (usize, usize) = (n.parse().ok()?, iters.parse().ok()?);
    let runs: usize = std::env::var("FANOUT_TIME")
        .ok()
        .and_then(|runs| runs.parse().ok())
        .unwrap_or(0);
    let (set, keys) = match kind {
        "by_store" => by_store(n),
        "by_type" => by_type(n),
        _ => return None,
    };
    let lookups = |total: &mut usize| {
        for i in 0..iters {
            let key = &keys[(i + 1) % keys.len()];
            *total += if kind == "by_store" {
                by_store_lookup(&set, key)
            } else {
                by_type_lookup(&set, key)
            };
        }
    };
    let mut total = 0;
    if runs == 0 {
        lookups(&mut total);
        return Some(total);
    }
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = std::time::Instant::now();
            lookups(&mut total);
            start.elapsed().as_nanos() as f64 / iters as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "{kind}/{n}: best {:.1} ns, median {:.1} ns",
        times[0],
        times[runs / 2]
    );
    Some(total)
}

criterion_group!(benches, targets);

fn main() {
    if let Some(total) = probe() {
        black_box(total);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
