//! Black-box tests of `listen`, `send` and `trigger`: each test starts its own server on
//! 127.0.0.1 (a `hookctl listen --port 0 --max-requests N` child, or a one-shot std TCP
//! server) and stops it; every wait is bounded.

#![cfg(feature = "net")]

mod common;

use common::{Listen, OneShot, TempDir, fixture, hookctl, sample};

const STANDARD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// trigger → listen: accepted (200 with the typed payload), not authentic (401), filtered out
/// (204, not parsed); the listener stops by itself after --max-requests.
#[test]
fn listen_answers_trigger_with_the_recommended_status() {
    let listen = Listen::start(&[
        "--scheme",
        "revel",
        "--secret",
        "the-shared-secret",
        "--filter",
        "order.*|ping",
        "--max-requests",
        "3",
    ]);
    let to = format!("{}/receive/revel", listen.url);

    let accepted = hookctl(&[
        "trigger",
        "order.finalized",
        "--to",
        &to,
        "--scheme",
        "revel",
        "--secret",
        "the-shared-secret",
    ])
    .code(0);
    assert!(
        accepted
            .stdout
            .starts_with("sending revel order.finalized (9287 bytes) to "),
        "{accepted:#?}"
    );
    assert!(
        accepted.stdout.contains("\nstatus: 200 OK\n"),
        "{accepted:#?}"
    );
    assert!(accepted.stdout.contains("\nelapsed: "), "{accepted:#?}");
    assert!(
        accepted.stdout.contains("accepted: secret #1 matched"),
        "{accepted:#?}"
    );

    // The old prefixed name still works; a wrong secret is answered 401 and trigger exits 1.
    let refused = hookctl(&[
        "trigger",
        "revel.ping",
        "--to",
        &to,
        "--scheme",
        "revel",
        "--secret",
        "not-the-secret",
    ])
    .code(1);
    assert!(
        refused.stdout.contains("status: 401 Unauthorized"),
        "{refused:#?}"
    );
    assert_eq!(refused.stderr, "not accepted: 401 Unauthorized\n");

    let filtered = hookctl(&[
        "trigger",
        "menu.updated",
        "--to",
        &to,
        "--scheme",
        "revel",
        "--secret",
        "the-shared-secret",
    ])
    .code(0);
    assert!(
        filtered.stdout.contains("status: 204 No Content"),
        "{filtered:#?}"
    );

    let (code, out, err) = listen.finish();
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(err, "hookctl: stopped after 3 requests\n");
    let reports: Vec<&str> = out.split("\nPOST ").collect();
    assert!(out.starts_with("POST /receive/revel\n"), "{out}");
    assert_eq!(reports.len(), 3, "{out}");
    assert!(
        reports[0].contains("  x-revel-event-type: order.finalized\n"),
        "{out}"
    );
    assert!(
        reports[0].contains("verdict: accepted, secret #1 matched -> 200 OK\n{"),
        "{out}"
    );
    // The typed payload, pretty-printed: a field of the fixture's order.
    assert!(
        reports[0].contains("\"uuid\": \"99da53ed-638f-4e6a-bdbf-b82ab4b6a209\""),
        "{out}"
    );
    assert!(
        reports[1].contains("verdict: not authentic: signature mismatch -> 401 Unauthorized"),
        "{out}"
    );
    assert!(
        reports[2].contains("verdict: filtered out: event menu.updated -> 204 No Content"),
        "{out}"
    );
    assert!(
        !reports[2].contains('{'),
        "a filtered event is not parsed: {out}"
    );
}

