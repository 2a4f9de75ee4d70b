//! The duplicate filter: windows (property test), bounded memory under a million distinct keys,
//! and the keys `Receiver` takes from each vendor's and scheme's id.
//! (Allocation counts: `tests/duplicates_alloc.rs`, which has its own counting allocator.)
#![cfg(all(feature = "revel", feature = "linga", feature = "ordergroove"))]

use std::collections::HashMap;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use pos_webhooks::linga::CheckEventKind;
use pos_webhooks::{
    DedupKey, DedupSource, DuplicateFilter, EventFilter, Message, ReceiveError, Receiver, Scheme,
    Seen, Signer, Verifier,
};
use proptest::prelude::*;

fn key(n: u32, expires_at: i64) -> DedupKey {
    DedupKey::custom(&n.to_le_bytes(), expires_at)
}

proptest! {
    /// Against a model (a map from key to the end of its window): a key is a duplicate exactly
    /// while `now` is inside the window of the check that recorded it, and new after.
    #[test]
    fn duplicate_within_its_window_and_not_after(
        steps in prop::collection::vec((0u32..40, 1i64..50, 0i64..5), 1..400),
    ) {
        let mut filter = DuplicateFilter::new(64);
        let mut model: HashMap<u32, i64> = HashMap::new();
        let mut now = 1_000i64;
        for (id, ttl, advance) in steps {
            now += advance;
            let k = key(id, now + ttl);
            let expected = match model.get(&id) {
                Some(&until) if now < until => Seen::Duplicate,
                _ => Seen::New,
            };
            prop_assert_eq!(filter.check(&k, now), expected, "id {} at {}", id, now);
            if expected == Seen::New {
                model.insert(id, now + ttl);
            }
            prop_assert!(filter.len() <= filter.max_keys());
        }
    }

    /// Forgetting a key makes its next check new.
    #[test]
    fn forgotten_keys_are_new(ids in prop::collection::hash_set(0u32..1000, 1..100)) {
        let mut filter = DuplicateFilter::new(256);
        for &id in &ids {
            filter.check(&key(id, 100), 0);
        }
        for &id in &ids {
            prop_assert_eq!(filter.check(&key(id, 100), 1), Seen::Duplicate);
        }
        for &id in &ids {
            filter.forget(&key(id, 100));
        }
        prop_assert!(filter.is_empty());
        for &id in &ids {
            prop_assert_eq!(filter.check(&key(id, 100), 2), Seen::New);
        }
    }
}

/// A million distinct keys through a filter of 10 000: its table never grows, it never holds
/// more than its maximum, and at a rate its size allows (100 keys a second, each kept 60 s:
/// 6 000 live) it never refuses one.
#[test]
fn memory_stays_bounded_under_a_million_distinct_keys() {
    let mut filter = DuplicateFilter::new(10_000);
    let capacity = filter.capacity();
    assert_eq!(capacity, 32_768);
    let mut most = 0;
    for n in 0..1_000_000u32 {
        let now = i64::from(n / 100);
        assert_eq!(filter.check(&key(n, now + 60), now), Seen::New, "key {n}");
        most = most.max(filter.len());
    }
    assert_eq!(filter.capacity(), capacity);
    assert!(most <= 10_000, "held {most}");
    assert!(
        filter.len() >= 6_000,
        "forgot keys inside their window: {}",
        filter.len()
    );
    // Recent keys are still duplicates, old ones forgotten.
    assert_eq!(filter.check(&key(999_999, 10_059), 9_999), Seen::Duplicate);
    assert_eq!(filter.check(&key(0, 10_059), 9_999), Seen::New);
}

/// Faster than keys expire: full, and it says so rather than forgetting a key early.
#[test]
fn a_full_filter_refuses_new_keys_and_keeps_the_old() {
    let mut filter = DuplicateFilter::new(1_000);
    for n in 0..1_000 {
        assert_eq!(filter.check(&key(n, 100), 0), Seen::New);
    }
    for n in 1_000..2_000 {
        assert_eq!(filter.check(&key(n, 100), 1), Seen::Full);
    }
    for n in 0..1_000 {
        assert_eq!(filter.check(&key(n, 100), 2), Seen::Duplicate);
    }
    assert_eq!(filter.len(), 1_000);
    assert_eq!(filter.check(&key(5_000, 200), 100), Seen::New);
}

const NOW: i64 = 1_700_000_000;

fn sign(scheme: Scheme, secret: &str, body: &[u8], headers: &mut HeaderMap, id: &str) {
    let signer = match scheme {
        Scheme::Square => Signer::builder(scheme)
            .secret(secret)
            .notification_url("https://partner.example/sq")
            .build()
            .unwrap(),
        _ => Signer::new(scheme, [secret]).unwrap(),
    };
    signer
        .sign(&Message::new(body).id(id).timestamp(NOW))
        .unwrap()
        .insert_into(headers)
        .unwrap();
}

