//! Black-box tests of `hookctl`: they run the built binary and check its output and exit codes.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Path of the `hookctl` binary, built by cargo for this package's integration tests.
fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_hookctl"))
}

/// A directory under the system temp dir, unique to this test, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("hookctl-test-{}-{label}-{n}", std::process::id()));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    /// Writes `body` to a file in the directory and returns its path.
    fn file(&self, name: &str, body: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, body).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The outcome of one run: exit code, stdout and stderr as text.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            code: output
                .status
                .code()
                .expect("hookctl was killed by a signal"),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }
}

impl Run {
    fn success(self) -> Run {
        assert_eq!(self.code, 0, "expected success, got {self:#?}");
        self
    }

    fn invalid(self) -> Run {
        assert_eq!(self.code, 1, "expected exit 1 (invalid), got {self:#?}");
        assert!(self.stdout.is_empty(), "{self:#?}");
        assert!(self.stderr.starts_with("invalid: "), "{self:#?}");
        assert_eq!(self.stderr.lines().count(), 1, "{self:#?}");
        self
    }

    fn usage_error(self) -> Run {
        assert_eq!(self.code, 2, "expected exit 2 (usage error), got {self:#?}");
        assert!(self.stdout.is_empty(), "{self:#?}");
        assert!(!self.stderr.is_empty(), "{self:#?}");
        self
    }

    /// The header lines of `sign`'s output.
    fn lines(&self) -> Vec<String> {
        self.stdout.lines().map(str::to_owned).collect()
    }
}

/// Runs hookctl with `args` and no standard input.
fn hookctl<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    Command::new(binary())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
        .into()
}

/// Runs hookctl with `args`, writing `stdin` to its standard input.
fn hookctl_stdin<S: AsRef<std::ffi::OsStr>>(args: &[S], stdin: &[u8]) -> Run {
    let mut child = Command::new(binary())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin).unwrap();
    drop(pipe);
    child.wait_with_output().unwrap().into()
}

/// Owned argument list, so tests can build arguments from paths and outputs.
fn args<const N: usize>(fixed: [&str; N]) -> Vec<String> {
    fixed.into_iter().map(str::to_owned).collect()
}

/// `--header LINE` for each line of `sign`'s output.
fn header_args(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .flat_map(|line| ["--header".to_owned(), line.clone()])
        .collect()
}

const ALL_SCHEMES: [&str; 9] = [
    "revel",
    "mipos",
    "linga",
    "ordergroove",
    "standard",
    "stripe",
    "github",
    "shopify",
    "square",
];

const TIMESTAMPED: [&str; 3] = ["ordergroove", "standard", "stripe"];

/// Secret and scheme settings that work for `scheme` (shared by sign and verify).
fn scheme_args(scheme: &str) -> Vec<String> {
    let secret = match scheme {
        "standard" => "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "linga" => "token-from-partner",
        "stripe" => "whsec_test",
        _ => "the-shared-secret",
    };
    let mut args = args(["--scheme", scheme, "--secret", secret]);
    match scheme {
        "square" => args.extend(["--url".to_owned(), "https://example.com/square".to_owned()]),
        "linga" => args.extend(["--header-name".to_owned(), "X-Partner-Key".to_owned()]),
        _ => {}
    }
    args
}

const BODY: &[u8] = br#"{"id":"evt_1","amount":1250}"#;

