//! Signature hardening (issue 11 items 1, 6, 7, 8 and the SDK-parity paragraph): tokens never
//! printed, weak secrets refused, length-independent token comparison, unambiguous signed ids,
//! repeated signature headers refused, Scheme's serde errors quoting nothing.

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use pos_webhooks::{
    ConfigError, MAX_MESSAGE_ID_BYTES, Message, Scheme, Secret, SecretError, SignError, Signer,
    Verifier, VerifyError,
};

const TOKEN: &str = "linga-token-9f3e7c1a";
const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const TS: i64 = 1_700_000_000;

fn linga_signer() -> Signer {
    Signer::builder(Scheme::Linga)
        .header_name("X-Partner-Key")
        .secret(TOKEN)
        .build()
        .unwrap()
}

fn secret_for(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Standard => WHSEC,
        Scheme::Linga => TOKEN,
        _ => "shared-secret-1",
    }
}

fn signer(scheme: Scheme) -> Signer {
    let b = Signer::builder(scheme).secret(secret_for(scheme));
    match scheme {
        Scheme::Square => b.notification_url("https://partner.example/sq"),
        Scheme::Linga => b.header_name("X-Partner-Key"),
        _ => b,
    }
    .build()
    .unwrap()
}

fn make_verifier(scheme: Scheme) -> Verifier {
    let b = Verifier::builder(scheme).secret(secret_for(scheme));
    match scheme {
        Scheme::Square => b.notification_url("https://partner.example/sq"),
        Scheme::Linga => b.header_name("X-Partner-Key"),
        _ => b,
    }
    .build()
    .unwrap()
}

fn signed_map(scheme: Scheme, id: &str, body: &[u8]) -> HeaderMap {
    let mut map = HeaderMap::new();
    signer(scheme)
        .sign(&Message::new(body).id(id).timestamp(TS))
        .unwrap()
        .insert_into(&mut map)
        .unwrap();
    map
}

fn malformed(header: &str, reason: &str) -> VerifyError {
    VerifyError::MalformedHeader {
        header: header.to_owned().into(),
        reason: match reason {
            "repeated" => "header appears more than once",
            "id" => "webhook-id and svix-id differ",
            "ts" => "webhook-timestamp and svix-timestamp differ",
            "sig" => "webhook-signature and svix-signature differ",
            other => panic!("unknown reason {other}"),
        },
    }
}

#[test]
fn item1_linga_token_leaks() {
    let signed = linga_signer().sign(&Message::new(b"{}")).unwrap();
    let debug = format!("{signed:?}");
    assert!(!debug.contains(TOKEN), "{debug}");
    assert!(
        debug.contains("x-partner-key") && debug.contains("[redacted]"),
        "{debug}"
    );
    // The value itself is still there for whoever asks for it by name.
    assert_eq!(signed.get("X-Partner-Key"), Some(TOKEN));

    let mut map = HeaderMap::new();
    signed.insert_into(&mut map).unwrap();
    assert!(map["x-partner-key"].is_sensitive());
    assert!(!format!("{map:?}").contains(TOKEN));

    let mut request = http::Request::post("https://partner.example/")
        .body(Bytes::from_static(b"{}"))
        .unwrap();
    signed.apply_to(&mut request).unwrap();
    assert!(request.headers()["x-partner-key"].is_sensitive());
    assert_eq!(request.headers()["x-partner-key"], TOKEN);
    assert!(!format!("{request:?}").contains(TOKEN));

    // Signatures are not credentials: they stay visible, and are not marked.
    let signed = signer(Scheme::Github).sign(&Message::new(b"{}")).unwrap();
    let debug = format!("{signed:?}");
    assert!(debug.contains(signed.signature()), "{debug}");
    let mut map = HeaderMap::new();
    signed.insert_into(&mut map).unwrap();
    assert!(!map["x-hub-signature-256"].is_sensitive());
}

