//! Verification beside its floor (a pre-keyed RustCrypto HMAC over the same bytes) and beside
//! the peer Standard Webhooks verifiers; signing and building a request.
//!
//! ```text
//! cargo bench --bench verify
//! VERIFY_TIMES=2000 target/release/deps/verify-<hash>   # interleaved batches, min and median
//! ```
//!
//! Group `verify`, ids `<name>/<bytes>` for 256, 4096 and 65536 bytes of ASCII JSON:
//! - ours: `revel`, `mipos`, `github`, `standard`, `stripe`, `ordergroove` (HeaderMap input,
//!   success path; the body a `Bytes::from_static`, as a receiver moves its body in and no
//!   reference count is touched: see `inputs::verify_case`);
//! - the floor: `raw-hmac-sha1`, `raw-hmac-sha256` (hex-decode the header into a stack buffer,
//!   `verify_slice`);
//! - the signed-bytes floors `raw-signed-stripe`, `raw-signed-ordergroove`,
//!   `raw-signed-standard`: the same floor (HMAC-SHA256, hex) over exactly the bytes that
//!   scheme signs, `"{ts}."` (Stripe, Ordergroove) or `"{id}.{ts}."` (Standard Webhooks), then
//!   the body, fed as two `update`s (the body is not copied), with the scheme's key. The
//!   scheme's time over this floor is our code's; this floor over `raw-hmac-sha256` is the
//!   cost of the scheme's extra signed bytes. Each is checked against the signature our
//!   `Signer` puts in the scheme's header;
//! - peers: `svix` (`svix::webhooks::Webhook::verify`) and `standardwebhooks`
//!   (`standardwebhooks::Webhook::verify`), on the very request `standard` verifies (same
//!   secret, id, timestamp, body, `webhook-*` headers).
//!
//! The peers read the system clock and accept 5 minutes either way, so for each size the
//! Standard request is signed with the current time, and `standard`, `svix` and
//! `standardwebhooks` run back to back right after (about 30 s with criterion's defaults), our
//! `standard` verifying with `now` = that timestamp.
//!
//! The ids of ours and the floors are the closures of `inputs::verify_case`, which
//! `benches/callgrind.rs` counts too. With `VERIFY_TIMES=<rounds>` the binary runs no criterion:
//! it times them interleaved (see `times`), plus `standard-refcounted` (the body a shared
//! `Bytes`, cloned and dropped per verify) beside them.
//!
//! Group `sign`: every scheme at 4096 bytes (`<scheme>/4096`), and `request/4096`: the whole
//! outgoing `http::Request` of a Standard Webhooks endpoint (`Endpoint::request`).

use std::hint::black_box;
use std::time::{SystemTime, UNIX_EPOCH};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use pos_webhooks::{Auth, Endpoint, Message, OutgoingEvent, Scheme, Signer};

#[path = "inputs.rs"]
mod inputs;
#[path = "interleave.rs"]
mod interleave;

use inputs::{
    BESIDE_IDS, NOW, VERIFY_IDS, floors_of, json_body, secret, signed_headers, verify_case,
};

const SIZES: [usize; 3] = [256, 4096, 65536];

/// The current unix time, for the peers, which check the timestamp against the system clock.
fn unix_now() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    i64::try_from(secs).expect("time fits i64")
}

fn verify(c: &mut Criterion) {
    let mut group = c.benchmark_group("verify");
    for len in SIZES {
        let body = json_body(len);
        group.throughput(Throughput::Bytes(len as u64));

        // Ours and the floors (`inputs::verify_case`), then Standard Webhooks beside the peers.
        for id in VERIFY_IDS.iter().filter(|id| **id != "standard") {
            let run = verify_case(id, body.clone(), NOW);
            group.bench_function(BenchmarkId::new(*id, len), |b| b.iter(&run));
        }

        // One Standard Webhooks request, signed now, for ours and both peers.
        let now = unix_now();
        let headers = signed_headers(Scheme::Standard, &body, now);
        let standard = verify_case("standard", body.clone(), now);
        let svix = svix::webhooks::Webhook::new(secret(Scheme::Standard)).expect("svix secret");
        let standardwebhooks =
            standardwebhooks::Webhook::new(secret(Scheme::Standard)).expect("secret");
        svix.verify(&body, &headers)
            .expect("svix accepts our signature");
        standardwebhooks
            .verify(&body, &headers)
            .expect("standardwebhooks accepts our signature");
        group.bench_function(BenchmarkId::new("standard", len), |b| b.iter(&standard));
        group.bench_with_input(BenchmarkId::new("svix", len), &body, |b, body| {
            b.iter(|| {
                svix.verify(black_box(body), black_box(&headers))
                    .expect("valid (or the 5-minute tolerance ran out: shorten the run)")
            })
        });
        group.bench_with_input(
            BenchmarkId::new("standardwebhooks", len),
            &body,
            |b, body| {
                b.iter(|| {
                    standardwebhooks
                        .verify(black_box(body), black_box(&headers))
                        .expect("valid (or the 5-minute tolerance ran out: shorten the run)")
                })
            },
        );
    }
    group.finish();
}

