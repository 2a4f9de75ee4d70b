//! Regression tests for issue 11 (items 2, 3, 6: endpoint headers, redaction, weak values) and
//! issue 8 (items 4, 5: strict endpoint JSON, plain http to loopback hosts), one per item,
//! named after it. They go through the public API only; every assertion is on a value, and
//! most on the error's text, so that they also compile (and fail) against the code before the
//! fix.

use pos_webhooks::{Auth, Endpoint, OutgoingEvent, Scheme, Vendor};

const NOW: i64 = 1_700_000_000;

fn event() -> OutgoingEvent {
    OutgoingEvent::new("order.finalized", &br#"{"id":1}"#[..]).for_store("12")
}

fn build_err(builder: pos_webhooks::EndpointBuilder) -> String {
    match builder.build() {
        Ok(endpoint) => panic!("built: {endpoint:?}"),
        Err(e) => e.to_string(),
    }
}

fn reserved(name: &str) -> String {
    format!("header {name} is set by the crate and cannot be a custom header")
}

fn bearer() -> Auth {
    Auth::Bearer {
        token: "configured-token".into(),
    }
}

#[test]
fn item2_custom_header_cannot_override_authorization() {
    for name in ["Authorization", "authorization", "AUTHORIZATION"] {
        let err = build_err(
            Endpoint::builder("https://partner.example/")
                .auth(bearer())
                .header(name, "Bearer other"),
        );
        assert_eq!(err, reserved("authorization"));
        let err = build_err(
            Endpoint::builder("https://partner.example/")
                .auth(Auth::Basic {
                    username: "u".into(),
                    password: "p".into(),
                })
                .header(name, "Basic b3RoZXI6eA=="),
        );
        assert_eq!(err, reserved("authorization"));
    }
    // A static header's name is the auth's header too.
    let err = build_err(
        Endpoint::builder("https://partner.example/")
            .auth(Auth::StaticHeader {
                name: "X-Partner-Key".into(),
                value: "token".into(),
            })
            .header("x-partner-key", "other"),
    );
    assert_eq!(err, reserved("x-partner-key"));
}

/// When the crate sets no `Authorization` (no auth, or a signature scheme), a custom one is
/// the caller's credential (a Flow Retail transport with security NONE and an API key in a
/// header): it is sent, once, and marked sensitive.
#[test]
fn item2_authorization_is_a_custom_header_when_the_auth_sets_none() {
    for auth in [
        Auth::None,
        Auth::Signature {
            scheme: Scheme::Github,
            secrets: vec!["s".into()],
        },
    ] {
        let endpoint = Endpoint::builder("https://partner.example/")
            .auth(auth)
            .header("Authorization", "ApiKey abc")
            .build()
            .unwrap();
        let request = endpoint.request(&event(), NOW, "m1").unwrap();
        let values: Vec<_> = request.headers().get_all("authorization").iter().collect();
        assert_eq!(values, ["ApiKey abc"]);
        assert!(values[0].is_sensitive());
    }
}

#[test]
fn item2_framing_headers_are_reserved() {
    for name in [
        "Host",
        "Content-Length",
        "Transfer-Encoding",
        "Connection",
        "TE",
        "Upgrade",
        "Keep-Alive",
        "Proxy-Connection",
        "Trailer",
        "Expect",
        "Content-Type",
    ] {
        let err = build_err(Endpoint::builder("https://partner.example/").header(name, "x"));
        assert_eq!(err, reserved(&name.to_ascii_lowercase()), "{name}");
    }
    // The issue's example: every one of these is refused, the first one named.
    let err = build_err(
        Endpoint::builder("https://user.example/")
            .auth(bearer())
            .header("Host", "internal.admin")
            .header("Content-Length", "0")
            .header("Transfer-Encoding", "chunked")
            .header("Connection", "close, x-revel-signature"),
    );
    assert_eq!(err, reserved("host"));
}

#[test]
fn item2_signature_vendor_and_message_id_headers_are_reserved() {
    let mut names: Vec<&str> = Scheme::ALL
        .iter()
        .flat_map(|s| s.headers())
        .copied()
        .collect();
    names.extend([
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
        "svix-id",
        "svix-timestamp",
        "svix-signature",
        "x-github-delivery",
        "x-shopify-webhook-id",
        "x-hub-signature",
        "x-revel-instance",
        "x-revel-event-type",
        "x-revel-establishment-id",
        "x-revel-anything",
    ]);
    for name in names {
        let upper = name.to_ascii_uppercase();
        for vendor in [
            Vendor::Generic,
            Vendor::Revel {
                instance: "i".into(),
            },
        ] {
            let err = build_err(
                Endpoint::builder("https://partner.example/")
                    .vendor(vendor)
                    .header(&upper, "spoofed"),
            );
            assert_eq!(err, reserved(name));
        }
        // Nor can a static auth header take one of these names.
        let err = build_err(Endpoint::builder("https://partner.example/").auth(
            Auth::StaticHeader {
                name: upper.clone(),
                value: "token".into(),
            },
        ));
        assert_eq!(err, reserved(name));
    }
}

/// Two custom headers with one name are refused rather than joined: the request builder sets
/// one value per name, and joining is not meaningful for every header (Svix and the Fetch
/// standard keep custom headers as one value per name too).
#[test]
fn item2_duplicate_custom_headers_are_refused() {
    let err = build_err(
        Endpoint::builder("https://partner.example/")
            .header("X-Tenant", "7")
            .header("x-tenant", "8"),
    );
    assert_eq!(err, "custom header x-tenant is given twice");
    let endpoint = Endpoint::builder("https://partner.example/")
        .header("X-Tenant", "7")
        .header("X-Region", "eu")
        .build()
        .unwrap();
    let request = endpoint.request(&event(), NOW, "m1").unwrap();
    assert_eq!(request.headers().get_all("x-tenant").iter().count(), 1);
    assert_eq!(request.headers()["x-tenant"], "7");
    assert_eq!(request.headers()["x-region"], "eu");
}

#[test]
fn item2_url_userinfo_is_refused() {
    for url in [
        "https://user:pass@partner.example/",
        "https://user@partner.example/",
        "https://good.example@evil.example/",
        "https://@partner.example/",
        "https://a:b@[::1]:8443/",
    ] {
        let err = build_err(Endpoint::builder(url));
        assert_eq!(
            err,
            "invalid url: user info (`user:password@`) is not allowed; put credentials in the auth",
            "{url}"
        );
    }
}

#[test]
fn item2_ports_are_validated() {
    for url in [
        "https://partner.example:0/",
        "https://partner.example:65536/",
        "https://partner.example:99999/",
        "https://partner.example:/",
        "https://partner.example:000000443/",
        "https://[2001:db8::1]:0/",
    ] {
        let err = build_err(Endpoint::builder(url));
        assert_eq!(
            err, "invalid url: the port must be a number from 1 to 65535",
            "{url}"
        );
    }
    for url in [
        "https://partner.example:1/",
        "https://partner.example:443/",
        "https://partner.example:65535/",
        "https://[2001:db8::1]:8443/",
    ] {
        let endpoint = Endpoint::builder(url).build().unwrap();
        assert_eq!(endpoint.url(), url);
    }
}

#[test]
fn item3_endpoint_debug_hides_query_values_header_values_and_secrets() {
    let endpoint = Endpoint::builder(
        "https://partner.example/hooks/path-part?api_key=q-canary-1&sig=q-canary-2&bare-canary",
    )
    .auth(Auth::Basic {
        username: "flow".into(),
        password: "pw-canary".into(),
    })
    .header("X-Api-Key", "hv-canary")
    .header("X-Tenant", "tenant-canary")
    .build()
    .unwrap();
    for debug in [format!("{endpoint:?}"), format!("{endpoint:#?}")] {
        assert!(!debug.contains("canary"), "{debug}");
        assert!(
            debug.contains("https://partner.example/hooks/path-part?[redacted]"),
            "{debug}"
        );
        assert!(
            debug.contains("X-Api-Key") && debug.contains("X-Tenant"),
            "{debug}"
        );
    }
    // The headers the crate built: the authorization and the custom values are sensitive.
    let request = endpoint.request(&event(), NOW, "m1").unwrap();
    for name in ["authorization", "x-api-key", "x-tenant"] {
        assert!(request.headers()[name].is_sensitive(), "{name}");
    }
    let debug = format!("{:?}", request.headers());
    assert!(!debug.contains("canary"), "{debug}");
}

#[test]
fn item3_endpoint_json_errors_do_not_quote_values() {
    for (json, expected) in [
        (
            r#"{"url":"https://a.example/","auth":{"type":"bearer","token":123456789}}"#,
            "auth: invalid type: integer (value not shown), expected a string",
        ),
        (
            r#"{"url":"https://a.example/","auth":{"type":"signature","scheme":"github","secrets":"whsec_c2VjcmV0"}}"#,
            "auth: invalid type: string (value not shown), expected a sequence",
        ),
        (
            r#"{"url":"https://a.example/","auth":{"type":"signature","scheme":"tok-canary","secrets":["x"]}}"#,
            "auth: unknown scheme (expected one of revel, mipos, linga, ordergroove, standard, stripe, github, shopify, square)",
        ),
    ] {
        let err = serde_json::from_str::<Endpoint>(json)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(expected), "{err}");
    }
}