#[test]
fn item6_hmac_secrets_that_are_only_whitespace_or_nul() {
    for scheme in Scheme::ALL {
        if scheme == Scheme::Linga || scheme == Scheme::Standard {
            continue;
        }
        for blank in [" ", "   ", "\t\r\n", "\0", "\0\0\0\0", " \0 "] {
            assert_eq!(
                Secret::new(scheme, blank).unwrap_err(),
                SecretError::Blank,
                "{scheme} {blank:?}"
            );
            assert_eq!(
                Verifier::new(scheme, [blank]).unwrap_err(),
                ConfigError::InvalidSecret {
                    index: 0,
                    source: SecretError::Blank
                }
            );
        }
        // Whitespace inside a real secret is fine.
        assert!(Secret::new(scheme, " a secret ").is_ok());
    }
    // Standard Webhooks: a decoded key of NUL bytes (whsec_AAAA...) or spaces.
    assert_eq!(
        Secret::new(Scheme::Standard, "whsec_AAAAAAAAAAAAAAAAAAAAAA==").unwrap_err(),
        SecretError::Blank
    );
    assert_eq!(
        Secret::new(Scheme::Standard, "whsec_ICAg").unwrap_err(),
        SecretError::Blank
    );
    // Linga's whitespace rules are unchanged (already refused).
    assert_eq!(
        Secret::new(Scheme::Linga, " ").unwrap_err(),
        SecretError::InvalidToken
    );
    assert_eq!(
        SecretError::Blank.to_string(),
        "secret is only whitespace or nul bytes"
    );
}

#[test]
fn item7_token_comparison_leaks_length() {
    // Comparison is on SHA-256 digests of both sides: every length is compared the same way,
    // and only the exact token matches.
    let verifier = make_verifier(Scheme::Linga);
    let ok = verifier
        .verify_parts(&[("X-Partner-Key", TOKEN)], b"{}", 0)
        .unwrap();
    assert_eq!(ok.secret_index(), 0);
    let longer = format!("{TOKEN}x");
    let doubled = format!("{TOKEN}{TOKEN}");
    for wrong in [
        "",
        "l",
        &TOKEN[..TOKEN.len() - 1],
        longer.as_str(),
        doubled.as_str(),
        "LINGA-TOKEN-9F3E7C1A",
    ] {
        let err = verifier
            .verify_parts(&[("X-Partner-Key", wrong)], b"{}", 0)
            .unwrap_err();
        assert_eq!(
            err,
            VerifyError::TokenMismatch {
                header: "x-partner-key".into()
            },
            "{wrong:?}"
        );
    }
    // Rotation: the second of tokens of different lengths is found.
    let two = Verifier::builder(Scheme::Linga)
        .header_name("X-Partner-Key")
        .secret("short")
        .secret(TOKEN)
        .build()
        .unwrap();
    let ok = two
        .verify_parts(&[("x-partner-key", TOKEN)], b"{}", 0)
        .unwrap();
    assert_eq!(ok.secret_index(), 1);
}

