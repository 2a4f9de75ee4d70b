//! The network subcommands (feature `net`): `send` and `trigger` (reqwest, plain http) and
//! `listen` (axum on tokio). All I/O of hookctl lives here; the library does none.

use std::io::Write as _;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::Router;
use axum::extract::State;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use pos_webhooks::linga::CheckEventKind;
use pos_webhooks::{EventFilter, Message, ReceiveError, Receiver, Scheme, Signer, Verification};
use tokio::sync::Notify;

use crate::commands::{self, Options};
use crate::events::{self, Vendor, to_json};
use crate::{Failure, clock, config_failure};

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Network(format!("cannot start the async runtime: {e}")))
}

/// Parses a target URL: plain `http://` with a host; `https://` is refused (no TLS in this
/// build, by design: no TLS crate, no system library).
fn target(url: &str) -> Result<Uri, Failure> {
    let uri: Uri = url
        .parse()
        .map_err(|e| Failure::usage(format_args!("bad URL {url:?}: {e}")))?;
    match uri.scheme_str() {
        Some("http") if uri.authority().is_some() => Ok(uri),
        Some("https") => Err(Failure::usage(format_args!(
            "cannot send to {url}: hookctl is built without TLS; send to a plain http URL \
             (such as a local `hookctl listen`, with --to http://127.0.0.1:PORT/...), or \
             use curl with the output of `hookctl request`"
        ))),
        _ => Err(Failure::usage(format_args!(
            "bad URL {url:?}: expected http://HOST[:PORT]/PATH"
        ))),
    }
}

/// `send`: the request `request` prints, sent (to `--to` if given).
pub(crate) fn send(options: &Options) -> Result<(), Failure> {
    let mut request = commands::build_request(options, None)?;
    if let Some(to) = &options.to {
        *request.uri_mut() = target(to)?;
    } else {
        target(&request.uri().to_string())?;
    }
    runtime()?.block_on(transmit(request))
}

/// `trigger`: a sample of the event from the crate's fixtures, signed by `--scheme`/`--secret`
/// or by `--endpoint`, sent to `--to`.
pub(crate) fn trigger(options: &Options) -> Result<(), Failure> {
    let name = options
        .event
        .as_deref()
        .ok_or_else(|| Failure::usage("missing EVENT (such as order.finalized)"))?;
    let event = events::resolve(name, options.vendor.as_deref())?;
    let sample = event.sample()?;
    let to = options
        .to
        .as_deref()
        .ok_or_else(|| Failure::usage("missing --to"))?;
    let uri = target(to)?;
    let event_type = event.wire_type();
    let now = match options.now {
        Some(now) => now,
        None => clock()?,
    };
    let id = match &options.id {
        Some(id) => id.clone(),
        None => unique_id(now),
    };
    let mut request = if options.endpoint.is_some() {
        commands::build_request(options, Some((event_type, sample, &id)))?
    } else {
        signed_sample(options, event.vendor, event_type, sample, to, now, &id)?
    };
    *request.uri_mut() = uri;
    println!(
        "sending {} {event_type} ({} bytes) to {to}",
        event.vendor.name(),
        sample.len()
    );
    runtime()?.block_on(transmit(request))
}

/// A message id unique to this run (`msg_<now>_<pid><nanos>`, hex), so two triggers in one
/// second are not duplicates to a receiver that de-duplicates.
fn unique_id(now: i64) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos());
    format!("msg_{now}_{:x}{nanos:08x}", std::process::id())
}

/// The sample signed with `--scheme` and `--secret`, with the message id header and the
/// vendor's event-type header.
fn signed_sample(
    options: &Options,
    vendor: Vendor,
    event_type: &str,
    body: &'static [u8],
    to: &str,
    now: i64,
    id: &str,
) -> Result<http::Request<Bytes>, Failure> {
    let scheme = options.scheme.ok_or_else(|| {
        Failure::usage("missing --scheme and --secret (or --endpoint ENDPOINT.json)")
    })?;
    let mut builder = Signer::builder(scheme);
    for secret in options.secrets()? {
        builder = builder.secret(secret);
    }
    // Square signs the notification URL: the receiver's, unless --url says otherwise.
    builder = builder.notification_url(options.url.as_deref().unwrap_or(to));
    if let Some(name) = &options.header_name {
        builder = builder.header_name(name);
    }
    let signer = builder.build().map_err(config_failure)?;
    let mut message = Message::new(body).timestamp(now);
    if scheme == Scheme::Standard {
        message = message.id(id);
    }
    let signed = signer.sign(&message).map_err(Failure::usage)?;
    let mut request = http::Request::builder()
        .method(Method::POST)
        .uri(to)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Bytes::from_static(body))
        .map_err(|e| Failure::usage(format_args!("bad request: {e}")))?;
    signed.apply_to(&mut request).map_err(Failure::usage)?;
    let value = |text: &str| {
        HeaderValue::from_str(text)
            .map_err(|_| Failure::usage(format_args!("bad header value {text:?}")))
    };
    let headers = request.headers_mut();
    match scheme {
        Scheme::Standard => {}
        Scheme::Github => {
            headers.insert("x-github-delivery", value(id)?);
            headers.insert("x-github-event", value(event_type)?);
        }
        Scheme::Shopify => {
            headers.insert("x-shopify-webhook-id", value(id)?);
            headers.insert("x-shopify-topic", value(event_type)?);
        }
        _ => {
            headers.insert("webhook-id", value(id)?);
        }
    }
    if vendor == Vendor::Revel {
        headers.insert("x-revel-event-type", value(event_type)?);
        if let Some(store) = options.stores.first() {
            headers.insert("x-revel-establishment-id", value(store)?);
        }
    }
    Ok(request)
}

