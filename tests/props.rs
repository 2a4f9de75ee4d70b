//! Property tests, every scheme in every case:
//!
//! - sign then verify holds for arbitrary bodies, secrets, message ids, timestamps (and `now`
//!   anywhere inside the replay window), through `HeaderMap` + `Bytes` and through pairs;
//! - flipping any single bit of the body is a `SignatureMismatch` (Linga excepted: see
//!   [`flipping_any_body_bit_is_a_mismatch`]);
//! - arbitrary header values never panic: raw bytes through `&[(&str, Vec<u8>)]`, and strings
//!   through an `http::HeaderMap` whenever they are valid `HeaderValue`s (where the two inputs
//!   must also agree).
//!
//! Case counts are kept small so the file runs in a few seconds in debug builds; failures are
//! not persisted to disk (run with `PROPTEST_CASES=10000` for a longer search).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use pos_webhooks::{Message, Scheme, SecretError, Signer, Verifier, VerifierBuilder, VerifyError};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;

const LINGA_HEADER: &str = "X-Partner-Token";
const URL: &str = "https://partner.example/hooks/square";

/// The scheme's secret text derived from arbitrary visible ASCII: Standard Webhooks takes the
/// base64 of it after `whsec_`, the others take it as it is.
fn secret_for(scheme: Scheme, seed: &str) -> String {
    match scheme {
        Scheme::Standard => format!("whsec_{}", BASE64.encode(seed)),
        _ => seed.to_owned(),
    }
}

fn verifier_builder(scheme: Scheme, secret: &str, url: &str) -> VerifierBuilder {
    let builder = Verifier::builder(scheme).secret(secret);
    match scheme {
        Scheme::Square => builder.notification_url(url),
        Scheme::Linga => builder.header_name(LINGA_HEADER),
        _ => builder,
    }
}

fn signer(scheme: Scheme, secret: &str, url: &str) -> Signer {
    let builder = Signer::builder(scheme).secret(secret);
    match scheme {
        Scheme::Square => builder.notification_url(url),
        Scheme::Linga => builder.header_name(LINGA_HEADER),
        _ => builder,
    }
    .build()
    .unwrap()
}

/// Every verifier configuration worth feeding garbage to: each scheme with the default
/// settings, the timestamped ones also without the timestamp check, miPOS also with base64.
fn garbage_verifiers() -> Vec<Verifier> {
    let mut verifiers = Vec::new();
    for scheme in Scheme::ALL {
        let secret = secret_for(scheme, "k3y");
        let other = secret_for(scheme, "0ther");
        let builder = verifier_builder(scheme, &secret, URL).secret(&other);
        verifiers.push(builder.build().unwrap());
        if scheme.is_timestamped() {
            let builder = verifier_builder(scheme, &secret, URL).danger_skip_timestamp_check();
            verifiers.push(builder.build().unwrap());
            let builder = verifier_builder(scheme, &secret, URL).tolerance_secs(u64::MAX);
            verifiers.push(builder.build().unwrap());
        }
        if scheme == Scheme::Mipos {
            let builder = verifier_builder(scheme, &secret, URL).accept_base64_signatures();
            verifiers.push(builder.build().unwrap());
        }
    }
    verifiers
}