#[test]
fn item6_weak_static_header_values_are_refused() {
    for (value, expected) in [
        ("", "auth.value is empty"),
        (" tok", "auth.value has leading or trailing whitespace"),
        ("tok ", "auth.value has leading or trailing whitespace"),
        ("\ttok", "auth.value has leading or trailing whitespace"),
    ] {
        let err = build_err(Endpoint::builder("https://partner.example/").auth(
            Auth::StaticHeader {
                name: "X-Partner-Key".into(),
                value: value.into(),
            },
        ));
        assert_eq!(err, expected, "{value:?}");
    }
}

#[test]
fn item6_empty_bearer_tokens_and_basic_credentials_are_refused() {
    for (auth, expected) in [
        (Auth::Bearer { token: "".into() }, "auth.token is empty"),
        (
            Auth::Bearer {
                token: " tok".into(),
            },
            "auth.token has leading or trailing whitespace",
        ),
        (
            Auth::Basic {
                username: "".into(),
                password: "pw".into(),
            },
            "auth.username is empty",
        ),
        (
            Auth::Basic {
                username: "flow".into(),
                password: "".into(),
            },
            "auth.password is empty",
        ),
    ] {
        let err = build_err(Endpoint::builder("https://partner.example/").auth(auth));
        assert_eq!(err, expected);
    }
    // A password with spaces is a password: it travels base64-encoded.
    assert!(
        Endpoint::builder("https://partner.example/")
            .auth(Auth::Basic {
                username: "flow".into(),
                password: " pass word ".into(),
            })
            .build()
            .is_ok()
    );
}

