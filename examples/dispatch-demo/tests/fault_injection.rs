//! The whole scenario on 127.0.0.1: 200 events, a fault rate of 0.3, the receiver down for a
//! stretch, the dispatcher killed with SIGKILL and started again. Then the two SQLite
//! databases are checked: every event applied exactly once, none lost, nothing sent to a
//! disabled endpoint, every retry at the time the policy gives, every retry freshly signed.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pos_webhooks::RetryPolicy;
use rusqlite::Connection;

/// How late an attempt may leave after the time it was due (a loaded two-core machine running
/// debug builds; the dispatcher polls every 10 ms).
const LATE_MS: i64 = 1500;

struct Run {
    dir: TempDir,
    summary: HashMap<String, f64>,
}

/// Removes the run's directory however the test ends.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run_demo(events: usize, fault_rate: f64, seed: u64) -> Run {
    let dir =
        std::env::temp_dir().join(format!("dispatch-demo-test-{}-{seed}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let guard = TempDir(dir.clone());
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dispatch-demo"))
        .args(["--events", &events.to_string()])
        .args(["--fault-rate", &fault_rate.to_string()])
        .args(["--seed", &seed.to_string()])
        .arg("--dir")
        .arg(&dir)
        .stdout(Stdio::piped())
        .spawn()
        .expect("starting dispatch-demo");
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    // Bounded: the demo has its own 90 s deadline; this one is a backstop.
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(150) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("dispatch-demo did not finish within 150 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let elapsed = started.elapsed();
    let text = reader.join().expect("reader");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "stdout is exactly the summary line: {text:?}"
    );
    let line = lines[0];
    assert!(line.starts_with("summary: "), "{line}");
    let summary = line["summary: ".len()..]
        .split(' ')
        .map(|kv| {
            let (k, v) = kv.split_once('=').expect("key=value");
            (k.to_owned(), v.parse::<f64>().expect("a number"))
        })
        .collect();
    assert!(status.success(), "exit status {status}, summary {line}");
    eprintln!("{line} (test run: {:.1} s)", elapsed.as_secs_f64());
    Run {
        dir: guard,
        summary,
    }
}

fn open(dir: &Path) -> Connection {
    let conn = Connection::open(dir.join("receiver.sqlite")).expect("receiver db");
    conn.execute(
        "ATTACH DATABASE ?1 AS pos",
        [dir.join("dispatcher.sqlite").to_string_lossy()],
    )
    .expect("dispatcher db");
    conn
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// When the policy says attempt `attempt_no` (which failed with `outcome` at `now`) is tried
/// again: the schedule's delay after that many failures, or later when a 429 or 503 asked for
/// it with `Retry-After` (honoured up to the policy's cap). The policy is the one the
/// dispatcher stored, read back from its database.
fn expected_retry_at(
    policy: &RetryPolicy,
    attempt_no: i64,
    now: i64,
    outcome: &str,
    retry_after: Option<i64>,
) -> i64 {
    let delay = i64::from(policy.delays()[(attempt_no - 1) as usize]);
    let asked = match (outcome, retry_after) {
        ("429" | "503", Some(secs)) => secs.min(i64::from(policy.retry_after_cap())),
        _ => 0,
    };
    now + delay.max(asked)
}

#[test]
fn fault_injection_with_a_crash() {
    let run = run_demo(200, 0.3, 11);
    exactly_once(&run);
    disabled_endpoint_gets_nothing(&run);
    retries_signed_afresh(&run);
    retries_follow_the_policy(&run);
}

fn exactly_once(run: &Run) {
    let s = &run.summary;
    assert_eq!(s["events"], 200.0);
    assert_eq!(s["applied"], 200.0);
    assert_eq!(s["lost"], 0.0);
    assert_eq!(s["applied_twice"], 0.0);
    assert_eq!(s["sent_to_disabled"], 0.0);
    // Faults happened and were survived: retries, and duplicates that had to be suppressed.
    assert!(s["retries"] >= 30.0, "{s:?}");
    assert!(s["duplicates_suppressed"] >= 5.0, "{s:?}");

    let db = open(&run.dir.0);
    // Exactly once, counted directly: every outbox event has one order row at the partner.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM pos.outbox o WHERE
               (SELECT count(*) FROM orders r WHERE r.endpoint = 'partner' AND r.event_id = o.event_id) <> 1"
        ),
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM orders WHERE endpoint = 'partner'"
        ),
        200
    );
    // Nothing failed verification: every retry carried a valid signature.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM arrivals WHERE verdict = 'rejected'"
        ),
        0
    );
    // The faults that lose an applied order's response did occur, and their retries were
    // answered as duplicates.
    assert!(
        count(
            &db,
            "SELECT count(*) FROM arrivals WHERE endpoint = 'partner' AND verdict = 'applied'
               AND fault LIKE 'applied_then_%'"
        ) >= 5
    );
    // The crash: two incarnations of the dispatcher.
    assert_eq!(count(&db, "SELECT count(*) FROM pos.incarnations"), 2);
}

