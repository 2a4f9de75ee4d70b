//! The partner's receiver: axum on 127.0.0.1, verifying with the crate's [`Receiver`],
//! de-duplicating by the crate's duplicate key (a UNIQUE index in its own SQLite table) and
//! applying orders to its own SQLite table (the crate's in-memory `DuplicateFilter` in front). It also injects the faults of the scenario.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::serve::{IncomingStream, Listener};
use pos_webhooks::{DedupKey, DuplicateFilter, ReceiveError, Received, Receiver, Scheme, Verifier};
use rusqlite::{Connection, params};
use serde::Deserialize;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

use crate::{Rng, unix_ms};

/// The partner's Standard Webhooks secret (the published test vector's; a demo, not a secret).
pub const PARTNER_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// The legacy endpoint's GitHub-style secret.
pub const LEGACY_SECRET: &str = "legacy-demo-secret";

/// The receiver's tables. `processed` is the duplicate filter that survives restarts and works
/// across receiver instances: its primary key is the UNIQUE index on the crate's duplicate
/// key. `orders` is the application's table and deliberately has no unique constraint on the
/// order: an order applied twice would show as two rows. `arrivals` logs every request that
/// reached a handler (for the summary and the test).
const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS processed (
    endpoint   TEXT NOT NULL,
    dedup_key  TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (endpoint, dedup_key)
);
CREATE TABLE IF NOT EXISTS orders (
    row        INTEGER PRIMARY KEY,
    endpoint   TEXT NOT NULL,
    event_id   TEXT NOT NULL,
    order_id   TEXT NOT NULL,
    total      TEXT NOT NULL,
    applied_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS arrivals (
    id          INTEGER PRIMARY KEY,
    endpoint    TEXT NOT NULL,
    message_id  TEXT,
    attempt_ref INTEGER,
    signed_ts   INTEGER,
    received_ms INTEGER NOT NULL,
    fault       TEXT NOT NULL,
    verdict     TEXT NOT NULL,
    status      INTEGER
);
";

/// When the receiver misbehaves.
#[derive(Clone, Debug)]
pub struct Faults {
    /// The share of requests that meet a fault.
    pub rate: f64,
    /// The seed of the fault choices.
    pub seed: u64,
    /// The receiver is down (its port closed: connection refused) from `down_from` for
    /// `down_for`.
    pub down_from: Instant,
    /// How long the downtime lasts.
    pub down_for: Duration,
    /// From then on the legacy endpoint answers 410 Gone (its owner removed it).
    pub legacy_gone_at: Instant,
    /// How long a "timeout" fault holds the request (longer than the sender's timeout).
    pub hang: Duration,
}

/// One fault, drawn per request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    None,
    /// 500 before applying.
    Error500,
    /// 429 with `Retry-After: 2`, before applying.
    TooMany,
    /// Hold the request past the sender's timeout, not applied.
    Hang,
    /// Drop the connection, not applied.
    Drop,
    /// Apply, then answer 500: the sender must retry, the receiver must not apply again.
    AppliedThen500,
    /// Apply, then drop the connection.
    AppliedThenDrop,
    /// Apply, then hold the response past the sender's timeout.
    AppliedThenHang,
}

impl Fault {
    fn name(self) -> &'static str {
        match self {
            Fault::None => "none",
            Fault::Error500 => "500",
            Fault::TooMany => "429",
            Fault::Hang => "hang",
            Fault::Drop => "drop",
            Fault::AppliedThen500 => "applied_then_500",
            Fault::AppliedThenDrop => "applied_then_drop",
            Fault::AppliedThenHang => "applied_then_hang",
        }
    }

    fn before_apply(self) -> bool {
        matches!(
            self,
            Fault::Error500 | Fault::TooMany | Fault::Hang | Fault::Drop
        )
    }
}

struct Shared {
    db: Mutex<Connection>,
    rng: Mutex<Rng>,
    faults: Faults,
    partner: Receiver,
    legacy: Receiver,
}

