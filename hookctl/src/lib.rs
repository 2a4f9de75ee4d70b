//! `hookctl`: sign, verify, parse, match, build, send and receive webhooks from the command line,
//! for every scheme of pos-webhooks.
//!
//! It is the crate's companion for debugging an integration: sign a body the way a POS would,
//! check a webhook you captured (headers plus the raw body, or the whole raw HTTP request)
//! against your secrets, run a local receiver, or send a realistic sample event to one. Bodies
//! are read as raw bytes from `--file`, else from standard input.
//!
//! The binary calls [`run`]; so does the root package's `examples/hookctl.rs`, built without the
//! `net` feature (no async runtime, no HTTP client or server).
//!
//! ```text
//! # The headers a sender sets (GitHub's published test vector):
//! $ printf 'Hello, World!' | hookctl sign --scheme github --secret "It's a Secret to Everybody"
//! x-hub-signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17
//!
//! # Check a captured webhook, with two secrets during a rotation:
//! $ hookctl verify --scheme stripe --secret whsec_new --secret whsec_old \
//!       --header 'Stripe-Signature: t=1700000000,v1=...' --now 1700000060 --file body.json
//! ok: secret #2 matched (timestamp 1700000000)
//! ```
//!
//! Exit codes: 0 success (verify: the webhook is authentic), 1 verify: the webhook is not
//! authentic (match, request: the event is dropped; parse: the payload does not parse; send,
//! trigger: the answer is not 2xx), 2 usage error (bad arguments, unreadable file, invalid secret
//! or setting, a network subcommand in a build without the `net` feature, a connection failure).

#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

use std::ffi::OsString;
use std::fmt;
use std::io::{self, Write as _};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use pos_webhooks::{ConfigError, VerifyError};

mod cli;
mod commands;
mod events;
#[cfg(feature = "net")]
mod net;
mod raw;

/// The text of `hookctl --help`.
const USAGE: &str = "\
hookctl: sign and verify webhooks of every pos-webhooks scheme

