//! The command line: clap (derive) defines every subcommand, its options and its `--help`;
//! a thin pass before clap and a mapping of clap's errors keep hookctl's historical contract
//! (messages, exit code 2 for usage errors, `--name value` where the value may start with `-`).

use std::ffi::OsString;
use std::path::PathBuf;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, CommandFactory as _, FromArgMatches as _, Parser, Subcommand};

use crate::commands::{self, Options};
use crate::{Failure, USAGE, print};

/// The subcommand names, in the order the "missing subcommand" message lists the classic ones.
const SUBCOMMANDS: &[&str] = &[
    "sign", "verify", "parse", "match", "request", "schemes", "send", "listen", "trigger",
];

/// The help of one subcommand: starts with `hookctl:` like the overview, then its options, then
/// the shared footer.
const SUB_HELP: &str = "hookctl: {about-with-newline}\nusage: {usage}\n\n{all-args}{after-help}";

/// Shown under every subcommand's options.
const FOOTER: &str = "\
Events are named by their bare type (`order.finalized`); the vendor-prefixed forms
(`revel.order.finalized`, `mipos.order`, ...) are accepted too.
verify extras: --skip-timestamp-check (accept any signed timestamp; replaying stored webhooks
only), --accept-base64 (mipos: also accept a base64 signature).
Write `--option=VALUE` for a value that starts with `--`.
exit codes: 0 success, 1 not authentic / dropped / unparseable / not 2xx, 2 usage error.
`hookctl --help` describes every subcommand.";

#[derive(Debug, Parser)]
#[command(
    name = "hookctl",
    bin_name = "hookctl",
    override_help = USAGE,
    disable_help_subcommand = true,
    disable_version_flag = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The signature scheme and its secrets (sign, verify, listen, trigger).
#[derive(Debug, Args)]
struct SchemeArgs {
    /// The signature scheme: revel mipos linga ordergroove standard stripe github shopify square
    #[arg(long, value_name = "S")]
    scheme: Option<OsString>,
    /// A secret, as the scheme's key rule reads it; repeat it for a rotation (for linga: the token)
    #[arg(long, value_name = "K")]
    secret: Vec<OsString>,
    /// square: the notification URL, exactly as configured (it is signed)
    #[arg(long, value_name = "URL")]
    url: Option<OsString>,
    /// linga: the header the partner chose for the token
    #[arg(long, value_name = "NAME")]
    header_name: Option<OsString>,
}

/// The replay window and the verify extras (verify, listen).
#[derive(Debug, Args)]
struct WindowArgs {
    /// The replay window in seconds, both directions (default 300; 0 is a zero window)
    #[arg(long, value_name = "SECS")]
    tolerance: Option<OsString>,
    /// Accept any signed timestamp (no replay protection; for replaying stored webhooks only)
    #[arg(long)]
    skip_timestamp_check: bool,
    /// mipos: also accept a base64 signature (the documented encoding is hex)
    #[arg(long)]
    accept_base64: bool,
}

