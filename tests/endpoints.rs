//! Endpoints, fan-out, presets and the outgoing request; a round trip for every scheme.
#![cfg(all(
    feature = "revel",
    feature = "mipos",
    feature = "linga",
    feature = "ordergroove",
    feature = "flow_retail"
))]

use bytes::Bytes;
use pos_webhooks::flow_retail::{Action, HttpTransport, Security, TransportHeader, Webhook};
use pos_webhooks::linga::{BackOfficeSettings, CheckEventKind};
use pos_webhooks::ordergroove::{self, Route};
use pos_webhooks::revel::{RevelEvent, WebhookSettings};
use pos_webhooks::{
    Auth, Endpoint, EndpointError, EndpointSet, EventFilter, EventType, MiposEvent, OutgoingEvent,
    ReceiveError, Receiver, RequestError, Scheme, SecretString, Vendor, Verifier, parse_json,
};

const NOW: i64 = 1_700_000_000;
const OG_ORDER: &[u8] = include_bytes!("fixtures/example-ordergroove-order.success.json");
const REVEL_ORDER: &[u8] = include_bytes!("fixtures/example-revel-order-finalized.json");

fn og_route(target: &str, pattern: &str) -> Endpoint {
    Route {
        target: target.into(),
        pattern: pattern.into(),
        verification_key: "og-key".into(),
        enabled: true,
    }
    .endpoint()
    .unwrap()
}

fn delivered(set: &EndpointSet, event_type: &str) -> Vec<u64> {
    set.targets(event_type, None).map(|(id, _)| id.0).collect()
}

#[test]
fn ordergroove_route_semantics() {
    let mut set = EndpointSet::new();
    let a = set.create(og_route(
        "https://partner.example/og",
        "subscription.*|order.success",
    ));
    let b = set.create(og_route("https://partner.example/og", "order.*"));
    let c = set.create(og_route("https://other.example/og", "item.create"));
    // Two routes with the same target each deliver.
    assert_eq!(delivered(&set, "order.success"), [a.0, b.0]);
    assert_eq!(delivered(&set, "subscription.cancel"), [a.0]);
    assert_eq!(delivered(&set, "item.create"), [c.0]);
    // Disabled: nothing for it, but the other route with the same target still delivers.
    set.disable(a).unwrap();
    assert_eq!(delivered(&set, "order.success"), [b.0]);
    assert_eq!(delivered(&set, "subscription.create"), Vec::<u64>::new());
    let event = OutgoingEvent::new("subscription.create", OG_ORDER);
    assert_eq!(
        set.get(a).unwrap().request(&event, NOW, "m1").unwrap_err(),
        RequestError::Disabled
    );
    // Re-enabled: only what happens after; nothing was queued while disabled.
    set.enable(a).unwrap();
    assert_eq!(delivered(&set, "subscription.create"), [a.0]);
    let requests = set.requests(&event, NOW, "m2");
    assert_eq!(requests.len(), 1);
    // Deleted: gone for good.
    set.delete(a).unwrap();
    assert_eq!(delivered(&set, "order.success"), [b.0]);
    assert!(set.enable(a).is_err());
    assert!(set.get(a).is_none());
    // Ids are not reused.
    let d = set.create(og_route("https://partner.example/og", "*"));
    assert!(d > c);
    assert_eq!(delivered(&set, "order.success"), [b.0, d.0]);
    // Update replaces in place, keeping the order.
    set.update(b, og_route("https://partner.example/og", "item.*"))
        .unwrap();
    assert_eq!(delivered(&set, "order.success"), [d.0]);
    // The set serializes and comes back equal.
    let json = serde_json::to_string(&set).unwrap();
    let back: EndpointSet = serde_json::from_str(&json).unwrap();
    assert_eq!(back, set);
}

fn linga_settings() -> BackOfficeSettings {
    BackOfficeSettings {
        api_key: "X-Partner-Key".into(),
        value: "token-from-partner".into(),
        open_url: "https://partner.example/open".into(),
        open_enabled: true,
        update_url: "https://partner.example/update".into(),
        update_enabled: true,
        close_url: "https://partner.example/close".into(),
        close_enabled: true,
        third_party_orders_active: false,
    }
}