fn disabled_endpoint_gets_nothing(run: &Run) {
    let db = open(&run.dir.0);

    // The legacy endpoint was disabled by the crate's decision on its 410, and no attempt to it
    // started after that (attempts are numbered in the order they started).
    let disabled_after: i64 = db
        .query_row(
            "SELECT disabled_after_attempt FROM pos.endpoint_info WHERE which = '\"Legacy\"'",
            [],
            |r| r.get(0),
        )
        .expect("the legacy endpoint was disabled");
    assert!(
        count(
            &db,
            "SELECT count(*) FROM pos.attempt_log WHERE outcome = '410' AND decision LIKE 'disable%'"
        ) >= 1
    );
    assert_eq!(
        count(
            &db,
            &format!(
                "SELECT count(*) FROM pos.attempt_log l JOIN pos.endpoint_info i USING (endpoint_id)
                 WHERE i.which = '\"Legacy\"' AND l.id > {disabled_after}"
            )
        ),
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM pos.attempts a JOIN pos.endpoint_info i USING (endpoint_id)
             WHERE i.which = '\"Legacy\"' AND a.status = 'pending'"
        ),
        0
    );
    // Whatever reached the legacy endpoint before was applied at most once.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM (SELECT event_id FROM orders WHERE endpoint = 'legacy'
               GROUP BY event_id HAVING count(*) > 1)"
        ),
        0
    );
}

fn retries_signed_afresh(run: &Run) {
    let db = open(&run.dir.0);
    // Every arrival carries the timestamp the dispatcher signed for that very attempt, within
    // a second or two of its arrival: retries are signed afresh.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM arrivals a JOIN pos.attempt_log l ON l.id = a.attempt_ref
             WHERE a.endpoint = 'partner'
               AND (a.signed_ts IS NOT l.signed_ts OR abs(a.received_ms / 1000 - a.signed_ts) > 2)"
        ),
        0
    );
    assert!(
        count(
            &db,
            "SELECT count(*) FROM (SELECT message_id FROM arrivals WHERE endpoint = 'partner'
               GROUP BY message_id HAVING count(DISTINCT signed_ts) > 1)"
        ) >= 5
    );
}

fn retries_follow_the_policy(run: &Run) {
    let db = open(&run.dir.0);
    // Retry times: each decision's time is the policy's, and the next attempt left then.
    let restart_ms: i64 = db
        .query_row(
            "SELECT started_ms FROM pos.incarnations WHERE n = 2",
            [],
            |r| r.get(0),
        )
        .expect("a second incarnation");
    let mut stmt = db
        .prepare(
            "SELECT l.message_id, l.endpoint_id, l.attempt_no, l.now_s, l.outcome, l.retry_after_s,
                    l.next_at_s, l.incarnation,
                    (SELECT min(n.started_ms) FROM pos.attempt_log n
                      WHERE n.message_id = l.message_id AND n.endpoint_id = l.endpoint_id
                        AND n.attempt_no = l.attempt_no + 1),
                    (SELECT min(n.incarnation) FROM pos.attempt_log n
                      WHERE n.message_id = l.message_id AND n.endpoint_id = l.endpoint_id
                        AND n.attempt_no = l.attempt_no + 1)
             FROM pos.attempt_log l JOIN pos.endpoint_info i USING (endpoint_id)
             WHERE i.which = '\"Partner\"' AND l.decision = 'retry'",
        )
        .expect("query");
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, i64>(7)?,
                r.get::<_, Option<i64>>(8)?,
                r.get::<_, Option<i64>>(9)?,
            ))
        })
        .expect("rows");
    let policy: String = db
        .query_row(
            "SELECT policy FROM pos.endpoint_info WHERE which = '\"Partner\"'",
            [],
            |r| r.get(0),
        )
        .expect("the partner's policy");
    let policy: RetryPolicy = serde_json::from_str(&policy).expect("a RetryPolicy");
    // The short schedule the demo configured (the crate's custom fixed policy).
    assert_eq!(policy.delays(), dispatch_demo::attempts::PARTNER_DELAYS);
    let mut checked = 0;
    let mut with_retry_after = 0;
    for row in rows {
        let (message, attempt_no, now_s, outcome, retry_after, next_at, inc, next_start, next_inc) =
            row.expect("row");
        let expected = expected_retry_at(&policy, attempt_no, now_s, &outcome, retry_after);
        assert_eq!(
            next_at, expected,
            "{message} attempt {attempt_no} ({outcome}, retry-after {retry_after:?}) at {now_s}"
        );
        if retry_after.is_some() {
            with_retry_after += 1;
        }
        let next_start = next_start
            .unwrap_or_else(|| panic!("{message}: attempt {} never left", attempt_no + 1));
        let mut due_ms = next_at * 1000;
        if inc == 1 && next_inc == Some(2) {
            // Due while the dispatcher was dead: it leaves once the new process runs.
            due_ms = due_ms.max(restart_ms);
        }
        assert!(
            next_start >= next_at * 1000 && next_start - due_ms <= LATE_MS,
            "{message} attempt {}: due {due_ms}, left {next_start} ({} ms late)",
            attempt_no + 1,
            next_start - due_ms
        );
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} retries checked");
    assert!(
        with_retry_after >= 3,
        "only {with_retry_after} 429s with Retry-After"
    );

    // Attempts cut off by the crash (no outcome) were sent again by the new process, with the
    // same attempt number: the state was only in SQLite.
    let cut: Vec<(String, i64, i64)> = db
        .prepare(
            "SELECT message_id, endpoint_id, attempt_no FROM pos.attempt_log
             WHERE finished_ms IS NULL",
        )
        .expect("query")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    for (message, endpoint, attempt_no) in &cut {
        let again = count(
            &db,
            &format!(
                "SELECT count(*) FROM pos.attempt_log WHERE message_id = '{message}'
                   AND endpoint_id = {endpoint} AND attempt_no = {attempt_no} AND incarnation = 2"
            ),
        );
        let endpoint_dropped = count(
            &db,
            &format!(
                "SELECT count(*) FROM pos.attempts WHERE message_id = '{message}'
                   AND endpoint_id = {endpoint} AND status = 'dropped'"
            ),
        );
        assert!(
            again == 1 || endpoint_dropped == 1,
            "{message} attempt {attempt_no} was cut off by the crash and not sent again"
        );
    }
}