/// What `request` and `send` build: the endpoint, the event and its body.
#[derive(Debug, Args)]
struct RequestArgs {
    /// The endpoint's stored JSON (url, auth, filter, headers, vendor)
    #[arg(long, value_name = "ENDPOINT.json")]
    endpoint: Option<OsString>,
    /// The event type, bare (`order.finalized`) or vendor-prefixed (`revel.order.finalized`)
    #[arg(long, value_name = "TYPE")]
    event: Option<OsString>,
    /// The event's store
    #[arg(long, value_name = "ID")]
    store: Vec<OsString>,
    /// The message id (default msg_<now>)
    #[arg(long, value_name = "ID")]
    id: Option<OsString>,
    /// The current time in unix seconds (default: the clock)
    #[arg(long, value_name = "UNIX")]
    now: Option<OsString>,
    /// Read the body from this file (`-` for stdin); default: stdin
    #[arg(long, value_name = "BODY")]
    file: Option<OsString>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// `sign` prints every header a sender sets, one per line as `name: value`
    #[command(help_template = SUB_HELP, after_help = FOOTER)]
    Sign {
        #[command(flatten)]
        scheme: SchemeArgs,
        /// standard: the message id (default msg_<timestamp>)
        #[arg(long, value_name = "ID")]
        id: Option<OsString>,
        /// standard/stripe/ordergroove: unix seconds (default: the clock)
        #[arg(long, value_name = "UNIX")]
        timestamp: Option<OsString>,
        /// Read the body from this file (`-` for stdin); default: stdin
        #[arg(long, value_name = "BODY")]
        file: Option<OsString>,
    },
    /// `verify` checks a received webhook: `ok: secret #N matched` (exit 0) or `invalid: <reason>` on stderr (exit 1)
    #[command(help_template = SUB_HELP, after_help = FOOTER)]
    Verify {
        #[command(flatten)]
        scheme: SchemeArgs,
        /// A received header, `Name: value`; repeat for each header (`hookctl sign` output lines work as they are)
        #[arg(long, value_name = "'Name: value'")]
        header: Vec<OsString>,
        /// The current time in unix seconds (default: the clock)
        #[arg(long, value_name = "UNIX")]
        now: Option<OsString>,
        #[command(flatten)]
        window: WindowArgs,
        /// Read the body from this file (`-` for stdin); default: stdin
        #[arg(long, value_name = "BODY")]
        file: Option<OsString>,
        /// Read a whole raw HTTP/1.1 request instead of --header and --file: request line, headers, blank line, body (as `hookctl request` prints it, or captured with `nc` or `curl -v`; CRLF or LF; Content-Length or chunked)
        #[arg(long, value_name = "FILE")]
        request: Option<OsString>,
        /// On a mismatch, print the body length, whether it ends in a newline, the content that was signed and the signature each --secret would produce (never a secret)
        #[arg(long)]
        explain: bool,
    },
    /// `parse` prints the payload re-serialized from the vendor's typed model as JSON
    #[command(help_template = SUB_HELP, after_help = commands::PARSE_HELP)]
    Parse {
        /// The event: a bare type (`order.finalized`) or a vendor-prefixed one (`revel.order.finalized`, `mipos.order`, `ordergroove`, `flowretail`, `linga.order`)
        #[arg(long, value_name = "EVENT")]
        event: Option<OsString>,
        /// The vendor, when the bare type does not tell it: revel mipos linga ordergroove flowretail
        #[arg(long, value_name = "V")]
        vendor: Option<OsString>,
        /// Read the body from this file (`-` for stdin); default: stdin
        #[arg(long, value_name = "BODY")]
        file: Option<OsString>,
    },
    /// `match` exits 0 if the event passes the filter, 1 if not, 2 on a bad pattern
    #[command(help_template = SUB_HELP, after_help = FOOTER)]
    Match {
        /// The filter pattern (`order.*|ping`, `*`)
        #[arg(long, value_name = "PATTERN")]
        filter: Option<OsString>,
        /// Restrict the filter to this store; repeat for more
        #[arg(long, value_name = "ID")]
        store: Vec<OsString>,
        /// The event type, bare (`order.success`) or vendor-prefixed
        #[arg(long, value_name = "TYPE")]
        event: Option<OsString>,
        /// The event's store
        #[arg(long, value_name = "ID")]
        event_store: Option<OsString>,
    },
    /// `request` prints the HTTP/1.1 request the endpoint would be sent (exit 1 if it drops the event)
    #[command(help_template = SUB_HELP, after_help = FOOTER)]
    Request {
        #[command(flatten)]
        request: RequestArgs,
    },
    /// `schemes` prints one line per scheme: name, platform, headers, signed content, key rule
    #[command(help_template = SUB_HELP, after_help = FOOTER)]
    Schemes {},
    /// `send` sends the request `hookctl request` prints and prints the answer's status, headers and time (exit 0 on 2xx, 1 otherwise)
    #[command(help_template = SUB_HELP, after_help = FOOTER)]
    Send {
        #[command(flatten)]
        request: RequestArgs,
        /// Send to this URL instead of the endpoint's (such as a local `hookctl listen`); plain http
        #[arg(long, value_name = "URL")]
        to: Option<OsString>,
    },
    /// `listen` runs a local receiver: verifies, filters and parses each webhook, prints it and answers with the status the library recommends
    #[command(help_template = SUB_HELP, after_help = commands::LISTEN_HELP)]
    Listen {
        #[command(flatten)]
        scheme: SchemeArgs,
        #[command(flatten)]
        window: WindowArgs,
        /// The address to listen on (default 127.0.0.1, loopback only)
        #[arg(long, value_name = "ADDR")]
        host: Option<OsString>,
        /// The port (default 8080; 0 picks a free one, printed on the first line)
        #[arg(long, value_name = "P")]
        port: Option<OsString>,
        /// Keep only events passing this pattern (default `*`); others are answered 200 and not parsed
        #[arg(long, value_name = "PATTERN")]
        filter: Option<OsString>,
        /// Restrict the filter to this store; repeat for more
        #[arg(long, value_name = "ID")]
        store: Vec<OsString>,
        /// Where the event type is read: a vendor (revel mipos ordergroove flowretail linga), header:NAME, json:FIELD or path (default: from the scheme)
        #[arg(long, value_name = "SOURCE")]
        event_type_from: Option<OsString>,
        /// Stop after answering N requests (default: run until ctrl-c)
        #[arg(long, value_name = "N")]
        max_requests: Option<OsString>,
    },
    /// `trigger` sends a realistic sample of EVENT (from the crate's fixtures), signed, to a receiver
    #[command(help_template = SUB_HELP, after_help = commands::PARSE_HELP)]
    Trigger {
        /// The event: bare (`order.finalized`) or vendor-prefixed (`revel.order.finalized`)
        #[arg(value_name = "EVENT")]
        event: Option<OsString>,
        /// The receiver's URL (plain http)
        #[arg(long, value_name = "URL")]
        to: Option<OsString>,
        /// The vendor, when the bare type does not tell it
        #[arg(long, value_name = "V")]
        vendor: Option<OsString>,
        #[command(flatten)]
        scheme: SchemeArgs,
        /// Sign as this endpoint's JSON does (instead of --scheme and --secret)
        #[arg(long, value_name = "ENDPOINT.json")]
        endpoint: Option<OsString>,
        /// The event's store
        #[arg(long, value_name = "ID")]
        store: Vec<OsString>,
        /// The message id (default msg_<now>_<hex>, unique to the run)
        #[arg(long, value_name = "ID")]
        id: Option<OsString>,
        /// The time to sign, unix seconds (default: the clock)
        #[arg(long, value_name = "UNIX")]
        now: Option<OsString>,
    },
}

