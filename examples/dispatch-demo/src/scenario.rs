//! The whole run on one machine: the receiver (in this process), the POS writing its outbox,
//! the dispatcher as a child process that is killed with SIGKILL mid-run and started again,
//! and the summary measured from the receiver's database.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

use pos_webhooks::{Auth, Endpoint, EndpointSet, Scheme};
use rusqlite::params;
use tokio::time::Instant;

use crate::attempts::{self, Which};
use crate::receiver::{self, Faults, LEGACY_SECRET, PARTNER_SECRET};
use crate::{dispatcher, unix_ms};

/// Everything a run can be told; [`Options::new`] gives the defaults.
#[derive(Clone, Debug)]
pub struct Options {
    /// How many order events the POS creates.
    pub events: usize,
    /// The share of requests the receiver answers with a fault.
    pub fault_rate: f64,
    /// The seed of the fault choices.
    pub seed: u64,
    /// Where the two databases go (kept); a fresh temporary directory (removed) when `None`.
    pub dir: Option<PathBuf>,
    /// How many attempts the dispatcher has in flight at most.
    pub concurrency: usize,
    /// The POS creates its events evenly over this long.
    pub produce_for: Duration,
    /// When the dispatcher is killed (SIGKILL), from the start.
    pub kill_at: Duration,
    /// How long it stays dead.
    pub dead_for: Duration,
    /// When the receiver goes down (port closed), from the start.
    pub down_at: Duration,
    /// How long it stays down.
    pub down_for: Duration,
    /// When the legacy endpoint starts answering 410 Gone, from the start.
    pub legacy_gone_at: Duration,
    /// The run fails if the dispatcher has not finished by then.
    pub deadline: Duration,
}

impl Options {
    /// The defaults, for `events` events at `fault_rate`.
    pub fn new(events: usize, fault_rate: f64) -> Options {
        Options {
            events,
            fault_rate,
            seed: 7,
            dir: None,
            concurrency: 32,
            produce_for: Duration::from_secs(4),
            kill_at: Duration::from_millis(1500),
            dead_for: Duration::from_millis(1000),
            down_at: Duration::from_millis(4500),
            down_for: Duration::from_secs(2),
            legacy_gone_at: Duration::from_secs(3),
            deadline: Duration::from_secs(90),
        }
    }
}

/// What the run measured. Counts about the partner endpoint are read from the receiver's
/// database; `events` is the POS's outbox.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// Events the POS created.
    pub events: i64,
    /// Events the receiver applied (distinct).
    pub applied: i64,
    /// Events created and never applied.
    pub lost: i64,
    /// Events applied more than once.
    pub applied_twice: i64,
    /// Requests that reached the receiver.
    pub attempts: i64,
    /// Requests that reached it beyond the first of their message.
    pub retries: i64,
    /// Requests answered 2xx as duplicates, not applied again.
    pub duplicates_suppressed: i64,
    /// Requests (to any endpoint) sent after their endpoint was disabled.
    pub sent_to_disabled: i64,
    /// Wall time of the run.
    pub seconds: f64,
}

impl Summary {
    /// The one line the program ends with.
    pub fn line(&self) -> String {
        format!(
            "summary: events={} applied={} lost={} applied_twice={} attempts={} retries={} duplicates_suppressed={} sent_to_disabled={} seconds={:.1}",
            self.events,
            self.applied,
            self.lost,
            self.applied_twice,
            self.attempts,
            self.retries,
            self.duplicates_suppressed,
            self.sent_to_disabled,
            self.seconds
        )
    }

    /// Nothing lost, nothing applied twice, nothing sent to a disabled endpoint.
    pub fn ok(&self) -> bool {
        self.lost == 0
            && self.applied_twice == 0
            && self.sent_to_disabled == 0
            && self.applied == self.events
    }
}

/// Kills the child on drop, so no dispatcher outlives a failed run.
struct Dispatcher(Option<Child>);

impl Dispatcher {
    fn spawn(db: &Path, options: &Options) -> Result<Dispatcher, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let child = Command::new(exe)
            .arg("dispatcher")
            .arg("--db")
            .arg(db)
            .arg("--concurrency")
            .arg(options.concurrency.to_string())
            .spawn()
            .map_err(|e| format!("starting the dispatcher: {e}"))?;
        Ok(Dispatcher(Some(child)))
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill(); // SIGKILL
            let _ = child.wait();
        }
    }

    fn exited(&mut self) -> Result<Option<std::process::ExitStatus>, String> {
        match &mut self.0 {
            Some(child) => child.try_wait().map_err(|e| e.to_string()),
            None => Ok(None),
        }
    }
}

