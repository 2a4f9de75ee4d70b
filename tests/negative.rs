//! The negative table: every way a webhook can be wrong, for every scheme, with the exact
//! [`VerifyError`] each one must produce.
//!
//! Every row starts from a valid message made with [`Signer`], alters one thing, and verifies it
//! through all three inputs the crate takes (`&[(&str, &str)]` pairs, an `http::HeaderMap` with a
//! `Bytes` body, and an `http::Request<Bytes>`); the three must agree. Every error met on the way
//! is also checked not to print (in `Display` or `Debug`) any secret used in this file.
//!
//! Each `#[test]` is one table: the rows are `(scheme, alteration, expected)` and a failing table
//! lists every row that failed, not only the first.
//!
//! Errors carrying a `reason` are compared on their variant and header name; the reason text is
//! free wording (rows write [`ANY`] for it).

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Request};
use pos_webhooks::{
    ConfigError, Message, Scheme, SecretError, Signer, SignerBuilder, Verifier, VerifierBuilder,
    VerifyError,
};

// ---------------------------------------------------------------------------------------------
// Fixture: secrets, headers, the valid message.
// ---------------------------------------------------------------------------------------------

/// The signed timestamp of every valid message (and its decimal text, for string edits).
const TS: i64 = 1_700_000_000;
const TS_TEXT: &str = "1700000000";
/// The Standard Webhooks message id.
const ID: &str = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
const BODY: &[u8] = br#"{"event":"order.finalized","id":42,"total":"4.86"}"#;
const URL: &str = "https://partner.example/hooks/square";
/// Linga's header name as configured (mixed case on purpose; it is stored lowercase).
const LINGA_CONFIGURED: &str = "X-Linga-Token";
const DEFAULT_TOLERANCE: u64 = 300;

const REVEL: &str = "x-revel-signature";
const MIPOS: &str = "signature-webhook";
const LINGA: &str = "x-linga-token";
const ORDERGROOVE: &str = "ordergroove-signature";
const STD_ID: &str = "webhook-id";
const STD_TS: &str = "webhook-timestamp";
const STD_SIG: &str = "webhook-signature";
const STRIPE: &str = "stripe-signature";
const GITHUB: &str = "x-hub-signature-256";
const SHOPIFY: &str = "x-shopify-hmac-sha256";
const SQUARE: &str = "x-square-hmacsha256-signature";

/// The secret every valid message is signed with.
fn secret(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Revel => "revel-k3y-Q7w",
        Scheme::Mipos => "mipos-k3y-R8x",
        Scheme::Linga => "linga-t0ken-S9y",
        Scheme::Ordergroove => "og-k3y-T1z",
        Scheme::Standard => "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        Scheme::Stripe => "whsec_stripe-k3y-U2a",
        Scheme::Github => "gh-k3y-V3b",
        Scheme::Shopify => "shop-k3y-W4c",
        Scheme::Square => "sq-k3y-X5d",
        other => panic!("no fixture for {other}"),
    }
}

/// A valid secret of the same scheme that is not [`secret`].
fn wrong(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Standard => "whsec_d3Jvbmcta2V5LWJ5dGVzLWZvci1zdGFuZGFyZA==",
        Scheme::Linga => "linga-wr0ng-S9y",
        _ => "wr0ng-k3y-Z0q",
    }
}

/// A third valid secret, for rotation rows.
fn other(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Standard => "whsec_b3RoZXIta2V5LWJ5dGVzLWZvci1zdGFuZGFyZA==",
        Scheme::Linga => "linga-0ther-S9y",
        _ => "0ther-k3y-Y9p",
    }
}

/// Decoy secrets (valid for every scheme, base64 for Standard Webhooks).
const DECOYS: [&str; 5] = [
    "whsec_ZGVjb3ktMC1rZXktYnl0ZXMtZm9yLXN0ZA==",
    "whsec_ZGVjb3ktMS1rZXktYnl0ZXMtZm9yLXN0ZA==",
    "whsec_ZGVjb3ktMi1rZXktYnl0ZXMtZm9yLXN0ZA==",
    "whsec_ZGVjb3ktMy1rZXktYnl0ZXMtZm9yLXN0ZA==",
    "whsec_ZGVjb3ktNC1rZXktYnl0ZXMtZm9yLXN0ZA==",
];

/// Every secret text used in this file, and the base64 key part of the Standard ones: no error
/// may print any of them.
fn all_secret_texts() -> Vec<&'static str> {
    let mut texts: Vec<&'static str> = Scheme::ALL
        .into_iter()
        .flat_map(|scheme| [secret(scheme), wrong(scheme), other(scheme)])
        .chain(DECOYS)
        .chain(["!!not-base64!!", "a\r\nb"])
        .collect();
    let keys: Vec<&'static str> = texts
        .iter()
        .filter_map(|text| text.strip_prefix("whsec_"))
        .collect();
    texts.extend(keys);
    texts
}

/// The header that carries the signature (Linga: the token).
fn sig_header(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Revel => REVEL,
        Scheme::Mipos => MIPOS,
        Scheme::Linga => LINGA,
        Scheme::Ordergroove => ORDERGROOVE,
        Scheme::Standard => STD_SIG,
        Scheme::Stripe => STRIPE,
        Scheme::Github => GITHUB,
        Scheme::Shopify => SHOPIFY,
        Scheme::Square => SQUARE,
        other => panic!("no fixture for {other}"),
    }
}

/// What precedes the (single) signature inside its header value.
fn sig_prefix(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Github => "sha256=",
        Scheme::Stripe => ",v1=",
        Scheme::Ordergroove => ",sig=",
        Scheme::Standard => "v1,",
        _ => "",
    }
}

/// The settings Square and Linga need beyond secrets.
fn settings_v(scheme: Scheme, builder: VerifierBuilder) -> VerifierBuilder {
    match scheme {
        Scheme::Square => builder.notification_url(URL),
        Scheme::Linga => builder.header_name(LINGA_CONFIGURED),
        _ => builder,
    }
}

fn settings_s(scheme: Scheme, builder: SignerBuilder) -> SignerBuilder {
    match scheme {
        Scheme::Square => builder.notification_url(URL),
        Scheme::Linga => builder.header_name(LINGA_CONFIGURED),
        _ => builder,
    }
}

fn verifier_builder(scheme: Scheme, secrets: &[&str]) -> VerifierBuilder {
    let builder = secrets
        .iter()
        .fold(Verifier::builder(scheme), |builder, text| {
            builder.secret(text)
        });
    settings_v(scheme, builder)
}