#[test]
fn item8_ambiguous_signed_ids() {
    let body = br#"{"id":1}"#;
    let verifier = make_verifier(Scheme::Standard);
    let map = signed_map(Scheme::Standard, "msg_original", body);
    let ok = verifier.verify(&map, Bytes::from_static(body), TS).unwrap();
    assert_eq!(ok.id(), Some("msg_original"));
    assert_eq!(ok.verification().id(), Some("msg_original"));

    // Replayed with an extra `svix-id: fresh`: refused, not a "new" message.
    let mut replay = map.clone();
    replay.insert("svix-id", HeaderValue::from_static("fresh"));
    assert_eq!(
        verifier.verify(&replay, Bytes::from_static(body), TS),
        Err(malformed("webhook-id", "id"))
    );
    // A second `webhook-id` line.
    let mut replay = map.clone();
    replay.append("webhook-id", HeaderValue::from_static("fresh"));
    assert_eq!(
        verifier.verify(&replay, Bytes::from_static(body), TS),
        Err(malformed("webhook-id", "repeated"))
    );
    // Even the same id twice: one line per header.
    let mut replay = map.clone();
    replay.append("webhook-id", HeaderValue::from_static("msg_original"));
    assert_eq!(
        verifier.verify(&replay, Bytes::from_static(body), TS),
        Err(malformed("webhook-id", "repeated"))
    );
    // Aliases with different timestamps or signatures.
    let mut other = map.clone();
    other.insert("svix-timestamp", HeaderValue::from_static("1700000001"));
    assert_eq!(
        verifier.verify(&other, Bytes::from_static(body), TS),
        Err(malformed("webhook-timestamp", "ts"))
    );
    let mut other = map.clone();
    other.insert("svix-signature", HeaderValue::from_static("v1,AAAA"));
    assert_eq!(
        verifier.verify(&other, Bytes::from_static(body), TS),
        Err(malformed("webhook-signature", "sig"))
    );
    // Aliases carrying the same values (Svix sends both sets) are fine.
    let mut both = map.clone();
    for (main, alias) in [
        ("webhook-id", "svix-id"),
        ("webhook-timestamp", "svix-timestamp"),
        ("webhook-signature", "svix-signature"),
    ] {
        let value = both[main].clone();
        both.insert(HeaderName::from_static(alias), value);
    }
    assert_eq!(
        verifier
            .verify(&both, Bytes::from_static(body), TS)
            .unwrap()
            .id(),
        Some("msg_original")
    );
    // svix-* only: the id reported is svix-id's.
    let mut svix_only = HeaderMap::new();
    for (main, alias) in [
        ("webhook-id", "svix-id"),
        ("webhook-timestamp", "svix-timestamp"),
        ("webhook-signature", "svix-signature"),
    ] {
        svix_only.insert(HeaderName::from_static(alias), map[main].clone());
    }
    assert_eq!(
        verifier
            .verify(&svix_only, Bytes::from_static(body), TS)
            .unwrap()
            .id(),
        Some("msg_original")
    );
    // The same through pairs (another `http` version).
    let pairs = [
        ("webhook-id", "msg_original"),
        ("Webhook-Id", "fresh"),
        ("webhook-timestamp", "1700000000"),
        (
            "webhook-signature",
            map["webhook-signature"].to_str().unwrap(),
        ),
    ];
    assert_eq!(
        verifier.verify_parts(&pairs[..], body, TS),
        Err(malformed("webhook-id", "repeated"))
    );

    // Two signature lines, every scheme: refused whatever the second says (even the same).
    for scheme in Scheme::ALL {
        let map = signed_map(scheme, "msg_1", body);
        let verifier = make_verifier(scheme);
        verifier.verify(&map, Bytes::from_static(body), TS).unwrap();
        let (name, value) = map
            .iter()
            .find(|(name, _)| {
                !name.as_str().ends_with("-id") && !name.as_str().ends_with("timestamp")
            })
            .map(|(n, v)| (n.clone(), v.clone()))
            .unwrap();
        for second in [value.clone(), HeaderValue::from_static("other")] {
            let mut twice = map.clone();
            twice.append(name.clone(), second);
            assert_eq!(
                verifier.verify(&twice, Bytes::from_static(body), TS),
                Err(malformed(name.as_str(), "repeated")),
                "{scheme} {name}"
            );
        }
    }
}

#[test]
fn message_ids_are_bounded() {
    let body = b"{}";
    let id = "m".repeat(MAX_MESSAGE_ID_BYTES);
    let map = signed_map(Scheme::Standard, &id, body);
    let ok = make_verifier(Scheme::Standard)
        .verify(&map, Bytes::from_static(body), TS)
        .unwrap();
    assert_eq!(ok.id(), Some(id.as_str()));
    let long = "m".repeat(MAX_MESSAGE_ID_BYTES + 1);
    assert_eq!(
        signer(Scheme::Standard)
            .sign(&Message::new(body).id(&long).timestamp(TS))
            .unwrap_err(),
        SignError::InvalidId("longer than 128 bytes")
    );
    let mut map = map;
    map.insert("webhook-id", HeaderValue::from_str(&long).unwrap());
    assert_eq!(
        make_verifier(Scheme::Standard).verify(&map, Bytes::from_static(body), TS),
        Err(VerifyError::MalformedHeader {
            header: "webhook-id".into(),
            reason: "message id is longer than 128 bytes"
        })
    );
}

