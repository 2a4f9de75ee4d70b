//! Verification beside its floor (a pre-keyed RustCrypto HMAC over the same bytes) and beside
//! the peer Standard Webhooks verifiers; signing and building a request.
//!
//! ```text
//! cargo bench --bench verify
//! ```
//!
//! Group `verify`, ids `<name>/<bytes>` for 256, 4096 and 65536 bytes of ASCII JSON:
//! - ours: `revel`, `mipos`, `github`, `standard`, `stripe`, `ordergroove` (HeaderMap input,
//!   success path);
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
//! Group `sign`: every scheme at 4096 bytes (`<scheme>/4096`), and `request/4096`: the whole
//! outgoing `http::Request` of a Standard Webhooks endpoint (`Endpoint::request`).

use std::hint::black_box;
use std::time::{SystemTime, UNIX_EPOCH};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use pos_webhooks::{Auth, Endpoint, Message, OutgoingEvent, Scheme, Signer, Verifier};

#[path = "inputs.rs"]
mod inputs;

use inputs::{NOW, json_body, secret, signed_floor, signed_headers};

const SIZES: [usize; 3] = [256, 4096, 65536];

/// The current unix time, for the peers, which check the timestamp against the system clock.
fn unix_now() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    i64::try_from(secs).expect("time fits i64")
}

/// Standard base64 with padding (only to check the Standard floor's tag against the header).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
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
            Scheme::Stripe,
            Scheme::Ordergroove,
        ] {
            let verifier = Verifier::new(scheme, [secret(scheme)]).expect("verifier");
            let headers = signed_headers(scheme, &body, NOW);
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

        for scheme in [Scheme::Stripe, Scheme::Ordergroove, Scheme::Standard] {
            let (state, prefix) = signed_floor(scheme);
            let tag = state
                .clone()
                .chain_update(prefix)
                .chain_update(&body)
                .finalize()
                .into_bytes();
            // The floor signs exactly what the scheme signs: its tag is the header's signature.
            let headers = signed_headers(scheme, &body, NOW);
            let header = |name: &str| headers[name].to_str().expect("ascii").to_owned();
            match scheme {
                Scheme::Stripe => assert!(header("stripe-signature").ends_with(&hex::encode(tag))),
                Scheme::Ordergroove => {
                    assert!(header("ordergroove-signature").ends_with(&hex::encode(tag)))
                }
                _ => assert_eq!(header("webhook-signature"), format!("v1,{}", base64(&tag))),
            }
            let hex = hex::encode(tag);
            let id = format!("raw-signed-{}", scheme.name());
            group.bench_with_input(BenchmarkId::new(id, len), &body, |b, body| {
                b.iter(|| {
                    let mut tag = [0u8; 32];
                    hex::decode_to_slice(black_box(hex.as_bytes()), &mut tag).expect("hex");
                    let mut mac = state.clone();
                    mac.update(black_box(prefix));
                    mac.update(black_box(body));
                    mac.verify_slice(&tag).expect("valid")
                })
            });
        }

        // One Standard Webhooks request, signed now, for ours and both peers.
        let now = unix_now();
        let headers = signed_headers(Scheme::Standard, &body, now);
        let standard =
            Verifier::new(Scheme::Standard, [secret(Scheme::Standard)]).expect("verifier");
        let svix = svix::webhooks::Webhook::new(secret(Scheme::Standard)).expect("svix secret");
        let standardwebhooks =
            standardwebhooks::Webhook::new(secret(Scheme::Standard)).expect("secret");
        svix.verify(&body, &headers)
            .expect("svix accepts our signature");
        standardwebhooks
            .verify(&body, &headers)
            .expect("standardwebhooks accepts our signature");
        group.bench_with_input(BenchmarkId::new("standard", len), &body, |b, body| {
            b.iter(|| {
                standard
                    .verify(black_box(&headers), black_box(body.clone()), now)
                    .expect("valid")
            })
        });
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

criterion_group!(benches, verify, sign);
criterion_main!(benches);
