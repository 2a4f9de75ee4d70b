//! Secrets never appear in `Display` or `Debug` output: of any error kind, for every scheme,
//! nor of the verifier, signer, secret, endpoint, endpoint set or receiver holding them.

use bytes::Bytes;
use http::HeaderMap;
use pos_webhooks::{
    Auth, ConfigError, Endpoint, EndpointSet, EventFilter, Message, Receiver, Scheme, Secret,
    SecretError, Signer, Verifier, VerifyError,
};

/// Secrets distinctive enough that any leak is found by a substring search.
fn secret(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Standard => "whsec_U2VjcmV0TGVha0NhbmFyeTAxMjM0NTY3",
        Scheme::Linga => "linga-canary-token-8d1f",
        _ => "canary-secret-5f2c9a",
    }
}

/// The parts of a secret that must not leak (for Standard, the base64 key part too).
fn needles(scheme: Scheme) -> Vec<&'static str> {
    let s = secret(scheme);
    let mut n = vec![s];
    if let Some(key) = s.strip_prefix("whsec_") {
        n.push(key);
    }
    n
}

fn assert_clean(scheme: Scheme, what: &str, text: &str) {
    for needle in needles(scheme) {
        assert!(
            !text.contains(needle),
            "{scheme} {what} leaks the secret: {text}"
        );
    }
}

fn verifier(scheme: Scheme, secrets: &[&str]) -> Verifier {
    let builder = secrets
        .iter()
        .fold(Verifier::builder(scheme), |b, s| b.secret(s))
        .tolerance_secs(300);
    match scheme {
        Scheme::Square => builder.notification_url("https://partner.example/sq"),
        Scheme::Linga => builder.header_name("X-Api-Key"),
        _ => builder,
    }
    .build()
    .unwrap()
}

fn signer(scheme: Scheme, secrets: &[&str]) -> Signer {
    let builder = secrets
        .iter()
        .fold(Signer::builder(scheme), |b, s| b.secret(s));
    match scheme {
        Scheme::Square => builder.notification_url("https://partner.example/sq"),
        Scheme::Linga => builder.header_name("X-Api-Key"),
        _ => builder,
    }
    .build()
    .unwrap()
}

/// Every error kind a verifier of `scheme` can produce, from real inputs.
fn errors(scheme: Scheme) -> Vec<VerifyError> {
    let body = Bytes::from_static(b"{\"canary\": true}");
    let now = 1_700_000_000;
    let mut headers = HeaderMap::new();
    signer(scheme, &[secret(scheme)])
        .sign(&Message::new(&body).id("msg_1").timestamp(now))
        .unwrap()
        .insert_into(&mut headers)
        .unwrap();
    let v = verifier(scheme, &[secret(scheme)]);
    let mut out = Vec::new();
    // Missing header.
    out.push(v.verify(&HeaderMap::new(), body.clone(), now).unwrap_err());
    // Mismatch (another secret), or token mismatch for Linga.
    let different = match scheme {
        Scheme::Standard => "whsec_QW5vdGhlclNlY3JldEZvclRlc3Q=",
        _ => "a-different-secret",
    };
    let other = verifier(scheme, &[different]);
    out.push(other.verify(&headers, body.clone(), now).unwrap_err());
    // Changed body.
    if scheme != Scheme::Linga {
        out.push(
            v.verify(&headers, Bytes::from_static(b"{}"), now)
                .unwrap_err(),
        );
    }
    // Too old and in the future.
    if scheme.is_timestamped() {
        out.push(v.verify(&headers, body.clone(), now + 301).unwrap_err());
        out.push(v.verify(&headers, body.clone(), now - 301).unwrap_err());
    }
    // Malformed, bad encoding, unsupported versions: overwrite the signature header.
    for name in scheme.headers() {
        for value in [
            "garbage",
            "t=x,v1=zz",
            "ts=1,sig=zz",
            "v1a,abc",
            "sha1=00",
            "zz",
            "t=1,v0=00",
        ] {
            let mut h = headers.clone();
            h.insert(*name, value.parse().unwrap());
            if let Err(e) = v.verify(&h, body.clone(), now) {
                out.push(e);
            }
        }
    }
    out
}