/// Parses `args` (after the program name) and runs the subcommand.
pub(crate) fn run(mut args: Vec<OsString>) -> Result<(), Failure> {
    let Some(first) = args.first() else {
        return Err(Failure::usage(
            "missing subcommand (sign, verify, parse, match, request or schemes)",
        ));
    };
    let name = first.to_string_lossy().into_owned();
    match name.as_str() {
        "-h" | "--help" => return print(USAGE),
        // `hookctl help` is the overview, `hookctl help SUB` that subcommand's help.
        "help" => match args.get(1).and_then(|a| a.to_str()) {
            Some(sub) if SUBCOMMANDS.contains(&sub) => {
                args = vec![OsString::from(sub), OsString::from("--help")];
            }
            _ => return print(USAGE),
        },
        known if SUBCOMMANDS.contains(&known) => {}
        other => {
            return Err(Failure::usage(format_args!(
                "unknown subcommand {other:?} (expected sign, verify, parse, match, request, \
                 schemes, send, listen or trigger)"
            )));
        }
    }
    let mut command = Cli::command();
    command.build();
    let sub_name = args.first().and_then(|a| a.to_str()).unwrap_or_default();
    let Some(sub) = command.find_subcommand(sub_name) else {
        return Err(Failure::usage(format_args!(
            "unknown subcommand {sub_name:?}"
        )));
    };
    let normalized = normalize(sub, args)?;
    let matches = command
        .try_get_matches_from_mut(std::iter::once(OsString::from("hookctl")).chain(normalized));
    let cli = match matches.and_then(|m| Cli::from_arg_matches(&m)) {
        Ok(cli) => cli,
        Err(error) => return clap_failure(&error),
    };
    dispatch(cli.command)
}

/// The pass before clap: `--name value` becomes `--name=value` for options that take a value
/// (so a value may start with `-`, as it always could), with hookctl's own message when the
/// value is missing or is the next option; a switch given a value and `--` alone are refused.
fn normalize(sub: &clap::Command, args: Vec<OsString>) -> Result<Vec<OsString>, Failure> {
    let mut out = Vec::with_capacity(args.len());
    let mut rest = args.into_iter().peekable();
    // The subcommand itself.
    if let Some(first) = rest.next() {
        out.push(first);
    }
    while let Some(arg) = rest.next() {
        let Some(text) = arg.to_str() else {
            return Err(Failure::usage(format_args!(
                "argument {arg:?} is not valid UTF-8 (write `--option VALUE`, \
                 not `--option=VALUE`, for a value that is not UTF-8)"
            )));
        };
        if text == "--" {
            return Err(Failure::usage("unknown option --"));
        }
        let Some(long) = text.strip_prefix("--") else {
            out.push(arg);
            continue;
        };
        let (name, inline) = match long.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (long, None),
        };
        let Some(spec) = sub
            .get_arguments()
            .find(|spec| spec.get_long() == Some(name))
        else {
            // clap reports it (unknown option, or --help).
            out.push(arg);
            continue;
        };
        let takes_value = spec.get_action().takes_values();
        match (takes_value, inline) {
            (true, Some(_)) => out.push(arg),
            (true, None) => match rest.peek() {
                Some(next) if !next.as_encoded_bytes().starts_with(b"--") => {
                    let mut joined = OsString::from(format!("--{name}="));
                    joined.push(rest.next().unwrap_or_default());
                    out.push(joined);
                }
                _ => {
                    return Err(Failure::usage(format_args!("missing value for --{name}")));
                }
            },
            (false, Some(_)) => {
                return Err(Failure::usage(format_args!("--{name} takes no value")));
            }
            (false, None) => out.push(arg),
        }
    }
    Ok(out)
}

