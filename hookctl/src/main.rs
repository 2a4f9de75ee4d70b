//! `hookctl`: sign and verify webhooks from the command line, for every scheme of the crate.
//!
//! It is the crate's companion for debugging an integration: sign a body the way a POS would,
//! or check a webhook you captured (headers plus the raw body) against your secrets. The body is
//! read as raw bytes from `--file`, else from standard input.
//!
//! ```text
//! # The headers a sender sets (GitHub's published test vector):
//! $ printf 'Hello, World!' | cargo run -q --example hookctl -- sign --scheme github --secret "It's a Secret to Everybody"
//! x-hub-signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17
//!
//! # Stripe-style, with a fixed timestamp:
//! $ cargo run -q --example hookctl -- sign --scheme stripe --secret whsec_test --timestamp 1700000000 --file body.json
//! stripe-signature: t=1700000000,v1=...
//!
//! # Check a captured webhook, with two secrets during a rotation:
//! $ cargo run -q --example hookctl -- verify --scheme stripe --secret whsec_new --secret whsec_old \
//!       --header 'Stripe-Signature: t=1700000000,v1=...' --now 1700000060 --file body.json
//! ok: secret #2 matched (timestamp 1700000000)
//! $ echo $?
//! 0
//!
//! # A tampered body: exit 1 and the reason on stderr.
//! invalid: signature mismatch
//!
//! # Square signs the notification URL; Linga's token travels in a partner-chosen header:
//! $ cargo run -q --example hookctl -- sign --scheme square --secret KEY --url https://example.com/square --file body.json
//! $ cargo run -q --example hookctl -- sign --scheme linga --header-name X-Partner-Key --secret TOKEN < body.json
//!
//! # Every scheme with its headers, signed content and key rule:
//! $ cargo run -q --example hookctl -- schemes
//! ```
//!
//! Exit codes: 0 success (verify: the webhook is authentic), 1 verify: the webhook is not
//! authentic, 2 usage error (bad arguments, unreadable file, invalid secret or setting).

