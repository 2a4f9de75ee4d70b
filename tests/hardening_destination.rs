//! Regression tests for issue 11 item 10 (no help against SSRF for senders): the destination
//! policy, in every spelling of a non-public address, on built and deserialized endpoints;
//! and the builder side of issue 8 item 5 (plain http to loopback hosts).

use std::net::IpAddr;

use pos_webhooks::{
    Auth, DestinationError, DestinationPolicy, Endpoint, EndpointError, Scheme, Vendor,
};

/// The same hosts as in tests/hardening.rs.
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

fn build_err(builder: pos_webhooks::EndpointBuilder) -> String {
    match builder.build() {
        Ok(endpoint) => panic!("built: {endpoint:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn issue8_item5_builder_allow_http_loopback() {
    let revel = || Vendor::Revel {
        instance: "dev".into(),
    };
    for url in LOOPBACK {
        let endpoint = Endpoint::builder(url)
            .vendor(revel())
            .auth(Auth::Signature {
                scheme: Scheme::Revel,
                secrets: vec!["s".into()],
            })
            .allow_http_loopback()
            .build()
            .unwrap();
        assert_eq!(endpoint.url(), url);
        assert!(Endpoint::builder(url).vendor(revel()).build().is_err());
    }
    for url in NOT_LOOPBACK {
        for builder in [
            Endpoint::builder(url).allow_http_loopback(),
            Endpoint::builder(url).vendor(revel()).allow_http_loopback(),
            Endpoint::builder(url).vendor(revel()).allow_http(),
        ] {
            assert!(
                build_err(builder).starts_with("url must use https ("),
                "{url}"
            );
        }
    }
}

fn refused(url: &str) -> DestinationError {
    match DestinationPolicy::public_only().check_url(url) {
        Ok(()) => panic!("{url} passed"),
        Err(e) => e,
    }
}

fn non_public(addr: &str, range: &str) -> DestinationError {
    DestinationError::NonPublicAddress {
        addr: addr.parse().unwrap(),
        range: match range {
            "loopback" => "loopback",
            "link-local" => "link-local",
            "private" => "private",
            "unspecified" => "unspecified (this network)",
            "broadcast" => "broadcast",
            "multicast" => "multicast",
            "cgnat" => "shared address space (cgnat)",
            other => panic!("{other}"),
        },
    }
}

/// The issue's URLs, and more spellings: each is refused with the address it really reaches.
#[test]
fn item10_every_spelling_of_a_non_public_address_is_refused() {
    for (url, addr, range) in [
        ("https://127.1/", "127.0.0.1", "loopback"),
        ("https://127.0.1/", "127.0.0.1", "loopback"),
        ("https://2130706433/", "127.0.0.1", "loopback"),
        ("https://0x7f000001/", "127.0.0.1", "loopback"),
        ("https://0X7F000001/", "127.0.0.1", "loopback"),
        ("https://0x7f.0.0.1/", "127.0.0.1", "loopback"),
        ("https://0177.0.0.1/", "127.0.0.1", "loopback"),
        ("https://017700000001/", "127.0.0.1", "loopback"),
        ("https://127.0.0.1./", "127.0.0.1", "loopback"),
        (
            "https://127.255.255.254:8443/x",
            "127.255.255.254",
            "loopback",
        ),
        (
            "https://169.254.169.254/latest/meta-data",
            "169.254.169.254",
            "link-local",
        ),
        ("https://0xa9fea9fe/", "169.254.169.254", "link-local"),
        ("https://2852039166/", "169.254.169.254", "link-local"),
        ("https://[::ffff:127.0.0.1]/", "127.0.0.1", "loopback"),
        ("https://[::ffff:7f00:1]/", "127.0.0.1", "loopback"),
        (
            "https://[::ffff:169.254.169.254]/",
            "169.254.169.254",
            "link-local",
        ),
        (
            "https://[64:ff9b::a9fe:a9fe]/",
            "169.254.169.254",
            "link-local",
        ),
        ("https://[2002:a00:1::]/", "10.0.0.1", "private"),
        ("https://0.0.0.0/", "0.0.0.0", "unspecified"),
        ("https://0/", "0.0.0.0", "unspecified"),
        ("https://10.1.2.3/", "10.1.2.3", "private"),
        ("https://10.1/", "10.0.0.1", "private"),
        ("https://172.16.0.1/", "172.16.0.1", "private"),
        ("https://172.31.255.255/", "172.31.255.255", "private"),
        ("https://192.168.1.1/", "192.168.1.1", "private"),
        ("https://100.64.0.1/", "100.64.0.1", "cgnat"),
        ("https://224.0.0.1/", "224.0.0.1", "multicast"),
        ("https://255.255.255.255/", "255.255.255.255", "broadcast"),
        ("https://4294967295/", "255.255.255.255", "broadcast"),
        ("https://[::1]/", "::1", "loopback"),
        ("https://[0:0:0:0:0:0:0:1]/", "::1", "loopback"),
        ("https://[::]/", "::", "unspecified"),
    ] {
        let expected = match (url, range) {
            (_, "unspecified") if addr == "::" => DestinationError::NonPublicAddress {
                addr: addr.parse().unwrap(),
                range: "unspecified",
            },
            _ => non_public(addr, range),
        };
        assert_eq!(refused(url), expected, "{url}");
    }
    for (url, range) in [
        ("https://[fc00::1]/", "private (unique local)"),
        ("https://[fd12:3456::1]/", "private (unique local)"),
        ("https://[fe80::1]/", "link-local"),
        ("https://[ff02::1]/", "multicast"),
        ("https://[::127.0.0.1]/", "ipv4-compatible (deprecated)"),
    ] {
        let DestinationError::NonPublicAddress { range: found, .. } = refused(url) else {
            panic!("{url}")
        };
        assert_eq!(found, range, "{url}");
    }
}

#[test]
fn item10_localhost_names_and_invalid_hosts_are_refused() {
    for url in [
        "https://localhost/",
        "https://LOCALHOST:8443/",
        "https://localhost./",
        "https://api.localhost/",
        "https://a.b.localhost/",
    ] {
        assert!(
            matches!(refused(url), DestinationError::LocalName(_)),
            "{url}"
        );
    }
    // Names the URL standard refuses (a last label that is a number but no valid IPv4).
    for url in [
        "https://1.2.3.256/",
        "https://4294967296/",
        "https://1.2.3.4.5/",
        "https://partner.123/",
        "https://09.0.0.1/",
    ] {
        assert!(
            matches!(refused(url), DestinationError::InvalidHost(_)),
            "{url}"
        );
    }
    // User info hides the host: refused before anything else.
    assert_eq!(
        refused("https://good.example@evil.example/"),
        DestinationError::UserInfo
    );
    // Public names and addresses pass.
    let policy = DestinationPolicy::public_only();
    for url in [
        "https://partner.example/hooks",
        "https://localhost.partner.example/",
        "https://8.8.8.8/",
        "https://134744072/",
        "https://[2606:4700:4700::1111]/",
        "https://[64:ff9b::808:808]/",
        "https://a1.example:8443/x?y=z",
    ] {
        assert_eq!(policy.check_url(url), Ok(()), "{url}");
    }
}

#[test]
fn item10_the_policy_is_off_by_default_and_one_call_to_turn_on() {
    let url = "https://169.254.169.254/latest/meta-data";
    // Off by default, for compatibility.
    assert!(Endpoint::builder(url).build().is_ok());
    assert_eq!(
        DestinationPolicy::default(),
        DestinationPolicy::unrestricted()
    );
    assert_eq!(DestinationPolicy::unrestricted().check_url(url), Ok(()));
    // On: one call on the builder.
    assert_eq!(
        Endpoint::builder(url)
            .destination_policy(DestinationPolicy::public_only())
            .build()
            .unwrap_err(),
        EndpointError::Destination(non_public("169.254.169.254", "link-local"))
    );
    // Or on an endpoint read from storage.
    let endpoint: Endpoint =
        serde_json::from_str(r#"{"url":"https://0x7f000001:8080/admin","auth":{"type":"none"}}"#)
            .unwrap();
    assert_eq!(
        endpoint.check_destination(&DestinationPolicy::public_only()),
        Err(non_public("127.0.0.1", "loopback"))
    );
    let ok = Endpoint::builder("https://partner.example/")
        .destination_policy(DestinationPolicy::public_only())
        .build()
        .unwrap();
    assert_eq!(
        ok.check_destination(&DestinationPolicy::public_only()),
        Ok(())
    );
}

/// `allow_http` can come from stored JSON; the policy overrules it.
#[test]
fn item10_stored_allow_http_cannot_weaken_the_policy() {
    for json in [
        r#"{"url":"http://partner.example/","auth":{"type":"none"},"allow_http":true}"#,
        r#"{"url":"http://127.0.0.1/","auth":{"type":"none"},"allow_http":"loopback"}"#,
    ] {
        let endpoint: Endpoint = serde_json::from_str(json).unwrap();
        assert_eq!(
            endpoint.check_destination(&DestinationPolicy::public_only()),
            Err(DestinationError::PlainHttp)
        );
    }
    // The caller can accept plain http to public hosts; addresses are still checked.
    let policy = DestinationPolicy::public_only().allow_plain_http();
    let public: Endpoint = serde_json::from_str(
        r#"{"url":"http://partner.example/","auth":{"type":"none"},"allow_http":true}"#,
    )
    .unwrap();
    assert_eq!(public.check_destination(&policy), Ok(()));
    let local: Endpoint = serde_json::from_str(
        r#"{"url":"http://127.0.0.1/","auth":{"type":"none"},"allow_http":"loopback"}"#,
    )
    .unwrap();
    assert_eq!(
        local.check_destination(&policy),
        Err(non_public("127.0.0.1", "loopback"))
    );
    // The builder with a policy: plain http refused even with allow_http.
    assert_eq!(
        Endpoint::builder("http://partner.example/")
            .allow_http()
            .destination_policy(DestinationPolicy::public_only())
            .build()
            .unwrap_err(),
        EndpointError::Destination(DestinationError::PlainHttp)
    );
}

#[test]
fn item10_resolved_addresses_are_checked() {
    let policy = DestinationPolicy::public_only();
    for (addr, ok) in [
        ("93.184.215.14", true),
        ("2606:4700::6810:84e5", true),
        ("127.0.0.1", false),
        ("10.0.0.5", false),
        ("169.254.169.254", false),
        ("100.100.100.200", false),
        ("::1", false),
        ("::ffff:192.168.0.1", false),
        ("fe80::1", false),
        ("fd00::1", false),
        ("0.0.0.0", false),
    ] {
        let addr: IpAddr = addr.parse().unwrap();
        assert_eq!(policy.check_resolved(addr).is_ok(), ok, "{addr}");
        assert_eq!(
            DestinationPolicy::unrestricted().check_resolved(addr),
            Ok(())
        );
    }
    assert_eq!(
        policy
            .check_resolved("::ffff:10.0.0.1".parse().unwrap())
            .unwrap_err()
            .to_string(),
        "destination address 10.0.0.1 is private"
    );
}
