//! Verifying arbitrary headers and bodies never panics, the `HeaderMap` path and the pairs path
//! agree, and whatever is signed with a configured secret verifies.
//!
//! Input layout:
//!
//! | bytes  | meaning |
//! |--------|---------|
//! | 0      | scheme: `Scheme::ALL[b % 9]` |
//! | 1      | flags: bits 0–2 svix names (standard), bit 3 upper-case names, bit 4 a decoy duplicate of each header after it, bits 5–6 verifier variant (default / tolerance 0 / skip timestamp check / miPOS base64) |
//! | 2..10  | `now`, i64 little-endian |
//! | then   | per header of the scheme: a length byte (255 = header absent, 254 = a u16 LE length follows) and that many bytes |
//! | rest   | the body |
#![no_main]

use std::sync::LazyLock;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use libfuzzer_sys::fuzz_target;
use pos_webhooks::{
    MAX_MESSAGE_ID_BYTES, Message, Scheme, SignError, Signer, Verifier, VerifyError,
};

const SQUARE_URL: &str = "https://example.com/webhooks/square";
const LINGA_HEADER: &str = "X-Api-Key";

/// Two secrets per scheme (rotation): the verifiers hold both, the signers only the second.
fn secrets(scheme: Scheme) -> [&'static str; 2] {
    match scheme {
        Scheme::Standard => [
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            // base64 of "second-secret"
            "whsec_c2Vjb25kLXNlY3JldA==",
        ],
        Scheme::Stripe => ["whsec_fuzz_old", "whsec_fuzz_new"],
        Scheme::Linga => ["linga-token-old", "linga-token-new"],
        _ => ["fuzz-secret-old", "fuzz-secret-new"],
    }
}

/// The header names a scheme's verifier reads (Linga: the configured one).
fn names(scheme: Scheme) -> &'static [&'static str] {
    match scheme {
        Scheme::Linga => &["x-api-key"],
        other => other.headers(),
    }
}

const SVIX: [&str; 3] = ["svix-id", "svix-timestamp", "svix-signature"];

fn verifier(scheme: Scheme, variant: u8) -> Verifier {
    let mut b = Verifier::builder(scheme)
        .notification_url(SQUARE_URL)
        .header_name(LINGA_HEADER);
    for s in secrets(scheme) {
        b = b.secret(s);
    }
    b = match variant {
        0 => b,
        1 => b.tolerance_secs(0),
        2 => b.danger_skip_timestamp_check(),
        _ => b.accept_base64_signatures(),
    };
    b.build().expect("fixed verifier config is valid")
}

fn signer(scheme: Scheme) -> Signer {
    Signer::builder(scheme)
        .notification_url(SQUARE_URL)
        .header_name(LINGA_HEADER)
        .secret(secrets(scheme)[1])
        .build()
        .expect("fixed signer config is valid")
}

/// `VERIFIERS[scheme][variant]`.
static VERIFIERS: LazyLock<Vec<[Verifier; 4]>> = LazyLock::new(|| {
    Scheme::ALL
        .iter()
        .map(|s| [0, 1, 2, 3].map(|v| verifier(*s, v)))
        .collect()
});
static SIGNERS: LazyLock<Vec<Signer>> =
    LazyLock::new(|| Scheme::ALL.iter().map(|s| signer(*s)).collect());

fn take<'a>(data: &mut &'a [u8], n: usize) -> &'a [u8] {
    let n = n.min(data.len());
    let (head, tail) = data.split_at(n);
    *data = tail;
    head
}

fn is_hmac(scheme: Scheme) -> bool {
    scheme != Scheme::Linga
}