use std::ffi::OsString;
use std::fmt;
use std::io::{self, Read as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use pos_webhooks::{
    ConfigError, DEFAULT_TOLERANCE_SECS, Message, Scheme, Signer, Verifier, VerifyError,
};

const USAGE: &str = "\
hookctl: sign and verify webhooks of every pos-webhooks scheme

usage:
  hookctl sign   --scheme S --secret K [--secret K2 ...] [--id ID] [--timestamp UNIX]
                 [--url URL] [--header-name NAME] [--file BODY]
  hookctl verify --scheme S --secret K [--secret K2 ...] [--header 'Name: value' ...]
                 [--now UNIX] [--tolerance SECS] [--url URL] [--header-name NAME] [--file BODY]
  hookctl parse  --event EVENT [--file BODY]
  hookctl match   --filter PATTERN [--store ID ...] --event TYPE [--event-store ID]
  hookctl request --endpoint ENDPOINT.json --event TYPE [--store ID] [--id ID] [--now UNIX]
                  [--file BODY]
  hookctl schemes
  hookctl --help

S is one of: revel mipos linga ordergroove standard stripe github shopify square
(`hookctl schemes` lists their headers, signed content and key rules).

sign     prints every header to set, one per line as `name: value` (names lowercase); exit 0.
verify   authentic: prints `ok: secret #N matched` (N counts the --secret options from 1,
         in the order given; timestamped schemes add `(timestamp UNIX)`), exit 0;
         not authentic: prints `invalid: <reason>` on stderr, exit 1.
parse    prints the payload re-serialized from the typed model as JSON, exit 0; a payload
         that does not parse: `invalid payload: <field path>: <reason>` on stderr, exit 1.
         EVENT: revel.order.finalized revel.customer.created revel.customer.updated
         revel.rewardcard.created revel.inout.stock revel.menu.updated revel.ping
         mipos.order mipos.menu ordergroove flowretail linga.order
match    exit 0 if the event passes the filter (`--store` restricts the filter to stores, and
         `--event-store` is the event's store), 1 if not, 2 on a bad pattern with the reason.
request  prints the HTTP/1.1 request the endpoint (its stored JSON) would be sent: request
         line, headers, blank line, body; exit 1 with the reason if its toggle or filter drops
         the event. `--store` is the event's store; `--now` defaults to the clock and `--id`
         to msg_<now>.
schemes  prints one line per scheme: name, platform, headers, signed content, key rule.

options:
  --scheme S          the signature scheme (required for sign and verify)
  --secret K          a secret, as the scheme's key rule reads it; repeat it for a rotation:
                      verify tries them in order, sign emits one signature per secret for the
                      list schemes (standard, stripe, ordergroove) and uses the first otherwise.
                      For linga it is the token, the value of the partner's header.
  --file BODY         read the body from this file (`-` for stdin); default: stdin.
                      The body is raw bytes, not necessarily UTF-8.
  --url URL           square: the notification URL, exactly as configured (it is signed)
  --header-name NAME  linga: the header the partner chose for the token
  --id ID             sign, standard: the message id (default msg_<timestamp>)
  --timestamp UNIX    sign, standard/stripe/ordergroove: unix seconds (default: the clock)
  --header 'N: v'     verify: a received header, `Name: value`; repeat for each header
                      (`hookctl sign` output lines can be passed as they are)
  --now UNIX          verify: the current time in unix seconds (default: the clock)
  --tolerance SECS    verify: the replay window, both directions (default 300)
  -h, --help          print this text

extras:
  --skip-timestamp-check  verify: accept any signed timestamp (no replay protection; for
                          replaying stored webhooks only)
  --accept-base64         verify, mipos: also accept a base64 signature (the documented
                          encoding is hex)

Options ignored by a scheme (such as --url for github) are accepted and have no effect.
Write `--option=VALUE` for a value that starts with `--`.

exit codes: 0 success, 1 verify: not authentic, 2 usage error (bad arguments, unreadable
file, invalid secret or setting).
";

fn main() -> ExitCode {
    match run(std::env::args_os().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Invalid(error)) => {
            eprintln!("invalid: {error}");
            ExitCode::from(1)
        }
        Err(Failure::Dropped(reason)) => {
            eprintln!("{reason}");
            ExitCode::from(1)
        }
        Err(Failure::Unparsable(error)) => {
            eprintln!("invalid payload: {error}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(message)) => {
            eprintln!("hookctl: {message}");
            eprintln!("run `hookctl --help` for usage");
            ExitCode::from(2)
        }
        Err(Failure::Output(error)) => {
            eprintln!("hookctl: cannot write the output: {error}");
            ExitCode::from(2)
        }
    }
}

/// Why a run did not succeed; each kind has its exit code.
#[derive(Debug)]
enum Failure {
    /// The webhook is not authentic (exit 1).
    Invalid(VerifyError),
    /// The filter or the endpoint's toggle drops the event (exit 1).
    Dropped(String),
    /// The payload does not parse into the event's model (exit 1).
    Unparsable(pos_webhooks::ParseError),
    /// Bad arguments, an unreadable body, an invalid secret or setting (exit 2).
    Usage(String),
    /// Standard output could not be written (exit 2).
    Output(io::Error),
}

impl Failure {
    fn usage(message: impl fmt::Display) -> Failure {
        Failure::Usage(message.to_string())
    }
}

/// Maps a configuration error to a usage error, counting secrets from 1 like the `ok` line.
fn config_failure(error: ConfigError) -> Failure {
    match error {
        ConfigError::InvalidSecret { index, source } => {
            Failure::usage(format_args!("--secret #{} is invalid: {source}", index + 1))
        }
        ConfigError::NoSecrets => Failure::usage("missing --secret"),
        ConfigError::MissingNotificationUrl => Failure::usage("scheme square needs --url"),
        ConfigError::MissingHeaderName => Failure::usage("scheme linga needs --header-name"),
        other => Failure::usage(other),
    }
}

fn run(args: Vec<OsString>) -> Result<(), Failure> {
    let mut parser = Parser::new(args);
    let Some(command) = parser.next_raw() else {
        return Err(Failure::usage(
            "missing subcommand (sign, verify, parse, match, request or schemes)",
        ));
    };
    let command = command.to_string_lossy().into_owned();
    match command.as_str() {
        "-h" | "--help" | "help" => print(USAGE.trim_end()),
        "schemes" => match parser.parse_options(&[])? {
            Parsed::Help => print(USAGE.trim_end()),
            Parsed::Options(_) => print(&schemes_table()),
        },
        "sign" => match parser.parse_options(SIGN_OPTIONS)? {
            Parsed::Help => print(USAGE.trim_end()),
            Parsed::Options(options) => sign(&options),
        },
        "verify" => match parser.parse_options(VERIFY_OPTIONS)? {
            Parsed::Help => print(USAGE.trim_end()),
            Parsed::Options(options) => verify(&options),
        },
        "parse" => match parser.parse_options(PARSE_OPTIONS)? {
            Parsed::Help => print(USAGE.trim_end()),
            Parsed::Options(options) => parse(&options),
        },
        "match" => match parser.parse_options(MATCH_OPTIONS)? {
            Parsed::Help => print(USAGE.trim_end()),
            Parsed::Options(options) => filter_match(&options),
        },
        "request" => match parser.parse_options(REQUEST_OPTIONS)? {
            Parsed::Help => print(USAGE.trim_end()),
            Parsed::Options(options) => request(&options),
        },
        other => Err(Failure::usage(format_args!(
            "unknown subcommand {other:?} (expected sign, verify, parse, match, request or schemes)"
        ))),
    }
}

/// Writes `text` and a newline to standard output.
fn print(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(Failure::Output)
}

// ---------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------

/// An option a subcommand accepts: its name and whether it takes a value.
#[derive(Clone, Copy)]
struct Spec {
    name: &'static str,
    takes_value: bool,
}

const fn opt(name: &'static str) -> Spec {
    Spec {
        name,
        takes_value: true,
    }
}

const fn switch(name: &'static str) -> Spec {
    Spec {
        name,
        takes_value: false,
    }
}

const SIGN_OPTIONS: &[Spec] = &[
    opt("--scheme"),
    opt("--secret"),
    opt("--id"),
    opt("--timestamp"),
    opt("--url"),
    opt("--header-name"),
    opt("--file"),
];

const VERIFY_OPTIONS: &[Spec] = &[
    opt("--scheme"),
    opt("--secret"),
    opt("--header"),
    opt("--now"),
    opt("--tolerance"),
    opt("--url"),
    opt("--header-name"),
    opt("--file"),
    switch("--skip-timestamp-check"),
    switch("--accept-base64"),
];

const PARSE_OPTIONS: &[Spec] = &[opt("--event"), opt("--file")];

const MATCH_OPTIONS: &[Spec] = &[
    opt("--filter"),
    opt("--store"),
    opt("--event"),
    opt("--event-store"),
];

const REQUEST_OPTIONS: &[Spec] = &[
    opt("--endpoint"),
    opt("--event"),
    opt("--store"),
    opt("--id"),
    opt("--now"),
    opt("--file"),
];

/// `match`: exit 0 if the event passes the filter, 1 if not, 2 on a bad pattern.
fn filter_match(options: &Options) -> Result<(), Failure> {
    let pattern = options
        .filter
        .as_deref()
        .ok_or_else(|| Failure::usage("missing --filter"))?;
    let event = options
        .event
        .as_deref()
        .ok_or_else(|| Failure::usage("missing --event"))?;
    let mut filter: pos_webhooks::EventFilter = pattern
        .parse()
        .map_err(|e| Failure::usage(format_args!("bad pattern {pattern:?}: {e}")))?;
    if !options.stores.is_empty() {
        filter = filter.with_stores(options.stores.iter().cloned());
    }
    if filter.matches(event, options.event_store.as_deref()) {
        print(&format!("match: {event} passes {filter}"))
    } else {
        Err(Failure::Dropped(format!(
            "no match: {event}{} does not pass {filter}{}",
            options
                .event_store
                .as_deref()
                .map(|s| format!(" (store {s})"))
                .unwrap_or_default(),
            if options.stores.is_empty() {
                String::new()
            } else {
                format!(" (stores {})", options.stores.join(", "))
            }
        )))
    }
}

/// `request`: the HTTP/1.1 request an endpoint would be sent.
fn request(options: &Options) -> Result<(), Failure> {
    let path = options
        .endpoint
        .as_ref()
        .ok_or_else(|| Failure::usage("missing --endpoint"))?;
    let event_type = options
        .event
        .as_deref()
        .ok_or_else(|| Failure::usage("missing --event"))?;
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format_args!("cannot read {}: {e}", path.display())))?;
    let endpoint: pos_webhooks::Endpoint = serde_json::from_str(&text)
        .map_err(|e| Failure::usage(format_args!("invalid endpoint {}: {e}", path.display())))?;
    let now = match options.now {
        Some(now) => now,
        None => clock()?,
    };
    let id = options.id.clone().unwrap_or_else(|| format!("msg_{now}"));
    let body = options.read_body()?;
    let mut event = pos_webhooks::OutgoingEvent::new(event_type, body);
    if let Some(store) = options.stores.first() {
        event = event.for_store(store.clone());
    }
    let request = endpoint.request(&event, now, &id).map_err(|e| match e {
        pos_webhooks::RequestError::Disabled | pos_webhooks::RequestError::FilteredOut { .. } => {
            Failure::Dropped(format!("dropped: {e}"))
        }
        other => Failure::usage(other),
    })?;
    let uri = request.uri();
    let mut out = Vec::new();
    out.extend_from_slice(
        format!(
            "{} {} HTTP/1.1\r\nhost: {}\r\n",
            request.method(),
            uri.path_and_query().map_or("/", |p| p.as_str()),
            uri.authority().map_or("", |a| a.as_str())
        )
        .as_bytes(),
    );
    for (name, value) in request.headers() {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("content-length: {}\r\n\r\n", request.body().len()).as_bytes());
    out.extend_from_slice(request.body());
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(&out)
        .and_then(|()| stdout.flush())
        .map_err(Failure::Output)
}