/// Header names the schemes read, plus unrelated ones, in random letter case.
fn header_name() -> impl Strategy<Value = String> {
    let known = prop::sample::select(vec![
        "x-revel-signature",
        "signature-webhook",
        "x-partner-token",
        "ordergroove-signature",
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
        "svix-id",
        "svix-timestamp",
        "svix-signature",
        "stripe-signature",
        "x-hub-signature-256",
        "x-shopify-hmac-sha256",
        "x-square-hmacsha256-signature",
        "content-type",
    ]);
    let cased = (known, any::<u64>()).prop_map(|(name, mask)| {
        name.chars()
            .enumerate()
            .map(|(i, c)| {
                if mask >> (i % 64) & 1 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect()
    });
    prop_oneof![4 => cased, 1 => "[a-zA-Z][a-zA-Z0-9-]{0,24}"]
}

/// Header values: arbitrary bytes, and text shaped like the schemes' formats (so the parsers get
/// past their first checks).
fn header_value() -> impl Strategy<Value = Vec<u8>> {
    let item = prop_oneof![
        "(t|ts|v0|v1|V1|sig|x)=[0-9a-fA-F]{0,70}",
        "(t|ts)=-?[0-9]{0,22}",
        "v1,[A-Za-z0-9+/=]{0,50}",
        "v1a?,[ -~]{0,10}",
        "sha256=[0-9a-fA-Fg]{0,70}",
        "[0-9a-f]{38,66}",
        "[A-Za-z0-9+/]{40,46}={0,2}",
        "[ -~]{0,30}",
        "[0-9]{0,21}",
    ];
    let shaped = vec(item, 0..6).prop_flat_map(|items| {
        let separators = vec(
            prop::sample::select(vec![",", " ", ", ", ",,", ""]),
            items.len(),
        );
        (Just(items), separators).prop_map(|(items, separators)| {
            items
                .iter()
                .zip(separators)
                .flat_map(|(item, sep)| [item.as_str(), sep])
                .collect::<String>()
                .into_bytes()
        })
    });
    prop_oneof![1 => vec(any::<u8>(), 0..200), 2 => shaped]
}

/// A unix timestamp anywhere in a sensible range.
fn timestamp() -> impl Strategy<Value = i64> {
    0i64..4_000_000_000
}

/// Visible ASCII without '.', as Standard Webhooks ids must be.
const ID: &str = "[!-\\-/-~]{1,40}";

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn sign_then_verify(
        body in vec(any::<u8>(), 0..2048),
        id in ID,
        ts in timestamp(),
        skew in -300i64..=300,
        seed in "[!-~]{1,64}",
        path in "[ -~]{0,30}",
    ) {
        let url = format!("https://partner.example/{path}");
        let message = Message::new(&body).id(&id).timestamp(ts);
        let now = ts + skew;
        for scheme in Scheme::ALL {
            let secret = secret_for(scheme, &seed);
            let signed = signer(scheme, &secret, &url).sign(&message).unwrap();
            let verifier = verifier_builder(scheme, &secret, &url).build().unwrap();

            let mut map = HeaderMap::new();
            signed.insert_into(&mut map).unwrap();
            let verified = verifier.verify(&map, Bytes::from(body.clone()), now);
            let verified = verified.unwrap_or_else(|e| panic!("{scheme}: {e}"));
            prop_assert_eq!(verified.body().as_ref(), body.as_slice());
            prop_assert_eq!(verified.secret_index(), 0);
            let expected_ts = scheme.is_timestamped().then_some(ts);
            prop_assert_eq!(verified.timestamp(), expected_ts);

            let pairs: Vec<(&str, &str)> = signed.headers().collect();
            let from_pairs = verifier.verify_parts(pairs.as_slice(), &body, now).unwrap();
            prop_assert_eq!(from_pairs, verified.verification());
        }
    }

    /// Linga's token signs nothing (it is a shared password, not a MAC), so a changed body is
    /// still accepted: asserted here so that this documented weakness is never mistaken for a
    /// working integrity check. Every other scheme must refuse the change.
    #[test]
    fn flipping_any_body_bit_is_a_mismatch(
        body in vec(any::<u8>(), 1..2048),
        at in any::<Index>(),
        bit in 0u8..8,
        id in ID,
        ts in timestamp(),
        seed in "[!-~]{1,64}",
    ) {
        let mut flipped = body.clone();
        let byte = at.index(body.len());
        flipped[byte] ^= 1 << bit;
        for scheme in Scheme::ALL {
            let secret = secret_for(scheme, &seed);
            let signed = signer(scheme, &secret, URL)
                .sign(&Message::new(&body).id(&id).timestamp(ts))
                .unwrap();
            let verifier = verifier_builder(scheme, &secret, URL).build().unwrap();
            let pairs: Vec<(&str, &str)> = signed.headers().collect();
            let result = verifier.verify_parts(pairs.as_slice(), &flipped, ts);
            if scheme == Scheme::Linga {
                prop_assert!(result.is_ok(), "linga: {result:?}");
            } else {
                prop_assert_eq!(result, Err(VerifyError::SignatureMismatch), "{}", scheme);
            }
        }
    }

    /// A valid message whose signature header gets one byte overwritten never panics and is
    /// only accepted if the new header still carries the same MAC (e.g. a hex digit's case).
    #[test]
    fn corrupted_valid_headers_never_panic(
        body in vec(any::<u8>(), 0..256),
        ts in timestamp(),
        at in any::<Index>(),
        byte in any::<u8>(),
        which in any::<Index>(),
    ) {
        for scheme in Scheme::ALL {
            let secret = secret_for(scheme, "k3y");
            let signed = signer(scheme, &secret, URL)
                .sign(&Message::new(&body).id("msg_1").timestamp(ts))
                .unwrap();
            let mut pairs: Vec<(&str, Vec<u8>)> = signed
                .headers()
                .map(|(name, value)| (name, value.as_bytes().to_vec()))
                .collect();
            let header = which.index(pairs.len());
            let value = &mut pairs[header].1;
            if !value.is_empty() {
                let i = at.index(value.len());
                value[i] = byte;
            }
            let verifier = verifier_builder(scheme, &secret, URL).build().unwrap();
            let _ = verifier.verify_parts(pairs.as_slice(), &body, ts);
        }
    }
}

proptest! {
    // Garbage is cheap to verify: more cases.
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_header_bytes_never_panic(
        headers in vec((header_name(), header_value()), 0..8),
        body in vec(any::<u8>(), 0..64),
        now in prop_oneof![timestamp(), any::<i64>()],
    ) {
        let pairs: Vec<(&str, Vec<u8>)> = headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.clone()))
            .collect();
        for verifier in garbage_verifiers() {
            match verifier.verify_parts(pairs.as_slice(), &body, now) {
                Ok(verification) => prop_assert!(verification.secret_index() < 2),
                // Formatting must not panic either.
                Err(error) => prop_assert!(!error.to_string().is_empty()),
            }
        }
    }

    #[test]
    fn arbitrary_header_strings_through_header_map_never_panic(
        headers in vec(
            (header_name(), prop_oneof![any::<String>(), "\\PC{0,80}", header_value().prop_map(
                |bytes| String::from_utf8_lossy(&bytes).into_owned()
            )]),
            0..8,
        ),
        body in vec(any::<u8>(), 0..64),
        now in prop_oneof![timestamp(), any::<i64>()],
    ) {
        // Only the pairs that are a valid `HeaderName` / `HeaderValue` go in the map, and the
        // same pairs are given as a list: both inputs must give the same answer.
        let mut map = HeaderMap::new();
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        for (name, value) in &headers {
            let (Ok(header), Ok(header_value)) =
                (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value))
            else {
                continue;
            };
            map.append(header, header_value);
            pairs.push((name, value));
        }
        for verifier in garbage_verifiers() {
            let from_map = verifier.verify(&map, Bytes::from(body.clone()), now);
            let from_pairs = verifier.verify_parts(pairs.as_slice(), &body, now);
            prop_assert_eq!(from_map.map(|v| v.verification()), from_pairs);
        }
    }
}

