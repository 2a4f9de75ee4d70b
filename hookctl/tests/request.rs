//! Black-box tests of `verify --request` (raw HTTP/1.1 requests as `request` prints them, with
//! LF line ends, as `curl -v` shows them, chunked) and `verify --explain`; and of the bare
//! event names of `parse`, `match` and `request`.

mod common;

use common::{TempDir, fixture, hookctl, sample};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

/// The raw request `hookctl request` prints for the Standard Webhooks published vector.
fn printed_request() -> Vec<u8> {
    hookctl(&[
        "request",
        "--endpoint",
        &sample("endpoint-standard.json"),
        "--event",
        "order.success",
        "--id",
        ID,
        "--now",
        "1614265330",
        "--file",
        &sample("body-standard.json"),
    ])
    .code(0)
    .raw_stdout
}

fn verify_request(file: &str, secrets: &[&str], extra: &[&str]) -> common::Run {
    let mut args = vec!["verify", "--scheme", "standard"];
    for secret in secrets {
        args.extend(["--secret", secret]);
    }
    args.extend(["--request", file, "--now", "1614265400"]);
    args.extend_from_slice(extra);
    hookctl(&args)
}

#[test]
fn verify_request_reads_what_request_prints() {
    let dir = TempDir::new("request");
    let raw = printed_request();
    let file = dir.file("request.http", &raw);
    let run = verify_request(&file, &["whsec_dGVzdA==", SECRET], &[]).code(0);
    assert_eq!(run.stdout, "ok: secret #2 matched (timestamp 1614265330)\n");
    assert!(run.stderr.is_empty());

    // The same request with LF line ends (an editor, a `nc` capture on some systems).
    let text = String::from_utf8(raw.clone()).unwrap();
    let lf = dir.file("lf.http", text.replace("\r\n", "\n").as_bytes());
    verify_request(&lf, &[SECRET], &[]).code(0);

    // As `curl -v` shows it: `* ` lines, `> ` prefixes, then the body.
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let mut curl = String::from("* Connected to partner.example port 80\n");
    for line in head.split("\r\n") {
        curl.push_str(&format!("> {line}\n"));
    }
    curl.push_str(">\n");
    curl.push_str(body);
    let curl = dir.file("curl.http", curl.as_bytes());
    verify_request(&curl, &[SECRET], &[]).code(0);

    // Chunked transfer encoding.
    let head_without_length: Vec<&str> = head
        .split("\r\n")
        .filter(|l| !l.starts_with("content-length"))
        .collect();
    let chunked = format!(
        "{}\r\ntransfer-encoding: chunked\r\n\r\n6\r\n{}\r\ne\r\n{}\r\n0\r\n\r\n",
        head_without_length.join("\r\n"),
        &body[..6],
        &body[6..]
    );
    let chunked = dir.file("chunked.http", chunked.as_bytes());
    verify_request(&chunked, &[SECRET], &[]).code(0);
}

#[test]
fn verify_request_refuses_tampering_and_bad_files() {
    let dir = TempDir::new("tamper");
    let text = String::from_utf8(printed_request()).unwrap();
    let tampered = dir.file(
        "tampered.http",
        text.replace("2432232314", "2432232315").as_bytes(),
    );
    let run = verify_request(&tampered, &[SECRET], &[]).code(1);
    assert_eq!(run.stderr, "invalid: signature mismatch\n");
    assert!(run.stdout.is_empty());

    let short = dir.file(
        "short.http",
        text.replace("content-length: 20", "content-length: 99")
            .as_bytes(),
    );
    let run = verify_request(&short, &[SECRET], &[]).code(2);
    assert!(
        run.stderr.contains("shorter than its content-length 99"),
        "{run:#?}"
    );
    let run = verify_request("/nonexistent/request.http", &[SECRET], &[]).code(2);
    assert!(run.stderr.contains("cannot read"), "{run:#?}");
    let raw = dir.file("raw.http", text.as_bytes());
    let run = hookctl(&[
        "verify",
        "--scheme",
        "standard",
        "--secret",
        SECRET,
        "--request",
        &raw,
        "--header",
        "a: b",
    ])
    .code(2);
    assert!(run.stderr.contains("--request excludes"), "{run:#?}");
}