fn verifier(scheme: Scheme, secrets: &[&str]) -> Verifier {
    verifier_builder(scheme, secrets).build().unwrap()
}

fn signer(scheme: Scheme, secrets: &[&str]) -> Signer {
    let builder = secrets
        .iter()
        .fold(Signer::builder(scheme), |builder, text| {
            builder.secret(text)
        });
    settings_s(scheme, builder).build().unwrap()
}

/// A message on the wire: header pairs as sent, and the body.
#[derive(Clone, Debug)]
struct Msg {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn signed_with(scheme: Scheme, secrets: &[&str], body: &[u8], ts: i64) -> Msg {
    let signed = signer(scheme, secrets)
        .sign(&Message::new(body).id(ID).timestamp(ts))
        .unwrap();
    Msg {
        headers: signed
            .headers()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect(),
        body: body.to_vec(),
    }
}

/// The valid message: [`BODY`] signed with [`secret`] at [`TS`].
fn valid(scheme: Scheme) -> Msg {
    signed_with(scheme, &[secret(scheme)], BODY, TS)
}

impl Msg {
    fn value(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
            .unwrap_or_else(|| panic!("no header {name} in {:?}", self.headers))
    }

    /// Replaces the value of header `name` with `edit(old value)`.
    fn map(mut self, name: &str, edit: impl FnOnce(&str) -> String) -> Msg {
        let slot = self
            .headers
            .iter_mut()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .unwrap_or_else(|| panic!("no header {name}"));
        slot.1 = edit(&slot.1);
        self
    }

    /// Replaces the signature inside its header with `edit(old signature)`.
    fn map_sig(self, scheme: Scheme, edit: impl FnOnce(&str) -> String) -> Msg {
        let prefix = sig_prefix(scheme);
        self.map(sig_header(scheme), |value| {
            let at = value.find(prefix).unwrap() + prefix.len();
            format!("{}{}", &value[..at], edit(&value[at..]))
        })
    }

    fn sig(&self, scheme: Scheme) -> String {
        let prefix = sig_prefix(scheme);
        let value = self.value(sig_header(scheme));
        value[value.find(prefix).unwrap() + prefix.len()..].to_owned()
    }

    fn remove(mut self, name: &str) -> Msg {
        let before = self.headers.len();
        self.headers
            .retain(|(key, _)| !key.eq_ignore_ascii_case(name));
        assert_eq!(self.headers.len() + 1, before, "no header {name} to remove");
        self
    }

    fn rename(mut self, from: &str, to: &str) -> Msg {
        let slot = self
            .headers
            .iter_mut()
            .find(|(key, _)| key.eq_ignore_ascii_case(from))
            .unwrap_or_else(|| panic!("no header {from}"));
        slot.0 = to.to_owned();
        self
    }