#[test]
fn sign_then_verify_every_scheme_with_a_file() {
    let dir = TempDir::new("file");
    let body = dir.file("body.json", BODY);
    let body = body.to_str().unwrap();
    for scheme in ALL_SCHEMES {
        let mut sign = args(["sign"]);
        sign.extend(scheme_args(scheme));
        sign.extend(args(["--timestamp", "1700000000", "--file", body]));
        let signed = hookctl(&sign).success();
        assert!(!signed.lines().is_empty(), "{scheme}: {signed:#?}");
        assert!(signed.stderr.is_empty(), "{scheme}: {signed:#?}");

        let mut verify = args(["verify"]);
        verify.extend(scheme_args(scheme));
        verify.extend(header_args(&signed.lines()));
        verify.extend(args(["--now", "1700000060", "--file", body]));
        let verified = hookctl(&verify).success();
        if TIMESTAMPED.contains(&scheme) {
            assert_eq!(
                verified.stdout, "ok: secret #1 matched (timestamp 1700000000)\n",
                "{scheme}"
            );
        } else {
            assert_eq!(verified.stdout, "ok: secret #1 matched\n", "{scheme}");
        }

        // A changed body is refused by every scheme but Linga (a token, not a signature).
        let tampered = dir.file("tampered.json", br#"{"id":"evt_1","amount":9999}"#);
        let mut verify = args(["verify"]);
        verify.extend(scheme_args(scheme));
        verify.extend(header_args(&signed.lines()));
        verify.extend(args(["--now", "1700000060", "--file"]));
        verify.push(tampered.to_str().unwrap().to_owned());
        let run = hookctl(&verify);
        if scheme == "linga" {
            run.success();
        } else {
            assert_eq!(
                run.invalid().stderr,
                "invalid: signature mismatch\n",
                "{scheme}"
            );
        }
    }
}

#[test]
fn sign_then_verify_every_scheme_with_stdin() {
    for scheme in ALL_SCHEMES {
        let mut sign = args(["sign"]);
        sign.extend(scheme_args(scheme));
        sign.extend(args(["--timestamp", "1700000000"]));
        let signed = hookctl_stdin(&sign, BODY).success();

        let mut verify = args(["verify"]);
        verify.extend(scheme_args(scheme));
        verify.extend(header_args(&signed.lines()));
        verify.extend(args(["--now", "1700000000"]));
        let verified = hookctl_stdin(&verify, BODY).success();
        assert!(
            verified.stdout.starts_with("ok: secret #1 matched"),
            "{scheme}: {verified:#?}"
        );

        // `--file -` is standard input too.
        verify.extend(args(["--file", "-"]));
        hookctl_stdin(&verify, BODY).success();
    }
}

#[test]
fn timestamps_default_to_the_clock() {
    for scheme in TIMESTAMPED {
        let mut sign = args(["sign"]);
        sign.extend(scheme_args(scheme));
        let signed = hookctl_stdin(&sign, BODY).success();

        let mut verify = args(["verify"]);
        verify.extend(scheme_args(scheme));
        verify.extend(header_args(&signed.lines()));
        hookctl_stdin(&verify, BODY).success();
    }
}

#[test]
fn standard_id_defaults_to_msg_and_the_timestamp() {
    let mut sign = args(["sign"]);
    sign.extend(scheme_args("standard"));
    sign.extend(args(["--timestamp", "1614265330"]));
    let signed = hookctl_stdin(&sign, BODY).success();
    assert_eq!(signed.lines()[0], "webhook-id: msg_1614265330");
    assert_eq!(signed.lines()[1], "webhook-timestamp: 1614265330");
}

#[test]
fn standard_webhooks_published_vector() {
    let run = hookctl_stdin(
        &[
            "sign",
            "--scheme",
            "standard",
            "--secret",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "--id",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            "--timestamp",
            "1614265330",
        ],
        br#"{"test": 2432232314}"#,
    )
    .success();
    assert_eq!(
        run.stdout,
        "webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek\n\
         webhook-timestamp: 1614265330\n\
         webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=\n"
    );
}

#[test]
fn github_published_vector() {
    let dir = TempDir::new("github");
    let body = dir.file("body.txt", b"Hello, World!");
    let run = hookctl(&[
        "sign",
        "--scheme",
        "github",
        "--secret",
        "It's a Secret to Everybody",
        "--file",
        body.to_str().unwrap(),
    ])
    .success();
    assert_eq!(
        run.stdout,
        "x-hub-signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17\n"
    );
    assert!(run.stderr.is_empty());
}

#[test]
fn too_old_and_too_new_timestamps_are_refused() {
    let mut sign = args(["sign"]);
    sign.extend(scheme_args("stripe"));
    sign.extend(args(["--timestamp", "1700000000"]));
    let signed = hookctl_stdin(&sign, BODY).success();

    let verify = |extra: &[&str]| {
        let mut verify = args(["verify"]);
        verify.extend(scheme_args("stripe"));
        verify.extend(header_args(&signed.lines()));
        verify.extend(extra.iter().map(|arg| (*arg).to_owned()));
        hookctl_stdin(&verify, BODY)
    };

    let old = verify(&["--now", "1700000400", "--tolerance", "300"]).invalid();
    assert_eq!(
        old.stderr,
        "invalid: timestamp too old: 400 s before now, tolerance 300 s\n"
    );
    let future = verify(&["--now", "1699999000"]).invalid();
    assert_eq!(
        future.stderr,
        "invalid: timestamp in the future: 1000 s after now, tolerance 300 s\n"
    );
    // A wider window, or none at all, accepts it.
    verify(&["--now", "1700000400", "--tolerance", "600"]).success();
    verify(&["--now", "1", "--skip-timestamp-check"]).success();
}

#[test]
fn wrong_secret_is_a_signature_mismatch() {
    let dir = TempDir::new("wrong");
    let body = dir.file("body.json", BODY);
    let body = body.to_str().unwrap();
    let signed = hookctl(&[
        "sign", "--scheme", "revel", "--secret", "right", "--file", body,
    ])
    .success();
    let mut verify = args([
        "verify", "--scheme", "revel", "--secret", "wrong", "--file", body,
    ]);
    verify.extend(header_args(&signed.lines()));
    let run = hookctl(&verify).invalid();
    assert_eq!(run.stderr, "invalid: signature mismatch\n");
}

#[test]
fn missing_header_is_invalid() {
    let run = hookctl_stdin(&["verify", "--scheme", "github", "--secret", "k"], BODY).invalid();
    assert_eq!(run.stderr, "invalid: missing header x-hub-signature-256\n");
}

#[test]
fn second_secret_matching_is_reported() {
    let signed = hookctl_stdin(
        &["sign", "--scheme", "shopify", "--secret", "new-secret"],
        BODY,
    )
    .success();
    let mut verify = args([
        "verify",
        "--scheme",
        "shopify",
        "--secret",
        "old-secret",
        "--secret",
        "new-secret",
    ]);
    verify.extend(header_args(&signed.lines()));
    let run = hookctl_stdin(&verify, BODY).success();
    assert_eq!(run.stdout, "ok: secret #2 matched\n");
}

#[test]
fn list_schemes_sign_with_every_secret() {
    let signed = hookctl_stdin(
        &[
            "sign",
            "--scheme",
            "stripe",
            "--secret",
            "whsec_new",
            "--secret",
            "whsec_old",
            "--timestamp",
            "1700000000",
        ],
        BODY,
    )
    .success();
    let lines = signed.lines();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].matches(",v1=").count(), 2, "{lines:?}");
    // Each secret alone verifies it.
    for secret in ["whsec_old", "whsec_new"] {
        let mut verify = args(["verify", "--scheme", "stripe", "--secret", secret]);
        verify.extend(header_args(&lines));
        verify.extend(args(["--now", "1700000000"]));
        let run = hookctl_stdin(&verify, BODY).success();
        assert_eq!(run.stdout, "ok: secret #1 matched (timestamp 1700000000)\n");
    }
}