/// A Linga token with leading or trailing whitespace is accepted by `Secret::new` (it is a valid
/// header value), but the verifier trims the received value, and HTTP itself strips such
/// whitespace from header values: the token could never verify. Either the secret should be
/// refused (`SecretError::InvalidToken`) or a signed message should verify.
#[test]
fn linga_token_with_surrounding_whitespace_is_refused_or_round_trips() {
    for token in [" token", "token ", "\ttoken", " token\t"] {
        let built = Signer::builder(Scheme::Linga)
            .header_name(LINGA_HEADER)
            .secret(token)
            .build();
        let Ok(signer) = built else {
            let error = built.unwrap_err();
            assert!(
                matches!(
                    error,
                    pos_webhooks::ConfigError::InvalidSecret {
                        source: SecretError::InvalidToken,
                        ..
                    }
                ),
                "{token:?}: {error:?}"
            );
            continue;
        };
        let signed = signer.sign(&Message::new(b"{}")).unwrap();
        let verifier = verifier_builder(Scheme::Linga, token, URL).build().unwrap();
        let pairs: Vec<(&str, &str)> = signed.headers().collect();
        let result = verifier.verify_parts(pairs.as_slice(), b"{}", 0);
        assert!(result.is_ok(), "{token:?}: {result:?}");
    }
}
