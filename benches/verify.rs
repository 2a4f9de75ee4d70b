//! Verification beside its floor: a pre-keyed RustCrypto HMAC over the same bytes.
//!
//! ```text
//! cargo bench --bench verify
//! ```
//!
//! Group `verify`, ids `<name>/<bytes>`: ours (`revel`, `mipos`, `github`, `standard`, `stripe`,
//! `ordergroove`, HeaderMap input, success path) and the floor (`raw-hmac-sha1`,
//! `raw-hmac-sha256`: hex-decode the header into a stack buffer, `verify_slice`).

use std::hint::black_box;

use bytes::Bytes;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use http::HeaderMap;
use pos_webhooks::{Message, Scheme, Signer, Verifier};

const SIZES: [usize; 3] = [256, 4096, 65536];
const NOW: i64 = 1_700_000_000;

/// An ASCII JSON body of exactly `len` bytes.
fn json_body(len: usize) -> Bytes {
    let mut body = String::from("{\"items\":[");
    let mut i = 0;
    while body.len() + 40 < len {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!("{{\"id\":{i},\"price\":\"{}.50\"}}", i % 97));
        i += 1;
    }
    body.push_str("],\"pad\":\"");
    while body.len() + 2 < len {
        body.push('x');
    }
    body.push_str("\"}");
    assert_eq!(body.len(), len);
    Bytes::from(body)
}

fn secret(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Standard => "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        _ => "bench-secret-0123456789",
    }
}

fn signed_headers(scheme: Scheme, body: &[u8]) -> HeaderMap {
    let signer = Signer::new(scheme, [secret(scheme)]).expect("signer");
    let signed = signer
        .sign(&Message::new(body).id("msg_bench").timestamp(NOW))
        .expect("sign");
    let mut headers = HeaderMap::new();
    signed.insert_into(&mut headers).expect("headers");
    headers
}

fn verify(c: &mut Criterion) {
    let mut group = c.benchmark_group("verify");
    for len in SIZES {
        let body = json_body(len);
        group.throughput(Throughput::Bytes(len as u64));

        for scheme in [
            Scheme::Revel,
            Scheme::Mipos,
            Scheme::Github,
            Scheme::Standard,
            Scheme::Stripe,
            Scheme::Ordergroove,
        ] {
            let verifier = Verifier::new(scheme, [secret(scheme)]).expect("verifier");
            let headers = signed_headers(scheme, &body);
            group.bench_with_input(BenchmarkId::new(scheme.name(), len), &body, |b, body| {
                b.iter(|| {
                    verifier
                        .verify(black_box(&headers), black_box(body.clone()), NOW)
                        .expect("valid")
                })
            });
        }

        let key = secret(Scheme::Revel).as_bytes();
        let sha1_state = Hmac::<sha1::Sha1>::new_from_slice(key).expect("key");
        let sha1_hex = hex::encode(
            sha1_state
                .clone()
                .chain_update(&body)
                .finalize()
                .into_bytes(),
        );
        group.bench_with_input(BenchmarkId::new("raw-hmac-sha1", len), &body, |b, body| {
            b.iter(|| {
                let mut tag = [0u8; 20];
                hex::decode_to_slice(black_box(sha1_hex.as_bytes()), &mut tag).expect("hex");
                let mut mac = sha1_state.clone();
                mac.update(black_box(body));
                mac.verify_slice(&tag).expect("valid")
            })
        });

        let sha256_state = Hmac::<sha2::Sha256>::new_from_slice(key).expect("key");
        let sha256_hex = hex::encode(
            sha256_state
                .clone()
                .chain_update(&body)
                .finalize()
                .into_bytes(),
        );
        group.bench_with_input(
            BenchmarkId::new("raw-hmac-sha256", len),
            &body,
            |b, body| {
                b.iter(|| {
                    let mut tag = [0u8; 32];
                    hex::decode_to_slice(black_box(sha256_hex.as_bytes()), &mut tag).expect("hex");
                    let mut mac = sha256_state.clone();
                    mac.update(black_box(body));
                    mac.verify_slice(&tag).expect("valid")
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
    group.finish();
}

criterion_group!(benches, verify, sign);
criterion_main!(benches);