/// The events `hookctl parse --event` knows.
const EVENTS: &[&str] = &[
    "revel.order.finalized",
    "revel.customer.created",
    "revel.customer.updated",
    "revel.rewardcard.created",
    "revel.inout.stock",
    "revel.menu.updated",
    "revel.ping",
    "mipos.order",
    "mipos.menu",
    "ordergroove",
    "flowretail",
    "linga.order",
];

/// `parse`: the payload re-serialized from the typed model.
fn parse(options: &Options) -> Result<(), Failure> {
    use pos_webhooks::{flow_retail, linga, mipos, ordergroove, parse_json, revel};
    let event = options
        .event
        .as_deref()
        .ok_or_else(|| Failure::usage("missing --event"))?;
    if !EVENTS.contains(&event) {
        return Err(Failure::usage(format_args!(
            "unknown event {event:?} (expected one of {})",
            EVENTS.join(", ")
        )));
    }
    let body = options.read_body()?;
    let json = match event {
        "mipos.order" => to_json(&parse_json::<mipos::Order>(&body).map_err(Failure::Unparsable)?),
        "mipos.menu" => {
            to_json(&parse_json::<mipos::MenuRequest>(&body).map_err(Failure::Unparsable)?)
        }
        "ordergroove" => {
            to_json(&parse_json::<ordergroove::Envelope>(&body).map_err(Failure::Unparsable)?)
        }
        "flowretail" => {
            to_json(&parse_json::<flow_retail::Envelope>(&body).map_err(Failure::Unparsable)?)
        }
        "linga.order" => {
            let check = linga::CheckEvent::parse(linga::CheckEventKind::Updated, body.into())
                .map_err(Failure::Unparsable)?;
            to_json(check.json())
        }
        revel_event => {
            let event_type = revel_event.strip_prefix("revel.").unwrap_or(revel_event);
            let parsed =
                revel::RevelEvent::parse(event_type, &body).map_err(Failure::Unparsable)?;
            to_json(
                &parsed
                    .to_json()
                    .map_err(|e| Failure::usage(format_args!("cannot serialize: {e}")))?,
            )
        }
    }?;
    print(&json)
}