usage:
  hookctl sign   --scheme S --secret K [--secret K2 ...] [--id ID] [--timestamp UNIX]
                 [--url URL] [--header-name NAME] [--file BODY]
  hookctl verify --scheme S --secret K [--secret K2 ...] [--header 'Name: value' ...]
                 [--now UNIX] [--tolerance SECS] [--url URL] [--header-name NAME] [--file BODY]
  hookctl verify --scheme S --secret K [...] --request RAW_REQUEST [--explain]
  hookctl parse  --event EVENT [--vendor V] [--file BODY]
  hookctl match   --filter PATTERN [--store ID ...] --event TYPE [--event-store ID]
  hookctl request --endpoint ENDPOINT.json --event TYPE [--store ID] [--id ID] [--now UNIX]
                  [--file BODY]
  hookctl send    --endpoint ENDPOINT.json --event TYPE [--file BODY] [--to URL] [...]
  hookctl listen  --scheme S --secret K [--port P] [--filter PATTERN]
                  [--event-type-from SOURCE] [--max-requests N]
  hookctl trigger EVENT --to URL (--scheme S --secret K | --endpoint ENDPOINT.json)
  hookctl schemes
  hookctl --help       (hookctl SUBCOMMAND --help: that subcommand's options)

S is one of: revel mipos linga ordergroove standard stripe github shopify square
(`hookctl schemes` lists their headers, signed content and key rules).

Events are named by their bare type everywhere (`order.finalized`, `order.success`, `ping`);
the vendor-prefixed forms (`revel.order.finalized`, `mipos.order`, `ordergroove`,
`flowretail`, `linga.order`) are accepted too.

sign     prints every header to set, one per line as `name: value` (names lowercase); exit 0.
verify   authentic: prints `ok: secret #N matched` (N counts the --secret options from 1,
         in the order given; timestamped schemes add `(timestamp UNIX)`), exit 0;
         not authentic: prints `invalid: <reason>` on stderr, exit 1.
         `--request FILE` reads a raw HTTP/1.1 request (headers and body) instead of
         --header and --file; `--explain` prints, on a mismatch, what was signed and the
         signature each secret would produce (never a secret).
parse    prints the payload re-serialized from the typed model as JSON, exit 0; a payload
         that does not parse: `invalid payload: <field path>: <reason>` on stderr, exit 1.
         EVENT: revel.order.finalized revel.customer.created revel.customer.updated
         revel.rewardcard.created revel.inout.stock revel.menu.updated revel.ping
         mipos.order mipos.menu ordergroove flowretail linga.order
         or the bare type (order.finalized, order.success, order.settled, ...) with the
         vendor from --vendor or inferred (`hookctl parse --help` lists them).
match    exit 0 if the event passes the filter (`--store` restricts the filter to stores, and
         `--event-store` is the event's store), 1 if not, 2 on a bad pattern with the reason.
request  prints the HTTP/1.1 request the endpoint (its stored JSON) would be sent: request
         line, headers, blank line, body; exit 1 with the reason if its toggle or filter drops
         the event. `--store` is the event's store; `--now` defaults to the clock and `--id`
         to msg_<now>.
send     sends that request (to --to URL if given), prints the answer's status, headers and
         the time taken; exit 0 on a 2xx answer, 1 otherwise.
listen   a local receiver on 127.0.0.1: verifies, filters and parses each webhook, prints it
         and answers with the status the library recommends.
trigger  sends a realistic sample of EVENT (from the crate's fixtures), signed.
schemes  prints one line per scheme: name, platform, headers, signed content, key rule.
(send, listen and trigger need the `net` feature, on by default: `cargo run -p hookctl`.)

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
file, invalid secret or setting).";

/// Runs hookctl with `args` (the arguments after the program name) and returns its exit code:
/// 0 success, 1 not authentic / dropped / unparseable / not 2xx, 2 usage error.
///
/// Output goes to standard output and standard error, as the binary's does.
///
/// ```
/// let code = hookctl::run(["schemes"]);
/// assert_eq!(code, std::process::ExitCode::SUCCESS);
/// ```
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString>,
{
    report(cli::run(args.into_iter().map(Into::into).collect()))
}

/// Prints a failure the way hookctl always has and gives its exit code.
fn report(result: Result<(), Failure>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Invalid(error)) => {
            eprintln!("invalid: {error}");
            ExitCode::from(1)
        }
        Err(Failure::Explained(error, explanation)) => {
            eprintln!("invalid: {error}");
            let mut out = io::stdout().lock();
            // The explanation is best effort: a closed stdout does not change the verdict.
            let _ = out
                .write_all(explanation.as_bytes())
                .and_then(|()| out.flush());
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
        Err(Failure::NoNet(command)) => {
            eprintln!(
                "hookctl: `{command}` needs the `net` feature, which this build leaves out; \
                 run `cargo run -p hookctl -- {command} ...` (or install it with \
                 `cargo install --path hookctl`)"
            );
            ExitCode::from(2)
        }
        Err(Failure::Network(message)) => {
            eprintln!("hookctl: {message}");
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
    /// Not authentic, with the `--explain` text for standard output (exit 1).
    Explained(VerifyError, String),
    /// The filter or the endpoint's toggle drops the event; or a send got a non-2xx answer
    /// (exit 1).
    Dropped(String),
    /// The payload does not parse into the event's model (exit 1).
    Unparsable(pos_webhooks::ParseError),
    /// Bad arguments, an unreadable body, an invalid secret or setting (exit 2).
    Usage(String),
    /// A network subcommand in a build without the `net` feature (exit 2).
    #[cfg_attr(feature = "net", allow(dead_code))]
    NoNet(&'static str),
    /// A connection or server failure (exit 2).
    #[cfg_attr(not(feature = "net"), allow(dead_code))]
    Network(String),
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

/// Writes `text` and a newline to standard output.
fn print(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(Failure::Output)
}

/// The system clock in unix seconds (the library never reads it).
fn clock() -> Result<i64, Failure> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|elapsed| i64::try_from(elapsed.as_secs()).ok())
        .ok_or_else(|| Failure::usage("the system clock is before 1970"))
}
