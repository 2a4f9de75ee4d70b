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

// ---------------------------------------------------------------------------------------------
// Endpoints (issue 11 item 3): canary secrets of every form, through endpoint JSON errors,
// `Debug` of `Endpoint`, `EndpointSet`, `EndpointBuilder`, `CustomHeader`, `Auth` and the
// request headers, and every `EndpointError` / `DestinationError` kind.

use pos_webhooks::{
    CustomHeader, DestinationError, DestinationPolicy, EndpointError, OutgoingEvent, Vendor,
};

/// Canary secrets of each form: hex, base64, `whsec_`, digits only, with spaces.
const CANARIES: [&str; 5] = [
    "5f2c9a0b1d3e4f5a6b7c8d9e0f1a2b3c",
    "Q2FuYXJ5U2VjcmV0QmFzZTY0eHl6",
    "whsec_Q2FuYXJ5V2hzZWNLZXkxMjM0NTY=",
    "738295016482",
    "canary pass phrase 77",
];

/// What must not appear: the canary, its `whsec_` key part, and (for the digits) the number.
fn endpoint_needles(canary: &str) -> Vec<String> {
    let mut n = vec![canary.to_owned()];
    if let Some(key) = canary.strip_prefix("whsec_") {
        n.push(key.trim_end_matches('=').to_owned());
    }
    // A phrase with spaces leaks if any distinctive word of it does.
    if canary.contains(' ') {
        n.push("phrase".to_owned());
    }
    n
}

fn assert_no_canary(canary: &str, what: &str, text: &str) {
    for needle in endpoint_needles(canary) {
        assert!(!text.contains(&needle), "{what} leaks {needle:?}: {text}");
    }
}

/// A JSON rendering of the canary: a string, and for the digits also a bare number.
fn renderings(canary: &str) -> Vec<String> {
    let mut r = vec![serde_json::to_string(canary).unwrap()];
    if canary.bytes().all(|b| b.is_ascii_digit()) {
        r.push(canary.to_owned());
    }
    r
}