fn json_err(json: &str) -> String {
    match serde_json::from_str::<Endpoint>(json) {
        Ok(endpoint) => panic!("accepted: {endpoint:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn issue8_item4_filtr_typo_is_an_error_naming_the_field() {
    let err = json_err(
        r#"{"url":"https://a.example/","auth":{"type":"none"},"filtr":{"pattern":"order.*"}}"#,
    );
    assert!(
        err.starts_with("unknown field `filtr`, expected one of"),
        "{err}"
    );
}

#[test]
fn issue8_item4_unknown_fields_are_errors_at_every_level() {
    for (json, expected) in [
        (
            r#"{"url":"https://a.example/","auth":{"type":"none"},"enabeld":false}"#,
            "unknown field `enabeld`",
        ),
        (
            r#"{"url":"https://a.example/","auth":{"type":"bearer","token":"t","tokn":"u"}}"#,
            "auth: unknown field `tokn`",
        ),
        (
            r#"{"url":"https://a.example/","auth":{"type":"signature","scheme":"github","secrets":["s"],"secret":"s"}}"#,
            "auth: unknown field `secret`",
        ),
        (
            r#"{"url":"https://a.example/","auth":{"type":"static_header","name":"X-K","value":"v","header":"X"}}"#,
            "auth: unknown field `header`",
        ),
        (
            r#"{"url":"https://a.example/","auth":{"type":"basic","username":"u","password":"p","pasword":"p"}}"#,
            "auth: unknown field `pasword`",
        ),
        (
            r#"{"url":"https://a.example/","auth":{"type":"none","token":"t"}}"#,
            "auth: unknown field `token`",
        ),
        (
            r#"{"url":"https://a.example/","auth":{"type":"none"},"vendor":{"kind":"revel","instance":"i","instanse":"j"}}"#,
            "vendor: unknown field `instanse`",
        ),
        (
            r#"{"url":"https://a.example/","auth":{"type":"none"},"vendor":{"kind":"mipos","store":"3"}}"#,
            "vendor: unknown field `store`",
        ),
        (
            r#"{"url":"https://a.example/","auth":{"type":"none"},"headers":[{"name":"X-A","value":"1","vaule":"2"}]}"#,
            "headers[0]: unknown field `vaule`",
        ),
        (
            r#"{"url":"https://a.example/","auth":{"type":"none"},"filter":{"pattern":"order.*","store":["3"]}}"#,
            "filter: unknown field `store`",
        ),
    ] {
        let err = json_err(json);
        assert!(err.starts_with(expected), "{expected}: {err}");
    }
}

/// The hosts that count as the sender's own machine.
const LOOPBACK: [&str; 7] = [
    "http://127.0.0.1:8080/hook",
    "http://127.9.8.7/hook",
    "http://127.1:3000/hook",
    "http://[::1]:8080/hook",
    "http://localhost:8080/hook",
    "http://LocalHost/hook",
    "http://[::ffff:127.0.0.1]/hook",
];

const NOT_LOOPBACK: [&str; 6] = [
    "http://partner.example/hook",
    "http://10.0.0.1/hook",
    "http://0.0.0.0/hook",
    "http://api.localhost/hook",
    "http://localhost.partner.example/hook",
    "http://[::2]/hook",
];

fn vendors() -> Vec<&'static str> {
    vec![
        r#"{"kind":"generic"}"#,
        r#"{"kind":"revel","instance":"dev"}"#,
        r#"{"kind":"mipos"}"#,
        r#"{"kind":"linga"}"#,
        r#"{"kind":"ordergroove"}"#,
        r#"{"kind":"flow_retail"}"#,
    ]
}

fn endpoint_json(url: &str, vendor: &str, allow_http: &str) -> String {
    format!(
        r#"{{"url":"{url}","vendor":{vendor},"auth":{{"type":"signature","scheme":"revel","secrets":["s"]}}{allow_http}}}"#
    )
}

#[test]
fn issue8_item5_plain_http_to_loopback_when_asked_for_every_preset() {
    for vendor in vendors() {
        for url in LOOPBACK {
            // Asked for: accepted, and it round-trips.
            let json = endpoint_json(url, vendor, r#","allow_http":"loopback""#);
            let endpoint: Endpoint =
                serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
            let back = serde_json::to_value(&endpoint).unwrap();
            assert_eq!(back["allow_http"], "loopback");
            assert_eq!(back["url"], url);
            let request = endpoint.request(&event(), NOW, "m1").unwrap();
            assert_eq!(request.uri().scheme_str(), Some("http"));
            // `true` includes loopback, Revel too.
            let json = endpoint_json(url, vendor, r#","allow_http":true"#);
            assert!(serde_json::from_str::<Endpoint>(&json).is_ok(), "{json}");
            // Never by default.
            let err = json_err(&endpoint_json(url, vendor, ""));
            assert_eq!(
                err,
                "url must use https (allow plain http explicitly for local testing)"
            );
        }
        for url in NOT_LOOPBACK {
            let err = json_err(&endpoint_json(url, vendor, r#","allow_http":"loopback""#));
            assert_eq!(
                err,
                "url must use https (allow_http \"loopback\" allows plain http only to 127.0.0.0/8, ::1 and localhost)",
                "{url}"
            );
            let json = endpoint_json(url, vendor, r#","allow_http":true"#);
            let any = serde_json::from_str::<Endpoint>(&json);
            if vendor.contains("revel") {
                assert_eq!(
                    any.unwrap_err().to_string(),
                    "url must use https (Revel requires https; plain http is allowed only to a loopback host)"
                );
            } else {
                assert_eq!(any.unwrap().url(), url);
            }
        }
    }
    let err = json_err(&endpoint_json(
        "http://127.0.0.1/",
        r#"{"kind":"generic"}"#,
        r#","allow_http":"yes""#,
    ));
    assert!(
        err.starts_with("allow_http: invalid allow_http: expected true, false or \"loopback\""),
        "{err}"
    );
}