#[derive(Deserialize)]
struct Peek {
    #[serde(rename = "type")]
    kind: String,
}

/// The order event the POS sends.
#[derive(Debug, Deserialize)]
pub struct OrderEvent {
    /// The event id.
    pub id: String,
    /// The order.
    pub data: Order,
}

/// An order.
#[derive(Debug, Deserialize)]
pub struct Order {
    /// The order id.
    pub order_id: String,
    /// The total, as decimal text.
    pub total: String,
}

/// Opens (and creates) the receiver's database.
pub fn open_db(path: &Path) -> Result<Connection, String> {
    let conn = Connection::open(path).map_err(|e| format!("receiver db: {e}"))?;
    conn.busy_timeout(Duration::from_secs(10))
        .map_err(|e| e.to_string())?;
    conn.execute_batch(SCHEMA)
        .map_err(|e| format!("receiver schema: {e}"))?;
    Ok(conn)
}

/// A running receiver.
#[derive(Debug)]
pub struct Running {
    /// Its address.
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops it.
    pub fn stop(self) {
        self.task.abort();
    }
}

/// Starts the receiver on 127.0.0.1 (port 0), its database at `db`.
pub async fn start(db: &Path, faults: Faults) -> Result<Running, String> {
    let conn = open_db(db)?;
    // The partner checks duplicates twice: the crate's in-memory filter first (cheap, one
    // process), then the UNIQUE index (durable, shared). The legacy endpoint has the index only.
    let partner = Receiver::new(
        Verifier::new(Scheme::Standard, [PARTNER_SECRET]).map_err(|e| e.to_string())?,
        "order.*".parse().map_err(|e| format!("filter: {e}"))?,
    )
    .with_duplicate_filter(DuplicateFilter::new(100_000));
    let legacy = Receiver::new(
        Verifier::new(Scheme::Github, [LEGACY_SECRET]).map_err(|e| e.to_string())?,
        "order.*".parse().map_err(|e| format!("filter: {e}"))?,
    );
    let shared = Arc::new(Shared {
        db: Mutex::new(conn),
        rng: Mutex::new(Rng::new(faults.seed)),
        faults: faults.clone(),
        partner,
        legacy,
    });
    let app = Router::new()
        .route("/hooks/partner", post(partner_hook))
        .route("/hooks/legacy", post(legacy_hook))
        .with_state(shared);
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("bind: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let listener = FaultListener {
        listener: Some(listener),
        addr,
        down_from: faults.down_from,
        down_until: faults.down_from + faults.down_for,
    };
    let task = tokio::spawn(async move {
        let service = app.into_make_service_with_connect_info::<Conn>();
        if let Err(e) = axum::serve(listener, service).await {
            eprintln!("receiver: {e}");
        }
    });
    Ok(Running { addr, task })
}

async fn partner_hook(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<Conn>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(&shared, Endpoint::Partner, &conn, &headers, body).await
}

async fn legacy_hook(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<Conn>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(&shared, Endpoint::Legacy, &conn, &headers, body).await
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    Partner,
    Legacy,
}