#[test]
fn invalid_utf8_body_round_trips() {
    let body: &[u8] = &[0xff, 0xfe, 0x00, 0x80, b'\n', 0xc3, 0x28];
    assert!(std::str::from_utf8(std::hint::black_box(body)).is_err());
    let dir = TempDir::new("binary");
    let file = dir.file("body.bin", body);
    let file = file.to_str().unwrap();
    for scheme in ALL_SCHEMES {
        let mut sign = args(["sign"]);
        sign.extend(scheme_args(scheme));
        sign.extend(args(["--timestamp", "1700000000", "--file", file]));
        let signed = hookctl(&sign).success();

        let mut verify = args(["verify"]);
        verify.extend(scheme_args(scheme));
        verify.extend(header_args(&signed.lines()));
        verify.extend(args(["--now", "1700000000"]));
        hookctl_stdin(&verify, body).success();
        if scheme != "linga" {
            // One byte changed is refused.
            hookctl_stdin(&verify, &[0xff, 0xfe, 0x00, 0x81, b'\n', 0xc3, 0x28]).invalid();
        }
    }
}

#[test]
fn mipos_accepts_base64_only_when_asked() {
    // HMAC-SHA256 of the body, in base64, as Shopify would send it.
    let shopify = hookctl_stdin(&["sign", "--scheme", "shopify", "--secret", "k"], BODY).success();
    let base64 = shopify.stdout.trim().split_once(": ").unwrap().1.to_owned();
    let header = format!("Signature-Webhook: {base64}");
    let verify = args([
        "verify", "--scheme", "mipos", "--secret", "k", "--header", &header,
    ]);
    let run = hookctl_stdin(&verify, BODY).invalid();
    assert!(run.stderr.contains("bad signature encoding"), "{run:#?}");
    let mut with_base64 = verify.clone();
    with_base64.push("--accept-base64".to_owned());
    hookctl_stdin(&with_base64, BODY).success();
}