/// send → listen: an authentic body that does not parse is answered 422, and send exits 1.
#[test]
fn listen_answers_unparseable_with_422_and_redacts_tokens() {
    let listen = Listen::start(&[
        "--scheme",
        "linga",
        "--header-name",
        "X-Partner-Key",
        "--secret",
        "token-from-partner",
        "--max-requests",
        "2",
    ]);
    let dir = TempDir::new("unparseable");
    let endpoint = dir.file(
        "linga.json",
        br#"{"url": "https://partner.example/linga/close", "vendor": {"kind": "linga"},
             "auth": {"type": "static_header", "name": "X-Partner-Key",
                      "value": "token-from-partner"}}"#,
    );
    let bad = dir.file("bad.json", b"{not json");
    let run = hookctl(&[
        "send",
        "--endpoint",
        &endpoint,
        "--event",
        "order.closed",
        "--file",
        &bad,
        "--to",
        &format!("{}/linga/close", listen.url),
    ])
    .code(1);
    assert!(
        run.stdout.starts_with("status: 422 Unprocessable Entity\n"),
        "{run:#?}"
    );
    let good = dir.file("good.json", br#"{"checkId": 9}"#);
    let run = hookctl(&[
        "send",
        "--endpoint",
        &endpoint,
        "--event",
        "linga.order",
        "--file",
        &good,
        "--to",
        &format!("{}/linga/close", listen.url),
    ])
    .code(0);
    assert!(run.stdout.starts_with("status: 200 OK\n"), "{run:#?}");

    let (code, out, _) = listen.finish();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("verdict: unparseable: "), "{out}");
    assert!(out.contains("-> 422 "), "{out}");
    assert!(out.contains("  x-partner-key: <redacted>\n"), "{out}");
    assert!(
        !out.contains("token-from-partner"),
        "the token is printed: {out}"
    );
    assert!(out.contains("\"checkId\": 9"), "{out}");
}

