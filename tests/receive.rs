//! Receiving through `Receiver`: headers from any `HeaderSource`, the verification details in
//! `Received`, and the header edge cases (issue 11 item 9).
#![cfg(feature = "revel")]

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode};
use pos_webhooks::revel::RevelEvent;
use pos_webhooks::{
    EventFilter, Message, ReceiveError, Received, Receiver, Scheme, Signer, Verifier,
};

const NOW: i64 = 1_700_000_000;
const PING: &[u8] = br#"{"ping": "pong"}"#;

fn revel_receiver(filter: &str) -> Receiver {
    Receiver::new(
        Verifier::new(Scheme::Revel, ["new", "old"]).unwrap(),
        filter.parse().unwrap(),
    )
}

fn revel_signature(secret: &str, body: &[u8]) -> String {
    Signer::new(Scheme::Revel, [secret])
        .unwrap()
        .sign(&Message::new(body))
        .unwrap()
        .signature()
        .to_owned()
}

fn revel_headers(event_type: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        "x-revel-signature",
        revel_signature("new", PING).parse().unwrap(),
    );
    headers.insert(
        "x-revel-event-type",
        HeaderValue::from_bytes(event_type).unwrap(),
    );
    headers
}

/// Issue 11 item 9: a non-UTF-8 `X-Revel-Event-Type` was reported as a *missing* header.
#[test]
fn non_utf8_revel_event_type_is_a_malformed_header_not_a_missing_one() {
    let receiver = revel_receiver("*");
    let headers = revel_headers(b"order.\xff");
    let error = receiver
        .revel(&headers, Bytes::from_static(PING), NOW)
        .unwrap_err();
    assert_eq!(
        error,
        ReceiveError::MalformedHeader {
            header: "x-revel-event-type".into(),
            reason: "not utf-8",
        }
    );
    assert_eq!(
        error.to_string(),
        "malformed header x-revel-event-type: not utf-8"
    );
    assert_eq!(error.status(), StatusCode::BAD_REQUEST);
    // The same through pairs with raw bytes (another `http` major, or none).
    let signature = revel_signature("new", PING);
    let pairs: [(&str, &[u8]); 2] = [
        ("X-Revel-Signature", signature.as_bytes()),
        ("X-Revel-Event-Type", b"\xc3(ping"),
    ];
    assert_eq!(
        receiver
            .revel(&pairs, Bytes::from_static(PING), NOW)
            .unwrap_err(),
        error
    );
}

#[test]
fn missing_and_empty_revel_event_type_are_told_apart() {
    let receiver = revel_receiver("*");
    let mut headers = revel_headers(b"ping");
    headers.remove("x-revel-event-type");
    assert_eq!(
        receiver
            .revel(&headers, Bytes::from_static(PING), NOW)
            .unwrap_err(),
        ReceiveError::NoEventType("missing header x-revel-event-type")
    );
    let headers = revel_headers(b"  ");
    assert_eq!(
        receiver
            .revel(&headers, Bytes::from_static(PING), NOW)
            .unwrap_err(),
        ReceiveError::MalformedHeader {
            header: "x-revel-event-type".into(),
            reason: "empty",
        }
    );
}

#[test]
fn non_utf8_revel_establishment_id_is_malformed_not_storeless() {
    // Read as "no store", a scoped filter would still refuse it; an unscoped one would accept
    // a request whose store the sender did state. Either way the sender sent something wrong.
    let receiver = Receiver::new(
        Verifier::new(Scheme::Revel, ["new"]).unwrap(),
        EventFilter::all(),
    );
    let mut headers = revel_headers(b"ping");
    headers.insert(
        "x-revel-establishment-id",
        HeaderValue::from_bytes(b"\xfe1").unwrap(),
    );
    assert_eq!(
        receiver
            .revel(&headers, Bytes::from_static(PING), NOW)
            .unwrap_err(),
        ReceiveError::MalformedHeader {
            header: "x-revel-establishment-id".into(),
            reason: "not utf-8",
        }
    );
}

#[test]
fn a_forged_request_with_a_bad_event_type_is_not_authentic_first() {
    // Verification comes first: an unauthenticated sender learns nothing about the headers.
    let receiver = revel_receiver("*");
    let headers = revel_headers(b"\xff");
    let error = receiver
        .revel(&headers, Bytes::from_static(b"{}"), NOW)
        .unwrap_err();
    assert!(matches!(error, ReceiveError::NotAuthentic(_)), "{error:?}");
    assert_eq!(error.status(), StatusCode::UNAUTHORIZED);
}

#[test]
fn pairs_and_header_maps_give_the_same_result() {
    let receiver = revel_receiver("ping");
    let signature = revel_signature("old", PING);
    let pairs = [
        ("X-Revel-Signature", signature.as_str()),
        ("X-Revel-Event-Type", " ping "),
    ];
    let from_pairs = receiver
        .revel(&pairs[..], Bytes::from_static(PING), NOW)
        .unwrap();
    let mut map = HeaderMap::new();
    map.insert("x-revel-signature", signature.parse().unwrap());
    map.insert("x-revel-event-type", "ping".parse().unwrap());
    let from_map = receiver.revel(&map, Bytes::from_static(PING), NOW).unwrap();
    assert_eq!(from_pairs, from_map);
    let Received {
        event,
        verification,
        ..
    } = from_pairs;
    assert!(matches!(event, RevelEvent::Ping(_)), "{event:?}");
    assert_eq!(event.event_type(), "ping");
    // Signed with the second secret given: a rotation in progress is visible.
    assert_eq!(verification.secret_index(), 1);
    assert_eq!(verification.timestamp(), None);
}

#[test]
fn received_carries_the_signed_timestamp() {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let receiver = Receiver::new(
        Verifier::new(Scheme::Standard, [secret]).unwrap(),
        "order.*".parse().unwrap(),
    );
    let body = Bytes::from_static(br#"{"n": 1}"#);
    let signed = Signer::new(Scheme::Standard, [secret])
        .unwrap()
        .sign(&Message::new(&body).id("msg_a").timestamp(NOW - 30))
        .unwrap();
    let mut headers = HeaderMap::new();
    signed.insert_into(&mut headers).unwrap();
    let received = receiver
        .receive_json::<serde_json::Value>(&headers, body.clone(), NOW, "order.paid", None)
        .unwrap();
    assert_eq!(received.verification.timestamp(), Some(NOW - 30));
    assert_eq!(received.verification.secret_index(), 0);
    let n = received.map(|value| value["n"].as_i64());
    assert_eq!(n.into_event(), Some(1));
    // Filtered out: answered 2xx, so the sender does not retry it.
    let error = receiver
        .receive_json::<serde_json::Value>(&headers, body, NOW, "customer.created", None)
        .unwrap_err();
    assert_eq!(
        error,
        ReceiveError::FilteredOut {
            event_type: "customer.created".into(),
            store: None
        }
    );
    assert_eq!(error.status(), StatusCode::NO_CONTENT);
}