fn json_receiver(scheme: Scheme, secret: &str) -> Receiver {
    let verifier = match scheme {
        Scheme::Square => Verifier::builder(scheme)
            .secret(secret)
            .notification_url("https://partner.example/sq")
            .build()
            .unwrap(),
        _ => Verifier::new(scheme, [secret]).unwrap(),
    };
    Receiver::new(verifier, EventFilter::all())
}

fn json_key(receiver: &Receiver, headers: &HeaderMap, body: &'static [u8]) -> DedupKey {
    receiver
        .receive_json::<serde_json::Value>(headers, Bytes::from_static(body), NOW, "x", None)
        .unwrap()
        .dedup_key
}

#[test]
fn keys_come_from_the_vendors_id_first() {
    let body: &[u8] = br#"{"id":"evt_1","object":"event"}"#;
    // Standard Webhooks: the signed `webhook-id`.
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let mut headers = HeaderMap::new();
    sign(Scheme::Standard, secret, body, &mut headers, "msg_1");
    let standard = json_key(&json_receiver(Scheme::Standard, secret), &headers, body);
    assert_eq!(standard.source(), DedupSource::Header("webhook-id"));
    assert!(standard.is_signed());
    // Stripe: the event's own `id`, signed with the body.
    let mut headers = HeaderMap::new();
    sign(Scheme::Stripe, "whsec_x", body, &mut headers, "m");
    headers.insert("webhook-id", "crate-msg".parse().unwrap());
    let stripe = json_key(&json_receiver(Scheme::Stripe, "whsec_x"), &headers, body);
    assert_eq!(stripe.source(), DedupSource::BodyId);
    assert!(stripe.is_signed());
    // GitHub: `X-GitHub-Delivery`, before the crate's `webhook-id`; not signed.
    let mut headers = HeaderMap::new();
    sign(Scheme::Github, "gh", body, &mut headers, "m");
    headers.insert("webhook-id", "crate-msg".parse().unwrap());
    let receiver = json_receiver(Scheme::Github, "gh");
    assert_eq!(
        json_key(&receiver, &headers, body).source(),
        DedupSource::Header("webhook-id")
    );
    headers.insert("x-github-delivery", "72d3162e".parse().unwrap());
    let github = json_key(&receiver, &headers, body);
    assert_eq!(github.source(), DedupSource::Header("x-github-delivery"));
    assert!(!github.is_signed());
    // Shopify: `X-Shopify-Event-Id`, then `X-Shopify-Webhook-Id`.
    let mut headers = HeaderMap::new();
    sign(Scheme::Shopify, "shp", body, &mut headers, "m");
    headers.insert("x-shopify-webhook-id", "w-1".parse().unwrap());
    let receiver = json_receiver(Scheme::Shopify, "shp");
    assert_eq!(
        json_key(&receiver, &headers, body).source(),
        DedupSource::Header("x-shopify-webhook-id")
    );
    headers.insert("x-shopify-event-id", "e-1".parse().unwrap());
    assert_eq!(
        json_key(&receiver, &headers, body).source(),
        DedupSource::Header("x-shopify-event-id")
    );
    // Square, no id header at all: the digest of the signed body.
    let mut headers = HeaderMap::new();
    sign(Scheme::Square, "sq", body, &mut headers, "m");
    let square = json_key(&json_receiver(Scheme::Square, "sq"), &headers, body);
    assert_eq!(square.source(), DedupSource::BodyDigest);
    assert!(square.is_signed());
    // Same id, same key; another id, another key.
    let mut other = HeaderMap::new();
    sign(Scheme::Standard, secret, body, &mut other, "msg_2");
    let receiver = json_receiver(Scheme::Standard, secret);
    assert_ne!(json_key(&receiver, &other, body), standard);
    let mut again = HeaderMap::new();
    sign(Scheme::Standard, secret, body, &mut again, "msg_1");
    assert_eq!(json_key(&receiver, &again, body), standard);
}

