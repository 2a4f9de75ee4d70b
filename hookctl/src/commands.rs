//! The subcommands that need no network: sign, verify, parse, match, request, schemes.

use std::ffi::OsString;
use std::io::{self, Read as _, Write as _};
use std::path::PathBuf;
use std::str::FromStr;

use pos_webhooks::{DEFAULT_TOLERANCE_SECS, Message, Scheme, Signer, Verifier};

use crate::{Failure, clock, config_failure, print};
use crate::{events, raw};

/// Shown under `hookctl parse --help` and `hookctl trigger --help`: every known event.
pub(crate) const PARSE_HELP: &str = "\
Events (bare type, vendor, and the old prefixed form that still works):
  revel        order.finalized customer.created customer.updated rewardcard.created
               inout.stock menu.updated ping          (revel.order.finalized, revel.ping, ...)
  mipos        order menu                              (mipos.order, mipos.menu)
  ordergroove  order.success item.create subscriber.create subscription.create, or any
               type with --vendor ordergroove          (ordergroove)
  flowretail   order.settled order.delivered order.handling_state_changed customer.create,
               or any type with --vendor flowretail    (flowretail)
  linga        order.opened order.opened_in_pos order.updated order.closed  (linga.order)
`order` alone is miPOS's order. A vendor prefix works for every type: `ordergroove.order.success`.
exit codes: 0 success, 1 not authentic / dropped / unparseable / not 2xx, 2 usage error.
`hookctl --help` describes every subcommand.";

/// Shown under `hookctl listen --help`.
pub(crate) const LISTEN_HELP: &str = "\
Each request is printed: the request line, its headers (token and authorization values
redacted), the verdict with its reason and the answer's status, and the typed payload as pretty
JSON. Answers (the library's `ReceiveError::status`): 200 accepted, 204 filtered out (so the
sender does not retry), 401 not authentic, 400 no event type or an unreadable header, 422
authentic but unparseable.
--event-type-from: revel (X-Revel-Event-Type), mipos (order or menu from the body),
ordergroove (the envelope's type), flowretail (the action), linga (the path's last segment:
opened, opened_in_pos, updated or closed), header:NAME, json:FIELD, path (the last segment).
Default: the vendor of a vendor scheme; header:X-GitHub-Event for github,
header:X-Shopify-Topic for shopify, json:type for standard, stripe and square.
The first line is `listening on http://HOST:PORT`. It stops on ctrl-c, or after --max-requests.
exit codes: 0 success, 2 usage error or the port is taken.
`hookctl --help` describes every subcommand.";

/// Every option of every subcommand, typed; clap fills the raw values (see `cli`).
#[derive(Default)]
pub(crate) struct Options {
    pub(crate) scheme: Option<Scheme>,
    pub(crate) secrets: Vec<String>,
    pub(crate) file: Option<PathBuf>,
    pub(crate) url: Option<String>,
    pub(crate) header_name: Option<String>,
    pub(crate) id: Option<String>,
    pub(crate) timestamp: Option<i64>,
    pub(crate) headers: Vec<(String, Vec<u8>)>,
    pub(crate) now: Option<i64>,
    pub(crate) tolerance: Option<u64>,
    pub(crate) skip_timestamp_check: bool,
    pub(crate) accept_base64: bool,
    pub(crate) event: Option<String>,
    pub(crate) vendor: Option<String>,
    pub(crate) filter: Option<String>,
    pub(crate) stores: Vec<String>,
    pub(crate) event_store: Option<String>,
    pub(crate) endpoint: Option<PathBuf>,
    pub(crate) request: Option<PathBuf>,
    pub(crate) explain: bool,
    #[cfg_attr(not(feature = "net"), allow(dead_code))]
    pub(crate) to: Option<String>,
    #[cfg_attr(not(feature = "net"), allow(dead_code))]
    pub(crate) host: Option<String>,
    #[cfg_attr(not(feature = "net"), allow(dead_code))]
    pub(crate) port: Option<u16>,
    #[cfg_attr(not(feature = "net"), allow(dead_code))]
    pub(crate) event_type_from: Option<String>,
    #[cfg_attr(not(feature = "net"), allow(dead_code))]
    pub(crate) max_requests: Option<u64>,
}

impl Options {
    pub(crate) fn scheme(&self) -> Result<Scheme, Failure> {
        self.scheme
            .ok_or_else(|| Failure::usage("missing --scheme"))
    }

    pub(crate) fn secrets(&self) -> Result<&[String], Failure> {
        if self.secrets.is_empty() {
            return Err(Failure::usage("missing --secret"));
        }
        Ok(&self.secrets)
    }