#[test]
fn equals_form_and_header_case() {
    let signed = hookctl_stdin(
        &[
            "sign",
            "--scheme=github",
            "--secret=It's a Secret to Everybody",
        ],
        b"Hello, World!",
    )
    .success();
    let value = signed.stdout.trim().split_once(": ").unwrap().1.to_owned();
    let run = hookctl_stdin(
        &[
            "verify".to_owned(),
            "--scheme=GitHub".to_owned(),
            "--secret=It's a Secret to Everybody".to_owned(),
            format!("--header=X-Hub-Signature-256:{value}"),
        ],
        b"Hello, World!",
    )
    .success();
    assert_eq!(run.stdout, "ok: secret #1 matched\n");
}

#[test]
fn usage_errors_exit_2() {
    let dir = TempDir::new("usage");
    let missing = dir.0.join("does-not-exist.json");
    let missing = missing.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&[], "missing subcommand"),
        (&["frobnicate"], "unknown subcommand"),
        (
            &["sign", "--scheme", "paypal", "--secret", "k"],
            "unknown scheme",
        ),
        (
            &["verify", "--scheme", "paypal", "--secret", "k"],
            "unknown scheme",
        ),
        (&["sign", "--scheme", "revel"], "missing --secret"),
        (&["verify", "--scheme", "revel"], "missing --secret"),
        (&["verify", "--secret", "k"], "missing --scheme"),
        (
            &[
                "verify",
                "--scheme",
                "revel",
                "--secret",
                "k",
                "--header",
                "no colon here",
            ],
            "no colon",
        ),
        (
            &[
                "verify",
                "--scheme",
                "revel",
                "--secret",
                "k",
                "--header",
                ": empty name",
            ],
            "invalid header name",
        ),
        (
            &["verify", "--scheme", "revel", "--secret"],
            "missing value for --secret",
        ),
        (
            &["verify", "--scheme", "revel", "--secret", "--now", "5"],
            "missing value for --secret",
        ),
        (
            &[
                "verify", "--scheme", "stripe", "--secret", "k", "--now", "soon",
            ],
            "bad number for --now",
        ),
        (
            &[
                "verify",
                "--scheme",
                "stripe",
                "--secret",
                "k",
                "--tolerance",
                "-1",
            ],
            "bad number for --tolerance",
        ),
        (
            &[
                "sign",
                "--scheme",
                "stripe",
                "--secret",
                "k",
                "--timestamp",
                "1.5",
            ],
            "bad number for --timestamp",
        ),
        (
            &[
                "sign",
                "--scheme",
                "stripe",
                "--secret",
                "k",
                "--timestamp",
                "-5",
            ],
            "negative",
        ),
        (
            &[
                "sign", "--scheme", "revel", "--secret", "k", "--file", missing,
            ],
            "cannot read",
        ),
        (
            &["sign", "--scheme", "revel", "--secret", "k", "--frob"],
            "unknown option --frob",
        ),
        (
            &[
                "sign", "--scheme", "revel", "--secret", "k", "--header", "a: b",
            ],
            "unknown option --header",
        ),
        (
            &["sign", "--scheme", "revel", "--scheme", "github"],
            "more than once",
        ),
        (
            &["sign", "--scheme", "revel", "--secret", ""],
            "--secret #1 is invalid",
        ),
        (
            &["sign", "--scheme", "standard", "--secret", "whsec_!!"],
            "base64",
        ),
        (&["sign", "--scheme", "square", "--secret", "k"], "--url"),
        (
            &["verify", "--scheme", "linga", "--secret", "k"],
            "--header-name",
        ),
        (
            &[
                "sign",
                "--scheme",
                "standard",
                "--secret",
                "whsec_dGVzdA==",
                "--id",
                "a.b",
            ],
            "invalid message id",
        ),
        (
            &[
                "verify",
                "--scheme",
                "stripe",
                "--secret",
                "k",
                "--tolerance",
                "5",
                "--skip-timestamp-check",
            ],
            "exclude each other",
        ),
        (&["schemes", "extra"], "unexpected argument"),
    ];
    for (args, expected) in cases {
        let run = hookctl(args).usage_error();
        assert!(
            run.stderr.contains(expected),
            "{args:?}: expected {expected:?} in {run:#?}"
        );
    }
}