fn to_json<T: serde::Serialize>(model: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(model)
        .map_err(|e| Failure::usage(format_args!("cannot serialize: {e}")))
}

/// The result of parsing a subcommand's options.
enum Parsed {
    Help,
    Options(Box<Options>),
}

/// Every option of every subcommand; which ones a subcommand accepts is its [`Spec`] list.
#[derive(Default)]
struct Options {
    scheme: Option<Scheme>,
    secrets: Vec<String>,
    file: Option<PathBuf>,
    url: Option<String>,
    header_name: Option<String>,
    id: Option<String>,
    timestamp: Option<i64>,
    headers: Vec<(String, Vec<u8>)>,
    now: Option<i64>,
    tolerance: Option<u64>,
    skip_timestamp_check: bool,
    accept_base64: bool,
    event: Option<String>,
    filter: Option<String>,
    stores: Vec<String>,
    event_store: Option<String>,
    endpoint: Option<PathBuf>,
}

impl Options {
    fn scheme(&self) -> Result<Scheme, Failure> {
        self.scheme
            .ok_or_else(|| Failure::usage("missing --scheme"))
    }

    fn secrets(&self) -> Result<&[String], Failure> {
        if self.secrets.is_empty() {
            return Err(Failure::usage("missing --secret"));
        }
        Ok(&self.secrets)
    }
}