fn sign(c: &mut Criterion) {
    let mut group = c.benchmark_group("sign");
    let body = json_body(4096);
    group.throughput(Throughput::Bytes(4096));
    for scheme in Scheme::ALL {
        let signer = match scheme {
            Scheme::Square => Signer::builder(scheme)
                .secret(secret(scheme))
                .notification_url("https://partner.example/square")
                .build(),
            Scheme::Linga => Signer::builder(scheme)
                .secret(secret(scheme))
                .header_name("x-api-key")
                .build(),
            _ => Signer::new(scheme, [secret(scheme)]),
        }
        .expect("signer");
        group.bench_with_input(BenchmarkId::new(scheme.name(), 4096), &body, |b, body| {
            b.iter(|| {
                signer
                    .sign(&Message::new(black_box(body)).id("msg_bench").timestamp(NOW))
                    .expect("sign")
            })
        });
    }

    let endpoint = Endpoint::builder("https://partner.example/hooks")
        .auth(Auth::Signature {
            scheme: Scheme::Standard,
            secrets: vec![secret(Scheme::Standard).into()],
        })
        .build()
        .expect("endpoint");
    let event = OutgoingEvent::new("order.finalized", body);
    group.bench_with_input(BenchmarkId::new("request", 4096), &event, |b, event| {
        b.iter(|| {
            endpoint
                .request(black_box(event), NOW, "msg_bench")
                .expect("request")
        })
    });
    group.finish();
}

/// `VERIFY_TIMES=<rounds>`: the verify ids of ours and the floors at 256, 4096 and 65536 bytes,
/// timed in interleaved batches (each round times one batch of every id of a size in turn, a
/// batch about 25 µs), printing each id's minimum and median per-verify time over the rounds
/// and the ratios of the minimums to its floors: on a shared machine the minimum of many short
/// interleaved batches is steadier than one long run per id. The same closures as criterion's.
fn times(rounds: usize) {
    for len in SIZES {
        let body = json_body(len);
        let runs: Vec<_> = VERIFY_IDS
            .iter()
            .chain(&BESIDE_IDS)
            .map(|id| (*id, verify_case(id, body.clone(), NOW)))
            .collect();
        let batch = u32::try_from((25_600 / len).max(4)).expect("small batch");
        let closures: Vec<&dyn Fn()> = runs.iter().map(|(_, run)| run.as_ref()).collect();
        let stats: Vec<(&str, f64, f64)> = runs
            .iter()
            .zip(interleave::min_median(&closures, batch, rounds))
            .map(|((id, _), (min, median))| (*id, min * 1e9, median * 1e9))
            .collect();
        let min_of = |id: &str| {
            stats
                .iter()
                .find(|(name, _, _)| *name == id)
                .map_or(f64::NAN, |(_, min, _)| *min)
        };
        let goal = match len {
            256 => 1.25,
            4096 => 1.05,
            _ => 1.10,
        };
        for (id, min, median) in &stats {
            let mut line = format!("verify/{id}/{len}: min {min:.1} ns, median {median:.1} ns");
            if let Some((floor, signed)) = floors_of(id) {
                let ratio = min / min_of(floor);
                let verdict = if ratio <= goal { "pass" } else { "FAIL" };
                line += &format!(", {ratio:.3}× {floor} (goal ≤ {goal}×: {verdict})");
                if let Some(signed) = signed {
                    line += &format!(", {:.3}× {signed}", min / min_of(signed));
                }
            }
            println!("{line}");
        }
    }
}

criterion_group!(benches, verify, sign);

fn main() {
    if let Ok(rounds) = std::env::var("VERIFY_TIMES") {
        times(rounds.parse().expect("VERIFY_TIMES: <rounds>"));
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
