//! The POS dispatcher: its outbox, endpoints and per-(message, endpoint) attempt states live in
//! SQLite and nowhere else (it can be killed at any instant and started again); it sends with
//! reqwest and does what the crate's state machine decides.

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use pos_webhooks::{
    EndpointHealth, EndpointId, EndpointSet, GiveUpReason, Next, Outcome, OutgoingEvent,
    RequestError, RetryPolicy, SendAttempt,
};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use crate::attempts::{self, Which};
use crate::unix_ms;

/// The dispatcher's tables.
///
/// - `meta`: the crate's `EndpointSet` (as its JSON) and `producer_done`;
/// - `endpoint_info`: each endpoint's `RetryPolicy` and `EndpointHealth` (the crate's, as
///   JSON), and when it was disabled (time, last attempt before) and why;
/// - `outbox`: events written by the POS (in the POS's own transaction, the outbox pattern);
/// - `attempts`: one row per (message, endpoint): the crate's `SendAttempt` as JSON, the status
///   (`pending`, `done`, `gave_up`, `disabled`, `dropped`) and when it is due;
/// - `attempt_log`: one row per send attempt, written *before* the request leaves (so a crash
///   leaves a row without an outcome) and completed in the same transaction that stores the
///   crate's next state;
/// - `incarnations`: one row per start of the dispatcher process.
pub const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS endpoint_info (
    endpoint_id    INTEGER PRIMARY KEY,
    which          TEXT NOT NULL,
    policy         TEXT NOT NULL,
    health         TEXT NOT NULL,
    disabled_at_ms INTEGER,
    -- The last attempt_log id when it was disabled: any later attempt would be sent to a
    -- disabled endpoint (exact, unlike comparing clock readings of concurrent tasks).
    disabled_after_attempt INTEGER,
    disabled_why   TEXT
);
CREATE TABLE IF NOT EXISTS outbox (
    seq        INTEGER PRIMARY KEY,
    event_id   TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    body       BLOB NOT NULL,
    created_ms INTEGER NOT NULL,
    fanned_out INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS outbox_new ON outbox (fanned_out, seq);
CREATE TABLE IF NOT EXISTS attempts (
    message_id  TEXT NOT NULL,
    endpoint_id INTEGER NOT NULL,
    state       TEXT NOT NULL,
    status      TEXT NOT NULL,
    due_ms      INTEGER NOT NULL,
    PRIMARY KEY (message_id, endpoint_id)
);
CREATE INDEX IF NOT EXISTS attempts_due ON attempts (status, due_ms);
CREATE TABLE IF NOT EXISTS attempt_log (
    id           INTEGER PRIMARY KEY,
    message_id   TEXT NOT NULL,
    endpoint_id  INTEGER NOT NULL,
    attempt_no   INTEGER NOT NULL,
    scheduled_ms INTEGER NOT NULL,
    started_ms   INTEGER NOT NULL,
    signed_ts    INTEGER NOT NULL,
    incarnation  INTEGER NOT NULL,
    finished_ms  INTEGER,
    now_s        INTEGER,
    outcome      TEXT,
    retry_after_s INTEGER,
    decision     TEXT,
    next_at_s    INTEGER
);
CREATE TABLE IF NOT EXISTS incarnations (
    n          INTEGER PRIMARY KEY,
    pid        INTEGER NOT NULL,
    started_ms INTEGER NOT NULL
);
";

/// Opens the dispatcher's database (creating its tables).
pub fn open_db(path: &Path) -> Result<Connection, String> {
    let conn = Connection::open(path).map_err(|e| format!("dispatcher db: {e}"))?;
    conn.busy_timeout(Duration::from_secs(10))
        .map_err(|e| e.to_string())?;
    conn.execute_batch(SCHEMA)
        .map_err(|e| format!("dispatcher schema: {e}"))?;
    Ok(conn)
}

fn db_err(e: rusqlite::Error) -> String {
    format!("dispatcher db: {e}")
}

/// Stores the endpoint set and which policy each endpoint follows.
pub fn init_endpoints(
    conn: &Connection,
    set: &EndpointSet,
    which: &[(EndpointId, Which)],
) -> Result<(), String> {
    let json = serde_json::to_string(set).map_err(|e| e.to_string())?;
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('endpoint_set', ?1)",
        params![json],
    )
    .map_err(db_err)?;
    for (id, w) in which {
        conn.execute(
            "INSERT OR REPLACE INTO endpoint_info (endpoint_id, which, policy, health) VALUES (?1, ?2, ?3, ?4)",
            params![
                id.0 as i64,
                to_json(w)?,
                to_json(&attempts::policy(*w))?,
                to_json(&EndpointHealth::new())?
            ],
        )
        .map_err(db_err)?;
    }
    Ok(())
}