/// A hand-written parser over the raw arguments: `--name value`, `--name=value` and switches.
struct Parser {
    args: std::vec::IntoIter<OsString>,
}

impl Parser {
    fn new(args: Vec<OsString>) -> Parser {
        Parser {
            args: args.into_iter(),
        }
    }

    fn next_raw(&mut self) -> Option<OsString> {
        self.args.next()
    }

    /// Parses the options that follow a subcommand, accepting only those in `specs`.
    fn parse_options(&mut self, specs: &[Spec]) -> Result<Parsed, Failure> {
        let mut options = Options::default();
        while let Some(arg) = self.next_raw() {
            let Some(arg) = arg.to_str() else {
                return Err(Failure::usage(format_args!(
                    "argument {arg:?} is not valid UTF-8 (write `--option VALUE`, \
                     not `--option=VALUE`, for a value that is not UTF-8)"
                )));
            };
            if arg == "-h" || arg == "--help" {
                return Ok(Parsed::Help);
            }
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) if name.starts_with("--") => (name, Some(value)),
                _ => (arg, None),
            };
            let Some(spec) = specs.iter().find(|spec| spec.name == name) else {
                return Err(if name.starts_with('-') {
                    Failure::usage(format_args!("unknown option {name}"))
                } else {
                    Failure::usage(format_args!("unexpected argument {name:?}"))
                });
            };
            if !spec.takes_value {
                if inline.is_some() {
                    return Err(Failure::usage(format_args!("{name} takes no value")));
                }
                options.switch(name)?;
                continue;
            }
            let raw = match inline {
                Some(value) => OsString::from(value),
                None => self.value(name)?,
            };
            options.set(name, raw)?;
        }
        if options.skip_timestamp_check && options.tolerance.is_some() {
            return Err(Failure::usage(
                "--tolerance and --skip-timestamp-check exclude each other",
            ));
        }
        Ok(Parsed::Options(Box::new(options)))
    }

    /// The value after option `name`: the next argument, unless it is missing or an option.
    fn value(&mut self, name: &str) -> Result<OsString, Failure> {
        match self.args.as_slice().first() {
            Some(next) if !next.as_encoded_bytes().starts_with(b"--") => {
                Ok(self.args.next().unwrap_or_default())
            }
            _ => Err(Failure::usage(format_args!("missing value for {name}"))),
        }
    }
}

fn text(name: &str, raw: OsString) -> Result<String, Failure> {
    raw.into_string()
        .map_err(|raw| Failure::usage(format_args!("the value of {name} ({raw:?}) is not UTF-8")))
}