#[test]
fn no_error_kind_contains_a_secret() {
    let mut kinds = std::collections::BTreeSet::new();
    for scheme in Scheme::ALL {
        let errors = errors(scheme);
        let expected = if scheme == Scheme::Linga { 2 } else { 3 };
        assert!(errors.len() >= expected, "{scheme}: {errors:?}");
        for error in errors {
            kinds.insert(
                format!("{error:?}")
                    .split([' ', '('])
                    .next()
                    .unwrap()
                    .to_owned(),
            );
            assert_clean(scheme, "error Display", &error.to_string());
            assert_clean(scheme, "error Debug", &format!("{error:?}"));
        }
    }
    // Every kind of VerifyError was produced at least once.
    for kind in [
        "MissingHeader",
        "MalformedHeader",
        "BadSignatureEncoding",
        "NoSupportedSignature",
        "SignatureMismatch",
        "TokenMismatch",
        "TimestampTooOld",
        "TimestampInFuture",
    ] {
        assert!(kinds.contains(kind), "no {kind} in {kinds:?}");
    }
}

#[test]
fn config_errors_do_not_contain_secrets() {
    for scheme in Scheme::ALL {
        // A secret refused after a valid one: the error names its position, not the secrets.
        let err = Verifier::new(scheme, [secret(scheme), ""]).unwrap_err();
        assert_eq!(
            err,
            ConfigError::InvalidSecret {
                index: 1,
                source: SecretError::Empty
            }
        );
        assert_clean(scheme, "config error", &format!("{err} {err:?}"));
    }
    let bad = "whsec_canary not base64!";
    let err = Verifier::new(Scheme::Standard, [bad]).unwrap_err();
    assert!(!err.to_string().contains("canary") && !format!("{err:?}").contains("canary"));
    let err = Secret::new(Scheme::Linga, "canary\r\ntoken").unwrap_err();
    assert!(!err.to_string().contains("canary") && !format!("{err:?}").contains("canary"));
}

#[test]
fn holders_of_secrets_print_redacted() {
    for scheme in Scheme::ALL {
        let s = secret(scheme);
        let secret_value = Secret::new(scheme, s).unwrap();
        assert_clean(scheme, "Secret Debug", &format!("{secret_value:?}"));
        assert!(format!("{secret_value:?}").contains("[redacted]"));
        let v = verifier(scheme, &[s, s]);
        assert_clean(scheme, "Verifier Debug", &format!("{v:?} {v:#?}"));
        let sg = signer(scheme, &[s]);
        assert_clean(scheme, "Signer Debug", &format!("{sg:?} {sg:#?}"));
        let receiver = Receiver::new(v, EventFilter::all());
        assert_clean(scheme, "Receiver Debug", &format!("{receiver:?}"));
        let auth = match scheme {
            Scheme::Linga => Auth::StaticHeader {
                name: "X-Api-Key".into(),
                value: s.into(),
            },
            _ => Auth::Signature {
                scheme,
                secrets: vec![s.into()],
            },
        };
        let endpoint = Endpoint::builder("https://partner.example/sq")
            .auth(auth)
            .build()
            .unwrap();
        assert_clean(
            scheme,
            "Endpoint Debug",
            &format!("{endpoint:?} {endpoint:#?}"),
        );
        let mut set = EndpointSet::new();
        set.create(endpoint);
        assert_clean(scheme, "EndpointSet Debug", &format!("{set:?}"));
    }
    for auth in [
        Auth::Basic {
            username: "u".into(),
            password: "canary-password".into(),
        },
        Auth::Bearer {
            token: "canary-bearer".into(),
        },
    ] {
        let endpoint = Endpoint::builder("https://partner.example/")
            .auth(auth)
            .build()
            .unwrap();
        let debug = format!("{endpoint:?}");
        assert!(!debug.contains("canary"), "{debug}");
        // Nor the encoded credentials.
        assert!(
            !debug.contains("Y2FuYXJ5") && !debug.contains("OmNhbmFy"),
            "{debug}"
        );
    }
}

/// `Signed` (issue 11 item 1): for every scheme its `Debug` never shows the secret, Linga's
/// token included, and the token's header is marked sensitive wherever it is inserted.
#[test]
fn signed_headers_never_print_a_secret() {
    for scheme in Scheme::ALL {
        let signed = signer(scheme, &[secret(scheme)])
            .sign(&Message::new(b"{}").id("msg_1").timestamp(1_700_000_000))
            .unwrap();
        assert_clean(scheme, "Signed debug", &format!("{signed:?}"));
        let mut map = HeaderMap::new();
        signed.insert_into(&mut map).unwrap();
        assert_clean(scheme, "HeaderMap debug", &format!("{map:?}"));
        let mut request = http::Request::post("https://partner.example/")
            .body(Bytes::from_static(b"{}"))
            .unwrap();
        signed.apply_to(&mut request).unwrap();
        assert_clean(scheme, "request debug", &format!("{request:?}"));
        if scheme == Scheme::Linga {
            assert!(request.headers()["x-api-key"].is_sensitive());
            assert_eq!(request.headers()["x-api-key"], secret(scheme));
        }
    }
}