/// `--explain` on a mismatch: body length, final newline, signed content, what each secret
/// would send; never a secret.
#[test]
fn explain_shows_what_was_signed_and_never_a_secret() {
    let dir = TempDir::new("explain");
    let text = String::from_utf8(printed_request()).unwrap();
    // The classic mistake: the body gained a newline on the way.
    let newline = dir.file(
        "newline.http",
        text.replace("content-length: 20", "content-length: 21")
            .replace("2432232314}", "2432232314}\n")
            .as_bytes(),
    );
    let other = "whsec_dGVzdA==";
    let run = verify_request(&newline, &[other, SECRET], &["--explain"]).code(1);
    assert_eq!(run.stderr, "invalid: signature mismatch\n");
    let out = &run.stdout;
    assert!(
        out.starts_with("explain: scheme standard signs \"{id}.{ts}.{body}\"\n"),
        "{out}"
    );
    assert!(out.contains("body: 21 bytes, ends in a newline\n"), "{out}");
    assert!(
        out.contains("body bytes: \"{\\\"test\\\": 2432232314}\\n\"\n"),
        "{out}"
    );
    assert!(
        out.contains(&format!("received webhook-signature: {SIGNATURE}\n")),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "signed content: \"{ID}.1614265330.\" followed by the 21-byte body\n"
        )),
        "{out}"
    );
    let lines: Vec<&str> = out.lines().collect();
    let would: Vec<&str> = lines
        .iter()
        .filter(|l| l.starts_with("secret #"))
        .copied()
        .collect();
    assert_eq!(would.len(), 2, "{out}");
    assert!(would[0].starts_with("secret #1 would send webhook-signature: v1,"));
    assert!(would[1].starts_with("secret #2 would send webhook-signature: v1,"));
    // Secret #2 is right, but over the body with the newline: not what was received.
    assert_ne!(
        would[1],
        format!("secret #2 would send webhook-signature: {SIGNATURE}")
    );
    for secret in [
        other,
        SECRET,
        "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "dGVzdA==",
    ] {
        assert!(!out.contains(secret), "a secret is printed: {out}");
    }

    // Without the newline, secret #2 reproduces the received signature exactly: --explain
    // prints nothing for an authentic request.
    let raw = dir.file("raw.http", text.as_bytes());
    let run = verify_request(&raw, &[SECRET], &["--explain"]).code(0);
    assert_eq!(run.stdout, "ok: secret #1 matched (timestamp 1614265330)\n");
}

#[test]
fn explain_for_body_only_timestamped_and_token_schemes() {
    let dir = TempDir::new("explain-schemes");
    let body = dir.file("body.txt", b"Hello, World!");
    // GitHub: the body alone; the right secret reproduces the published vector.
    let run = hookctl(&[
        "verify",
        "--scheme",
        "github",
        "--secret",
        "It's a Secret to Everybody",
        "--header",
        "X-Hub-Signature-256: sha256=0000",
        "--file",
        &body,
        "--explain",
    ])
    .code(1);
    assert!(
        run.stdout
            .contains("body: 13 bytes, does not end in a newline\n")
    );
    assert!(
        run.stdout
            .contains("signed content: the 13-byte body, nothing else\n")
    );
    assert!(run.stdout.contains(
        "secret #1 would send x-hub-signature-256: \
         sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17\n"
    ));
    assert!(!run.stdout.contains("Secret to Everybody"), "{run:#?}");

    // Stripe: the timestamp prefix from the header.
    let run = hookctl(&[
        "verify",
        "--scheme",
        "stripe",
        "--secret",
        "whsec_test",
        "--header",
        "Stripe-Signature: t=1700000000,v1=00",
        "--now",
        "1700000000",
        "--file",
        &body,
        "--explain",
    ])
    .code(1);
    assert!(
        run.stdout
            .contains("signed content: \"1700000000.\" followed by the 13-byte body\n"),
        "{run:#?}"
    );
    assert!(
        run.stdout
            .contains("secret #1 would send stripe-signature: t=1700000000,v1=")
    );
    assert!(!run.stdout.contains("whsec_test"), "{run:#?}");

    // Linga: a token is a secret; nothing of it is printed.
    let run = hookctl(&[
        "verify",
        "--scheme",
        "linga",
        "--header-name",
        "X-Partner-Key",
        "--secret",
        "token-from-partner",
        "--header",
        "X-Partner-Key: token-guess",
        "--file",
        &body,
        "--explain",
    ])
    .code(1);
    assert_eq!(
        run.stderr,
        "invalid: token mismatch in header x-partner-key\n"
    );
    assert!(
        run.stdout.contains("tokens are secrets and are not shown"),
        "{run:#?}"
    );
    assert!(!run.stdout.contains("token-from-partner"), "{run:#?}");
}