#[test]
fn help_prints_usage() {
    for args in [
        &["--help"][..],
        &["-h"],
        &["help"],
        &["sign", "--help"],
        &["verify", "-h"],
    ] {
        let run = hookctl(args).success();
        assert!(run.stdout.starts_with("hookctl:"), "{args:?}: {run:#?}");
        assert!(run.stdout.contains("usage:"), "{args:?}");
        assert!(run.stdout.contains("--skip-timestamp-check"), "{args:?}");
        assert!(run.stdout.contains("--accept-base64"), "{args:?}");
        assert!(run.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn schemes_lists_all_nine() {
    let run = hookctl(&["schemes"]).success();
    let lines = run.lines();
    assert_eq!(lines.len(), ALL_SCHEMES.len(), "{run:#?}");
    for (line, name) in lines.iter().zip(ALL_SCHEMES) {
        assert_eq!(line.split_whitespace().next(), Some(name), "{line}");
        assert!(line.contains("key: "), "{line}");
        assert!(line.contains("signs: "), "{line}");
    }
    assert!(lines[0].contains("x-revel-signature"));
    assert!(lines[4].contains("webhook-id, webhook-timestamp, webhook-signature"));
    assert!(lines[4].contains("base64"));
}

/// `parse`: every event re-serializes its fixture to the same JSON value.
#[test]
fn parse_every_event() {
    let cases: [(&str, &[u8]); 12] = [
        (
            "revel.order.finalized",
            include_bytes!("../../tests/fixtures/example-revel-order-finalized.json"),
        ),
        (
            "revel.customer.created",
            include_bytes!("../../tests/fixtures/example-revel-customer-created.json"),
        ),
        (
            "revel.customer.updated",
            include_bytes!("../../tests/fixtures/example-revel-customer-created.json"),
        ),
        (
            "revel.rewardcard.created",
            include_bytes!("../../tests/fixtures/example-revel-rewardcard-created.json"),
        ),
        (
            "revel.inout.stock",
            include_bytes!("../../tests/fixtures/example-revel-inout-stock.json"),
        ),
        (
            "revel.menu.updated",
            include_bytes!("../../tests/fixtures/example-revel-menu-updated.json"),
        ),
        (
            "revel.ping",
            include_bytes!("../../tests/fixtures/example-revel-ping.json"),
        ),
        (
            "mipos.order",
            include_bytes!("../../tests/fixtures/example-mipos-order.json"),
        ),
        ("mipos.menu", br#"{"store_id": "3"}"#),
        (
            "ordergroove",
            include_bytes!("../../tests/fixtures/example-ordergroove-order.success.json"),
        ),
        (
            "flowretail",
            include_bytes!("../../tests/fixtures/example-flowretail-ORDER_SETTLED.json"),
        ),
        ("linga.order", br#"{"checkId": 7, "total": 12.5}"#),
    ];
    let dir = TempDir::new("parse");
    for (event, body) in cases {
        let file = dir.file("body.json", body);
        let run = hookctl(&["parse", "--event", event, "--file", file.to_str().unwrap()]).success();
        let printed: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let original: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(printed, original, "{event}");
        let run = hookctl_stdin(&["parse", "--event", event], body).success();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap(),
            original
        );
    }
}

#[test]
fn parse_errors() {
    let run = hookctl_stdin(
        &["parse", "--event", "revel.order.finalized"],
        br#"{"items": [{"price": true}]}"#,
    );
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.starts_with("invalid payload: items[0].price: "),
        "{run:#?}"
    );
    assert_eq!(run.stderr.lines().count(), 1);
    let run = hookctl_stdin(&["parse", "--event", "mipos.order"], b"\xff\xfe");
    assert_eq!(run.code, 1, "{run:#?}");
    // Usage errors are found before standard input is read.
    hookctl(&["parse", "--event", "nope"]).usage_error();
    hookctl(&["parse"]).usage_error();
    hookctl(&["parse", "--event", "revel.ping", "--scheme", "revel"]).usage_error();
}

#[test]
fn match_exit_codes() {
    hookctl(&[
        "match",
        "--filter",
        "subscription.*|order.success",
        "--event",
        "order.success",
    ])
    .success();
    let run = hookctl(&[
        "match",
        "--filter",
        "subscription.*|order.success",
        "--event",
        "order.cancel",
    ]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.stderr.starts_with("no match"), "{run:#?}");
    hookctl(&["match", "--filter", "*", "--event", "anything.at_all"]).success();
    hookctl(&[
        "match",
        "--filter",
        "order",
        "--store",
        "3",
        "--event",
        "order",
        "--event-store",
        "3",
    ])
    .success();
    let run = hookctl(&[
        "match",
        "--filter",
        "order",
        "--store",
        "3",
        "--event",
        "order",
        "--event-store",
        "4",
    ]);
    assert_eq!(run.code, 1, "{run:#?}");
    let run = hookctl(&[
        "match", "--filter", "order", "--store", "3", "--event", "order",
    ]);
    assert_eq!(
        run.code, 1,
        "an event without a store does not pass a store scope: {run:#?}"
    );
    for bad in ["order.", "**", "", "a||b"] {
        let run = hookctl(&["match", "--filter", bad, "--event", "order"]).usage_error();
        assert!(run.stderr.contains("bad pattern"), "{bad:?}: {run:#?}");
    }
    hookctl(&["match", "--event", "order"]).usage_error();
}

#[test]
fn request_prints_the_http_request() {
    let dir = TempDir::new("request");
    let endpoint = dir.file(
        "endpoint.json",
        br#"{"url": "https://partner.example/hooks?v=1",
             "auth": {"type": "signature", "scheme": "standard",
                      "secrets": ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]},
             "filter": {"pattern": "order.*"}}"#,
    );
    let body = dir.file("body.json", br#"{"test": 2432232314}"#);
    let run = hookctl(&[
        "request",
        "--endpoint",
        endpoint.to_str().unwrap(),
        "--event",
        "order.success",
        "--id",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "--now",
        "1614265330",
        "--file",
        body.to_str().unwrap(),
    ])
    .success();
    let (head, body_out) = run.stdout.split_once("\r\n\r\n").unwrap();
    assert_eq!(body_out, r#"{"test": 2432232314}"#);
    let lines: Vec<&str> = head.split("\r\n").collect();
    assert_eq!(lines[0], "POST /hooks?v=1 HTTP/1.1");
    assert!(lines.contains(&"host: partner.example"));
    assert!(lines.contains(&"content-type: application/json"));
    assert!(lines.contains(&"webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
    assert!(lines.contains(&"content-length: 20"));

    // The filter drops it: exit 1 with the reason.
    let run = hookctl(&[
        "request",
        "--endpoint",
        endpoint.to_str().unwrap(),
        "--event",
        "item.create",
        "--now",
        "1",
        "--file",
        body.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.stderr.contains("filtered out"), "{run:#?}");
    // A disabled endpoint drops everything.
    let disabled = dir.file(
        "disabled.json",
        br#"{"url": "https://partner.example/", "enabled": false, "auth": {"type": "none"}}"#,
    );
    let run = hookctl(&[
        "request",
        "--endpoint",
        disabled.to_str().unwrap(),
        "--event",
        "x",
        "--now",
        "1",
        "--file",
        body.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.stderr.contains("disabled"), "{run:#?}");
    // An invalid endpoint (header injection, plain http) is a usage error.
    let bad = dir.file(
        "bad.json",
        br#"{"url": "http://partner.example/", "auth": {"type": "none"}}"#,
    );
    hookctl(&[
        "request",
        "--endpoint",
        bad.to_str().unwrap(),
        "--event",
        "x",
        "--now",
        "1",
    ])
    .usage_error();
}
