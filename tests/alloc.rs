//! Heap allocations of verifying and signing, counted with a wrapping global allocator.
//!
//! Counting is per thread (a thread-local switch and counter, both `const`-initialised so the
//! allocator itself never allocates), so tests running in parallel do not disturb each other.
//! Everything a call needs (the `HeaderMap`, the `Bytes` body, the verifier or signer) is built
//! before counting starts; only the call is counted. Run with `--nocapture` for the table.
//!
//! Asserted:
//! - `Verifier::verify(&HeaderMap, Bytes, now)` makes zero allocations on the success path, for
//!   every scheme, on the first call and in steady state (also `verify_parts` with pairs, and
//!   verifiers holding several secrets against a header with more signatures than are decoded
//!   up front);
//! - `Signer::sign` makes at most 2 allocations, for every scheme.
//!
//! Only reported (printed): the error path and `verify_request`.

use std::fmt::Write as _;

use bytes::Bytes;
use http::{HeaderMap, Request};
use pos_webhooks::{Message, Scheme, Signer, SignerBuilder, Verifier, VerifierBuilder};

#[path = "support/counting.rs"]
mod counting;

use counting::count;

const TS: i64 = 1_700_000_000;
const URL: &str = "https://partner.example/hooks/square";
const LINGA_HEADER: &str = "X-Partner-Token";
const BODY: &[u8] = br#"{"event":"order.finalized","id":42,"items":[{"sku":"A-1","qty":2}]}"#;
/// Calls per steady-state measurement.
const CALLS: usize = 16;

/// Two secrets of the scheme, and a decoy that is neither.
fn secrets(scheme: Scheme) -> [&'static str; 3] {
    match scheme {
        Scheme::Standard => [
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_b3RoZXIta2V5LWJ5dGVzLWZvci1zdGFuZGFyZA==",
            "whsec_ZGVjb3ktMC1rZXktYnl0ZXMtZm9yLXN0ZA==",
        ],
        _ => ["first-s3cret", "second-s3cret", "dec0y"],
    }
}

fn settings_v(scheme: Scheme, builder: VerifierBuilder) -> VerifierBuilder {
    match scheme {
        Scheme::Square => builder.notification_url(URL),
        Scheme::Linga => builder.header_name(LINGA_HEADER),
        _ => builder,
    }
}

fn settings_s(scheme: Scheme, builder: SignerBuilder) -> SignerBuilder {
    match scheme {
        Scheme::Square => builder.notification_url(URL),
        Scheme::Linga => builder.header_name(LINGA_HEADER),
        _ => builder,
    }
}

fn verifier(scheme: Scheme, secrets: &[&str]) -> Verifier {
    let builder = secrets
        .iter()
        .fold(Verifier::builder(scheme), |b, s| b.secret(s));
    settings_v(scheme, builder).build().unwrap()
}

fn signer(scheme: Scheme, secrets: &[&str]) -> Signer {
    let builder = secrets
        .iter()
        .fold(Signer::builder(scheme), |b, s| b.secret(s));
    settings_s(scheme, builder).build().unwrap()
}

fn signed_map(scheme: Scheme, secrets: &[&str]) -> HeaderMap {
    let mut map = HeaderMap::new();
    signer(scheme, secrets)
        .sign(&Message::new(BODY).id("msg_1").timestamp(TS))
        .unwrap()
        .insert_into(&mut map)
        .unwrap();
    map
}

/// Allocations of `verify` on a valid message: the first call, and the most any of
/// [`CALLS`] further calls made.
fn verify_counts(verifier: &Verifier, map: &HeaderMap, body: &Bytes) -> (usize, usize) {
    let first_body = body.clone();
    let (result, first) = count(|| verifier.verify(map, first_body, TS));
    assert!(result.is_ok(), "{:?}: {result:?}", verifier.scheme());
    let mut most = 0;
    for _ in 0..CALLS {
        let body = body.clone();
        let (result, n) = count(|| verifier.verify(map, body, TS));
        assert!(result.is_ok());
        most = most.max(n);
    }
    (first, most)
}