fuzz_target!(|data: &[u8]| {
    let mut data = data;
    let head = take(&mut data, 10);
    let pick = head.first().copied().unwrap_or(0);
    let flags = head.get(1).copied().unwrap_or(0);
    let mut now_bytes = [0u8; 8];
    for (dst, src) in now_bytes.iter_mut().zip(head.iter().skip(2)) {
        *dst = *src;
    }
    let now = i64::from_le_bytes(now_bytes);
    let index = usize::from(pick) % Scheme::ALL.len();
    let scheme = Scheme::ALL[index];
    let variant = (flags >> 5) & 3;
    let verifier = &VERIFIERS[index][usize::from(variant)];

    // The headers: each present one with its (possibly aliased, possibly upper-case) name.
    let mut pairs: Vec<(String, &[u8])> = Vec::new();
    for (i, name) in names(scheme).iter().enumerate() {
        let len = match take(&mut data, 1).first().copied().unwrap_or(255) {
            255 => continue,
            254 => {
                let raw = take(&mut data, 2);
                usize::from(u16::from_le_bytes([
                    raw.first().copied().unwrap_or(0),
                    raw.get(1).copied().unwrap_or(0),
                ]))
            }
            len => usize::from(len),
        };
        let value = take(&mut data, len);
        let name = if scheme == Scheme::Standard && flags & (1 << i) != 0 {
            SVIX[i]
        } else {
            name
        };
        let name = if flags & 8 != 0 {
            name.to_ascii_uppercase()
        } else {
            name.to_owned()
        };
        pairs.push((name, value));
    }
    if flags & 16 != 0 {
        // Decoys after the real headers: the first value of a name is the one read.
        let decoys: Vec<_> = pairs
            .iter()
            .map(|(n, _)| (n.clone(), &b"decoy"[..]))
            .collect();
        pairs.extend(decoys);
    }
    let body = data;

    // 1. Arbitrary input: never panics, errors display.
    let listed = verifier.verify_parts(pairs.as_slice(), body, now);
    if let Err(err) = &listed {
        let _ = err.to_string();
    }

    // 2. The same through an http::HeaderMap when every value is a valid header value: the
    //    same outcome.
    let mut map = HeaderMap::new();
    let mut representable = true;
    for (name, value) in &pairs {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(value),
        ) {
            (Ok(n), Ok(v)) => {
                map.append(n, v);
            }
            _ => {
                representable = false;
                break;
            }
        }
    }
    if representable {
        let via_map = verifier.verify(&map, Bytes::copy_from_slice(body), now);
        match (&listed, &via_map) {
            (Ok(a), Ok(b)) => {
                assert_eq!(*a, b.verification());
                assert_eq!(b.body().as_ref(), body);
            }
            (Err(a), Err(b)) => assert_eq!(a, b),
            _ => panic!("pairs and HeaderMap disagree: {listed:?} vs {via_map:?}"),
        }
    }

    // 3. Sign -> verify with the fixed secret (the verifier's second one).
    let signer = &SIGNERS[index];
    let id_candidate = pairs
        .first()
        .and_then(|(_, v)| std::str::from_utf8(v).ok())
        .filter(|s| !s.is_empty() && !s.contains('.') && s.bytes().all(|b| b.is_ascii_graphic()));
    // Standard Webhooks signs the id: one it would take but for its length is refused by name,
    // never truncated. (The other schemes sign no id and ignore it.)
    let id_candidate = match id_candidate {
        Some(long) if scheme == Scheme::Standard && long.len() > MAX_MESSAGE_ID_BYTES => {
            let err = signer
                .sign(&Message::new(body).id(long).timestamp(0))
                .expect_err("an id longer than the limit is refused");
            assert_eq!(err, SignError::InvalidId("longer than 128 bytes"));
            "msg_fuzz"
        }
        other => other.unwrap_or("msg_fuzz"),
    };
    if scheme.is_timestamped() && now < 0 {
        let err = signer
            .sign(&Message::new(body).id(id_candidate).timestamp(now))
            .expect_err("a negative timestamp is refused");
        let _ = err.to_string();
    }
    let ts = now.checked_abs().unwrap_or(i64::MAX);
    let signed = signer
        .sign(&Message::new(body).id(id_candidate).timestamp(ts))
        .expect("signing with id and timestamp succeeds");
    let signed_pairs: Vec<(&str, &str)> = signed.headers().collect();
    assert_eq!(signed_pairs.len(), names(scheme).len());
    let default = &VERIFIERS[index][0];
    let ok = default
        .verify_parts(signed_pairs.as_slice(), body, ts)
        .unwrap_or_else(|e| panic!("{scheme} signed body does not verify: {e}"));
    assert_eq!(ok.secret_index(), 1, "the signer holds the second secret");
    assert_eq!(ok.timestamp(), scheme.is_timestamped().then_some(ts));

    // Through a HeaderMap.
    let mut signed_map = HeaderMap::new();
    signed
        .insert_into(&mut signed_map)
        .expect("signed headers are valid header values");
    let verified = default
        .verify(&signed_map, Bytes::copy_from_slice(body), ts)
        .expect("signed body verifies through a HeaderMap");
    assert_eq!(verified.verification(), ok);

    // Standard Webhooks also accepts the svix-* names.
    if scheme == Scheme::Standard {
        let svix: Vec<(&str, &str)> = signed_pairs
            .iter()
            .zip(SVIX)
            .map(|((_, v), n)| (n, *v))
            .collect();
        assert_eq!(default.verify_parts(svix.as_slice(), body, ts), Ok(ok));
    }

    // Outside the replay window (default 300 s): refused for timestamped schemes only.
    for (at, future) in [(ts.checked_add(301), false), (ts.checked_sub(301), true)] {
        let Some(at) = at else { continue };
        let result = default.verify_parts(signed_pairs.as_slice(), body, at);
        if scheme.is_timestamped() {
            match result {
                Err(VerifyError::TimestampTooOld { .. }) if !future => {}
                Err(VerifyError::TimestampInFuture { .. }) if future => {}
                other => panic!("{scheme}: expected a timestamp error at {at}, got {other:?}"),
            }
            // Unless the check is skipped.
            assert_eq!(
                VERIFIERS[index][2].verify_parts(signed_pairs.as_slice(), body, at),
                Ok(ok)
            );
        } else {
            assert_eq!(result, Ok(ok));
        }
    }

    // A changed body is a signature mismatch (HMAC schemes; Linga's token signs nothing).
    let mut changed = body.to_vec();
    match changed.last_mut() {
        Some(last) => *last ^= 1,
        None => changed.push(b'x'),
    }
    let result = default.verify_parts(signed_pairs.as_slice(), &changed, ts);
    if is_hmac(scheme) {
        assert_eq!(result, Err(VerifyError::SignatureMismatch));
    } else {
        assert_eq!(result, Ok(ok));
    }
});
