//! Issue 11, "Done when": for any endpoint configuration and any custom headers (reserved ones
//! in any case among them), either the build is refused naming a reserved (or repeated)
//! header, or the request has exactly one value for each header the crate sets, equal to what
//! the crate computed for the same endpoint without custom headers, plus the custom headers
//! as given.

use http::HeaderName;
use pos_webhooks::{Auth, Endpoint, EndpointError, OutgoingEvent, Scheme, Vendor};
use proptest::prelude::*;

const NOW: i64 = 1_700_000_000;
const URL: &str = "https://partner.example/hook";

/// Names the crate sets on some request, in lowercase; the strategy also uses names that are
/// not reserved, and `authorization`, which is reserved only when the auth sets it.
const RESERVED: [&str; 30] = [
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "te",
    "upgrade",
    "keep-alive",
    "proxy-connection",
    "trailer",
    "expect",
    "content-type",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "svix-id",
    "svix-timestamp",
    "svix-signature",
    "x-github-delivery",
    "x-shopify-webhook-id",
    "x-hub-signature",
    "x-hub-signature-256",
    "x-revel-signature",
    "x-revel-instance",
    "x-revel-event-type",
    "x-revel-establishment-id",
    "signature-webhook",
    "ordergroove-signature",
    "stripe-signature",
    "x-shopify-hmac-sha256",
    "x-square-hmacsha256-signature",
];

const FREE: [&str; 6] = [
    "x-tenant",
    "x-api-key",
    "x-partner-key",
    "authorization",
    "user-agent",
    "x-request-source",
];

fn vendor() -> impl Strategy<Value = Vendor> {
    prop_oneof![
        Just(Vendor::Generic),
        "[a-z]{1,8}".prop_map(|instance| Vendor::Revel { instance }),
        Just(Vendor::Mipos),
        Just(Vendor::Linga),
        Just(Vendor::Ordergroove),
        Just(Vendor::FlowRetail),
    ]
}

fn auth() -> impl Strategy<Value = Auth> {
    let schemes: Vec<Scheme> = Scheme::ALL
        .into_iter()
        .filter(|s| *s != Scheme::Linga)
        .collect();
    prop_oneof![
        Just(Auth::None),
        "[A-Za-z0-9._~+/-]{1,24}".prop_map(|t| Auth::Bearer {
            token: t.as_str().into()
        }),
        ("[a-z]{1,8}", "[ -~]{1,16}").prop_map(|(u, p)| Auth::Basic {
            username: u,
            password: p.as_str().into()
        }),
        (
            prop::sample::select(vec!["X-Partner-Key", "X-Api-Key", "Authorization"]),
            "[A-Za-z0-9]{1,16}"
        )
            .prop_map(|(name, value)| Auth::StaticHeader {
                name: name.into(),
                value: value.as_str().into()
            }),
        prop::sample::select(schemes).prop_map(|scheme| Auth::Signature {
            scheme,
            secrets: vec![match scheme {
                Scheme::Standard => "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into(),
                _ => "prop-secret".into(),
            }],
        }),
    ]
}

/// A header name: reserved, free, or random; in a random case.
fn header_name() -> impl Strategy<Value = String> {
    let base = prop_oneof![
        prop::sample::select(RESERVED.to_vec()).prop_map(str::to_owned),
        prop::sample::select(FREE.to_vec()).prop_map(str::to_owned),
        "x-[a-z0-9]{1,10}",
    ];
    (base, any::<u64>()).prop_map(|(name, bits)| {
        name.chars()
            .enumerate()
            .map(|(i, c)| {
                if bits >> (i % 64) & 1 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect()
    })
}

fn build(
    vendor: &Vendor,
    auth: &Auth,
    headers: &[(String, String)],
) -> Result<Endpoint, EndpointError> {
    headers
        .iter()
        .fold(
            Endpoint::builder(URL)
                .vendor(vendor.clone())
                .auth(auth.clone()),
            |b, (n, v)| b.header(n, v),
        )
        .build()
}

proptest! {
    #[test]
    fn custom_headers_never_change_what_the_crate_sets(
        vendor in vendor(),
        auth in auth(),
        headers in prop::collection::vec((header_name(), "[!-~]([ -~]{0,14}[!-~])?"), 0..6),
        store in prop::option::of("[0-9]{1,4}"),
    ) {
        let base = build(&vendor, &auth, &[]).expect("the endpoint without custom headers builds");
        let mut event = OutgoingEvent::new("order.finalized", &br#"{"id":1}"#[..]);
        if let Some(store) = store {
            event = event.for_store(store);
        }
        let base_request = base.request(&event, NOW, "msg_prop").unwrap();
        let lower: Vec<String> = headers.iter().map(|(n, _)| n.to_ascii_lowercase()).collect();
        // What the model says must be refused: a name the crate set on this very request, a
        // reserved name, or a name given twice.
        let crate_sets = |n: &str| {
            base_request.headers().contains_key(n) || RESERVED.contains(&n) || n.starts_with("x-revel-")
        };
        let first_reserved = lower.iter().find(|n| crate_sets(n));
        let repeated = lower.iter().enumerate().find(|(i, n)| lower[..*i].contains(n)).map(|(_, n)| n);
        match build(&vendor, &auth, &headers) {
            Err(EndpointError::ReservedHeader(name)) => {
                prop_assert!(crate_sets(&name), "{name} refused but not set by the crate");
                prop_assert!(lower.contains(&name));
            }
            Err(EndpointError::DuplicateHeader(name)) => {
                prop_assert_eq!(repeated, Some(&name));
            }
            Err(other) => prop_assert!(false, "unexpected error {other}"),
            Ok(endpoint) => {
                prop_assert_eq!(first_reserved, None, "a reserved header was accepted");
                prop_assert_eq!(repeated, None, "a repeated header was accepted");
                let request = endpoint.request(&event, NOW, "msg_prop").unwrap();
                // Exactly one value for each header the crate sets, equal to its own.
                for name in base_request.headers().keys() {
                    let got: Vec<_> = request.headers().get_all(name).iter().collect();
                    let want: Vec<_> = base_request.headers().get_all(name).iter().collect();
                    prop_assert_eq!(want.len(), 1, "{} set twice by the crate", name);
                    prop_assert_eq!(got, want, "{}", name);
                }
                // The custom headers, each once, as given.
                for (name, value) in &headers {
                    let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
                    let got: Vec<_> = request.headers().get_all(&name).iter().collect();
                    prop_assert_eq!(got.len(), 1);
                    prop_assert_eq!(got[0].as_bytes(), value.as_bytes());
                }
                prop_assert_eq!(
                    request.headers().len(),
                    base_request.headers().len() + headers.len()
                );
                prop_assert_eq!(request.body(), base_request.body());
                prop_assert_eq!(request.uri(), base_request.uri());
            }
        }
    }
}