#[test]
fn keys_of_revel_ordergroove_and_linga() {
    let ping: &'static [u8] = br#"{"ping": "pong"}"#;
    let receiver = Receiver::new(
        Verifier::new(Scheme::Revel, ["s"]).unwrap(),
        EventFilter::all(),
    );
    let mut headers = HeaderMap::new();
    sign(Scheme::Revel, "s", ping, &mut headers, "m");
    headers.insert("x-revel-event-type", "ping".parse().unwrap());
    let revel_key = |headers: &HeaderMap| {
        receiver
            .revel(headers, Bytes::from_static(ping), NOW)
            .unwrap()
            .dedup_key
    };
    assert_eq!(revel_key(&headers).source(), DedupSource::BodyDigest);
    headers.insert("webhook-id", "crate-msg".parse().unwrap());
    assert_eq!(
        revel_key(&headers).source(),
        DedupSource::Header("webhook-id")
    );
    headers.insert("x-revel-message-id", "rm".parse().unwrap());
    assert_eq!(
        revel_key(&headers).source(),
        DedupSource::Header("x-revel-message-id")
    );
    headers.insert("x-revel-event-id", "re".parse().unwrap());
    let key = revel_key(&headers);
    assert_eq!(key.source(), DedupSource::Header("x-revel-event-id"));
    assert!(!key.is_signed());
    // Revel signs no timestamp: remembered for the receiver's TTL.
    assert_eq!(key.ttl_secs(NOW), 86_400);

    // Ordergroove: the envelope's `id`, signed; kept for the TTL or, if longer, the window.
    let body: &'static [u8] = br#"{"id":"e1","type":"order.success","created":1622589211,"data":{"object":{"type":"order"}}}"#;
    let mut headers = HeaderMap::new();
    sign(Scheme::Ordergroove, "og", body, &mut headers, "m");
    headers.insert("webhook-id", "crate-msg".parse().unwrap());
    let receiver = Receiver::new(
        Verifier::new(Scheme::Ordergroove, ["og"]).unwrap(),
        EventFilter::all(),
    )
    .with_dedup_ttl_secs(0);
    let key = receiver
        .ordergroove(&headers, Bytes::from_static(body), NOW + 10)
        .unwrap()
        .dedup_key;
    assert_eq!(key.source(), DedupSource::BodyId);
    assert!(key.is_signed());
    // Signed at NOW, tolerance 300 s: a replay verifies until NOW + 300.
    assert_eq!(key.expires_at(), NOW + 301);

    // Linga: the token covers nothing, so not even the body's digest is signed.
    let receiver = Receiver::new(
        Verifier::builder(Scheme::Linga)
            .header_name("X-Key")
            .secret("tok")
            .build()
            .unwrap(),
        EventFilter::all(),
    );
    let headers = [("X-Key", "tok")];
    let key = receiver
        .linga(
            CheckEventKind::OpenedInPos,
            &headers,
            Bytes::from_static(br#"{"check":1}"#),
            NOW,
        )
        .unwrap()
        .dedup_key;
    assert_eq!(key.source(), DedupSource::BodyDigest);
    assert!(!key.is_signed());
}

#[test]
fn a_receiver_with_a_filter_answers_duplicates_200_and_forgets_on_request() {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let receiver = json_receiver(Scheme::Standard, secret)
        .with_duplicate_filter(DuplicateFilter::new(100))
        .with_dedup_ttl_secs(3_600);
    let body: &'static [u8] = br#"{"order": 417}"#;
    let receive = |headers: &HeaderMap, now| {
        receiver.receive_json::<serde_json::Value>(
            headers,
            Bytes::from_static(body),
            now,
            "x",
            None,
        )
    };
    let mut first = HeaderMap::new();
    sign(Scheme::Standard, secret, body, &mut first, "msg_1");
    let accepted = receive(&first, NOW).unwrap();
    assert_eq!(accepted.event["order"], 417);
    // A replay of the same request, within the window.
    let replay = receive(&first, NOW + 5).unwrap_err();
    assert_eq!(
        replay,
        ReceiveError::Duplicate {
            key: accepted.dedup_key
        }
    );
    assert_eq!(replay.status(), StatusCode::OK);
    // A sender's retry 20 min later: fresh timestamp and signature, same id. Still a duplicate
    // (the tolerance window alone would have let it through).
    let retry_now = NOW + 1_200;
    let mut signed_retry = HeaderMap::new();
    Signer::new(Scheme::Standard, [secret])
        .unwrap()
        .sign(&Message::new(body).id("msg_1").timestamp(retry_now))
        .unwrap()
        .insert_into(&mut signed_retry)
        .unwrap();
    assert!(matches!(
        receive(&signed_retry, retry_now),
        Err(ReceiveError::Duplicate { .. })
    ));
    // Another message is new; after the TTL the first one is new again.
    let mut other = HeaderMap::new();
    sign(Scheme::Standard, secret, body, &mut other, "msg_2");
    assert!(receive(&other, NOW + 1).is_ok());
    let mut late = HeaderMap::new();
    Signer::new(Scheme::Standard, [secret])
        .unwrap()
        .sign(&Message::new(body).id("msg_1").timestamp(NOW + 3_600))
        .unwrap()
        .insert_into(&mut late)
        .unwrap();
    let again = receive(&late, NOW + 3_600).unwrap();
    assert_eq!(again.dedup_key, accepted.dedup_key);
    assert_eq!(again.dedup_key.expires_at(), NOW + 7_200);
    assert!(matches!(
        receive(&late, NOW + 3_601),
        Err(ReceiveError::Duplicate { .. })
    ));
    // The caller could not apply it: forgotten, so the sender's next try is applied.
    assert!(receiver.forget(&again.dedup_key));
    assert!(!receiver.forget(&again.dedup_key));
    assert!(receive(&late, NOW + 3_602).is_ok());
}