impl Endpoint {
    fn name(self) -> &'static str {
        match self {
            Endpoint::Partner => "partner",
            Endpoint::Legacy => "legacy",
        }
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn handle(
    shared: &Shared,
    endpoint: Endpoint,
    conn: &Conn,
    headers: &HeaderMap,
    body: Bytes,
) -> Response {
    let received_ms = unix_ms();
    let now = received_ms.div_euclid(1000);
    let message_id = header(headers, "webhook-id")
        .or_else(|| header(headers, "x-github-delivery"))
        .map(str::to_owned);
    let attempt_ref: Option<i64> = header(headers, "x-demo-attempt").and_then(|v| v.parse().ok());
    let signed_ts: Option<i64> = header(headers, "webhook-timestamp").and_then(|v| v.parse().ok());
    let log = |fault: Fault, verdict: &str, status: Option<u16>| {
        let db = shared.db.lock().unwrap_or_else(|e| e.into_inner());
        let result = db.execute(
            "INSERT INTO arrivals (endpoint, message_id, attempt_ref, signed_ts, received_ms, fault, verdict, status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![endpoint.name(), message_id, attempt_ref, signed_ts, received_ms, fault.name(), verdict, status],
        );
        if let Err(e) = result {
            eprintln!("receiver: logging an arrival: {e}");
        }
    };

    if endpoint == Endpoint::Legacy && Instant::now() >= shared.faults.legacy_gone_at {
        log(Fault::None, "gone", Some(410));
        return StatusCode::GONE.into_response();
    }

    let fault = draw(shared);
    if fault.before_apply() {
        let status = match fault {
            Fault::Error500 | Fault::Hang => Some(500),
            Fault::TooMany => Some(429),
            _ => None,
        };
        log(fault, "not_applied", status);
        return act(shared, fault, conn).await;
    }

    let receiver = match endpoint {
        Endpoint::Partner => &shared.partner,
        Endpoint::Legacy => &shared.legacy,
    };
    let event_type = serde_json::from_slice::<Peek>(&body)
        .map(|p| p.kind)
        .unwrap_or_default();
    let received: Result<Received<OrderEvent>, _> =
        receiver.receive_json(headers, body, now, &event_type, None);
    let (verdict, ok) = match received {
        Ok(Received {
            event, dedup_key, ..
        }) => {
            // The durable check: the key's UNIQUE index, in the transaction that applies.
            match apply(shared, endpoint, &dedup_key, &event, received_ms) {
                Ok(verdict) => (verdict, StatusCode::NO_CONTENT),
                Err(e) => {
                    // Not applied: its retry must not count as a duplicate.
                    receiver.forget(&dedup_key);
                    eprintln!("receiver: applying: {e}");
                    log(fault, "db_error", Some(503));
                    return StatusCode::SERVICE_UNAVAILABLE.into_response();
                }
            }
        }
        // The crate's in-memory filter saw the key within its window: answered 2xx, not applied.
        Err(e @ ReceiveError::Duplicate { .. }) => ("duplicate", e.status()),
        Err(e) => {
            // The crate says which status answers this refusal.
            let status = e.status();
            eprintln!("receiver: refused ({status}): {e}");
            log(fault, "rejected", Some(status.as_u16()));
            return status.into_response();
        }
    };
    let status = match fault {
        Fault::AppliedThen500 | Fault::AppliedThenHang => Some(500),
        Fault::AppliedThenDrop => None,
        _ => Some(ok.as_u16()),
    };
    log(fault, verdict, status);
    match fault {
        Fault::None => ok.into_response(),
        _ => act(shared, fault, conn).await,
    }
}

/// Applies the order and records its duplicate key in one transaction; "duplicate_db" when the
/// key was already there (then nothing is applied).
fn apply(
    shared: &Shared,
    endpoint: Endpoint,
    key: &DedupKey,
    event: &OrderEvent,
    now_ms: i64,
) -> Result<&'static str, rusqlite::Error> {
    let mut db = shared.db.lock().unwrap_or_else(|e| e.into_inner());
    let tx = db.transaction()?;
    let fresh = tx.execute(
        "INSERT OR IGNORE INTO processed (endpoint, dedup_key, expires_at) VALUES (?1, ?2, ?3)",
        params![endpoint.name(), key.to_string(), key.expires_at()],
    )?;
    if fresh == 0 {
        return Ok("duplicate_db");
    }
    tx.execute(
        "INSERT INTO orders (endpoint, event_id, order_id, total, applied_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![endpoint.name(), event.id, event.data.order_id, event.data.total, now_ms],
    )?;
    tx.commit()?;
    Ok("applied")
}