/// hookctl's message for a clap error; `--help` is printed and succeeds.
fn clap_failure(error: &clap::Error) -> Result<(), Failure> {
    let invalid_arg = || match error.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(arg)) => arg.clone(),
        _ => String::new(),
    };
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            print(error.render().to_string().trim_end())
        }
        ErrorKind::UnknownArgument => {
            let arg = invalid_arg();
            let name = arg.split_once('=').map_or(arg.as_str(), |(name, _)| name);
            Err(if name.starts_with('-') {
                Failure::usage(format_args!("unknown option {name}"))
            } else {
                Failure::usage(format_args!("unexpected argument {name:?}"))
            })
        }
        ErrorKind::ArgumentConflict => {
            // Options given once, given twice: clap names the option as `--name <VALUE>`.
            let arg = invalid_arg();
            let name = arg.split_whitespace().next().unwrap_or_default();
            Err(Failure::usage(format_args!("{name} given more than once")))
        }
        _ => {
            let text = error.to_string();
            let line = text.lines().next().unwrap_or_default();
            Err(Failure::usage(line.trim_start_matches("error: ")))
        }
    }
}

fn path(raw: Option<OsString>) -> Option<PathBuf> {
    raw.map(PathBuf::from)
}

impl SchemeArgs {
    fn fill(self, options: &mut Options) -> Result<(), Failure> {
        if let Some(raw) = self.scheme {
            let scheme = commands::text("--scheme", raw)?
                .parse()
                .map_err(Failure::usage)?;
            options.scheme = Some(scheme);
        }
        for raw in self.secret {
            options.secrets.push(commands::text("--secret", raw)?);
        }
        if let Some(raw) = self.url {
            options.url = Some(commands::text("--url", raw)?);
        }
        if let Some(raw) = self.header_name {
            options.header_name = Some(commands::text("--header-name", raw)?);
        }
        Ok(())
    }
}

impl WindowArgs {
    fn fill(self, options: &mut Options) -> Result<(), Failure> {
        if let Some(raw) = self.tolerance {
            options.tolerance = Some(commands::number(
                "--tolerance",
                raw,
                "seconds, not negative",
            )?);
        }
        options.skip_timestamp_check = self.skip_timestamp_check;
        options.accept_base64 = self.accept_base64;
        if options.skip_timestamp_check && options.tolerance.is_some() {
            return Err(Failure::usage(
                "--tolerance and --skip-timestamp-check exclude each other",
            ));
        }
        Ok(())
    }
}

fn texts(name: &str, raws: Vec<OsString>) -> Result<Vec<String>, Failure> {
    raws.into_iter()
        .map(|raw| commands::text(name, raw))
        .collect()
}

fn opt_text(name: &str, raw: Option<OsString>) -> Result<Option<String>, Failure> {
    raw.map(|raw| commands::text(name, raw)).transpose()
}

fn opt_number<T: std::str::FromStr>(
    name: &str,
    raw: Option<OsString>,
    what: &str,
) -> Result<Option<T>, Failure> {
    raw.map(|raw| commands::number(name, raw, what)).transpose()
}

impl RequestArgs {
    fn fill(self, options: &mut Options) -> Result<(), Failure> {
        options.endpoint = path(self.endpoint);
        options.event = opt_text("--event", self.event)?;
        options.stores = texts("--store", self.store)?;
        options.id = opt_text("--id", self.id)?;
        options.now = opt_number("--now", self.now, "unix seconds")?;
        options.file = path(self.file);
        Ok(())
    }
}