#[test]
fn verify_success_path_does_not_allocate() {
    // Columns: verify (first call / most of the next calls) with a Vec-backed body and with a
    // static one; verify_parts with pairs; rotation; the error path (wrong secret);
    // verify_request with a Vec-backed body (first call, then again) and with a static one.
    let mut table = format!(
        "{:<12} {:<9} {:<9} {:<6} {:<9} {:<6} {:<10} {}\n",
        "scheme", "verify", "static", "parts", "rotation", "error", "req vec", "req static"
    );
    let mut failures = Vec::new();
    for scheme in Scheme::ALL {
        let [first_secret, second_secret, decoy] = secrets(scheme);
        let v = verifier(scheme, &[first_secret]);
        let map = signed_map(scheme, &[first_secret]);

        // A body shared the way servers hand it over (`Bytes` from a `Vec`, already cloned once
        // so its refcount is set up), and a static one.
        let body = Bytes::from(BODY.to_vec());
        drop(body.clone());
        let (first, most) = verify_counts(&v, &map, &body);
        let (static_first, static_most) = verify_counts(&v, &map, &Bytes::from_static(BODY));

        // The lower layer with plain pairs.
        let pairs: Vec<(String, Vec<u8>)> = map
            .iter()
            .map(|(name, value)| (name.as_str().to_uppercase(), value.as_bytes().to_vec()))
            .collect();
        let (result, parts) = count(|| v.verify_parts(pairs.as_slice(), BODY, TS));
        assert!(result.is_ok());

        // Rotation: two secrets at the verifier, six signatures for list schemes (more than the
        // verifier decodes up front), the match last.
        let signed_with: Vec<&str> = if scheme.is_timestamped() {
            let mut decoys = vec![decoy; 5];
            decoys.push(first_secret);
            decoys
        } else {
            vec![first_secret]
        };
        let rotation_map = signed_map(scheme, &signed_with);
        let rotation = verifier(scheme, &[second_secret, first_secret]);
        let (rotation_first, rotation_most) = verify_counts(&rotation, &rotation_map, &body);

        // Reported only: a wrong secret (error path) and `verify_request`.
        let wrong = verifier(scheme, &[second_secret]);
        let wrong_body = body.clone();
        let (result, error_path) = count(|| wrong.verify(&map, wrong_body, TS));
        assert!(result.is_err());
        let mut request = Request::new(Bytes::from(BODY.to_vec()));
        *request.headers_mut() = map.clone();
        let (result, request_vec) = count(|| v.verify_request(&request, TS));
        assert!(result.is_ok());
        drop(result);
        let (_, request_vec_again) = count(|| v.verify_request(&request, TS));
        let mut request = Request::new(Bytes::from_static(BODY));
        *request.headers_mut() = map.clone();
        let (_, request_static) = count(|| v.verify_request(&request, TS));

        let cells = [
            format!("{first}/{most}"),
            format!("{static_first}/{static_most}"),
            parts.to_string(),
            format!("{rotation_first}/{rotation_most}"),
            error_path.to_string(),
            format!("{request_vec}, then {request_vec_again}"),
            request_static.to_string(),
        ];
        writeln!(
            table,
            "{:<12} {:<9} {:<9} {:<6} {:<9} {:<6} {:<10} {}",
            scheme.name(),
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            cells[4],
            cells[5],
            cells[6]
        )
        .unwrap();
        for (what, n) in [
            ("verify, first call", first),
            ("verify, steady state", most),
            ("verify, static body, first call", static_first),
            ("verify, static body, steady state", static_most),
            ("verify_parts with pairs", parts),
            ("verify, rotation, first call", rotation_first),
            ("verify, rotation, steady state", rotation_most),
        ] {
            if n != 0 {
                failures.push(format!("{scheme}: {what}: {n} allocations"));
            }
        }
    }
    println!("{table}");
    assert!(
        failures.is_empty(),
        "success paths that allocate:\n{}\n\n{table}",
        failures.join("\n")
    );
}

#[test]
fn sign_allocates_at_most_twice() {
    let mut table = String::from("scheme       1 secret 1st/max   2 secrets 1st/max\n");
    let mut failures = Vec::new();
    for scheme in Scheme::ALL {
        let mut row = Vec::new();
        for secrets in [&secrets(scheme)[..1], &secrets(scheme)[..2]] {
            let signer = signer(scheme, secrets);
            let message = Message::new(BODY).id("msg_1").timestamp(TS);
            let (signed, first) = count(|| signer.sign(&message));
            assert!(signed.is_ok());
            drop(signed);
            let mut most = 0;
            for _ in 0..CALLS {
                let (signed, n) = count(|| signer.sign(&message));
                assert!(signed.is_ok());
                drop(signed);
                most = most.max(n);
            }
            for (what, n) in [("first call", first), ("steady state", most)] {
                if n > 2 {
                    failures.push(format!(
                        "{scheme}, {} secret(s), {what}: {n} allocations",
                        secrets.len()
                    ));
                }
            }
            row.push(format!("{first}/{most}"));
        }
        writeln!(table, "{:<12} {:<18} {}", scheme.name(), row[0], row[1]).unwrap();
    }
    println!("{table}");
    assert!(
        failures.is_empty(),
        "signing allocates more than twice:\n{}\n\n{table}",
        failures.join("\n")
    );
}

/// The counter itself works: a `Vec` with capacity is one allocation, growing it is another.
#[test]
fn the_counter_counts() {
    let (v, n) = count(|| Vec::<u8>::with_capacity(10));
    assert_eq!(n, 1);
    let (_, n) = count(move || {
        let mut v = v;
        v.extend_from_slice(&[0; 100]);
        v
    });
    assert_eq!(n, 1);
    let (_, n) = count(|| 1 + 1);
    assert_eq!(n, 0);
}

/// Filter matching and the endpoint's `wants` decide without allocating, for 1 to 100
/// patterns, matching or not.
#[test]
fn filter_matching_does_not_allocate() {
    use pos_webhooks::{Endpoint, EventFilter};
    for n in [1usize, 10, 100] {
        let pattern = (0..n)
            .map(|i| {
                if i % 2 == 0 {
                    format!("group{i}.*")
                } else {
                    format!("group{i}.action{i}")
                }
            })
            .collect::<Vec<_>>()
            .join("|");
        let filter: EventFilter = pattern.parse().unwrap();
        let scoped = filter.clone().with_stores(["3", "5"]);
        let endpoint = Endpoint::builder("https://a.example/")
            .filter(scoped.clone())
            .build()
            .unwrap();
        for event in [
            "group0.create",
            "group1.action1",
            "group1.other",
            "nomatch",
            "order.success",
        ] {
            let (expected, _) = count(|| filter.matches(event, None));
            let (hit, allocations) = count(|| filter.matches(event, None));
            assert_eq!(hit, expected);
            assert_eq!(allocations, 0, "{n} patterns, {event}");
            let (_, allocations) = count(|| scoped.matches(event, Some("3")));
            assert_eq!(allocations, 0, "{n} patterns, {event}, scoped");
            let (_, allocations) = count(|| endpoint.wants(event, Some("4")));
            assert_eq!(allocations, 0, "{n} patterns, {event}, endpoint");
        }
        assert!(filter.matches("group0.create", None));
        assert_eq!(filter.matches("group1.action1", None), n > 1);
        assert!(!filter.matches("group1.other", None));
    }
}