fn draw(shared: &Shared) -> Fault {
    let mut rng = shared.rng.lock().unwrap_or_else(|e| e.into_inner());
    if rng.unit() >= shared.faults.rate {
        return Fault::None;
    }
    let kinds = [
        (0.20, Fault::Error500),
        (0.15, Fault::TooMany),
        (0.10, Fault::Hang),
        (0.15, Fault::Drop),
        (0.15, Fault::AppliedThen500),
        (0.15, Fault::AppliedThenDrop),
        (0.10, Fault::AppliedThenHang),
    ];
    let mut x = rng.unit();
    for (weight, fault) in kinds {
        if x < weight {
            return fault;
        }
        x -= weight;
    }
    Fault::Error500
}

async fn act(shared: &Shared, fault: Fault, conn: &Conn) -> Response {
    match fault {
        Fault::None => StatusCode::NO_CONTENT.into_response(),
        Fault::Error500 | Fault::AppliedThen500 => {
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Fault::TooMany => (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "2")]).into_response(),
        Fault::Hang | Fault::AppliedThenHang => {
            tokio::time::sleep(shared.faults.hang).await;
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Fault::Drop | Fault::AppliedThenDrop => {
            // The response is never written: the connection fails on its first write.
            conn.kill.store(true, Ordering::SeqCst);
            StatusCode::NO_CONTENT.into_response()
        }
    }
}

/// A connection's info for the handlers: the peer, and a switch that drops the connection.
#[derive(Clone, Debug)]
struct Conn {
    #[allow(dead_code)]
    peer: SocketAddr,
    kill: Arc<AtomicBool>,
}

impl axum::extract::connect_info::Connected<IncomingStream<'_, FaultListener>> for Conn {
    fn connect_info(stream: IncomingStream<'_, FaultListener>) -> Conn {
        stream.remote_addr().clone()
    }
}

/// A TCP listener that closes its port during the downtime (clients get "connection refused")
/// and opens it again after, and whose connections can be dropped by a handler.
struct FaultListener {
    listener: Option<TcpListener>,
    addr: SocketAddr,
    down_from: Instant,
    down_until: Instant,
}

impl Listener for FaultListener {
    type Io = Killable;
    type Addr = Conn;

    async fn accept(&mut self) -> (Killable, Conn) {
        loop {
            let now = Instant::now();
            if now >= self.down_from && now < self.down_until {
                if self.listener.take().is_some() {
                    eprintln!("receiver: down (port closed)");
                }
                tokio::time::sleep_until(self.down_until).await;
                continue;
            }
            let listener = match &self.listener {
                Some(listener) => listener,
                None => match TcpListener::bind(self.addr).await {
                    Ok(listener) => {
                        eprintln!("receiver: up again");
                        self.listener.insert(listener)
                    }
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                },
            };
            let until_down = if now < self.down_from {
                self.down_from - now
            } else {
                Duration::from_secs(3600)
            };
            tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((stream, peer)) => {
                        let kill = Arc::new(AtomicBool::new(false));
                        return (Killable { stream, kill: kill.clone() }, Conn { peer, kill });
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
                },
                () = tokio::time::sleep(until_down) => {}
            }
        }
    }

    fn local_addr(&self) -> io::Result<Conn> {
        Ok(Conn {
            peer: self.addr,
            kill: Arc::new(AtomicBool::new(false)),
        })
    }
}

/// A TCP stream that fails every read and write once its switch is set, so the server drops
/// the connection without answering.
struct Killable {
    stream: TcpStream,
    kill: Arc<AtomicBool>,
}

impl Killable {
    fn killed(&self) -> bool {
        self.kill.load(Ordering::SeqCst)
    }
}

fn dropped() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "fault: connection dropped",
    )
}

impl AsyncRead for Killable {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.killed() {
            return Poll::Ready(Err(dropped()));
        }
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Killable {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.killed() {
            return Poll::Ready(Err(dropped()));
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
