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
//! iteration verifies once (`inputs::verify_case`, the closure the `verify` bench times). Run each id with two iteration counts: the difference of the two
//! totals divided by the difference of the counts is the cost of one verify, with the
//! program's setup cancelled out. `benches/callgrind.sh` does exactly that for every id.

use std::hint::black_box;

use bytes::Bytes;

#[path = "inputs.rs"]
mod inputs;

use inputs::{NOW, json_body};

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
        id => {
            let run = inputs::verify_case(id, body, NOW);
            for _ in 0..iterations {
                run();
            }
        }
    }
}