/// Sends `request` and prints the answer's status, headers, time taken and body; a non-2xx
/// answer is exit 1.
async fn transmit(request: http::Request<Bytes>) -> Result<(), Failure> {
    let url = request.uri().to_string();
    let loopback = request
        .uri()
        .host()
        .map(|host| {
            host == "localhost"
                || host
                    .trim_matches(|c| c == '[' || c == ']')
                    .parse::<IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        })
        .unwrap_or(false);
    // Bounded: senders give a receiver seconds, not minutes (Revel wants an answer in 10 s).
    let mut client = reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(std::time::Duration::from_secs(60));
    if loopback {
        // A proxy from the environment must not swallow a request to this machine.
        client = client.no_proxy();
    }
    let client = client
        .build()
        .map_err(|e| Failure::Network(format!("cannot build the HTTP client: {e}")))?;
    let request = reqwest::Request::try_from(request)
        .map_err(|e| Failure::usage(format_args!("cannot send to {url}: {e}")))?;
    let started = Instant::now();
    let response = client
        .execute(request)
        .await
        .map_err(|e| Failure::Network(format!("cannot send to {url}: {e}")))?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|e| Failure::Network(format!("cannot read the answer from {url}: {e}")))?;
    let elapsed = started.elapsed();
    let mut out = format!("status: {status}\n");
    for (name, value) in &headers {
        out.push_str(&format!(
            "{name}: {}\n",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    out.push_str(&format!(
        "elapsed: {:.1} ms\n",
        elapsed.as_secs_f64() * 1000.0
    ));
    if !body.is_empty() {
        out.push('\n');
        out.push_str(&String::from_utf8_lossy(&body));
        if !body.ends_with(b"\n") {
            out.push('\n');
        }
    }
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(Failure::Output)?;
    if status.is_success() {
        Ok(())
    } else {
        Err(Failure::Dropped(format!("not accepted: {status}")))
    }
}

// ---------------------------------------------------------------------------------------------
// listen
// ---------------------------------------------------------------------------------------------

/// Where `listen` reads each webhook's event type.
#[derive(Clone, Debug)]
enum Source {
    Vendor(Vendor),
    Header(String),
    Json(String),
    Path,
}

impl Source {
    fn new(text: Option<&str>, scheme: Scheme) -> Result<Source, Failure> {
        let Some(text) = text else {
            return Ok(match scheme {
                Scheme::Revel => Source::Vendor(Vendor::Revel),
                Scheme::Mipos => Source::Vendor(Vendor::Mipos),
                Scheme::Ordergroove => Source::Vendor(Vendor::Ordergroove),
                Scheme::Linga => Source::Vendor(Vendor::Linga),
                Scheme::Github => Source::Header("x-github-event".to_owned()),
                Scheme::Shopify => Source::Header("x-shopify-topic".to_owned()),
                _ => Source::Json("type".to_owned()),
            });
        };
        if let Some(name) = text.strip_prefix("header:") {
            if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
                return Err(Failure::usage(format_args!(
                    "--event-type-from: invalid header name {name:?}"
                )));
            }
            return Ok(Source::Header(name.to_owned()));
        }
        if let Some(field) = text.strip_prefix("json:") {
            if field.is_empty() {
                return Err(Failure::usage("--event-type-from json: needs a field name"));
            }
            return Ok(Source::Json(field.to_owned()));
        }
        if text == "path" {
            return Ok(Source::Path);
        }
        Vendor::from_name(text).map(Source::Vendor).ok_or_else(|| {
            Failure::usage(format_args!(
                "--event-type-from {text:?}: expected revel, mipos, ordergroove, flowretail, \
                 linga, header:NAME, json:FIELD or path"
            ))
        })
    }
}

/// The HTTP status to answer for a refused webhook: the library's recommendation (401 not
/// authentic, 204 filtered out so the sender does not retry, 400 no event type or a bad
/// header, 422 unparseable).
fn status_for(error: &ReceiveError) -> StatusCode {
    error.status()
}

struct Listener {
    receiver: Receiver,
    source: Source,
    /// Header values not to print (Linga's token, authorization).
    redact: Vec<String>,
    handled: AtomicU64,
    max_requests: Option<u64>,
    done: Notify,
}

/// `listen`: a local receiver until ctrl-c or `--max-requests`.
pub(crate) fn listen(options: &Options) -> Result<(), Failure> {
    let scheme = options.scheme()?;
    let verifier = commands::verifier(options)?;
    let pattern = options.filter.as_deref().unwrap_or("*");
    let mut filter: EventFilter = pattern
        .parse()
        .map_err(|e| Failure::usage(format_args!("bad pattern {pattern:?}: {e}")))?;
    if !options.stores.is_empty() {
        filter = filter.with_stores(options.stores.iter().cloned());
    }
    let source = Source::new(options.event_type_from.as_deref(), scheme)?;
    let mut redact = vec!["authorization".to_owned()];
    redact.extend(options.header_name.iter().map(|n| n.to_ascii_lowercase()));
    if options.max_requests == Some(0) {
        return Err(Failure::usage("--max-requests must be at least 1"));
    }
    let state = Arc::new(Listener {
        receiver: Receiver::new(verifier, filter),
        source,
        redact,
        handled: AtomicU64::new(0),
        max_requests: options.max_requests,
        done: Notify::new(),
    });
    let host = options.host.as_deref().unwrap_or("127.0.0.1");
    let port = options.port.unwrap_or(8080);
    runtime()?.block_on(async move {
        let listener = tokio::net::TcpListener::bind((host, port))
            .await
            .map_err(|e| Failure::Network(format!("cannot listen on {host}:{port}: {e}")))?;
        // Registered before the `listening on` line: a ctrl-c right after it stops cleanly.
        let interrupted = interrupted()?;
        let address = listener
            .local_addr()
            .map_err(|e| Failure::Network(format!("cannot listen on {host}:{port}: {e}")))?;
        {
            let mut out = std::io::stdout().lock();
            writeln!(out, "listening on http://{address}")
                .and_then(|()| out.flush())
                .map_err(Failure::Output)?;
        }
        let app = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&state));
        let stop = Arc::clone(&state);
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                tokio::select! {
                    () = interrupted => {}
                    () = stop.done.notified() => {}
                }
            })
            .await
            .map_err(|e| Failure::Network(format!("server error: {e}")))?;
        eprintln!(
            "hookctl: stopped after {} requests",
            state.handled.load(Ordering::SeqCst)
        );
        Ok(())
    })
}