fn dispatch(command: Command) -> Result<(), Failure> {
    let mut options = Options::default();
    match command {
        Command::Sign {
            scheme,
            id,
            timestamp,
            file,
        } => {
            scheme.fill(&mut options)?;
            options.id = opt_text("--id", id)?;
            options.timestamp = opt_number("--timestamp", timestamp, "unix seconds")?;
            options.file = path(file);
            commands::sign(&options)
        }
        Command::Verify {
            scheme,
            header,
            now,
            window,
            file,
            request,
            explain,
        } => {
            scheme.fill(&mut options)?;
            for raw in header {
                options.headers.push(commands::parse_header(raw)?);
            }
            options.now = opt_number("--now", now, "unix seconds")?;
            window.fill(&mut options)?;
            options.file = path(file);
            options.request = path(request);
            options.explain = explain;
            if options.request.is_some() && (options.file.is_some() || !options.headers.is_empty())
            {
                return Err(Failure::usage(
                    "--request excludes --header and --file (the request holds both)",
                ));
            }
            commands::verify(&options)
        }
        Command::Parse {
            event,
            vendor,
            file,
        } => {
            options.event = opt_text("--event", event)?;
            options.vendor = opt_text("--vendor", vendor)?;
            options.file = path(file);
            commands::parse(&options)
        }
        Command::Match {
            filter,
            store,
            event,
            event_store,
        } => {
            options.filter = opt_text("--filter", filter)?;
            options.stores = texts("--store", store)?;
            options.event = opt_text("--event", event)?;
            options.event_store = opt_text("--event-store", event_store)?;
            commands::filter_match(&options)
        }
        Command::Request { request } => {
            request.fill(&mut options)?;
            commands::request(&options)
        }
        Command::Schemes {} => print(&commands::schemes_table()),
        Command::Send { request, to } => {
            request.fill(&mut options)?;
            options.to = opt_text("--to", to)?;
            net_send(&options)
        }
        Command::Listen {
            scheme,
            window,
            host,
            port,
            filter,
            store,
            event_type_from,
            max_requests,
        } => {
            scheme.fill(&mut options)?;
            window.fill(&mut options)?;
            options.host = opt_text("--host", host)?;
            options.port = opt_number("--port", port, "0 to 65535")?;
            options.filter = opt_text("--filter", filter)?;
            options.stores = texts("--store", store)?;
            options.event_type_from = opt_text("--event-type-from", event_type_from)?;
            options.max_requests = opt_number("--max-requests", max_requests, "a count")?;
            net_listen(&options)
        }
        Command::Trigger {
            event,
            to,
            vendor,
            scheme,
            endpoint,
            store,
            id,
            now,
        } => {
            options.event = opt_text("EVENT", event)?;
            options.to = opt_text("--to", to)?;
            options.vendor = opt_text("--vendor", vendor)?;
            let has_scheme = scheme.scheme.is_some() || !scheme.secret.is_empty();
            scheme.fill(&mut options)?;
            options.endpoint = path(endpoint);
            if has_scheme && options.endpoint.is_some() {
                return Err(Failure::usage(
                    "--endpoint excludes --scheme and --secret (the endpoint holds them)",
                ));
            }
            options.stores = texts("--store", store)?;
            options.id = opt_text("--id", id)?;
            options.now = opt_number("--now", now, "unix seconds")?;
            net_trigger(&options)
        }
    }
}

#[cfg(feature = "net")]
fn net_send(options: &Options) -> Result<(), Failure> {
    crate::net::send(options)
}

#[cfg(feature = "net")]
fn net_listen(options: &Options) -> Result<(), Failure> {
    crate::net::listen(options)
}

#[cfg(feature = "net")]
fn net_trigger(options: &Options) -> Result<(), Failure> {
    crate::net::trigger(options)
}

#[cfg(not(feature = "net"))]
fn net_send(_: &Options) -> Result<(), Failure> {
    Err(Failure::NoNet("send"))
}

#[cfg(not(feature = "net"))]
fn net_listen(_: &Options) -> Result<(), Failure> {
    Err(Failure::NoNet("listen"))
}

#[cfg(not(feature = "net"))]
fn net_trigger(_: &Options) -> Result<(), Failure> {
    Err(Failure::NoNet("trigger"))
}

#[cfg(all(test, not(feature = "net")))]
mod tests {
    use super::*;

    /// Without `net`, the network subcommands say how to get them, with exit 2.
    #[test]
    fn network_subcommands_need_the_net_feature() {
        for (command, args) in [
            ("send", &["send", "--event", "x"][..]),
            ("listen", &["listen", "--port", "0"]),
            ("trigger", &["trigger", "ping"]),
        ] {
            let args = args.iter().map(OsString::from).collect();
            match run(args) {
                Err(Failure::NoNet(name)) => assert_eq!(name, command),
                other => panic!("{command}: {other:?}"),
            }
        }
    }
}