fn load_set(conn: &Connection) -> Result<EndpointSet, String> {
    let json: String = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'endpoint_set'",
            [],
            |r| r.get(0),
        )
        .map_err(db_err)?;
    serde_json::from_str(&json).map_err(|e| format!("endpoint set: {e}"))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_json::to_string(value).map_err(|e| format!("to json: {e}"))
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| format!("from json: {e}"))
}

/// The endpoint's policy and health, as stored.
fn policy_and_health(
    conn: &Connection,
    id: EndpointId,
) -> Result<(RetryPolicy, EndpointHealth), String> {
    let (policy, health): (String, String) = conn
        .query_row(
            "SELECT policy, health FROM endpoint_info WHERE endpoint_id = ?1",
            params![id.0 as i64],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(db_err)?;
    Ok((from_json(&policy)?, from_json(&health)?))
}

struct Shared {
    db: Mutex<Connection>,
    client: reqwest::Client,
    inflight: Mutex<HashSet<(String, i64)>>,
    incarnation: i64,
}

impl Shared {
    fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Runs the dispatcher until the POS is done and nothing is pending (or its parent is gone).
pub async fn run(db_path: &Path, concurrency: usize) -> Result<(), String> {
    let conn = open_db(db_path)?;
    let started = unix_ms();
    conn.execute(
        "INSERT INTO incarnations (pid, started_ms) VALUES (?1, ?2)",
        params![std::process::id(), started],
    )
    .map_err(db_err)?;
    let incarnation = conn.last_insert_rowid();
    let resumed: i64 = conn
        .query_row(
            "SELECT count(*) FROM attempt_log WHERE finished_ms IS NULL",
            [],
            |r| r.get(0),
        )
        .map_err(db_err)?;
    eprintln!(
        "dispatcher: incarnation {incarnation} (pid {}), {resumed} attempts without a known outcome from before",
        std::process::id()
    );
    let client = reqwest::Client::builder()
        // The timeout is the policy's, per request. One connection per attempt: the receiver's downtime is then "connection refused".
        .pool_max_idle_per_host(0)
        .build()
        .map_err(|e| format!("http client: {e}"))?;
    let shared = Arc::new(Shared {
        db: Mutex::new(conn),
        client,
        inflight: Mutex::new(HashSet::new()),
        incarnation,
    });
    let parent = std::os::unix::process::parent_id();
    let mut tasks = tokio::task::JoinSet::new();
    loop {
        while tasks.try_join_next().is_some() {}
        if std::os::unix::process::parent_id() != parent {
            return Err("the orchestrator is gone".to_owned());
        }
        let now_ms = unix_ms();
        fan_out(&shared, now_ms)?;
        let free = concurrency.saturating_sub(tasks.len());
        let due = claim_due(&shared, now_ms, free)?;
        for key in due {
            let shared = shared.clone();
            tasks.spawn(async move {
                let key2 = key.clone();
                if let Err(e) = send_one(&shared, &key.0, EndpointId(key.1 as u64)).await {
                    eprintln!("dispatcher: {e}");
                }
                shared
                    .inflight
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(&key2);
            });
        }
        if tasks.is_empty() && finished(&shared)? {
            eprintln!("dispatcher: nothing pending, the POS is done: exiting");
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn finished(shared: &Shared) -> Result<bool, String> {
    let db = shared.db();
    let done: Option<String> = db
        .query_row(
            "SELECT value FROM meta WHERE key = 'producer_done'",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(db_err)?;
    let open: i64 = db
        .query_row(
            "SELECT (SELECT count(*) FROM attempts WHERE status = 'pending')
                  + (SELECT count(*) FROM outbox WHERE fanned_out = 0)",
            [],
            |r| r.get(0),
        )
        .map_err(db_err)?;
    Ok(done.is_some() && open == 0)
}

/// New outbox rows become one pending attempt state per enabled endpoint that wants them
/// (the crate's `EndpointSet::targets`), due now; all in one transaction.
fn fan_out(shared: &Shared, now_ms: i64) -> Result<(), String> {
    let mut db = shared.db();
    let tx = db
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(db_err)?;
    let rows: Vec<(i64, String, String)> = {
        let mut stmt = tx
            .prepare("SELECT seq, event_id, event_type FROM outbox WHERE fanned_out = 0 ORDER BY seq LIMIT 500")
            .map_err(db_err)?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(db_err)?
            .collect::<Result<_, _>>()
            .map_err(db_err)?
    };
    if rows.is_empty() {
        return Ok(());
    }
    let set = load_set(&tx)?;
    for (seq, event_id, event_type) in rows {
        for (id, _) in set.targets(&event_type, None) {
            tx.execute(
                "INSERT OR IGNORE INTO attempts (message_id, endpoint_id, state, status, due_ms)
                 VALUES (?1, ?2, ?3, 'pending', ?4)",
                params![
                    event_id,
                    id.0 as i64,
                    to_json(&SendAttempt::new(
                        event_id.as_str(),
                        now_ms.div_euclid(1000)
                    ))?,
                    now_ms
                ],
            )
            .map_err(db_err)?;
        }
        tx.execute(
            "UPDATE outbox SET fanned_out = 1 WHERE seq = ?1",
            params![seq],
        )
        .map_err(db_err)?;
    }
    tx.commit().map_err(db_err)
}

fn claim_due(shared: &Shared, now_ms: i64, free: usize) -> Result<Vec<(String, i64)>, String> {
    if free == 0 {
        return Ok(Vec::new());
    }
    let db = shared.db();
    let mut inflight = shared.inflight.lock().unwrap_or_else(|e| e.into_inner());
    let mut stmt = db
        .prepare_cached(
            "SELECT message_id, endpoint_id FROM attempts
             WHERE status = 'pending' AND due_ms <= ?1 ORDER BY due_ms LIMIT ?2",
        )
        .map_err(db_err)?;
    let rows = stmt
        .query_map(params![now_ms, (free + inflight.len()) as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })
        .map_err(db_err)?;
    let mut due = Vec::new();
    for row in rows {
        let key = row.map_err(db_err)?;
        if due.len() < free && !inflight.contains(&key) {
            inflight.insert(key.clone());
            due.push(key);
        }
    }
    Ok(due)
}

/// One send attempt: build the request with the crate (same message id, fresh timestamp and
/// signature), record the attempt, send, then store what the crate decides from the outcome.
async fn send_one(shared: &Shared, message_id: &str, endpoint: EndpointId) -> Result<(), String> {
    let prepared = {
        let mut db = shared.db();
        let tx = db
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_err)?;
        let row: Option<(String, String, i64, String, Vec<u8>)> = tx
            .query_row(
                "SELECT a.state, a.status, a.due_ms, o.event_type, o.body
                 FROM attempts a JOIN outbox o ON o.event_id = a.message_id
                 WHERE a.message_id = ?1 AND a.endpoint_id = ?2",
                params![message_id, endpoint.0 as i64],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()
            .map_err(db_err)?;
        let Some((state, status, due_ms, event_type, body)) = row else {
            return Ok(());
        };
        if status != "pending" {
            return Ok(());
        }
        let mut attempt: SendAttempt = from_json(&state)?;
        let (policy, _) = policy_and_health(&tx, endpoint)?;
        let set = load_set(&tx)?;
        let Some(target) = set.get(endpoint) else {
            return Err(format!("no endpoint {endpoint}"));
        };
        let started_ms = unix_ms();
        let now = started_ms.div_euclid(1000);
        let event = OutgoingEvent::new(event_type.as_str(), Bytes::from(body));
        let request = match attempt.request(target, &event, now) {
            Ok(request) => request,
            Err(RequestError::Disabled) => {
                // Disabling drops the pending attempts in the same transaction, so this is
                // not reached; if it were, the crate's answer is to drop this one too.
                attempt.endpoint_disabled(now);
                tx.execute(
                    "UPDATE attempts SET state = ?3, status = 'dropped' WHERE message_id = ?1 AND endpoint_id = ?2",
                    params![message_id, endpoint.0 as i64, to_json(&attempt)?],
                )
                .map_err(db_err)?;
                return tx.commit().map_err(db_err);
            }
            Err(e) => return Err(format!("building the request of {message_id}: {e}")),
        };
        tx.execute(
            "INSERT INTO attempt_log (message_id, endpoint_id, attempt_no, scheduled_ms, started_ms, signed_ts, incarnation)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![message_id, endpoint.0 as i64, attempt.attempts() + 1, due_ms, started_ms, now, shared.incarnation],
        )
        .map_err(db_err)?;
        let log_id = tx.last_insert_rowid();
        tx.commit().map_err(db_err)?;
        (
            request,
            log_id,
            Duration::from_secs(policy.timeout_secs().into()),
        )
    };
    let (mut request, log_id, timeout) = prepared;
    // The demo's own header, so the measurement can tell which attempt reached the receiver.
    request
        .headers_mut()
        .insert("x-demo-attempt", http::HeaderValue::from(log_id));
    let (outcome, label) = send(&shared.client, request, timeout).await;
    let finished_ms = unix_ms();
    let now = finished_ms.div_euclid(1000);
    let retry_after = match outcome {
        Outcome::Status {
            retry_after: Some(r),
            ..
        } => Some(r.delay(now) as i64),
        _ => None,
    };

    let mut db = shared.db();
    let tx = db
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(db_err)?;
    let (state, status): (String, String) = tx
        .query_row(
            "SELECT state, status FROM attempts WHERE message_id = ?1 AND endpoint_id = ?2",
            params![message_id, endpoint.0 as i64],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(db_err)?;
    let (decision, next_at) = if status != "pending" {
        // The endpoint was disabled while this attempt was out: its state is already dropped.
        ("dropped_meanwhile".to_owned(), None)
    } else {
        let mut attempt: SendAttempt = from_json(&state)?;
        let (policy, mut health) = policy_and_health(&tx, endpoint)?;
        let decision = attempt.record(&policy, &mut health, now, outcome, 0);
        let (status, due_ms, next_at) = match decision.next {
            Next::RetryAt { at, .. } => ("pending", at * 1000, Some(at)),
            Next::Done => ("done", finished_ms, None),
            Next::GiveUp {
                reason: GiveUpReason::EndpointDisabled,
            } => ("dropped", finished_ms, None),
            Next::DisableEndpoint { .. } => ("disabled", finished_ms, None),
            Next::GiveUp { .. } => ("gave_up", finished_ms, None),
        };
        tx.execute(
            "UPDATE attempts SET state = ?3, status = ?4, due_ms = ?5 WHERE message_id = ?1 AND endpoint_id = ?2",
            params![message_id, endpoint.0 as i64, to_json(&attempt)?, status, due_ms],
        )
        .map_err(db_err)?;
        tx.execute(
            "UPDATE endpoint_info SET health = ?2 WHERE endpoint_id = ?1",
            params![endpoint.0 as i64, to_json(&health)?],
        )
        .map_err(db_err)?;
        if let Next::DisableEndpoint { reason } = decision.next {
            disable(&tx, endpoint, &reason.to_string())?;
        }
        (attempts::label(&decision.next), next_at)
    };
    tx.execute(
        "UPDATE attempt_log SET finished_ms = ?2, now_s = ?3, outcome = ?4, retry_after_s = ?5, decision = ?6, next_at_s = ?7
         WHERE id = ?1",
        params![log_id, finished_ms, now, label, retry_after, decision, next_at],
    )
    .map_err(db_err)?;
    tx.commit().map_err(db_err)
}

/// Disables the endpoint in the crate's `EndpointSet` and drops its pending attempts (they are
/// not replayed if it is enabled again), in the caller's transaction.
fn disable(tx: &Transaction<'_>, endpoint: EndpointId, why: &str) -> Result<(), String> {
    // Read inside the transaction: every attempt that started before it is in the log.
    let now_ms = unix_ms();
    let mut set = load_set(tx)?;
    set.disable(endpoint).map_err(|e| e.to_string())?;
    let json = serde_json::to_string(&set).map_err(|e| e.to_string())?;
    tx.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'endpoint_set'",
        params![json],
    )
    .map_err(db_err)?;
    tx.execute(
        "UPDATE endpoint_info SET disabled_at_ms = ?2, disabled_why = ?3,
           disabled_after_attempt = (SELECT coalesce(max(id), 0) FROM attempt_log)
         WHERE endpoint_id = ?1",
        params![endpoint.0 as i64, now_ms, why],
    )
    .map_err(db_err)?;
    let pending: Vec<(String, String)> = {
        let mut stmt = tx
            .prepare("SELECT message_id, state FROM attempts WHERE endpoint_id = ?1 AND status = 'pending'")
            .map_err(db_err)?;
        stmt.query_map(params![endpoint.0 as i64], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(db_err)?
            .collect::<Result<_, _>>()
            .map_err(db_err)?
    };
    let now = now_ms.div_euclid(1000);
    for (message_id, state) in &pending {
        let mut attempt: SendAttempt = from_json(state)?;
        attempt.endpoint_disabled(now);
        tx.execute(
            "UPDATE attempts SET state = ?3, status = 'dropped' WHERE message_id = ?1 AND endpoint_id = ?2",
            params![message_id, endpoint.0 as i64, to_json(&attempt)?],
        )
        .map_err(db_err)?;
    }
    let dropped = pending.len();
    eprintln!("dispatcher: disabled {endpoint} ({why}); dropped {dropped} pending attempts");
    Ok(())
}

/// Sends one request; the crate's [`Outcome`] and a finer label for the log.
async fn send(
    client: &reqwest::Client,
    request: http::Request<Bytes>,
    timeout: Duration,
) -> (Outcome, String) {
    let mut request = match reqwest::Request::try_from(request) {
        Ok(r) => r,
        Err(e) => return (Outcome::Connect, format!("unsendable: {e}")),
    };
    *request.timeout_mut() = Some(timeout);
    match client.execute(request).await {
        Ok(response) => {
            let outcome = Outcome::from_response(response.status(), response.headers());
            let label = response.status().as_u16().to_string();
            // Read the body so the exchange is complete (its content is not used).
            let _ = response.bytes().await;
            (outcome, label)
        }
        Err(e) if e.is_timeout() => (Outcome::Timeout, "timeout".to_owned()),
        Err(e) if e.is_connect() => (Outcome::Connect, "connect".to_owned()),
        // Closed before an answer: a connection failure to the crate.
        Err(_) => (Outcome::Connect, "dropped".to_owned()),
    }
}
