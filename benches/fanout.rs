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
//! - `requests_iter/1000`: the same 1,000 requests from `EndpointSet::requests_iter`, each
//!   dropped before the next is built (a caller that sends or enqueues each as it comes), as
//!   the floor drops each signature.
//! - `by_hand/1000`: what a caller writes without `EndpointSet`, for comparison: for each of
//!   1,000 endpoints, its own `Signer` (one per secret, as every endpoint has its own), an
//!   `http::Request` built with `http`'s builder (`POST`, the parsed URL, `content-type`, the shared
//!   body), `Signed::apply_to` and the `webhook-id` header; the 1,000 requests kept in a `Vec`
//!   as `requests` returns them. It is the cost of the `http` values themselves beside the bare
//!   signs: 1,000 `HeaderMap`s and `Request`s made, kept and dropped.
//!
//! With `REQUESTS_TIME=<rounds>` it times the four request ids above interleaved, one call of
//! each per round, and prints the best and median of each and their ratios to the floor.
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

#[path = "interleave.rs"]
mod interleave;

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

    let r = Requests::new();
    group.throughput(Throughput::Elements(1000));
    group.bench_function("floor/sign_1000", |b| b.iter(|| r.floor()));
    group.bench_function("requests/1000", |b| b.iter(|| r.ours()));
    group.bench_function("requests_iter/1000", |b| b.iter(|| r.stream()));
    group.bench_function("by_hand/1000", |b| b.iter(|| r.by_hand()));
    group.finish();
}

const MESSAGE_ID: &str = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";

/// The inputs of `requests/1000`, `requests_iter/1000`, `floor/sign_1000` and `by_hand/1000`.
struct Requests {
    set: EndpointSet,
    body: Bytes,
    event: OutgoingEvent,
    signer: Signer,
    by_hand: Vec<(http::Uri, Signer)>,
}

impl Requests {
    fn new() -> Requests {
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
        assert_eq!(set.requests(&event, NOW, MESSAGE_ID).len(), 1000);
        let by_hand = (0..1000)
            .map(|i| {
                (
                    format!("https://m{i}.partner.example/hooks")
                        .parse()
                        .expect("uri"),
                    Signer::new(Scheme::Standard, [SECRET]).expect("signer"),
                )
            })
            .collect();
        Requests {
            set,
            body,
            event,
            signer: Signer::new(Scheme::Standard, [SECRET]).expect("signer"),
            by_hand,
        }
    }

    fn floor(&self) {
        sign_1000(&self.signer, black_box(&self.body), MESSAGE_ID)
    }

    fn ours(&self) -> usize {
        black_box(self.set.requests(black_box(&self.event), NOW, MESSAGE_ID)).len()
    }

    fn stream(&self) -> usize {
        stream_1000(&self.set, black_box(&self.event))
    }

    fn by_hand(&self) -> usize {
        black_box(by_hand_requests(
            &self.by_hand,
            black_box(&self.body),
            MESSAGE_ID,
        ))
        .len()
    }
}

/// `REQUESTS_TIME=<rounds>`: each round times one call of each of the four ids in turn (1,000
/// requests or signs each); prints each id's best and median microseconds per 1,000 and the
/// ratios to the floor of the bests and of the medians. Interleaving puts the machine's slow
/// and fast moments on every id alike, which one criterion run per id does not.
fn requests_time(rounds: usize) {
    let r = Requests::new();
    let ids: [(&str, &dyn Fn()); 4] = [
        ("floor/sign_1000", &|| r.floor()),
        ("requests/1000", &|| {
            black_box(r.ours());
        }),
        ("by_hand/1000", &|| {
            black_box(r.by_hand());
        }),
        ("requests_iter/1000", &|| {
            black_box(r.stream());
        }),
    ];
    let runs: Vec<&dyn Fn()> = ids.iter().map(|(_, run)| *run).collect();
    let mut stats = Vec::new();
    for ((name, _), (best, median)) in ids.iter().zip(interleave::min_median(&runs, 1, rounds)) {
        let (best, median) = (best * 1e6, median * 1e6);
        println!("fanout/{name}: best {best:.1} µs, median {median:.1} µs");
        stats.push((best, median));
    }
    for (name, (best, median)) in ["requests", "by_hand", "requests_iter"]
        .iter()
        .zip(&stats[1..])
    {
        println!(
            "{name}/floor: best {:.3}×, median {:.3}×",
            best / stats[0].0,
            median / stats[0].1
        );
    }
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

/// `requests_iter/1000`: the same requests as `requests/1000`, each taken from
/// `EndpointSet::requests_iter` and dropped before the next is built, as a caller that sends
/// or enqueues each one does (named, and not inlined, so that callgrind can count it alone).
#[inline(never)]
fn stream_1000(set: &EndpointSet, event: &OutgoingEvent) -> usize {
    let mut n = 0;
    for (_, request) in set.requests_iter(event, NOW, MESSAGE_ID) {
        black_box(request.expect("request"));
        n += 1;
    }
    n
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
    if let Ok(rounds) = std::env::var("REQUESTS_TIME") {
        requests_time(rounds.parse().expect("REQUESTS_TIME: <rounds>"));
        return;
    }
    if let Some(total) = probe() {
        black_box(total);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
