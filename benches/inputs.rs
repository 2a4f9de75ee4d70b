//! The verify inputs `benches/verify.rs`, `benches/callgrind.rs` and `benches/threads.rs`
//! share (included by each with `#[path = "inputs.rs"] mod inputs;`), so criterion and
//! callgrind measure the very same requests: the bodies, the secrets, the signed headers and
//! the signed-bytes floors.

// Each bench uses part of it.
#![allow(dead_code)]

use bytes::Bytes;
use hmac::{Hmac, KeyInit};
use http::HeaderMap;
use pos_webhooks::{Message, Scheme, Signer};

pub const NOW: i64 = 1_700_000_000;

/// An ASCII JSON body of exactly `len` bytes.
pub fn json_body(len: usize) -> Bytes {
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

pub fn secret(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Standard => "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        _ => "bench-secret-0123456789",
    }
}

/// The headers of `body` signed with `secret(scheme)`, message id `msg_bench`, at `timestamp`.
pub fn signed_headers(scheme: Scheme, body: &[u8], timestamp: i64) -> HeaderMap {
    let signed = Signer::new(scheme, [secret(scheme)])
        .expect("signer")
        .sign(&Message::new(body).id("msg_bench").timestamp(timestamp))
        .expect("sign");
    let mut headers = HeaderMap::new();
    signed.insert_into(&mut headers).expect("headers");
    headers
}

/// The Standard Webhooks key: the base64 after `whsec_` in `secret(Scheme::Standard)`, decoded.
pub const STANDARD_KEY: [u8; 24] = [
    0x31, 0xf2, 0x90, 0xf6, 0xbf, 0x06, 0x29, 0x8a, 0xab, 0x4f, 0x08, 0xd4, 0x3c, 0x3f, 0x08, 0x2c,
    0xf6, 0x48, 0xa3, 0x62, 0xda, 0x2d, 0xa4, 0xb0,
];

/// The signed-bytes floor of a timestamped scheme: its pre-keyed HMAC-SHA256 and the bytes it
/// signs before the body, `"{ts}."` (Stripe, Ordergroove) or `"{id}.{ts}."` (Standard
/// Webhooks), for the message `signed_headers` signs at `NOW`.
pub fn signed_floor(scheme: Scheme) -> (Hmac<sha2::Sha256>, &'static [u8]) {
    let (key, prefix): (&[u8], &[u8]) = match scheme {
        Scheme::Stripe | Scheme::Ordergroove => (secret(scheme).as_bytes(), b"1700000000."),
        Scheme::Standard => (&STANDARD_KEY, b"msg_bench.1700000000."),
        other => panic!("no signed-bytes floor for {other}"),
    };
    (Hmac::new_from_slice(key).expect("key"), prefix)
}

/// The verify ids at one body size, in the order the `verify` bench runs them (the peers
/// aside): ours, then the floors.
pub const VERIFY_IDS: [&str; 11] = [
    "revel",
    "mipos",
    "github",
    "stripe",
    "ordergroove",
    "raw-hmac-sha1",
    "raw-hmac-sha256",
    "raw-signed-stripe",
    "raw-signed-ordergroove",
    "raw-signed-standard",
    "standard",
];

/// Beside the goal ids: `standard` on a reference-counted body (see [`verify_case`]).
pub const BESIDE_IDS: [&str; 1] = ["standard-refcounted"];

/// The floors a verify id of ours is measured against: the raw HMAC of its algorithm and, for
/// the timestamped schemes, the signed-bytes floor (`None` for a floor).
pub fn floors_of(id: &str) -> Option<(&'static str, Option<&'static str>)> {
    match id {
        "revel" => Some(("raw-hmac-sha1", None)),
        "mipos" | "github" => Some(("raw-hmac-sha256", None)),
        "stripe" => Some(("raw-hmac-sha256", Some("raw-signed-stripe"))),
        "ordergroove" => Some(("raw-hmac-sha256", Some("raw-signed-ordergroove"))),
        "standard" | "standard-refcounted" => {
            Some(("raw-hmac-sha256", Some("raw-signed-standard")))
        }
        _ => None,
    }
}