/// Resolves on ctrl-c (SIGINT); the handler is in place when this returns.
fn interrupted() -> Result<impl Future<Output = ()>, Failure> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())
            .map_err(|e| Failure::Network(format!("cannot watch for ctrl-c: {e}")))?;
        Ok(async move {
            interrupt.recv().await;
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

async fn handle(
    State(state): State<Arc<Listener>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let (status, report, answer) = examine(&state, &method, &uri, &headers, body);
    {
        let mut out = std::io::stdout().lock();
        // A closed stdout must not stop the receiver from answering.
        let _ = out.write_all(report.as_bytes()).and_then(|()| out.flush());
    }
    let handled = state.handled.fetch_add(1, Ordering::SeqCst) + 1;
    if state.max_requests.is_some_and(|max| handled >= max) {
        state.done.notify_one();
    }
    (status, answer)
}

/// The verdict on one request: its status, the printed report and the answer's body.
fn examine(
    state: &Listener,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Bytes,
) -> (StatusCode, String, String) {
    let mut report = format!(
        "{method} {}\n",
        uri.path_and_query().map_or("/", |p| p.as_str())
    );
    for (name, value) in headers {
        let shown = if state.redact.iter().any(|r| r == name.as_str()) {
            "<redacted>".into()
        } else {
            String::from_utf8_lossy(value.as_bytes())
        };
        report.push_str(&format!("  {name}: {shown}\n"));
    }
    report.push_str(&format!("  ({} bytes of body)\n", body.len()));
    let now = clock().unwrap_or_default();
    let outcome = receive(state, uri, headers, body, now);
    match outcome {
        Ok((verification, json)) => {
            let status = StatusCode::OK;
            let matched = match verification.timestamp() {
                Some(ts) => format!(
                    "secret #{} matched (timestamp {ts})",
                    verification.secret_index() + 1
                ),
                None => format!("secret #{} matched", verification.secret_index() + 1),
            };
            report.push_str(&format!("verdict: accepted, {matched} -> {status}\n"));
            report.push_str(&json);
            report.push_str("\n\n");
            (status, report, format!("accepted: {matched}\n"))
        }
        Err(error) => {
            let status = status_for(&error);
            report.push_str(&format!("verdict: {error} -> {status}\n\n"));
            // A 204 has no body.
            let answer = if status == StatusCode::NO_CONTENT {
                String::new()
            } else {
                format!("{error}\n")
            };
            (status, report, answer)
        }
    }
}

/// Verifies, filters and parses one webhook, as the event-type source says: what was
/// verified and the typed payload as pretty JSON.
fn receive(
    state: &Listener,
    uri: &Uri,
    headers: &HeaderMap,
    body: Bytes,
    now: i64,
) -> Result<(Verification, String), ReceiveError> {
    let receiver = &state.receiver;
    let last_segment = uri
        .path()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    match &state.source {
        Source::Vendor(Vendor::Revel) => {
            let received = receiver.revel(headers, body, now)?;
            let json = received
                .event
                .to_json()
                .map_err(|_| ReceiveError::NoEventType("the payload cannot be serialized"))?;
            serialize(received.verification, &json)
        }
        Source::Vendor(Vendor::Mipos) => {
            let received = receiver.mipos(headers, body, now)?;
            match &received.event {
                pos_webhooks::MiposEvent::Order(order) => serialize(received.verification, order),
                pos_webhooks::MiposEvent::Menu(menu) => serialize(received.verification, menu),
                _ => Err(ReceiveError::NoEventType("an unknown miPOS event")),
            }
        }
        Source::Vendor(Vendor::Ordergroove) => {
            let received = receiver.ordergroove(headers, body, now)?;
            serialize(received.verification, &received.event)
        }
        Source::Vendor(Vendor::FlowRetail) => {
            let received = receiver.flow_retail(headers, body, now)?;
            serialize(received.verification, &received.event)
        }
        Source::Vendor(Vendor::Linga) => {
            let kind = match last_segment.as_str() {
                "open" => Some(CheckEventKind::Opened),
                "update" => Some(CheckEventKind::Updated),
                "close" => Some(CheckEventKind::Closed),
                segment => CheckEventKind::from_event_type(&format!("order.{segment}")),
            }
            .ok_or(ReceiveError::NoEventType(
                "linga: the path's last segment is not opened, opened_in_pos, updated or closed",
            ))?;
            let received = receiver.linga(kind, headers, body, now)?;
            serialize(received.verification, received.event.json())
        }
        // The event type is read before the one-call receive: verify first, so a forged
        // request is reported as not authentic rather than as lacking a type.
        Source::Header(name) => {
            receiver.verifier().verify_parts(headers, &body, now)?;
            let event_type = headers
                .get(name.as_str())
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .map(str::to_owned)
                .ok_or(ReceiveError::NoEventType(
                    "the --event-type-from header is missing",
                ))?;
            generic(receiver, headers, body, now, &event_type)
        }
        Source::Json(field) => {
            receiver.verifier().verify_parts(headers, &body, now)?;
            let value: serde_json::Value = pos_webhooks::parse_json(&body)?;
            let event_type = field
                .split('.')
                .try_fold(&value, |value, key| value.get(key))
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
                .ok_or(ReceiveError::NoEventType(
                    "the --event-type-from field is missing from the body",
                ))?;
            generic(receiver, headers, body, now, &event_type)
        }
        Source::Path => generic(receiver, headers, body, now, &last_segment),
    }
}

fn generic(
    receiver: &Receiver,
    headers: &HeaderMap,
    body: Bytes,
    now: i64,
    event_type: &str,
) -> Result<(Verification, String), ReceiveError> {
    let received =
        receiver.receive_json::<serde_json::Value>(headers, body, now, event_type, None)?;
    serialize(received.verification, &received.event)
}

/// The verification and the typed payload as pretty JSON.
fn serialize<T: serde::Serialize + ?Sized>(
    verification: Verification,
    event: &T,
) -> Result<(Verification, String), ReceiveError> {
    to_json(event)
        .map(|json| (verification, json))
        .map_err(|_| ReceiveError::NoEventType("the payload cannot be serialized"))
}