/// send → a std TcpListener: the request on the wire is exactly the one `request` prints
/// (line, headers, body), and the answer's status and headers are printed.
#[test]
fn send_sends_what_request_prints() {
    let server = OneShot::start(
        b"HTTP/1.1 201 Created\r\nx-test: yes\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
    );
    let args = |command: &str| {
        vec![
            command.to_owned(),
            "--endpoint".to_owned(),
            sample("endpoint-standard.json"),
            "--event".to_owned(),
            "order.success".to_owned(),
            "--id".to_owned(),
            "msg_p5jXN8AQM9LWM0D4loKWxJek".to_owned(),
            "--now".to_owned(),
            "1614265330".to_owned(),
            "--file".to_owned(),
            sample("body-standard.json"),
        ]
    };
    let mut send = args("send");
    send.extend(["--to".to_owned(), format!("{}/in?x=1", server.url)]);
    let run = hookctl(&send).code(0);
    assert!(run.stdout.starts_with("status: 201 Created\n"), "{run:#?}");
    assert!(run.stdout.contains("\nx-test: yes\n"), "{run:#?}");
    assert!(run.stdout.contains("\nelapsed: "), "{run:#?}");
    assert!(run.stdout.ends_with("\n\nok\n"), "{run:#?}");

    let received = server.request();
    let received = String::from_utf8(received).unwrap();
    let (head, body) = received.split_once("\r\n\r\n").unwrap();
    assert_eq!(body, r#"{"test": 2432232314}"#);
    let lines: Vec<&str> = head.split("\r\n").collect();
    assert_eq!(lines[0], "POST /in?x=1 HTTP/1.1");

    // Every header `request` prints (but host, which --to changes) went on the wire.
    let printed = hookctl(&args("request")).code(0);
    let (printed_head, printed_body) = printed.stdout.split_once("\r\n\r\n").unwrap();
    assert_eq!(printed_body, body);
    for line in printed_head.split("\r\n").skip(1) {
        if line.starts_with("host: ") {
            continue;
        }
        assert!(
            lines.iter().any(|l| l.eq_ignore_ascii_case(line)),
            "{line:?} not sent: {lines:#?}"
        );
    }
    assert!(
        lines.contains(&"webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
        "{lines:#?}"
    );
}

#[test]
fn send_exit_codes() {
    // A non-2xx answer is exit 1 with the status on stderr.
    let server = OneShot::start(
        b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
    );
    let run = hookctl(&[
        "send",
        "--endpoint",
        &sample("endpoint-standard.json"),
        "--event",
        "order.success",
        "--now",
        "1614265330",
        "--file",
        &sample("body-standard.json"),
        "--to",
        &server.url,
    ])
    .code(1);
    assert!(run.stdout.starts_with("status: 503 Service Unavailable\n"));
    assert_eq!(run.stderr, "not accepted: 503 Service Unavailable\n");
    assert!(!server.request().is_empty());

    // No TLS in this build: https is refused before anything is sent.
    let run = hookctl(&[
        "send",
        "--endpoint",
        &sample("endpoint-standard.json"),
        "--event",
        "order.success",
        "--now",
        "1",
        "--file",
        &sample("body-standard.json"),
    ])
    .code(2);
    assert!(run.stderr.contains("built without TLS"), "{run:#?}");
    // The endpoint's filter drops the event: exit 1, nothing sent.
    let run = hookctl(&[
        "send",
        "--endpoint",
        &sample("endpoint-standard.json"),
        "--event",
        "item.create",
        "--now",
        "1",
        "--file",
        &sample("body-standard.json"),
        "--to",
        "http://127.0.0.1:9/",
    ])
    .code(1);
    assert!(run.stderr.contains("filtered out"), "{run:#?}");
}

/// trigger → a std TcpListener: the fixture's bytes, signed; the captured raw request (as `nc`
/// would show it) passes `verify --request`.
#[test]
fn trigger_sends_the_fixture_signed_and_verify_request_accepts_the_capture() {
    let server = OneShot::start(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n");
    let run = hookctl(&[
        "trigger",
        "order.success",
        "--endpoint",
        &sample("endpoint-ordergroove.json"),
        "--to",
        &format!("{}/og", server.url),
        "--now",
        "1700000000",
    ])
    .code(0);
    assert!(run.stdout.contains("status: 204 No Content"), "{run:#?}");
    let raw = server.request();
    let fixture_body = std::fs::read(fixture("example-ordergroove-order.success.json")).unwrap();
    assert!(raw.ends_with(&fixture_body), "the fixture is sent as it is");

    let dir = TempDir::new("capture");
    let capture = dir.file("capture.http", &raw);
    let ok = hookctl(&[
        "verify",
        "--scheme",
        "ordergroove",
        "--secret",
        "og-verification-key",
        "--request",
        &capture,
        "--now",
        "1700000010",
    ])
    .code(0);
    assert_eq!(ok.stdout, "ok: secret #1 matched (timestamp 1700000000)\n");
    let wrong = hookctl(&[
        "verify",
        "--scheme",
        "ordergroove",
        "--secret",
        "another-key",
        "--request",
        &capture,
        "--now",
        "1700000010",
    ])
    .code(1);
    assert_eq!(wrong.stderr, "invalid: signature mismatch\n");
}

/// trigger with --scheme for every signature scheme: a listener of that scheme accepts it.
#[test]
fn trigger_with_each_scheme_is_accepted_by_listen() {
    let cases: [(&str, &[&str], &str); 4] = [
        ("standard", &["--secret", STANDARD_SECRET], "order.success"),
        ("github", &["--secret", "gh"], "order.settled"),
        ("shopify", &["--secret", "sh"], "ping"),
        ("mipos", &["--secret", "mp"], "order"),
    ];
    for (scheme, secret, event) in cases {
        let mut args = vec!["--scheme", scheme, "--max-requests", "1"];
        args.extend_from_slice(secret);
        if scheme == "standard" {
            args.extend(["--event-type-from", "path"]);
        }
        let listen = Listen::start(&args);
        let to = format!("{}/{event}", listen.url);
        let mut trigger = vec!["trigger", event, "--to", &to, "--scheme", scheme];
        trigger.extend_from_slice(secret);
        let run = hookctl(&trigger).code(0);
        assert!(run.stdout.contains("status: 200 OK"), "{scheme}: {run:#?}");
        let (code, out, _) = listen.finish();
        assert_eq!(code, 0, "{scheme}: {out}");
        assert!(
            out.contains("verdict: accepted, secret #1 matched"),
            "{scheme}: {out}"
        );
        // The scheme's message-id header, with an id unique to the run (two triggers in one
        // second are not duplicates).
        let id_header = match scheme {
            "github" => "x-github-delivery",
            "shopify" => "x-shopify-webhook-id",
            _ => "webhook-id",
        };
        let id_line = format!("\n  {id_header}: msg_");
        let id = out
            .split(&id_line)
            .nth(1)
            .and_then(|rest| rest.lines().next())
            .unwrap_or_else(|| panic!("{scheme}: no {id_header}: {out}"));
        assert!(id.contains('_'), "{scheme}: {id}");
    }
}

#[test]
fn network_usage_errors_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (&["trigger", "--to", "http://127.0.0.1:9/"], "missing EVENT"),
        (
            &[
                "trigger",
                "nope",
                "--to",
                "http://127.0.0.1:9/",
                "--scheme",
                "revel",
                "--secret",
                "k",
            ],
            "unknown event",
        ),
        (
            &["trigger", "ping", "--scheme", "revel", "--secret", "k"],
            "missing --to",
        ),
        (
            &["trigger", "ping", "--to", "http://127.0.0.1:9/"],
            "missing --scheme",
        ),
        (
            &[
                "trigger", "ping", "--to", "ftp://x/", "--scheme", "revel", "--secret", "k",
            ],
            "bad URL",
        ),
        (&["listen", "--secret", "k"], "missing --scheme"),
        (&["listen", "--scheme", "revel"], "missing --secret"),
        (
            &[
                "listen", "--scheme", "revel", "--secret", "k", "--filter", "a||b",
            ],
            "bad pattern",
        ),
        (
            &[
                "listen", "--scheme", "revel", "--secret", "k", "--port", "70000",
            ],
            "bad number for --port",
        ),
        (
            &[
                "listen",
                "--scheme",
                "revel",
                "--secret",
                "k",
                "--event-type-from",
                "body",
            ],
            "--event-type-from",
        ),
        (&["send", "--event", "x"], "missing --endpoint"),
    ];
    for (args, expected) in cases {
        let run = hookctl(args).code(2);
        assert!(run.stdout.is_empty(), "{args:?}: {run:#?}");
        assert!(
            run.stderr.contains(expected),
            "{args:?}: expected {expected:?} in {run:#?}"
        );
    }
}

#[test]
fn network_subcommands_have_their_own_help() {
    for command in ["listen", "send", "trigger"] {
        let run = hookctl(&[command, "--help"]).code(0);
        assert!(run.stdout.starts_with("hookctl: `"), "{run:#?}");
        assert!(
            run.stdout.contains(&format!("usage: hookctl {command}")),
            "{run:#?}"
        );
        assert!(run.stdout.contains("--to") || command == "listen");
    }
    let run = hookctl(&["listen", "-h"]).code(0);
    assert!(run.stdout.contains("--max-requests <N>"), "{run:#?}");
    assert!(
        run.stdout.contains("--event-type-from <SOURCE>"),
        "{run:#?}"
    );
}

/// ctrl-c (SIGINT) stops the listener cleanly: exit 0 and its closing line.
#[cfg(unix)]
#[test]
fn listen_stops_on_sigint() {
    let listen = Listen::start(&["--scheme", "github", "--secret", "k"]);
    let status = std::process::Command::new("kill")
        .args(["-INT", &listen.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let (code, out, err) = listen.finish();
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(err, "hookctl: stopped after 0 requests\n");
}