#[test]
fn linga_toggles_and_third_party_flag() {
    let [open, update, close] = linga_settings().endpoints().unwrap();
    assert!(open.wants("order.opened", None));
    assert!(!open.wants("order.opened_in_pos", None));
    assert!(update.wants("order.updated", None));
    assert!(!update.wants("order.closed", None));
    assert!(close.wants("order.closed", None));

    // A disabled toggle: nothing is sent, even though a URL is set.
    let mut settings = linga_settings();
    settings.close_enabled = false;
    let [_, _, close] = settings.endpoints().unwrap();
    assert!(!close.is_enabled());
    let event = OutgoingEvent::new("order.closed", &b"{}"[..]);
    assert_eq!(
        close.request(&event, NOW, "m").unwrap_err(),
        RequestError::Disabled
    );

    // "3rd Order Web Hooks is Active": POS-placed orders go to the Open URL too.
    settings.third_party_orders_active = true;
    let [open, ..] = settings.endpoints().unwrap();
    assert!(open.wants("order.opened_in_pos", None));
    assert!(open.wants("order.opened", None));
    // Only the flag: the Open URL gets POS orders but not OLO ones.
    settings.open_enabled = false;
    let [open, ..] = settings.endpoints().unwrap();
    assert!(open.is_enabled());
    assert!(open.wants("order.opened_in_pos", None));
    assert!(!open.wants("order.opened", None));

    // The request carries the partner's header, and the Linga receiver accepts it.
    let request = open
        .request(
            &OutgoingEvent::new("order.opened_in_pos", &br#"{"check":1}"#[..]),
            NOW,
            "m",
        )
        .unwrap();
    assert_eq!(request.headers()["x-partner-key"], "token-from-partner");
    let receiver = Receiver::new(
        Verifier::builder(Scheme::Linga)
            .header_name("X-Partner-Key")
            .secret("token-from-partner")
            .build()
            .unwrap(),
        EventFilter::all(),
    );
    let check = receiver
        .linga(
            CheckEventKind::OpenedInPos,
            request.headers(),
            request.body().clone(),
            NOW,
        )
        .unwrap();
    assert_eq!(
        check.event.get("/check").map(|v| v.to_string()).as_deref(),
        Some("1")
    );
    assert_eq!(check.verification.secret_index(), 0);
    assert_eq!(check.verification.timestamp(), None);
}

#[test]
fn flow_retail_action_lists() {
    let transport = HttpTransport {
        url: "https://partner.example/flow".into(),
        headers: vec![TransportHeader {
            key: "X-Tenant".into(),
            value: "7".into(),
        }],
        security: Security::BasicAuth {
            username: "flow".into(),
            password: "pw".into(),
        },
        webhooks: vec![
            Webhook {
                actions: vec![Action::ORDER_SETTLED, Action::ORDER_RECEIPT_SETTLED],
            },
            Webhook {
                actions: vec![Action::TILL_OPEN, Action::TILL_CLOSED],
            },
        ],
    };
    let endpoints = transport.endpoints().unwrap();
    assert_eq!(endpoints.len(), 2);
    assert!(endpoints[0].wants("order.settled", None));
    assert!(endpoints[0].wants("order.receipt_settled", None));
    assert!(!endpoints[0].wants("till.open", None));
    assert!(endpoints[1].wants("till.closed", None));
    let body = include_bytes!("fixtures/example-flowretail-ORDER_SETTLED.json");
    let request = endpoints[0]
        .request(
            &OutgoingEvent::new(Action::ORDER_SETTLED.event_type(), &body[..]),
            NOW,
            "m",
        )
        .unwrap();
    // Basic flow:pw.
    assert_eq!(request.headers()["authorization"], "Basic Zmxvdzpwdw==");
    assert_eq!(request.headers()["x-tenant"], "7");
    // The transport's JSON uses Flow Retail's names.
    let json = serde_json::to_value(&transport).unwrap();
    assert_eq!(json["securityType"], "BASIC_AUTH");
    assert_eq!(json["webhooks"][0]["actions"][0], "ORDER_SETTLED");
    let back: HttpTransport = serde_json::from_value(json).unwrap();
    assert_eq!(back, transport);
    // The receiver checks the Authorization header as a static value, in constant time.
    let receiver = Receiver::new(
        Verifier::builder(Scheme::Linga)
            .header_name("authorization")
            .secret("Basic Zmxvdzpwdw==")
            .build()
            .unwrap(),
        "order.*".parse().unwrap(),
    );
    let envelope = receiver
        .flow_retail(request.headers(), request.body().clone(), NOW)
        .unwrap();
    assert_eq!(envelope.event.action, Some(Action::ORDER_SETTLED));
}

#[test]
fn store_scope() {
    let filter = EventFilter::parse("order").unwrap().with_stores(["3", "5"]);
    let endpoint = Endpoint::builder("https://pos.example/mipos")
        .vendor(Vendor::Mipos)
        .auth(Auth::Signature {
            scheme: Scheme::Mipos,
            secrets: vec!["k".into()],
        })
        .filter(filter.clone())
        .build()
        .unwrap();
    assert!(endpoint.wants("order", Some("3")));
    assert!(!endpoint.wants("order", Some("4")));
    assert!(!endpoint.wants("order", None));
    let order = include_bytes!("fixtures/example-mipos-order.json");
    let event = OutgoingEvent::new("order", &order[..]).for_store("4");
    assert!(matches!(
        endpoint.request(&event, NOW, "m").unwrap_err(),
        RequestError::FilteredOut { .. }
    ));
    let request = endpoint.request(&event.for_store("3"), NOW, "m").unwrap();
    // The receiver scoped to other stores drops it after verifying, before parsing.
    let verifier = Verifier::new(Scheme::Mipos, ["k"]).unwrap();
    let elsewhere = Receiver::new(verifier.clone(), EventFilter::all().with_stores(["9"]));
    assert_eq!(
        elsewhere
            .mipos(request.headers(), request.body().clone(), NOW)
            .unwrap_err(),
        ReceiveError::FilteredOut {
            event_type: "order".into(),
            store: Some("3".into())
        }
    );
    let here = Receiver::new(verifier, filter);
    let MiposEvent::Order(order) = here
        .mipos(request.headers(), request.body().clone(), NOW)
        .unwrap()
        .event
    else {
        panic!("not an order")
    };
    assert_eq!(order.total, Some(25800));
}

#[test]
fn header_injection_and_http_are_refused() {
    let err = Endpoint::builder("https://a.example/")
        .header("X-Ok", "a\r\nX-Evil: 1")
        .build();
    assert_eq!(
        err.unwrap_err(),
        EndpointError::InvalidHeaderValue("X-Ok".into())
    );
    let err = Endpoint::builder("https://a.example/")
        .header("X-Bad\r\n", "v")
        .build();
    assert!(matches!(
        err.unwrap_err(),
        EndpointError::InvalidHeaderName(_)
    ));
    let err = Endpoint::builder("https://a.example/")
        .auth(Auth::StaticHeader {
            name: "X-Key".into(),
            value: "t\nX: y".into(),
        })
        .build();
    assert_eq!(
        err.unwrap_err(),
        EndpointError::InvalidHeaderValue("X-Key".into())
    );
    let err = Endpoint::builder("https://a.example/")
        .auth(Auth::Bearer {
            token: "t\r\n".into(),
        })
        .build();
    // Surrounding CR/LF is whitespace HTTP would strip: refused before it reaches a header.
    assert_eq!(
        err.unwrap_err(),
        EndpointError::CredentialWhitespace("auth.token")
    );
    let err = Endpoint::builder("https://a.example/")
        .auth(Auth::Bearer {
            token: "t\r\nX: y".into(),
        })
        .build();
    assert!(matches!(
        err.unwrap_err(),
        EndpointError::InvalidHeaderValue(_)
    ));
    let err = Endpoint::builder("https://a.example/")
        .vendor(Vendor::Revel {
            instance: "x\ny".into(),
        })
        .build();
    assert!(matches!(
        err.unwrap_err(),
        EndpointError::InvalidHeaderValue(_)
    ));

    assert!(matches!(
        Endpoint::builder("http://localhost:8080/hook")
            .build()
            .unwrap_err(),
        EndpointError::HttpsRequired(_)
    ));
    assert!(
        Endpoint::builder("http://localhost:8080/hook")
            .allow_http()
            .build()
            .is_ok()
    );
    // Revel requires https, whatever the caller allows, except to a loopback host (see
    // tests/hardening.rs).
    assert!(matches!(
        Endpoint::builder("http://partner.example/revel")
            .vendor(Vendor::Revel {
                instance: "i".into()
            })
            .allow_http()
            .build()
            .unwrap_err(),
        EndpointError::HttpsRequired(_)
    ));
    for bad in ["", "not a url", "ftp://a.example/", "https://", "/relative"] {
        assert!(Endpoint::builder(bad).build().is_err(), "{bad:?}");
    }
    // Deserializing validates too.
    let json = r#"{"url":"https://a.example/","auth":{"type":"bearer","token":"x\r\ny"}}"#;
    assert!(serde_json::from_str::<Endpoint>(json).is_err());
    let json = r#"{"url":"http://a.example/","auth":{"type":"none"}}"#;
    assert!(serde_json::from_str::<Endpoint>(json).is_err());
}

#[test]
fn endpoint_json_and_redaction() {
    let endpoint = Endpoint::builder("https://partner.example/hooks")
        .auth(Auth::Signature {
            scheme: Scheme::Standard,
            secrets: vec![SecretString::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")],
        })
        .header("X-Extra", "1")
        .filter("order.*".parse().unwrap())
        .build()
        .unwrap();
    let json = serde_json::to_value(&endpoint).unwrap();
    assert_eq!(json["auth"]["scheme"], "standard");
    assert_eq!(json["filter"]["pattern"], "order.*");
    assert_eq!(json["enabled"], true);
    let back: Endpoint = serde_json::from_value(json).unwrap();
    assert_eq!(back, endpoint);
    let debug = format!("{endpoint:?}");
    assert!(!debug.contains("MfKQ9r8"), "{debug}");
    assert!(debug.contains("[redacted]"));
}

/// The request built for an endpoint is accepted by the matching receiver and parsed into the
/// same typed event, for every scheme.
#[test]
fn round_trip_every_scheme() {
    let og_body = Bytes::from_static(OG_ORDER);
    let expected: ordergroove::Envelope = parse_json(OG_ORDER).unwrap();
    for scheme in Scheme::ALL {
        let secret = match scheme {
            Scheme::Standard => "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            _ => "round-trip-secret",
        };
        let url = "https://partner.example/hooks";
        let auth = match scheme {
            Scheme::Linga => Auth::StaticHeader {
                name: "X-Api-Key".into(),
                value: secret.into(),
            },
            _ => Auth::Signature {
                scheme,
                secrets: vec![secret.into()],
            },
        };
        let endpoint = Endpoint::builder(url)
            .vendor(Vendor::Ordergroove)
            .auth(auth)
            .filter("order.*".parse().unwrap())
            .build()
            .unwrap();
        let event = OutgoingEvent::new("order.success", og_body.clone());
        let request = endpoint.request(&event, NOW, "msg_round_trip").unwrap();
        assert_eq!(request.method(), http::Method::POST);
        assert_eq!(request.uri(), url);
        assert_eq!(request.headers()["content-type"], "application/json");
        assert_eq!(
            request.body(),
            &og_body,
            "the body is sent exactly as given"
        );

        let verifier = match scheme {
            Scheme::Square => Verifier::builder(scheme)
                .secret(secret)
                .notification_url(url)
                .build(),
            Scheme::Linga => Verifier::builder(scheme)
                .secret(secret)
                .header_name("X-Api-Key")
                .build(),
            _ => Verifier::new(scheme, [secret]),
        }
        .unwrap();
        let receiver = Receiver::new(verifier, "order.*".parse().unwrap());
        let envelope = receiver
            .ordergroove(request.headers(), request.body().clone(), NOW + 5)
            .unwrap_or_else(|e| panic!("{scheme}: {e}"));
        assert_eq!(envelope.event, expected, "{scheme}");
        assert_eq!(envelope.verification.secret_index(), 0, "{scheme}");
        let signed_at = scheme.is_timestamped().then_some(NOW);
        assert_eq!(envelope.verification.timestamp(), signed_at, "{scheme}");

        // Tampered in transit: not authentic (Linga's token does not cover the body).
        let tampered = Bytes::from(String::from_utf8_lossy(OG_ORDER).replace("Unsent", "Sent!!"));
        let result = receiver.ordergroove(request.headers(), tampered, NOW);
        if scheme == Scheme::Linga {
            assert!(result.is_ok());
        } else {
            assert!(
                matches!(result, Err(ReceiveError::NotAuthentic(_))),
                "{scheme}"
            );
        }
        // Outside the receiver's filter: dropped after verification, before parsing.
        let picky = Receiver::new(
            receiver.verifier().clone(),
            "subscription.*".parse().unwrap(),
        );
        assert!(matches!(
            picky.ordergroove(request.headers(), request.body().clone(), NOW),
            Err(ReceiveError::FilteredOut { .. })
        ));
    }
}

#[test]
fn revel_preset_round_trip() {
    let settings = WebhookSettings {
        instance: "revelcustomer".into(),
        secret: "shared".into(),
        urls: [(
            pos_webhooks::revel::event_type::ORDER_FINALIZED,
            "https://partner.example/revel/orders/".to_owned(),
        )]
        .into_iter()
        .collect(),
    };
    let endpoints = settings.endpoints().unwrap();
    let event = OutgoingEvent::new(
        pos_webhooks::revel::event_type::ORDER_FINALIZED,
        Bytes::from_static(REVEL_ORDER),
    )
    .for_store("1");
    let request = endpoints[0].request(&event, NOW, "m").unwrap();
    let headers = request.headers();
    assert_eq!(headers["x-revel-instance"], "revelcustomer");
    assert_eq!(headers["x-revel-event-type"], "order.finalized");
    assert_eq!(headers["x-revel-establishment-id"], "1");
    assert_eq!(headers["x-revel-signature"].len(), 40);
    let receiver = Receiver::new(
        Verifier::new(Scheme::Revel, ["shared"]).unwrap(),
        EventFilter::all(),
    );
    let RevelEvent::OrderFinalized(order) = receiver.revel_request(&request, NOW).unwrap().event
    else {
        panic!("not an order")
    };
    assert_eq!(order.order_info.as_ref().unwrap().id, Some(417));
    // A typed model may be given instead of bytes: serialized once, then signed.
    let typed = OutgoingEvent::json(EventType::new("order.finalized"), &*order).unwrap();
    let request = endpoints[0].request(&typed, NOW, "m").unwrap();
    assert!(receiver.revel_request(&request, NOW).is_ok());
    // Other event types are not sent to the orders URL.
    assert!(!endpoints[0].wants("customer.created", Some("1")));
}

#[test]
fn standard_webhooks_headers_on_the_request() {
    let endpoint = Endpoint::builder("https://partner.example/sw")
        .auth(Auth::Signature {
            scheme: Scheme::Standard,
            secrets: vec!["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()],
        })
        .build()
        .unwrap();
    let event = OutgoingEvent::new("order.success", &br#"{"test": 2432232314}"#[..]);
    let request = endpoint
        .request(&event, 1614265330, "msg_p5jXN8AQM9LWM0D4loKWxJek")
        .unwrap();
    assert_eq!(
        request.headers()["webhook-id"],
        "msg_p5jXN8AQM9LWM0D4loKWxJek"
    );
    assert_eq!(request.headers()["webhook-timestamp"], "1614265330");
    assert_eq!(
        request.headers()["webhook-signature"],
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    );
    // An id with '.' cannot be signed.
    assert!(matches!(
        endpoint.request(&event, 1614265330, "msg.1").unwrap_err(),
        RequestError::Sign(_)
    ));
}

/// Every JSON example in the README's "Endpoint JSON" section is a valid endpoint.
#[test]
fn readme_endpoint_examples_are_valid() {
    let readme = include_str!("../README.md");
    let section = readme.split("### Endpoint JSON").nth(1).unwrap();
    let section = section.split("\n## ").next().unwrap();
    let blocks: Vec<&str> = section
        .split("```json")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    assert_eq!(blocks.len(), 5);
    for block in blocks {
        let endpoint: Endpoint =
            serde_json::from_str(block).unwrap_or_else(|e| panic!("{e}: {block}"));
        assert!(endpoint.is_enabled());
    }
}