/// Endpoint JSON documents that are refused, each carrying the canary `c` (a JSON value) in a
/// place where serde's default messages would quote it.
fn bad_endpoint_json(c: &str) -> Vec<String> {
    let url = r#""url":"https://partner.example/""#;
    vec![
        // Secrets of the wrong type.
        format!(r#"{{{url},"auth":{{"type":"bearer","token":[{c}]}}}}"#),
        format!(r#"{{{url},"auth":{{"type":"bearer","token":{{"k":{c}}}}}}}"#),
        format!(r#"{{{url},"auth":{{"type":"signature","scheme":"stripe","secrets":{c}}}}}"#),
        format!(r#"{{{url},"auth":{{"type":"signature","scheme":"stripe","secrets":[[{c}]]}}}}"#),
        format!(r#"{{{url},"auth":{{"type":"static_header","name":"X-K","value":[{c}]}}}}"#),
        format!(r#"{{{url},"auth":{{"type":"basic","username":"u","password":[{c}]}}}}"#),
        // A secret in the wrong field.
        format!(r#"{{{url},"auth":{{"type":"signature","scheme":{c},"secrets":["s"]}}}}"#),
        format!(r#"{{{url},"auth":{c}}}"#),
        format!(r#"{{{url},"auth":{{"type":"none"}},"enabled":{c}}}"#),
        format!(r#"{{{url},"auth":{{"type":"none"}},"allow_http":{c}}}"#),
        format!(r#"{{{url},"auth":{{"type":"none"}},"vendor":{c}}}"#),
        format!(r#"{{"url":{c},"auth":{{"type":"none"}}}}"#),
        // Custom headers (may be API keys).
        format!(r#"{{{url},"auth":{{"type":"none"}},"headers":{c}}}"#),
        format!(r#"{{{url},"auth":{{"type":"none"}},"headers":[{c}]}}"#),
        format!(
            r#"{{{url},"auth":{{"type":"none"}},"headers":[{{"name":"X-Key","value":[{c}]}}]}}"#
        ),
        format!(
            r#"{{{url},"auth":{{"type":"none"}},"headers":[{{"name":"Authorization","value":{c}}},{{"name":"x-key","value":{c}}}],"auth":{{"type":"bearer","token":{c}}}}}"#
        ),
        // Unknown fields beside a secret.
        format!(r#"{{{url},"auth":{{"type":"bearer","token":{c},"tokn":{c}}}}}"#),
        format!(r#"{{{url},"auth":{{"type":"none","token":{c}}}}}"#),
        format!(r#"{{{url},"auth":{{"type":"bearer","token":{c}}},"filtr":{c}}}"#),
        // Cut short inside the secret.
        format!(
            r#"{{{url},"auth":{{"type":"bearer","token":{}"#,
            &c[..c.len() - 1]
        ),
    ]
}

#[test]
fn endpoint_json_errors_never_quote_a_canary() {
    let mut count = 0;
    for canary in CANARIES {
        for c in renderings(canary) {
            for json in bad_endpoint_json(&c) {
                let err = serde_json::from_str::<Endpoint>(&json)
                    .map(|e| format!("accepted: {e:?}"))
                    .unwrap_or_else(|e| e.to_string());
                assert!(!err.starts_with("accepted"), "{json}: {err}");
                assert_no_canary(canary, &format!("error for {json}"), &err);
                // The same endpoint inside a set.
                let set = format!(r#"{{"next":1,"endpoints":{{"1":{json}}}}}"#);
                if let Err(e) = serde_json::from_str::<EndpointSet>(&set) {
                    assert_no_canary(canary, "set error", &e.to_string());
                }
                count += 1;
            }
        }
    }
    assert!(count >= 100, "{count}");
}

/// Every kind of `EndpointError` (and `DestinationError`), produced from inputs full of the
/// canary.
fn endpoint_errors(canary: &str) -> Vec<EndpointError> {
    let digits = canary.bytes().all(|b| b.is_ascii_digit());
    let b = |url: &str| Endpoint::builder(url);
    let policy = DestinationPolicy::public_only();
    let spaced = format!(" {canary}");
    let mut out: Vec<Result<Endpoint, EndpointError>> = vec![
        b("not a url")
            .auth(Auth::Bearer {
                token: canary.into(),
            })
            .build(),
        b(&format!(
            "https://user:{}@partner.example/",
            canary.replace(' ', "%20")
        ))
        .build(),
        b("https://partner.example:0/")
            .auth(Auth::Bearer {
                token: canary.into(),
            })
            .build(),
        b("http://partner.example/")
            .auth(Auth::Bearer {
                token: canary.into(),
            })
            .build(),
        b("https://partner.example/")
            .header("X-Bad\n", canary)
            .build(),
        b("https://partner.example/")
            .header("X-Key", &format!("{canary}\r\nX: 1"))
            .build(),
        b("https://partner.example/")
            .auth(Auth::Bearer {
                token: canary.into(),
            })
            .header("Authorization", canary)
            .build(),
        b("https://partner.example/")
            .header("X-Key", canary)
            .header("x-key", canary)
            .build(),
        b("https://partner.example/")
            .auth(Auth::Basic {
                username: "".into(),
                password: canary.into(),
            })
            .build(),
        b("https://partner.example/")
            .auth(Auth::StaticHeader {
                name: "X-K".into(),
                value: spaced.as_str().into(),
            })
            .build(),
        b("https://127.0.0.1/")
            .auth(Auth::Bearer {
                token: canary.into(),
            })
            .destination_policy(policy)
            .build(),
        b("https://partner.example/")
            .auth(Auth::Signature {
                scheme: Scheme::Standard,
                secrets: vec![format!("whsec_{canary}!").as_str().into()],
            })
            .build(),
        b("https://partner.example/")
            .vendor(Vendor::Revel {
                instance: "i".into(),
            })
            .auth(Auth::Signature {
                scheme: Scheme::Revel,
                secrets: vec![canary.into()],
            })
            .header("X-Revel-Instance", canary)
            .build(),
    ];
    if !digits {
        out.push(
            b("https://partner.example/")
                .auth(Auth::Basic {
                    username: "a:b".into(),
                    password: canary.into(),
                })
                .build(),
        );
    }
    out.into_iter().map(|r| r.unwrap_err()).collect()
}

#[test]
fn every_endpoint_error_is_free_of_canaries() {
    let mut kinds = std::collections::BTreeSet::new();
    for canary in CANARIES {
        for err in endpoint_errors(canary) {
            kinds.insert(
                format!("{err:?}")
                    .split(['(', ' '])
                    .next()
                    .unwrap()
                    .to_owned(),
            );
            assert_no_canary(canary, "EndpointError Display", &err.to_string());
            assert_no_canary(canary, "EndpointError Debug", &format!("{err:?}"));
        }
        for url in [
            format!("https://u:{}@partner.example/", canary.replace(' ', "%20")),
            format!("http://partner.example/?k={}", canary.replace(' ', "+")),
        ] {
            let err: DestinationError = DestinationPolicy::public_only()
                .check_url(&url)
                .unwrap_err();
            assert_no_canary(canary, "DestinationError", &format!("{err} {err:?}"));
        }
    }
    for kind in [
        "InvalidUrl",
        "UrlUserInfo",
        "InvalidPort",
        "HttpsRequired",
        "InvalidHeaderName",
        "InvalidHeaderValue",
        "ReservedHeader",
        "DuplicateHeader",
        "EmptyCredential",
        "CredentialWhitespace",
        "Destination",
        "Signature",
    ] {
        assert!(kinds.contains(kind), "no {kind} in {kinds:?}");
    }
}

#[test]
fn endpoint_holders_print_no_canary() {
    for canary in CANARIES {
        let query = canary.replace(' ', "+");
        let url = format!("https://partner.example/hooks?key={query}&{query}");
        let auths = [
            Auth::Bearer {
                token: canary.into(),
            },
            Auth::Basic {
                username: "flow".into(),
                password: canary.into(),
            },
            Auth::StaticHeader {
                name: "X-Partner-Key".into(),
                value: canary.into(),
            },
            Auth::Signature {
                scheme: Scheme::Stripe,
                secrets: vec![canary.into(), canary.into()],
            },
        ];
        for auth in auths {
            assert_no_canary(canary, "Auth Debug", &format!("{auth:?}"));
            let builder = Endpoint::builder(&url)
                .auth(auth)
                .header("X-Api-Key", canary)
                .header("X-Other", canary);
            assert_no_canary(canary, "EndpointBuilder Debug", &format!("{builder:?}"));
            let endpoint = builder.build().unwrap();
            assert_no_canary(
                canary,
                "Endpoint Debug",
                &format!("{endpoint:?} {endpoint:#?}"),
            );
            for header in endpoint.custom_headers() {
                let header: &CustomHeader = header;
                assert_no_canary(canary, "CustomHeader Debug", &format!("{header:?}"));
            }
            let request = endpoint
                .request(
                    &OutgoingEvent::new("order.finalized", &b"{}"[..]),
                    1_700_000_000,
                    "m",
                )
                .unwrap();
            assert_no_canary(
                canary,
                "request headers Debug",
                &format!("{:?}", request.headers()),
            );
            let mut set = EndpointSet::new();
            set.create(endpoint.clone());
            set.create(endpoint);
            assert_no_canary(canary, "EndpointSet Debug", &format!("{set:?} {set:#?}"));
        }
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
