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