    fn add(mut self, name: &str, value: &str) -> Msg {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    fn rename_all(mut self, rename: impl Fn(&str) -> String) -> Msg {
        for (name, _) in &mut self.headers {
            *name = rename(name);
        }
        self
    }

    fn flip_bit(mut self, bit: usize) -> Msg {
        self.body[bit / 8] ^= 1 << (bit % 8);
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Running a row: the three inputs must agree; errors must not print secrets.
// ---------------------------------------------------------------------------------------------

/// `Ok(index of the secret that matched)` or the error.
type Outcome = Result<usize, VerifyError>;

/// Stands for "any reason" in an expected `MalformedHeader` / `BadSignatureEncoding`.
const ANY: &str = "<any reason>";

fn ok(index: usize) -> Outcome {
    Ok(index)
}
fn mismatch() -> Outcome {
    Err(VerifyError::SignatureMismatch)
}
fn missing(header: &'static str) -> Outcome {
    Err(VerifyError::MissingHeader(Cow::Borrowed(header)))
}
fn malformed(header: &'static str) -> Outcome {
    Err(VerifyError::MalformedHeader {
        header: Cow::Borrowed(header),
        reason: ANY,
    })
}
fn bad_encoding(header: &'static str) -> Outcome {
    Err(VerifyError::BadSignatureEncoding {
        header: Cow::Borrowed(header),
        reason: ANY,
    })
}
fn unsupported(header: &'static str) -> Outcome {
    Err(VerifyError::NoSupportedSignature {
        header: Cow::Borrowed(header),
    })
}
fn token_mismatch() -> Outcome {
    Err(VerifyError::TokenMismatch {
        header: Cow::Borrowed(LINGA),
    })
}
fn too_old(age_secs: u64, tolerance_secs: u64) -> Outcome {
    Err(VerifyError::TimestampTooOld {
        age_secs,
        tolerance_secs,
    })
}
fn in_future(ahead_secs: u64, tolerance_secs: u64) -> Outcome {
    Err(VerifyError::TimestampInFuture {
        ahead_secs,
        tolerance_secs,
    })
}

/// Equality, except that an expected reason of [`ANY`] matches any reason.
fn agrees(actual: &Outcome, expected: &Outcome) -> bool {
    use VerifyError::{BadSignatureEncoding, MalformedHeader};
    match (actual, expected) {
        (
            Err(MalformedHeader { header, .. }),
            Err(MalformedHeader {
                header: want,
                reason: ANY,
            }),
        )
        | (
            Err(BadSignatureEncoding { header, .. }),
            Err(BadSignatureEncoding {
                header: want,
                reason: ANY,
            }),
        ) => header == want,
        _ => actual == expected,
    }
}

fn assert_no_secret(shown: &str) {
    for text in all_secret_texts() {
        assert!(
            !shown.contains(text),
            "an error shows the secret {text:?}: {shown}"
        );
    }
}

fn header_map(headers: &[(String, String)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    map
}

/// Verifies `msg` at `now` through pairs, `HeaderMap` + `Bytes`, and `Request<Bytes>`.
fn run(verifier: &Verifier, msg: &Msg, now: i64) -> Outcome {
    let pairs: Vec<(&str, &str)> = msg
        .headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let from_pairs = verifier.verify_parts(pairs.as_slice(), &msg.body, now);

    let map = header_map(&msg.headers);
    let body = Bytes::from(msg.body.clone());
    let from_map = verifier.verify(&map, body.clone(), now);
    let mut request = Request::new(body.clone());
    *request.headers_mut() = map;
    let from_request = verifier.verify_request(&request, now);

    match (&from_pairs, &from_map, &from_request) {
        (Ok(a), Ok(b), Ok(c)) => {
            assert_eq!(*a, b.verification(), "pairs and HeaderMap disagree");
            assert_eq!(*a, c.verification(), "pairs and Request disagree");
            assert_eq!(b.body(), &body, "the verified body is not the body");
            assert_eq!(
                a.timestamp().is_some(),
                verifier.scheme().is_timestamped(),
                "timestamp presence"
            );
        }
        (Err(a), Err(b), Err(c)) => {
            assert_eq!(a, b, "pairs and HeaderMap disagree");
            assert_eq!(a, c, "pairs and Request disagree");
            assert_no_secret(&a.to_string());
            assert_no_secret(&format!("{a:?}"));
        }
        _ => panic!(
            "inputs disagree: pairs {from_pairs:?}, map {from_map:?}, request {from_request:?}"
        ),
    }
    from_pairs.map(|verification| verification.secret_index())
}

/// Collects the failing rows of one table and reports them all at the end.
struct Table {
    name: &'static str,
    rows: usize,
    failures: Vec<String>,
}

impl Table {
    fn new(name: &'static str) -> Table {
        Table {
            name,
            rows: 0,
            failures: Vec::new(),
        }
    }

    fn row(&mut self, scheme: Scheme, what: &str, actual: Outcome, expected: Outcome) {
        self.rows += 1;
        if !agrees(&actual, &expected) {
            self.failures.push(format!(
                "  {:<12} {what:<40} got {actual:?}, expected {expected:?}",
                scheme.name()
            ));
        }
    }

    /// Asserts the rows cover every scheme.
    fn every_scheme<T>(&self, rows: &[(Scheme, T)]) {
        for scheme in Scheme::ALL {
            assert!(
                rows.iter().any(|(row, _)| *row == scheme),
                "table {} has no row for {scheme}",
                self.name
            );
        }
    }
}

impl Drop for Table {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            assert!(self.rows > 0, "table {} has no rows", self.name);
            assert!(
                self.failures.is_empty(),
                "{} of {} rows of table '{}' failed:\n{}",
                self.failures.len(),
                self.rows,
                self.name,
                self.failures.join("\n")
            );
        }
    }
}

/// `[(Scheme::X, expected), ...]`, one row a line.
macro_rules! per_scheme {
    ($($scheme:ident => $expected:expr),* $(,)?) => {
        [$((Scheme::$scheme, $expected)),*]
    };
}

// ---------------------------------------------------------------------------------------------
// The tables.
// ---------------------------------------------------------------------------------------------

#[test]
fn valid_messages_verify() {
    let mut table = Table::new("valid message");
    let rows = per_scheme![
        Revel => ok(0), Mipos => ok(0), Linga => ok(0), Ordergroove => ok(0), Standard => ok(0),
        Stripe => ok(0), Github => ok(0), Shopify => ok(0), Square => ok(0),
    ];
    table.every_scheme(&rows);
    for (scheme, expected) in rows {
        let v = verifier(scheme, &[secret(scheme)]);
        table.row(scheme, "as signed", run(&v, &valid(scheme), TS), expected);
    }
}

#[test]
fn wrong_secret() {
    let mut table = Table::new("wrong secret");
    let rows = per_scheme![
        Revel => mismatch(),
        Mipos => mismatch(),
        Linga => token_mismatch(),
        Ordergroove => mismatch(),
        Standard => mismatch(),
        Stripe => mismatch(),
        Github => mismatch(),
        Shopify => mismatch(),
        Square => mismatch(),
    ];
    table.every_scheme(&rows);
    for (scheme, expected) in rows {
        // Verified with a wrong secret, and signed with a wrong one.
        let v = verifier(scheme, &[wrong(scheme)]);
        table.row(
            scheme,
            "verifier has another secret",
            run(&v, &valid(scheme), TS),
            expected.clone(),
        );
        let v = verifier(scheme, &[secret(scheme)]);
        let msg = signed_with(scheme, &[wrong(scheme)], BODY, TS);
        table.row(
            scheme,
            "signer had another secret",
            run(&v, &msg, TS),
            expected,
        );
    }
}

/// Linga is a static token: it signs nothing, so a changed body is still accepted. That is the
/// scheme's documented weakness (use https), pinned here so it is never mistaken for a bug.
#[test]
fn flipped_body_bit() {
    let mut table = Table::new("one flipped bit in the body");
    let rows = per_scheme![
        Revel => mismatch(),
        Mipos => mismatch(),
        Linga => ok(0),
        Ordergroove => mismatch(),
        Standard => mismatch(),
        Stripe => mismatch(),
        Github => mismatch(),
        Shopify => mismatch(),
        Square => mismatch(),
    ];
    table.every_scheme(&rows);
    let last = BODY.len() * 8 - 1;
    for (scheme, expected) in rows {
        let v = verifier(scheme, &[secret(scheme)]);
        for bit in [0, 1, 7, 8, 13, last / 2, last - 8, last] {
            let msg = valid(scheme).flip_bit(bit);
            table.row(
                scheme,
                &format!("bit {bit}"),
                run(&v, &msg, TS),
                expected.clone(),
            );
        }
    }
}

#[test]
fn truncated_signature() {
    let mut table = Table::new("truncated signature");
    let rows = per_scheme![
        Revel => bad_encoding(REVEL),
        Mipos => bad_encoding(MIPOS),
        Linga => token_mismatch(),
        Ordergroove => bad_encoding(ORDERGROOVE),
        Standard => bad_encoding(STD_SIG),
        Stripe => bad_encoding(STRIPE),
        Github => bad_encoding(GITHUB),
        Shopify => bad_encoding(SHOPIFY),
        Square => bad_encoding(SQUARE),
    ];
    table.every_scheme(&rows);
    for (scheme, expected) in rows {
        let v = verifier(scheme, &[secret(scheme)]);
        let len = valid(scheme).sig(scheme).len();
        for keep in [len - 1, len - 2, len - 4, len / 2, 1, 0] {
            let msg = valid(scheme).map_sig(scheme, |sig| sig[..keep].to_owned());
            let what = format!("first {keep} of {len} characters");
            table.row(scheme, &what, run(&v, &msg, TS), expected.clone());
        }
        // One character too many is not a truncation but fails the same way.
        let msg = valid(scheme).map_sig(scheme, |sig| format!("{sig}0"));
        table.row(
            scheme,
            "one character more",
            run(&v, &msg, TS),
            expected.clone(),
        );
    }
}

#[test]
fn non_hex_signature() {
    let mut table = Table::new("non-hex signature (hex schemes)");
    let rows = per_scheme![
        Revel => bad_encoding(REVEL),
        Mipos => bad_encoding(MIPOS),
        Ordergroove => bad_encoding(ORDERGROOVE),
        Stripe => bad_encoding(STRIPE),
        Github => bad_encoding(GITHUB),
    ];
    for (scheme, expected) in rows {
        let v = verifier(scheme, &[secret(scheme)]);
        let len = valid(scheme).sig(scheme).len();
        for (at, bad) in [(0, 'g'), (len / 2, 'Z'), (len - 1, '-'), (3, ':'), (5, 'x')] {
            let msg = valid(scheme).map_sig(scheme, |sig| {
                sig.chars()
                    .enumerate()
                    .map(|(i, c)| if i == at { bad } else { c })
                    .collect()
            });
            table.row(
                scheme,
                &format!("{bad:?} at {at}"),
                run(&v, &msg, TS),
                expected.clone(),
            );
        }
        // Hex digits are read case-insensitively: the same MAC in uppercase is accepted.
        let msg = valid(scheme).map_sig(scheme, str::to_uppercase);
        table.row(scheme, "uppercase hex (accepted)", run(&v, &msg, TS), ok(0));
    }
}

#[test]
fn non_base64_signature() {
    let mut table = Table::new("non-base64 signature (base64 schemes)");
    let rows = per_scheme![
        Standard => bad_encoding(STD_SIG),
        Shopify => bad_encoding(SHOPIFY),
        Square => bad_encoding(SQUARE),
    ];
    for (scheme, expected) in rows {
        let v = verifier(scheme, &[secret(scheme)]);
        let len = valid(scheme).sig(scheme).len();
        // '-' and '_' are the URL-safe alphabet, not the standard one.
        for (at, bad) in [(0, '!'), (len / 2, '*'), (1, '-'), (2, '_'), (len - 1, 'A')] {
            let msg = valid(scheme).map_sig(scheme, |sig| {
                sig.chars()
                    .enumerate()
                    .map(|(i, c)| if i == at { bad } else { c })
                    .collect()
            });
            table.row(
                scheme,
                &format!("{bad:?} at {at}"),
                run(&v, &msg, TS),
                expected.clone(),
            );
        }
        // The padding is required.
        let msg = valid(scheme).map_sig(scheme, |sig| sig.trim_end_matches('=').to_owned());
        table.row(
            scheme,
            "padding removed",
            run(&v, &msg, TS),
            expected.clone(),
        );
        // Hex is not base64 of the right length.
        let hex = hex::encode(BASE64.decode(valid(scheme).sig(scheme)).unwrap());
        let msg = valid(scheme).map_sig(scheme, |_| hex.clone());
        table.row(scheme, "the MAC in hex", run(&v, &msg, TS), expected);
    }
}

#[test]
fn missing_header() {
    let mut table = Table::new("missing header");
    let rows: [(Scheme, &str); 11] = [
        (Scheme::Revel, REVEL),
        (Scheme::Mipos, MIPOS),
        (Scheme::Linga, LINGA),
        (Scheme::Ordergroove, ORDERGROOVE),
        (Scheme::Standard, STD_ID),
        (Scheme::Standard, STD_TS),
        (Scheme::Standard, STD_SIG),
        (Scheme::Stripe, STRIPE),
        (Scheme::Github, GITHUB),
        (Scheme::Shopify, SHOPIFY),
        (Scheme::Square, SQUARE),
    ];
    table.every_scheme(&rows);
    for (scheme, header) in rows {
        let v = verifier(scheme, &[secret(scheme)]);
        let msg = valid(scheme).remove(header);
        table.row(scheme, header, run(&v, &msg, TS), missing(header));
    }
    // No header at all: the first one looked for is reported.
    let rows = per_scheme![
        Revel => missing(REVEL),
        Mipos => missing(MIPOS),
        Linga => missing(LINGA),
        Ordergroove => missing(ORDERGROOVE),
        Standard => missing(STD_ID),
        Stripe => missing(STRIPE),
        Github => missing(GITHUB),
        Shopify => missing(SHOPIFY),
        Square => missing(SQUARE),
    ];
    for (scheme, expected) in rows {
        let v = verifier(scheme, &[secret(scheme)]);
        let msg = Msg {
            headers: vec![("content-type".into(), "application/json".into())],
            body: BODY.to_vec(),
        };
        table.row(scheme, "no header at all", run(&v, &msg, TS), expected);
    }
    // Another scheme's headers are not this scheme's.
    let v = verifier(Scheme::Mipos, &[secret(Scheme::Mipos)]);
    let msg = valid(Scheme::Github);
    table.row(
        Scheme::Mipos,
        "github's header",
        run(&v, &msg, TS),
        missing(MIPOS),
    );
}

/// `scheme header "what": |value| new value => expected;` rows, one a line: each edits one
/// header's value of the valid message, verified at [`TS`].
macro_rules! edits {
    ($($scheme:ident $header:ident $what:literal : |$v:ident| $edit:expr => $expected:expr;)*) => {
        vec![$((
            Scheme::$scheme,
            $header,
            $what,
            (|$v: &str| -> String { $edit }) as Edit,
            $expected,
        )),*]
    };
}

/// A change to one header value: old value in, new value out.
type Edit = fn(&str) -> String;

type EditRow = (Scheme, &'static str, &'static str, Edit, Outcome);

fn run_edits(name: &'static str, rows: Vec<EditRow>) {
    let mut table = Table::new(name);
    for (scheme, header, what, edit, expected) in rows {
        let v = verifier(scheme, &[secret(scheme)]);
        let msg = valid(scheme).map(header, edit);
        table.row(scheme, what, run(&v, &msg, TS), expected);
    }
}

#[test]
fn github_prefix() {
    run_edits(
        "github sha256= prefix",
        edits![
            Github GITHUB "prefix removed":     |v| v.replace("sha256=", "")      => malformed(GITHUB);
            Github GITHUB "sha1= instead":      |v| v.replace("sha256=", "sha1=") => malformed(GITHUB);
            Github GITHUB "sha256: instead":    |v| v.replace("sha256=", "sha256:") => malformed(GITHUB);
            Github GITHUB "prefix only":        |_v| "sha256=".into()              => bad_encoding(GITHUB);
            Github GITHUB "prefix twice":       |v| format!("sha256={v}")          => bad_encoding(GITHUB);
            Github GITHUB "surrounding spaces": |v| format!("  {v} ")              => ok(0);
        ],
    );
}

#[test]
fn only_unsupported_versions() {
    run_edits(
        "only unsupported signature versions",
        edits![
            Stripe STRIPE "v0= only":             |v| v.replace("v1=", "v0=")                  => unsupported(STRIPE);
            Stripe STRIPE "v0= and v2=":          |v| format!("{},v2=ab", v.replace("v1=", "v0=")) => unsupported(STRIPE);
            Stripe STRIPE "t= only":              |_v| format!("t={TS_TEXT}")                  => unsupported(STRIPE);
            Stripe STRIPE "V1= (case matters)":   |v| v.replace("v1=", "V1=")                  => unsupported(STRIPE);
            Stripe STRIPE "v0= first, then v1=":  |v| v.replace(",v1=", ",v0=00,v1=")          => ok(0);
            Standard STD_SIG "v1a, only":         |v| v.replace("v1,", "v1a,")                 => unsupported(STD_SIG);
            Standard STD_SIG "v2, and v1a,":      |v| format!("{} v2,abc", v.replace("v1,", "v1a,")) => unsupported(STD_SIG);
            Standard STD_SIG "v1a, first, then v1,": |v| format!("v1a,abc {v}")                => ok(0);
            Ordergroove ORDERGROOVE "ts= only":   |_v| format!("ts={TS_TEXT}")                 => unsupported(ORDERGROOVE);
            Ordergroove ORDERGROOVE "signature= instead of sig=": |v| v.replace("sig=", "signature=") => unsupported(ORDERGROOVE);
        ],
    );
}

#[test]
fn malformed_headers() {
    run_edits(
        "malformed headers",
        edits![
            Stripe STRIPE "no t=":                    |v| v.replace(&format!("t={TS_TEXT},"), "") => malformed(STRIPE);
            Stripe STRIPE "non-numeric t=":           |v| v.replace(TS_TEXT, "17000000O0")   => malformed(STRIPE);
            Stripe STRIPE "negative t=":              |v| v.replace(TS_TEXT, "-1700000000")  => malformed(STRIPE);
            Stripe STRIPE "t=+ sign":                 |v| v.replace(TS_TEXT, "+1700000000")  => malformed(STRIPE);
            Stripe STRIPE "fractional t=":            |v| v.replace(TS_TEXT, "1700000000.5") => malformed(STRIPE);
            Stripe STRIPE "empty t=":                 |v| v.replace(TS_TEXT, "")             => malformed(STRIPE);
            Stripe STRIPE "t= beyond i64":            |v| v.replace(TS_TEXT, "99999999999999999999") => malformed(STRIPE);
            Stripe STRIPE "duplicate t=":             |v| format!("t={TS_TEXT},{v}")         => malformed(STRIPE);
            Stripe STRIPE "duplicate t=, different":  |v| format!("{v},t=1")                 => malformed(STRIPE);
            Stripe STRIPE "item without '='":         |v| format!("{v},v1")                  => malformed(STRIPE);
            Stripe STRIPE "empty value":              |_v| String::new()                     => malformed(STRIPE);
            Stripe STRIPE "spaces around items (ok)": |v| v.replace(',', " , ")              => ok(0);
            Ordergroove ORDERGROOVE "no ts=":            |v| v.replace(&format!("ts={TS_TEXT},"), "") => malformed(ORDERGROOVE);
            Ordergroove ORDERGROOVE "non-numeric ts=":   |v| v.replace(TS_TEXT, "abc")         => malformed(ORDERGROOVE);
            Ordergroove ORDERGROOVE "negative ts=":      |v| v.replace(TS_TEXT, "-1700000000") => malformed(ORDERGROOVE);
            Ordergroove ORDERGROOVE "duplicate ts=":     |v| format!("ts={TS_TEXT},{v}")       => malformed(ORDERGROOVE);
            Ordergroove ORDERGROOVE "item without '='":  |v| format!("{v},sig")                => malformed(ORDERGROOVE);
            Ordergroove ORDERGROOVE "t= instead of ts=": |v| v.replace("ts=", "t=")            => malformed(ORDERGROOVE);
            Standard STD_TS "non-numeric timestamp":     |_v| "abc".into()                     => malformed(STD_TS);
            Standard STD_TS "negative timestamp":        |_v| "-1700000000".into()             => malformed(STD_TS);
            Standard STD_TS "empty timestamp":           |_v| String::new()                    => malformed(STD_TS);
            Standard STD_TS "beyond i64":                |_v| "99999999999999999999".into()    => malformed(STD_TS);
            Standard STD_SIG "no version prefix":        |v| v.replace("v1,", "")              => malformed(STD_SIG);
            Standard STD_SIG "empty signature header":   |_v| String::new()                    => malformed(STD_SIG);
            Standard STD_SIG "second entry unversioned (skipped)": |v| format!("{v} abc")      => ok(0);
            Standard STD_SIG "only entry unversioned":   |v| v.replace("v1,", "v1") => malformed(STD_SIG);
        ],
    );
}

/// Timestamped schemes: the replay window, both directions, its boundaries and settings.
#[test]
fn timestamp_window() {
    #[derive(Clone, Copy, Debug)]
    enum Window {
        Default,
        Secs(u64),
        Skip,
    }
    let t = DEFAULT_TOLERANCE;
    let far = 1_000_000_000;
    let rows: Vec<(Window, i64, Outcome)> = vec![
        // (tolerance, now, expected)
        (Window::Default, TS, ok(0)),
        (Window::Default, TS + 301, too_old(t + 1, t)),
        (Window::Default, TS - 301, in_future(t + 1, t)),
        (Window::Default, TS + 300, ok(0)),
        (Window::Default, TS - 300, ok(0)),
        (Window::Default, TS + far, too_old(far as u64, t)),
        (Window::Default, 0, in_future(TS as u64, t)),
        (
            Window::Default,
            i64::MAX,
            too_old((i64::MAX - TS) as u64, t),
        ),
        (
            Window::Default,
            i64::MIN,
            in_future(TS as u64 + (1 << 63), t),
        ),
        (Window::Secs(10), TS + 11, too_old(11, 10)),
        (Window::Secs(10), TS - 11, in_future(11, 10)),
        (Window::Secs(10), TS + 10, ok(0)),
        (Window::Secs(10), TS - 10, ok(0)),
        (Window::Secs(3600), TS + 3601, too_old(3601, 3600)),
        (Window::Secs(3600), TS - 3600, ok(0)),
        (Window::Secs(0), TS, ok(0)),
        (Window::Secs(0), TS + 1, too_old(1, 0)),
        (Window::Secs(0), TS - 1, in_future(1, 0)),
        (Window::Secs(u64::MAX), i64::MAX, ok(0)),
        (Window::Secs(u64::MAX), i64::MIN, ok(0)),
        (Window::Skip, TS + far, ok(0)),
        (Window::Skip, 0, ok(0)),
        (Window::Skip, i64::MAX, ok(0)),
        (Window::Skip, i64::MIN, ok(0)),
    ];
    let mut table = Table::new("timestamp window");
    for scheme in [Scheme::Stripe, Scheme::Ordergroove, Scheme::Standard] {
        for (window, now, expected) in rows.clone() {
            let builder = verifier_builder(scheme, &[secret(scheme)]);
            let v = match window {
                Window::Default => builder,
                Window::Secs(secs) => builder.tolerance_secs(secs),
                Window::Skip => builder.danger_skip_timestamp_check(),
            }
            .build()
            .unwrap();
            let what = format!(
                "{window:?}, now = ts {:+}",
                i128::from(now) - i128::from(TS)
            );
            table.row(scheme, &what, run(&v, &valid(scheme), now), expected);
        }
        // The signed timestamp is reported.
        let v = verifier(scheme, &[secret(scheme)]);
        let msg = valid(scheme);
        let pairs: Vec<(&str, &str)> = msg
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let verification = v.verify_parts(pairs.as_slice(), BODY, TS).unwrap();
        assert_eq!(verification.timestamp(), Some(TS), "{scheme}");
        // Timestamp 0 is a valid timestamp.
        let msg = signed_with(scheme, &[secret(scheme)], BODY, 0);
        table.row(scheme, "ts = 0, now = 0", run(&v, &msg, 0), ok(0));
    }
    // Schemes without a timestamp ignore `now` entirely.
    for scheme in Scheme::ALL.into_iter().filter(|s| !s.is_timestamped()) {
        let v = verifier(scheme, &[secret(scheme)]);
        for now in [i64::MIN, -1, 0, i64::MAX] {
            table.row(
                scheme,
                &format!("untimed, now = {now}"),
                run(&v, &valid(scheme), now),
                ok(0),
            );
        }
    }
}

/// The MAC is checked before the timestamp, so a timestamp changed after signing is a
/// mismatch, wherever `now` is.
#[test]
fn timestamp_changed_after_signing() {
    let mut table = Table::new("timestamp changed after signing");
    let rows = per_scheme![Stripe => STRIPE, Ordergroove => ORDERGROOVE, Standard => STD_TS];
    for (scheme, header) in rows {
        let v = verifier(scheme, &[secret(scheme)]);
        for (changed, now) in [
            (TS + 1, TS + 1),
            (TS - 1, TS),
            (TS + 100_000, TS + 100_000),
            (TS + 100_000, TS),
            (0, TS),
            (TS * 10, TS),
        ] {
            let msg = valid(scheme).map(header, |v| v.replace(TS_TEXT, &changed.to_string()));
            let what = format!("ts -> {changed}, now {now}");
            table.row(scheme, &what, run(&v, &msg, now), mismatch());
        }
        // A leading zero is the same number but not the same signed text.
        let msg = valid(scheme).map(header, |v| v.replace(TS_TEXT, &format!("0{TS_TEXT}")));
        table.row(scheme, "leading zero added", run(&v, &msg, TS), mismatch());
    }
    // Standard Webhooks also signs the id.
    let v = verifier(Scheme::Standard, &[secret(Scheme::Standard)]);
    let msg = valid(Scheme::Standard).map(STD_ID, |id| format!("{id}x"));
    table.row(
        Scheme::Standard,
        "id changed",
        run(&v, &msg, TS),
        mismatch(),
    );
}

#[test]
fn rotation_and_several_signatures() {
    let mut table = Table::new("several signatures / rotation");
    // List schemes: the sender signed with two secrets, only the second is known.
    for scheme in [Scheme::Stripe, Scheme::Ordergroove, Scheme::Standard] {
        let msg = signed_with(scheme, &[wrong(scheme), secret(scheme)], BODY, TS);
        let v = verifier(scheme, &[secret(scheme)]);
        table.row(scheme, "second signature matches", run(&v, &msg, TS), ok(0));
        let v = verifier(scheme, &[other(scheme), secret(scheme)]);
        table.row(scheme, "second of both matches", run(&v, &msg, TS), ok(1));
        let v = verifier(scheme, &[other(scheme), DECOYS[0]]);
        table.row(scheme, "neither matches", run(&v, &msg, TS), mismatch());
        // More signatures than the verifier decodes up front; only the last matches.
        let mut secrets = DECOYS.to_vec();
        secrets.push(secret(scheme));
        let msg = signed_with(scheme, &secrets, BODY, TS);
        let v = verifier(scheme, &[secret(scheme)]);
        table.row(scheme, "sixth of six signatures", run(&v, &msg, TS), ok(0));
        let v = verifier(scheme, &[other(scheme), secret(scheme)]);
        table.row(
            scheme,
            "sixth of six, second secret",
            run(&v, &msg, TS),
            ok(1),
        );
        // The first signature is not even decodable: the second still counts.
        let msg = valid(scheme).map_sig(scheme, |sig| {
            let garbage = "zz";
            match scheme {
                Scheme::Stripe => format!("{garbage},v1={sig}"),
                Scheme::Ordergroove => format!("{garbage},sig={sig}"),
                _ => format!("{garbage} v1,{sig}"),
            }
        });
        let v = verifier(scheme, &[secret(scheme)]);
        table.row(scheme, "undecodable, then valid", run(&v, &msg, TS), ok(0));
    }
    // Every scheme: the verifier holds two secrets, the second signed.
    let rows = per_scheme![
        Revel => ok(1), Mipos => ok(1), Linga => ok(1), Ordergroove => ok(1), Standard => ok(1),
        Stripe => ok(1), Github => ok(1), Shopify => ok(1), Square => ok(1),
    ];
    table.every_scheme(&rows);
    for (scheme, expected) in rows {
        let v = verifier(scheme, &[other(scheme), secret(scheme)]);
        table.row(
            scheme,
            "verifier's second secret",
            run(&v, &valid(scheme), TS),
            expected,
        );
        let v = verifier(scheme, &[secret(scheme), other(scheme)]);
        table.row(
            scheme,
            "verifier's first secret",
            run(&v, &valid(scheme), TS),
            ok(0),
        );
    }
}

#[test]
fn invalid_secrets() {
    let rows = per_scheme![
        Revel => SecretError::Empty,
        Mipos => SecretError::Empty,
        Linga => SecretError::Empty,
        Ordergroove => SecretError::Empty,
        Standard => SecretError::Empty,
        Stripe => SecretError::Empty,
        Github => SecretError::Empty,
        Shopify => SecretError::Empty,
        Square => SecretError::Empty,
    ];
    let mut rows: Vec<(Scheme, &str, usize, SecretError)> = rows
        .into_iter()
        .flat_map(|(scheme, error)| {
            [
                (scheme, "", 0, error.clone()),
                (scheme, "", 1, error.clone()),
            ]
        })
        .collect();
    rows.extend([
        (Scheme::Standard, "whsec_", 0, SecretError::Empty),
        (
            Scheme::Standard,
            "whsec_!!not-base64!!",
            0,
            SecretError::NotBase64,
        ),
        (
            Scheme::Standard,
            "whsec_!!not-base64!!",
            1,
            SecretError::NotBase64,
        ),
        (
            Scheme::Standard,
            "!!not-base64!!",
            0,
            SecretError::NotBase64,
        ),
        (Scheme::Linga, "a\r\nb", 0, SecretError::InvalidToken),
    ]);
    let mut failures = Vec::new();
    for (scheme, text, index, source) in rows {
        // `index` valid secrets before the invalid one.
        let mut secrets = vec![secret(scheme); index];
        secrets.push(text);
        let expected = ConfigError::InvalidSecret {
            index,
            source: source.clone(),
        };
        let from_verifier = verifier_builder(scheme, &secrets).build().unwrap_err();
        let signer_builder = secrets
            .iter()
            .fold(Signer::builder(scheme), |builder, text| {
                builder.secret(text)
            });
        let from_signer = settings_s(scheme, signer_builder).build().unwrap_err();
        for (who, error) in [("verifier", from_verifier), ("signer", from_signer)] {
            if error != expected {
                failures.push(format!("{scheme} {who} {text:?} at {index}: {error:?}"));
            }
            assert_no_secret(&error.to_string());
            assert_no_secret(&format!("{error:?}"));
        }
        if index == 0 {
            // `Verifier::new` and `Signer::new` (the settings of Square / Linga come later).
            assert_eq!(
                Verifier::new(scheme, [text]).unwrap_err(),
                expected,
                "{scheme}"
            );
            assert_eq!(
                Signer::new(scheme, [text]).unwrap_err(),
                expected,
                "{scheme}"
            );
        }
    }
    assert!(failures.is_empty(), "failed rows:\n{}", failures.join("\n"));
}

#[test]
fn linga_token() {
    let mut table = Table::new("linga token");
    let s = Scheme::Linga;
    let v = verifier(s, &[secret(s)]);
    let rows: Vec<(&str, Edit, Outcome)> = vec![
        (
            "another token",
            |_| "linga-wr0ng-S9y".into(),
            token_mismatch(),
        ),
        ("uppercased token", str::to_uppercase, token_mismatch()),
        (
            "token prefix",
            |t| t[..t.len() - 1].into(),
            token_mismatch(),
        ),
        (
            "token plus a character",
            |t| format!("{t}x"),
            token_mismatch(),
        ),
        ("empty value", |_| String::new(), token_mismatch()),
        (
            "token with surrounding spaces",
            |t| format!(" {t}  "),
            ok(0),
        ),
    ];
    for (what, edit, expected) in rows {
        table.row(s, what, run(&v, &valid(s).map(LINGA, edit), TS), expected);
    }
    let msg = valid(s).rename(LINGA, "x-linga-tokens");
    table.row(
        s,
        "token under another header",
        run(&v, &msg, TS),
        missing(LINGA),
    );
    let v = verifier(s, &[other(s), secret(s)]);
    table.row(s, "second configured token", run(&v, &valid(s), TS), ok(1));
}

#[test]
fn svix_alias_headers() {
    let mut table = Table::new("svix-* aliases (standard)");
    let s = Scheme::Standard;
    let v = verifier(s, &[secret(s)]);
    let svix = |msg: Msg| msg.rename_all(|name| name.replace("webhook-", "svix-"));
    table.row(s, "all three svix-*", run(&v, &svix(valid(s)), TS), ok(0));
    let mixed = valid(s).rename(STD_TS, "svix-timestamp");
    table.row(s, "webhook-id, svix-timestamp", run(&v, &mixed, TS), ok(0));
    let upper = svix(valid(s)).rename_all(|name| name.to_uppercase());
    table.row(s, "SVIX-* uppercase", run(&v, &upper, TS), ok(0));
    let msg = svix(valid(s)).map("svix-timestamp", |_| "abc".into());
    table.row(
        s,
        "malformed svix-timestamp",
        run(&v, &msg, TS),
        malformed("svix-timestamp"),
    );
    let msg = svix(valid(s)).map("svix-signature", |v| v.replace("v1,", "v1a,"));
    table.row(
        s,
        "svix-signature v1a only",
        run(&v, &msg, TS),
        unsupported("svix-signature"),
    );
    let msg = svix(valid(s)).remove("svix-signature");
    table.row(
        s,
        "no signature header",
        run(&v, &msg, TS),
        missing(STD_SIG),
    );
    table.row(
        s,
        "svix, too old",
        run(&v, &svix(valid(s)), TS + 301),
        too_old(301, 300),
    );
    // webhook-* and svix-* that disagree are refused: never silently one of them (a bad
    // webhook-signature is not rescued by a good svix one, nor the other way round).
    let good = valid(s).sig(s);
    let msg = valid(s)
        .map(STD_SIG, |_| format!("v1,{}", BASE64.encode([0u8; 32])))
        .add("svix-signature", &format!("v1,{good}"));
    table.row(
        s,
        "bad webhook-, good svix-",
        run(&v, &msg, TS),
        malformed(STD_SIG),
    );
}

#[test]
fn header_names_are_case_insensitive() {
    let mut table = Table::new("header name case");
    let rows = per_scheme![
        Revel => ok(0), Mipos => ok(0), Linga => ok(0), Ordergroove => ok(0), Standard => ok(0),
        Stripe => ok(0), Github => ok(0), Shopify => ok(0), Square => ok(0),
    ];
    table.every_scheme(&rows);
    let title_case = |name: &str| {
        name.split('-')
            .map(|word| {
                let mut chars = word.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_ascii_uppercase().to_string() + chars.as_str()
                })
            })
            .collect::<Vec<_>>()
            .join("-")
    };
    for (scheme, expected) in rows {
        let v = verifier(scheme, &[secret(scheme)]);
        let msg = valid(scheme).rename_all(str::to_uppercase);
        table.row(scheme, "UPPERCASE", run(&v, &msg, TS), expected.clone());
        let msg = valid(scheme).rename_all(title_case);
        table.row(scheme, "Title-Case", run(&v, &msg, TS), expected);
    }
    // The exact example: pairs and HeaderMap with `X-REVEL-SIGNATURE`.
    let v = verifier(Scheme::Revel, &[secret(Scheme::Revel)]);
    let sig = valid(Scheme::Revel).sig(Scheme::Revel);
    let pairs = [("X-REVEL-SIGNATURE", sig.as_str())];
    assert_eq!(v.verify_parts(&pairs, BODY, TS).unwrap().secret_index(), 0);
    let mut map = HeaderMap::new();
    map.insert(
        HeaderName::from_static("x-revel-signature"),
        HeaderValue::from_str(&sig).unwrap(),
    );
    let mut upper = HeaderMap::new();
    upper.insert(
        HeaderName::from_bytes(b"X-REVEL-SIGNATURE").unwrap(),
        HeaderValue::from_str(&sig).unwrap(),
    );
    assert_eq!(map, upper);
    assert!(v.verify(&upper, Bytes::from_static(BODY), TS).is_ok());
}

#[test]
fn mipos_base64_signatures() {
    let mut table = Table::new("mipos base64 option");
    let s = Scheme::Mipos;
    let hex_sig = valid(s).sig(s);
    let b64 = BASE64.encode(hex::decode(&hex_sig).unwrap());
    // Same MAC as Shopify's (HMAC-SHA256 of the body, base64) under the same key.
    let shopify = Signer::new(Scheme::Shopify, [secret(s)]).unwrap();
    let shopify = shopify.sign(&Message::new(BODY)).unwrap();
    assert_eq!(shopify.signature(), b64);
    let base64_msg = valid(s).map(MIPOS, |_| b64.clone());
    let wrong_b64 =
        BASE64.encode(hex::decode(signed_with(s, &[wrong(s)], BODY, TS).sig(s)).unwrap());

    let strict = verifier(s, &[secret(s)]);
    table.row(
        s,
        "base64, default",
        run(&strict, &base64_msg, TS),
        bad_encoding(MIPOS),
    );
    table.row(s, "hex, default", run(&strict, &valid(s), TS), ok(0));

    let lenient = verifier_builder(s, &[secret(s)])
        .accept_base64_signatures()
        .build()
        .unwrap();
    table.row(s, "base64, accepted", run(&lenient, &base64_msg, TS), ok(0));
    table.row(
        s,
        "hex, base64 accepted",
        run(&lenient, &valid(s), TS),
        ok(0),
    );
    let msg = valid(s).map(MIPOS, |_| wrong_b64.clone());
    table.row(
        s,
        "wrong-secret base64",
        run(&lenient, &msg, TS),
        mismatch(),
    );
    let msg = base64_msg.clone().flip_bit(3);
    table.row(
        s,
        "base64, flipped body bit",
        run(&lenient, &msg, TS),
        mismatch(),
    );
    let msg = valid(s).map(MIPOS, |_| "!!".repeat(22));
    table.row(
        s,
        "neither hex nor base64",
        run(&lenient, &msg, TS),
        bad_encoding(MIPOS),
    );
    let msg = valid(s).map(MIPOS, |_| b64[..40].to_owned());
    table.row(
        s,
        "truncated base64",
        run(&lenient, &msg, TS),
        bad_encoding(MIPOS),
    );
}

#[test]
fn square_notification_url() {
    let mut table = Table::new("square notification url");
    let s = Scheme::Square;
    for (url, expected) in [
        (URL, ok(0)),
        ("https://partner.example/hooks/square/", mismatch()),
        ("http://partner.example/hooks/square", mismatch()),
        ("https://PARTNER.example/hooks/square", mismatch()),
        ("https://partner.example/hooks/square?x=1", mismatch()),
        ("https://other.example/hooks/square", mismatch()),
    ] {
        let v = Verifier::builder(s)
            .secret(secret(s))
            .notification_url(url)
            .build()
            .unwrap();
        table.row(
            s,
            &format!("verifier url {url:?}"),
            run(&v, &valid(s), TS),
            expected,
        );
    }
    // Square signs the URL followed by the body: moving bytes between them is not detected,
    // which is the scheme's design (the URL is configured, never read from the request).
    let v = Verifier::builder(s)
        .secret(secret(s))
        .notification_url(&URL[..URL.len() - 1])
        .build()
        .unwrap();
    let mut msg = valid(s);
    msg.body.insert(0, URL.as_bytes()[URL.len() - 1]);
    table.row(
        s,
        "last url byte moved to the body",
        run(&v, &msg, TS),
        ok(0),
    );
    let v = Verifier::builder(s).secret(secret(s)).build().unwrap_err();
    assert_eq!(v, ConfigError::MissingNotificationUrl);
    // An empty URL is refused at setup, as Square's SDKs do (it could only ever mismatch).
    let v = Verifier::builder(s)
        .secret(secret(s))
        .notification_url("")
        .build()
        .unwrap_err();
    assert_eq!(v, ConfigError::MissingNotificationUrl);
}

/// An error never shows the secret, even when the secret itself is what was sent.
#[test]
fn secret_sent_as_the_signature() {
    let mut table = Table::new("the secret sent as the signature");
    let rows = per_scheme![
        Revel => bad_encoding(REVEL),
        Mipos => bad_encoding(MIPOS),
        Linga => token_mismatch(),
        Ordergroove => malformed(ORDERGROOVE),
        Standard => malformed(STD_SIG),
        Stripe => malformed(STRIPE),
        Github => malformed(GITHUB),
        Shopify => bad_encoding(SHOPIFY),
        Square => bad_encoding(SQUARE),
    ];
    table.every_scheme(&rows);
    for (scheme, expected) in rows {
        let v = verifier(scheme, &[secret(scheme), other(scheme)]);
        // Linga: the configured tokens are the secrets, so send the one it does not hold.
        let sent = if scheme == Scheme::Linga {
            wrong(scheme)
        } else {
            secret(scheme)
        };
        let msg = valid(scheme).map(sig_header(scheme), |_| sent.to_owned());
        // `run` asserts that Display and Debug show no secret.
        table.row(
            scheme,
            "secret as header value",
            run(&v, &msg, TS),
            expected,
        );
    }
}