    /// The body: the file's bytes, or standard input's.
    pub(crate) fn read_body(&self) -> Result<Vec<u8>, Failure> {
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

/// `match`: exit 0 if the event passes the filter, 1 if not, 2 on a bad pattern.
pub(crate) fn filter_match(options: &Options) -> Result<(), Failure> {
    let pattern = options
        .filter
        .as_deref()
        .ok_or_else(|| Failure::usage("missing --filter"))?;
    let event = options
        .event
        .as_deref()
        .ok_or_else(|| Failure::usage("missing --event"))?;
    let event = events::bare(event);
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
pub(crate) fn request(options: &Options) -> Result<(), Failure> {
    let request = build_request(options, None)?;
    let out = request_text(&request);
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(&out)
        .and_then(|()| stdout.flush())
        .map_err(Failure::Output)
}

/// Reads an endpoint's stored JSON.
pub(crate) fn read_endpoint(path: &std::path::Path) -> Result<pos_webhooks::Endpoint, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format_args!("cannot read {}: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| Failure::usage(format_args!("invalid endpoint {}: {e}", path.display())))
}

/// The request `request` prints and `send` sends: the endpoint (`--endpoint`), the event
/// (`--event`) and its body (`--file`); for `trigger`, `sample` gives the event type, the body
/// and the message id instead.
pub(crate) fn build_request(
    options: &Options,
    sample: Option<(&str, &[u8], &str)>,
) -> Result<http::Request<bytes::Bytes>, Failure> {
    let path = options
        .endpoint
        .as_ref()
        .ok_or_else(|| Failure::usage("missing --endpoint"))?;
    let event_type = match sample {
        Some((event_type, _, _)) => event_type,
        None => options
            .event
            .as_deref()
            .map(events::bare)
            .ok_or_else(|| Failure::usage("missing --event"))?,
    };
    let endpoint = read_endpoint(path)?;
    let now = match options.now {
        Some(now) => now,
        None => clock()?,
    };
    let id = match sample {
        Some((_, _, id)) => id.to_owned(),
        None => options.id.clone().unwrap_or_else(|| format!("msg_{now}")),
    };
    let body = match sample {
        Some((_, body, _)) => body.to_vec(),
        None => options.read_body()?,
    };
    let mut event = pos_webhooks::OutgoingEvent::new(event_type, body);
    if let Some(store) = options.stores.first() {
        event = event.for_store(store.clone());
    }
    endpoint.request(&event, now, &id).map_err(|e| match e {
        pos_webhooks::RequestError::Disabled | pos_webhooks::RequestError::FilteredOut { .. } => {
            Failure::Dropped(format!("dropped: {e}"))
        }
        other => Failure::usage(other),
    })
}

/// The HTTP/1.1 text of `request`: request line, host, headers, content-length, blank line,
/// body.
pub(crate) fn request_text(request: &http::Request<bytes::Bytes>) -> Vec<u8> {
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
    out
}

/// `parse`: the payload re-serialized from the typed model.
pub(crate) fn parse(options: &Options) -> Result<(), Failure> {
    let name = options
        .event
        .as_deref()
        .ok_or_else(|| Failure::usage("missing --event"))?;
    let event = events::resolve(name, options.vendor.as_deref())?;
    let body = options.read_body()?;
    print(&event.parse_to_json(&body)?)
}

pub(crate) fn text(name: &str, raw: OsString) -> Result<String, Failure> {
    raw.into_string()
        .map_err(|raw| Failure::usage(format_args!("the value of {name} ({raw:?}) is not UTF-8")))
}

pub(crate) fn number<T: FromStr>(name: &str, raw: OsString, what: &str) -> Result<T, Failure> {
    let raw = text(name, raw)?;
    raw.trim()
        .parse()
        .map_err(|_| Failure::usage(format_args!("bad number for {name}: {raw:?} ({what})")))
}

/// Splits `Name: value` at the first colon; the value is kept as raw bytes.
pub(crate) fn parse_header(raw: OsString) -> Result<(String, Vec<u8>), Failure> {
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

pub(crate) fn sign(options: &Options) -> Result<(), Failure> {
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

/// The verifier the scheme options describe (verify, listen).
pub(crate) fn verifier(options: &Options) -> Result<Verifier, Failure> {
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
    builder.build().map_err(config_failure)
}

pub(crate) fn verify(options: &Options) -> Result<(), Failure> {
    let verifier = verifier(options)?;
    let (headers, body) = match &options.request {
        Some(path) => {
            let raw = std::fs::read(path).map_err(|error| {
                Failure::usage(format_args!("cannot read {}: {error}", path.display()))
            })?;
            let request = raw::parse_request(&raw)
                .map_err(|error| Failure::usage(format_args!("{}: {error}", path.display())))?;
            (request.headers, request.body)
        }
        None => (options.headers.clone(), options.read_body()?),
    };
    let now = match options.now {
        Some(now) => now,
        None => clock()?,
    };
    let verification = match verifier.verify_parts(&headers, &body, now) {
        Ok(verification) => verification,
        Err(error) if options.explain => {
            let explanation = raw::explain(options, &headers, &body)?;
            return Err(Failure::Explained(error, explanation));
        }
        Err(error) => return Err(Failure::Invalid(error)),
    };
    let number = verification.secret_index() + 1;
    match verification.timestamp() {
        Some(timestamp) => print(&format!(
            "ok: secret #{number} matched (timestamp {timestamp})"
        )),
        None => print(&format!("ok: secret #{number} matched")),
    }
}

/// One aligned line per scheme: name, platform, headers, signed content, key rule.
pub(crate) fn schemes_table() -> String {
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