fn number<T: FromStr>(name: &str, raw: OsString, what: &str) -> Result<T, Failure> {
    let raw = text(name, raw)?;
    raw.trim()
        .parse()
        .map_err(|_| Failure::usage(format_args!("bad number for {name}: {raw:?} ({what})")))
}

fn once<T>(slot: &mut Option<T>, name: &str, value: T) -> Result<(), Failure> {
    if slot.is_some() {
        return Err(Failure::usage(format_args!("{name} given more than once")));
    }
    *slot = Some(value);
    Ok(())
}

/// Splits `Name: value` at the first colon; the value is kept as raw bytes.
fn parse_header(raw: OsString) -> Result<(String, Vec<u8>), Failure> {
    let bytes = raw.into_encoded_bytes();
    let Some(colon) = bytes.iter().position(|&b| b == b':') else {
        return Err(Failure::usage(format_args!(
            "--header {:?} has no colon (expected 'Name: value')",
            String::from_utf8_lossy(&bytes)
        )));
    };
    let (name, value) = bytes.split_at(colon);
    let name = name.trim_ascii();
    if http::HeaderName::from_bytes(name).is_err() {
        return Err(Failure::usage(format_args!(
            "--header has an invalid header name {:?}",
            String::from_utf8_lossy(name)
        )));
    }
    let name = String::from_utf8_lossy(name).into_owned();
    let value = value.get(1..).unwrap_or_default().trim_ascii().to_vec();
    Ok((name, value))
}

impl Options {
    /// Turns on switch `name`.
    fn switch(&mut self, name: &str) -> Result<(), Failure> {
        match name {
            "--skip-timestamp-check" => self.skip_timestamp_check = true,
            "--accept-base64" => self.accept_base64 = true,
            _ => return Err(Failure::usage(format_args!("unknown option {name}"))),
        }
        Ok(())
    }

    /// Stores the value of option `name`.
    fn set(&mut self, name: &str, raw: OsString) -> Result<(), Failure> {
        match name {
            "--scheme" => {
                let scheme = text(name, raw)?.parse().map_err(Failure::usage)?;
                once(&mut self.scheme, name, scheme)
            }
            "--secret" => {
                self.secrets.push(text(name, raw)?);
                Ok(())
            }
            "--file" => once(&mut self.file, name, PathBuf::from(raw)),
            "--url" => once(&mut self.url, name, text(name, raw)?),
            "--header-name" => once(&mut self.header_name, name, text(name, raw)?),
            "--event" => once(&mut self.event, name, text(name, raw)?),
            "--filter" => once(&mut self.filter, name, text(name, raw)?),
            "--store" => {
                self.stores.push(text(name, raw)?);
                Ok(())
            }
            "--event-store" => once(&mut self.event_store, name, text(name, raw)?),
            "--endpoint" => once(&mut self.endpoint, name, PathBuf::from(raw)),
            "--id" => once(&mut self.id, name, text(name, raw)?),
            "--timestamp" => once(
                &mut self.timestamp,
                name,
                number(name, raw, "unix seconds")?,
            ),
            "--header" => {
                self.headers.push(parse_header(raw)?);
                Ok(())
            }
            "--now" => once(&mut self.now, name, number(name, raw, "unix seconds")?),
            "--tolerance" => once(
                &mut self.tolerance,
                name,
                number(name, raw, "seconds, not negative")?,
            ),
            _ => Err(Failure::usage(format_args!("unknown option {name}"))),
        }
    }

    /// The body: the file's bytes, or standard input's.
    fn read_body(&self) -> Result<Vec<u8>, Failure> {
        match &self.file {
            Some(path) if path.as_os_str() != "-" => std::fs::read(path).map_err(|error| {
                Failure::usage(format_args!("cannot read {}: {error}", path.display()))
            }),
            _ => {
                let mut body = Vec::new();
                io::stdin()
                    .lock()
                    .read_to_end(&mut body)
                    .map_err(|error| Failure::usage(format_args!("cannot read stdin: {error}")))?;
                Ok(body)
            }
        }
    }
}