impl Drop for Dispatcher {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Removes the temporary directory on drop (unless the caller gave one).
struct Dir {
    path: PathBuf,
    remove: bool,
}

impl Drop for Dir {
    fn drop(&mut self) {
        if self.remove {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Runs the scenario.
pub async fn run(options: &Options) -> Result<Summary, String> {
    let dir = match &options.dir {
        Some(path) => {
            std::fs::create_dir_all(path).map_err(|e| format!("{}: {e}", path.display()))?;
            Dir {
                path: path.clone(),
                remove: false,
            }
        }
        None => {
            let path = std::env::temp_dir().join(format!(
                "dispatch-demo-{}-{}",
                std::process::id(),
                unix_ms()
            ));
            std::fs::create_dir_all(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            Dir { path, remove: true }
        }
    };
    let dispatcher_db = dir.path.join("dispatcher.sqlite");
    let receiver_db = dir.path.join("receiver.sqlite");
    for path in [&dispatcher_db, &receiver_db] {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
    }

    let start = Instant::now();
    let start_ms = unix_ms();
    let receiver = receiver::start(
        &receiver_db,
        Faults {
            rate: options.fault_rate,
            seed: options.seed,
            down_from: start + options.down_at,
            down_for: options.down_for,
            legacy_gone_at: start + options.legacy_gone_at,
            // Longer than the policies' timeout: the dispatcher gives up first.
            hang: Duration::from_secs(attempts::policy(Which::Partner).timeout_secs().into())
                + Duration::from_millis(500),
        },
    )
    .await?;
    eprintln!(
        "demo: receiver on {}, databases in {}",
        receiver.addr,
        dir.path.display()
    );

    // The POS's endpoints: the partner's Standard Webhooks endpoint, and a legacy one.
    let mut set = EndpointSet::new();
    let endpoint = |path: &str, scheme: Scheme, secret: &str| {
        Endpoint::builder(&format!("http://{}{path}", receiver.addr))
            .allow_http()
            .auth(Auth::Signature {
                scheme,
                secrets: vec![secret.into()],
            })
            .filter("order.*".parse().map_err(|e| format!("filter: {e}"))?)
            .build()
            .map_err(|e| format!("endpoint: {e}"))
    };
    let partner = set.create(endpoint(
        "/hooks/partner",
        Scheme::Standard,
        PARTNER_SECRET,
    )?);
    let legacy = set.create(endpoint("/hooks/legacy", Scheme::Github, LEGACY_SECRET)?);
    {
        let conn = dispatcher::open_db(&dispatcher_db)?;
        dispatcher::init_endpoints(
            &conn,
            &set,
            &[(partner, Which::Partner), (legacy, Which::Legacy)],
        )?;
    }

    // The POS: creates its orders evenly over `produce_for`, in its own connection.
    let producer = {
        let db = dispatcher_db.clone();
        let events = options.events;
        let produce_for = options.produce_for;
        std::thread::spawn(move || produce(&db, events, produce_for))
    };

    let mut child = Dispatcher::spawn(&dispatcher_db, options)?;
    tokio::time::sleep_until(start + options.kill_at).await;
    child.kill();
    eprintln!(
        "demo: dispatcher killed (SIGKILL) at +{:.1}s",
        start.elapsed().as_secs_f64()
    );
    tokio::time::sleep(options.dead_for).await;
    let mut child = Dispatcher::spawn(&dispatcher_db, options)?;
    eprintln!(
        "demo: dispatcher started again at +{:.1}s",
        start.elapsed().as_secs_f64()
    );

    let status = loop {
        if let Some(status) = child.exited()? {
            break status;
        }
        if start.elapsed() > options.deadline {
            child.kill();
            receiver.stop();
            return Err(format!(
                "the dispatcher had not finished after {:?}",
                options.deadline
            ));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let seconds = start.elapsed().as_secs_f64();
    receiver.stop();
    producer
        .join()
        .map_err(|_| "the POS thread panicked".to_owned())??;
    if !status.success() {
        return Err(format!("the dispatcher failed: {status}"));
    }
    let summary = measure(&dispatcher_db, &receiver_db, seconds)?;
    report_legacy(&dispatcher_db, &receiver_db, start_ms)?;
    Ok(summary)
}

/// The POS: writes `events` orders into the outbox evenly over `over`, then marks itself done.
fn produce(db: &Path, events: usize, over: Duration) -> Result<(), String> {
    let conn = dispatcher::open_db(db)?;
    let start = std::time::Instant::now();
    for i in 0..events {
        let due = over.mul_f64(i as f64 / events.max(1) as f64);
        if let Some(wait) = due.checked_sub(start.elapsed()) {
            std::thread::sleep(wait);
        }
        let n = i + 1;
        let event_id = format!("evt_{n:06}");
        let body = serde_json::json!({
            "type": "order.created",
            "id": event_id,
            "data": {
                "order_id": format!("ord_{n:06}"),
                "total": format!("{}.{:02}", 5 + n % 40, n % 100),
            }
        });
        conn.execute(
            "INSERT INTO outbox (event_id, event_type, body, created_ms) VALUES (?1, 'order.created', ?2, ?3)",
            params![event_id, body.to_string().into_bytes(), unix_ms()],
        )
        .map_err(|e| format!("pos: {e}"))?;
    }
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('producer_done', '1')",
        [],
    )
    .map_err(|e| format!("pos: {e}"))?;
    Ok(())
}

fn measure(dispatcher_db: &Path, receiver_db: &Path, seconds: f64) -> Result<Summary, String> {
    let conn = receiver::open_db(receiver_db)?;
    let e = |e: rusqlite::Error| format!("measuring: {e}");
    conn.execute(
        "ATTACH DATABASE ?1 AS pos",
        params![dispatcher_db.to_string_lossy()],
    )
    .map_err(e)?;
    let one = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).map_err(e);
    Ok(Summary {
        events: one("SELECT count(*) FROM pos.outbox")?,
        applied: one("SELECT count(DISTINCT event_id) FROM orders WHERE endpoint = 'partner'")?,
        lost: one("SELECT count(*) FROM pos.outbox o WHERE NOT EXISTS
               (SELECT 1 FROM orders r WHERE r.endpoint = 'partner' AND r.event_id = o.event_id)")?,
        applied_twice: one(
            "SELECT count(*) FROM (SELECT event_id FROM orders WHERE endpoint = 'partner'
               GROUP BY event_id HAVING count(*) > 1)",
        )?,
        attempts: one("SELECT count(*) FROM arrivals WHERE endpoint = 'partner'")?,
        retries: one(
            "SELECT count(*) - count(DISTINCT message_id) FROM arrivals WHERE endpoint = 'partner'",
        )?,
        duplicates_suppressed: one(
            "SELECT count(*) FROM arrivals WHERE endpoint = 'partner' AND verdict LIKE 'duplicate%'",
        )?,
        // Arrivals of attempts the dispatcher started after their endpoint was disabled, and
        // arrivals no attempt of the dispatcher accounts for.
        sent_to_disabled: one("SELECT count(*) FROM arrivals a
               LEFT JOIN pos.attempt_log l ON l.id = a.attempt_ref
               LEFT JOIN pos.endpoint_info i ON i.endpoint_id = l.endpoint_id
             WHERE l.id IS NULL OR l.id > i.disabled_after_attempt")?,
        seconds,
    })
}

fn report_legacy(dispatcher_db: &Path, receiver_db: &Path, start_ms: i64) -> Result<(), String> {
    let conn = receiver::open_db(receiver_db)?;
    let e = |e: rusqlite::Error| format!("measuring: {e}");
    conn.execute(
        "ATTACH DATABASE ?1 AS pos",
        params![dispatcher_db.to_string_lossy()],
    )
    .map_err(e)?;
    let (disabled_at, dropped, applied, twice): (Option<i64>, i64, i64, i64) = conn
        .query_row(
            "SELECT (SELECT max(disabled_at_ms) FROM pos.endpoint_info),
                    (SELECT count(*) FROM pos.attempts WHERE status = 'dropped'),
                    (SELECT count(DISTINCT event_id) FROM orders WHERE endpoint = 'legacy'),
                    (SELECT count(*) FROM (SELECT event_id FROM orders WHERE endpoint = 'legacy'
                       GROUP BY event_id HAVING count(*) > 1))",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .map_err(e)?;
    let incarnations: i64 = conn
        .query_row("SELECT count(*) FROM pos.incarnations", [], |r| r.get(0))
        .map_err(e)?;
    eprintln!(
        "demo: legacy endpoint: applied {applied} (twice: {twice}), disabled at {}, {dropped} pending attempts dropped; dispatcher incarnations: {incarnations}",
        disabled_at.map_or("never".to_owned(), |t| format!(
            "+{:.1}s",
            (t - start_ms) as f64 / 1000.0
        ))
    );
    Ok(())
}