#[test]
fn sdk_unpadded_base64_whsec_secret() {
    // The issue's secret, unpadded, is the padded one's key.
    let unpadded = "whsec_AAECAwQFBgcICQoLDA0ODw";
    let padded = "whsec_AAECAwQFBgcICQoLDA0ODw==";
    let signed = Signer::new(Scheme::Standard, [padded])
        .unwrap()
        .sign(&Message::new(b"{}").id("msg_1").timestamp(TS))
        .unwrap();
    let headers: Vec<(&str, &str)> = signed.headers().collect();
    let ok = Verifier::new(Scheme::Standard, [unpadded])
        .unwrap()
        .verify_parts(&headers, b"{}", TS)
        .unwrap();
    assert_eq!(ok.secret_index(), 0);
    // Wrong padding or stray characters are still refused.
    for bad in ["whsec_AAEC AwQF", "whsec_A", "whsec_AAECAw!!"] {
        assert_eq!(
            Secret::new(Scheme::Standard, bad).unwrap_err(),
            SecretError::NotBase64,
            "{bad}"
        );
    }
}

#[test]
fn sdk_square_empty_notification_url_refused_at_setup() {
    for url in ["", "  "] {
        assert_eq!(
            Verifier::builder(Scheme::Square)
                .secret("k")
                .notification_url(url)
                .build()
                .unwrap_err(),
            ConfigError::MissingNotificationUrl,
            "{url:?}"
        );
        assert_eq!(
            Signer::builder(Scheme::Square)
                .secret("k")
                .notification_url(url)
                .build()
                .unwrap_err(),
            ConfigError::MissingNotificationUrl
        );
    }
}

#[test]
fn sdk_standard_malformed_entry_beside_valid_v1_is_skipped() {
    let body = b"{}";
    let map = signed_map(Scheme::Standard, "msg_1", body);
    let valid = map["webhook-signature"].to_str().unwrap().to_owned();
    let verifier = make_verifier(Scheme::Standard);
    for list in [
        format!("{valid} garbage"),
        format!("garbage {valid}"),
        format!("v1a,xyz {valid} ,"),
        format!("v1,not-base64! {valid}"),
    ] {
        let mut m = map.clone();
        m.insert("webhook-signature", HeaderValue::from_str(&list).unwrap());
        assert_eq!(
            verifier
                .verify(&m, Bytes::from_static(body), TS)
                .map(|v| v.secret_index()),
            Ok(0),
            "{list}"
        );
    }
    // Without a v1 entry, a malformed entry is reported.
    let mut m = map.clone();
    m.insert(
        "webhook-signature",
        HeaderValue::from_static("garbage v2,abc"),
    );
    assert_eq!(
        verifier.verify(&m, Bytes::from_static(body), TS),
        Err(VerifyError::MalformedHeader {
            header: "webhook-signature".into(),
            reason: "a signature has no version prefix"
        })
    );
}

#[test]
fn scheme_serde_errors_never_echo_the_input() {
    for (json, canary) in [
        (r#""sk_live_canary_51Hx""#, "sk_live_canary_51Hx"),
        (r#""whsec_Y2FuYXJ5""#, "Y2FuYXJ5"),
        ("123456789", "123456789"),
        ("-987654321", "987654321"),
        ("1.25e3", "1.25"),
        ("true", "true"),
    ] {
        let err = serde_json::from_str::<Scheme>(json)
            .unwrap_err()
            .to_string();
        assert!(!err.contains(canary), "{json}: {err}");
        assert!(err.contains("invalid scheme"), "{json}: {err}");
    }
    assert_eq!(
        serde_json::from_str::<Scheme>(r#""Stripe""#).unwrap(),
        Scheme::Stripe
    );
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Holder {
        scheme: Scheme,
    }
    let err = serde_json::from_str::<Holder>(r#"{"scheme": "canary-key-77"}"#)
        .unwrap_err()
        .to_string();
    assert!(!err.contains("canary-key-77"), "{err}");
    assert!(err.contains("line 1"), "{err}");
}
