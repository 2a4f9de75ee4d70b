//! Instruction counts per verify, for `valgrind --tool=callgrind` (deterministic: the count
//! does not depend on the machine's load).
//!
//! ```text
//! cargo bench -p pos-webhooks-benches --bench callgrind --no-run
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p target/release/deps/callgrind-<hash> standard 256 1000
//! valgrind --tool=callgrind ... standard 256 2000
//! ```
//!
//! Arguments: `<id> <bytes> <iterations>`, `<id>` one of the `verify` bench's ours (`revel`,
//! `mipos`, `github`, `standard`, `stripe`, `ordergroove`) or floors (`raw-hmac-sha1`,
//! `raw-hmac-sha256`, and the signed-bytes floors `raw-signed-stripe`, `raw-signed-ordergroove`,
//! `raw-signed-standard`: the floor over exactly the bytes the scheme signs, `"{ts}."` or
//! `"{id}.{ts}."` then the body), on the same body, secret and headers as `benches/verify.rs`. Every
//! iteration verifies once. Run each id with two iteration counts: the difference of the two
//! totals divided by the difference of the counts is the cost of one verify, with the
//! program's setup cancelled out. `benches/callgrind.sh` does exactly that for every id.

use std::hint::black_box;

use bytes::Bytes;
use hmac::{Hmac, KeyInit, Mac};
use http::HeaderMap;
use pos_webhooks::{Scheme, Verifier};

#[path = "inputs.rs"]
mod inputs;

use inputs::{NOW, json_body, secret, signed_floor};

fn signed_headers(scheme: Scheme, body: &[u8]) -> HeaderMap {
    inputs::signed_headers(scheme, body, NOW)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let [id, len, iterations] = args.as_slice() else {
        eprintln!("usage: callgrind <id> <bytes> <iterations>");
        std::process::exit(2);
    };
    let len: usize = len.parse().expect("bytes");
    let iterations: usize = iterations.parse().expect("iterations");
    let body = if id == "filter" {
        Bytes::new()
    } else {
        json_body(len)
    };
    let key = secret(Scheme::Revel).as_bytes();
    match id.as_str() {
        // `filter <patterns> <iterations>`: the `filter/match/<patterns>` bench's filter, one hit
        // and one miss per iteration (the `<bytes>` argument is the number of patterns).
        "filter" => {
            let mut alternatives = vec!["order.finalized".to_owned()];
            for i in 1..len {
                alternatives.push(if i % 2 == 0 {
                    format!("group{i}.*")
                } else {
                    format!("group{i}.action{i}")
                });
            }
            let filter: pos_webhooks::EventFilter =
                alternatives.join("|").parse().expect("pattern");
            for _ in 0..iterations {
                black_box(filter.matches(black_box("order.finalized"), None));
                black_box(filter.matches(black_box("zzz.created"), None));
            }
        }
        "raw-hmac-sha1" => {
            let state = Hmac::<sha1::Sha1>::new_from_slice(key).expect("key");
            let hex = hex::encode(state.clone().chain_update(&body).finalize().into_bytes());
            for _ in 0..iterations {
                let mut tag = [0u8; 20];
                hex::decode_to_slice(black_box(hex.as_bytes()), &mut tag).expect("hex");
                let mut mac = state.clone();
                mac.update(black_box(&body));
                mac.verify_slice(&tag).expect("valid");
            }
        }
        "raw-hmac-sha256" => {
            let state = Hmac::<sha2::Sha256>::new_from_slice(key).expect("key");
            let hex = hex::encode(state.clone().chain_update(&body).finalize().into_bytes());
            for _ in 0..iterations {
                let mut tag = [0u8; 32];
                hex::decode_to_slice(black_box(hex.as_bytes()), &mut tag).expect("hex");
                let mut mac = state.clone();
                mac.update(black_box(&body));
                mac.verify_slice(&tag).expect("valid");
            }
        }
        floor if floor.starts_with("raw-signed-") => {
            let scheme: Scheme = floor
                .trim_start_matches("raw-signed-")
                .parse()
                .expect("scheme");
            let (state, prefix) = signed_floor(scheme);
            let hex = hex::encode(
                state
                    .clone()
                    .chain_update(prefix)
                    .chain_update(&body)
                    .finalize()
                    .into_bytes(),
            );
            for _ in 0..iterations {
                let mut tag = [0u8; 32];
                hex::decode_to_slice(black_box(hex.as_bytes()), &mut tag).expect("hex");
                let mut mac = state.clone();
                mac.update(black_box(prefix));
                mac.update(black_box(&body));
                mac.verify_slice(&tag).expect("valid");
            }
        }
        name => {
            let scheme: Scheme = name.parse().expect("scheme");
            let verifier = Verifier::new(scheme, [secret(scheme)]).expect("verifier");
            let headers = signed_headers(scheme, &body);
            for _ in 0..iterations {
                black_box(
                    verifier
                        .verify(black_box(&headers), black_box(body.clone()), NOW)
                        .expect("valid"),
                );
            }
        }
    }
}