/// One naming style: the bare type works for parse (vendor inferred or from --vendor), the
/// prefixed form for match and request.
#[test]
fn bare_and_prefixed_event_names() {
    let order = fixture("example-revel-order-finalized.json");
    let bare = hookctl(&["parse", "--event", "order.finalized", "--file", &order]).code(0);
    let prefixed = hookctl(&[
        "parse",
        "--event",
        "revel.order.finalized",
        "--file",
        &order,
    ])
    .code(0);
    let flagged = hookctl(&[
        "parse",
        "--event",
        "order.finalized",
        "--vendor",
        "revel",
        "--file",
        &order,
    ])
    .code(0);
    assert_eq!(bare.stdout, prefixed.stdout);
    assert_eq!(bare.stdout, flagged.stdout);

    let og = fixture("example-ordergroove-subscription.create.json");
    let a = hookctl(&["parse", "--event", "subscription.create", "--file", &og]).code(0);
    let b = hookctl(&["parse", "--event", "ordergroove", "--file", &og]).code(0);
    assert_eq!(a.stdout, b.stdout);
    // Any Ordergroove type, with --vendor.
    hookctl(&[
        "parse",
        "--event",
        "order.cancel",
        "--vendor",
        "ordergroove",
        "--file",
        &og,
    ])
    .code(0);
    let flow = fixture("example-flowretail-ORDER_DELIVERED.json");
    hookctl(&["parse", "--event", "order.delivered", "--file", &flow]).code(0);

    let run = hookctl(&["parse", "--event", "order.finalized", "--vendor", "mipos"]).code(2);
    assert!(run.stderr.contains("unknown event"), "{run:#?}");
    let run = hookctl(&["parse", "--event", "revel.ping", "--vendor", "mipos"]).code(2);
    assert!(run.stderr.contains("--vendor says mipos"), "{run:#?}");

    let run = hookctl(&[
        "match",
        "--filter",
        "order.finalized",
        "--event",
        "revel.order.finalized",
    ])
    .code(0);
    assert_eq!(
        run.stdout,
        "match: order.finalized passes order.finalized\n"
    );

    let prefixed = hookctl(&[
        "request",
        "--endpoint",
        &sample("endpoint-revel.json"),
        "--event",
        "revel.order.finalized",
        "--now",
        "1",
        "--id",
        "m1",
        "--file",
        &order,
    ])
    .code(0);
    let bare = hookctl(&[
        "request",
        "--endpoint",
        &sample("endpoint-revel.json"),
        "--event",
        "order.finalized",
        "--now",
        "1",
        "--id",
        "m1",
        "--file",
        &order,
    ])
    .code(0);
    assert_eq!(prefixed.raw_stdout, bare.raw_stdout);
    assert!(
        bare.stdout
            .contains("x-revel-event-type: order.finalized\r\n")
    );
}

#[test]
fn subcommand_help_lists_its_options() {
    let run = hookctl(&["parse", "--help"]).code(0);
    assert!(run.stdout.starts_with("hookctl: `parse`"), "{run:#?}");
    assert!(run.stdout.contains("--vendor <V>"), "{run:#?}");
    assert!(run.stdout.contains("order.finalized"), "{run:#?}");
    let run = hookctl(&["verify", "--help"]).code(0);
    assert!(run.stdout.contains("--request <FILE>"), "{run:#?}");
    assert!(run.stdout.contains("--explain"), "{run:#?}");
    let run = hookctl(&["help", "match"]).code(0);
    assert!(run.stdout.starts_with("hookctl: `match`"), "{run:#?}");
}