/// One verify of `id` over `body` (with the signature made at `timestamp`), as a closure: the
/// very call the `verify` bench (criterion and `VERIFY_TIMES`) and `callgrind` run for that id.
/// Ours is `Verifier::verify(&HeaderMap, Bytes, timestamp)` on a clone of a static body;
/// a floor is a pre-keyed RustCrypto HMAC cloned, the header's hex decoded into a stack
/// buffer, then `verify_slice`; a signed-bytes floor `raw-signed-<scheme>` (at `NOW` only)
/// does the same over exactly the bytes the scheme signs, its prefix then the body, as two
/// updates. Each is checked once before it is returned.
pub fn verify_case(id: &str, body: Bytes, timestamp: i64) -> Box<dyn Fn()> {
    use hmac::Mac;
    use std::hint::black_box;
    let run: Box<dyn Fn()> = match id {
        "raw-hmac-sha1" => raw_floor::<Hmac<sha1::Sha1>, 20>(body),
        "raw-hmac-sha256" => raw_floor::<Hmac<sha2::Sha256>, 32>(body),
        floor if floor.starts_with("raw-signed-") => {
            assert_eq!(timestamp, NOW, "the signed-bytes floors sign at NOW");
            let scheme: Scheme = floor
                .trim_start_matches("raw-signed-")
                .parse()
                .expect("scheme");
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
            Box::new(move || {
                let mut tag = [0u8; 32];
                hex::decode_to_slice(black_box(hex.as_bytes()), &mut tag).expect("hex");
                let mut mac = state.clone();
                mac.update(black_box(prefix));
                mac.update(black_box(&body));
                mac.verify_slice(&tag).expect("valid")
            })
        }
        name => {
            // The receiver's body moves into `verify` and is dropped with the result: no
            // reference count is touched. So ours verifies a `Bytes::from_static` body here,
            // whose clone (one per iteration, for the owned argument) copies a pointer. The
            // id `<scheme>-refcounted` keeps the shared `Bytes`, whose clone and drop are two
            // atomic read-modify-writes per iteration (the bench's, not a receiver's).
            let (name, body) = match name.strip_suffix("-refcounted") {
                Some(name) => (name, body),
                None => (name, Bytes::from_static(Vec::leak(body.to_vec()))),
            };
            let scheme: Scheme = name.parse().expect("scheme");
            let verifier = pos_webhooks::Verifier::new(scheme, [secret(scheme)]).expect("verifier");
            let headers = signed_headers(scheme, &body, timestamp);
            Box::new(move || {
                black_box(
                    verifier
                        .verify(black_box(&headers), black_box(body.clone()), timestamp)
                        .expect("valid"),
                );
            })
        }
    };
    run();
    run
}

/// The raw floor with MAC `M` (tag of `N` bytes): pre-keyed with Revel's secret, cloned per
/// verify, the header's hex decoded into a stack buffer, then `verify_slice` over the body.
fn raw_floor<M, const N: usize>(body: Bytes) -> Box<dyn Fn()>
where
    M: hmac::Mac + KeyInit + Clone + 'static,
{
    use std::hint::black_box;
    let state = <M as KeyInit>::new_from_slice(secret(Scheme::Revel).as_bytes()).expect("key");
    let hex = hex::encode(state.clone().chain_update(&body).finalize().into_bytes());
    Box::new(move || {
        let mut tag = [0u8; N];
        hex::decode_to_slice(black_box(hex.as_bytes()), &mut tag).expect("hex");
        let mut mac = state.clone();
        mac.update(black_box(&body));
        mac.verify_slice(&tag).expect("valid")
    })
}

/// Standard base64 with padding (only to check the Standard floor's tag against the header).
pub fn base64(bytes: &[u8]) -> String {
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