/// The system clock in unix seconds (the library never reads it).
fn clock() -> Result<i64, Failure> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|elapsed| i64::try_from(elapsed.as_secs()).ok())
        .ok_or_else(|| Failure::usage("the system clock is before 1970"))
}

// ---------------------------------------------------------------------------------------------
// Subcommands
// ---------------------------------------------------------------------------------------------

fn sign(options: &Options) -> Result<(), Failure> {
    let scheme = options.scheme()?;
    let mut builder = Signer::builder(scheme);
    for secret in options.secrets()? {
        builder = builder.secret(secret);
    }
    if let Some(url) = &options.url {
        builder = builder.notification_url(url);
    }
    if let Some(name) = &options.header_name {
        builder = builder.header_name(name);
    }
    let signer = builder.build().map_err(config_failure)?;

    let body = options.read_body()?;
    let mut message = Message::new(&body);
    let timestamp = match options.timestamp {
        Some(timestamp) => Some(timestamp),
        None if scheme.is_timestamped() => Some(clock()?),
        None => None,
    };
    if let Some(timestamp) = timestamp {
        message = message.timestamp(timestamp);
    }
    let default_id;
    if scheme == Scheme::Standard {
        let id = match &options.id {
            Some(id) => id.as_str(),
            None => {
                default_id = format!("msg_{}", timestamp.unwrap_or_default());
                default_id.as_str()
            }
        };
        message = message.id(id);
    }
    let signed = signer.sign(&message).map_err(Failure::usage)?;

    let lines: Vec<String> = signed
        .headers()
        .map(|(name, value)| format!("{name}: {value}"))
        .collect();
    print(&lines.join("\n"))
}

fn verify(options: &Options) -> Result<(), Failure> {
    let scheme = options.scheme()?;
    let mut builder = Verifier::builder(scheme);
    for secret in options.secrets()? {
        builder = builder.secret(secret);
    }
    if let Some(url) = &options.url {
        builder = builder.notification_url(url);
    }
    if let Some(name) = &options.header_name {
        builder = builder.header_name(name);
    }
    if options.skip_timestamp_check {
        builder = builder.danger_skip_timestamp_check();
    } else {
        builder = builder.tolerance_secs(options.tolerance.unwrap_or(DEFAULT_TOLERANCE_SECS));
    }
    if options.accept_base64 {
        builder = builder.accept_base64_signatures();
    }
    let verifier = builder.build().map_err(config_failure)?;

    let body = options.read_body()?;
    let now = match options.now {
        Some(now) => now,
        None => clock()?,
    };
    let verification = verifier
        .verify_parts(&options.headers, &body, now)
        .map_err(Failure::Invalid)?;
    let number = verification.secret_index() + 1;
    match verification.timestamp() {
        Some(timestamp) => print(&format!(
            "ok: secret #{number} matched (timestamp {timestamp})"
        )),
        None => print(&format!("ok: secret #{number} matched")),
    }
}

/// One aligned line per scheme: name, platform, headers, signed content, key rule.
fn schemes_table() -> String {
    let rows: Vec<[String; 5]> = Scheme::ALL
        .iter()
        .map(|scheme| {
            let headers = match scheme.headers() {
                [] => "<--header-name>".to_owned(),
                names => names.join(", "),
            };
            [
                scheme.name().to_owned(),
                scheme.platform().to_owned(),
                format!("headers: {headers}"),
                format!("signs: {}", scheme.signed_content()),
                format!("key: {}", scheme.key_rule().describe()),
            ]
        })
        .collect();
    let mut widths = [0usize; 5];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let lines: Vec<String> = rows
        .iter()
        .map(|row| {
            let mut line = String::new();
            for (column, (cell, width)) in row.iter().zip(widths).enumerate() {
                if column + 1 == row.len() {
                    line.push_str(cell);
                } else {
                    line.push_str(&format!("{cell:<width$}  "));
                }
            }
            line
        })
        .collect();
    lines.join("\n")
}
